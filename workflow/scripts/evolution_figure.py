"""Rule evolution_figure: what the network imagines at each training snapshot, drawn, and
the numbers behind the figure as a CSV."""

import numpy as np
import pandas as pd

from mnistnn import figures
from mnistnn.params import load_snapshot_stages
from mnistnn.runner import run_rule
from mnistnn.tables import image_table, percent, write_csv


def stage_name(label, samples_seen):
    """How far training had got: "initial weights", "500 samples" or "epoch 2"."""
    if label.startswith("epoch"):
        return f"epoch {label.removeprefix('epoch')}"
    if samples_seen == 0:
        return "initial weights"
    return f"{samples_seen:,} samples"


def evolution_table(stages, accuracies, images):
    """evolution.csv: one row per snapshot, method and digit, with the image's pixels."""
    return pd.concat(
        [
            image_table(
                per_snapshot[i],
                snapshot=label,
                samples_seen=samples_seen,
                test_accuracy=accuracies[i],
                method=method,
            )
            for method, per_snapshot in images.items()
            for i, (label, samples_seen) in enumerate(stages)
        ]
    )


def main(say):
    model = snakemake.wildcards.model
    with np.load(snakemake.input.images, allow_pickle=False) as archive:
        images = {method: archive[method] for method in snakemake.params.methods}
        accuracies = archive["test_accuracy"]
    stages = load_snapshot_stages(snakemake.input.snapshots)
    write_csv(evolution_table(stages, accuracies, images), snakemake.output.table)
    labels = [
        f"{stage_name(label, samples_seen)}\n{percent(test_accuracy)} right"
        for (label, samples_seen), test_accuracy in zip(stages, accuracies, strict=True)
    ]
    title = "How the network's picture of each digit changes while it learns"
    subtitle = (
        f"Model {model}, saved at points of its training: one row per saved network, "
        "with the share of the 10,000 test digits it gets right.\n"
        "Two ways of running it backwards, one block each.  "
        "Dark = the network expects ink there."
    )
    figures.evolution_figure(
        labels,
        images,
        snakemake.output.figure,
        title=title,
        subtitle=subtitle,
        headings=figures.METHOD_HEADINGS,
    )
    say(f"{model}: wrote {', '.join(snakemake.output)}")


run_rule(main, snakemake.log[0])
