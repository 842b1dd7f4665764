"""Rule download_mnist: fetch the four MNIST files, verified, into the rule's output folder."""

from pathlib import Path

from mnistnn.download import fetch_mnist
from mnistnn.rules import run_rule


def main(say):
    params = snakemake.params
    destination = Path(snakemake.output[0]).parent
    fetch_mnist(params.sources, destination, params.sha256, params.timeout, say=say)


run_rule(main, snakemake.log[0])
