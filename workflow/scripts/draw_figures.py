"""The per-model figure rules: each draws one figure from the stage outputs it names.

methods_figure, evolution_figure, hidden_units_figure, similarity_figure and
training_figure share this script; ``snakemake.rule`` says which to draw.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from mnistnn import atomic, figures
from mnistnn.backquery import ImagePrior, backquery, label_vector, load_method_images
from mnistnn.params import load_snapshots, read_params
from mnistnn.quality import correlations
from mnistnn.rules import run_rule


def stage_name(snapshot):
    """How far training had got: "initial", "500 samples" or "epoch 2"."""
    if snapshot.label.startswith("epoch"):
        return f"epoch {snapshot.label.removeprefix('epoch')}"
    if snapshot.samples_seen == 0:
        return "initial weights"
    return f"{snapshot.samples_seen:,} samples"


def methods_figure(model):
    images = load_method_images([*snakemake.input.images, *snakemake.input.mean])
    quality = pd.read_csv(snakemake.input.quality)
    title = f"{model}: each method's image of every digit"
    figures.methods_figure(images, quality, snakemake.output[0], title=title)


def evolution_figure(model):
    snapshots = load_snapshots(snakemake.input.snapshots)
    image_prior = ImagePrior.load(snakemake.input.prior)
    settings = snakemake.params.settings
    images = {
        method: np.array(
            [
                [
                    backquery(s.net, label_vector(d), method, settings.get(method), image_prior)
                    for d in range(10)
                ]
                for s in snapshots
            ]
        )
        for method in snakemake.params.methods
    }
    atomic.save_npz(snakemake.output.images, **images)
    stages = [stage_name(s) for s in snapshots]
    title = f"{model}: what the network imagines as it trains"
    figures.evolution_figure(stages, images, snakemake.output.figure, title=title)


def hidden_units_figure(model):
    net = read_params(Path(snakemake.input[0]).parent)
    title = f"{model}: what each of the {net.hidden_nodes} hidden units looks for (weights W1)"
    figures.hidden_units_figure(net.W1, snakemake.output[0], title=title)


def similarity_figure(model):
    templates = np.load(snakemake.input.mean_images, allow_pickle=False)
    panels = {
        method: correlations(images, templates)
        for method, images in load_method_images(snakemake.input.images).items()
    }
    title = f"{model}: correlation of each backquery with each digit's mean image"
    figures.similarity_figure(panels, snakemake.output[0], title=title)


def training_figure(model):
    history = pd.read_csv(snakemake.input[0])
    figures.training_figure(history, snakemake.output[0], title=f"{model}: training")


def main(say):
    model = snakemake.wildcards.model
    globals()[snakemake.rule](model)
    say(f"{model}: wrote {', '.join(snakemake.output)}")


run_rule(main, snakemake.log[0])
