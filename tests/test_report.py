"""The report and the figures as a person sees them: the report's front page and every figure,
rendered by Debian's Chromium, and what the report gathers."""

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from mnistnn.images import digit_png
from mnistnn.report import front_page
from mnistnn.tables import PIXELS

#: what the README says the report gathers, per model (a trained one has a history too)
MODEL_FILES = [
    "metrics.json",
    "confusion.csv",
    "montage.png",
    "montage.csv",
    "methods.png",
    "methods.csv",
    "control_methods.png",
    "control_methods.csv",
    "similarity.png",
    "similarity.csv",
    "hidden_units.png",
    "examples.png",
    "explorer.html",
    "backquery/quality.csv",
    "backquery/summary.csv",
    "queries/three_or_eight.png",
]
TRAINED_FILES = ["history.csv", "training.png", "training.csv", "evolution.png", "evolution.csv"]

#: the CSVs keep 6 significant digits
CSV_RTOL = 1e-5
#: the pixel rows at the top of a figure that hold its title and subtitle
TITLE_BAND = 80


def summary_table():
    rows = [("seed", 5, 8, 3), ("posterior", 10, 10, 1)]
    columns = ["method", "self_recognized", "knn_recognized", "knn_recognized_control"]
    return pd.DataFrame(rows, columns=columns)


def test_front_page_has_the_numbers_the_pictures_and_every_section(tmp_path):
    for name in ("montage", "methods"):
        digit_png(np.linspace(0, 1, 784), tmp_path / f"{name}.png")
    metrics = {
        "book": {"hidden_nodes": 200, "test_accuracy": 0.9714},
        "small": {"hidden_nodes": 25, "test_accuracy": 0.9321},
    }
    page = front_page(
        "book", metrics, summary_table(), tmp_path / "montage.png", tmp_path / "methods.png"
    )
    assert "**97.14 %**" in page and "93.21 %" in page
    assert "the judge reads 10 of its 10 digits by method ``posterior``, 8 by the book's" in page
    assert page.count("data:image/png;base64,") == 2
    # the sections are the report's own, listed by Snakemake's template when it renders the page
    assert "{% for cat, subcats in categories|dictsort %}" in page
    # docutils refuses lines over 10,000 characters: the embedded pictures are broken into lines
    assert max(map(len, page.splitlines())) < 10_000


# ---------------------------------------------------------------- the tiny pipeline's report


def report_results(report: Path) -> dict:
    """The report's own index of the files it holds: ``var results = {path: ...}``."""
    html = report.read_text()
    marker = "var results = "
    start = html.index(marker, html.index('<script id="results">')) + len(marker)
    return json.JSONDecoder().raw_decode(html[start:])[0]


@pytest.mark.workflow
def test_the_report_gathers_every_figure_and_table_the_readme_promises(report):
    held = set(report_results(report))
    expected = {f"results/{model}/{name}" for model in ("tiny", "foreign") for name in MODEL_FILES}
    expected |= {f"results/tiny/{name}" for name in TRAINED_FILES}
    expected |= {"results/montage.png", "results/montage.csv"}
    expected |= {f"results/sweep/{name}" for name in ("summary.csv", "summary.png")}
    expected |= {f"results/sweep/{name}" for name in ("backqueries.png", "backqueries.csv")}
    assert expected <= held, sorted(expected - held)


@pytest.mark.workflow
def test_report_opens_on_the_front_page_with_the_montage_and_the_key_numbers(
    report, pipeline, browser, tmp_path
):
    folder, _ = pipeline
    accuracy = json.loads((folder / "results/tiny/metrics.json").read_text())["test_accuracy"]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(report.as_uri())
    heading = page.get_by_role("heading", name="mnistnn: what has a neural network learned?")
    heading.wait_for()
    text = page.inner_text("body")
    assert f"{100 * accuracy:.2f} %" in text and "Key numbers" in text
    montage = page.get_by_role("img", name="What model tiny imagines for each digit")
    box = montage.bounding_box()
    assert montage.evaluate("image => image.naturalWidth") > 0
    assert box["width"] > 500 and box["y"] < 1000  # on the first screen, at a readable size
    page.screenshot(path=tmp_path / "front_page.png")
    # each section is linked, and the link opens it: its parts, then its files, labelled
    page.get_by_role("link", name="Model 1 - tiny").first.click()
    page.get_by_text("Backquery", exact=True).first.click()
    page.get_by_text("methods.png: each method's image of every digit", exact=False).wait_for()
    assert errors == []
    page.close()


def figure_pixels(page, png: Path) -> np.ndarray:
    """``png`` as Chromium draws it at its own size on a white page, as an RGB array."""
    page.set_content(
        f'<body style="margin:0;background:white"><img src="{png.as_uri()}"></body>',
        wait_until="load",
    )
    image = page.locator("img")
    assert image.evaluate("image => image.complete && image.naturalWidth > 0"), png
    return np.array(Image.open(io.BytesIO(image.screenshot())).convert("RGB"))


@pytest.mark.workflow
def test_every_figure_renders_with_a_whole_title(pipeline, browser):
    """Every figure of the run, drawn by the browser: a title at the top, no text cut off
    at the figure's left or right edge in the title and subtitle."""
    folder, _ = pipeline
    shown = ("results", "tiny", "tiny_rashid", "foreign", "h6_lr0p3_s3", "sweep")
    figures = [
        path for path in sorted((folder / "results").rglob("*.png")) if path.parent.name in shown
    ]
    analysed = ["control_methods", "examples", "hidden_units", "methods", "montage", "similarity"]
    assert {str(path.relative_to(folder / "results").with_suffix("")) for path in figures} == {
        "montage",
        "sweep/summary",
        "sweep/backqueries",
        "tiny_rashid/montage",  # shown in the montages only
        *(f"foreign/{name}" for name in analysed),
        *(f"tiny/{name}" for name in [*analysed, "evolution", "training"]),
    }  # a model only the sweep lists gets its figures when asked for by path
    page = browser.new_page()
    page.goto((folder / "results").as_uri())  # file: pages may show file: pictures
    for png in figures:
        pixels = figure_pixels(page, png).min(axis=2)
        band = pixels[:TITLE_BAND]
        assert (band[: TITLE_BAND // 2] < 100).sum() > 50, f"{png}: no title"
        edges = np.concatenate([band[:, :3], band[:, -3:]], axis=1)
        assert edges.min() > 200, f"{png}: the title or subtitle runs off the figure"
    page.close()


@pytest.mark.workflow
def test_identical_settings_are_trained_once_and_models_come_in_natural_order(pipeline):
    folder, _ = pipeline
    # the sweep's h12_lr0p3_s3 is trained exactly like `tiny`: it is `tiny`
    assert not (folder / "results/h12_lr0p3_s3").exists()
    summary = pd.read_csv(folder / "results/sweep/summary.csv")
    # by hidden size, then learning rate
    assert list(summary["model"]) == ["h6_lr0p3_s3", "h6_lr0p6_s3", "tiny", "h12_lr0p6_s3"]
    assert list(summary["hidden_nodes"]) == [6, 6, 12, 12]
    montage = pd.read_csv(folder / "results/montage.csv", usecols=["model", "test_accuracy"])
    # the config's models, then the sweep's new ones, then the imported ones
    assert list(dict.fromkeys(montage["model"])) == [
        "tiny",
        "tiny_rashid",
        "h6_lr0p3_s3",
        "h6_lr0p6_s3",
        "h12_lr0p6_s3",
        "foreign",
    ]


@pytest.mark.workflow
def test_the_numbers_behind_each_figure_are_in_a_csv_beside_it(pipeline):
    folder, _ = pipeline
    model = folder / "results/tiny"
    evolution = pd.read_csv(model / "evolution.csv")
    described = ["snapshot", "samples_seen", "test_accuracy", "method", "digit"]
    assert list(evolution.columns) == described + PIXELS
    with np.load(model / "evolution.npz", allow_pickle=False) as arrays:
        for method in ("seed", "posterior"):
            rows = evolution[evolution["method"] == method]
            images = rows[PIXELS].to_numpy().reshape(arrays[method].shape)
            np.testing.assert_allclose(images, arrays[method], rtol=0, atol=1e-6)
            per_snapshot = rows.drop_duplicates("snapshot")["test_accuracy"]
            np.testing.assert_allclose(per_snapshot, arrays["test_accuracy"], rtol=CSV_RTOL)
    training = pd.read_csv(model / "training.csv")
    assert training["epochs"].iloc[0] == 0 and training["epochs"].iloc[-1] == 2
    assert training["mean_loss"].isna().iloc[0]  # no loss before training
    history = pd.read_csv(model / "history.csv")
    ends = training.dropna(subset=["mean_loss"])
    np.testing.assert_allclose(ends["mean_loss"], history["mean_loss"], rtol=CSV_RTOL)
    np.testing.assert_allclose(ends["test_accuracy"], history["test_accuracy"], rtol=CSV_RTOL)
    methods = pd.read_csv(model / "methods.csv")
    quality = pd.read_csv(model / "backquery/quality.csv")
    scored = methods.merge(quality, on=["method", "digit"], suffixes=("", "_quality"))
    assert len(scored) == len(quality)  # every scored image, plus the reference's ten
    np.testing.assert_allclose(
        scored["target_output"], scored["target_output_quality"], rtol=CSV_RTOL
    )
    similarity = pd.read_csv(model / "similarity.csv")
    assert len(similarity) == 2 * 100 and similarity["correlation"].between(-1, 1).all()
    montage = pd.read_csv(model / "montage.csv")
    seed_images = np.array([np.load(model / f"backquery/seed/{d}.npy") for d in range(10)])
    np.testing.assert_allclose(montage[PIXELS].to_numpy(), seed_images, rtol=0, atol=1e-6)
