"""Rule import_params: validate four parameter files made elsewhere and copy them in."""

from pathlib import Path

from mnistnn.params import read_params, write_params
from mnistnn.rules import run_rule


def main(say):
    net = read_params(Path(snakemake.input[0]).parent)
    write_params(Path(snakemake.output[0]).parent, net)
    say(f"imported {snakemake.wildcards.model}: 784-{net.hidden_nodes}-10")


run_rule(main, snakemake.log[0])
