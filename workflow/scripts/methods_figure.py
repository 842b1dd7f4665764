"""Rule methods_figure (and control_figure): every method's image of every digit, with its
scores, as a figure and a CSV."""

import numpy as np
import pandas as pd

from mnistnn import figures
from mnistnn.images import load_method_images
from mnistnn.runner import run_rule
from mnistnn.tables import accuracy_text, image_table, read_metrics, write_csv


def subtitle(model, metrics, control):
    """What the rows show, and what to look for."""
    if control:
        return (
            f"The same methods on model {model}'s untrained twin: its initial random weights, "
            "before any learning.\nA method that shows what the network learned draws nothing "
            "readable here; readable digits come from the method itself."
        )
    return (
        f"Every way this project runs model {model} ({accuracy_text(metrics)}) backwards, "
        "one row each; the last row is a reference.\nLook for rows that a person can read "
        "and that the network itself is sure of (numbers near 1)."
    )


def main(say):
    model = snakemake.wildcards.model
    control = snakemake.params.control
    images = load_method_images(snakemake.input.images)
    images["mean"] = np.load(snakemake.input.mean_images, allow_pickle=False)
    quality = pd.read_csv(snakemake.input.quality)
    metrics = read_metrics(snakemake.input.metrics)
    network = "the untrained network" if control else "the network"
    title = f"What {network} imagines for each digit, by each method"
    figures.methods_figure(
        images,
        quality,
        snakemake.output.figure,
        title=title,
        subtitle=subtitle(model, metrics, control),
    )
    table = pd.concat(
        [
            image_table(method_images, model=model, method=method).merge(
                quality, on=["method", "digit"], how="left"
            )
            for method, method_images in images.items()
        ]
    )
    scores = [column for column in quality if column not in ("method", "digit")]
    first = ["model", "method", "digit", *scores]
    write_csv(table[first + [c for c in table if c not in first]], snakemake.output.table)
    say(f"{model}: wrote {', '.join(snakemake.output)}")


run_rule(main, snakemake.log[0])
