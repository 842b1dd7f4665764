"""Scores of backqueried images: does the network, a template, a nearest-neighbour judge read them?

For each method and digit, :func:`quality_table` measures

- ``target_output``: the network's output for the intended digit when the image is fed forward
- ``self_recognized``: 1 when the network's highest output is the intended digit
- ``template_corr``: Pearson correlation of the image with that digit's mean training image
- ``template_best``: 1 when that correlation is the highest of the ten
- ``knn_recognized``: 1 when a 3-nearest-neighbour classifier over the training
  images (:class:`KnnJudge`) reads the image as the intended digit: an
  independent judge of whether a person would read it so

The templates are :func:`mean_images`, the labelled reference: each digit's
average training image.
"""

from collections.abc import Mapping

import numpy as np
import pandas as pd

from mnistnn.errors import BackqueryError
from mnistnn.network import N_INPUTS, N_OUTPUTS, Network, feedforward, scale_pixels


def mean_images(images_u8: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The mean image of each digit ``(10, 784)``, scaled like inputs: the labelled reference."""
    means = np.empty((N_OUTPUTS, N_INPUTS))
    for digit in range(N_OUTPUTS):
        members = images_u8[labels == digit]
        if len(members) == 0:
            raise BackqueryError(f"no training image of digit {digit}: cannot average it")
        means[digit] = scale_pixels(members.mean(axis=0))
    return means


QUALITY_COLUMNS = (
    "method",
    "digit",
    "target_output",
    "self_recognized",
    "template_corr",
    "template_best",
    "knn_recognized",
)


class KnnJudge:
    """A k-nearest-neighbour classifier over uint8 training images ``(n, 784)``.

    Distances are Euclidean on scaled pixels (``pixel / 255 * 0.99 + 0.01``).
    Neighbours are ordered by distance, equal distances by training index;
    the label with most votes wins, a tie going to the label whose first
    neighbour is nearest.
    """

    def __init__(self, train_images_u8: np.ndarray, train_labels: np.ndarray, k: int = 3):
        self.images = train_images_u8
        self.labels = np.asarray(train_labels, dtype=np.intp)
        self.k = k
        # integers below 2 ** 53: exact in float64
        self.squared_norms = np.einsum(
            "ij,ij->i", train_images_u8, train_images_u8, dtype=np.float64
        )

    def squared_distances(self, images: np.ndarray, chunk: int = 10000) -> np.ndarray:
        """Squared distances ``(m, n)`` from scaled images ``(m, 784)`` to every training image.

        Computed on the raw pixel scale as ``||a||^2 - 2 a.b + ||b||^2`` with
        the training images converted to float64 a chunk at a time, then
        scaled back.
        """
        scale = 0.99 / 255.0
        raw = (np.atleast_2d(images) - 0.01) / scale
        cross = np.hstack(
            [
                raw @ self.images[start : start + chunk].T.astype(np.float64)
                for start in range(0, len(self.images), chunk)
            ]
        )
        query_norms = np.sum(raw**2, axis=1)[:, np.newaxis]
        return scale**2 * np.maximum(query_norms - 2.0 * cross + self.squared_norms, 0.0)

    def neighbour_labels(self, images: np.ndarray, k: int | None = None) -> np.ndarray:
        """Labels ``(m, k)`` of the ``k`` (default: the judge's) nearest training images."""
        k = self.k if k is None else k
        distances = self.squared_distances(images)
        return np.array([self.labels[nearest(row, k)] for row in distances])

    def predict(self, images: np.ndarray) -> np.ndarray:
        """The judged digit ``(m,)`` of each scaled image ``(m, 784)``."""
        return np.array([self.vote(labels) for labels in self.neighbour_labels(images)])

    @staticmethod
    def vote(labels: np.ndarray) -> int:
        """Majority label of neighbours listed nearest first; a tie goes to the nearest."""
        counts = np.bincount(labels, minlength=N_OUTPUTS)
        tied = np.flatnonzero(counts == counts.max())
        return int(next(label for label in labels if label in tied))


def nearest(distances: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` smallest of ``distances`` ``(n,)``, ordered by distance, then index.

    The same as the first ``k`` of a stable argsort, without sorting all ``n``:
    only the entries no farther than the ``k``-th smallest (ties included) are sorted.
    """
    k = min(k, len(distances))
    kth = np.partition(distances, k - 1)[k - 1]
    candidates = np.flatnonzero(distances <= kth)
    return candidates[np.argsort(distances[candidates], kind="stable")][:k]


def correlations(images: np.ndarray, templates: np.ndarray) -> np.ndarray:
    """Pearson correlation ``(m, t)`` of each image ``(m, 784)`` with each template ``(t, 784)``."""
    centred = images - images.mean(axis=1, keepdims=True)
    centred_templates = templates - templates.mean(axis=1, keepdims=True)
    norms = np.outer(np.linalg.norm(centred, axis=1), np.linalg.norm(centred_templates, axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return (centred @ centred_templates.T) / norms


def quality_table(
    net: Network, images: Mapping[str, np.ndarray], mean_images: np.ndarray, judge: KnnJudge
) -> pd.DataFrame:
    """Score every method's ten images; one row per method and digit (:data:`QUALITY_COLUMNS`).

    ``images`` maps a method name to its ``(10, 784)`` images, row ``d`` the
    backquery of digit ``d``; ``mean_images`` ``(10, 784)`` are the templates.
    Methods keep the dictionary's order.
    """
    return quality_tables({"scored": (net, images)}, mean_images, judge)["scored"]


def quality_tables(
    scored: Mapping[str, tuple[Network, Mapping[str, np.ndarray]]],
    mean_images: np.ndarray,
    judge: KnnJudge,
) -> dict[str, pd.DataFrame]:
    """:func:`quality_table` of each ``(network, images)`` of ``scored``, under the same keys.

    The judge reads the images of every network in one pass over the training
    images, which is most of its cost.
    """
    stacked = {key: stack_methods(images) for key, (_, images) in scored.items()}
    ends = np.cumsum([len(images) for images in stacked.values()])
    judged = np.split(judge.predict(np.concatenate(list(stacked.values()))), ends[:-1])
    return {
        key: score_images(net, list(images), stacked[key], mean_images, judged_digits)
        for (key, (net, images)), judged_digits in zip(scored.items(), judged, strict=True)
    }


def stack_methods(images: Mapping[str, np.ndarray]) -> np.ndarray:
    """The ten images of each method, in the dictionary's order: ``(10 * methods, 784)``."""
    return np.concatenate([np.asarray(digits, dtype=np.float64) for digits in images.values()])


def score_images(
    net: Network,
    methods: list[str],
    stacked: np.ndarray,
    mean_images: np.ndarray,
    judged: np.ndarray,
) -> pd.DataFrame:
    """The rows of :func:`quality_table` for the :func:`stack_methods` images of ``methods``,
    given the digit the judge read in each (``judged``)."""
    digits = np.tile(np.arange(N_OUTPUTS), len(methods))
    rows = np.arange(len(stacked))
    output = feedforward(net, stacked)[1]
    corr = correlations(stacked, mean_images)
    own_corr = corr[rows, digits]
    return pd.DataFrame(
        {
            "method": np.repeat(methods, N_OUTPUTS),
            "digit": digits,
            "target_output": output[rows, digits],
            "self_recognized": (np.argmax(output, axis=1) == digits).astype(int),
            "template_corr": own_corr,
            # a NaN correlation (a constant image) is never the best
            "template_best": (own_corr >= np.max(corr, axis=1)).astype(int),
            "knn_recognized": (judged == digits).astype(int),
        },
        columns=list(QUALITY_COLUMNS),
    )


def method_summary(quality: pd.DataFrame) -> pd.DataFrame:
    """Per method (in the table's order): counts of recognised images and the mean target output."""
    grouped = quality.groupby("method", sort=False)
    return pd.DataFrame(
        {
            "self_recognized": grouped["self_recognized"].sum(),
            "knn_recognized": grouped["knn_recognized"].sum(),
            "template_best": grouped["template_best"].sum(),
            "mean_target_output": grouped["target_output"].mean(),
        }
    ).reset_index()


def dataset_examples(
    probabilities: np.ndarray, labels: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """For each digit, the training images the network is surest of, and those it mistakes for it.

    ``probabilities`` ``(n, 10)`` are the network's normalised outputs for
    the training images, ``labels`` ``(n,)`` their labels.  Returns two
    ``(10, count)`` index arrays: ``sure[d]``, the images labelled ``d`` with
    the highest ``p(d | x)``; ``mistaken[d]``, the images the network reads as
    ``d`` (their highest output) although labelled otherwise, the surest
    first, ``-1`` where there are fewer than ``count``.  Ties go to the
    earlier image.
    """
    labels = np.asarray(labels)
    predicted = np.argmax(probabilities, axis=1)
    sure = np.full((N_OUTPUTS, count), -1)
    mistaken = np.full((N_OUTPUTS, count), -1)
    for digit in range(N_OUTPUTS):
        for table, chosen in (
            (sure, labels == digit),
            (mistaken, (predicted == digit) & (labels != digit)),
        ):
            candidates = np.flatnonzero(chosen)
            order = np.argsort(-probabilities[candidates, digit], kind="stable")[:count]
            table[digit, : len(order)] = candidates[order]
    return sure, mistaken
