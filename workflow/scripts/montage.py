"""Rule montage: the ten seed backqueries of one model, in one figure (PNG and SVG) and a CSV."""

import numpy as np

from mnistnn.figures import montage
from mnistnn.runner import run_rule
from mnistnn.tables import accuracy_text, image_table, read_metrics, write_csv


def main(say):
    model = snakemake.wildcards.model
    images = np.array([np.load(path, allow_pickle=False) for path in snakemake.input.images])
    metrics = read_metrics(snakemake.input.metrics)
    title = "What the network imagines for each digit"
    subtitle = (
        f'The label "this is a d" run backwards through the network: model {model}, '
        f"{metrics['hidden_nodes']} hidden units, {accuracy_text(metrics)}.\n"
        "Method: the book's backquery (seed).  Dark = the network expects ink there.  "
        "Look for shapes you can read as 0-9."
    )
    for path in (snakemake.output.png, snakemake.output.svg):
        montage(images, title, path, subtitle=subtitle)
    write_csv(
        image_table(images, model=model, test_accuracy=metrics["test_accuracy"], method="seed"),
        snakemake.output.table,
    )
    say(f"wrote {', '.join(snakemake.output)}")


run_rule(main, snakemake.log[0])
