"""The explorer: one self-contained HTML page that runs a network backwards and forwards.

The page (``results/{model}/explorer.html``) needs no server and no network:
its JavaScript, CSS and data are inline, so it works opened from ``file://``.
It holds what the pipeline wrote for one model and nothing else:

- the four parameter arrays (:mod:`mnistnn.params` conventions: ``W1``
  ``(784, H)``, ``W2`` ``(H, 10)``, ``v1`` ``(H,)``, ``v2`` ``(10,)``), each
  little-endian, row-major, base64, as float32 when every value of the array is
  exactly a float32 (as for a model trained here: the trainer works in
  float32), else as float64.  Either way the page computes in float64 with
  exactly the exported numbers, so it agrees with :func:`mnistnn.backquery.seed`
  and :func:`mnistnn.network.feedforward` to rounding error (about 1e-15);
- the precomputed images of the other methods, ``{method: (10, 784)}``, as
  the grey levels their PNGs show (uint8 ``round(255 * (1 - value))``, dark =
  high), base64: they are only drawn, never computed with;
- their scores, the rows of ``quality.csv`` per method, in digit order;
- the config's extra label vectors (``queries``), offered as presets.

The page's code lives beside this module as package data
(``explorer_page/page.html``, ``page.css``, ``page.js``) and is inlined at build
time.  Equal inputs give byte-identical pages.

Command line (needs Playwright and a Chromium, as the tests do)::

    python -m mnistnn.explorer screenshot results/book/explorer.html docs/explorer.png
"""

import base64
import csv
import html
import json
import os
import re
import sys
from importlib import resources
from pathlib import Path

import numpy as np

from mnistnn.errors import ExplorerError
from mnistnn.network import N_INPUTS, N_OUTPUTS, Network


def read_flag(text: str) -> bool:
    """A yes/no value of ``quality.csv``: ``1`` or ``0`` as pandas writes it, or True/False."""
    flags = {"1": True, "0": False, "true": True, "false": False}
    try:
        return flags[text.strip().lower()]
    except KeyError:
        raise ValueError(f"{text!r} is not a yes/no value (1, 0, True or False)") from None


#: The columns of ``quality.csv`` the page shows, with how to read each value.
QUALITY_COLUMNS = {
    "target_output": float,
    "self_recognized": read_flag,
    "template_corr": float,
    "template_best": read_flag,
    "knn_recognized": read_flag,
}

#: Chromium's command line for tests and screenshots: headless, no sandbox
#: (CI runs as root), no GPU, and none of the background traffic to Google
#: services, so that the only requests a page makes are its own.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def encode_array(array, dtype) -> str:
    """Base64 of ``array``'s values as little-endian ``dtype``, in row-major order."""
    data = np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder("<"))
    return base64.b64encode(data.tobytes()).decode("ascii")


def decode_array(text: str, dtype, shape) -> np.ndarray:
    """The inverse of :func:`encode_array`."""
    return np.frombuffer(base64.b64decode(text), dtype=np.dtype(dtype).newbyteorder("<")).reshape(
        shape
    )


def encode_parameters(array: np.ndarray) -> dict:
    """``{"dtype", "data"}``: float32 when that is exact for every value, else float64.

    A model trained here holds float32 values (written as float64), so its page
    is half the size, which keeps it small enough for the report to show inline
    (browsers limit the length of the data URL the report opens it with).
    """
    array = np.asarray(array, dtype=np.float64)
    exact = np.array_equal(array.astype(np.float32).astype(np.float64), array)
    dtype = "float32" if exact else "float64"
    return {"dtype": dtype, "data": encode_array(array, dtype)}


def grey_levels(images: np.ndarray) -> np.ndarray:
    """uint8 grey levels of images in [0, 1], as :func:`mnistnn.images.digit_png` draws them."""
    return np.rint(255.0 * (1.0 - np.clip(images, 0.0, 1.0))).astype(np.uint8)


def read_quality(path: str | os.PathLike) -> dict[str, list[dict]]:
    """``{method: [scores of digit 0, ..., digit 9]}`` from a ``quality.csv``.

    Each score is a dict of :data:`QUALITY_COLUMNS`.  Raises
    :class:`ExplorerError` naming ``path`` for a missing column, an unreadable
    value, or a method without exactly one row per digit.
    """
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError) as error:
        raise ExplorerError(f"{path}: cannot read: {error}") from None
    missing = {"method", "digit", *QUALITY_COLUMNS} - set(rows[0] if rows else {})
    if missing:
        raise ExplorerError(f"{path}: no column(s) {', '.join(sorted(missing))}")
    scores: dict[str, dict[int, dict]] = {}
    for line, row in enumerate(rows, start=2):
        try:
            digit = int(row["digit"])
            values = {name: read(row[name]) for name, read in QUALITY_COLUMNS.items()}
        except (TypeError, ValueError) as error:
            raise ExplorerError(f"{path}, line {line}: {error}") from None
        scores.setdefault(row["method"], {})[digit] = values
    for method, digits in scores.items():
        if sorted(digits) != list(range(N_OUTPUTS)):
            raise ExplorerError(f"{path}: method {method} does not have one row per digit 0-9")
    return {method: [digits[d] for d in range(N_OUTPUTS)] for method, digits in scores.items()}


def read_method_images(paths) -> dict[str, np.ndarray]:
    """``{method: (10, 784)}`` from ``.../{method}/{digit}.npy`` paths, method by method.

    Raises :class:`ExplorerError` naming the file that cannot be read as an
    array of 784 values in [0, 1].
    """
    methods: dict[str, list] = {}
    for path in map(Path, paths):
        try:
            image = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as error:
            raise ExplorerError(f"{path}: cannot read as a .npy image: {error}") from None
        if image.shape != (N_INPUTS,):
            raise ExplorerError(f"{path}: an image of shape {image.shape}, expected (784,)")
        if not (np.all(np.isfinite(image)) and image.min() >= 0.0 and image.max() <= 1.0):
            raise ExplorerError(f"{path}: values outside [0, 1]")
        methods.setdefault(path.parent.name, []).append(image)
    return {method: np.array(images) for method, images in methods.items()}


def check_method_images(images: dict[str, np.ndarray]) -> None:
    """Refuse a method whose images are not ``(10, 784)`` finite values in [0, 1]."""
    for method, array in images.items():
        if array.shape != (N_OUTPUTS, N_INPUTS):
            raise ExplorerError(f"method {method}: images of shape {array.shape}, not (10, 784)")
        if not (np.all(np.isfinite(array)) and array.min() >= 0.0 and array.max() <= 1.0):
            raise ExplorerError(f"method {method}: image values outside [0, 1]")


def page_data(
    model: str,
    net: Network,
    method_images: dict[str, np.ndarray],
    quality: dict[str, list[dict]],
    queries: dict[str, list[float]],
) -> dict:
    """Everything the page reads, as one JSON-ready dict (see the module docstring).

    ``method_images`` is ``{method: (10, 784)}`` in the order the page shows
    them; a method without scores in ``quality`` (the labelled reference
    ``mean``) is shown without scores.
    """
    check_method_images(method_images)
    return {
        "model": model,
        "hidden_nodes": net.hidden_nodes,
        **{name: encode_parameters(array) for name, array in net._asdict().items()},
        "methods": [
            {
                "name": method,
                "grey": encode_array(grey_levels(images), np.uint8),
                "scores": quality.get(method),
            }
            for method, images in method_images.items()
        ],
        "queries": [
            {"name": name, "label": [float(value) for value in label]}
            for name, label in queries.items()
        ],
    }


def template(name: str) -> str:
    """One of the page's source files, shipped as package data in ``mnistnn/explorer_page/``."""
    return resources.files("mnistnn").joinpath("explorer_page", name).read_text(encoding="utf-8")


def script_json(data: dict) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element (no ``</``)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":")).replace("</", "<\\/")


def build_page(data: dict) -> str:
    """The self-contained HTML page for :func:`page_data`'s ``data``."""
    parts = {
        "TITLE": html.escape(f"{data['model']}: explore the network"),
        "STYLE": template("page.css"),
        "DATA": script_json(data),
        "SCRIPT": template("page.js"),
    }
    # one pass, so that nothing inserted is ever taken for a placeholder
    return re.sub(r"@@([A-Z]+)@@", lambda match: parts[match.group(1)], template("page.html"))


def screenshot(page: str | os.PathLike, png: str | os.PathLike, width=1280, height=800) -> None:
    """Save a PNG of ``page`` in headless Chromium, with a digit drawn on the pad.

    The page shows the backquery of 3 and, on the pad, a 3 drawn with the
    mouse, so that every panel has something in it.
    """
    from playwright.sync_api import sync_playwright

    from mnistnn import atomic

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page(viewport={"width": width, "height": height})
            tab.goto(Path(page).resolve().as_uri())
            tab.wait_for_function("window.explorer && window.explorer.ready")
            tab.get_by_role("button", name="Preset: 3", exact=True).click()
            pad = tab.locator("#pad")
            pad.scroll_into_view_if_needed()
            box = pad.bounding_box()
            three = [[(0.3, 0.2), (0.6, 0.15), (0.65, 0.35), (0.4, 0.5)]]
            three.append([(0.4, 0.5), (0.7, 0.6), (0.6, 0.85), (0.3, 0.8)])
            for stroke in three:
                points = [
                    (box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in stroke
                ]
                tab.mouse.move(*points[0])
                tab.mouse.down()
                for point in points[1:]:
                    tab.mouse.move(*point, steps=8)
                tab.mouse.up()
            with atomic.atomic_path(png) as tmp:
                tab.screenshot(path=str(tmp), full_page=True)
        finally:
            browser.close()


USAGE = "usage: python -m mnistnn.explorer screenshot PAGE.html OUT.png"


def command_line(arguments: list[str]) -> int:
    if len(arguments) != 3 or arguments[0] != "screenshot":
        print(USAGE, file=sys.stderr)
        return 2
    screenshot(arguments[1], arguments[2])
    print(f"wrote {arguments[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(command_line(sys.argv[1:]))
