"""The numbers behind the figures, as tables: one CSV beside each figure, for reuse.

A figure of images gets one row per image: the columns that say what the
image is (model, method, snapshot, digit, scores, ...), then its 784 pixel
values ``pixel_0`` ... ``pixel_783``, row by row (pixel ``28 * row + column``),
in [0, 1] with 1 = full ink.
"""

import os

import numpy as np
import pandas as pd

from mnistnn.atomic import write_text

PIXELS = [f"pixel_{i}" for i in range(784)]


def image_table(images, **columns) -> pd.DataFrame:
    """One row per image of ``images`` ``(n, 784)``: ``columns`` first, then the pixels.

    Each column is one value for every row or ``n`` values; ``digit`` defaults
    to 0-9 when ``n`` is 10.
    """
    images = np.asarray(images, dtype=float).reshape(-1, 784)
    if len(images) == 10:
        columns.setdefault("digit", range(10))
    described = pd.DataFrame(
        {
            name: list(value) if _many(value) else [value] * len(images)
            for name, value in columns.items()
        }
    )
    return pd.concat([described, pd.DataFrame(images, columns=PIXELS)], axis=1)


def _many(value) -> bool:
    return not isinstance(value, str) and hasattr(value, "__len__")


def write_csv(table: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write ``table`` atomically, floats to 6 significant digits (a pixel needs no more)."""
    write_text(path, table.to_csv(index=False, float_format="%.6g"))


def read_metrics(path: str | os.PathLike) -> dict:
    """A model's ``metrics.json``."""
    import json

    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def percent(fraction: float) -> str:
    """``0.9714`` as ``"97.14 %"``."""
    return f"{100 * fraction:.2f} %"


def accuracy_text(metrics: dict) -> str:
    """``"97.14 % of test digits right"`` from a model's metrics."""
    return f"{percent(metrics['test_accuracy'])} of test digits right"
