"""Rule control_params: the untrained control of a trained model, from the config alone."""

from mnistnn.network import initial_network
from mnistnn.params import write_param_files
from mnistnn.runner import run_rule


def main(say):
    hidden_nodes, init_seed = snakemake.params.hidden_nodes, snakemake.params.init_seed
    write_param_files(initial_network(hidden_nodes, init_seed), snakemake.output)
    say(f"control of {snakemake.wildcards.model}: {hidden_nodes} hidden units, seed {init_seed}")


run_rule(main, snakemake.log[0])
