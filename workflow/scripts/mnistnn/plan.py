"""What the config asks the run to build: the sweep's models and the claim study's runs.

Standard library only, like :mod:`mnistnn.layout` and :mod:`mnistnn.defaults`:
the Snakefile works these out at parse time, and every Snakemake run (and
every cluster job) parses the Snakefile.

A sweep lists values for some hyper-parameters and fixes the rest::

    sweep:
      hidden_nodes: [25, 50]
      learning_rate: [0.05, 0.1]
      seeds: [1, 2]
      epochs: [5]
      batch_size: [1]
      train_thresholds: true

Every combination becomes one model, named after its values:
``h25_lr0p05_s1`` (a ``p`` stands for the decimal point, which a model name
may not hold).  Epochs and batch size appear in the name (``e5``, ``b10``)
only when the sweep varies them.  :mod:`mnistnn.sweep` compares the models
after the run.  A sweep point trained exactly like a model under ``models:``
(``book``, say) is that model (:func:`sweep_models`).
"""

import dataclasses
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from mnistnn import defaults
from mnistnn.defaults import ClaimDefaults
from mnistnn.errors import MnistnnError

#: sweep key -> (model key, name prefix), in the order the parts appear in a name
AXES = {
    "hidden_nodes": ("hidden_nodes", "h"),
    "learning_rate": ("learning_rate", "lr"),
    "epochs": ("epochs", "e"),
    "batch_size": ("batch_size", "b"),
    "seeds": ("seed", "s"),
}
#: axes named even when the sweep holds one value, so names look alike across sweeps
ALWAYS_NAMED = ("hidden_nodes", "learning_rate", "seeds")


def name_part(value) -> str:
    """A hyper-parameter value as a model name spells it: ``0.05`` -> ``0p05``.

    Floats are written in the shortest positional form that reads back as the
    same number (``1e-05`` -> ``0p00001``, ``1.0`` -> ``1``), so distinct
    values never share a name.
    """
    if isinstance(value, float):
        value = format(Decimal(repr(value)), "f")
        if "." in value:
            value = value.rstrip("0").rstrip(".")
    return str(value).replace(".", "p")


def expand_sweep(sweep: Mapping) -> dict[str, dict]:
    """Expand a sweep into ``{name: model settings}``, one model per combination.

    The list-valued keys are those of :data:`AXES` (``seeds`` gives each model's
    ``seed``); every other key is copied into every model.  Raises
    :class:`MnistnnError` when no key is a list, or a list is empty or repeats a value.
    """
    axes = [key for key in AXES if key in sweep]
    if not axes:
        raise MnistnnError(f"sweep: lists none of {', '.join(AXES)}, so it defines no models")
    for key in axes:
        values = list(sweep[key])
        if not values:
            raise MnistnnError(f"sweep.{key}: the list of values is empty")
        repeated = sorted({v for v in values if values.count(v) > 1}, key=str)
        if repeated:
            raise MnistnnError(f"sweep.{key}: values {repeated} appear more than once")
    named = [key for key in axes if key in ALWAYS_NAMED or len(sweep[key]) > 1]
    fixed = {key: value for key, value in sweep.items() if key not in AXES}
    models = {}
    for combination in itertools.product(*(sweep[key] for key in axes)):
        values = dict(zip(axes, combination, strict=True))
        name = "_".join(AXES[key][1] + name_part(values[key]) for key in named)
        models[name] = {AXES[key][0]: values[key] for key in axes} | fixed
    return models


#: what a model's settings say beyond how it is trained: what is saved or drawn of it
NOT_TRAINING = ("snapshots", "analysis")


def training_settings(settings: Mapping) -> tuple:
    """What decides a model's trained weights: its settings with defaults filled in,
    without :data:`NOT_TRAINING`, as a sorted tuple to compare."""
    full = dataclasses.asdict(defaults.MODEL) | dict(settings)
    return tuple(sorted((key, value) for key, value in full.items() if key not in NOT_TRAINING))


NATURAL_ORDER = ("hidden_nodes", "learning_rate", "seed", "epochs", "batch_size")


def natural_order(settings: Mapping) -> tuple:
    """A sweep model's place: by hidden size, then learning rate, then seed (then epochs and
    batch size)."""
    return tuple(settings.get(key, 0) for key in NATURAL_ORDER)


def sweep_models(models: Mapping, sweep: Mapping) -> dict[str, dict]:
    """The models of ``sweep`` in :func:`natural_order`, ``{name: settings}``.

    A sweep point trained exactly like a model of ``models`` (the same
    :func:`training_settings`) is that model, under its name and with its
    settings: identical settings are trained once.  Raises
    :class:`MnistnnError` when a sweep model would take a listed model's name
    with other settings.
    """
    listed = {training_settings(settings): name for name, settings in models.items()}
    swept = {}
    for name, settings in sorted(expand_sweep(sweep).items(), key=lambda m: natural_order(m[1])):
        same = listed.get(training_settings(settings))
        if same is not None:
            swept[same] = models[same]
        elif name in models:
            raise MnistnnError(
                f"sweep: model {name} is also listed under models, with other settings"
            )
        else:
            swept[name] = settings
    return swept


def add_sweep(models: Mapping, sweep: Mapping | None) -> dict[str, dict]:
    """``models`` in the config's order, then the new models of ``sweep`` (none when it is
    ``None``) in :func:`natural_order`; see :func:`sweep_models`."""
    swept = sweep_models(models, sweep) if sweep else {}
    return {**models, **{name: s for name, s in swept.items() if name not in models}}


@dataclass(frozen=True)
class Study(ClaimDefaults):
    """The design of the claim study (config ``claim:``; fields as :class:`ClaimDefaults`).

    :func:`mnistnn.claim.run_hyperparameters` says how each run trains.
    """

    @classmethod
    def from_config(cls, config: dict) -> "Study":
        """The study of config ``claim:`` (keys as in config/config.yaml)."""
        settings = {key: value for key, value in config.items() if key != "bootstrap"}
        for key in ("hidden_nodes", "init_seeds"):
            if key in settings:
                settings[key] = tuple(settings[key])
        bootstrap = config.get("bootstrap", {})
        if "samples" in bootstrap:
            settings["bootstrap_samples"] = bootstrap["samples"]
        if "rng_seed" in bootstrap:
            settings["bootstrap_rng_seed"] = bootstrap["rng_seed"]
        return cls(**settings)

    def runs(self) -> dict[str, tuple[int, int]]:
        """``{run name: (hidden_nodes, init_seed)}`` for every training run, e.g. ``h25_s1``."""
        return {
            f"h{hidden}_s{init_seed}": (hidden, init_seed)
            for hidden in self.hidden_nodes
            for init_seed in self.init_seeds
        }

    def networks(self, run: str) -> list[str]:
        """A run's networks: ``<run>_p0`` (initial weights) to ``<run>_p<snapshots>``."""
        return [f"{run}_p{point}" for point in range(self.snapshots + 1)]
