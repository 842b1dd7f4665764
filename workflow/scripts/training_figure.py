"""Rule training_figure: loss per epoch and test accuracy from the initial weights on
(figure and CSV)."""

import pandas as pd

from mnistnn import figures
from mnistnn.runner import run_rule
from mnistnn.tables import write_csv


def accuracy_points(evolution_csv):
    """One row per saved network: samples_seen, epochs (fractional) and test_accuracy."""
    saved = pd.read_csv(evolution_csv, usecols=["snapshot", "samples_seen", "test_accuracy"])
    saved = saved.drop_duplicates("snapshot").sort_values("samples_seen")
    per_epoch = int(saved.loc[saved["snapshot"] == "epoch1", "samples_seen"].iloc[0])
    return saved.assign(epochs=saved["samples_seen"] / per_epoch)


def main(say):
    model = snakemake.wildcards.model
    history = pd.read_csv(snakemake.input.history)
    points = accuracy_points(snakemake.input.evolution)
    title = "How the network learns"
    subtitle = (
        f"Model {model}: the error on the training images falls, and the share of the 10,000 "
        "unseen test digits\nthat it gets right rises, most of the way within the first epoch."
    )
    figures.training_figure(history, points, snakemake.output.figure, title, subtitle)
    table = points.merge(
        history[["epoch", "mean_loss"]], left_on="epochs", right_on="epoch", how="left"
    ).drop(columns="epoch")
    write_csv(
        table[["snapshot", "samples_seen", "epochs", "test_accuracy", "mean_loss"]],
        snakemake.output.table,
    )
    say(f"{model}: wrote {', '.join(snakemake.output)}")


run_rule(main, snakemake.log[0])
