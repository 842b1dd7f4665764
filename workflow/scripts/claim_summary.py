"""Rule claim_summary: the claim study's tables, correlations and figure, from every run."""

import shutil
from pathlib import Path

import pandas as pd

from mnistnn import atomic, figures
from mnistnn.claim import SCORES, correlation_table, network_means, turning_points
from mnistnn.plan import Study
from mnistnn.runner import run_rule

TITLE = (
    "Does a clearer backquery mean a better network? "
    "Only where a method's lines keep rising to the right"
)


def main(say):
    study = Study.from_config(snakemake.params.study)
    networks = pd.concat(map(pd.read_csv, snakemake.input.networks), ignore_index=True)
    clarity = pd.concat(map(pd.read_csv, snakemake.input.clarity), ignore_index=True)
    correlation = correlation_table(networks, clarity, study)
    turning = pd.concat([turning_points(networks, clarity, score) for score in SCORES])
    output = snakemake.output
    atomic.write_text(output.networks, networks.to_csv(index=False))
    atomic.write_text(output.clarity, clarity.to_csv(index=False))
    atomic.write_text(output.correlation, correlation.to_csv(index=False))
    atomic.write_text(output.turning_points, turning.to_csv(index=False))
    means = network_means(networks, clarity)
    figures.clarity_vs_accuracy_figure(means, output.figure, title=TITLE)
    arrays = {name: networks[name].to_numpy() for name in networks.columns if name != "network"}
    for (method, score), values in (
        means.set_index("method")[list(SCORES)].stack().groupby(level=[0, 1], sort=False)
    ):
        arrays[f"{method}_{score}"] = values.to_numpy()
    atomic.save_npz(output.arrays, **arrays)
    for source, copy in ((output.figure, output.figure_copy), (output.arrays, output.arrays_copy)):
        with atomic.atomic_path(copy) as tmp:
            shutil.copyfile(source, tmp)
    span = networks["test_accuracy"]
    say(f"{len(networks)} networks, test accuracy {span.min():.4f} to {span.max():.4f}")
    say(correlation.to_string(index=False))
    say(turning.to_string(index=False))
    say(f"wrote {', '.join(str(Path(path)) for path in output)}")


run_rule(main, snakemake.log[0])
