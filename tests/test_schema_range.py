"""Property: every model and backquery setting the schema accepts gives images or a clear refusal.

Hypothesis draws values across the schema's accepted range of each numeric
model setting and backquery setting (bounded above only where the schema has
no maximum, to keep a tiny model on the tiny MNIST fast; larger sizes are
refused by the memory check, tests/test_config_checks.py), trains the model
and runs the methods.  Each accepted combination must give ten finite images,
none of them constant; otherwise the library must raise one of the project's
errors, naming the method and digit or the setting.  Derandomized and with a
fixed number of examples, so that a run is reproducible.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mnistnn.backquery import backquery_digits
from mnistnn.errors import BackqueryError, MnistnnError, TrainingError
from mnistnn.idx import load_mnist
from mnistnn.image_prior import fit_image_prior
from mnistnn.network import Hyperparameters, train

#: Reproducible, and bounded so that the file runs in well under a minute on a busy machine.
SETTINGS = settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
#: Positive, finite numbers as YAML would give them: from just above 0 to huge.
POSITIVE = st.floats(min_value=0, max_value=1e12, exclude_min=True, allow_subnormal=False)
NON_NEGATIVE = st.one_of(st.just(0.0), POSITIVE)


@pytest.fixture(scope="module")
def tiny_data(tiny_mnist):
    """The tiny MNIST's training and test images ``(n, 784)`` uint8 and labels."""
    folder, _ = tiny_mnist
    return (*load_mnist(folder, "train"), *load_mnist(folder, "t10k"))


models = st.builds(
    Hyperparameters,
    hidden_nodes=st.integers(2, 24),
    learning_rate=POSITIVE,
    epochs=st.integers(1, 2),
    batch_size=st.integers(1, 400),  # beyond the 300 training images too
    train_thresholds=st.booleans(),
    shuffle=st.booleans(),
    seed=st.integers(0, 2**63),
    update_rule=st.sampled_from(["exact", "book"]),
)


def trained(data, hyper: Hyperparameters):
    """The network ``hyper`` trains on ``data``; None when training refuses, naming why."""
    try:
        return train(*data, hyper, progress=lambda line: None).net
    except TrainingError as error:
        assert "learning_rate" in str(error) or "snapshots" in str(error), error
        return None


def assert_images_or_refusal(method: str, run) -> None:
    """``run()`` gives ``(10, 784)`` finite, non-constant images, or refuses naming ``method``."""
    try:
        images, _ = run()
    except MnistnnError as error:
        assert method in str(error) or "backquery" in str(error), error
        return
    assert images.shape == (10, 784)
    assert np.all(np.isfinite(images)), method
    assert np.all(np.ptp(images, axis=1) > 0), method


@SETTINGS
@given(hyper=models)
def test_every_accepted_model_gives_images_or_a_clear_refusal(tiny_data, hyper):
    net = trained(tiny_data, hyper)
    if net is None:
        return
    assert all(np.all(np.isfinite(array)) for array in net)
    for method in ("seed", "pinv", "posterior"):
        assert_images_or_refusal(
            method, lambda m=method: backquery_digits(net, m, train_images=tiny_data[0])
        )


image_priors = st.fixed_dictionaries(
    {
        "components": st.integers(1, 400),
        "clusters": st.integers(1, 40),
        "sample": st.integers(1, 400),  # beyond the 300 training images too
        "rng_seed": st.integers(0, 2**63),
    }
)
ITERATIONS = st.integers(1, 15)
methods = st.fixed_dictionaries(
    {
        "actmax": st.fixed_dictionaries(
            {
                "l2": NON_NEGATIVE,
                "tv": NON_NEGATIVE,
                "tv_epsilon": st.floats(0, 1, exclude_min=True, allow_subnormal=False),
                "iterations": ITERATIONS,
            }
        ),
        "prior": st.fixed_dictionaries({"weight": NON_NEGATIVE, "iterations": ITERATIONS}),
        "mixture": st.fixed_dictionaries(
            {"weight": NON_NEGATIVE, "iterations": ITERATIONS, "starts": st.integers(1, 40)}
        ),
    }
)


@SETTINGS
@given(
    hidden_nodes=st.integers(2, 16),
    prior_settings=image_priors,
    method_settings=methods,
)
def test_every_accepted_backquery_setting_gives_images_or_a_clear_refusal(
    tiny_data, hidden_nodes, prior_settings, method_settings
):
    net = trained(
        tiny_data, Hyperparameters(hidden_nodes=hidden_nodes, learning_rate=0.3, epochs=1)
    )
    try:
        image_prior = fit_image_prior(tiny_data[0], **prior_settings)
    except BackqueryError as error:
        assert "clusters" in str(error), error  # more clusters than images in the sample
        assert prior_settings["clusters"] > min(prior_settings["sample"], len(tiny_data[0]))
        return
    assert np.all(np.isfinite(image_prior.variances)) and np.all(image_prior.variances > 0)
    for method, chosen in method_settings.items():
        assert_images_or_refusal(
            method, lambda m=method, s=chosen: backquery_digits(net, m, s, image_prior)
        )
