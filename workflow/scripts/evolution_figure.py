"""Rule evolution_figure: what the network imagines at each training snapshot."""

import numpy as np
import pandas as pd

from mnistnn import atomic, figures
from mnistnn.backquery import ImagePrior, backquery_digits
from mnistnn.idx import read_idx, read_mnist
from mnistnn.network import accuracy, network_inputs
from mnistnn.params import load_snapshots
from mnistnn.runner import run_rule
from mnistnn.tables import image_table, percent, write_csv


def stage_name(snapshot):
    """How far training had got: "initial weights", "500 samples" or "epoch 2"."""
    if snapshot.label.startswith("epoch"):
        return f"epoch {snapshot.label.removeprefix('epoch')}"
    if snapshot.samples_seen == 0:
        return "initial weights"
    return f"{snapshot.samples_seen:,} samples"


def evolution_table(snapshots, accuracies, images):
    """evolution.csv: one row per snapshot, method and digit, with the image's pixels."""
    return pd.concat(
        [
            image_table(
                per_snapshot[i],
                snapshot=snapshot.label,
                samples_seen=snapshot.samples_seen,
                test_accuracy=accuracies[i],
                method=method,
            )
            for method, per_snapshot in images.items()
            for i, snapshot in enumerate(snapshots)
        ]
    )


def main(say):
    model = snakemake.wildcards.model
    snapshots = load_snapshots(snakemake.input.snapshots)
    image_prior = ImagePrior.load(snakemake.input.prior)
    # converted once for every snapshot's posterior
    train_images = network_inputs(read_idx(snakemake.input.train_images).reshape(-1, 784))
    settings = snakemake.params.settings
    images = {}
    for method in snakemake.params.methods:
        per_snapshot = []
        for snapshot in snapshots:
            digits, notes = backquery_digits(
                snapshot.net, method, settings.get(method), image_prior, train_images
            )
            per_snapshot.append(digits)
            for note in notes:
                say(f"warning: model {model}, snapshot {snapshot.label}: {note}")
        images[method] = np.array(per_snapshot)
    test_images, test_labels = read_mnist(snakemake.input.test_images, snakemake.input.test_labels)
    accuracies = [accuracy(s.net, test_images, test_labels) for s in snapshots]
    atomic.save_npz(snakemake.output.images, test_accuracy=accuracies, **images)
    write_csv(evolution_table(snapshots, accuracies, images), snakemake.output.table)
    stages = [
        f"{stage_name(snapshot)}\n{percent(test_accuracy)} right"
        for snapshot, test_accuracy in zip(snapshots, accuracies, strict=True)
    ]
    title = "How the network's picture of each digit changes while it learns"
    subtitle = (
        f"Model {model}, saved at points of its training: one row per saved network, "
        "with the share of the 10,000 test digits it gets right.\n"
        "Two ways of running it backwards, one block each.  "
        "Dark = the network expects ink there."
    )
    figures.evolution_figure(
        stages,
        images,
        snakemake.output.figure,
        title=title,
        subtitle=subtitle,
        headings=figures.METHOD_HEADINGS,
    )
    say(f"{model}: wrote {', '.join(snakemake.output)}")


run_rule(main, snakemake.log[0])
