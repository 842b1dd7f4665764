"""After a hyper-parameter sweep: its models side by side, as a table.

:func:`mnistnn.plan.sweep_models` names the sweep's models; :func:`sweep_table`
puts them side by side once they are trained and backqueried
(:func:`mnistnn.figures.sweep_figure` draws it) and :func:`grid_models` picks
one model per hidden size for the grid of images.
"""

import json
import os
from collections.abc import Mapping

import pandas as pd

from mnistnn.quality import method_summary


def quality_scores(quality: pd.DataFrame) -> dict:
    """One model's ``quality.csv`` as ``{method}_{score}`` columns: the counts of
    recognised digits (out of 10) and the mean target output of each method."""
    per_method = method_summary(quality).set_index("method").to_dict("index")
    return {
        f"{method}_{score}": value
        for method, scores in per_method.items()
        for score, value in scores.items()
    }


def benchmark_costs(path: str | os.PathLike) -> dict[str, float]:
    """Wall-clock seconds and peak resident memory (MB) from a Snakemake benchmark file.

    With ``repeat`` the file holds several rows: the seconds are averaged, the
    memory is the largest seen.
    """
    benchmark = pd.read_csv(path, sep="\t")
    return {
        "train_seconds": float(benchmark["s"].mean()),
        "max_rss": float(benchmark["max_rss"].max()),
    }


def sweep_table(
    models: Mapping[str, Mapping],
    metrics: Mapping[str, str | os.PathLike],
    benchmarks: Mapping[str, str | os.PathLike],
    quality: Mapping[str, str | os.PathLike] | None = None,
) -> pd.DataFrame:
    """One row per model: its hyper-parameters, test accuracy, training cost and scores.

    ``models`` maps names to settings (as :func:`mnistnn.plan.sweep_models` gives them);
    ``metrics``, ``benchmarks`` and ``quality`` map the same names to each
    model's ``metrics.json``, ``benchmarks/train.tsv`` and (optionally)
    ``backquery/quality.csv``.  List-valued settings (snapshots) are left out.
    """
    rows = []
    for name, settings in models.items():
        row = {"model": name}
        row |= {key: value for key, value in settings.items() if not isinstance(value, list)}
        with open(metrics[name], encoding="utf-8") as handle:
            row["test_accuracy"] = json.load(handle)["test_accuracy"]
        row |= benchmark_costs(benchmarks[name])
        if quality is not None:
            row |= quality_scores(pd.read_csv(quality[name]))
        rows.append(row)
    return pd.DataFrame(rows)


def grid_models(table: pd.DataFrame) -> pd.DataFrame:
    """One model per hidden size, for the sweep's grid of images: trained with the learning
    rate (and epochs, batch size) whose mean test accuracy over seeds is best for that size,
    with the first seed; rows of ``table`` by hidden size."""
    settings = [c for c in ("learning_rate", "epochs", "batch_size") if c in table]
    chosen = []
    for _, per_size in table.groupby("hidden_nodes", sort=True):
        means = per_size.groupby(settings)["test_accuracy"].mean()
        best = per_size.set_index(settings).loc[[means.idxmax()]].reset_index()
        chosen.append(best.sort_values("seed").iloc[0])
    return pd.DataFrame(chosen).reset_index(drop=True)
