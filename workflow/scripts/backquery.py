"""Rule backquery: the image a model associates with each digit, by every method, and its queries.

Every label-free method runs on the model's network for digits 0-9, and the
seed method for each extra label vector of config ``queries``.
"""

from mnistnn.backquery import checked_queries, save_backqueries
from mnistnn.errors import BackqueryError
from mnistnn.idx import read_idx
from mnistnn.image_prior import ImagePrior
from mnistnn.layout import method_files_by_method
from mnistnn.network import network_inputs
from mnistnn.params import read_param_files
from mnistnn.runner import run_rule


def main(say):
    model = snakemake.wildcards.model
    queries = checked_queries(snakemake.params.queries, snakemake.output.queries)
    methods = snakemake.params.methods
    try:
        save_backqueries(
            read_param_files(snakemake.input.params),
            methods,
            method_files_by_method(snakemake.output.images, methods),
            lambda line: say(f"{model}: {line}"),
            queries=queries,
            image_prior=ImagePrior.load(snakemake.input.prior),
            # the posterior method's prior: the training images (never their labels),
            # converted to inputs once for its two passes over them
            train_images=network_inputs(read_idx(snakemake.input.train_images).reshape(-1, 784)),
        )
    except BackqueryError as error:
        raise BackqueryError(f"model {model}: {error}") from None


run_rule(main, snakemake.log[0])
