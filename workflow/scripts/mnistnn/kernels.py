"""Fast SGD computing what :func:`mnistnn.network.sgd_numpy` computes, in float32.

Both trainers here have the signature of ``sgd_numpy`` (:data:`mnistnn.network.SGD`)
and update a float32 network in place; :func:`choose_sgd` picks one for a batch size.

:func:`sgd_fast` takes one sample at a time (``batch_size == 1``) in a loop
compiled by numba.  An input is ``x = b + e``, where ``b = 0.01`` is the input of
a black pixel and the excess ``e`` is zero except at the lit pixels, a fifth of
an MNIST image.  So the update ``W1 -= x.T @ g`` (``g = learning_rate * delta1``)
splits into a part on the lit rows, ``W1[lit] -= e[lit].T @ g``, and a shift
``b * g`` common to every row, which is summed in ``row_shift`` and subtracted
from the whole of ``W1`` only every :data:`FOLD_EVERY` samples: meanwhile the
true weights are ``W1 - row_shift``.  The forward pass reads the lit rows only,
too::

    x @ (W1 - row_shift) = b * column_sums + e[lit] @ W1[lit] - sum(e) * row_shift

where ``column_sums``, the true weights' column sums, follow each update by
``column_sums -= sum(x) * g``.  Every step is exact but for float32 rounding,
and reads and writes a fifth of ``W1`` instead of all of it twice.  Folding
recomputes ``column_sums``, which bounds the rounding's drift.

:func:`sgd_minibatch` takes mini-batches, with float32 BLAS calls that update
the weights in place.

The kernel is compiled for one signature, on the first call of
:func:`compiled_kernel` in a process, and numba caches the machine code on disk
(in ``__pycache__`` beside this file, or under ``NUMBA_CACHE_DIR``), so that
later processes load it instead.  Jobs may compile and load at the same time:
numba writes each cache file under a temporary name and renames it, so a
reader never sees half a file.  Its index of signatures is rewritten without a
lock, so two processes adding *different* signatures at once could pair one's
index entry with the other's code; with one signature (on one machine: the
entry's key names the CPU), every process writes the same entry, and no lock
is needed.
"""

import functools

import numpy as np
from numba import njit, types
from scipy.linalg import blas
from scipy.special import expit as sigmoid

from mnistnn.network import N_OUTPUTS, SGD, Network, scale_pixels, target_vectors

#: ``PIXEL_INPUTS[p]`` is the network's float32 input for the pixel value ``p``
PIXEL_INPUTS = scale_pixels(np.arange(256)).astype(np.float32)
#: ``DIGIT_TARGETS[d]`` is the float32 target vector of the digit ``d``
DIGIT_TARGETS = target_vectors(np.arange(N_OUTPUTS)).astype(np.float32)
#: samples between two folds of the pending row shift into W1; folding also
#: recomputes the column sums, so it bounds how far float32 rounding drifts
FOLD_EVERY = 500

_readonly = functools.partial(types.Array, layout="C", readonly=True)
#: the only signature the kernel is compiled for
KERNEL_SIGNATURE = types.float64(
    types.float32[:, ::1],  # W1
    types.float32[:, ::1],  # W2
    types.float32[::1],  # v1
    types.float32[::1],  # v2
    _readonly(types.uint8, 2),  # images
    _readonly(types.uint8, 1),  # labels
    _readonly(types.int64, 1),  # order
    _readonly(types.float32, 1),  # pixel_inputs
    types.float64,  # learning_rate
    types.boolean,  # train_thresholds
)


@njit
def _sigmoid32(z):
    return np.float32(1.0) / (np.float32(1.0) + np.exp(-z))


@njit
def _lit_pixels(pixels, pixel_inputs, lit, excess):
    """Fill ``lit[:n]`` and ``excess[:n]``; return ``n``, ``sum(x)`` and ``sum(excess)``."""
    black = pixel_inputs[0]
    n_lit = 0
    input_sum = np.float32(0.0)
    excess_sum = np.float32(0.0)
    for i in range(pixels.shape[0]):
        x = pixel_inputs[pixels[i]]
        input_sum += x
        excess_sum += x - black  # exactly 0 for a black pixel
        # no branch, which would be mispredicted: a black pixel's entry is overwritten next
        lit[n_lit] = i
        excess[n_lit] = x - black
        n_lit += pixels[i] != 0
    return n_lit, input_sum, excess_sum


@njit
def _fold_row_shift(W1, row_shift, column_sums):
    """Subtract ``row_shift`` from every row of ``W1``, zero it, recompute ``column_sums``."""
    column_sums[:] = 0
    for i in range(W1.shape[0]):
        for j in range(W1.shape[1]):
            W1[i, j] -= row_shift[j]
            column_sums[j] += W1[i, j]
    row_shift[:] = 0


@njit
def _hidden_layer(W1, v1, lit, excess, hidden_in, hidden):
    """``hidden = sigmoid(hidden_in + excess @ W1[lit] - v1)``: add the lit rows' share."""
    for k in range(lit.shape[0]):
        row = W1[lit[k]]
        for j in range(row.shape[0]):
            hidden_in[j] += excess[k] * row[j]
    for j in range(hidden.shape[0]):
        hidden[j] = _sigmoid32(hidden_in[j] - v1[j])


@njit
def _output_layer(W2, v2, hidden, label, lr, thresholds, step1):
    """Forward, backward and update of the output layer; fill ``step1 = lr * delta1``.

    Return the sample's loss.  Each row of ``W2`` is back-propagated through
    before it is updated.
    """
    n_outputs = v2.shape[0]
    output_in = np.zeros(n_outputs, np.float32)
    for j in range(hidden.shape[0]):
        for m in range(n_outputs):
            output_in[m] += hidden[j] * W2[j, m]
    loss = np.float32(0.0)
    delta2 = np.empty(n_outputs, np.float32)
    for m in range(n_outputs):
        y = _sigmoid32(output_in[m] - v2[m])
        t = np.float32(0.99) if m == label else np.float32(0.01)
        loss += np.float32(0.5) * (t - y) * (t - y)
        delta2[m] = (y - t) * y * (np.float32(1.0) - y)
    for j in range(hidden.shape[0]):
        back = np.float32(0.0)
        for m in range(n_outputs):
            back += W2[j, m] * delta2[m]
            W2[j, m] -= lr * (hidden[j] * delta2[m])
        step1[j] = lr * (back * hidden[j] * (np.float32(1.0) - hidden[j]))
    if thresholds:
        for m in range(n_outputs):
            v2[m] += lr * delta2[m]
    return loss


def _sgd_samples(W1, W2, v1, v2, images, labels, order, pixel_inputs, learning_rate, thresholds):
    """One SGD step per sample of ``images[order]``; return the summed loss (see module doc)."""
    n_inputs, hidden_nodes = W1.shape
    lr = np.float32(learning_rate)
    black = pixel_inputs[0]
    lit = np.empty(n_inputs, np.int64)
    excess = np.empty(n_inputs, np.float32)
    row_shift = np.zeros(hidden_nodes, np.float32)
    column_sums = np.empty(hidden_nodes, np.float32)
    _fold_row_shift(W1, row_shift, column_sums)
    hidden_in = np.empty(hidden_nodes, np.float32)
    hidden = np.empty(hidden_nodes, np.float32)
    step1 = np.empty(hidden_nodes, np.float32)
    total_loss = 0.0
    for n in range(order.shape[0]):
        sample = order[n]
        n_lit, input_sum, excess_sum = _lit_pixels(images[sample], pixel_inputs, lit, excess)
        for j in range(hidden_nodes):
            hidden_in[j] = black * column_sums[j] - excess_sum * row_shift[j]
        _hidden_layer(W1, v1, lit[:n_lit], excess[:n_lit], hidden_in, hidden)
        total_loss += _output_layer(W2, v2, hidden, labels[sample], lr, thresholds, step1)
        # W1 -= x.T @ step1: the lit rows now, the black part through row_shift
        for k in range(n_lit):
            row = W1[lit[k]]
            for j in range(hidden_nodes):
                row[j] -= excess[k] * step1[j]
        for j in range(hidden_nodes):
            row_shift[j] += black * step1[j]
            column_sums[j] -= input_sum * step1[j]
            if thresholds:
                v1[j] += step1[j]
        if (n + 1) % FOLD_EVERY == 0:
            _fold_row_shift(W1, row_shift, column_sums)
    _fold_row_shift(W1, row_shift, column_sums)
    return total_loss


@functools.cache
def compiled_kernel():
    """The per-sample kernel compiled for :data:`KERNEL_SIGNATURE` (or loaded from the cache)."""
    return njit(KERNEL_SIGNATURE, cache=True)(_sgd_samples)


def _check_float32(net: Network) -> None:
    for name, array in zip(Network._fields, net, strict=True):
        if array.dtype != np.float32 or not array.flags.c_contiguous:
            raise ValueError(
                f"{name} must be a C-contiguous float32 array, got {array.dtype} "
                f"(C-contiguous: {array.flags.c_contiguous})"
            )


def _check_indexing(net: Network, images: np.ndarray, labels: np.ndarray, order: np.ndarray):
    """Raise ValueError unless the kernel, which does not check bounds, stays inside the arrays."""
    H = net.W1.shape[1]
    shapes = [array.shape for array in net]
    if shapes != [(images.shape[1], H), (H, N_OUTPUTS), (H,), (N_OUTPUTS,)]:
        raise ValueError(f"network shapes {shapes} do not fit images of shape {images.shape}")
    if labels.shape != images.shape[:1]:
        raise ValueError(f"{labels.shape[0]} labels for {images.shape[0]} images")
    if order.size and not 0 <= order.min() <= order.max() < len(images):
        raise ValueError(f"order indexes outside the {len(images)} images")


def sgd_fast(
    net: Network,
    images: np.ndarray,
    labels: np.ndarray,
    order: np.ndarray,
    learning_rate: float,
    batch_size: int,
    train_thresholds: bool,
) -> float:
    """:func:`~mnistnn.network.sgd_numpy` for ``batch_size == 1`` on a float32 ``net``, compiled."""
    if batch_size != 1:
        raise ValueError(f"sgd_fast trains one sample at a time, got batch_size {batch_size}")
    _check_float32(net)
    images = np.ascontiguousarray(images, dtype=np.uint8)
    labels = np.ascontiguousarray(labels, dtype=np.uint8)
    order = np.ascontiguousarray(order, dtype=np.int64)
    _check_indexing(net, images, labels, order)
    kernel = compiled_kernel()
    return kernel(*net, images, labels, order, PIXEL_INPUTS, learning_rate, train_thresholds)


def _descend(W: np.ndarray, learning_rate: float, a: np.ndarray, b: np.ndarray) -> None:
    """``W -= learning_rate * a.T @ b`` in place, as one BLAS call (``W`` C-contiguous float32)."""
    # W.T is Fortran-ordered, which sgemm can overwrite: W.T += -lr * b.T @ a
    blas.sgemm(-learning_rate, b, a, beta=1.0, c=W.T, trans_a=True, overwrite_c=True)


def sgd_minibatch(
    net: Network,
    images: np.ndarray,
    labels: np.ndarray,
    order: np.ndarray,
    learning_rate: float,
    batch_size: int,
    train_thresholds: bool,
) -> float:
    """:func:`~mnistnn.network.sgd_numpy` on a float32 ``net``, with float32 BLAS calls."""
    _check_float32(net)
    W1, W2, v1, v2 = net
    total_loss = 0.0
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        x = PIXEL_INPUTS[images[batch]]
        hidden = sigmoid(x @ W1 - v1)
        output = sigmoid(hidden @ W2 - v2)
        error = output - DIGIT_TARGETS[labels[batch]]
        total_loss += 0.5 * float(np.sum(error * error))
        delta2 = error * output * (1.0 - output)
        delta1 = (delta2 @ W2.T) * hidden * (1.0 - hidden)
        _descend(W2, learning_rate, hidden, delta2)
        _descend(W1, learning_rate, x, delta1)
        if train_thresholds:
            v2 += learning_rate * delta2.sum(axis=0)
            v1 += learning_rate * delta1.sum(axis=0)
    return total_loss


def choose_sgd(batch_size: int) -> tuple[SGD, type]:
    """The fastest SGD for ``batch_size`` and the dtype its network must have.

    The per-sample kernel is compiled (or loaded from numba's cache) here,
    so that its cost is not counted in the first epoch's time.
    """
    if batch_size == 1:
        compiled_kernel()
        return sgd_fast, np.float32
    return sgd_minibatch, np.float32
