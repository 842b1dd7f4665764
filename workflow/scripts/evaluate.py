"""Rule evaluate: test accuracy and confusion matrix, from the four parameter files."""

import json
from pathlib import Path

import numpy as np
import pandas as pd

from mnistnn import atomic
from mnistnn.idx import load_mnist
from mnistnn.network import confusion_matrix
from mnistnn.params import read_params
from mnistnn.rules import run_rule


def main(say):
    net = read_params(Path(snakemake.input.params[0]).parent)
    images, labels = load_mnist(Path(snakemake.input.test_images).parent, "t10k")
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
