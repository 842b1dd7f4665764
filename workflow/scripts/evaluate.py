"""Rule evaluate: test accuracy and confusion matrix, from the four parameter files."""

import json

import numpy as np
import pandas as pd

from mnistnn import atomic
from mnistnn.idx import read_mnist
from mnistnn.network import confusion_matrix
from mnistnn.params import read_param_files
from mnistnn.runner import run_rule


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
        metrics["train_seconds"] = float(pd.read_csv(snakemake.input.history)["seconds"].sum())
    table = pd.DataFrame(counts, index=pd.Index(range(10), name="true"))
    table.columns = pd.Index(range(10), name="predicted")
    atomic.write_text(snakemake.output.confusion, table.to_csv())
    atomic.write_text(snakemake.output.metrics, json.dumps(metrics, indent=2) + "\n")
    say(f"{snakemake.wildcards.model}: test accuracy {metrics['test_accuracy']:.4f}")


run_rule(main, snakemake.log[0])
