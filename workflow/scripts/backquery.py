"""Rule backquery: the image a network associates with each digit, by one method."""

from pathlib import Path

import numpy as np

from mnistnn import atomic
from mnistnn.backquery import ImagePrior, backquery, label_vector
from mnistnn.errors import BackqueryError
from mnistnn.figures import digit_png
from mnistnn.params import read_params
from mnistnn.rules import run_rule


def images_by_method(method):
    """The ``(10, 784)`` images of ``method`` for this job's network."""
    if method == "mean":
        return np.load(snakemake.input.mean_images, allow_pickle=False)
    net = read_params(Path(snakemake.input.params[0]).parent)
    prior_path = snakemake.input.get("prior")
    image_prior = ImagePrior.load(prior_path) if prior_path else None
    try:
        return np.array(
            [
                backquery(net, label_vector(digit), method, snakemake.params.settings, image_prior)
                for digit in range(10)
            ]
        )
    except BackqueryError as error:
        raise BackqueryError(f"model {snakemake.wildcards.model}: {error}") from None


def main(say):
    images = images_by_method(snakemake.wildcards.method)
    arrays, pictures = snakemake.output[:10], snakemake.output[10:]
    for image, array_path, picture_path in zip(images, arrays, pictures, strict=True):
        atomic.save_npy(array_path, image)
        digit_png(image, picture_path)
    say(f"{snakemake.wildcards.model}: {snakemake.wildcards.method} backquery of digits 0-9")


run_rule(main, snakemake.log[0])
