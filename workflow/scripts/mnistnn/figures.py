"""Deterministic figures: every figure of the pipeline, drawn from plain arrays.

Every figure function takes plain arrays (or pandas DataFrames) and an output
path whose suffix, ``.png`` or ``.svg``, picks the format.  Images are rows of
784 values in [0, 1] (28 x 28, row by row); a set of ten, one per digit, is a
``(10, 784)`` array.  Digits are drawn like matplotlib's ``Greys``: dark =
high, on one fixed scale [0, 1] shown by a grey-scale bar (a faint row is
drawn on [0, its largest value] and says so), nearest-neighbour, each image
pixel a whole block of screen pixels.  Every figure has a title that says
what is shown and a subtitle that says what to look for; the numbers behind
it are written beside it by :mod:`mnistnn.tables`.

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
import matplotlib.patches
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
    vmax: float = 1.0  # the value drawn darkest: below 1 for a faint row, said in its label


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
#: the grey-scale legend: a bar this wide and high, with a line of text on each side
_SCALE_WIDTH, _SCALE_HEIGHT = 160, 12
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


def _lines(text: str | None) -> int:
    return len(text.split("\n")) if text else 0


def _headline(canvas: _Canvas, title: str | None, subtitle: str | None) -> int:
    """Draw the title and, under it in grey, the subtitle; return the height they take."""
    y = _PAD
    if title:
        canvas.text(canvas.width / 2, y, title, ha="center", va="top", fontsize=13)
        y += _TITLE
    if subtitle:
        canvas.text(
            canvas.width / 2, y, subtitle, ha="center", va="top", color="0.25", linespacing=1.4
        )
        y += _LINE * _lines(subtitle)
    return y - _PAD


def _grey_scale(canvas: _Canvas, x: int, y: int) -> None:
    """The digits' grey scale at (x, y): a bar from 0 (white) to 1 (black), named at both ends."""
    ramp = np.tile(np.linspace(0.0, 1.0, _SCALE_WIDTH), (_SCALE_HEIGHT, 1))
    canvas.text(x, y + _SCALE_HEIGHT / 2, "pixel value 0: no ink", ha="left", va="center")
    start = x + 19 * _CHAR
    canvas.image(start, y, ramp, 1)
    end = start + _SCALE_WIDTH + _GAP
    canvas.text(end, y + _SCALE_HEIGHT / 2, "1: full ink (dark = high)", va="center")


@_styled
def digit_grid(
    rows: Sequence[Row],
    path: str | Path,
    title: str | None = None,
    column_title: str | None = None,
    footnote: str | None = None,
    subtitle: str | None = None,
) -> None:
    """Rows of ten digits under column labels 0-9, written to ``path``.

    Every row is drawn on the grey scale [0, ``row.vmax``] (1 unless a row says
    otherwise), explained by a grey-scale bar under the grid; ``subtitle`` lines
    go under the title, ``footnote`` lines at the bottom.
    """
    cell = 28 * ZOOM
    left = _label_width(rows)
    width = left + 10 * cell + 9 * _GAP + _PAD
    # a title or subtitle too long for the grid widens the figure, the grid centred under it
    widest = max(
        [_TITLE_CHAR * len(title or "")]
        + [_CHAR * len(line) for line in (subtitle or "").split("\n")]
    )
    extra = max(0, widest + 2 * _PAD - width)
    left, width = left + extra // 2, width + extra
    head = (_TITLE if title else 0) + _LINE * _lines(subtitle)
    top = _PAD + head + (_LINE if column_title else 0) + _LINE
    heights = [_row_heights(row, i == 0) for i, row in enumerate(rows)]
    legend_height = _LINE + _GAP
    notes_height = _LINE * _lines(footnote)
    grid_height = sum(a + cell + b for a, b in heights)
    canvas = _Canvas(width, top + grid_height + legend_height + notes_height + _PAD)
    y = _PAD + _headline(canvas, title, subtitle)
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
            canvas.image(x, y, images[digit], ZOOM, vmax=row.vmax)
            if row.notes is not None and row.notes[digit]:
                canvas.text(x + cell / 2, y + cell + 3, row.notes[digit], ha="center", va="top")
        y += cell + below
    _grey_scale(canvas, left, y + _GAP)
    if footnote:
        _footnote(canvas, footnote)
    canvas.save(path)


def montage(images, title: str, path: str | Path, subtitle: str | None = None) -> None:
    """The ten images ``(10, 784)`` in one row labelled 0-9, under ``title`` and ``subtitle``."""
    digit_grid([Row("", images)], path, title=title, subtitle=subtitle)


def montage_grid(
    rows: Mapping[str, np.ndarray],
    path: str | Path,
    title: str | None = None,
    column_title: str | None = "digit asked for",
    subtitle: str | None = None,
) -> None:
    """One row of ten images ``(10, 784)`` per entry of ``rows`` (label -> images), in order."""
    grid = [Row(label, images) for label, images in rows.items()]
    digit_grid(grid, path, title, column_title, subtitle=subtitle)


#: The darkest value of a row is at least this, or the row is drawn on its own, stronger scale.
FAINT = 0.5


def faint_scale(images) -> float:
    """1, or for images whose largest value is below :data:`FAINT`, that value rounded up to 0.05:
    the value drawn black, so that a faint image shows its shape."""
    largest = float(np.max(images))
    return 1.0 if largest >= FAINT else max(math.ceil(largest * 20) / 20, 0.05)


def _quality_notes(quality: "pd.DataFrame", method: str) -> tuple[list[str], str]:
    """Per-digit notes ("0.97 ✓") and a summary line for ``method`` from the quality table:
    how many digits the network itself recognises and how many the k-NN judge does."""
    rows = quality[quality["method"] == method].set_index("digit")
    notes, judged_count, network_count, shown = [], 0, 0, 0
    for digit in range(10):
        if digit not in rows.index:
            notes.append("")
            continue
        judged = int(rows.at[digit, "knn_recognized"]) == 1
        notes.append(f"{float(rows.at[digit, 'target_output']):.2f}" + (" ✓" if judged else ""))
        judged_count += judged
        network_count += int(rows.at[digit, "self_recognized"]) == 1
        shown += 1
    summary = f"network {network_count}/{shown}, judge {judged_count}/{shown}" if shown else ""
    return notes, summary


#: How the methods figure names each row; a method not listed is named by itself.
METHOD_NAMES = {
    "seed": "seed (the book's)",
    "mean": "average training image\n(reference, uses labels)",
}


#: A block of rows per method (evolution figure, sweep grid) is headed by what the method does.
METHOD_HEADINGS = {
    "seed": "seed: the book's backquery (logit and transpose, layer by layer)",
    "pinv": "pinv: each layer inverted by least squares",
    "actmax": "actmax: the image the network is surest of, kept smooth",
    "prior": "prior: the surest image that looks like typical training images",
    "mixture": "mixture: the surest image near one cluster of training images",
    "posterior": "posterior: the training images averaged by the network's answers",
}


def methods_figure(
    images: Mapping[str, np.ndarray],
    quality: "pd.DataFrame",
    path: str | Path,
    reference: str = "mean",
    title: str | None = None,
    subtitle: str | None = None,
) -> None:
    """Rows = methods (``reference`` last, set apart), columns = digits.

    Under each image: the network's output for the intended digit
    (``target_output``) and ✓ when the k-NN judge reads the image as that
    digit (``knn_recognized == 1``); beside each row, how many digits the
    network recognises (``self_recognized``) and how many the judge does.
    ``quality`` has columns method, digit, target_output, self_recognized,
    knn_recognized (more are ignored); missing entries are left blank.  A
    faint row (see :func:`faint_scale`) is drawn on its own scale, said in its label.
    """
    order = [m for m in images if m != reference] + ([reference] if reference in images else [])
    rows = []
    for method in order:
        notes, summary = _quality_notes(quality, method)
        vmax = faint_scale(images[method])
        label = "\n".join(
            part
            for part in (
                METHOD_NAMES.get(method, method),
                summary,
                f"faint: black = {vmax:g}" if vmax < 1 else "",
            )
            if part
        )
        rows.append(Row(label, images[method], notes, reference=method == reference, vmax=vmax))
    footnote = (
        "Under each image: the network's output for that digit when the image is fed forward "
        "(0 to 1; near 1 = sure).\n"
        "network n/10: the digits for which that output is the highest of the ten.  "
        "✓ and judge n/10: most of the image's 3 nearest real training digits\n"
        "(pixel by pixel) are that digit.  The judge measures closeness to real handwriting, "
        "not legibility: a digit-shaped smudge can pass."
    )
    digit_grid(rows, path, title=title, footnote=footnote, subtitle=subtitle)


def evolution_figure(
    stages: Sequence[str],
    methods: Mapping[str, np.ndarray],
    path: str | Path,
    title: str | None = None,
    subtitle: str | None = None,
    headings: Mapping[str, str] | None = None,
) -> None:
    """Backqueries through training: a block of rows per method, a row per stage.

    ``stages`` labels the training progress ("initial", "500 samples",
    "epoch 1", ... with each snapshot's test accuracy); ``methods`` maps a
    method name to its images at those stages, an array
    ``(len(stages), 10, 784)``; ``headings`` names each block (default: the method).
    """
    headings = headings or {}
    rows = []
    for method, per_stage in methods.items():
        per_stage = np.asarray(per_stage, dtype=float)
        if len(per_stage) != len(stages):
            raise ValueError(
                f"method {method!r}: {len(per_stage)} sets of images for {len(stages)} stages"
            )
        heading = headings.get(method, method)
        for i, (stage, images) in enumerate(zip(stages, per_stage, strict=True)):
            rows.append(Row(stage, images, heading=heading if i == 0 else None))
    digit_grid(rows, path, title=title, column_title="digit asked for", subtitle=subtitle)


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


SIMILARITY_CMAP = "Blues"  # white = the panel's lowest correlation, dark blue = its highest


@_styled
def similarity_figure(
    panels: Mapping[str, np.ndarray],
    path: str | Path,
    title: str | None = None,
    subtitle: str | None = None,
) -> None:
    """10 x 10 correlation heatmaps side by side, values written in.

    Entry ``[i, j]`` of each panel correlates the backquery of digit ``i``
    with the mean training image of digit ``j``; the panel's name is its title.
    Each panel has its own colour scale, from its lowest to its highest value,
    so that the diagonal stands out even when every value is high; the
    diagonal is framed, and each row's largest value is bold.
    """
    width = 560 * len(panels) + 40
    fig, axes = _panels(len(panels), width, 380, (70, 70, 40, 100), 0.45, title, subtitle)
    for ax, (name, matrix) in zip(axes, panels.items(), strict=True):
        matrix = np.asarray(matrix, dtype=float)
        if matrix.shape != (10, 10):
            raise ValueError(f"panel {name!r}: expected a 10 x 10 matrix, got {matrix.shape}")
        low, high = float(matrix.min()), float(matrix.max())
        image = ax.imshow(
            matrix,
            cmap=SIMILARITY_CMAP,
            vmin=low,
            vmax=high if high > low else low + 1e-9,
            interpolation="nearest",
        )
        middle = (low + high) / 2
        for (i, j), value in np.ndenumerate(matrix):
            look = {
                "color": "white" if value > middle + (high - low) / 4 else "black",
                "weight": "bold" if value == matrix[i].max() else "normal",
            }
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8, **look)
        for k in range(10):
            ax.add_patch(
                matplotlib.patches.Rectangle(
                    (k - 0.5, k - 0.5), 1, 1, fill=False, edgecolor="tab:orange", linewidth=1.5
                )
            )
        hits = int(sum(np.argmax(matrix[i]) == i for i in range(10)))
        ax.set_title(f"{name}: {hits}/10 rows largest on the diagonal", fontsize=11)
        ax.set_xticks(range(10))
        ax.set_yticks(range(10))
        ax.set_xlabel("average training image of digit")
        ax.set_ylabel("backquery of digit")
        ax.tick_params(length=0)
        colorbar = fig.colorbar(image, ax=ax, fraction=0.046, pad=0.03)
        colorbar.set_label(f"correlation (this panel: {low:.2f} to {high:.2f})")
    note = (
        "Correlation: 1 = the same picture up to brightness and contrast, 0 = unrelated.  "
        "Each panel has its own colour scale.\n"
        "Orange frame: the backquery compared with its own digit.  "
        "Bold: the largest value of its row, i.e. the digit the backquery looks most like."
    )
    _figure_note(fig, note)
    save_figure(fig, path)


def _panels(count, width, plot_height, margins, wspace, title, subtitle):
    """A figure of ``count`` axes side by side, ``width`` pixels wide, under ``title`` and
    ``subtitle`` (drawn); ``margins`` (left, right, top, bottom) in pixels around the axes,
    which are ``plot_height`` high.  Returns the figure and its axes."""
    left, right, top, bottom = margins
    head = (40 if title else 0) + 20 * _lines(subtitle)
    height = head + top + plot_height + bottom
    fig = new_figure(width, height)
    axes = fig.subplots(1, count, squeeze=False)[0]
    fig.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        top=1 - (head + top) / height,
        bottom=bottom / height,
        wspace=wspace,
    )
    _headline_axes(fig, title, subtitle)
    return fig, axes


def _figure_note(fig: Figure, note: str) -> None:
    """Grey notes at the bottom left of a figure of axes."""
    width, height = fig.get_figwidth() * DPI, fig.get_figheight() * DPI
    fig.text(_PAD / width, _PAD / height, note, fontsize=9, color="0.3", linespacing=1.4)


def _headline_axes(fig: Figure, title: str | None, subtitle: str | None) -> None:
    """Title and grey subtitle at the top of a figure of axes, in pixels like the grids'."""
    height = fig.get_figheight() * DPI
    y = 1 - _PAD / height
    if title:
        fig.text(0.5, y, title, ha="center", va="top", fontsize=13)
        y -= _TITLE / height
    if subtitle:
        fig.text(0.5, y, subtitle, ha="center", va="top", color="0.25", linespacing=1.4)


@_styled
def training_figure(
    history: "pd.DataFrame",
    accuracy: "pd.DataFrame",
    path: str | Path,
    title: str | None = None,
    subtitle: str | None = None,
) -> None:
    """Mean training loss per epoch (``history`` columns epoch, mean_loss) and test accuracy
    through training (``accuracy`` columns epochs, test_accuracy: one row per saved network,
    from 0 epochs, the initial weights, on), in two panels whose axes start at 0."""
    fig, (loss_ax, accuracy_ax) = _panels(2, 900, 290, (81, 27, 30, 60), 0.3, title, subtitle)
    epochs = history["epoch"].to_numpy()
    loss_ax.plot(epochs, history["mean_loss"], marker="o", color="tab:red")
    loss_ax.set_ylabel("mean squared error on the training images")
    loss_ax.set_ylim(bottom=0, top=float(history["mean_loss"].max()) * 1.25)
    loss_ax.set_title("training loss, averaged over each epoch", fontsize=10)
    points = accuracy.sort_values("epochs")
    percent = 100 * points["test_accuracy"].to_numpy()
    accuracy_ax.plot(points["epochs"], percent, marker="o", color="tab:blue")
    accuracy_ax.axhline(10, color="0.5", linestyle="--", linewidth=1)
    accuracy_ax.text(
        points["epochs"].max(), 11, "chance: 10 %", ha="right", va="bottom", color="0.4"
    )
    for epoch, value in zip(points["epochs"], percent, strict=True):
        if epoch == 0:  # the initial weights: above and beside the point, clear of the axes
            text, offset, align = f"{value:.1f} before training", (8, 6), "left"
        elif float(epoch).is_integer():
            text, offset, align = f"{value:.1f}", (0, -14), "center"
        else:
            continue
        accuracy_ax.annotate(
            text, (epoch, value), textcoords="offset points", xytext=offset, ha=align
        )
    accuracy_ax.set_ylim(0, 105)
    accuracy_ax.set_ylabel("test accuracy (%), 10,000 unseen images")
    accuracy_ax.set_title("test accuracy, from the initial weights on", fontsize=10)
    for ax in (loss_ax, accuracy_ax):
        ax.set_xlabel("epochs of training (passes over the training images)")
        ax.set_xlim(left=-0.15, right=float(epochs.max()) + 0.3)
        ax.set_xticks(range(0, int(epochs.max()) + 1))
        ax.grid(color="0.9")
        ax.spines[["top", "right"]].set_visible(False)
    save_figure(fig, path)


def _accuracy_by_size(ax, table: "pd.DataFrame") -> None:
    """Test accuracy against hidden size: one line per learning rate through the mean over
    seeds, the band from the worst to the best seed, each model a dot."""
    varying = [
        column
        for column in ("learning_rate", "epochs", "batch_size")
        if column in table and table[column].nunique() > 1
    ] or ["learning_rate"]
    short = {"learning_rate": "learning rate", "epochs": "epochs", "batch_size": "batch"}
    for key, group in table.groupby(varying, sort=True):
        by_size = group.groupby("hidden_nodes")["test_accuracy"]
        sizes = np.array(sorted(group["hidden_nodes"].unique()))
        label = ", ".join(f"{short[c]} {v:g}" for c, v in zip(varying, key, strict=True))
        (line,) = ax.plot(sizes, 100 * by_size.mean().loc[sizes], marker="o", label=label)
        ax.fill_between(
            sizes,
            100 * by_size.min().loc[sizes],
            100 * by_size.max().loc[sizes],
            color=line.get_color(),
            alpha=0.2,
        )
        ax.plot(group["hidden_nodes"], 100 * group["test_accuracy"], ".", color=line.get_color())
    ax.set_ylabel("test accuracy (%)")
    ax.set_title("test accuracy by size (band: worst to best seed)", fontsize=10)
    ax.legend(fontsize="small")


def _quality_by_size(ax, table: "pd.DataFrame", methods: Sequence[str]) -> None:
    """Each method's k-NN judge count against hidden size: mean over the models of a size."""
    for method, marker in zip(methods, _METHOD_MARKERS, strict=False):
        by_size = table.groupby("hidden_nodes")[f"{method}_knn_recognized"].mean()
        ax.plot(by_size.index, by_size.to_numpy(), marker=marker, fillstyle="none", label=method)
    _judge_axis(ax, "backquery quality by size (mean of its models)")


def _quality_by_accuracy(ax, table: "pd.DataFrame", methods: Sequence[str]) -> None:
    """Each method's k-NN judge count against test accuracy, each model a dot."""
    for method, marker in zip(methods, _METHOD_MARKERS, strict=False):
        ax.plot(
            100 * table["test_accuracy"],
            table[f"{method}_knn_recognized"],
            marker,
            fillstyle="none",
            alpha=0.8,
            markersize=5,
            label=method,
        )
    ax.set_xlabel("test accuracy (%)")
    _judge_axis(ax, "backquery quality by accuracy (a mark a model)")


#: one marker per method, drawn hollow, so that methods with equal counts stay visible
_METHOD_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def _judge_axis(ax, title: str) -> None:
    """The k-NN judge's count from 0 to 10, with room above 10 for the legend."""
    ax.set_ylabel("digits the judge reads (of 10)")
    ax.set_ylim(-0.3, 13.8)
    ax.set_yticks(range(0, 11, 2))
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize="small", ncol=3, loc="upper center")


@_styled
def sweep_figure(
    table: "pd.DataFrame",
    path: str | Path,
    title: str | None = None,
    subtitle: str | None = None,
) -> None:
    """The sweep's answer in three panels: test accuracy against hidden size, and each
    method's backquery quality against hidden size and against test accuracy.

    ``table`` is :func:`mnistnn.sweep.sweep_table`'s (one row per model; the
    quality panels need its ``{method}_knn_recognized`` columns and are left
    out without them).
    """
    methods = [c.removesuffix("_knn_recognized") for c in table if c.endswith("_knn_recognized")]
    panels = 3 if methods else 1
    fig, axes = _panels(panels, 420 * panels + 60, 320, (70, 20, 30, 90), 0.3, title, subtitle)
    _accuracy_by_size(axes[0], table)
    if methods:
        _quality_by_size(axes[1], table, methods)
        _quality_by_accuracy(axes[2], table, methods)
    sizes = sorted(table["hidden_nodes"].unique())
    for ax in axes[: min(panels, 2)]:
        ax.set_xscale("log")
        ax.set_xticks(sizes, [str(size) for size in sizes])
        ax.minorticks_off()
        ax.set_xlabel("hidden units (log scale)")
    for ax in axes:
        ax.grid(color="0.9")
        ax.spines[["top", "right"]].set_visible(False)
    note = (
        "Judge: a 3-nearest-neighbour classifier over the 60,000 training digits; it reads a "
        "backquery as its digit when the image's closest real digits, pixel by pixel, mostly are."
    )
    _figure_note(fig, note)
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
