"""After a hyper-parameter sweep: its models side by side, as a table and a figure.

:func:`mnistnn.plan.expand_sweep` names the sweep's models; :func:`sweep_table`
and :func:`summary_figure` compare them once they are trained and backqueried.
"""

import json
import os
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from mnistnn.figures import figure_style, save_figure
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

    ``models`` maps names to settings (as :func:`mnistnn.plan.expand_sweep` gives them);
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


def line_label(key: tuple, columns: list[str]) -> str:
    """Legend text for one line of the accuracy plot: ``lr 0.1`` or ``lr 0.1, e 5``."""
    short = {"learning_rate": "lr", "epochs": "e", "batch_size": "b"}
    return ", ".join(f"{short.get(c, c)} {v:g}" for c, v in zip(columns, key, strict=True))


def plot_accuracy(ax, table: pd.DataFrame) -> None:
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
    table: pd.DataFrame,
    seed_images: Mapping[str, np.ndarray] | None,
    path: str | os.PathLike,
) -> None:
    """Write the sweep's figure to ``path`` (PNG, identical bytes on a rerun).

    ``table`` is :func:`sweep_table`'s; ``seed_images`` maps model names to
    their ten backqueries ``(10, 784)`` and adds them as a grid below the plot.
    """
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
