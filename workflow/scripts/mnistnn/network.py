"""The 784-H-10 sigmoid network of Rashid's book, with thresholds.

Conventions (those of the four parameter files):

- an input ``x`` is a row of 784 pixels scaled by :func:`scale_pixels`;
  a batch of inputs is an ``(n, 784)`` array, one image per row
- hidden ``h = sigmoid(x @ W1 - v1)``, output ``y = sigmoid(h @ W2 - v2)``
- ``W1`` is ``(784, H)``, ``W2`` is ``(H, 10)``, ``v1`` is ``(H,)``, ``v2`` is ``(10,)``
  (the files write the thresholds as one row, ``1 x H`` and ``1 x 10``)
- targets are 0.99 for the true digit and 0.01 elsewhere
- the loss of one sample is ``0.5 * sum((t - y) ** 2)``

Training is stochastic gradient descent on that loss.  With ``batch_size=1``
it takes one sample at a time, as the book does; with ``batch_size > 1`` the
gradient is summed over each mini-batch.  Thresholds enter with a minus sign,
so their gradient is minus the usual bias gradient.

Two update rules (:data:`UPDATE_RULES`) differ only in what the output layer
sends back to the hidden layer.  ``exact`` sends ``delta2 = (y - t) * y * (1 - y)``,
the loss's derivative with respect to the output layer's net input, so every
step follows the true gradient.  ``book`` sends the output error ``y - t``
itself, without the output sigmoid's slope, as the book's code does
(``hidden_errors = numpy.dot(self.who.T, output_errors)``); its output layer's
update is the exact one.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from mnistnn.defaults import ModelDefaults
from mnistnn.errors import BackqueryError, TrainingError

N_INPUTS = 784
N_OUTPUTS = 10
#: The book's low and high values: its targets, and the range a backqueried image is rescaled into.
LOW, HIGH = 0.01, 0.99
#: what the output layer back-propagates: ``exact`` its delta, ``book`` its error (see above)
UPDATE_RULES = ("exact", "book")


class Network(NamedTuple):
    """The four parameter arrays (float64 when exported, float32 while training fast)."""

    W1: np.ndarray
    W2: np.ndarray
    v1: np.ndarray
    v2: np.ndarray

    @property
    def hidden_nodes(self) -> int:
        return self.W1.shape[1]

    def astype(self, dtype) -> "Network":
        """A copy of the network with every array converted to ``dtype``."""
        return Network(*(np.array(array, dtype=dtype) for array in self))


def scale_pixels(images: np.ndarray) -> np.ndarray:
    """Map uint8 pixels 0..255 to inputs in [0.01, 1.0]: ``pixel / 255 * 0.99 + 0.01``."""
    return np.asarray(images, dtype=np.float64) / 255.0 * 0.99 + 0.01


#: ``PIXEL_INPUTS32[p]``: the float32 input of the pixel value ``p`` (a look-up is faster
#: than the arithmetic)
PIXEL_INPUTS32 = scale_pixels(np.arange(256)).astype(np.float32)


def network_inputs(images_u8: np.ndarray) -> np.ndarray:
    """uint8 images ``(n, 784)`` as float32 network inputs, :func:`scale_pixels` by look-up.

    A job that runs many networks on the same images converts them once.
    """
    return PIXEL_INPUTS32[images_u8]


def float32_input_chunks(images: np.ndarray, chunk: int = 10000):
    """``(start, float32 inputs)`` for consecutive chunks of uint8 images or of float32 inputs."""
    for start in range(0, len(images), chunk):
        block = images[start : start + chunk]
        yield start, block if block.dtype == np.float32 else network_inputs(block)


def normalised_outputs(net: Network, train_images: np.ndarray) -> np.ndarray:
    """The network's outputs ``(n, 10)`` for the training images, each row summing to 1.

    ``p(d | x)`` of the ``posterior`` backquery: one float32 forward pass,
    a chunk of images at a time, returned as float64.  ``train_images`` are
    uint8 ``(n, 784)``, or the float32 inputs :func:`network_inputs` makes of them.
    Raises :class:`BackqueryError` when every output of an image is 0 (0 / 0 is no probability).
    """
    net32 = net.astype(np.float32)
    sums = np.empty((len(train_images), 1))
    result = np.empty((len(train_images), N_OUTPUTS))
    for start, inputs in float32_input_chunks(train_images):
        output = feedforward(net32, inputs)[1].astype(np.float64)
        sums[start : start + len(inputs)] = output.sum(axis=1, keepdims=True)
        result[start : start + len(inputs)] = output
    silent = np.count_nonzero(sums == 0)
    if silent:
        raise BackqueryError(
            f"posterior: every output of the network is 0 on {silent} of {len(sums)} training "
            "images, so they have no label probabilities; the sigmoids saturate (likely cause: "
            "a learning_rate too large for the model)"
        )
    return result / sums


def target_vectors(labels: np.ndarray) -> np.ndarray:
    """One ``(n, 10)`` row per label: 0.99 for the labelled digit, 0.01 elsewhere."""
    labels = np.asarray(labels, dtype=np.intp)
    targets = np.full((labels.size, N_OUTPUTS), LOW)
    targets[np.arange(labels.size), labels] = HIGH
    return targets


def initial_network(hidden_nodes: int, init_seed: int) -> Network:
    """Weights drawn from N(0, n_in ** -0.5) by a Generator seeded with ``init_seed`` (W1 first).

    The thresholds start at 0.
    """
    rng = np.random.default_rng(init_seed)
    W1 = rng.normal(0.0, N_INPUTS**-0.5, size=(N_INPUTS, hidden_nodes))
    W2 = rng.normal(0.0, hidden_nodes**-0.5, size=(hidden_nodes, N_OUTPUTS))
    return Network(W1, W2, np.zeros(hidden_nodes), np.zeros(N_OUTPUTS))


def sigmoid(z: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-z))`` elementwise: SciPy's ``expit`` but for the last bit or two.

    NumPy's ``exp`` takes its own code path on CPUs with AVX-512, which rounds
    the last bit differently from other CPUs' for a few values in a hundred.

    Below about -709, ``exp(-z)`` overflows to inf and the result is 0, as it should be.
    """
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def feedforward(net: Network, inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(hidden, output)`` activations for inputs of shape ``(784,)`` or ``(n, 784)``."""
    hidden = sigmoid(inputs @ net.W1 - net.v1)
    output = sigmoid(hidden @ net.W2 - net.v2)
    return hidden, output


def predict(net: Network, inputs: np.ndarray) -> np.ndarray:
    """The digit with the highest output, for each row of ``inputs``."""
    return np.argmax(feedforward(net, inputs)[1], axis=-1)


def accuracy(net: Network, images: np.ndarray, labels: np.ndarray, chunk: int = 1000) -> float:
    """Fraction of ``images`` ``(n, 784)`` whose prediction equals ``labels``.

    ``images`` are uint8, or already :func:`scale_pixels` in the network's
    dtype (a job that measures many networks converts them once).  Computed
    in the network's precision, ``chunk`` images at a time, so that uint8
    images are never converted all at once.
    """
    correct = 0
    for start in range(0, len(images), chunk):
        inputs = images[start : start + chunk]
        if inputs.dtype != net.W1.dtype:
            inputs = scale_pixels(inputs).astype(net.W1.dtype, copy=False)
        correct += int(np.count_nonzero(predict(net, inputs) == labels[start : start + chunk]))
    return correct / len(images)


def confusion_matrix(net: Network, images: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Counts ``(10, 10)``: row = true digit, column = predicted digit, for uint8 ``images``."""
    counts = np.zeros((N_OUTPUTS, N_OUTPUTS), dtype=np.int64)
    np.add.at(counts, (labels, predict(net, scale_pixels(images))), 1)
    return counts


def loss(net: Network, inputs: np.ndarray, targets: np.ndarray) -> float:
    """Squared-error loss ``0.5 * sum((t - y) ** 2)``, summed over the rows of a batch."""
    output = feedforward(net, inputs)[1]
    return float(0.5 * np.sum((targets - output) ** 2))


def gradient(net: Network, inputs: np.ndarray, targets: np.ndarray) -> Network:
    """Gradient of :func:`loss` with respect to ``(W1, W2, v1, v2)``, summed over the batch.

    ``inputs`` is ``(n, 784)`` and ``targets`` ``(n, 10)``.  Backpropagation:
    ``delta2 = (y - t) * y * (1 - y)`` and ``delta1 = (delta2 @ W2.T) * h * (1 - h)``
    are the loss's derivatives with respect to the layers' net inputs, so
    ``dW = activations.T @ delta`` and, since thresholds are subtracted, ``dv = -sum(delta)``.
    """
    hidden, output = feedforward(net, inputs)
    delta2 = (output - targets) * output * (1.0 - output)
    delta1 = (delta2 @ net.W2.T) * hidden * (1.0 - hidden)
    return Network(inputs.T @ delta1, hidden.T @ delta2, -delta1.sum(axis=0), -delta2.sum(axis=0))


def backpropagates_error(update_rule: str) -> bool:
    """True for the book's rule, which back-propagates the output error; ValueError if unknown."""
    if update_rule not in UPDATE_RULES:
        rules = ", ".join(UPDATE_RULES)
        raise ValueError(f"update_rule must be one of {rules}, got {update_rule!r}")
    return update_rule == "book"


def sgd_numpy(
    net: Network,
    images: np.ndarray,
    labels: np.ndarray,
    order: np.ndarray,
    learning_rate: float,
    batch_size: int,
    train_thresholds: bool,
    update_rule: str = "exact",
) -> float:
    """Run SGD over ``images[order]``, updating ``net`` in place; return the summed loss.

    ``images`` are uint8 ``(n, 784)``, scaled batch by batch so that a float
    copy of the whole training set never has to exist.  The loss of each batch
    is measured on the forward pass that computes its gradient, i.e. before
    its update.  This is the plain, readable reference implementation;
    :mod:`mnistnn.kernels` computes the same, faster.
    """
    W1, W2, v1, v2 = net
    book_rule = backpropagates_error(update_rule)
    total_loss = 0.0
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        x = scale_pixels(images[batch]).astype(W1.dtype)
        t = target_vectors(labels[batch]).astype(W1.dtype)
        hidden, output = feedforward(net, x)
        total_loss += 0.5 * float(np.sum((t - output) ** 2))
        delta2 = (output - t) * output * (1.0 - output)
        sent_back = (output - t) if book_rule else delta2
        delta1 = (sent_back @ W2.T) * hidden * (1.0 - hidden)
        W2 -= learning_rate * (hidden.T @ delta2)
        W1 -= learning_rate * (x.T @ delta1)
        if train_thresholds:
            v2 += learning_rate * delta2.sum(axis=0)
            v1 += learning_rate * delta1.sum(axis=0)
    return total_loss


#: The signature every SGD implementation shares (see :func:`sgd_numpy`).
SGD = Callable[[Network, np.ndarray, np.ndarray, np.ndarray, float, int, bool, str], float]


@dataclass(frozen=True)
class Hyperparameters(ModelDefaults):
    """How one model is trained: the fields and defaults of :class:`ModelDefaults`."""


class Snapshot(NamedTuple):
    """The network as it was after ``samples_seen`` training samples."""

    label: str
    samples_seen: int
    net: Network


@dataclass
class TrainingResult:
    """A trained network (float64), one history row per epoch, and snapshots in order."""

    net: Network
    history: list[dict] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)


def epoch_order(n_samples: int, epoch: int, hyper: Hyperparameters) -> np.ndarray:
    """Sample indices for ``epoch`` (1-based): the file's order, or a seeded shuffle."""
    if not hyper.shuffle:
        return np.arange(n_samples)
    return np.random.default_rng([hyper.seed, epoch]).permutation(n_samples)


def snapshot_points(n_samples: int, epoch: int, hyper: Hyperparameters) -> list[int]:
    """Sorted positions inside ``epoch`` (1-based) at which to take a snapshot.

    ``hyper.snapshots`` counts samples seen since the start of training, across
    epochs; the end of an epoch is not among them (its snapshot is always taken).
    """
    before = (epoch - 1) * n_samples
    return sorted(p - before for p in set(hyper.snapshots) if 0 < p - before < n_samples)


def check_snapshots(n_samples: int, hyper: Hyperparameters) -> None:
    """Raise :class:`TrainingError` for a snapshot beyond the end of training (it would be lost)."""
    end = hyper.epochs * n_samples
    beyond = sorted(count for count in hyper.snapshots if count > end)
    if beyond:
        raise TrainingError(
            f"snapshots: {beyond} lie beyond the end of training "
            f"({hyper.epochs} epochs x {n_samples} training images = {end} samples)"
        )


def check_finite(net: Network, epoch: int, hyper: Hyperparameters) -> None:
    """Raise :class:`TrainingError` once a weight is no longer finite: training diverged."""
    if not all(np.all(np.isfinite(array)) for array in net):
        raise TrainingError(
            f"epoch {epoch}: the weights are no longer finite, training diverged; likely "
            f"cause: learning_rate {hyper.learning_rate} is too large for batch_size "
            f"{hyper.batch_size} (the gradient is summed over a batch)"
        )


def train(
    images: np.ndarray,
    labels: np.ndarray,
    test_images: np.ndarray,
    test_labels: np.ndarray,
    hyper: Hyperparameters,
    sgd: SGD = sgd_numpy,
    dtype: type = np.float64,
    progress: Callable[[str], None] = print,
) -> TrainingResult:
    """Train a fresh network on uint8 ``images`` ``(n, 784)`` and ``labels`` ``(n,)``.

    ``sgd`` does the work (``dtype`` is the precision it works in); the
    result is float64 whatever it is.  After each epoch the test accuracy
    is measured, in ``dtype``, and a line is sent to ``progress``.  Raises
    :class:`TrainingError` before training for a snapshot beyond its end, and
    after an epoch whose weights are no longer finite.
    """
    check_snapshots(len(images), hyper)
    net = initial_network(hyper.hidden_nodes, hyper.seed).astype(dtype)
    result = TrainingResult(net=net)
    result.snapshots.append(Snapshot("initial", 0, net.astype(np.float64)))
    n_samples = len(images)
    for epoch in range(1, hyper.epochs + 1):
        order = epoch_order(n_samples, epoch, hyper)
        cuts = snapshot_points(n_samples, epoch, hyper)
        before = (epoch - 1) * n_samples
        started = time.perf_counter()
        total_loss = 0.0
        for start, stop in zip([0, *cuts], [*cuts, n_samples], strict=True):
            total_loss += sgd(
                net,
                images,
                labels,
                order[start:stop],
                hyper.learning_rate,
                hyper.batch_size,
                hyper.train_thresholds,
                hyper.update_rule,
            )
            if stop < n_samples:
                seen = before + stop
                result.snapshots.append(Snapshot(f"sample{seen}", seen, net.astype(np.float64)))
        seconds = time.perf_counter() - started
        check_finite(net, epoch, hyper)
        exported = net.astype(np.float64)
        result.snapshots.append(Snapshot(f"epoch{epoch}", epoch * n_samples, exported))
        row = {
            "epoch": epoch,
            "mean_loss": total_loss / n_samples,
            "test_accuracy": accuracy(net, test_images, test_labels),
            "seconds": seconds,
            "samples_per_second": n_samples / seconds if seconds > 0 else float("inf"),
        }
        result.history.append(row)
        progress(
            f"epoch {epoch}/{hyper.epochs}: mean loss {row['mean_loss']:.5f}, "
            f"test accuracy {row['test_accuracy']:.4f}, {seconds:.1f} s, "
            f"{row['samples_per_second']:,.0f} samples/s"
        )
    result.net = net.astype(np.float64)
    return result
