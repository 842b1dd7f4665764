"""Rule export_params: write a trained network as the four text files."""

from mnistnn.params import load_network, write_param_files
from mnistnn.runner import run_rule


def main(say):
    write_param_files(load_network(snakemake.input[0]), snakemake.output)
    say(f"wrote {', '.join(snakemake.output)}")


run_rule(main, snakemake.log[0])
