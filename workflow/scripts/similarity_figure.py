"""Rule similarity_figure: how each backquery correlates with each digit's mean image."""

import numpy as np

from mnistnn import figures
from mnistnn.images import load_method_images
from mnistnn.quality import correlations
from mnistnn.runner import run_rule


def main(say):
    model = snakemake.wildcards.model
    templates = np.load(snakemake.input.mean_images, allow_pickle=False)
    panels = {
        method: correlations(images, templates)
        for method, images in load_method_images(snakemake.input.images).items()
    }
    title = f"{model}: correlation of each backquery with each digit's mean image"
    figures.similarity_figure(panels, snakemake.output[0], title=title)
    say(f"{model}: wrote {snakemake.output[0]}")


run_rule(main, snakemake.log[0])
