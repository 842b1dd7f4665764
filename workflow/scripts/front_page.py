"""Rule front_page: the report's front page, from the figures model's figures and every
model's test accuracy."""

import pandas as pd

from mnistnn.atomic import write_text
from mnistnn.report import front_page
from mnistnn.runner import run_rule
from mnistnn.tables import read_metrics


def main(say):
    models = snakemake.params.models
    metrics = {
        model: read_metrics(path)
        for model, path in zip(models, snakemake.input.metrics, strict=True)
    }
    page = front_page(
        snakemake.params.model,
        metrics,
        pd.read_csv(snakemake.input.summary),
        snakemake.input.montage,
        snakemake.input.methods,
    )
    write_text(snakemake.output[0], page)
    say(f"wrote {snakemake.output[0]}")


run_rule(main, snakemake.log[0])
