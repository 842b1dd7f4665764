"""Every default of the configuration, once: what a key left out of the config means.

Standard library only (the Snakefile may import it at parse time).  The
schema (workflow/schemas/config.schema.yaml) and config/config.yaml state the
same values for users; tests/test_defaults.py checks that the three agree and
that config/README.md describes every key.
"""

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class ModelDefaults:
    """How a model under ``models:`` is trained (:class:`mnistnn.network.Hyperparameters`).

    The one key that is not about training, ``analysis``, is :data:`ANALYSIS`.
    """

    hidden_nodes: int = 200
    learning_rate: float = 0.1
    epochs: int = 5
    batch_size: int = 1
    train_thresholds: bool = True
    shuffle: bool = False
    #: seeds the initial weights, the shuffle and the untrained control (an RNG seed)
    seed: int = 1
    #: samples seen (counted across epochs) at which to keep a snapshot
    snapshots: tuple[int, ...] = ()
    #: one of :data:`mnistnn.network.UPDATE_RULES`
    update_rule: str = "exact"


@dataclass(frozen=True)
class ImagePriorDefaults:
    """``backquery: image_prior:``, the label-free prior of methods prior and mixture."""

    components: int = 64
    clusters: int = 40
    sample: int = 10000
    #: seeds the sample and the k-means start (an RNG seed)
    seed: int = 0


@dataclass(frozen=True)
class ClaimDefaults:
    """``claim:``, the claim study (:class:`mnistnn.claim.Study` adds what follows from it)."""

    hidden_nodes: tuple[int, ...] = (10, 25, 50, 100)
    init_seeds: tuple[int, ...] = (1, 2)
    epochs: int = 3
    learning_rate: float = 0.1
    snapshots: int = 5
    first_snapshot: int = 30
    high_accuracy: float = 0.85
    bootstrap_samples: int = 2000
    bootstrap_rng_seed: int = 0


MODEL = ModelDefaults()
IMAGE_PRIOR = ImagePriorDefaults()
CLAIM = ClaimDefaults()

#: ``backquery: methods:``: each method's settings, read-only.
METHOD_SETTINGS = MappingProxyType(
    {
        "seed": MappingProxyType({}),
        "pinv": MappingProxyType({}),
        # l2: weight of 0.5 * sum(x ** 2); tv: weight of the smoothed total
        # variation sum(sqrt(d ** 2 + tv_epsilon ** 2) - tv_epsilon) over the
        # differences d of horizontally and vertically adjacent pixels
        "actmax": MappingProxyType(
            {"l2": 0.001, "tv": 0.003, "tv_epsilon": 0.05, "iterations": 300}
        ),
        # weight of the Gaussian penalty 0.5 * sum(z ** 2 / variances)
        "prior": MappingProxyType({"weight": 0.02, "iterations": 300}),
        # weight of each cluster's penalty 0.5 * sum((z - centre) ** 2 / spread);
        # starts: how many clusters to optimise from
        "mixture": MappingProxyType({"weight": 0.02, "iterations": 300, "starts": 4}),
        "posterior": MappingProxyType({}),
    }
)

#: Every label-free backquery method, in the order figures and tables show them.
METHODS = tuple(METHOD_SETTINGS)

#: ``models: NAME: analysis:``: what is built from a trained model
ANALYSIS = "full"
#: ``backquery: best_method:`` and ``control_seed:``; ``mnist: timeout:``; ``figures: model:``
BEST_METHOD = "posterior"
CONTROL_SEED = 0
MNIST_TIMEOUT = 20
FIGURES_MODEL = "book"
