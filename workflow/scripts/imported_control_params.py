"""Rule imported_control_params: an untrained network of an imported model's shapes, its control."""

from mnistnn.network import initial_network
from mnistnn.params import read_param_files, write_param_files
from mnistnn.runner import run_rule


def main(say):
    hidden_nodes = read_param_files(snakemake.input).hidden_nodes
    init_seed = snakemake.params.init_seed
    write_param_files(initial_network(hidden_nodes, init_seed), snakemake.output)
    say(f"control of {snakemake.wildcards.model}: {hidden_nodes} hidden units, seed {init_seed}")


run_rule(main, snakemake.log[0])
