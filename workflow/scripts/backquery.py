"""Rules backquery and backquery_control: the image a network associates with each digit.

Every label-free method runs on the job's network, for digits 0-9, and the
seed method for each extra label vector of config ``queries``; rule
backquery also copies the labelled reference ``mean`` beside them.
"""

from pathlib import Path

import numpy as np

from mnistnn.backquery import ImagePrior, backquery_digits, check_label_vector, seed
from mnistnn.errors import BackqueryError
from mnistnn.idx import read_idx
from mnistnn.images import save_digit
from mnistnn.params import read_params
from mnistnn.rules import run_rule


def main(say):
    model = snakemake.wildcards.model
    # every query is checked before anything is computed: a bad one writes nothing
    queries = {name: check_label_vector(v, name) for name, v in snakemake.params.queries.items()}
    net = read_params(Path(snakemake.input.params[0]).parent)
    image_prior = ImagePrior.load(snakemake.input.prior)
    # the posterior method's prior: the training images, never their labels
    train_images = read_idx(snakemake.input.train_images).reshape(-1, 784)
    folder = Path(snakemake.output[0]).parents[1]
    for method, settings in snakemake.params.methods.items():
        try:
            images, notes = backquery_digits(net, method, settings, image_prior, train_images)
        except BackqueryError as error:
            raise BackqueryError(f"model {model}: {error}") from None
        for note in notes:
            say(f"warning: model {model}: {note}")
        for digit, image in enumerate(images):
            save_digit(image, folder / method / str(digit))
        say(f"{model}: {method} backquery of digits 0-9 in {folder / method}")
    mean_images = snakemake.input.get("mean_images")  # rule backquery_control has none
    if mean_images:
        for digit, image in enumerate(np.load(mean_images, allow_pickle=False)):
            save_digit(image, folder / "mean" / str(digit))
    for name, target in queries.items():
        try:
            image = seed(net, target)
        except BackqueryError as error:
            raise BackqueryError(f"model {model}, query {name}: {error}") from None
        save_digit(image, folder.parent / "queries" / name)
        say(f"{model}: query {name}")


run_rule(main, snakemake.log[0])
