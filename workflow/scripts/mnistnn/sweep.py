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
only when the sweep varies them.  After the run, :func:`sweep_table` and
:func:`summary_figure` put the models side by side.
"""

import itertools
import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

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


def add_sweep(models: Mapping, sweep: Mapping | None) -> dict[str, dict]:
    """``models`` together with the models of ``sweep`` (none when it is ``None``).

    A sweep model may not reuse the name of a model listed in the config.
    """
    swept = expand_sweep(sweep) if sweep else {}
    clashes = sorted(set(models) & set(swept))
    if clashes:
        raise MnistnnError(f"sweep: models {clashes} are also listed under models")
    return {**models, **swept}


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


def line_label(key: tuple, columns: list[str]) -> str:
    """Legend text for one line of the accuracy plot: ``lr 0.1`` or ``lr 0.1, e 5``."""
    short = {"learning_rate": "lr", "epochs": "e", "batch_size": "b"}
    return ", ".join(f"{short.get(c, c)} {v:g}" for c, v in zip(columns, key, strict=True))


def plot_accuracy(ax, table: "pd.DataFrame") -> None:
    """Test accuracy against hidden size: one line per learning rate through the
    mean over seeds, the band from the worst to the best seed, each seed a dot."""
    varying = [
        column
        for column in ("learning_rate", "epochs", "batch_size")
        if column in table and table[column].nunique() > 1
    ] or ["learning_rate"]
    for key, group in table.groupby(varying, sort=True):
        by_size = group.groupby("hidden_nodes")["test_accuracy"]
        sizes = np.array(sorted(group["hidden_nodes"].unique()))
        (line,) = ax.plot(
            sizes, by_size.mean().loc[sizes], marker="o", label=line_label(key, varying)
        )
        ax.fill_between(
            sizes,
            by_size.min().loc[sizes],
            by_size.max().loc[sizes],
            color=line.get_color(),
            alpha=0.2,
        )
        ax.plot(
            group["hidden_nodes"], group["test_accuracy"], ".", color=line.get_color(), alpha=0.6
        )
    sizes = sorted(table["hidden_nodes"].unique())
    ax.set_xscale("log")
    ax.set_xticks(sizes, [str(size) for size in sizes])
    ax.minorticks_off()
    ax.set_xlabel("hidden nodes")
    ax.set_ylabel("test accuracy")
    ax.grid(alpha=0.3)
    ax.legend(title="mean over seeds, band: min to max", fontsize="small")


def image_grid(images: list[np.ndarray], gap: int = 2) -> np.ndarray:
    """Rows of ten 28 x 28 images as one array, ``gap`` blank pixels between cells."""
    cell = 28 + gap
    grid = np.full((len(images) * cell - gap, 10 * cell - gap), np.nan)
    for row, digits in enumerate(images):
        for digit, pixels in enumerate(np.asarray(digits).reshape(10, 28, 28)):
            grid[row * cell : row * cell + 28, digit * cell : digit * cell + 28] = pixels
    return grid


def plot_backqueries(ax, names: list[str], images: list[np.ndarray]) -> None:
    """Each model's ten seed-method backqueries as one row (dark = high)."""
    ax.imshow(image_grid(images), cmap="Greys", vmin=0, vmax=1, interpolation="nearest")
    ax.set_yticks(np.arange(len(names)) * 30 + 13.5, names, fontsize="small")
    ax.set_xticks(np.arange(10) * 30 + 13.5, [str(digit) for digit in range(10)])
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title("backquery (seed method) of each digit", fontsize="medium")


def summary_figure(
    table: "pd.DataFrame",
    seed_images: Mapping[str, np.ndarray] | None,
    path: str | os.PathLike,
) -> None:
    """Write the sweep's figure to ``path`` (PNG, identical bytes on a rerun).

    ``table`` is :func:`sweep_table`'s; ``seed_images`` maps model names to
    their ten backqueries ``(10, 784)`` and adds them as a grid below the plot.
    """
    from matplotlib.figure import Figure

    from mnistnn.figures import figure_style, save_figure

    with figure_style():
        grid_height = 0.32 * len(seed_images) + 0.6 if seed_images else 0
        figure = Figure(figsize=(7, 4 + grid_height), layout="constrained")
        if seed_images:
            top, bottom = figure.subplots(2, 1, height_ratios=[4, grid_height])
            names = list(seed_images)
            plot_backqueries(bottom, names, [seed_images[name] for name in names])
        else:
            top = figure.subplots()
        plot_accuracy(top, table)
        top.set_title(f"sweep of {len(table)} models")
        save_figure(figure, path)
