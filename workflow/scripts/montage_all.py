"""Rule montage_all: the seed backqueries of every model of the run, one model a row, and a CSV."""

import numpy as np
import pandas as pd

from mnistnn.figures import montage_grid
from mnistnn.runner import run_rule
from mnistnn.tables import image_table, percent, read_metrics, write_csv


def main(say):
    models = snakemake.params.models
    images = np.array([np.load(path, allow_pickle=False) for path in snakemake.input.images])
    images = images.reshape(len(models), 10, 784)
    metrics = [read_metrics(path) for path in snakemake.input.metrics]
    labels = [
        f"{model}\n{m['hidden_nodes']} hidden, {percent(m['test_accuracy'])} right"
        for model, m in zip(models, metrics, strict=True)
    ]
    title = "What each model imagines for each digit"
    subtitle = (
        "One row per model, with its test accuracy: the config's models in its order, then a "
        "sweep's by hidden size, learning rate and seed.\n"
        "Method: the book's backquery (seed).  Dark = the network expects ink there."
    )
    montage_grid(
        dict(zip(labels, images, strict=True)), snakemake.output.png, title, subtitle=subtitle
    )
    table = pd.concat(
        [
            image_table(model_images, model=model, test_accuracy=m["test_accuracy"], method="seed")
            for model, m, model_images in zip(models, metrics, images, strict=True)
        ]
    )
    write_csv(table, snakemake.output.table)
    say(f"wrote {', '.join(snakemake.output)}")


run_rule(main, snakemake.log[0])
