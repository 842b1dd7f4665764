"""Rule sweep_summary: results/sweep/summary.csv and summary.png from every sweep model, and
the grid of one model's images per hidden size (backqueries.png and .csv)."""

import pandas as pd

from mnistnn import figures
from mnistnn.errors import MnistnnError
from mnistnn.images import load_method_images
from mnistnn.runner import run_rule
from mnistnn.sweep import grid_models, sweep_table
from mnistnn.tables import image_table, percent, write_csv


def per_model(names, files):
    """``{name: [files]}``: ``files`` hold the same number of files for each model, in order."""
    files = list(files)
    count = len(files) // len(names)
    return {name: files[i * count : (i + 1) * count] for i, name in enumerate(names)}


def draw_grid(table, images, path):
    """The grid: a row per hidden size (its model of the best learning rate), a block per method."""
    chosen = grid_models(table)
    rows = []
    for method in snakemake.params.methods:
        for i, model in enumerate(chosen.itertuples()):
            label = (
                f"{model.hidden_nodes} hidden, learning rate {model.learning_rate:g}, "
                f"seed {model.seed}\n{model.model}: {percent(model.test_accuracy)} right"
            )
            heading = figures.METHOD_HEADINGS.get(method, method) if i == 0 else None
            rows.append(figures.Row(label, images[model.model][method], heading=heading))
    figures.digit_grid(
        rows,
        path,
        title="What networks of each size imagine for each digit",
        subtitle=(
            "One row per hidden layer size: its model with the learning rate that is best on "
            "average over seeds, first seed.\nDark = the network expects ink there."
        ),
        column_title="digit asked for",
    )
    return chosen


def main(say):
    models = snakemake.params.models
    if not models:
        raise MnistnnError(
            "sweep_summary: the config has no `sweep:` (try --configfile config/sweep.yaml)"
        )
    names = list(models)
    table = sweep_table(
        models,
        dict(zip(names, snakemake.input.metrics, strict=True)),
        dict(zip(names, snakemake.input.benchmarks, strict=True)),
        dict(zip(names, snakemake.input.quality, strict=True)),
    )
    write_csv(table, snakemake.output.table)  # the numbers of summary.png
    figures.sweep_figure(
        table,
        snakemake.output.figure,
        title="Do bigger, more accurate networks give clearer backqueries?",
        subtitle=(
            f"A sweep of {len(table)} models (hidden layer size x learning rate x seed).  "
            "The judge's count: how many of 10 backqueried digits read as the digit asked for."
        ),
    )
    images = {
        name: load_method_images(files)
        for name, files in per_model(names, snakemake.input.images).items()
    }
    chosen = draw_grid(table, images, snakemake.output.grid)
    grid_table = pd.concat(
        [
            image_table(images[model][method], model=model, method=method)
            for method in snakemake.params.methods
            for model in chosen["model"]
        ]
    )
    write_csv(grid_table, snakemake.output.grid_table)
    best = table.loc[table["test_accuracy"].idxmax()]
    say(f"{len(table)} models; best test accuracy {best['test_accuracy']:.4f} ({best['model']})")


run_rule(main, snakemake.log[0])
