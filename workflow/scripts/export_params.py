"""Rule export_params: write a trained network as the four text files."""

from pathlib import Path

from mnistnn.params import load_network, write_params
from mnistnn.rules import run_rule


def main(say):
    write_params(Path(snakemake.output[0]).parent, load_network(snakemake.input[0]))
    say(f"wrote {', '.join(snakemake.output)}")


run_rule(main, snakemake.log[0])
