"""Rule control_params: the untrained network of a model's shapes, the control for every method."""

from pathlib import Path

from mnistnn.backquery import control_network
from mnistnn.params import read_params, write_params
from mnistnn.rules import run_rule


def main(say):
    net = read_params(Path(snakemake.input[0]).parent)
    write_params(Path(snakemake.output[0]).parent, control_network(net, snakemake.params.seed))
    say(f"control of {snakemake.wildcards.model}: untrained, seed {snakemake.params.seed}")


run_rule(main, snakemake.log[0])
