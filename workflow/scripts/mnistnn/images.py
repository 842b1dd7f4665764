"""Backqueried images on disk: one digit as ``.npy`` and ``.png``, and a method's ten read back.

An image is 784 values in [0, 1] (28 x 28, row by row).  The ``.npy`` holds
the float64 values; the ``.png`` is for looking at: 8-bit grey, dark = high
(grey level ``round(255 * (1 - value))``), each image pixel a whole block.

Deliberately light (NumPy and Pillow only): jobs that only read or write
images do not pay for importing matplotlib or SciPy.
"""

from pathlib import Path

import numpy as np
from PIL import Image

from mnistnn import atomic

#: screen pixels per image pixel in a digit's PNG
DIGIT_PNG_ZOOM = 8


def digit_png(image784, path: str | Path, zoom: int = DIGIT_PNG_ZOOM) -> None:
    """One image (784 values in [0, 1]) as a ``28*zoom`` square greyscale PNG, dark = high."""
    values = np.asarray(image784, dtype=np.float64)
    if values.shape != (784,):
        raise ValueError(f"{path}: expected an image of shape (784,), got {values.shape}")
    grey = np.rint(255.0 * (1.0 - np.clip(values, 0.0, 1.0))).astype(np.uint8).reshape(28, 28)
    blocks = grey.repeat(zoom, axis=0).repeat(zoom, axis=1)  # nearest-neighbour upscaling
    with atomic.atomic_path(path) as tmp:
        Image.fromarray(blocks).save(tmp, format="PNG")  # uint8 (h, w): 8-bit grey


def save_digit(image784, npy_path: str | Path, png_path: str | Path) -> None:
    """Write one image as ``npy_path`` (the values) and ``png_path`` (the picture)."""
    atomic.save_npy(npy_path, image784)
    digit_png(image784, png_path)


def save_digits(images, npy_paths, png_paths) -> None:
    """Write image ``i`` of ``images`` ``(10, 784)`` to ``npy_paths[i]`` and ``png_paths[i]``."""
    for image, npy_path, png_path in zip(images, npy_paths, png_paths, strict=True):
        save_digit(image, npy_path, png_path)


def load_method_images(paths) -> dict[str, np.ndarray]:
    """``{method: (10, 784)}`` from ``.../{method}/{digit}.npy`` paths given method by method."""
    methods: dict[str, list] = {}
    for path in map(Path, paths):
        methods.setdefault(path.parent.name, []).append(np.load(path, allow_pickle=False))
    return {method: np.array(images) for method, images in methods.items()}
