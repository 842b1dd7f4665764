"""Helpers shared by the rule files: which models exist and what the run must produce."""

import re

MNIST_FILES = [
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
]
MNIST = {name: f"resources/mnist/{name}" for name in MNIST_FILES}


def trained_models():
    """Names of the models this run trains."""
    return sorted(config["models"])


def imported_models():
    """Names of the models whose parameter files come from elsewhere."""
    return sorted(config["imported_models"])


def all_models():
    return trained_models() + imported_models()


def one_of(names):
    """A wildcard constraint matching exactly ``names`` (nothing when empty)."""
    return "|".join(map(re.escape, names)) or "(?!)"


def model_settings(wildcards):
    """The model's training settings (a plain dict, so a changed value reruns the model)."""
    return config["models"][wildcards.model]


def param_files(folder):
    return [
        f"{folder}/{name}.txt" for name in ("weight1", "weight2", "value1", "value2")
    ]


def final_outputs():
    """Everything `snakemake` builds by default, for every model in the config."""
    outputs = []
    for model in all_models():
        outputs += param_files(f"results/{model}/params")
        outputs += [f"results/{model}/metrics.json", f"results/{model}/confusion.csv"]
    return outputs


def training_history(wildcards):
    """A trained model's history.csv (for its training time); nothing for an imported one."""
    if wildcards.model in config["models"]:
        return f"results/{wildcards.model}/history.csv"
    return []
