"""Rule sweep_summary: results/sweep/summary.csv and summary.png from every sweep model."""

import numpy as np

from mnistnn.atomic import write_text
from mnistnn.errors import MnistnnError
from mnistnn.runner import run_rule
from mnistnn.sweep import summary_figure, sweep_table


def backqueries(names, files):
    """``{name: (10, 784) images}`` from the seed-method files, ten per model in order."""
    images = np.stack([np.load(path, allow_pickle=False) for path in files])
    return dict(zip(names, images.reshape(len(names), 10, 784), strict=True))


def main(say):
    models = snakemake.params.models
    if not models:
        raise MnistnnError(
            "sweep_summary: the config has no `sweep:` (try --configfile config/sweep.yaml)"
        )
    names = list(models)

    def per_model(files):
        return dict(zip(names, files, strict=True))

    table = sweep_table(
        models,
        per_model(snakemake.input.metrics),
        per_model(snakemake.input.benchmarks),
        per_model(snakemake.input.quality),
    )
    write_text(snakemake.output.table, table.to_csv(index=False))
    seed_files = snakemake.input.seed_images
    images = backqueries(names, seed_files) if seed_files else None
    summary_figure(table, images, snakemake.output.figure)
    best = table.loc[table["test_accuracy"].idxmax()]
    say(f"{len(table)} models; best test accuracy {best['test_accuracy']:.4f} ({best['model']})")


run_rule(main, snakemake.log[0])
