"""Rule montage: the ten seed backqueries of one model, in one figure (PNG and SVG)."""

import json
from pathlib import Path

import numpy as np

from mnistnn.figures import montage
from mnistnn.runner import run_rule


def model_label(model, metrics_path):
    """ "book, test accuracy 0.9714" for model ``book`` and its ``metrics.json``."""
    accuracy = json.loads(Path(metrics_path).read_text())["test_accuracy"]
    return f"{model}, test accuracy {accuracy:.4f}"


def main(say):
    images = np.array([np.load(path, allow_pickle=False) for path in snakemake.input.images])
    label = model_label(snakemake.wildcards.model, snakemake.input.metrics)
    title = f"What the network imagines for each digit (seed backquery): {label}"
    for path in snakemake.output:
        montage(images, title, path)
    say(f"wrote {', '.join(snakemake.output)}")


run_rule(main, snakemake.log[0])
