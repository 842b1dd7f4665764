"""The claim study: does a clearer backquery mean a better-trained network?

Rashid's blog says "the clearer and more standard the image, the better the
network has learned".  The study tests that across many networks:

- a family of training runs, one per hidden size and initialisation seed
  (:class:`mnistnn.plan.Study`, config ``claim:``), each kept at the initial weights and at
  ``snapshots`` sample counts spaced evenly on a log scale from
  ``first_snapshot`` to the end of training (:func:`snapshot_samples`), so
  that test accuracies run from chance to fully trained;
- every backquery method on every network, each image scored for clarity
  (:func:`clarity_table`): ``knn_share``, the fraction of its 10 nearest
  training images (the k-NN judge of :mod:`mnistnn.quality`) labelled with
  the digit asked for; ``template_corr``, its correlation with that digit's
  mean training image; ``target_output``, the network's own output for it;
- per method and score, the Spearman rank correlation between a network's
  test accuracy and its mean clarity over the ten digits, over all networks
  and over the well-trained ones (test accuracy >= ``high_accuracy``), with a
  seeded percentile-bootstrap 95 % interval over networks
  (:func:`correlation_table`).

Training labels are read here only to score images (the k-NN judge and the
mean images), never by a backquery method.
"""

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from mnistnn.errors import MnistnnError
from mnistnn.network import N_OUTPUTS, Hyperparameters, Network, feedforward
from mnistnn.plan import Study
from mnistnn.quality import KnnJudge, correlations

#: Clarity scores, each per network, method and digit (columns of clarity.csv).
SCORES = ("knn_share", "template_corr", "target_output")
#: Columns of networks.csv, clarity.csv and correlation.csv.
NETWORK_COLUMNS = ("network", "hidden_nodes", "seed", "samples_seen", "test_accuracy")
CLARITY_COLUMNS = ("network", "method", "digit", *SCORES)
CORRELATION_COLUMNS = ("method", "score", "regime", "n", "spearman", "ci_low", "ci_high")
#: Neighbours whose labels make ``knn_share``.
KNN_SHARE_NEIGHBOURS = 10


def run_hyperparameters(study: Study, run: str, n_train: int) -> Hyperparameters:
    """How a run of ``study`` trains: one sample at a time, seeded shuffle, with snapshots."""
    hidden, init_seed = study.runs()[run]
    return Hyperparameters(
        hidden_nodes=hidden,
        learning_rate=study.learning_rate,
        epochs=study.epochs,
        batch_size=1,
        shuffle=True,
        seed=init_seed,
        snapshots=tuple(snapshot_samples(study, n_train)),
    )


def snapshot_samples(study: Study, n_train: int) -> list[int]:
    """The ``study.snapshots`` sample counts, log-spaced from ``first_snapshot`` to the end.

    The end of training, ``epochs * n_train``, is the last.  Raises
    :class:`MnistnnError` naming the config keys when rounding would make two
    counts equal (too many snapshots for too short a training).
    """
    end = study.epochs * n_train
    if study.first_snapshot >= end and study.snapshots > 1:
        raise MnistnnError(
            f"config claim.first_snapshot: {study.first_snapshot} samples is not before the end "
            f"of training ({end} samples)"
        )
    counts = np.rint(np.geomspace(study.first_snapshot, end, study.snapshots)).astype(int)
    if study.snapshots == 1:
        counts = np.array([end])
    if len(np.unique(counts)) != len(counts):
        raise MnistnnError(
            f"config claim.snapshots: {study.snapshots} log-spaced snapshots between "
            f"{study.first_snapshot} and {end} samples would repeat a sample count; "
            "ask for fewer, or a smaller claim.first_snapshot"
        )
    return [int(count) for count in counts]


def run_snapshots(snapshots, points: list[int]) -> list:
    """The initial snapshot and one per sample count of ``points``, in training order."""
    wanted = [0, *points]
    chosen = {}
    for snapshot in snapshots:
        if snapshot.samples_seen in wanted and snapshot.samples_seen not in chosen:
            chosen[snapshot.samples_seen] = snapshot
    missing = [count for count in wanted if count not in chosen]
    if missing:
        raise MnistnnError(f"training kept no snapshot at samples seen {missing}")
    return [chosen[count] for count in wanted]


def clarity_table(
    networks: dict[str, tuple[Network, dict[str, np.ndarray]]],
    mean_images: np.ndarray,
    judge: KnnJudge,
) -> pd.DataFrame:
    """Clarity of every image (:data:`CLARITY_COLUMNS`), one row per network, method and digit.

    ``networks`` maps a network's name to the network and its images by
    method, each ``(10, 784)`` with row ``d`` the image of digit ``d``.  One
    k-NN pass serves all the images.
    """
    names, methods, stacked, outputs = [], [], [], []
    for name, (net, images) in networks.items():
        for method, method_images in images.items():
            method_images = np.asarray(method_images, dtype=np.float64)
            names.append(name)
            methods.append(method)
            stacked.append(method_images)
            outputs.append(feedforward(net, method_images)[1])
    stacked_images = np.concatenate(stacked)
    digits = np.tile(np.arange(N_OUTPUTS), len(stacked))
    rows = np.arange(len(stacked_images))
    neighbours = np.concatenate(
        [
            judge.neighbour_labels(stacked_images[start : start + 100], KNN_SHARE_NEIGHBOURS)
            for start in range(0, len(stacked_images), 100)
        ]
    )
    return pd.DataFrame(
        {
            "network": np.repeat(names, N_OUTPUTS),
            "method": np.repeat(methods, N_OUTPUTS),
            "digit": digits,
            "knn_share": np.mean(neighbours == digits[:, np.newaxis], axis=1),
            "template_corr": correlations(stacked_images, mean_images)[rows, digits],
            "target_output": np.concatenate(outputs)[rows, digits],
        },
        columns=list(CLARITY_COLUMNS),
    )


def network_means(networks: pd.DataFrame, clarity: pd.DataFrame) -> pd.DataFrame:
    """One row per network and method: networks.csv's columns, each score's mean over digits."""
    means = clarity.groupby(["network", "method"], sort=False)[list(SCORES)].mean().reset_index()
    return networks.merge(means, on="network", validate="one_to_many")


def ranks(values: np.ndarray) -> np.ndarray:
    """Ranks along the last axis, ties sharing their average rank (1-based)."""
    return rankdata(values, method="average", axis=-1)


def spearman(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman's rank correlation of ``x`` and ``y`` along the last axis (NaN if one is flat)."""
    rx, ry = ranks(np.asarray(x, dtype=float)), ranks(np.asarray(y, dtype=float))
    rx = rx - rx.mean(axis=-1, keepdims=True)
    ry = ry - ry.mean(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sum(rx * ry, axis=-1) / np.sqrt(np.sum(rx**2, axis=-1) * np.sum(ry**2, axis=-1))


def bootstrap_interval(
    x: np.ndarray, y: np.ndarray, samples: int, rng_seed: int, level: float = 0.95
) -> tuple[float, float]:
    """Percentile bootstrap interval of :func:`spearman`, resampling the pairs with replacement.

    A Generator seeded with ``rng_seed`` draws the ``samples`` resamples;
    resamples whose values are all equal (NaN correlation) are left out.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    picks = np.random.default_rng(rng_seed).integers(0, len(x), size=(samples, len(x)))
    values = spearman(x[picks], y[picks])
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return float("nan"), float("nan")
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def correlation_table(networks: pd.DataFrame, clarity: pd.DataFrame, study: Study) -> pd.DataFrame:
    """Spearman(test accuracy, mean clarity) by method, score, regime (:data:`CORRELATION_COLUMNS`).

    Regime ``all``: every network; ``high``: test accuracy >= ``study.high_accuracy``.
    """
    table = network_means(networks, clarity)
    rows = []
    for method in clarity["method"].unique():
        per_method = table[table["method"] == method]
        for score in SCORES:
            for regime, chosen in (
                ("all", per_method),
                ("high", per_method[per_method["test_accuracy"] >= study.high_accuracy]),
            ):
                accuracy, clearness = chosen["test_accuracy"], chosen[score]
                low, high = (
                    bootstrap_interval(
                        accuracy, clearness, study.bootstrap_samples, study.bootstrap_rng_seed
                    )
                    if len(chosen) >= 2
                    else (float("nan"), float("nan"))
                )
                rho = float(spearman(accuracy, clearness)) if len(chosen) >= 2 else float("nan")
                rows.append((method, score, regime, len(chosen), rho, low, high))
    return pd.DataFrame(rows, columns=list(CORRELATION_COLUMNS))


def turning_points(networks: pd.DataFrame, clarity: pd.DataFrame, score: str) -> pd.DataFrame:
    """Per method, where each training run's ``score`` peaks: median samples and accuracy.

    A run's peak is its snapshot with the highest mean ``score`` (the
    earliest if tied); ``peak_last_share`` is the fraction of runs whose peak
    is their last snapshot, i.e. runs that never turned.
    """
    table = network_means(networks, clarity)
    table = table.assign(run=table["hidden_nodes"].astype(str) + "_" + table["seed"].astype(str))
    rows = []
    for method, per_method in table.groupby("method", sort=False):
        peaks, last = [], []
        for _, run in per_method.groupby("run", sort=False):
            run = run.sort_values("samples_seen")
            peak = run.iloc[int(np.argmax(run[score].to_numpy()))]
            peaks.append((peak["samples_seen"], peak["test_accuracy"]))
            last.append(peak["samples_seen"] == run["samples_seen"].max())
        samples, accuracy = np.array(peaks, dtype=float).T
        rows.append(
            (method, score, float(np.median(samples)), float(np.median(accuracy)), np.mean(last))
        )
    columns = ["method", "score", "peak_samples", "peak_accuracy", "peak_last_share"]
    return pd.DataFrame(rows, columns=columns)
