"""Rule import_params: validate four parameter files made elsewhere and copy them in."""

from mnistnn.params import read_param_files, write_param_files
from mnistnn.runner import run_rule


def main(say):
    net = read_param_files(snakemake.input)
    write_param_files(net, snakemake.output)
    say(f"imported {snakemake.wildcards.model}: 784-{net.hidden_nodes}-10")


run_rule(main, snakemake.log[0])
