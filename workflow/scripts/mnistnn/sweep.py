"""Hyper-parameter sweeps: a compact grid in the config becomes named models.

A sweep lists values for some hyper-parameters and fixes the rest::

    sweep:
      hidden_nodes: [25, 50]
      learning_rate: [0.05, 0.1]
      seeds: [1, 2]
      epochs: [5]
      batch_size: [1]
      train_thresholds: true

Every combination becomes one model of ``config["models"]``, named after its
values: ``h25_lr0p05_s1`` (a ``p`` stands for the decimal point, which a model
name may not hold).  Epochs and batch size appear in the name (``e5``, ``b10``)
only when the sweep varies them.  After the run, :func:`sweep_table` puts the
models side by side (:func:`mnistnn.figures.sweep_figure` draws it) and
:func:`grid_models` picks one model per hidden size for the grid of images.  A sweep point trained
exactly like a model under ``models:`` (``book``, say) is that model
(:func:`sweep_models`).
"""

import dataclasses
import itertools
import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from mnistnn import defaults
from mnistnn.errors import MnistnnError

# pandas, matplotlib and mnistnn.quality are imported inside the summary's
# functions: every Snakemake run, and every cluster job, parses the Snakefile,
# which imports this module for expand_sweep, and they would add a second to each.
if TYPE_CHECKING:
    import pandas as pd

#: sweep key -> (model key, name prefix), in the order the parts appear in a name
AXES = {
    "hidden_nodes": ("hidden_nodes", "h"),
    "learning_rate": ("learning_rate", "lr"),
    "epochs": ("epochs", "e"),
    "batch_size": ("batch_size", "b"),
    "seeds": ("seed", "s"),
}
#: axes named even when the sweep holds one value, so names look alike across sweeps
ALWAYS_NAMED = ("hidden_nodes", "learning_rate", "seeds")


def name_part(value) -> str:
    """A hyper-parameter value as a model name spells it: ``0.05`` -> ``0p05``.

    Floats are written in the shortest positional form that reads back as the
    same number, so distinct values never share a name.
    """
    if isinstance(value, float):
        value = np.format_float_positional(value, trim="-")
    return str(value).replace(".", "p")


def expand_sweep(sweep: Mapping) -> dict[str, dict]:
    """Expand a sweep into ``{name: model settings}``, one model per combination.

    The list-valued keys are those of :data:`AXES` (``seeds`` gives each model's
    ``seed``); every other key is copied into every model.  Raises
    :class:`MnistnnError` when no key is a list, or a list is empty or repeats a value.
    """
    axes = [key for key in AXES if key in sweep]
    if not axes:
        raise MnistnnError(f"sweep: lists none of {', '.join(AXES)}, so it defines no models")
    for key in axes:
        values = list(sweep[key])
        if not values:
            raise MnistnnError(f"sweep.{key}: the list of values is empty")
        repeated = sorted({v for v in values if values.count(v) > 1}, key=str)
        if repeated:
            raise MnistnnError(f"sweep.{key}: values {repeated} appear more than once")
    named = [key for key in axes if key in ALWAYS_NAMED or len(sweep[key]) > 1]
    fixed = {key: value for key, value in sweep.items() if key not in AXES}
    models = {}
    for combination in itertools.product(*(sweep[key] for key in axes)):
        values = dict(zip(axes, combination, strict=True))
        name = "_".join(AXES[key][1] + name_part(values[key]) for key in named)
        models[name] = {AXES[key][0]: values[key] for key in axes} | fixed
    return models


#: what a model's settings say beyond how it is trained: what is saved or drawn of it
NOT_TRAINING = ("snapshots", "analysis")


def training_settings(settings: Mapping) -> tuple:
    """What decides a model's trained weights: its settings with defaults filled in,
    without :data:`NOT_TRAINING`, as a sorted tuple to compare."""
    full = dataclasses.asdict(defaults.MODEL) | dict(settings)
    return tuple(sorted((key, value) for key, value in full.items() if key not in NOT_TRAINING))


NATURAL_ORDER = ("hidden_nodes", "learning_rate", "seed", "epochs", "batch_size")


def natural_order(settings: Mapping) -> tuple:
    """A sweep model's place: by hidden size, then learning rate, then seed (then epochs and
    batch size)."""
    return tuple(settings.get(key, 0) for key in NATURAL_ORDER)


def sweep_models(models: Mapping, sweep: Mapping) -> dict[str, dict]:
    """The models of ``sweep`` in :func:`natural_order`, ``{name: settings}``.

    A sweep point trained exactly like a model of ``models`` (the same
    :func:`training_settings`) is that model, under its name and with its
    settings: identical settings are trained once.  Raises
    :class:`MnistnnError` when a sweep model would take a listed model's name
    with other settings.
    """
    listed = {training_settings(settings): name for name, settings in models.items()}
    swept = {}
    for name, settings in sorted(expand_sweep(sweep).items(), key=lambda m: natural_order(m[1])):
        same = listed.get(training_settings(settings))
        if same is not None:
            swept[same] = models[same]
        elif name in models:
            raise MnistnnError(
                f"sweep: model {name} is also listed under models, with other settings"
            )
        else:
            swept[name] = settings
    return swept


def add_sweep(models: Mapping, sweep: Mapping | None) -> dict[str, dict]:
    """``models`` in the config's order, then the new models of ``sweep`` (none when it is
    ``None``) in :func:`natural_order`; see :func:`sweep_models`."""
    swept = sweep_models(models, sweep) if sweep else {}
    return {**models, **{name: s for name, s in swept.items() if name not in models}}


def quality_scores(quality: "pd.DataFrame") -> dict:
    """One model's ``quality.csv`` as ``{method}_{score}`` columns: the counts of
    recognised digits (out of 10) and the mean target output of each method."""
    from mnistnn.quality import method_summary

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
    import pandas as pd

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
) -> "pd.DataFrame":
    """One row per model: its hyper-parameters, test accuracy, training cost and scores.

    ``models`` maps names to settings (as :func:`expand_sweep` gives them);
    ``metrics``, ``benchmarks`` and ``quality`` map the same names to each
    model's ``metrics.json``, ``benchmarks/train.tsv`` and (optionally)
    ``backquery/quality.csv``.  List-valued settings (snapshots) are left out.
    """
    import pandas as pd

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


def grid_models(table: "pd.DataFrame") -> "pd.DataFrame":
    """One model per hidden size, for the sweep's grid of images: trained with the learning
    rate (and epochs, batch size) whose mean test accuracy over seeds is best for that size,
    with the first seed; rows of ``table`` by hidden size."""
    import pandas as pd

    settings = [c for c in ("learning_rate", "epochs", "batch_size") if c in table]
    chosen = []
    for _, per_size in table.groupby("hidden_nodes", sort=True):
        means = per_size.groupby(settings)["test_accuracy"].mean()
        best = per_size.set_index(settings).loc[[means.idxmax()]].reset_index()
        chosen.append(best.sort_values("seed").iloc[0])
    return pd.DataFrame(chosen).reset_index(drop=True)
