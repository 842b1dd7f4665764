"""Rule training_figure: loss and test accuracy per epoch."""

import pandas as pd

from mnistnn import figures
from mnistnn.runner import run_rule


def main(say):
    model = snakemake.wildcards.model
    history = pd.read_csv(snakemake.input[0])
    figures.training_figure(history, snakemake.output[0], title=f"{model}: training")
    say(f"{model}: wrote {snakemake.output[0]}")


run_rule(main, snakemake.log[0])
