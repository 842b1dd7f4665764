"""Running the network backwards: the seed algorithm, the other methods, bad input, the prior."""

import inspect
import math
import re
import warnings

import numpy as np
import pytest
import scipy.special
from conftest import digit_like_images
from scipy.optimize import check_grad

from mnistnn import backquery as bq
from mnistnn import image_prior as ip
from mnistnn import quality
from mnistnn.errors import BackqueryError, QueryError
from mnistnn.layout import method_files, method_files_by_method, query_files
from mnistnn.network import Network, initial_network, scale_pixels

L = math.log(99.0)  # logit(0.99) = -logit(0.01)


def book_backquery(wih, who, targets_list):
    """The book's ``neuralNetwork.backquery``, transcribed literally (column vectors)."""
    final_outputs = np.array(targets_list, ndmin=2).T
    final_inputs = scipy.special.logit(final_outputs)
    hidden_outputs = np.dot(who.T, final_inputs)
    hidden_outputs -= np.min(hidden_outputs)
    hidden_outputs /= np.max(hidden_outputs)
    hidden_outputs *= 0.98
    hidden_outputs += 0.01
    hidden_inputs = scipy.special.logit(hidden_outputs)
    inputs = np.dot(wih.T, hidden_inputs)
    inputs -= np.min(inputs)
    inputs /= np.max(inputs)
    inputs *= 0.98
    inputs += 0.01
    return inputs


def hand_network(v1=(0.0, 0.0, 0.0), v2=(0.0,) * 10) -> Network:
    """A 4-3-10 network whose backquery is easy by hand.

    Hidden unit j listens to output j only (W2 = the first three unit
    vectors); inputs 0-2 copy hidden units 0-2 and input 3 is their sum.
    """
    W2 = np.eye(3, 10)
    W1 = np.array([[1.0, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]])
    return Network(W1, W2, np.array(v1), np.array(v2))


def random_network(hidden=6, seed=0) -> Network:
    """A small 784-H-10 network with non-zero thresholds."""
    net = initial_network(hidden, seed)
    rng = np.random.default_rng(seed + 100)
    return Network(net.W1, net.W2, rng.normal(0, 0.3, hidden), rng.normal(0, 0.3, 10))


@pytest.fixture(scope="module")
def tiny_images():
    labels = np.arange(300) % 10
    return digit_like_images(labels, seed=5).reshape(300, 784), labels


@pytest.fixture(scope="module")
def tiny_prior(tiny_images):
    return ip.fit_image_prior(tiny_images[0], components=6, clusters=4, sample=200, rng_seed=1)


FAST = {
    "actmax": {"iterations": 30},
    "prior": {"iterations": 30},
    "mixture": {"iterations": 30},
}


# --- seed: the algorithm by hand, the thresholds, the book's code --------------------------------


def test_label_vector():
    assert bq.label_vector(7).tolist() == [0.01] * 7 + [0.99] + [0.01] * 2


def test_seed_by_hand_without_thresholds():
    # final inputs (L, -L, -L, ...): hidden (L, -L, -L) rescales to (0.99, 0.01, 0.01),
    # whose logits (L, -L, -L) give inputs (L, -L, -L, -L): rescaled (0.99, 0.01, 0.01, 0.01)
    image = bq.seed(hand_network(), bq.label_vector(0))
    assert image == pytest.approx([0.99, 0.01, 0.01, 0.01], abs=1e-12)


def test_output_thresholds_are_added_to_the_logits():
    # v2 = (0, L, 0, ...): final inputs (L, 0, -L) -> hidden (0.99, 0.5, 0.01) -> logits
    # (L, 0, -L) -> inputs (L, 0, -L, 0) -> (0.99, 0.5, 0.01, 0.5)
    image = bq.seed(hand_network(v2=(0.0, L) + (0.0,) * 8), bq.label_vector(0))
    assert image == pytest.approx([0.99, 0.5, 0.01, 0.5], abs=1e-12)


def test_hidden_thresholds_are_added_to_the_logits():
    # v1 = (0, 0, L): hidden logits (L, -L, 0) -> inputs (L, -L, 0, 0) -> (0.99, 0.01, 0.5, 0.5)
    image = bq.seed(hand_network(v1=(0.0, 0.0, L)), bq.label_vector(0))
    assert image == pytest.approx([0.99, 0.01, 0.5, 0.5], abs=1e-12)


def test_rescale_follows_the_books_steps():
    values = np.array([2.0, -1.0, 0.5])
    assert bq.rescale(values, "x").tolist() == [0.99, 0.01, (1.5 / 3.0) * 0.98 + 0.01]


@pytest.mark.parametrize("hidden", [3, 17, 200])
def test_seed_is_the_books_backquery_to_the_bit(hidden):
    net = initial_network(hidden, init_seed=hidden)
    for digit in range(10):
        target = bq.label_vector(digit)
        expected = book_backquery(net.W1.T, net.W2.T, target)[:, 0]
        assert np.array_equal(bq.seed(net, target), expected)


def test_backquery_seed_is_seed():
    net = random_network()
    target = [0.2, 0.01, 0.3, 0.5, 0.01, 0.01, 0.01, 0.6, 0.01, 0.01]
    assert np.array_equal(bq.backquery(net, target, "seed"), bq.seed(net, np.array(target)))


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "shown"),
    [(0, "0"), (1, "1"), (-0.5, "-0.5"), (1.5, "1.5"), ("x", "'x'"), (math.nan, "nan")],
)
def test_a_bad_value_is_named_with_its_query(bad, shown):
    values = [0.01] * 10
    values[4] = bad
    message = (
        f"query 'half_three': value {shown} at position 4 is not a number strictly between 0 and 1"
    )
    with pytest.raises(QueryError, match=f"^{re.escape(message)}$"):
        bq.check_label_vector(values, "half_three")


def test_numpy_values_are_shown_plainly():
    with pytest.raises(QueryError, match=r"value nan at position 9"):
        bq.check_label_vector(np.array([0.5] * 9 + [np.nan]), "q")
    assert bq.check_label_vector(np.full(10, 0.5), "q").tolist() == [0.5] * 10


@pytest.mark.parametrize("bad", [True, None, [0.5]])
def test_non_numbers_are_refused(bad):
    with pytest.raises(QueryError, match="not a number"):
        bq.check_label_vector([bad] + [0.5] * 9, "q")


@pytest.mark.parametrize("count", [9, 11])
def test_a_label_vector_needs_exactly_ten_values(count):
    with pytest.raises(QueryError, match=rf"^query 'q': {count} values, expected exactly 10$"):
        bq.check_label_vector([0.5] * count, "q")


def test_backquery_checks_its_target_before_computing():
    message = "query 'target': value 1.0 at position 0 is not a number strictly between 0 and 1"
    with pytest.raises(QueryError, match=f"^{re.escape(message)}$"):
        bq.backquery(random_network(), [1.0] + [0.01] * 9, "seed")


def test_training_images_given_to_another_method_are_ignored(tiny_images):
    net = random_network()
    with_images = bq.backquery_digits(net, "seed", {}, None, tiny_images[0])[0]
    assert np.array_equal(with_images, bq.backquery_digits(net, "seed")[0])


@pytest.mark.parametrize("method", ["seed", "pinv"])
def test_a_degenerate_hidden_layer_is_an_error_not_nan(method):
    net = random_network()
    net = Network(net.W1, np.zeros_like(net.W2), net.v1, net.v2)
    message = (
        "hidden layer is degenerate: all its values are equal (or not finite), so it cannot be "
        "rescaled into [0.01, 0.99] (a layer of one node always is)"
    )
    with pytest.raises(BackqueryError, match=f"^{re.escape(message)}$"):
        bq.backquery(net, bq.label_vector(3), method)


@pytest.mark.parametrize("method", ["seed", "pinv"])
def test_a_degenerate_input_layer_is_an_error_not_nan(method):
    net = random_network()
    net = Network(np.zeros_like(net.W1), net.W2, net.v1, net.v2)
    with pytest.raises(BackqueryError, match="input layer is degenerate"):
        bq.backquery(net, bq.label_vector(3), method)


def test_a_layer_equal_but_for_rounding_errors_is_degenerate():
    """Values that differ by at most 16 rounding steps of their size are taken as equal."""
    eps = np.finfo(np.float64).eps
    with pytest.raises(BackqueryError, match="x layer is degenerate"):
        bq.rescale(np.array([1.0, 1.0 + 16 * eps]), "x")
    assert bq.rescale(np.array([1.0, 1.0 + 17 * eps]), "x").tolist() == [0.01, 0.99]


def test_thresholds_can_make_the_hidden_layer_degenerate():
    # v2 = (0, 2L, 0, ...) lifts output 1's logit to L, equal to output 0's
    with pytest.raises(BackqueryError, match="hidden layer"):
        bq.seed(
            Network(np.eye(4, 2), np.eye(2, 10), np.zeros(2), np.array([0, 2 * L] + [0] * 8)),
            bq.label_vector(0),
        )


def test_unknown_methods_and_settings_are_named():
    message = (
        "unknown backquery method 'blur'; "
        "known: ['seed', 'pinv', 'actmax', 'prior', 'mixture', 'posterior']"
    )
    with pytest.raises(BackqueryError, match=f"^{re.escape(message)}$"):
        bq.backquery(random_network(), bq.label_vector(0), "blur")
    message = (
        "method 'actmax': unknown settings ['lr']; known: ['iterations', 'l2', 'tv', 'tv_epsilon']"
    )
    with pytest.raises(BackqueryError, match=f"^{re.escape(message)}$"):
        bq.backquery(random_network(), bq.label_vector(0), "actmax", {"lr": 1})
    with pytest.raises(
        BackqueryError, match="^method 'mixture' needs an image prior, none was given$"
    ):
        bq.backquery(random_network(), bq.label_vector(0), "mixture")
    message = "method 'posterior' needs the training images, none were given"
    with pytest.raises(BackqueryError, match=f"^{message}$"):
        bq.backquery(random_network(), bq.label_vector(0), "posterior")
    with pytest.raises(BackqueryError, match=f"^posterior, digit 0: {message}$"):
        bq.backquery_digits(random_network(), "posterior")
    with pytest.raises(BackqueryError, match=r"'posterior': unknown settings \['k'\]"):
        bq.backquery_digits(random_network(), "posterior", {"k": 1}, None, np.zeros((3, 784)))


# --- posterior -----------------------------------------------------------------------------------


def direct_posterior(net, target, images_u8):
    """Bayes' rule written out image by image in float64: sum_i w_i x_i / sum_i w_i."""
    floor = min(target)
    total_weight, weighted_sum = 0.0, np.zeros(784)
    for image in images_u8:
        x = scale_pixels(image)
        y = bq.feedforward(net, x)[1]
        p = y / y.sum()
        w = sum((t - floor) * p_d for t, p_d in zip(target, p, strict=True))
        total_weight += w
        weighted_sum += w * x
    return np.clip(weighted_sum / total_weight, 0.01, 0.99)


@pytest.mark.parametrize(
    "target", [bq.label_vector(4), [0.01] * 3 + [0.5] + [0.01] * 4 + [0.5, 0.01], [0.3] * 9 + [0.6]]
)
def test_posterior_is_bayes_rule_computed_directly(tiny_images, target):
    net = random_network(hidden=5, seed=2)
    images_u8 = tiny_images[0][:60]
    image = bq.backquery(net, target, "posterior", {}, None, images_u8)
    # the method's forward pass is float32: equal to float32 precision
    assert np.allclose(image, direct_posterior(net, target, images_u8), rtol=0, atol=1e-6)


def test_posterior_of_vectors_with_different_floors_at_once_equals_one_by_one(tiny_images):
    net = random_network(hidden=5, seed=2)
    images_u8 = tiny_images[0][:60]
    targets = np.array([bq.label_vector(4), [0.3] * 9 + [0.6]])  # floors 0.01 and 0.3
    together = bq.posterior(net, targets, images_u8)
    for image, target in zip(together, targets, strict=True):
        np.testing.assert_allclose(image, bq.posterior(net, target, images_u8)[0], rtol=1e-6)


def test_posterior_of_every_digit_at_once_equals_digit_by_digit(tiny_images):
    net = random_network(hidden=5, seed=2)
    together, notes = bq.backquery_digits(net, "posterior", {}, None, tiny_images[0])
    one_by_one = [
        bq.backquery(net, bq.label_vector(d), "posterior", {}, None, tiny_images[0])
        for d in range(10)
    ]
    # the weighted sums are float32: the same to float32 precision
    assert np.allclose(together, one_by_one, rtol=0, atol=1e-6)
    assert notes == []  # nothing to converge


def test_posterior_of_a_network_that_sees_one_image_per_digit_is_that_image():
    # outputs depend on the image so sharply that each image is read as one digit only
    images_u8 = np.zeros((10, 784), dtype=np.uint8)
    for d in range(10):
        images_u8[d, d * 10 : d * 10 + 10] = 255
    W1 = np.zeros((784, 10))
    for d in range(10):
        W1[d * 10 : d * 10 + 10, d] = 10.0
    net = Network(W1, 40.0 * np.eye(10), np.full(10, 50.0), np.full(10, 20.0))
    images = bq.backquery_digits(net, "posterior", {}, None, images_u8)[0]
    assert np.allclose(images, np.clip(scale_pixels(images_u8), 0.01, 0.99), atol=1e-6)


def test_posterior_refuses_a_label_vector_that_singles_out_no_digit(tiny_images):
    message = "posterior: a label vector whose values are all equal singles out no digit"
    with pytest.raises(BackqueryError, match=f"^{message}$"):
        bq.backquery(random_network(), [0.5] * 10, "posterior", {}, None, tiny_images[0])


def test_posterior_refuses_a_digit_the_network_never_outputs(tiny_images):
    net = random_network()
    deaf = Network(net.W1, net.W2, net.v1, np.where(np.arange(10) == 3, 1000.0, 0.0))
    message = "posterior: the network gives a label probability 0 on every image"
    with pytest.raises(BackqueryError, match=f"^{message}$"):
        bq.backquery(deaf, bq.label_vector(3), "posterior", {}, None, tiny_images[0])


def test_posterior_refuses_a_network_whose_outputs_are_all_zero(tiny_images):
    """Saturated sigmoids (as a huge learning rate leaves them) give 0 / 0, not a probability."""
    net = random_network()
    silent = Network(net.W1, net.W2, net.v1, np.full(10, 1000.0))  # output sigmoid(h W2 - v2)
    with pytest.raises(BackqueryError, match="0 on 300 of 300 training images.*learning_rate"):
        bq.backquery_digits(silent, "posterior", train_images=tiny_images[0])


def test_posterior_of_an_untrained_network_is_close_to_the_mean_image(tiny_images):
    images_u8 = tiny_images[0]
    images = bq.backquery_digits(initial_network(8, 0), "posterior", {}, None, images_u8)[0]
    mean = np.clip(scale_pixels(images_u8.mean(axis=0)), 0.01, 0.99)
    assert np.max(np.abs(images - mean)) < 0.05


# --- pinv ----------------------------------------------------------------------------------------


def network_with_layers(W1: np.ndarray, W2: np.ndarray) -> Network:
    return Network(W1, W2, np.zeros(W1.shape[1]), np.zeros(W2.shape[1]))


@pytest.mark.parametrize("shape", [(12, 4), (4, 12)])
def test_layer_inverses_give_least_norm_least_squares_solutions(shape):
    rng = np.random.default_rng(0)
    W = rng.normal(size=shape)
    rhs = rng.normal(size=shape[1])
    W1_inverse, W2_inverse = bq.layer_inverses(network_with_layers(W, rng.normal(size=(4, 10))))
    assert W1_inverse.shape == shape[::-1] and W2_inverse.shape == (10, 4)
    x = rhs @ W1_inverse
    assert np.allclose(x, np.linalg.lstsq(W.T, rhs, rcond=None)[0])
    # optimal: the residual is orthogonal to every direction x can move the product in
    assert np.allclose(W @ (x @ W - rhs), 0.0)
    # least norm: x lies in the span of W's columns, with no part in W.T's null space
    assert np.allclose(W @ np.linalg.lstsq(W, x, rcond=None)[0], x)


def test_layer_inverses_invert_an_underdetermined_layer_exactly():
    rng = np.random.default_rng(1)
    W2 = rng.normal(size=(30, 10))
    rhs = rng.normal(size=10)
    W2_inverse = bq.layer_inverses(network_with_layers(rng.normal(size=(5, 30)), W2))[1]
    assert np.allclose(rhs @ W2_inverse @ W2, rhs)


def test_pinv_with_given_inverses_is_pinv_without():
    net = random_network()
    target = bq.label_vector(6)
    given = bq.pinv(net, target, bq.layer_inverses(net))
    assert np.array_equal(given, bq.pinv(net, target))
    # the inverses given are the ones used
    W1_inverse, W2_inverse = bq.layer_inverses(net)
    assert not np.allclose(bq.pinv(net, target, (W1_inverse, W2_inverse[:, ::-1])), given)


def test_pinv_digits_are_pinv_of_each_label_vector():
    net = random_network()
    images = bq.backquery_digits(net, "pinv")[0]
    for digit in range(10):
        assert np.array_equal(images[digit], bq.pinv(net, bq.label_vector(digit)))


def test_pinv_is_seed_when_the_weights_have_orthogonal_columns():
    # then pinv(W) = W.T / c ** 2, and the rescale forgets the positive factor
    rng = np.random.default_rng(2)
    W1 = 3.0 * np.linalg.qr(rng.normal(size=(784, 12)))[0]
    W2 = 0.5 * np.linalg.qr(rng.normal(size=(12, 10)))[0]
    net = Network(W1, W2, rng.normal(size=12), rng.normal(size=10))
    assert np.allclose(bq.pinv(net, bq.label_vector(4)), bq.seed(net, bq.label_vector(4)))


def test_pinv_differs_from_seed_in_general():
    net = random_network()
    assert not np.allclose(bq.pinv(net, bq.label_vector(4)), bq.seed(net, bq.label_vector(4)))


# --- gradients against finite differences --------------------------------------------------------


def assert_gradient(function, gradient, point):
    error = check_grad(function, gradient, point, epsilon=1e-7)
    assert error < 1e-5 * max(1.0, np.linalg.norm(gradient(point)))


def test_output_error_gradient():
    net, target = random_network(), bq.label_vector(2)
    point = np.random.default_rng(3).uniform(0.01, 0.99, 784)
    assert_gradient(
        lambda x: bq.output_error(net, x, target)[0],
        lambda x: bq.output_error(net, x, target)[1],
        point,
    )


def test_total_variation_gradient():
    point = np.random.default_rng(4).uniform(0.01, 0.99, 784)
    point[:28] = 0.5  # flat rows, where |d| would not be differentiable
    assert_gradient(
        lambda x: bq.total_variation(x, 0.05)[0], lambda x: bq.total_variation(x, 0.05)[1], point
    )


@pytest.mark.parametrize("epsilon", [1e-9, 0.5])
def test_total_variation_of_a_step(epsilon):
    image = np.zeros((28, 28))
    image[:, 14:] = 1.0  # one vertical edge of height 1, 28 pixels long
    value, _ = bq.total_variation(image.ravel(), epsilon)
    # each step counts sqrt(1 + epsilon ** 2) - epsilon, each flat pair 0
    assert value == pytest.approx(28.0 * (math.sqrt(1.0 + epsilon**2) - epsilon), rel=1e-12)


def test_actmax_objective_gradient():
    objective = bq.actmax_objective(random_network(), bq.label_vector(5), 0.01, 0.02, 0.05)
    point = np.random.default_rng(5).uniform(0.01, 0.99, 784)
    assert_gradient(lambda x: objective(x)[0], lambda x: objective(x)[1], point)


def test_gaussian_objectives_gradient(tiny_prior):
    net, target = random_network(), bq.label_vector(6)
    centres, spreads = tiny_prior.centres, tiny_prior.spreads
    objectives = bq.gaussian_objectives(net, target, tiny_prior, centres, spreads, 0.3)
    point = centres + np.random.default_rng(6).normal(0, 0.5, centres.shape)
    unclipped = tiny_prior.mean + point @ tiny_prior.components
    assert np.any(unclipped < bq.LOW), "the test should cover clipped pixels too"
    assert_gradient(
        lambda z: objectives(z.reshape(centres.shape))[0].sum(),
        lambda z: objectives(z.reshape(centres.shape))[1].ravel(),
        point.ravel(),
    )


def test_optimising_methods_lower_their_objective():
    net, target = random_network(), bq.label_vector(1)
    objective = bq.actmax_objective(net, target, 0.001, 0.003, 0.05)
    image = bq.actmax(net, target, 0.001, 0.003, 0.05, 50)
    assert objective(image)[0] < objective(np.full(784, 0.5))[0]


def test_optimisation_runs_until_it_converges_and_warns_only_at_its_cap():
    net, target = random_network(), bq.label_vector(4)
    objective = bq.actmax_objective(net, target, 0.001, 0.003, 0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nor any other warning, e.g. SciPy's for an unknown option
        image = bq.actmax(net, target, 0.001, 0.003, 0.05, 1000)
    # converged: at every pixel not held at a bound, the gradient is flat
    free = (image > bq.LOW + 1e-9) & (image < bq.HIGH - 1e-9)
    assert np.count_nonzero(free) > 100
    assert np.abs(objective(image)[1][free]).max() <= 10 * bq.GRADIENT_TOLERANCE
    with pytest.warns(bq.NotConvergedWarning, match="cap of 3 iterations"):
        stopped = bq.actmax(net, target, 0.001, 0.003, 0.05, 3)
    assert objective(stopped)[0] > objective(image)[0]


def test_a_converged_image_moves_no_more_than_its_network(tiny_prior):
    """What makes backqueries reproducible across CPUs: rounding-sized changes to the
    network (another BLAS kernel's last bits) move a converged image by as little."""
    net = random_network()
    nudged = Network(
        *(a * (1 + 1e-12 * np.sign(np.sin(np.arange(a.size)))).reshape(a.shape) for a in net)
    )
    for method in ("actmax", "prior", "mixture"):
        settings = {"iterations": 1000}
        first = bq.backquery(net, bq.label_vector(2), method, settings, tiny_prior)
        second = bq.backquery(nudged, bq.label_vector(2), method, settings, tiny_prior)
        assert np.abs(first - second).max() < 1e-6, method


def test_backquery_digits_names_each_digit_that_hit_the_cap(tiny_prior):
    net = random_network()
    images, notes = bq.backquery_digits(net, "prior", {"iterations": 1}, tiny_prior)
    assert images.shape == (10, 784)
    assert notes == [
        f"prior, digit {d}: L-BFGS-B stopped at its cap of 1 iterations before "
        "converging (raise the method's `iterations`)"
        for d in range(10)
    ]
    assert bq.backquery_digits(net, "prior", {"iterations": 1000}, tiny_prior)[1] == []


def test_mixture_keeps_the_lowest_objective(tiny_prior):
    net, target = random_network(), bq.label_vector(8)
    images, values = bq.fit_gaussians(
        net, target, tiny_prior, tiny_prior.centres, tiny_prior.spreads, 0.02, 30
    )
    chosen = bq.mixture(net, target, tiny_prior, 0.02, 30, starts=len(tiny_prior.centres))
    assert np.array_equal(chosen, images[np.argmin(values)])
    assert len(set(values.tolist())) == len(values)


def test_mixture_starts_from_the_clusters_closest_to_the_target(tiny_prior):
    net, target = random_network(), bq.label_vector(3)
    errors = bq.output_error(net, tiny_prior.images(tiny_prior.centres), target)[0]
    closest = bq.closest_clusters(net, target, tiny_prior, 2)
    assert closest.tolist() == sorted(np.argsort(errors)[:2].tolist())
    assert np.max(errors[closest]) < np.min(np.delete(errors, closest))

    images, values = bq.fit_gaussians(
        net, target, tiny_prior, tiny_prior.centres[closest], tiny_prior.spreads[closest], 0.02, 30
    )
    chosen = bq.mixture(net, target, tiny_prior, 0.02, 30, starts=2)
    assert np.array_equal(chosen, images[np.argmin(values)])
    # more starts than clusters: every cluster
    assert bq.closest_clusters(net, target, tiny_prior, 99).tolist() == [0, 1, 2, 3]


# --- every method: the range, and no labels ------------------------------------------------------


@pytest.mark.parametrize("method", bq.METHODS)
def test_every_image_lies_in_the_input_range(method, tiny_prior, tiny_images):
    net = random_network()
    targets = [bq.label_vector(0), bq.label_vector(9), [0.01] * 3 + [0.5] + [0.2] * 6]
    if method != "posterior":  # a vector of equal values singles out no digit (tested below)
        targets.append([0.5] * 10)
    for target in targets:
        settings = FAST.get(method, {})
        image = bq.backquery(net, target, method, settings, tiny_prior, tiny_images[0])
        assert image.shape == (784,) and image.dtype == np.float64
        assert np.all(image >= 0.01) and np.all(image <= 0.99)


def all_method_images(net, images_u8, labels):
    """What the pipeline computes from the training data: labels go to ``mean_images`` only."""
    image_prior = ip.fit_image_prior(images_u8, components=6, clusters=4, sample=200, rng_seed=1)
    result = {
        method: np.array(
            [
                bq.backquery(
                    net, bq.label_vector(d), method, FAST.get(method, {}), image_prior, images_u8
                )
                for d in (0, 5, 9)
            ]
        )
        for method in bq.METHODS
    }
    result["mean"] = quality.mean_images(images_u8, labels)
    return result


def test_no_method_but_mean_reads_labels(tiny_images):
    images_u8, labels = tiny_images
    net = random_network()
    shuffled = np.random.default_rng(7).permutation(labels)
    original, relabelled = (all_method_images(net, images_u8, lab) for lab in (labels, shuffled))
    for method in bq.METHODS:
        assert np.array_equal(original[method], relabelled[method]), method
    assert not np.allclose(original["mean"], relabelled["mean"])


def test_no_function_of_the_methods_or_the_prior_takes_labels():
    takes_labels = [
        name
        for module in (bq, ip)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__
        and any("label" in p for p in inspect.signature(function).parameters)
    ]
    assert takes_labels == []
    assert "labels" in inspect.signature(quality.mean_images).parameters  # the pattern finds one


def test_mean_images_average_each_digit():
    images = np.array([[0] * 784, [255] * 784, [51] * 784] * 10, dtype=np.uint8)
    labels = np.repeat(np.arange(10), 3)
    means = quality.mean_images(images, labels)
    assert means.shape == (10, 784)
    assert np.allclose(means, scale_pixels(np.full((10, 784), 102.0)))
    with pytest.raises(BackqueryError, match="digit 9"):
        quality.mean_images(images[:27], labels[:27])


# --- the image prior -----------------------------------------------------------------------------


def test_image_prior_is_a_principal_component_model(tiny_images, tiny_prior):
    scaled = scale_pixels(tiny_images[0])
    assert np.allclose(tiny_prior.mean, scaled.mean(axis=0))
    components = tiny_prior.components
    assert np.allclose(components @ components.T, np.eye(6))
    coefficients = (scaled - tiny_prior.mean) @ components.T
    assert np.allclose(coefficients.var(axis=0), tiny_prior.variances)
    assert np.all(np.diff(tiny_prior.variances) <= 0)
    # no direction outside the components carries more variance than the last one kept
    residual = (scaled - tiny_prior.mean) - coefficients @ components
    largest_left = np.linalg.eigvalsh(np.cov(residual.T, bias=True)).max()
    assert largest_left <= tiny_prior.variances[-1] + 1e-9
    assert tiny_prior.centres.shape == tiny_prior.spreads.shape == (4, 6)
    assert tiny_prior.weights.sum() == pytest.approx(1.0)


def test_image_prior_fit_is_deterministic_and_round_trips(tiny_images, tiny_prior, tmp_path):
    again = ip.fit_image_prior(tiny_images[0], components=6, clusters=4, sample=200, rng_seed=1)
    tiny_prior.save(tmp_path / "prior.npz")
    loaded = ip.ImagePrior.load(tmp_path / "prior.npz")
    for name in ip.PRIOR_ARRAYS:
        assert np.array_equal(getattr(again, name), getattr(tiny_prior, name)), name
        assert np.array_equal(getattr(loaded, name), getattr(tiny_prior, name)), name


def test_a_malformed_prior_file_is_named(tmp_path):
    np.savez(tmp_path / "bad.npz", mean=np.zeros(784))
    with pytest.raises(BackqueryError, match=r"bad.npz: not an image prior, missing arrays"):
        ip.ImagePrior.load(tmp_path / "bad.npz")
    arrays = {name: np.zeros((2, 3)) for name in ip.PRIOR_ARRAYS}
    arrays["variances"], arrays["weights"] = np.zeros(3), np.zeros(2)
    np.savez(tmp_path / "shapes.npz", **arrays)
    with pytest.raises(BackqueryError, match=r"array 'mean' has shape \(2, 3\), expected \(784,\)"):
        ip.ImagePrior.load(tmp_path / "shapes.npz")


# --- breakdowns at run time: refused, never written as a result ----------------------------------


def test_the_prior_keeps_only_directions_in_which_the_images_vary(tiny_images):
    """300 images span at most 299 directions: asked for all 784, the prior keeps the ones
    with variance above rounding, and every variance it keeps is positive."""
    image_prior = ip.fit_image_prior(tiny_images[0], components=784, clusters=4, sample=200)
    scaled = scale_pixels(tiny_images[0])
    rank = np.linalg.matrix_rank(scaled - scaled.mean(axis=0))
    assert len(image_prior.variances) == rank < 300
    assert np.all(image_prior.variances > 0)
    images, _ = bq.backquery_digits(random_network(), "prior", FAST["prior"], image_prior)
    assert np.all(np.isfinite(images)) and np.all(np.ptp(images, axis=1) > 0)


def test_images_that_do_not_vary_give_no_prior():
    with pytest.raises(BackqueryError, match="the training images do not vary"):
        ip.fit_image_prior(np.full((20, 784), 7, np.uint8), components=4, clusters=2)


def test_more_clusters_than_images_are_refused_naming_the_key(tiny_images):
    with pytest.raises(BackqueryError, match=r"image_prior.clusters: 40 clusters .* in 30 images"):
        ip.fit_image_prior(tiny_images[0], components=4, clusters=40, sample=30)


def test_an_optimisation_that_never_moves_fails_naming_method_and_digit(tiny_prior):
    net = random_network()
    flat = Network(net.W1, np.zeros_like(net.W2), net.v1, np.zeros(10))  # output ignores image
    unpenalised = {"actmax": {"l2": 0, "tv": 0}}  # penalties alone would move actmax
    for method in ("actmax", "prior", "mixture"):
        settings = FAST[method] | unpenalised.get(method, {})
        message = (
            f"{method}, digit 0: the optimisation never moved from its start: the objective's "
            "gradient is 0 there; likely cause: the network's output does not depend on the "
            "image (e.g. zero weights)"
        )
        with pytest.raises(BackqueryError, match=f"^{re.escape(message)}$"):
            bq.backquery_digits(flat, method, settings, tiny_prior)


def test_an_objective_that_overflows_fails_naming_method_and_digit():
    settings = {**FAST["actmax"], "l2": 1e308}  # 0.5 * l2 * |x| ** 2 overflows
    message = (
        "actmax, digit 0: the objective is inf (or its gradient not finite) at the start of the "
        "optimisation; likely cause: a penalty weight so large that it overflows, or a "
        "degenerate network"
    )
    with pytest.raises(BackqueryError, match=f"^{re.escape(message)}$"):
        bq.backquery_digits(random_network(), "actmax", settings)


def test_a_constant_image_is_not_a_result():
    settings = {**FAST["actmax"], "l2": 1e300}  # every pixel driven to the lower bound
    with pytest.raises(BackqueryError, match=r"^actmax, digit 0: every pixel .* is 0.01"):
        bq.backquery_digits(random_network(), "actmax", settings)


# --- writing the images --------------------------------------------------------------------------


def test_save_backqueries_writes_every_method_and_query_and_says_so(tmp_path, tiny_prior):
    net = random_network()
    methods = {"seed": {}, "prior": {"iterations": 1}}  # one iteration: stops at the cap
    outputs = method_files_by_method(method_files(str(tmp_path), methods), methods)
    half_three = [0.01] * 3 + [0.5] + [0.01] * 6
    queries = bq.checked_queries(
        {"half_three": half_three}, query_files(str(tmp_path), ["half_three"])
    )
    lines = []
    bq.save_backqueries(
        net, methods, outputs, lines.append, queries=queries, image_prior=tiny_prior
    )
    for digit in range(10):
        assert np.array_equal(
            np.load(tmp_path / "seed" / f"{digit}.npy"), bq.seed(net, bq.label_vector(digit))
        )
        assert (tmp_path / "prior" / f"{digit}.png").stat().st_size > 0
    assert np.array_equal(np.load(tmp_path / "half_three.npy"), bq.seed(net, np.array(half_three)))
    assert (tmp_path / "half_three.png").stat().st_size > 0
    capped = [
        f"warning: prior, digit {digit}: L-BFGS-B stopped at its cap of 1 iterations "
        "before converging (raise the method's `iterations`)"
        for digit in range(10)
    ]
    assert lines == [
        "seed backquery of digits 0-9",
        *capped,
        "prior backquery of digits 0-9",
        "query half_three",
    ]


def test_a_query_whose_hidden_layer_is_degenerate_is_named(tmp_path):
    net = random_network()
    flat = Network(net.W1, np.zeros_like(net.W2), net.v1, net.v2)
    queries = bq.checked_queries({"q": [0.5] * 9 + [0.6]}, query_files(str(tmp_path), ["q"]))
    with pytest.raises(BackqueryError, match="^query q: hidden layer is degenerate: "):
        bq.save_backqueries(flat, {}, {}, print, queries=queries)
    assert not (tmp_path / "q.npy").exists()


def test_an_image_that_is_not_finite_or_constant_is_named():
    with pytest.raises(
        BackqueryError, match="^seed, digit 4: the image holds values that are not finite$"
    ):
        bq.check_image(np.full(784, np.nan), "seed, digit 4")
    blank = np.zeros((5, 784), dtype=np.uint8)  # every training image blank: so is the posterior
    with pytest.raises(
        BackqueryError, match=r"^posterior, digit 0: every pixel .* is 0.01, no result$"
    ):
        bq.backquery_digits(random_network(), "posterior", {}, None, blank)
