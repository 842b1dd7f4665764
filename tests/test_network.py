"""The network: forward pass, gradient, one SGD step, training and its determinism."""

import re
import time
import warnings

import numpy as np
import pytest
import scipy.special
from conftest import digit_like_images
from rashid import BookNetwork, train_in_order

from mnistnn import network as nw
from mnistnn.errors import BackqueryError, TrainingError
from mnistnn.network import Hyperparameters, Network


def small_network(hidden=5, seed=0, thresholds=True) -> Network:
    net = nw.initial_network(hidden, seed)
    if thresholds:
        rng = np.random.default_rng(seed + 1)
        net = Network(net.W1, net.W2, rng.normal(0, 0.5, hidden), rng.normal(0, 0.5, 10))
    return net


def test_scale_pixels_maps_0_and_255_to_the_books_range():
    assert nw.scale_pixels(np.array([0, 255], dtype=np.uint8)).tolist() == [0.01, 1.0]


def test_target_vectors_mark_the_label_with_099():
    targets = nw.target_vectors(np.array([3, 0]))
    assert targets.shape == (2, 10)
    assert targets[0, 3] == 0.99 and targets[1, 0] == 0.99
    assert np.count_nonzero(targets == 0.01) == 18


def test_network_inputs_are_the_scaled_pixels_in_float32_chunk_by_chunk():
    pixels = np.arange(256, dtype=np.uint8)
    expected = nw.scale_pixels(pixels).astype(np.float32)
    assert np.array_equal(nw.network_inputs(pixels), expected)
    images = np.random.default_rng(0).integers(0, 256, size=(7, 784), dtype=np.uint8)
    chunks = list(nw.float32_input_chunks(images, chunk=3))
    assert [start for start, _ in chunks] == [0, 3, 6]
    assert np.array_equal(np.concatenate([block for _, block in chunks]), nw.network_inputs(images))
    converted = nw.network_inputs(images)  # float32 inputs pass through as they are
    assert all(
        block.base is converted or block is converted
        for _, block in nw.float32_input_chunks(converted, chunk=3)
    )


def test_normalised_outputs_are_the_float32_outputs_divided_by_their_sum():
    net = small_network(hidden=6)
    images = np.random.default_rng(1).integers(0, 256, size=(25, 784), dtype=np.uint8)
    output = nw.feedforward(net.astype(np.float32), nw.network_inputs(images))[1]
    expected = output / output.sum(axis=1, keepdims=True)
    for train_images in (images, nw.network_inputs(images)):
        normalised = nw.normalised_outputs(net, train_images)
        assert normalised.dtype == np.float64 and normalised.shape == (25, 10)
        np.testing.assert_allclose(normalised, expected, rtol=1e-6)
        np.testing.assert_allclose(normalised.sum(axis=1), 1.0, rtol=1e-12)


def test_normalised_outputs_refuse_images_on_which_every_output_is_0():
    net = small_network(hidden=6)
    silent = Network(net.W1, net.W2, net.v1, np.full(10, 1000.0))  # sigmoid(h @ W2 - 1000) = 0
    images = np.zeros((4, 784), dtype=np.uint8)
    message = (
        "posterior: every output of the network is 0 on 4 of 4 training images, so they have no "
        "label probabilities; the sigmoids saturate (likely cause: a learning_rate too large for "
        "the model)"
    )
    with pytest.raises(BackqueryError, match=f"^{re.escape(message)}$"):
        nw.normalised_outputs(silent, images)


def test_initial_network_shapes_and_scale():
    net = nw.initial_network(200, init_seed=1)
    assert [a.shape for a in net] == [(784, 200), (200, 10), (200,), (10,)]
    assert net.hidden_nodes == 200
    assert not net.v1.any() and not net.v2.any()
    assert net.W1.std() == pytest.approx(784**-0.5, rel=0.02)
    assert net.W2.std() == pytest.approx(200**-0.5, rel=0.1)
    assert np.array_equal(net.W1, nw.initial_network(200, init_seed=1).W1)


def test_feedforward_subtracts_thresholds():
    W1 = np.zeros((784, 2))
    W1[0, 0] = 2.0
    W2 = np.array([[1.0] * 10, [-1.0] * 10])
    net = Network(W1, W2, np.array([0.5, 0.0]), np.full(10, 0.25))
    x = np.zeros(784)
    x[0] = 1.0
    hidden, output = nw.feedforward(net, x)
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    assert hidden == pytest.approx([sigmoid(1.5), sigmoid(0.0)])
    assert output == pytest.approx(np.full(10, sigmoid(hidden[0] - hidden[1] - 0.25)))


@pytest.mark.parametrize("batch", [1, 3])
def test_gradient_matches_finite_differences(batch):
    rng = np.random.default_rng(7)
    net = small_network()
    x = rng.uniform(0.01, 1.0, size=(batch, 784))
    t = nw.target_vectors(rng.integers(0, 10, batch))
    analytic = nw.gradient(net, x, t)
    step = 1e-6
    for name, array, grad in zip(Network._fields, net, analytic, strict=True):
        for index in [(0,) * array.ndim, tuple(s - 1 for s in array.shape), (1,) * array.ndim]:
            saved = array[index]
            array[index] = saved + step
            up = nw.loss(net, x, t)
            array[index] = saved - step
            down = nw.loss(net, x, t)
            array[index] = saved
            assert grad[index] == pytest.approx((up - down) / (2 * step), rel=1e-5, abs=1e-9), name


@pytest.mark.parametrize("train_thresholds", [True, False])
def test_one_sgd_step_moves_against_the_gradient(train_thresholds):
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, size=(1, 784), dtype=np.uint8)
    labels = np.array([4], dtype=np.uint8)
    net = small_network()
    before = net.astype(np.float64)
    grad = nw.gradient(before, nw.scale_pixels(images), nw.target_vectors(labels))
    nw.sgd_numpy(net, images, labels, np.array([0]), 0.1, 1, train_thresholds)
    assert np.allclose(net.W1, before.W1 - 0.1 * grad.W1)
    assert np.allclose(net.W2, before.W2 - 0.1 * grad.W2)
    if train_thresholds:
        assert np.allclose(net.v1, before.v1 - 0.1 * grad.v1)
        assert np.allclose(net.v2, before.v2 - 0.1 * grad.v2)
    else:
        assert np.array_equal(net.v1, before.v1) and np.array_equal(net.v2, before.v2)


def test_the_book_rule_in_float64_is_the_books_train_method():
    """The NumPy reference with ``update_rule="book"`` against Rashid's code, transcribed:
    the same float64 arithmetic in another order, so they agree to rounding."""
    images, labels = tiny_data(100, 4)
    order = np.random.default_rng(0).integers(0, 100, 500)
    start = nw.initial_network(20, init_seed=3)
    books = train_in_order(BookNetwork(start, 0.2), images, labels, order)
    net = start.astype(np.float64)
    nw.sgd_numpy(net, images, labels, order, 0.2, 1, False, "book")
    for name, array, expected in zip(Network._fields, net, books, strict=True):
        np.testing.assert_allclose(array, expected, rtol=0, atol=1e-13, err_msg=name)
    assert np.abs(net.W2 - start.W2).max() > 0.1


@pytest.mark.parametrize("update_rule", nw.UPDATE_RULES)
def test_thresholds_move_as_weights_of_an_input_of_minus_one(update_rule):
    """``sigmoid(x @ W - v)``: a threshold is the weight of one more input, fixed at -1, so
    each rule moves it as it moves a weight, with the input's value -1 in place of ``x``."""
    rng = np.random.default_rng(5)
    images = rng.integers(1, 256, size=(1, 784), dtype=np.uint8)
    net = small_network()
    before = net.astype(np.float64)
    hidden = nw.feedforward(before, nw.scale_pixels(images[0]))[0]
    nw.sgd_numpy(
        net, images, np.array([6], dtype=np.uint8), np.array([0]), 0.1, 1, True, update_rule
    )
    x = nw.scale_pixels(images[0])
    np.testing.assert_allclose(net.v1 - before.v1, -(net.W1 - before.W1)[7] / x[7], rtol=1e-9)
    np.testing.assert_allclose(net.v2 - before.v2, -(net.W2 - before.W2)[2] / hidden[2], rtol=1e-9)
    assert np.abs(net.v1 - before.v1).max() > 1e-6


def test_an_unknown_update_rule_is_refused():
    images, labels = tiny_data(10, 0)
    with pytest.raises(ValueError, match="^update_rule must be one of exact, book, got 'Book'$"):
        nw.sgd_numpy(small_network(), images, labels, np.arange(10), 0.1, 1, True, "Book")


def test_minibatch_step_sums_the_gradient_over_the_batch():
    rng = np.random.default_rng(2)
    images = rng.integers(0, 256, size=(4, 784), dtype=np.uint8)
    labels = np.array([1, 2, 3, 4], dtype=np.uint8)
    net = small_network()
    before = net.astype(np.float64)
    grad = nw.gradient(before, nw.scale_pixels(images), nw.target_vectors(labels))
    nw.sgd_numpy(net, images, labels, np.arange(4), 0.05, 4, True)
    assert np.allclose(net.W1, before.W1 - 0.05 * grad.W1)


def test_epoch_order_is_the_files_or_a_seeded_shuffle():
    assert np.array_equal(nw.epoch_order(5, 1, Hyperparameters(shuffle=False)), np.arange(5))
    shuffled = nw.epoch_order(100, 1, Hyperparameters(shuffle=True, seed=4))
    assert sorted(shuffled) == list(range(100)) and not np.array_equal(shuffled, np.arange(100))
    assert np.array_equal(shuffled, nw.epoch_order(100, 1, Hyperparameters(shuffle=True, seed=4)))
    assert not np.array_equal(
        shuffled, nw.epoch_order(100, 2, Hyperparameters(shuffle=True, seed=4))
    )
    # the model's seed, not only the epoch, chooses the order
    assert not np.array_equal(
        shuffled, nw.epoch_order(100, 1, Hyperparameters(shuffle=True, seed=5))
    )


def test_accuracy_counts_every_image_in_every_chunk():
    net = small_network()
    images, _ = tiny_data(7, 2)
    predicted = nw.predict(net, nw.scale_pixels(images))
    for chunk in (1, 3, 1000):
        assert nw.accuracy(net, images, predicted, chunk=chunk) == 1.0
        for wrong in (0, 3, 6):  # the first, one inside, the last image
            labels = predicted.copy()
            labels[wrong] = (labels[wrong] + 1) % 10
            assert nw.accuracy(net, images, labels, chunk=chunk) == 6 / 7


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_accuracy_of_scaled_inputs_is_that_of_their_pixels(dtype):
    net = small_network().astype(dtype)
    images, labels = tiny_data(9, 3)
    inputs = nw.scale_pixels(images).astype(dtype)
    predicted = nw.predict(net, inputs)
    for chunk in (2, 1000):
        assert nw.accuracy(net, images, predicted, chunk=chunk) == 1.0
        assert nw.accuracy(net, inputs, predicted, chunk=chunk) == 1.0
        assert nw.accuracy(net, inputs, labels, chunk=chunk) == nw.accuracy(
            net, images, labels, chunk=chunk
        )


def test_mean_loss_is_the_loss_per_training_sample():
    """With a learning rate too small to move the weights, an epoch's mean loss is the
    initial network's loss summed over the training set, divided by its size (snapshots,
    which cut the epoch into parts, included)."""
    images, labels = tiny_data(60, 0)
    hyper = Hyperparameters(hidden_nodes=5, epochs=1, learning_rate=1e-12, snapshots=(20,))
    result = nw.train(images, labels, images, labels, hyper, progress=lambda line: None)
    total = nw.loss(
        nw.initial_network(5, hyper.seed), nw.network_inputs(images), nw.target_vectors(labels)
    )
    assert result.history[0]["mean_loss"] == pytest.approx(total / 60, rel=1e-9)


def tiny_data(n, seed):
    labels = (np.arange(n) % 10).astype(np.uint8)
    return digit_like_images(labels, seed).reshape(n, 784), labels


def test_training_learns_and_records_history_and_snapshots():
    images, labels = tiny_data(300, 0)
    test_images, test_labels = tiny_data(100, 1)
    hyper = Hyperparameters(hidden_nodes=10, learning_rate=0.3, epochs=3, snapshots=(40, 120))
    lines = []
    started = time.perf_counter()
    result = nw.train(images, labels, test_images, test_labels, hyper, progress=lines.append)
    elapsed = time.perf_counter() - started
    assert [row["epoch"] for row in result.history] == [1, 2, 3]
    assert result.history[-1]["test_accuracy"] > 0.9
    assert result.history[-1]["mean_loss"] < result.history[0]["mean_loss"]
    for row in result.history:
        assert list(row) == ["epoch", "mean_loss", "test_accuracy", "seconds", "samples_per_second"]
        assert 0 < row["seconds"] < elapsed
        assert row["samples_per_second"] == pytest.approx(300 / row["seconds"])
    assert lines == [
        f"epoch {row['epoch']}/3: mean loss {row['mean_loss']:.5f}, "
        f"test accuracy {row['test_accuracy']:.4f}, {row['seconds']:.1f} s, "
        f"{row['samples_per_second']:,.0f} samples/s"
        for row in result.history
    ]
    labels_seen = [(s.label, s.samples_seen) for s in result.snapshots]
    assert labels_seen == [
        ("initial", 0), ("sample40", 40), ("sample120", 120),
        ("epoch1", 300), ("epoch2", 600), ("epoch3", 900),
    ]  # fmt: skip
    assert np.array_equal(result.snapshots[-1].net.W1, result.net.W1)
    assert np.array_equal(result.snapshots[0].net.W1, nw.initial_network(10, 1).W1)


def test_snapshots_count_samples_across_epochs():
    images, labels = tiny_data(100, 0)
    # 100 and 300 are epoch ends (kept once, as epochs); 1 and 101 the first sample of an epoch
    hyper = Hyperparameters(hidden_nodes=4, epochs=3, snapshots=(250, 100, 30, 300, 130, 1, 101))
    result = nw.train(images, labels, images, labels, hyper, progress=lambda line: None)
    labels_seen = [(s.label, s.samples_seen) for s in result.snapshots]
    assert labels_seen == [
        ("initial", 0), ("sample1", 1), ("sample30", 30), ("epoch1", 100), ("sample101", 101),
        ("sample130", 130), ("epoch2", 200), ("sample250", 250), ("epoch3", 300),
    ]  # fmt: skip


def test_a_snapshot_beyond_the_end_of_training_is_refused_before_training():
    images, labels = tiny_data(100, 0)
    hyper = Hyperparameters(hidden_nodes=4, epochs=3, snapshots=(30, 301, 400))
    lines = []
    message = (
        "snapshots: [301, 400] lie beyond the end of training "
        "(3 epochs x 100 training images = 300 samples)"
    )
    with pytest.raises(TrainingError, match=f"^{re.escape(message)}$"):
        nw.train(images, labels, images, labels, hyper, progress=lines.append)
    assert lines == []  # not one epoch trained


def test_weights_that_diverge_stop_training_naming_the_learning_rate():
    images, labels = tiny_data(100, 0)
    hyper = Hyperparameters(hidden_nodes=4, epochs=2, batch_size=50, learning_rate=1e308)
    message = (
        "epoch 1: the weights are no longer finite, training diverged; likely cause: "
        "learning_rate 1e+308 is too large for batch_size 50 (the gradient is summed over a batch)"
    )
    with pytest.raises(TrainingError, match=f"^{re.escape(message)}$"):
        nw.train(images, labels, images, labels, hyper, progress=lambda line: None)


def test_snapshots_do_not_change_the_result():
    images, labels = tiny_data(100, 0)
    plain = Hyperparameters(hidden_nodes=6, epochs=2)
    cut = Hyperparameters(hidden_nodes=6, epochs=2, snapshots=(10, 55, 160))
    quiet = lambda line: None  # noqa: E731
    a = nw.train(images, labels, images, labels, plain, progress=quiet).net
    b = nw.train(images, labels, images, labels, cut, progress=quiet).net
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_confusion_matrix_counts_true_by_predicted():
    """On a trained network, so that most images are right and each one counts."""
    images, labels = tiny_data(300, 0)
    hyper = Hyperparameters(hidden_nodes=10, learning_rate=0.3, epochs=2)
    net = nw.train(images, labels, images, labels, hyper, progress=lambda line: None).net
    images, labels = tiny_data(50, 3)
    counts = nw.confusion_matrix(net, images, labels)
    predicted = nw.predict(net, nw.scale_pixels(images))
    expected = np.zeros((10, 10), dtype=np.int64)
    for label, guess in zip(labels, predicted, strict=True):
        expected[label, guess] += 1
    assert np.array_equal(counts, expected)
    assert np.trace(counts) >= 45  # a strong network: a skipped right answer shows
    assert np.trace(counts) / 50 == nw.accuracy(net, images, labels)


def test_sigmoid_is_scipys_expit_to_the_last_bit_and_quiet_at_the_extremes():
    z = np.random.default_rng(0).normal(0.0, 30.0, 100_000)
    # NumPy's exp rounds the last bit differently on CPUs with AVX-512: 1,863 of these
    # values differ there, by at most 1.9 float64 epsilons relative
    eps = np.finfo(np.float64).eps
    np.testing.assert_allclose(nw.sigmoid(z), scipy.special.expit(z), rtol=4 * eps, atol=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning from exp(1000)
        assert nw.sigmoid(np.array([-1000.0, 1000.0])).tolist() == [0.0, 1.0]
