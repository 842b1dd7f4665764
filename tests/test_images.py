"""Backqueried images on disk: the greyscale PNG of a digit, and reading a method's images back."""

import numpy as np
import pytest
from PIL import Image

from mnistnn import images


def grey_levels(path) -> np.ndarray:
    with Image.open(path) as png:
        assert png.mode == "L"
        return np.array(png)


def test_digit_png_is_dark_where_values_are_high_and_blocky(tmp_path):
    image = np.full((28, 28), 0.01)
    image[:, :14] = 0.99  # left half high
    images.digit_png(image.ravel(), tmp_path / "d.png")
    grey = grey_levels(tmp_path / "d.png")
    assert grey.shape == (224, 224)
    assert np.all(grey[:, :112] == 3)  # round(255 * 0.01): nearly black
    assert np.all(grey[:, 112:] == 252)  # nearly white
    # nearest-neighbour: every image pixel is a uniform 8 x 8 block of grey 255 * (1 - value)
    noise = np.random.default_rng(0).uniform(0.0, 1.0, 784)
    images.digit_png(noise, tmp_path / "n.png")
    blocks = grey_levels(tmp_path / "n.png").reshape(28, 8, 28, 8)
    assert np.all(blocks == blocks[:, :1, :, :1])
    assert np.abs(blocks[:, 0, :, 0].ravel() - 255 * (1 - noise)).max() <= 0.5


def test_digit_png_refuses_a_wrong_shape_and_writes_nothing(tmp_path):
    with pytest.raises(
        ValueError, match=r"d\.png: expected an image of shape \(784,\), got \(28, 28\)"
    ):
        images.digit_png(np.zeros((28, 28)), tmp_path / "d.png")
    assert not list(tmp_path.iterdir())


def test_saved_digits_read_back_by_method(tmp_path):
    rng = np.random.default_rng(1)
    written = {method: rng.uniform(0.01, 0.99, (10, 784)) for method in ("seed", "mixture")}
    paths = []
    for method, ten in written.items():
        for digit, image in enumerate(ten):
            base = tmp_path / method / str(digit)
            images.save_digit(image, f"{base}.npy", f"{base}.png")
            paths.append(tmp_path / method / f"{digit}.npy")
            assert (tmp_path / method / f"{digit}.png").is_file()
    loaded = images.load_method_images(paths)
    assert list(loaded) == ["seed", "mixture"]  # the order the paths give
    for method, ten in written.items():
        assert np.array_equal(loaded[method], ten)
