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
after the run.
"""

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

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


def add_sweep(models: Mapping, sweep: Mapping | None) -> dict[str, dict]:
    """``models`` together with the models of ``sweep`` (none when it is ``None``).

    A sweep model may not reuse the name of a model listed in the config.
    """
    swept = expand_sweep(sweep) if sweep else {}
    clashes = sorted(set(models) & set(swept))
    if clashes:
        raise MnistnnError(f"sweep: models {clashes} are also listed under models")
    return {**models, **swept}


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
