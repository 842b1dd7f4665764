"""Rule hidden_units_figure: each hidden unit's weights W1, as an image."""

from mnistnn import figures
from mnistnn.params import read_param_files
from mnistnn.runner import run_rule


def main(say):
    model = snakemake.wildcards.model
    net = read_param_files(snakemake.input)
    title = f"{model}: what each of the {net.hidden_nodes} hidden units looks for (weights W1)"
    figures.hidden_units_figure(net.W1, snakemake.output[0], title=title)
    say(f"{model}: wrote {snakemake.output[0]}")


run_rule(main, snakemake.log[0])
