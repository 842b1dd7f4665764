"""Rule seed_backquery: the book's backquery of each digit, and the queries, for a model
shown only in the montages (``analysis: montage``).

It needs neither the image prior nor the training images, so it starts as soon
as the model's parameter files exist.
"""

from mnistnn.backquery import checked_queries, save_backqueries
from mnistnn.errors import BackqueryError
from mnistnn.layout import method_files_by_method
from mnistnn.params import read_param_files
from mnistnn.runner import run_rule


def main(say):
    model = snakemake.wildcards.model
    queries = checked_queries(snakemake.params.queries, snakemake.output.queries)
    outputs = method_files_by_method(snakemake.output.images, ["seed"])
    net = read_param_files(snakemake.input.params)
    try:
        save_backqueries(
            net, {"seed": {}}, outputs, lambda line: say(f"{model}: {line}"), queries=queries
        )
    except BackqueryError as error:
        raise BackqueryError(f"model {model}: {error}") from None


run_rule(main, snakemake.log[0])
