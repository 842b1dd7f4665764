"""Rule methods_figure: every method's image of every digit, with its scores."""

import numpy as np
import pandas as pd

from mnistnn import figures
from mnistnn.images import load_method_images
from mnistnn.runner import run_rule


def main(say):
    model = snakemake.wildcards.model
    images = load_method_images(snakemake.input.images)
    images["mean"] = np.load(snakemake.input.mean_images, allow_pickle=False)
    quality = pd.read_csv(snakemake.input.quality)
    title = f"{model}: each method's image of every digit"
    figures.methods_figure(images, quality, snakemake.output[0], title=title)
    say(f"{model}: wrote {snakemake.output[0]}")


run_rule(main, snakemake.log[0])
