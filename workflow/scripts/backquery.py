"""Rule backquery: the image a model associates with each digit, by every method, and its queries.

Every label-free method runs on the model's network for digits 0-9, and the
seed method for each extra label vector of config ``queries``.
"""

from mnistnn.backquery import check_label_vector, save_backqueries, seed
from mnistnn.errors import BackqueryError
from mnistnn.idx import read_idx
from mnistnn.image_prior import ImagePrior
from mnistnn.images import save_digit
from mnistnn.layout import method_files_by_method, query_files_by_name
from mnistnn.params import read_param_files
from mnistnn.runner import run_rule


def main(say):
    model = snakemake.wildcards.model
    # every query is checked before anything is computed: a bad one writes nothing
    queries = {name: check_label_vector(v, name) for name, v in snakemake.params.queries.items()}
    net = read_param_files(snakemake.input.params)
    methods = snakemake.params.methods
    try:
        save_backqueries(
            net,
            methods,
            method_files_by_method(snakemake.output.images, methods),
            ImagePrior.load(snakemake.input.prior),
            # the posterior method's prior: the training images, never their labels
            read_idx(snakemake.input.train_images).reshape(-1, 784),
            lambda line: say(f"{model}: {line}"),
        )
    except BackqueryError as error:
        raise BackqueryError(f"model {model}: {error}") from None
    outputs = query_files_by_name(snakemake.output.queries, queries)
    for name, target in queries.items():
        try:
            image = seed(net, target)
        except BackqueryError as error:
            raise BackqueryError(f"model {model}, query {name}: {error}") from None
        save_digit(image, *outputs[name])
        say(f"{model}: query {name}")


run_rule(main, snakemake.log[0])
