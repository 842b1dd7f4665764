"""Rules montage and montage_all: the ten seed backqueries per model, in one figure.

``montage`` draws one model (PNG and SVG); ``montage_all`` draws every model
of the run as a row, so that models can be compared at a glance.
"""

import json
from pathlib import Path

import numpy as np

from mnistnn.figures import montage, montage_grid
from mnistnn.rules import run_rule


def model_label(metrics_path):
    """ "book, test accuracy 0.9714" for ``results/book/metrics.json``."""
    accuracy = json.loads(Path(metrics_path).read_text())["test_accuracy"]
    return f"{Path(metrics_path).parent.name}, test accuracy {accuracy:.4f}"


def main(say):
    images = np.array([np.load(path, allow_pickle=False) for path in snakemake.input.images])
    labels = [model_label(path) for path in snakemake.input.metrics]
    if snakemake.rule == "montage":
        title = f"What the network imagines for each digit (seed backquery): {labels[0]}"
        for path in snakemake.output:
            montage(images, title, path)
    else:
        rows = dict(zip(labels, images.reshape(len(labels), 10, 784), strict=True))
        montage_grid(rows, snakemake.output[0], title="Seed backquery of every model")
    say(f"wrote {', '.join(snakemake.output)}")


run_rule(main, snakemake.log[0])
