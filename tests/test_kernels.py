"""The fast trainer computes what sgd_numpy computes, for any batch size, deterministically,
and its JIT cache survives two training jobs starting at once."""

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import digit_like_images
from rashid import BookNetwork, train_in_order

from mnistnn import kernels
from mnistnn.network import (
    UPDATE_RULES,
    Hyperparameters,
    Network,
    accuracy,
    initial_network,
    sgd_numpy,
    train,
)

HIDDEN = 13  # not a multiple of the vector width, so loop remainders are exercised


def sparse_images(n: int, seed: int) -> np.ndarray:
    """uint8 ``(n, 784)`` images with four black pixels in five, like MNIST's; the first is all
    black and the second all lit, the extremes of the kernel's split into lit and black pixels."""
    rng = np.random.default_rng(seed)
    images = rng.integers(1, 256, size=(n, 784), dtype=np.uint8)
    images[rng.random((n, 784)) < 0.8] = 0
    images[0] = 0
    images[1] = rng.integers(1, 256, size=784, dtype=np.uint8)
    return images


def float32_network() -> Network:
    """A float32 network with non-zero thresholds, so that their use is tested too."""
    rng = np.random.default_rng(1)
    net = initial_network(HIDDEN, init_seed=0)._replace(
        v1=rng.normal(0, 0.5, HIDDEN), v2=rng.normal(0, 0.5, 10)
    )
    return net.astype(np.float32)


@pytest.fixture(scope="module")
def problem():
    """200 images, their labels, and an order of 1,300 steps that revisits them (more than
    FOLD_EVERY steps, so the kernel folds its row shift into W1 along the way)."""
    rng = np.random.default_rng(3)
    images = sparse_images(200, seed=4)
    labels = rng.integers(0, 10, size=200).astype(np.uint8)
    order = np.concatenate([np.arange(200), rng.integers(0, 200, size=1100)])
    assert len(order) > kernels.FOLD_EVERY
    return images, labels, order


def run(sgd, problem, batch_size, train_thresholds, learning_rate=0.1, update_rule="exact"):
    images, labels, order = problem
    net = float32_network()
    loss = sgd(net, images, labels, order, learning_rate, batch_size, train_thresholds, update_rule)
    return net, loss


def assert_same_training(fast, reference):
    (net, loss), (ref_net, ref_loss) = fast, reference
    start = float32_network()
    assert loss == pytest.approx(ref_loss, rel=1e-6)
    for name, array, expected in zip(Network._fields, net, ref_net, strict=True):
        assert array.dtype == np.float32, name
        np.testing.assert_allclose(array, expected, rtol=1e-4, atol=2e-6, err_msg=name)
    # the comparison means something only if training moved the weights far beyond it
    assert np.abs(net.W1 - start.W1).max() > 1e-3
    assert np.abs(net.W2 - start.W2).max() > 1e-2


@pytest.mark.parametrize("update_rule", ["exact", "book"])
@pytest.mark.parametrize("train_thresholds", [True, False])
@pytest.mark.parametrize(("batch_size", "learning_rate"), [(1, 0.1), (7, 0.02), (25, 0.02)])
def test_sgd_fast_matches_sgd_numpy(
    problem, batch_size, learning_rate, train_thresholds, update_rule
):
    # 1,300 steps are not a multiple of 7 or 25: the last batch is a short one
    settings = (batch_size, train_thresholds, learning_rate, update_rule)
    fast = run(kernels.sgd_fast, problem, *settings)
    reference = run(sgd_numpy, problem, *settings)
    assert_same_training(fast, reference)
    thresholds_moved = not np.array_equal(fast[0].v1, float32_network().v1)
    assert thresholds_moved == train_thresholds


def test_the_two_update_rules_train_different_networks(problem):
    """So the comparisons above tell the rules apart: they differ far beyond their tolerance."""
    exact, book = (run(kernels.sgd_fast, problem, 1, True, update_rule=r)[0] for r in UPDATE_RULES)
    assert np.abs(exact.W1 - book.W1).max() > 1e-3
    assert np.abs(exact.v1 - book.v1).max() > 1e-3


@pytest.mark.parametrize("batch_size", [1, 7])
def test_training_twice_gives_identical_bytes(problem, batch_size):
    first, second = (run(kernels.sgd_fast, problem, batch_size, True)[0] for _ in range(2))
    for a, b in zip(first, second, strict=True):
        assert a.tobytes() == b.tobytes()


def mnist_like(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` learnable images (a bar whose place is the label) with three black pixels in four,
    as in MNIST, and their labels."""
    labels = np.random.default_rng(seed).integers(0, 10, n).astype(np.uint8)
    images = digit_like_images(labels, seed).reshape(n, 784)
    images[images < 50] = 0  # the faint noise goes black, the brightest sixth of it stays
    return images, labels


def test_the_book_rule_trains_what_the_books_own_loop_trains():
    """3,000 steps of the float32 kernel against Rashid's ``train``, transcribed in float64.

    Tolerance: float32 rounding, accumulated over the steps.  Measured here: at most
    4e-7 in W1 and 1.1e-6 in W2 (whose largest weight is 0.42), and 2.5e-6 in W2
    after twice as many steps; 1e-5 leaves room for other data and seeds.  The
    exact-gradient rule, from the same start, ends 0.1 away, 10,000 times further.
    """
    images, labels = mnist_like(1000, seed=5)
    order = np.arange(3000) % len(images)
    start = initial_network(200, init_seed=2)
    books = train_in_order(BookNetwork(start, 0.1), images, labels, order)
    fast = start.astype(np.float32)
    kernels.sgd_fast(fast, images, labels, order, 0.1, 1, False, "book")
    for name, array, expected, initial in zip(Network._fields, fast, books, start, strict=True):
        np.testing.assert_allclose(array, expected, rtol=0, atol=1e-5, err_msg=name)
        if name.startswith("W"):  # the thresholds stay 0, as in the book
            assert np.abs(expected - initial).max() > 0.1, name
    assert not fast.v1.any() and not fast.v2.any()


def kernel_sigmoid(z) -> np.ndarray:
    z = np.asarray(z, dtype=np.float32)
    out = np.empty_like(z)
    kernels._sigmoid(z, out, np.empty(z.shape, np.int32))
    return out


def test_sigmoid_is_as_accurate_as_float32_allows():
    z = np.linspace(-80, 80, 100_001, dtype=np.float32)
    exact = 1 / (1 + np.exp(-z.astype(np.float64)))
    assert np.abs(kernel_sigmoid(z) / exact - 1).max() < 3e-7  # a float32 ulp: 6e-8 to 1.2e-7
    far = kernel_sigmoid([-1e4, -200, 200, 1e4])  # beyond exp's float32 range
    assert np.all((far[:2] >= 0) & (far[:2] < 1e-37)) and np.all(far[2:] == 1)


@pytest.mark.parametrize(("batch_size", "learning_rate"), [(1, 0.1), (4, 0.05)])
def test_train_with_the_chosen_sgd_matches_sgd_numpy(problem, batch_size, learning_rate):
    """Through network.train, whose snapshots cut each epoch into several calls of the kernel."""
    images, labels, _ = problem
    hyper = Hyperparameters(
        hidden_nodes=HIDDEN,
        learning_rate=learning_rate,
        epochs=2,
        batch_size=batch_size,
        shuffle=True,
        snapshots=(37, 150),
    )
    sgd, dtype = kernels.choose_sgd(hyper.batch_size)
    assert (sgd, dtype) == (kernels.sgd_fast, np.float32)
    fast = train(images, labels, images, labels, hyper, sgd, dtype, progress=lambda _: None)
    ref = train(images, labels, images, labels, hyper, sgd_numpy, dtype, progress=lambda _: None)
    assert len(fast.snapshots) == len(ref.snapshots) == 5
    for snapshot, expected in zip(fast.snapshots, ref.snapshots, strict=True):
        for array, ref_array in zip(snapshot.net, expected.net, strict=True):
            np.testing.assert_allclose(array, ref_array, rtol=1e-4, atol=2e-6)
    fast_losses = [row["mean_loss"] for row in fast.history]
    assert fast_losses == pytest.approx([row["mean_loss"] for row in ref.history], rel=1e-5)
    # the history's accuracy, measured on the float32 network, is that of the float64 result
    float64_accuracy = accuracy(fast.net, images, labels)
    assert fast.history[-1]["test_accuracy"] == pytest.approx(float64_accuracy, abs=1 / 200)


def test_sgd_fast_refuses_what_it_cannot_train(problem):
    images, labels, order = problem
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        kernels.sgd_fast(float32_network(), images, labels, order, 0.1, 0, True)
    with pytest.raises(ValueError, match="W1 must be a C-contiguous float32 array, got float64"):
        kernels.sgd_fast(float32_network().astype(np.float64), images, labels, order, 0.1, 1, True)
    with pytest.raises(ValueError, match="outside the 200 images"):
        kernels.sgd_fast(float32_network(), images, labels, np.array([0, 200]), 0.1, 1, True)
    with pytest.raises(ValueError, match=r"do not fit images of shape \(200, 783\)"):
        kernels.sgd_fast(float32_network(), images[:, 1:], labels, order, 0.1, 1, True)
    with pytest.raises(ValueError, match="199 labels for 200 images"):
        kernels.sgd_fast(float32_network(), images, labels[1:], order, 0.1, 1, True)


#: one small training run with the compiled kernel: once imported it creates the file
#: ``argv[2]`` and waits for ``argv[1]`` to exist; it prints the result's bytes and whether
#: the kernel was compiled or loaded from the cache
TRAINING_JOB = """
import hashlib, json, os, sys, time
import numpy as np
from mnistnn import kernels
from mnistnn.network import initial_network
rng = np.random.default_rng(0)
images = rng.integers(0, 256, size=(100, 784), dtype=np.uint8)
images[rng.random(images.shape) < 0.8] = 0
labels = rng.integers(0, 10, size=100).astype(np.uint8)
net = initial_network(20, init_seed=1).astype(np.float32)
open(sys.argv[2], "w").close()
while not os.path.exists(sys.argv[1]):
    time.sleep(0.01)
loss = kernels.sgd_fast(net, images, labels, np.arange(100), 0.1, 1, True)
stats = kernels.compiled_kernel().stats
print(json.dumps({
    "sha256": hashlib.sha256(b"".join(a.tobytes() for a in net)).hexdigest(),
    "loss": loss,
    "cache_hits": sum(stats.cache_hits.values()),
    "cache_misses": sum(stats.cache_misses.values()),
}))
"""


def training_jobs(n: int, cache_dir, tmp_path, cpu_name: str | None = None) -> list[dict]:
    """Run ``n`` training jobs sharing ``cache_dir``, letting them compile at the same moment.

    ``cpu_name`` is the CPU numba compiles for (``NUMBA_CPU_NAME``); None: this machine's.
    """
    go = tmp_path / "go"
    ready = [tmp_path / f"ready{i}" for i in range(n)]
    for path in [go, *ready]:
        path.unlink(missing_ok=True)
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache_dir)}
    env.pop("NUMBA_CPU_NAME", None)
    if cpu_name is not None:
        env["NUMBA_CPU_NAME"] = cpu_name
    jobs = [
        subprocess.Popen(
            [sys.executable, "-c", TRAINING_JOB, str(go), str(path)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for path in ready
    ]
    deadline = time.monotonic() + 120
    while not all(path.exists() for path in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    results = []
    for job in jobs:
        stdout, _ = job.communicate(timeout=300)
        assert job.returncode == 0
        results.append(json.loads(stdout))
    return results


def test_two_jobs_compiling_into_one_fresh_cache_at_once_both_succeed(tmp_path):
    cache = tmp_path / "numba-cache"
    first, second = training_jobs(2, cache, tmp_path)
    assert first["cache_misses"] == second["cache_misses"] == 1  # both compiled and wrote
    assert first["sha256"] == second["sha256"] and first["loss"] == second["loss"]
    written = sorted(p.name for p in cache.rglob("*") if p.is_file())
    assert [name.rsplit(".", 1)[-1] for name in written] == ["nbc", "nbi"], written
    # a later job loads what they wrote, and computes the same
    (third,) = training_jobs(1, cache, tmp_path)
    assert (third["cache_hits"], third["cache_misses"]) == (1, 0)
    assert third["sha256"] == first["sha256"]


@pytest.mark.parametrize("cpu_name", ["generic", "nehalem", "haswell"])
def test_the_result_does_not_depend_on_the_cpu_the_kernel_is_compiled_for(cpu_name, tmp_path):
    """Other vector widths and no FMA (generic x86-64, SSE4.2 only, AVX2 with FMA) give this
    machine's bits: the kernel fixes its order of operations, so the CPU cannot change them."""
    (native,) = training_jobs(1, tmp_path / "native", tmp_path)
    (other,) = training_jobs(1, tmp_path / cpu_name, tmp_path, cpu_name)
    assert (other["sha256"], other["loss"]) == (native["sha256"], native["loss"])
