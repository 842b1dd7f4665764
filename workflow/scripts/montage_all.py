"""Rule montage_all: the seed backqueries of every model of the run, one model a row."""

import json
from pathlib import Path

import numpy as np

from mnistnn.figures import montage_grid
from mnistnn.runner import run_rule


def model_label(model, metrics_path):
    """ "book, test accuracy 0.9714" for model ``book`` and its ``metrics.json``."""
    accuracy = json.loads(Path(metrics_path).read_text())["test_accuracy"]
    return f"{model}, test accuracy {accuracy:.4f}"


def main(say):
    models = snakemake.params.models
    images = np.array([np.load(path, allow_pickle=False) for path in snakemake.input.images])
    labels = [
        model_label(model, path)
        for model, path in zip(models, snakemake.input.metrics, strict=True)
    ]
    rows = dict(zip(labels, images.reshape(len(labels), 10, 784), strict=True))
    montage_grid(rows, snakemake.output[0], title="Seed backquery of every model")
    say(f"wrote {', '.join(snakemake.output)}")


run_rule(main, snakemake.log[0])
