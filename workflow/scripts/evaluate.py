"""Rule evaluate: test accuracy and confusion matrix, from the four parameter files."""

import csv
import json

import numpy as np

from mnistnn import atomic
from mnistnn.idx import read_mnist
from mnistnn.network import confusion_matrix
from mnistnn.params import read_param_files
from mnistnn.runner import run_rule


def confusion_csv(counts: np.ndarray) -> str:
    """The ``(10, 10)`` counts as CSV: a header ``true,0,...,9``, then one row per true digit.

    Written without pandas: the job starts faster.
    """
    lines = [",".join(["true", *map(str, range(len(counts)))])]
    lines += [",".join(map(str, [digit, *row])) for digit, row in enumerate(counts.tolist())]
    return "\n".join(lines) + "\n"


def training_seconds(history_path: str) -> float:
    """The total of the ``seconds`` column of a model's history.csv."""
    with open(history_path, encoding="utf-8", newline="") as handle:
        return float(np.sum([float(row["seconds"]) for row in csv.DictReader(handle)]))


def main(say):
    net = read_param_files(snakemake.input.params)
    images, labels = read_mnist(snakemake.input.test_images, snakemake.input.test_labels)
    counts = confusion_matrix(net, images, labels)
    per_class = np.diag(counts) / np.maximum(counts.sum(axis=1), 1)
    metrics = {
        "test_accuracy": float(np.trace(counts) / counts.sum()),
        "per_class_accuracy": {str(digit): float(value) for digit, value in enumerate(per_class)},
        "n_test": int(counts.sum()),
        "hidden_nodes": net.hidden_nodes,
    }
    if snakemake.input.history:
        metrics["train_seconds"] = training_seconds(snakemake.input.history)
    atomic.write_text(snakemake.output.confusion, confusion_csv(counts))
    atomic.write_text(snakemake.output.metrics, json.dumps(metrics, indent=2) + "\n")
    say(f"{snakemake.wildcards.model}: test accuracy {metrics['test_accuracy']:.4f}")


run_rule(main, snakemake.log[0])
