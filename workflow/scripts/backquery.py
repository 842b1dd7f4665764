"""Rules backquery and backquery_control: the image a network associates with each digit.

Every label-free method runs on the job's network, for digits 0-9, and the
seed method for each extra label vector of config ``queries``; rule
backquery also copies the labelled reference ``mean`` beside them.
"""

import numpy as np

from mnistnn.backquery import ImagePrior, backquery_digits, check_label_vector, seed
from mnistnn.errors import BackqueryError
from mnistnn.idx import read_idx
from mnistnn.images import save_digit
from mnistnn.layout import method_files_by_method, query_files_by_name
from mnistnn.params import read_param_files
from mnistnn.runner import run_rule


def save_digits(images, npy_paths, png_paths):
    """Write image ``i`` of ``images`` (10, 784) to ``npy_paths[i]`` and ``png_paths[i]``."""
    for image, npy_path, png_path in zip(images, npy_paths, png_paths, strict=True):
        save_digit(image, npy_path, png_path)


def main(say):
    model = snakemake.wildcards.model
    # every query is checked before anything is computed: a bad one writes nothing
    queries = {name: check_label_vector(v, name) for name, v in snakemake.params.queries.items()}
    net = read_param_files(snakemake.input.params)
    image_prior = ImagePrior.load(snakemake.input.prior)
    # the posterior method's prior: the training images, never their labels
    train_images = read_idx(snakemake.input.train_images).reshape(-1, 784)
    mean_images = snakemake.input.get("mean_images")  # rule backquery_control has none
    methods = [*snakemake.params.methods, *(["mean"] if mean_images else [])]
    outputs = method_files_by_method(snakemake.output.images, methods)
    for method, settings in snakemake.params.methods.items():
        try:
            images, notes = backquery_digits(net, method, settings, image_prior, train_images)
        except BackqueryError as error:
            raise BackqueryError(f"model {model}: {error}") from None
        for note in notes:
            say(f"warning: model {model}: {note}")
        save_digits(images, *outputs[method])
        say(f"{model}: {method} backquery of digits 0-9")
    if mean_images:
        save_digits(np.load(mean_images, allow_pickle=False), *outputs["mean"])
    query_outputs = query_files_by_name(snakemake.output.get("queries", []), queries)
    for name, target in queries.items():
        try:
            image = seed(net, target)
        except BackqueryError as error:
            raise BackqueryError(f"model {model}, query {name}: {error}") from None
        save_digit(image, *query_outputs[name])
        say(f"{model}: query {name}")


run_rule(main, snakemake.log[0])
