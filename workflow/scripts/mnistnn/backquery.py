"""Ways of running the network backwards: which image does it associate with a label vector?

Every method takes a label vector ``t`` (10 values in (0, 1); :func:`label_vector`
gives the usual 0.99 / 0.01 one) and returns an image of 784 float64 pixels in
[0.01, 0.99], the range of the network's inputs.  The network convention is the
one of :mod:`mnistnn.network`: ``h = sigmoid(x @ W1 - v1)``, ``y = sigmoid(h @ W2 - v2)``.

- ``seed``: Rashid's backquery: invert each sigmoid with the logit, each
  weight matrix with its transpose, and rescale each layer into [0.01, 0.99].
- ``pinv``: the same, but each weight matrix is inverted by least squares
  (the minimum-norm solution) instead of its transpose.
- ``actmax``: activation maximisation: the image in [0.01, 0.99]^784 whose
  output is closest to ``t``, with an L2 and a (smoothed) total-variation penalty.
- ``prior``: the same output error, with a Gaussian prior over images instead:
  the image is ``mean + z @ components`` and ``z`` pays its Mahalanobis norm.
- ``mixture``: the same, with one Gaussian per cluster of training images:
  optimise from the centres of the few clusters whose centre image is
  already closest to the target, and keep the lowest objective.
- ``posterior``: Bayes' rule.  The unlabelled training images ``x_i`` are
  the prior; the network's outputs, normalised to sum 1 over the ten digits,
  are the likelihood ``p(d | x) = y_d(x) / sum_e y_e(x)``.  The image of digit
  ``d`` is the posterior mean ``E[x | d] = sum_i p(d | x_i) x_i / sum_i p(d | x_i)``:
  the average training image, each weighted by how much the network takes it
  for a ``d``.  This is a backquery in the plain sense: it goes from a label
  to an image through the network alone (Bayes' rule inverts the network,
  the data set is the prior), and an untrained network, whose outputs hardly
  depend on the image, gives nearly the mean of all images for every digit.
  A general label vector ``t`` is read as evidence above its floor: digit
  ``d`` gets the weight ``w_d = t_d - min(t)`` and image ``x_i`` the weight
  ``sum_d w_d p(d | x_i)``.  The book's targets put 0.01 on every digit a
  label is *not*, so the usual label vector of ``d`` gives exactly ``E[x | d]``
  and ``three_or_eight`` weighs 3 and 8 equally; a vector with all values
  equal singles out no digit and is refused.  One float32 forward pass over
  the training images serves all ten digits (:func:`backquery_digits`).

The image prior (:class:`mnistnn.image_prior.ImagePrior`) is fitted to the training images
without their labels, and ``posterior`` weighs the training images by the
network's outputs alone, so no method learns anything about a digit except
through the network.  Only :func:`mnistnn.quality.mean_images`, the
reference that a method is compared against, reads labels.

The optimising methods minimise, over images ``x``,
``0.5 * sum((y(x) - t) ** 2) + penalty(x)`` with L-BFGS-B and an analytic
gradient, until it converges (:func:`lbfgs`); :data:`DEFAULT_SETTINGS` lists
each method's settings, ``iterations`` being a cap that only guards against a
run that does not converge.

"""

import functools
import warnings
from collections.abc import Callable, Mapping
from numbers import Real

import numpy as np
from scipy.optimize import minimize
from scipy.special import logit

from mnistnn import defaults
from mnistnn.defaults import METHODS
from mnistnn.errors import BackqueryError, QueryError
from mnistnn.image_prior import ImagePrior
from mnistnn.images import save_digit, save_digits
from mnistnn.layout import query_files_by_name
from mnistnn.network import (
    HIGH,
    LOW,
    N_INPUTS,
    N_OUTPUTS,
    Network,
    feedforward,
    float32_input_chunks,
    normalised_outputs,
)

#: Each method's settings and their defaults (config ``backquery: methods:``).
DEFAULT_SETTINGS = defaults.METHOD_SETTINGS

#: Image side: the 784 pixels are a 28 x 28 image in row-major order.
SIDE = 28


def label_vector(digit: int) -> np.ndarray:
    """The ``(10,)`` label vector of ``digit``: 0.99 at the digit, 0.01 elsewhere."""
    target = np.full(N_OUTPUTS, LOW)
    target[digit] = HIGH
    return target


def check_label_vector(values, name: str) -> np.ndarray:
    """Return ``values`` as a float64 ``(10,)`` array, or raise :class:`QueryError`.

    Each value must be a real number strictly between 0 and 1 (the logit of 0
    or 1 is infinite and the image would silently be NaN); ``bool`` and
    strings are refused.  ``name`` names the query in the message.
    """
    values = list(values) if isinstance(values, list | tuple | np.ndarray) else [values]
    if len(values) != N_OUTPUTS:
        raise QueryError(f"query {name!r}: {len(values)} values, expected exactly {N_OUTPUTS}")
    for position, value in enumerate(values):
        is_number = isinstance(value, Real) and not isinstance(value, bool | np.bool_)
        if not (is_number and 0.0 < float(value) < 1.0):
            shown = value.item() if isinstance(value, np.generic) else value
            raise QueryError(
                f"query {name!r}: value {shown!r} at position {position} is not a number "
                "strictly between 0 and 1"
            )
    return np.array(values, dtype=np.float64)


def rescale(values: np.ndarray, layer: str) -> np.ndarray:
    """Map ``values`` linearly onto [0.01, 0.99], in the book's order of operations.

    Subtract the minimum, divide by the (new) maximum, multiply by 0.98, add
    0.01.  Raises :class:`BackqueryError` naming ``layer`` when all values are
    equal, where the division would give NaN, or equal but for rounding
    errors, which the division would blow up into a whole image of noise.
    """
    rounding = 16 * np.finfo(np.float64).eps * np.max(np.abs(values))
    values = values - np.min(values)
    span = np.max(values)
    if not (np.isfinite(span) and span > rounding):
        raise BackqueryError(
            f"{layer} layer is degenerate: all its values are equal (or not finite), "
            "so it cannot be rescaled into [0.01, 0.99] (a layer of one node always is)"
        )
    values = values / span
    values = values * 0.98
    return values + 0.01


def seed(net: Network, target: np.ndarray) -> np.ndarray:
    """Rashid's backquery of ``target`` ``(10,)``, with thresholds; returns ``(784,)``.

    Each step follows the book's code in order, on a ``1 x n`` row instead
    of its column.  With ``v1 = v2 = 0`` the result is bit for bit that of the
    book's ``backquery`` given ``wih = W1.T`` and ``who = W2.T`` (the same BLAS
    calls; contiguous copies of those matrices may round the last bit differently).
    """
    final_inputs = logit(np.asarray(target, dtype=np.float64)[np.newaxis, :]) + net.v2
    hidden_outputs = rescale(final_inputs @ net.W2.T, "hidden")
    hidden_inputs = logit(hidden_outputs) + net.v1
    return rescale(hidden_inputs @ net.W1.T, "input")[0]


def layer_inverses(net: Network) -> tuple[np.ndarray, np.ndarray]:
    """The pseudo-inverses of ``W1`` and ``W2``: ``(H, 784)`` and ``(10, H)``.

    For a layer's ``W`` ``(n, m)``, ``rhs @ pinv(W)`` is the ``x`` of least
    norm among those minimising ``||x @ W - rhs||``; for ``n > m`` (more
    inputs than outputs) the system is underdetermined and ``x`` solves it
    exactly when ``W`` has full rank.  One network's inverses serve every
    label vector, so :func:`backquery_digits` computes them once.
    """
    return np.linalg.pinv(net.W1), np.linalg.pinv(net.W2)


def pinv(
    net: Network, target: np.ndarray, inverses: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """Backquery with each layer inverted by least squares; returns ``(784,)``.

    ``inverses`` are the network's :func:`layer_inverses`, computed here when not given.
    """
    W1_inverse, W2_inverse = layer_inverses(net) if inverses is None else inverses
    final_inputs = logit(np.asarray(target, dtype=np.float64)) + net.v2
    hidden_outputs = rescale(final_inputs @ W2_inverse, "hidden")
    hidden_inputs = logit(hidden_outputs) + net.v1
    return rescale(hidden_inputs @ W1_inverse, "input")


def output_error(net: Network, images: np.ndarray, target: np.ndarray):
    """``0.5 * sum((y - t) ** 2)`` for each row of ``images`` ``(n, 784)``, and its gradient.

    Returns ``(errors (n,), gradients (n, 784))``: backpropagation as in
    :func:`mnistnn.network.gradient`, carried one layer further, to the inputs.
    """
    hidden, output = feedforward(net, images)
    delta2 = (output - target) * output * (1.0 - output)
    delta1 = (delta2 @ net.W2.T) * hidden * (1.0 - hidden)
    return 0.5 * np.sum((output - target) ** 2, axis=-1), delta1 @ net.W1.T


def total_variation(image: np.ndarray, epsilon: float):
    """Smoothed total variation of a ``(784,)`` image and its gradient.

    ``sum(sqrt(d ** 2 + epsilon ** 2) - epsilon)`` over the differences ``d`` of
    horizontally and vertically adjacent pixels: about ``sum(|d|)`` for edges
    much larger than ``epsilon``, but differentiable at ``d = 0``.
    """
    pixels = image.reshape(SIDE, SIDE)
    value = 0.0
    grad = np.zeros_like(pixels)
    for axis in (0, 1):
        d = np.diff(pixels, axis=axis)
        smooth = np.sqrt(d**2 + epsilon**2)
        value += float(np.sum(smooth - epsilon))
        slope = d / smooth
        # d[i] = p[i + 1] - p[i]: p[i + 1] gains slope[i], p[i] loses it
        lead = [slice(None)] * 2
        lead[axis] = slice(1, None)
        trail = [slice(None)] * 2
        trail[axis] = slice(None, -1)
        grad[tuple(lead)] += slope
        grad[tuple(trail)] -= slope
    return value, grad.ravel()


#: L-BFGS-B has converged when a step lowers the objective by less than this
#: fraction of it (SciPy's ``ftol``) ...
OBJECTIVE_TOLERANCE = 1e-10
#: ... or when no coordinate of the (projected) gradient exceeds this (``gtol``).
#: Measured on ``book``'s final network: every digit of every method converges
#: within 125 iterations, and the images agree across CPUs (other vector widths
#: and BLAS kernels) to 4e-5, where SciPy's defaults (ftol 2.2e-9, gtol 1e-5)
#: stop earlier, while a step still moves pixels by up to 2e-3.
GRADIENT_TOLERANCE = 1e-6


class NotConvergedWarning(UserWarning):
    """L-BFGS-B reached its iteration cap before it converged: the image is still moving."""


def lbfgs(objective, start: np.ndarray, iterations: int, bounds=None) -> np.ndarray:
    """The point where L-BFGS-B converges from ``start``, with ``iterations`` as a cap.

    ``objective`` maps a point to ``(value, gradient)``; ``bounds`` is SciPy's
    list of ``(low, high)`` per coordinate, or None.  Convergence is judged by
    :data:`OBJECTIVE_TOLERANCE` and :data:`GRADIENT_TOLERANCE`; a run that
    reaches the cap first issues a :class:`NotConvergedWarning`; one that
    meets a value or gradient that is not finite, or never moves from
    ``start``, raises :class:`BackqueryError` (see :func:`check_optimisation`).
    """
    options = {"maxiter": iterations, "ftol": OBJECTIVE_TOLERANCE, "gtol": GRADIENT_TOLERANCE}
    check_optimisation(objective, start)
    result = minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds, options=options)
    check_optimisation(objective, result.x, start)
    if result.status == 1:  # SciPy's "maximum number of iterations exceeded"
        warnings.warn(
            f"L-BFGS-B stopped at its cap of {iterations} iterations before converging "
            "(raise the method's `iterations`)",
            NotConvergedWarning,
            stacklevel=2,
        )
    return result.x


def check_optimisation(objective, point: np.ndarray, start: np.ndarray | None = None) -> None:
    """Raise :class:`BackqueryError` unless ``objective`` is finite at ``point`` and,
    when ``start`` is given, ``point`` is not ``start``: L-BFGS-B that never moved
    would hand back its start (a grey or mean image) as if it were a result."""
    value, gradient = objective(point)
    if not (np.isfinite(value) and np.all(np.isfinite(gradient))):
        raise BackqueryError(
            f"the objective is {value} (or its gradient not finite) at the "
            f"{'start' if start is None else 'end'} of the optimisation; likely cause: a "
            "penalty weight so large that it overflows, or a degenerate network"
        )
    if start is not None and np.array_equal(point, start):
        raise BackqueryError(
            "the optimisation never moved from its start: the objective's gradient is 0 there; "
            "likely cause: the network's output does not depend on the image (e.g. zero weights)"
        )


def actmax_objective(net: Network, target: np.ndarray, l2: float, tv: float, tv_epsilon: float):
    """The function ``x -> (objective, gradient)`` that :func:`actmax` minimises."""

    def objective(image: np.ndarray):
        error, error_grad = output_error(net, image, target)
        variation, variation_grad = total_variation(image, tv_epsilon)
        value = error + 0.5 * l2 * image @ image + tv * variation
        return float(value), error_grad + l2 * image + tv * variation_grad

    return objective


def actmax(
    net: Network,
    target: np.ndarray,
    l2: float,
    tv: float,
    tv_epsilon: float,
    iterations: int,
) -> np.ndarray:
    """Activation maximisation with L2 and total-variation penalties; returns ``(784,)``.

    Starts from a uniform grey image (the middle of the box), so the result
    depends on nothing but the network and the settings.
    """
    start = np.full(N_INPUTS, 0.5 * (LOW + HIGH))
    objective = actmax_objective(net, target, l2, tv, tv_epsilon)
    return lbfgs(objective, start, iterations, bounds=[(LOW, HIGH)] * N_INPUTS)


def gaussian_objectives(
    net: Network,
    target: np.ndarray,
    image_prior: ImagePrior,
    centres: np.ndarray,
    spreads: np.ndarray,
    weight: float,
):
    """The objectives of ``m`` independent problems, one per Gaussian, as one function.

    ``centres`` and ``spreads`` are ``(m, k)``.  The returned function maps
    coefficients ``z`` ``(m, k)`` to ``(objectives (m,), gradients (m, k))``,
    problem ``i``'s objective being the output error of the image
    ``image_prior.images(z_i)`` plus ``0.5 * weight * sum((z_i - centres_i) ** 2 / spreads_i)``.
    """

    def objectives(coefficients: np.ndarray):
        unclipped = image_prior.mean + coefficients @ image_prior.components
        errors, error_grads = output_error(net, np.clip(unclipped, LOW, HIGH), target)
        # a clipped pixel does not move with the coefficients
        error_grads = error_grads * ((unclipped > LOW) & (unclipped < HIGH))
        offsets = coefficients - centres
        penalties = 0.5 * weight * np.sum(offsets**2 / spreads, axis=1)
        return (
            errors + penalties,
            error_grads @ image_prior.components.T + weight * offsets / spreads,
        )

    return objectives


def fit_gaussians(
    net: Network,
    target: np.ndarray,
    image_prior: ImagePrior,
    centres: np.ndarray,
    spreads: np.ndarray,
    weight: float,
    iterations: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Minimise each Gaussian's objective from its centre.

    The problems are independent, so their sum is minimised at once (one
    L-BFGS-B run over all coefficients, batched matrix products).  Returns
    the images ``(m, 784)`` and each problem's final objective ``(m,)``.
    """
    objectives = gaussian_objectives(net, target, image_prior, centres, spreads, weight)

    def total(flat: np.ndarray):
        values, grads = objectives(flat.reshape(centres.shape))
        return float(np.sum(values)), grads.ravel()

    coefficients = lbfgs(total, centres.ravel(), iterations).reshape(centres.shape)
    return image_prior.images(coefficients), objectives(coefficients)[0]


def prior(
    net: Network, target: np.ndarray, image_prior: ImagePrior, weight: float, iterations: int
) -> np.ndarray:
    """The output error with a Gaussian prior over all images; returns ``(784,)``.

    Starts from the mean image (``z = 0``).
    """
    centre = np.zeros((1, len(image_prior.variances)))
    spread = image_prior.variances[np.newaxis, :]
    return fit_gaussians(net, target, image_prior, centre, spread, weight, iterations)[0][0]


def closest_clusters(
    net: Network, target: np.ndarray, image_prior: ImagePrior, count: int
) -> np.ndarray:
    """Indices of the ``count`` clusters whose centre image has the lowest output error, in order.

    Where the optimisation ends up best, it nearly always started closest:
    on ``book`` and its snapshots the winning cluster ranks first or second of 40.
    """
    errors = output_error(net, image_prior.images(image_prior.centres), target)[0]
    return np.sort(np.argsort(errors, kind="stable")[:count])


def mixture(
    net: Network,
    target: np.ndarray,
    image_prior: ImagePrior,
    weight: float,
    iterations: int,
    starts: int,
) -> np.ndarray:
    """The output error with one Gaussian per cluster; the best cluster's image ``(784,)``.

    Only the ``starts`` clusters of :func:`closest_clusters` are optimised.
    """
    chosen = closest_clusters(net, target, image_prior, starts)
    images, values = fit_gaussians(
        net,
        target,
        image_prior,
        image_prior.centres[chosen],
        image_prior.spreads[chosen],
        weight,
        iterations,
    )
    return images[np.argmin(values)]


def method_settings(method: str, settings: dict) -> dict:
    """``settings`` over :data:`DEFAULT_SETTINGS`; raises on an unknown method or key."""
    if method not in DEFAULT_SETTINGS:
        raise BackqueryError(f"unknown backquery method {method!r}; known: {list(METHODS)}")
    unknown = sorted(set(settings) - set(DEFAULT_SETTINGS[method]))
    if unknown:
        raise BackqueryError(
            f"method {method!r}: unknown settings {unknown}; "
            f"known: {sorted(DEFAULT_SETTINGS[method])}"
        )
    return {**DEFAULT_SETTINGS[method], **settings}


def evidence_weights(targets: np.ndarray) -> np.ndarray:
    """Each label vector's weight per digit ``(m, 10)``: its values above its smallest.

    Raises :class:`BackqueryError` for a vector whose values are all equal:
    it singles out no digit.
    """
    targets = np.atleast_2d(np.asarray(targets, dtype=np.float64))
    weights = targets - targets.min(axis=1, keepdims=True)
    if not np.all(weights.max(axis=1) > 0):
        raise BackqueryError(
            "posterior: a label vector whose values are all equal singles out no digit"
        )
    return weights


def posterior(net: Network, targets: np.ndarray, train_images: np.ndarray) -> np.ndarray:
    """Posterior-mean images ``(m, 784)`` of label vectors ``targets`` ``(m, 10)``.

    Image ``x_i`` of ``train_images`` (uint8 ``(n, 784)``, or their float32
    :func:`mnistnn.network.network_inputs`) weighs ``sum_d w_d p(d | x_i)``
    (:func:`evidence_weights`, :func:`mnistnn.network.normalised_outputs`); the result is the
    weighted mean of the scaled images (summed in float32), clipped into
    [0.01, 0.99] like every method's.  No label of a training image is involved.
    """
    weights = normalised_outputs(net, train_images) @ evidence_weights(targets).T  # (n, m)
    totals = weights.sum(axis=0)
    if not np.all(totals > 0):
        raise BackqueryError("posterior: the network gives a label probability 0 on every image")
    sums = np.zeros((weights.shape[1], N_INPUTS))
    weights32 = (weights / totals).astype(np.float32)
    for start, inputs in float32_input_chunks(train_images):
        sums += weights32[start : start + len(inputs)].T @ inputs
    return np.clip(sums, LOW, HIGH)


def backquery(
    net: Network,
    target,
    method: str,
    settings: dict | None = None,
    image_prior: ImagePrior | None = None,
    train_images: np.ndarray | None = None,
) -> np.ndarray:
    """Run ``net`` backwards from label vector ``target`` with ``method``; returns ``(784,)``.

    ``settings`` holds that method's settings (missing keys take
    :data:`DEFAULT_SETTINGS`); ``prior`` and ``mixture`` need ``image_prior``,
    ``posterior`` the training images (uint8 ``(n, 784)`` or their float32
    :func:`mnistnn.network.network_inputs`; never their labels).
    """
    chosen = method_settings(method, settings or {})
    target = check_label_vector(target, "target")
    if method == "seed":
        return seed(net, target)
    if method == "pinv":
        return pinv(net, target)
    if method == "actmax":
        return actmax(net, target, **chosen)
    if method == "posterior":
        if train_images is None:
            raise BackqueryError("method 'posterior' needs the training images, none were given")
        return posterior(net, target, train_images)[0]
    if image_prior is None:
        raise BackqueryError(f"method {method!r} needs an image prior, none was given")
    if method == "prior":
        return prior(net, target, image_prior, **chosen)
    return mixture(net, target, image_prior, **chosen)


def backquery_digits(
    net: Network,
    method: str,
    settings: dict | None = None,
    image_prior: ImagePrior | None = None,
    train_images: np.ndarray | None = None,
) -> tuple[np.ndarray, list[str]]:
    """:func:`backquery` of every digit's :func:`label_vector`: images ``(10, 784)``.

    ``posterior`` makes one forward pass over the training images for all
    ten, and ``pinv`` inverts each weight matrix once for all ten.  Also
    returns a note for each digit whose optimisation stopped at its iteration
    cap (:class:`NotConvergedWarning`), for the job's log.
    """
    if method == "posterior" and train_images is not None:
        method_settings(method, settings or {})
        targets = np.array([label_vector(digit) for digit in range(N_OUTPUTS)])
        images = posterior(net, targets, train_images)
        for digit, image in enumerate(images):
            check_image(image, f"{method}, digit {digit}")
        return images, []
    if method == "pinv":
        method_settings(method, settings or {})
        solve = functools.partial(pinv, net, inverses=layer_inverses(net))
    else:
        solve = functools.partial(
            backquery,
            net,
            method=method,
            settings=settings,
            image_prior=image_prior,
            train_images=train_images,
        )
    images, notes = [], []
    for digit in range(N_OUTPUTS):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", NotConvergedWarning)
            try:
                image = solve(label_vector(digit))
            except BackqueryError as error:
                raise BackqueryError(f"{method}, digit {digit}: {error}") from None
            images.append(check_image(image, f"{method}, digit {digit}"))
        for warning in caught:
            if issubclass(warning.category, NotConvergedWarning):
                notes.append(f"{method}, digit {digit}: {warning.message}")
            else:
                warnings.warn(warning.message, warning.category, stacklevel=2)
    return np.array(images), notes


def check_image(image: np.ndarray, name: str) -> np.ndarray:
    """``image`` ``(784,)``, or :class:`BackqueryError` naming ``name`` when it is not a
    result: a value not finite, or every pixel the same."""
    if not np.all(np.isfinite(image)):
        raise BackqueryError(f"{name}: the image holds values that are not finite")
    if np.ptp(image) == 0:
        raise BackqueryError(f"{name}: every pixel of the image is {image[0]:g}, no result")
    return image


def checked_queries(
    queries: Mapping[str, list], paths: list[str]
) -> dict[str, tuple[np.ndarray, tuple[str, str]]]:
    """Config ``queries`` (``{name: ten values}``) and their output ``paths``
    (:func:`mnistnn.layout.query_files`) as :func:`save_backqueries` takes them, every
    label vector checked first (:func:`check_label_vector`), so a bad one writes nothing."""
    by_name = query_files_by_name(paths, queries)
    return {name: (check_label_vector(v, name), by_name[name]) for name, v in queries.items()}


def save_backqueries(
    net: Network,
    methods: Mapping[str, dict],
    outputs: Mapping[str, tuple[list[str], list[str]]],
    say: Callable[[str], None],
    *,
    queries: Mapping[str, tuple[np.ndarray, tuple[str, str]]] | None = None,
    image_prior: ImagePrior | None = None,
    train_images: np.ndarray | None = None,
) -> None:
    """Backquery every digit with each of ``methods`` (``{method: settings}``), and each
    extra label vector with :func:`seed`, and write the images.

    ``outputs`` maps each method to its ten ``.npy`` and ten ``.png`` paths
    (:func:`mnistnn.layout.method_files_by_method`); ``queries`` maps a query's
    name to its label vector and its ``.npy`` and ``.png`` path.  ``say`` gets
    a line per method and query and a warning per optimisation stopped at its
    cap.  ``image_prior`` is needed by ``prior`` and ``mixture``,
    ``train_images`` by ``posterior``.
    """
    for method, settings in methods.items():
        images, notes = backquery_digits(net, method, settings, image_prior, train_images)
        for note in notes:
            say(f"warning: {note}")
        save_digits(images, *outputs[method])
        say(f"{method} backquery of digits 0-9")
    for name, (target, paths) in (queries or {}).items():
        try:
            image = seed(net, target)
        except BackqueryError as error:
            raise BackqueryError(f"query {name}: {error}") from None
        save_digit(image, *paths)
        say(f"query {name}")
