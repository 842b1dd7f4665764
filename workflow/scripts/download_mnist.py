"""Rule download_mnist: fetch the four MNIST files, verified, to the rule's named outputs."""

from mnistnn.download import fetch_mnist_files
from mnistnn.layout import MNIST_FILES
from mnistnn.runner import run_rule


def main(say):
    params = snakemake.params
    paths = {name: snakemake.output[key] for key, name in MNIST_FILES.items()}
    fetch_mnist_files(params.sources, paths, params.sha256, params.timeout, say=say)


run_rule(main, snakemake.log[0])
