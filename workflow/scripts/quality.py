"""Rule quality: score every method's images on the trained network and on its untrained control."""

import numpy as np

from mnistnn import atomic
from mnistnn.idx import read_mnist
from mnistnn.images import load_method_images
from mnistnn.params import read_param_files
from mnistnn.quality import KnnJudge, method_summary, quality_table
from mnistnn.runner import run_rule


def main(say):
    images, labels = read_mnist(snakemake.input.train_images, snakemake.input.train_labels)
    judge = KnnJudge(images, labels)
    templates = np.load(snakemake.input.mean_images, allow_pickle=False)
    scored = {}
    for kind, params, paths in (
        ("quality", snakemake.input.params, snakemake.input.images),
        ("control", snakemake.input.control_params, snakemake.input.control_images),
    ):
        net = read_param_files(params)
        scored[kind] = quality_table(net, load_method_images(paths), templates, judge)
        atomic.write_text(snakemake.output[kind], scored[kind].to_csv(index=False))
    summary = method_summary(scored["quality"]).merge(
        method_summary(scored["control"]), on="method", suffixes=("", "_control")
    )
    atomic.write_text(snakemake.output.summary, summary.to_csv(index=False))
    say(summary.to_string(index=False))


run_rule(main, snakemake.log[0])
