"""Deterministic figures: every figure of the pipeline, drawn from plain arrays.

Every figure function takes plain arrays (or pandas DataFrames) and an output
path whose suffix, ``.png`` or ``.svg``, picks the format.  Images are rows of
784 values in [0, 1] (28 x 28, row by row); a set of ten, one per digit, is a
``(10, 784)`` array.  Digits are drawn like matplotlib's ``Greys``: dark =
high, on one fixed scale [0, 1], nearest-neighbour, each image pixel a whole
block of screen pixels.

Determinism: figures are built on matplotlib's Agg canvas (never pyplot, so no
global backend or figure registry is touched) under matplotlib's default style
plus :data:`STYLE`, with fixed sizes in pixels at :data:`DPI`, the bundled
DejaVu Sans, text as paths in SVG, a fixed SVG id salt, and no timestamp or
version in the file's metadata.  A rerun writes identical bytes.

``python -m mnistnn.figures check|refresh|rulegraph`` runs the figure check
and rule-graph tool, :mod:`mnistnn.figure_check`.
"""

import functools
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import matplotlib
import matplotlib.colors
import matplotlib.style
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from mnistnn.atomic import atomic_path

if TYPE_CHECKING:  # pandas is only passed in: importing it would slow every figure job
    import pandas as pd

DPI = 100
#: rcParams on top of matplotlib's defaults (a user's matplotlibrc is ignored)
STYLE = {
    "font.family": "DejaVu Sans",  # bundled with matplotlib, so the same glyphs everywhere
    "font.size": 10,
    "svg.fonttype": "path",  # SVG text as outlines: no dependence on the viewer's fonts
    "svg.hashsalt": "mnistnn",  # SVG element ids from a fixed salt instead of a random one
    "savefig.dpi": DPI,
    "savefig.facecolor": "white",
}
#: metadata keys set to None are left out of the file (matplotlib would add version and date)
METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}
DIGIT_CMAP = "Greys"
WEIGHT_CMAP = "RdBu_r"  # red = positive, blue = negative, white = 0
#: screen pixels per image pixel in the digit grids, so every image pixel is a whole block
ZOOM = 3


def figure_style():
    """Context manager: matplotlib's defaults plus :data:`STYLE`, for building a figure."""
    return matplotlib.style.context(["default", STYLE])


def _styled(function):
    """Run ``function`` under the fixed style, so fonts and sizes never depend on the caller."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with figure_style():
            return function(*args, **kwargs)

    return wrapper


def _format(path: str | Path) -> str:
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in METADATA:
        raise ValueError(f"{path}: a figure is written as .png or .svg, not {fmt!r}")
    return fmt


def _images(images, name: str, count: int = 10) -> np.ndarray:
    """``images`` as a float array ``(count, 28, 28)``; a clear error naming ``name`` if not."""
    array = np.asarray(images, dtype=float)
    if array.shape != (count, 784):
        raise ValueError(f"{name}: expected images of shape ({count}, 784), got {array.shape}")
    return array.reshape(count, 28, 28)


def new_figure(width_px: int, height_px: int) -> Figure:
    """A figure of exactly ``width_px`` x ``height_px`` pixels on an Agg canvas."""
    fig = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


@_styled
def save_figure(fig: Figure, path: str | Path) -> None:
    """Write ``fig`` atomically to ``path`` (.png or .svg) at its own size and :data:`DPI`.

    Nothing run-dependent enters the file; the figure is cleared afterwards.
    """
    fmt = _format(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=fmt, dpi=DPI, metadata=METADATA[fmt])
    fig.clear()


# ----------------------------------------------------------------------------
# Grids of digits: one row per model, method or training stage, one column per digit


class Row(NamedTuple):
    """One row of a digit grid: ten images and what to write around them."""

    label: str
    images: np.ndarray  # (10, 784)
    notes: Sequence[str] | None = None  # one short text under each image
    heading: str | None = None  # a section title drawn above this row
    reference: bool = False  # set apart and greyed: not one of the things compared


class _Canvas:
    """A figure laid out in pixels from its top-left corner.

    All images go into one raster that covers the figure, each image pixel
    a ``zoom`` x ``zoom`` block at a whole-pixel position, so nothing is
    resampled; text is drawn on top.  (Also far faster than an axes per image.)
    """

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.fig = new_figure(width, height)
        self.pixels = np.full((height, width, 4), 255, dtype=np.uint8)

    def image(
        self, x: int, y: int, image: np.ndarray, zoom: int, cmap=DIGIT_CMAP, vmin=0.0, vmax=1.0
    ):
        """Paste the 2-d ``image`` with its top-left corner at (x, y), in a thin grey frame."""
        scale = matplotlib.colors.Normalize(vmin, vmax, clip=True)
        rgba = matplotlib.colormaps[cmap](scale(image), bytes=True)
        blocks = rgba.repeat(zoom, axis=0).repeat(zoom, axis=1)
        h, w = blocks.shape[:2]
        self.pixels[y - 1 : y + h + 1, x - 1 : x + w + 1] = _FRAME
        self.pixels[y : y + h, x : x + w] = blocks

    def rule(self, y: int):
        """A light horizontal line across the figure at height ``y``."""
        self.pixels[y, _PAD : self.width - _PAD] = _FRAME

    def text(self, x: float, y: float, text: str, **kwargs):
        self.fig.text(x / self.width, 1 - y / self.height, text, **kwargs)

    def save(self, path: str | Path):
        self.fig.figimage(self.pixels, origin="upper")
        save_figure(self.fig, path)


# pixel sizes of the grids' parts
_PAD, _GAP, _TITLE, _LINE, _NOTE, _HEADING, _SEPARATION = 14, 6, 30, 20, 18, 28, 16
# generous widths of one 10 pt and one 13 pt (title) character, to size margins
_CHAR, _TITLE_CHAR = 8, 10
_FRAME = (190, 190, 190, 255)


def _label_width(rows: Sequence[Row]) -> int:
    longest = max((len(line) for row in rows for line in row.label.split("\n")), default=0)
    return _PAD + (_CHAR * longest + _PAD if longest else 0)


def _row_heights(row: Row, first: bool) -> tuple[int, int]:
    """(space above the images, space below them) for ``row``."""
    above = (_HEADING if row.heading else 0) + (_SEPARATION if row.reference and not first else 0)
    below = (_NOTE if row.notes is not None else 0) + _GAP
    return above, below


def _footnote(canvas: _Canvas, text: str) -> None:
    canvas.text(
        _PAD, canvas.height - _PAD, text, va="bottom", fontsize=9, color="0.3", linespacing=1.4
    )


@_styled
def digit_grid(
    rows: Sequence[Row],
    path: str | Path,
    title: str | None = None,
    column_title: str | None = None,
    footnote: str | None = None,
) -> None:
    """Rows of ten digits under column labels 0-9, one shared scale [0, 1], written to ``path``."""
    cell = 28 * ZOOM
    left = _label_width(rows)
    width = left + 10 * cell + 9 * _GAP + _PAD
    # a title too long for the grid widens the figure, the grid staying centred under it
    extra = max(0, _TITLE_CHAR * len(title or "") + 2 * _PAD - width)
    left, width = left + extra // 2, width + extra
    top = _PAD + (_TITLE if title else 0) + (_LINE if column_title else 0) + _LINE
    heights = [_row_heights(row, i == 0) for i, row in enumerate(rows)]
    notes_height = _LINE * len(footnote.split("\n")) if footnote else 0
    canvas = _Canvas(width, top + sum(a + cell + b for a, b in heights) + notes_height + _PAD)
    y = _PAD
    if title:
        canvas.text(width / 2, y, title, ha="center", va="top", fontsize=13)
        y += _TITLE
    if column_title:
        grid_centre = left + (10 * cell + 9 * _GAP) / 2
        canvas.text(grid_centre, y, column_title, ha="center", va="top", color="0.3")
        y += _LINE
    for digit in range(10):
        x = left + digit * (cell + _GAP) + cell / 2
        canvas.text(x, y + _LINE - 4, str(digit), ha="center", va="bottom", fontsize=12)
    y = top
    for row, (above, below) in zip(rows, heights, strict=True):
        images = _images(row.images, f"row {row.label!r}")
        if row.heading:
            canvas.text(_PAD, y + above - 8, row.heading, va="bottom", fontsize=11, weight="bold")
        if row.reference and y > top:
            canvas.rule(y + _SEPARATION // 2)
        y += above
        colour, style = ("0.45", "italic") if row.reference else ("black", "normal")
        label_style = {"color": colour, "style": style, "linespacing": 1.3}
        canvas.text(left - _PAD, y + cell / 2, row.label, ha="right", va="center", **label_style)
        for digit in range(10):
            x = left + digit * (cell + _GAP)
            canvas.image(x, y, images[digit], ZOOM)
            if row.notes is not None and row.notes[digit]:
                canvas.text(x + cell / 2, y + cell + 3, row.notes[digit], ha="center", va="top")
        y += cell + below
    if footnote:
        _footnote(canvas, footnote)
    canvas.save(path)


def montage(images, title: str, path: str | Path) -> None:
    """The ten images ``(10, 784)`` in one row labelled 0-9, under ``title``."""
    digit_grid([Row("", images)], path, title=title)


def montage_grid(
    rows: Mapping[str, np.ndarray],
    path: str | Path,
    title: str | None = None,
    column_title: str | None = "digit asked for",
) -> None:
    """One row of ten images ``(10, 784)`` per entry of ``rows`` (label -> images), in order."""
    digit_grid([Row(label, images) for label, images in rows.items()], path, title, column_title)


def _quality_notes(quality: "pd.DataFrame", method: str) -> tuple[list[str], str]:
    """Per-digit notes ("0.97 ✓") and a summary line for ``method`` from the quality table."""
    rows = quality[quality["method"] == method].set_index("digit")
    notes, agreed, outputs = [], 0, []
    for digit in range(10):
        if digit not in rows.index:
            notes.append("")
            continue
        output = float(rows.at[digit, "target_output"])
        judged = int(rows.at[digit, "knn_recognized"]) == 1
        notes.append(f"{output:.2f}" + (" ✓" if judged else ""))
        agreed += judged
        outputs.append(output)
    summary = f"{agreed}/{len(outputs)} ✓, mean {np.mean(outputs):.2f}" if outputs else ""
    return notes, summary


def methods_figure(
    images: Mapping[str, np.ndarray],
    quality: "pd.DataFrame",
    path: str | Path,
    reference: str = "mean",
    title: str | None = None,
) -> None:
    """Rows = methods (``reference`` last, set apart), columns = digits.

    Under each image: the network's output for the intended digit
    (``target_output``) and ✓ when the k-NN judge reads the image as that
    digit (``knn_recognized == 1``); beside each row, the count of ✓ and the
    mean output.  ``quality`` has columns method, digit, target_output,
    knn_recognized (more are ignored); missing entries are left blank.
    """
    order = [m for m in images if m != reference] + ([reference] if reference in images else [])
    rows = []
    for method in order:
        notes, summary = _quality_notes(quality, method)
        is_reference = method == reference
        name = f"{method} (reference)" if is_reference else method
        label = f"{name}\n{summary}" if summary else name
        rows.append(Row(label, images[method], notes, reference=is_reference))
    footnote = (
        "Number under each image: the network's output for that digit when the image is fed "
        "forward (near 1: the network is sure).\n"
        "✓: a 3-nearest-neighbour classifier on real training digits reads the image as that "
        "digit too.  Beside each row: count of ✓ and mean output."
    )
    digit_grid(rows, path, title=title, footnote=footnote)


def evolution_figure(
    stages: Sequence[str],
    methods: Mapping[str, np.ndarray],
    path: str | Path,
    title: str | None = None,
) -> None:
    """Backqueries through training: a block of rows per method, a row per stage.

    ``stages`` labels the training progress ("initial", "500 samples",
    "epoch 1", ...); ``methods`` maps a method name to its images at those
    stages, an array ``(len(stages), 10, 784)``.
    """
    rows = []
    for method, per_stage in methods.items():
        per_stage = np.asarray(per_stage, dtype=float)
        if len(per_stage) != len(stages):
            raise ValueError(
                f"method {method!r}: {len(per_stage)} sets of images for {len(stages)} stages"
            )
        for i, (stage, images) in enumerate(zip(stages, per_stage, strict=True)):
            rows.append(Row(stage, images, heading=method if i == 0 else None))
    digit_grid(rows, path, title=title, column_title="digit asked for")


def examples_figure(
    images: np.ndarray,
    sure: np.ndarray,
    mistaken: np.ndarray,
    labels: np.ndarray,
    probabilities: np.ndarray,
    path: str | Path,
    title: str | None = None,
) -> None:
    """Training images by digit: those the network is surest of, then those it mistakes for it.

    ``images`` ``(n, 784)`` are scaled training images, ``labels`` and
    ``probabilities`` ``(n, 10)`` their labels and the network's normalised
    outputs; ``sure`` and ``mistaken`` are the ``(10, count)`` indices of
    :func:`mnistnn.quality.dataset_examples` (``-1``: none, left blank).
    """
    rows = []
    for heading, table, with_label in (
        ("surest: labelled as the column's digit", sure, False),
        ("taken for the column's digit, labelled otherwise", mistaken, True),
    ):
        for rank in range(table.shape[1]):
            picks = table[:, rank]
            row_images = np.array([images[i] if i >= 0 else np.zeros(784) for i in picks])
            notes = [
                ""
                if i < 0
                else f"label {labels[i]}"
                if with_label
                else f"p {probabilities[i, d]:.2f}"
                for d, i in enumerate(picks)
            ]
            rows.append(Row(f"#{rank + 1}", row_images, notes, heading if rank == 0 else None))
    footnote = (
        "p: the network's output for the column's digit, normalised over the ten digits.\n"
        "label: the image's training label.  Both kinds are ordered by p, the surest first;\n"
        "a blank: fewer such images."
    )
    digit_grid(rows, path, title=title, column_title="digit", footnote=footnote)


@_styled
def hidden_units_figure(W1, path: str | Path, title: str | None = None) -> None:
    """Every hidden unit's first-layer weights ``W1[:, j]`` as a 28 x 28 tile, near-square grid.

    Each tile has its own symmetric colour scale (± its largest absolute
    weight): units differ in overall weight size, and one global scale would
    wash out most of them, while what a unit looks for is its pattern.
    """
    W1 = np.asarray(W1, dtype=float)
    if W1.ndim != 2 or W1.shape[0] != 784:
        raise ValueError(f"W1: expected shape (784, H), got {W1.shape}")
    units = W1.shape[1]
    columns = math.ceil(math.sqrt(units))
    lines = math.ceil(units / columns)
    zoom = int(np.clip(840 // (29 * columns), 2, 6))  # a few units get bigger tiles
    cell = 28 * zoom + zoom  # one image pixel apart
    mosaic_width = columns * cell - zoom
    top = _PAD + _TITLE
    width = max(2 * _PAD + mosaic_width, 700)  # room for the title and the note
    canvas = _Canvas(width, top + lines * cell + 3 * _LINE)
    heading = title or f"What each of the {units} hidden units looks for"
    canvas.text(width / 2, _PAD, heading, ha="center", va="top", fontsize=13)
    scales = np.abs(W1).max(axis=0)
    tiles = (W1 / np.where(scales > 0, scales, 1.0)).T.reshape(units, 28, 28)
    left = (width - mosaic_width) // 2
    for unit, tile in enumerate(tiles):
        line, column = divmod(unit, columns)
        x, y = left + column * cell, top + line * cell
        canvas.image(x, y, tile, zoom, cmap=WEIGHT_CMAP, vmin=-1.0, vmax=1.0)
    _footnote(
        canvas,
        "First-layer weights of each hidden unit, as the 28 x 28 image they are applied to.\n"
        "Red: ink there excites the unit; blue: ink there inhibits it.  "
        "Each tile is scaled to its own largest weight.",
    )
    canvas.save(path)


@_styled
def similarity_figure(
    panels: Mapping[str, np.ndarray], path: str | Path, title: str | None = None
) -> None:
    """10 x 10 correlation heatmaps side by side, one shared scale [-1, 1], values written in.

    Entry ``[i, j]`` of each panel correlates the backquery of digit ``i``
    with the mean training image of digit ``j``; the panel's name is its title.
    Each row's largest value is bold: on the diagonal when the backquery
    looks most like its own digit.
    """
    count = len(panels)
    width, height = 460 * count + 80, 520 if title else 480
    fig = new_figure(width, height)
    axes = fig.subplots(1, count, squeeze=False)[0]
    top = 1 - (70 if title else 36) / height
    fig.subplots_adjust(left=0.9 / (4.6 * count + 0.8), right=0.9, top=top, bottom=90 / height)
    for ax, (name, matrix) in zip(axes, panels.items(), strict=True):
        matrix = np.asarray(matrix, dtype=float)
        if matrix.shape != (10, 10):
            raise ValueError(f"panel {name!r}: expected a 10 x 10 matrix, got {matrix.shape}")
        image = ax.imshow(matrix, cmap=WEIGHT_CMAP, vmin=-1, vmax=1, interpolation="nearest")
        for (i, j), value in np.ndenumerate(matrix):
            look = {
                "color": "white" if abs(value) > 0.6 else "black",
                "weight": "bold" if value == matrix[i].max() else "normal",
            }
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8, **look)
        ax.set_title(name, fontsize=12)
        ax.set_xticks(range(10))
        ax.set_yticks(range(10))
        ax.set_xlabel("mean training image of digit")
        ax.set_ylabel("backquery of digit")
        ax.tick_params(length=0)
    colorbar = fig.colorbar(image, ax=list(axes), fraction=0.03, pad=0.03)
    colorbar.set_label("correlation")
    if title:
        fig.suptitle(title, fontsize=13)
    note = "Bold: the largest value in each row; on the diagonal when a backquery looks most like"
    note += " the average image of its own digit."
    fig.text(_PAD / width, _PAD / height, note, fontsize=9, color="0.3")
    save_figure(fig, path)


@_styled
def training_figure(history: "pd.DataFrame", path: str | Path, title: str | None = None) -> None:
    """Mean training loss and test accuracy per epoch (``history`` columns epoch, mean_loss,
    test_accuracy), in two panels."""
    fig = new_figure(900, 380)
    loss_ax, accuracy_ax = fig.subplots(1, 2)
    fig.subplots_adjust(left=0.09, right=0.97, top=0.84 if title else 0.9, bottom=0.15, wspace=0.3)
    epochs = history["epoch"].to_numpy()
    loss_ax.plot(epochs, history["mean_loss"], marker="o", color="tab:red")
    loss_ax.set_ylabel("mean training loss")
    percent = 100 * history["test_accuracy"].to_numpy()
    accuracy_ax.plot(epochs, percent, marker="o", color="tab:blue")
    accuracy_ax.set_ylabel("test accuracy (%)")
    for epoch, value in zip(epochs, percent, strict=True):
        accuracy_ax.annotate(
            f"{value:.2f}", (epoch, value), textcoords="offset points", xytext=(0, 7), ha="center"
        )
    accuracy_ax.margins(x=0.08, y=0.2)
    loss_ax.margins(x=0.08)
    for ax in (loss_ax, accuracy_ax):
        ax.set_xlabel("epoch")
        ax.set_xticks(epochs)
        ax.grid(color="0.9")
        ax.spines[["top", "right"]].set_visible(False)
    if title:
        fig.suptitle(title, fontsize=13)
    save_figure(fig, path)


#: How the claim figure names its scores on the y axes.
CLARITY_AXES = {
    "knn_share": "share of the 10 nearest real digits\nthat are the digit asked for",
    "template_corr": "correlation with the\ndigit's mean image",
}


@_styled
def clarity_vs_accuracy_figure(
    table: "pd.DataFrame",
    path: str | Path,
    scores: Sequence[str] = ("knn_share", "template_corr"),
    title: str | None = None,
) -> None:
    """Clarity against test accuracy: a column per method, a row per score.

    ``table`` has one row per network and method: columns method,
    hidden_nodes, seed, samples_seen, test_accuracy and each of ``scores``
    (a network's mean over the ten digits).  Each training run (hidden size
    and seed) is one line through its snapshots in training order; the
    colour tells the hidden size, the line style the seed.
    """
    methods = list(dict.fromkeys(table["method"]))
    sizes = sorted(set(table["hidden_nodes"]))
    seeds = sorted(set(table["seed"]))
    colours = matplotlib.colormaps["viridis"](np.linspace(0.0, 0.85, len(sizes)))
    styles = ["-", "--", ":", "-."]
    fig = new_figure(260 * len(methods) + 120, 300 * len(scores) + 150)
    axes = np.atleast_2d(fig.subplots(len(scores), len(methods), sharex=True, squeeze=False))
    fig.subplots_adjust(left=0.08, right=0.99, top=0.84, bottom=0.17, wspace=0.25, hspace=0.12)
    for column, method in enumerate(methods):
        per_method = table[table["method"] == method]
        for row, score in enumerate(scores):
            ax = axes[row, column]
            for (hidden, seed), run in per_method.groupby(["hidden_nodes", "seed"], sort=True):
                run = run.sort_values("samples_seen")
                ax.plot(
                    run["test_accuracy"],
                    run[score],
                    color=colours[sizes.index(hidden)],
                    linestyle=styles[seeds.index(seed) % len(styles)],
                    marker="o",
                    markersize=3,
                    linewidth=1.2,
                    label=f"{hidden} hidden" if seed == seeds[0] else None,
                )
            ax.grid(color="0.9")
            ax.spines[["top", "right"]].set_visible(False)
            if row == 0:
                ax.set_title(method, fontsize=12)
            if column == 0:
                ax.set_ylabel(CLARITY_AXES.get(score, score), fontsize=9)
            if row == len(scores) - 1:
                ax.set_xlabel("test accuracy")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    seed_note = ", ".join(f"seed {s}: {styles[i % len(styles)]}" for i, s in enumerate(seeds))
    fig.legend(
        handles,
        labels,
        loc="lower center",
        ncol=len(sizes),
        frameon=False,
        title=f"each line is one training run, initial weights to trained ({seed_note})",
    )
    if title:
        fig.suptitle(title, fontsize=13)
    save_figure(fig, path)


if __name__ == "__main__":
    # `python -m mnistnn.figures check|refresh|rulegraph`, the documented command, is the
    # figure check's; the tool lives in its own module so that drawing needs no git or subprocess
    from mnistnn.figure_check import main

    sys.exit(main())
