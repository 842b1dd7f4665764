"""Rule evolution_figure: what the network imagines at each training snapshot, drawn."""

import numpy as np

from mnistnn import figures
from mnistnn.params import load_snapshot_stages
from mnistnn.runner import run_rule


def stage_name(label, samples_seen):
    """How far training had got: "initial weights", "500 samples" or "epoch 2"."""
    if label.startswith("epoch"):
        return f"epoch {label.removeprefix('epoch')}"
    if samples_seen == 0:
        return "initial weights"
    return f"{samples_seen:,} samples"


def main(say):
    model = snakemake.wildcards.model
    with np.load(snakemake.input.images, allow_pickle=False) as archive:
        images = {method: archive[method] for method in snakemake.params.methods}
        accuracies = archive["test_accuracy"]
    stages = [
        f"{stage_name(label, samples_seen)}\ntest accuracy {test_accuracy:.2f}"
        for (label, samples_seen), test_accuracy in zip(
            load_snapshot_stages(snakemake.input.snapshots), accuracies, strict=True
        )
    ]
    title = f"{model}: what the network imagines as it trains"
    figures.evolution_figure(stages, images, snakemake.output[0], title=title)
    say(f"{model}: wrote {snakemake.output[0]}")


run_rule(main, snakemake.log[0])
