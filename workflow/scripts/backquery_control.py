"""Rule backquery_control: every method's images of a model's untrained control network.

What a method shows of an untrained network is what it brings itself: rule
quality scores the model's images against these.
"""

from mnistnn.backquery import save_backqueries
from mnistnn.errors import BackqueryError
from mnistnn.idx import read_idx
from mnistnn.image_prior import ImagePrior
from mnistnn.layout import method_files_by_method
from mnistnn.network import network_inputs
from mnistnn.params import read_param_files
from mnistnn.runner import run_rule


def main(say):
    model = snakemake.wildcards.model
    methods = snakemake.params.methods
    try:
        save_backqueries(
            read_param_files(snakemake.input.params),
            methods,
            method_files_by_method(snakemake.output, methods),
            lambda line: say(f"control of {model}: {line}"),
            image_prior=ImagePrior.load(snakemake.input.prior),
            train_images=network_inputs(read_idx(snakemake.input.train_images).reshape(-1, 784)),
        )
    except BackqueryError as error:
        raise BackqueryError(f"control of model {model}: {error}") from None


run_rule(main, snakemake.log[0])
