"""Rule quality: score every method's images on the trained network and on its untrained control."""

import numpy as np

from mnistnn import atomic
from mnistnn.idx import read_mnist
from mnistnn.images import load_method_images
from mnistnn.params import read_param_files
from mnistnn.quality import KnnJudge, method_summary, quality_tables
from mnistnn.runner import run_rule


def main(say):
    images, labels = read_mnist(snakemake.input.train_images, snakemake.input.train_labels)
    templates = np.load(snakemake.input.mean_images, allow_pickle=False)
    scored = quality_tables(
        {
            "quality": (
                read_param_files(snakemake.input.params),
                load_method_images(snakemake.input.images),
            ),
            "control": (
                read_param_files(snakemake.input.control_params),
                load_method_images(snakemake.input.control_images),
            ),
        },
        templates,
        KnnJudge(images, labels),
    )
    for kind, table in scored.items():
        atomic.write_text(snakemake.output[kind], table.to_csv(index=False))
    summary = method_summary(scored["quality"]).merge(
        method_summary(scored["control"]), on="method", suffixes=("", "_control")
    )
    atomic.write_text(snakemake.output.summary, summary.to_csv(index=False))
    say(summary.to_string(index=False))


run_rule(main, snakemake.log[0])
