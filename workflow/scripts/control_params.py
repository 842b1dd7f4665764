"""Rule control_params: the untrained network of a model's shapes, the control for every method.

A trained model's control is its own initial network, known from the config
alone, so it is made without waiting for training; an imported model's files
say how many hidden units its control needs.
"""

from mnistnn.network import initial_network
from mnistnn.params import read_param_files, write_param_files
from mnistnn.runner import run_rule


def main(say):
    if snakemake.input:
        hidden_nodes = read_param_files(snakemake.input).hidden_nodes
    else:
        hidden_nodes = snakemake.params.hidden_nodes
    seed = snakemake.params.seed
    write_param_files(initial_network(hidden_nodes, seed), snakemake.output)
    model = snakemake.wildcards.model
    say(f"control of {model}: untrained, {hidden_nodes} hidden units, seed {seed}")


run_rule(main, snakemake.log[0])
