"""Shared test fixtures: a tiny MNIST in IDX format and a scratch copy of the pipeline."""

import os

# Multi-threaded BLAS makes the small products of these tests far slower on a
# busy 2-core machine; Snakemake sets the same for its jobs from `threads: 1`.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from mnistnn.idx import encode_idx

REPO = Path(__file__).resolve().parents[1]


def digit_like_images(labels: np.ndarray, seed: int) -> np.ndarray:
    """uint8 ``(n, 28, 28)`` images a tiny network can learn: a bright bar whose place is the label.

    Each digit d gets a 4-pixel-wide vertical bar at column ``2 + 2.4 d``,
    plus noise, so classes are separable but not trivially identical.
    """
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 60, size=(labels.size, 28, 28)).astype(np.uint8)
    for image, label in zip(images, labels, strict=True):
        column = int(2 + 2.4 * label)
        image[4:24, column : column + 4] = rng.integers(180, 256, size=(20, 4))
    return images


def write_tiny_mnist(folder: Path, n_train: int = 300, n_test: int = 100, seed: int = 0) -> dict:
    """Write the four IDX files of a tiny MNIST-like data set; return their SHA-256 by name."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    checksums = {}
    for split, n in (("train", n_train), ("t10k", n_test)):
        labels = rng.permutation(np.arange(n) % 10).astype(np.uint8)
        files = {
            f"{split}-images-idx3-ubyte": digit_like_images(labels, seed + n),
            f"{split}-labels-idx1-ubyte": labels,
        }
        for name, array in files.items():
            data = encode_idx(array)
            (folder / name).write_bytes(data)
            checksums[name] = hashlib.sha256(data).hexdigest()
    return checksums


@pytest.fixture(scope="session")
def tiny_mnist(tmp_path_factory) -> tuple[Path, dict]:
    """A tiny MNIST folder and the SHA-256 of its files."""
    folder = tmp_path_factory.mktemp("tiny_mnist")
    return folder, write_tiny_mnist(folder)


def tiny_config(mnist_folder: Path, checksums: dict, **overrides) -> dict:
    """A pipeline config that trains one tiny model on the tiny MNIST."""
    config = {
        "mnist": {"sources": [str(mnist_folder)], "timeout": 5, "sha256": checksums},
        "models": {
            "tiny": {
                "hidden_nodes": 12,
                "learning_rate": 0.3,
                "epochs": 2,
                "batch_size": 1,
                "train_thresholds": True,
                "shuffle": True,
                "seed": 3,
                "snapshots": [50, 150],
            }
        },
        "imported_models": {},
        "queries": {"three_or_eight": [0.01] * 3 + [0.5] + [0.01] * 4 + [0.5, 0.01]},
    }
    config.update(overrides)
    return config


def make_pipeline_copy(destination: Path, config: dict) -> Path:
    """Copy the pipeline's code (not its results) to ``destination``, configured by ``config``."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "Snakefile", destination / "Snakefile")
    shutil.copy(REPO / ".gitignore", destination / ".gitignore")
    for folder in ("workflow", "profiles"):
        shutil.copytree(
            REPO / folder, destination / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    (destination / "config").mkdir(exist_ok=True)
    (destination / "config" / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return destination


def commit_everything(folder: Path) -> None:
    """Make ``folder`` a git repository with all its files committed."""
    identity = ["-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    for arguments in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-q", "-m", "copy"]):
        subprocess.run(["git", *arguments], cwd=folder, check=True, capture_output=True)


#: A claim study the tiny MNIST trains in seconds: 2 x 2 runs of 4 networks each.
TINY_CLAIM = {
    "hidden_nodes": [4, 8],
    "init_seeds": [1, 2],
    "epochs": 2,
    "learning_rate": 0.3,
    "snapshots": 3,
    "first_snapshot": 5,
    "high_accuracy": 0.5,
    "bootstrap": {"samples": 200, "rng_seed": 0},
}


def pipeline_config(mnist_folder, checksums, **overrides):
    """The tiny config plus the repository's own backquery settings (fewer iterations)."""
    repository = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    backquery = repository["backquery"]
    backquery["image_prior"] = {"components": 8, "clusters": 4, "sample": 200, "seed": 0}
    config = tiny_config(
        mnist_folder, checksums, backquery=backquery, figures={"model": "tiny"}, claim=TINY_CLAIM
    )
    config.update(overrides)
    return config


def snakemake(folder, *arguments, check=True, cores=2):
    """Run the snakemake command line in ``folder``; return the finished process."""
    command = [sys.executable, "-m", "snakemake", "--cores", str(cores), *arguments]
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"{command} failed:\n{result.stdout}\n{result.stderr}")
    return result


def missing(reason: str):
    """Skip outside CI; in CI (``CI`` set) a missing browser is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, driven by Playwright (one per test module)."""
    from mnistnn import explorer

    if not Path(explorer.CHROMIUM).exists():
        missing(f"{explorer.CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=explorer.CHROMIUM, args=explorer.CHROMIUM_ARGS
        )
        yield launched
        launched.close()


#: A model with the book's own update rule, shown only in the montages (like ``rashid``).
TINY_MONTAGE_ONLY = {
    "hidden_nodes": 8,
    "learning_rate": 0.3,
    "epochs": 1,
    "train_thresholds": False,
    "seed": 5,
    "update_rule": "book",
    "analysis": "montage",
}
#: A sweep of four tiny models: one of them trained exactly like model `tiny` (so it is
#: `tiny`), and two that start from the initial network of another (so share its control).
TINY_SWEEP = {
    "hidden_nodes": [12, 6],
    "learning_rate": [0.3, 0.6],
    "seeds": [3],
    "epochs": [2],
    "batch_size": [1],
    "train_thresholds": True,
    "shuffle": True,
    "snapshots": [],
}


@pytest.fixture(scope="session")
def pipeline(tiny_mnist, tmp_path_factory):
    """The tiny pipeline run once to completion: one trained and one imported model, a model
    shown only in the montages, and a sweep that adds three more trained models."""
    from mnistnn import network as nw
    from mnistnn.params import write_params

    folder = tmp_path_factory.mktemp("pipeline")
    foreign = folder / "foreign_params"
    net = nw.initial_network(9, init_seed=11)
    write_params(foreign, net._replace(v1=np.full(9, 0.1), v2=np.full(10, -0.2)))
    mnist_folder, checksums = tiny_mnist
    config = pipeline_config(
        mnist_folder, checksums, imported_models={"foreign": str(foreign)}, sweep=TINY_SWEEP
    )
    config["models"]["tiny_rashid"] = TINY_MONTAGE_ONLY
    make_pipeline_copy(folder, config)
    commit_everything(folder)
    run = snakemake(folder)
    return folder, run


@pytest.fixture(scope="session")
def report(pipeline):
    """``snakemake --report results/report.html`` of the finished tiny pipeline, made once."""
    folder, _ = pipeline
    snakemake(folder, "--report", "results/report.html")
    return folder / "results/report.html"
