"""Fast SGD computing what :func:`mnistnn.network.sgd_numpy` computes, in float32.

:func:`sgd_fast` has the signature of ``sgd_numpy`` (:data:`mnistnn.network.SGD`),
takes any batch size, and updates a float32 network in place in a loop
compiled by numba.  An input is ``x = b + e``, where ``b = 0.01`` is the input
of a black pixel and the excess ``e`` is zero except at the lit pixels, a fifth
of an MNIST image.  So the update ``W1 -= x.T @ g`` (``g = learning_rate *
delta1``) splits into a part on the lit rows, ``W1[lit] -= e[lit].T @ g``, and
a shift ``b * g`` common to every row, which is summed in ``row_shift`` and
subtracted from the whole of ``W1`` only every :data:`FOLD_EVERY` samples:
meanwhile the true weights are ``W1 - row_shift``.  The forward pass reads the
lit rows only, too::

    x @ (W1 - row_shift) = b * column_sums + e[lit] @ W1[lit] - sum(e) * row_shift

where ``column_sums``, the true weights' column sums, follow each update by
``column_sums -= sum(x) * g``.  Every step is exact but for float32 rounding,
and reads and writes a fifth of ``W1`` instead of all of it twice.  Folding
recomputes ``column_sums``, which bounds the rounding's drift.

A mini-batch runs every sample's forward pass with the weights at its start,
then applies the summed update: the lit rows of each sample, and one shift.
The work per sample is that of batch size 1, so a mini-batch costs its samples'
time whatever its size.  (Dense float32 BLAS calls, which work on all 784
rows, were measured 1.7 to 4 times slower, for batches of 1,000 down to 10.)

The arithmetic is IEEE float32 in an order that the source fixes: there is
no ``fastmath``, so the compiler may neither fuse a multiply and an add into
one rounding nor reorder a sum.  The loops it vectorises are those whose lanes
are independent (an update of many weights, a sum accumulated for many units
at once).  The dot products of the output layer, which :func:`_dot` writes as
eight partial sums in a fixed order, compile to eight independent scalar
chains, not to vector code (seen in the assembly on AVX-512).  So the machine
code may differ from CPU to CPU (vector width, FMA or not), but its results
do not: the same inputs give the same bits on every x86-64 CPU.  (Letting the
compiler fuse and reorder was 10-30% faster, and gave other bits on every kind
of CPU.)  The loop keeps ``W2`` transposed, so that the output layer's other
loops (the error sent back, the update of ``W2``) run over the hidden units,
and computes the sigmoid with its own ``exp`` (see :func:`_sigmoid`), so that
the compiler vectorises both.  It runs on one thread: two threads splitting
the hidden units would meet twice per sample, and entering a numba parallel
region was measured at ~100 us here, where a whole sample of ``book`` (H = 200)
takes about 12 us (3.75 s for its 300,000, README "Speed").

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

from mnistnn.network import N_OUTPUTS, PIXEL_INPUTS32, SGD, Network, backpropagates_error

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
    types.int64,  # batch_size
    types.boolean,  # train_thresholds
    types.boolean,  # book_rule: back-propagate the output error (update_rule book)
)

# Cephes' expf: exp(x) = 2**k * exp(r), r = x - k * ln 2 with ln 2 in two parts
# (the first exact in few bits), exp(r) by a polynomial; relative error < 2e-7
_LOG2E = np.float32(1.4426950408889634)
_LN2_HIGH = np.float32(0.693359375)
_LN2_LOW = np.float32(-2.12194440e-4)
_C5, _C4, _C3, _C2, _C1, _C0 = (
    np.float32(c)
    for c in (
        1.9875691500e-4,
        1.3981999507e-3,
        8.3334519073e-3,
        4.1665795894e-2,
        1.6666665459e-1,
        5.0000001201e-1,
    )
)
# 2**k for every k of a normal float32, looked up: building the float from its
# bits (a view of int32 as float32) would be as fast, but slower to compile
_LOWEST_EXPONENT = np.int32(-126)
_POWERS_OF_TWO = np.ldexp(np.float32(1.0), np.arange(-126, 128)).astype(np.float32)


@njit
def _sigmoid(z, out, exponents):
    """``out = 1 / (1 + exp(-z))`` for float32 vectors, in loops that the compiler vectorises.

    libm's ``exp`` would be one call per unit.  ``exponents`` is int32
    scratch at least as long as ``z``, for the ``k`` of the factors ``2**k``.
    ``-z`` is clipped to [-87, 88], where ``exp`` is a normal float32: there
    the sigmoid is 1 or below 1e-38 anyway.
    """
    n = z.shape[0]
    for j in range(n):
        x = min(max(-z[j], np.float32(-87.0)), np.float32(88.0))
        k = np.floor(x * _LOG2E + np.float32(0.5))
        r = x - k * _LN2_HIGH - k * _LN2_LOW
        polynomial = ((((_C5 * r + _C4) * r + _C3) * r + _C2) * r + _C1) * r + _C0
        out[j] = polynomial * r * r + r + np.float32(1.0)
        exponents[j] = np.int32(k) - _LOWEST_EXPONENT
    for j in range(n):
        out[j] = np.float32(1.0) / (np.float32(1.0) + out[j] * _POWERS_OF_TWO[exponents[j]])


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
def _add_lit_rows(W1, lit, excess, total):
    """``total += excess @ W1[lit]``, four rows at a time, so that ``total`` is stored less."""
    fours = lit.shape[0] - lit.shape[0] % 4
    for k in range(0, fours, 4):
        r0, r1, r2, r3 = W1[lit[k]], W1[lit[k + 1]], W1[lit[k + 2]], W1[lit[k + 3]]
        e0, e1, e2, e3 = excess[k], excess[k + 1], excess[k + 2], excess[k + 3]
        for j in range(total.shape[0]):
            total[j] += (e0 * r0[j] + e1 * r1[j]) + (e2 * r2[j] + e3 * r3[j])
    for k in range(fours, lit.shape[0]):
        row, e = W1[lit[k]], excess[k]
        for j in range(total.shape[0]):
            total[j] += e * row[j]


@njit
def _subtract_lit_rows(W1, lit, excess, step):
    """``W1[lit] -= outer(excess, step)``."""
    for k in range(lit.shape[0]):
        row, e = W1[lit[k]], excess[k]
        for j in range(step.shape[0]):
            row[j] -= e * step[j]


@njit
def _dot(a, b):
    """``a @ b`` for float32 vectors, in an order that does not depend on the CPU.

    Eight partial sums, one per index modulo 8, added pairwise, then the tail in order:
    eight independent chains of scalar operations, not one of 784 (or H) in a row.
    """
    eights = a.shape[0] - a.shape[0] % 8
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = np.float32(0.0)
    for i in range(0, eights, 8):
        s0 += a[i] * b[i]
        s1 += a[i + 1] * b[i + 1]
        s2 += a[i + 2] * b[i + 2]
        s3 += a[i + 3] * b[i + 3]
        s4 += a[i + 4] * b[i + 4]
        s5 += a[i + 5] * b[i + 5]
        s6 += a[i + 6] * b[i + 6]
        s7 += a[i + 7] * b[i + 7]
    total = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
    for i in range(eights, a.shape[0]):
        total += a[i] * b[i]
    return total


@njit
def _output_layer(W2T, v2, hidden, label, output, delta2, back, exponents, book_rule):
    """Forward and back through the output layer (``W2T = W2.T``); return the sample's loss.

    Fill ``output``, ``delta2 = (y - t) * y * (1 - y)`` and ``back = W2 @ delta2``, or
    with ``book_rule`` the book's ``back = W2 @ (y - t)`` (``output`` then holds ``y - t``).
    """
    for m in range(v2.shape[0]):
        output[m] = _dot(W2T[m], hidden) - v2[m]
    _sigmoid(output, output, exponents)
    loss = np.float32(0.0)
    for m in range(v2.shape[0]):
        y = output[m]
        t = np.float32(0.99) if m == label else np.float32(0.01)
        loss += np.float32(0.5) * (t - y) * (t - y)
        delta2[m] = (y - t) * y * (np.float32(1.0) - y)
        if book_rule:
            output[m] = y - t
    sent_back = output if book_rule else delta2
    back[:] = 0
    for m in range(v2.shape[0]):
        weights, d = W2T[m], sent_back[m]
        for j in range(back.shape[0]):
            back[j] += weights[j] * d
    return loss


@njit
def _descend_output_layer(W2T, v2, hidden, delta2, lr, thresholds):
    """``W2 -= lr * hidden.T @ delta2`` (as ``W2T``), and ``v2 += lr * sum(delta2)``."""
    for s in range(hidden.shape[0]):
        for m in range(v2.shape[0]):
            weights, step = W2T[m], lr * delta2[s, m]
            for j in range(weights.shape[0]):
                weights[j] -= step * hidden[s, j]
            if thresholds:
                v2[m] += step


@njit
def _transpose(A, out):
    """``out[:] = A.T``, in loops: numba's own broadcasting doubles the compile time."""
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            out[j, i] = A[i, j]


def _sgd_batches(
    W1,
    W2,
    v1,
    v2,
    images,
    labels,
    order,
    pixel_inputs,
    learning_rate,
    batch_size,
    thresholds,
    book_rule,
):
    """SGD over the mini-batches of ``images[order]``; return the summed loss (see module doc)."""
    n_inputs, hidden_nodes = W1.shape
    lr = np.float32(learning_rate)
    black = pixel_inputs[0]
    W2T = np.empty((N_OUTPUTS, hidden_nodes), np.float32)
    _transpose(W2, W2T)
    # each sample of a batch: its lit pixels, hidden layer, and step1 = lr * delta1
    lit = np.empty((batch_size, n_inputs), np.int32)
    excess = np.empty((batch_size, n_inputs), np.float32)
    n_lit = np.empty(batch_size, np.int64)
    hidden = np.empty((batch_size, hidden_nodes), np.float32)
    step1 = np.empty((batch_size, hidden_nodes), np.float32)
    delta2 = np.empty((batch_size, N_OUTPUTS), np.float32)
    net_input = np.empty(hidden_nodes, np.float32)
    output = np.empty(N_OUTPUTS, np.float32)
    exponents = np.empty(max(hidden_nodes, N_OUTPUTS), np.int32)
    # the batch's sums of step1 and of sum(x) * step1: its black part
    step_sum = np.empty(hidden_nodes, np.float32)
    input_step_sum = np.empty(hidden_nodes, np.float32)
    row_shift = np.zeros(hidden_nodes, np.float32)
    column_sums = np.empty(hidden_nodes, np.float32)
    _fold_row_shift(W1, row_shift, column_sums)
    total_loss = 0.0
    unfolded = 0
    for start in range(0, order.shape[0], batch_size):
        batch = order[start : start + batch_size]
        step_sum[:] = 0
        input_step_sum[:] = 0
        for s in range(batch.shape[0]):
            n, input_sum, excess_sum = _lit_pixels(
                images[batch[s]], pixel_inputs, lit[s], excess[s]
            )
            n_lit[s] = n
            for j in range(hidden_nodes):
                net_input[j] = black * column_sums[j] - excess_sum * row_shift[j] - v1[j]
            _add_lit_rows(W1, lit[s, :n], excess[s, :n], net_input)
            h, step = hidden[s], step1[s]
            _sigmoid(net_input, h, exponents)
            label = labels[batch[s]]
            total_loss += _output_layer(
                W2T, v2, h, label, output, delta2[s], step, exponents, book_rule
            )
            for j in range(hidden_nodes):
                step[j] = lr * (step[j] * h[j] * (np.float32(1.0) - h[j]))
                step_sum[j] += step[j]
                input_step_sum[j] += input_sum * step[j]
        b = batch.shape[0]
        _descend_output_layer(W2T, v2, hidden[:b], delta2[:b], lr, thresholds)
        # W1 -= x.T @ step1: the lit rows now, the black part through row_shift
        for s in range(b):
            _subtract_lit_rows(W1, lit[s, : n_lit[s]], excess[s, : n_lit[s]], step1[s])
        for j in range(hidden_nodes):
            row_shift[j] += black * step_sum[j]
            column_sums[j] -= input_step_sum[j]
            if thresholds:
                v1[j] += step_sum[j]
        unfolded += b
        if unfolded >= FOLD_EVERY:
            _fold_row_shift(W1, row_shift, column_sums)
            unfolded = 0
    _fold_row_shift(W1, row_shift, column_sums)
    _transpose(W2T, W2)
    return total_loss


@functools.cache
def compiled_kernel():
    """The kernel compiled for :data:`KERNEL_SIGNATURE` (or loaded from the cache)."""
    return njit(KERNEL_SIGNATURE, cache=True)(_sgd_batches)


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
    update_rule: str = "exact",
) -> float:
    """:func:`~mnistnn.network.sgd_numpy` on a float32 ``net``, compiled.

    Besides the network, it needs ``batch_size * (784 * 8 + H * 8)`` bytes.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    _check_float32(net)
    book_rule = backpropagates_error(update_rule)
    images = np.ascontiguousarray(images, dtype=np.uint8)
    labels = np.ascontiguousarray(labels, dtype=np.uint8)
    order = np.ascontiguousarray(order, dtype=np.int64)
    _check_indexing(net, images, labels, order)
    kernel = compiled_kernel()
    return kernel(
        *net,
        images,
        labels,
        order,
        PIXEL_INPUTS32,
        learning_rate,
        batch_size,
        train_thresholds,
        book_rule,
    )


def choose_sgd(batch_size: int) -> tuple[SGD, type]:
    """The fastest SGD for ``batch_size`` and the dtype its network must have.

    :func:`sgd_fast`, for every batch size.  Its kernel is compiled (or loaded
    from numba's cache) here, so that its cost is not counted in the first
    epoch's time.
    """
    compiled_kernel()
    return sgd_fast, np.float32
