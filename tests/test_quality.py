"""Scores of backqueried images on a tiny case worked out by hand, and the k-NN judge."""

import math

import numpy as np
import pytest

from mnistnn.network import Network, scale_pixels
from mnistnn.quality import (
    QUALITY_COLUMNS,
    KnnJudge,
    correlations,
    dataset_examples,
    method_summary,
    nearest,
    quality_table,
    quality_tables,
)

BLOCK = 78  # pixels of digit d's block: d * 78 ... d * 78 + 77


def block_images_u8() -> np.ndarray:
    """Ten uint8 images ``(10, 784)``: image d is 255 on block d and 0 elsewhere."""
    images = np.zeros((10, 784), dtype=np.uint8)
    for digit in range(10):
        images[digit, digit * BLOCK : (digit + 1) * BLOCK] = 255
    return images


def block_network() -> Network:
    """A 784-10-10 network that reads the brightness of each block.

    Hidden unit j averages block j, times 8, minus 4; output j is
    ``sigmoid(10 h_j - 5)``.
    """
    W1 = np.zeros((784, 10))
    for digit in range(10):
        W1[digit * BLOCK : (digit + 1) * BLOCK, digit] = 8.0 / BLOCK
    return Network(W1, 10.0 * np.eye(10), np.full(10, 4.0), np.full(10, 5.0))


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@pytest.fixture
def judge():
    train = np.vstack([block_images_u8()] * 2)
    return KnnJudge(train, np.tile(np.arange(10), 2), k=3)


def test_quality_table_by_hand(judge):
    templates = scale_pixels(block_images_u8())
    images = {"right": templates, "shifted": np.roll(templates, -1, axis=0)}
    table = quality_table(block_network(), images, templates, judge)
    assert list(table.columns) == list(QUALITY_COLUMNS)
    assert table["method"].tolist() == ["right"] * 10 + ["shifted"] * 10
    assert table["digit"].tolist() == list(range(10)) * 2

    # a bright block averages 1.0 and a dark one 0.01 (scaled pixels)
    bright = sigmoid(10 * sigmoid(8 * 1.0 - 4) - 5)
    dark = sigmoid(10 * sigmoid(8 * 0.01 - 4) - 5)
    # two disjoint blocks of s pixels out of n correlate -s / (n - s)
    disjoint = -BLOCK / (784 - BLOCK)
    right, shifted = table.iloc[:10], table.iloc[10:]
    assert right["target_output"].to_numpy() == pytest.approx([bright] * 10)
    assert shifted["target_output"].to_numpy() == pytest.approx([dark] * 10)
    assert right["template_corr"].to_numpy() == pytest.approx([1.0] * 10)
    assert shifted["template_corr"].to_numpy() == pytest.approx([disjoint] * 10)
    for column in ("self_recognized", "template_best", "knn_recognized"):
        assert right[column].tolist() == [1] * 10, column
        assert shifted[column].tolist() == [0] * 10, column


def test_method_summary_counts_per_method(judge):
    templates = scale_pixels(block_images_u8())
    mixed = templates.copy()
    mixed[[2, 7]] = templates[[3, 8]]  # two of ten wrong
    table = quality_table(block_network(), {"b": mixed, "a": templates}, templates, judge)
    summary = method_summary(table)
    assert summary["method"].tolist() == ["b", "a"]
    assert summary["self_recognized"].tolist() == [8, 10]
    assert summary["knn_recognized"].tolist() == [8, 10]
    assert summary["template_best"].tolist() == [8, 10]
    bright = sigmoid(10 * sigmoid(8 * 1.0 - 4) - 5)
    dark = sigmoid(10 * sigmoid(8 * 0.01 - 4) - 5)
    assert summary["mean_target_output"].tolist() == pytest.approx(
        [(8 * bright + 2 * dark) / 10, bright]
    )


class CountingJudge(KnnJudge):
    """A judge that counts its passes over the training images."""

    passes = 0

    def squared_distances(self, images, chunk=10000):
        self.passes += 1
        return super().squared_distances(images, chunk)


def test_quality_tables_score_each_network_as_alone_in_one_pass_of_the_judge(judge):
    templates = scale_pixels(block_images_u8())
    trained = {"right": templates, "shifted": np.roll(templates, -1, axis=0)}
    control = {"right": np.roll(templates, 3, axis=0), "shifted": templates[::-1]}
    dim = block_network()._replace(W2=2.0 * np.eye(10))
    counting = CountingJudge(judge.images, judge.labels, k=judge.k)
    tables = quality_tables(
        {"trained": (block_network(), trained), "control": (dim, control)}, templates, counting
    )
    assert counting.passes == 1
    assert list(tables) == ["trained", "control"]
    for key, net, images in [("trained", block_network(), trained), ("control", dim, control)]:
        alone = quality_table(net, images, templates, judge)
        assert tables[key].equals(alone), key
    # the two networks' scores differ, so neither table is the other's
    assert not tables["trained"].equals(tables["control"])


def test_correlations_are_pearsons():
    rng = np.random.default_rng(0)
    images, templates = rng.random((3, 784)), rng.random((4, 784))
    expected = np.corrcoef(images, templates)[:3, 3:]
    assert np.allclose(correlations(images, templates), expected)


def test_judge_distances_are_euclidean_on_scaled_pixels():
    rng = np.random.default_rng(1)
    train = rng.integers(0, 256, size=(25, 784), dtype=np.uint8)
    queries = rng.uniform(0.01, 1.0, size=(4, 784))
    judge = KnnJudge(train, np.arange(25) % 10)
    expected = ((queries[:, None, :] - scale_pixels(train)[None]) ** 2).sum(axis=2)
    assert np.allclose(judge.squared_distances(queries, chunk=7), expected)


def test_a_training_image_is_at_distance_zero_from_itself():
    """Rounding can make ||a||^2 - 2 a.b + ||b||^2 slightly negative: clipped to 0, no more."""
    train = np.random.default_rng(2).integers(0, 256, size=(5, 784), dtype=np.uint8)
    judge = KnnJudge(train, np.arange(5))
    distances = judge.squared_distances(scale_pixels(train))
    assert np.all(np.diag(distances) < 1e-9)
    assert np.all(distances[~np.eye(5, dtype=bool)] > 1)


def test_judge_votes_by_majority_then_by_nearness():
    # neighbours by distance: labels 4, 6, 6 -> 6 wins the vote; 4, 6, 8 -> the nearest, 4
    pixel = np.zeros((5, 784), dtype=np.uint8)
    pixel[:, 0] = [0, 10, 20, 30, 200]
    query = scale_pixels(np.zeros((1, 784)))
    assert KnnJudge(pixel, np.array([4, 6, 6, 1, 1])).predict(query).tolist() == [6]
    assert KnnJudge(pixel, np.array([4, 6, 8, 1, 1])).predict(query).tolist() == [4]


def test_judge_breaks_distance_ties_by_training_order():
    # four equidistant neighbours: the first three in the file vote
    train = np.zeros((4, 784), dtype=np.uint8)
    train[np.arange(4), np.arange(4)] = 100
    query = scale_pixels(np.zeros((1, 784)))
    assert KnnJudge(train, np.array([2, 5, 5, 3])).predict(query).tolist() == [5]
    assert KnnJudge(train, np.array([3, 2, 5, 5])).predict(query).tolist() == [3]


@pytest.mark.parametrize("k", [1, 3, 7, 40])
def test_nearest_is_the_head_of_a_stable_sort(k):
    # few distinct values: many ties, at the k-th place too
    rng = np.random.default_rng(k)
    for _ in range(50):
        distances = rng.integers(0, 5, size=30).astype(np.float64)
        expected = np.argsort(distances, kind="stable")[:k]
        assert nearest(distances, k).tolist() == expected.tolist()


def test_dataset_examples_by_hand():
    # six images; the network reads images 0, 1 and 4 as a 0, images 2, 3 and 5 as a 1
    probabilities = np.zeros((6, 10))
    probabilities[:, 0] = [0.9, 0.6, 0.2, 0.1, 0.8, 0.3]
    probabilities[:, 1] = [0.1, 0.4, 0.8, 0.9, 0.2, 0.7]
    labels = np.array([0, 0, 1, 1, 1, 0])
    sure, mistaken = dataset_examples(probabilities, labels, 2)
    assert sure[0].tolist() == [0, 1] and sure[1].tolist() == [3, 2]
    assert sure[2].tolist() == [-1, -1]  # no image labelled 2
    assert mistaken[0].tolist() == [4, -1]  # labelled 1, read as 0
    assert mistaken[1].tolist() == [5, -1]  # labelled 0, read as 1
