"""The checks the schema cannot make (mnistnn.config_checks); the schema's range, walked.

Every extreme value the schema names (each numeric key's minimum and
maximum, one past them, and a huge value where there is no maximum) is
either refused before any job runs, with a message naming the key, or
accepted by a real ``snakemake --dry-run``.  The refusals of the checks
themselves, and ``select:``, run through the real ``snakemake`` command line.
"""

import copy
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import REPO, make_pipeline_copy, pipeline_config, snakemake
from snakemake.exceptions import WorkflowError
from test_reliability import planned_jobs

from mnistnn import config_checks, layout
from mnistnn.config_checks import MAX_NAME_LENGTH, config_problems, selected
from mnistnn.config_schema import key_path, schema_refusal
from mnistnn.plan import add_sweep

pytestmark = pytest.mark.workflow
SCHEMA_PATH = REPO / "workflow" / "schemas" / "config.schema.yaml"
SCHEMA = yaml.safe_load(SCHEMA_PATH.read_text())
#: A memory limit no tiny model comes near, so that the checks do not depend on the machine.
LIMIT = 2 * 1024**3


@pytest.fixture(scope="module")
def valid_config(tiny_mnist) -> dict:
    return pipeline_config(*tiny_mnist)


def problems(config: dict) -> list[str]:
    """What common.smk refuses ``config`` for, after the schema (which fills in defaults)."""
    config = copy.deepcopy(config)
    refusal = schema_refusal(config, SCHEMA_PATH)
    if refusal:
        raise WorkflowError(refusal)
    select = config["select"]
    configured = add_sweep(config["models"], config.get("sweep"))
    models = selected(configured, select.get("models"))
    methods = selected(config["backquery"]["methods"], select.get("methods"))
    return config_problems(config, configured, models, methods, LIMIT)


def edited(config: dict, path: tuple, value) -> dict:
    """``config`` with ``config[path] = value`` (parents made as needed)."""
    config = copy.deepcopy(config)
    parent = config
    for part in path[:-1]:
        parent = parent.setdefault(part, {})
    parent[path[-1]] = value
    return config


# --- the checks, one by one ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["figures", "logs", "sweep", "claim", "benchmarks", "Figures"])
def test_a_model_named_like_the_layouts_own_folders_is_refused(valid_config, name):
    config = edited(valid_config, ("models", name), valid_config["models"]["tiny"])
    (problem,) = problems(config)
    assert problem.startswith(f"models.{name}: the name '{name}' is reserved")


def test_reserved_names_are_what_the_rules_write_directly_under_results():
    """The layout's list, compared with every ``results/NAME`` the rules and Snakefile spell out."""
    sources = [REPO / "Snakefile", *sorted((REPO / "workflow" / "rules").glob("*.smk"))]
    written = {
        match
        for source in sources
        for match in re.findall(r"results/([\w.-]+)(?=[/\"'])", source.read_text())
    }
    assert written == set(layout.RESULTS_ENTRIES)


def test_names_longer_than_the_limit_are_refused_and_the_limit_passes(valid_config):
    longest = "m" * MAX_NAME_LENGTH
    config = edited(valid_config, ("models", longest), valid_config["models"]["tiny"])
    assert problems(config) == []
    config = edited(config, ("queries", "q" * (MAX_NAME_LENGTH + 1)), [0.5] * 10)
    (problem,) = problems(config)
    assert problem.startswith("queries.qqqq") and f"{MAX_NAME_LENGTH + 1} characters" in problem


def test_a_sweep_value_that_makes_an_over_long_name_is_refused(valid_config):
    config = edited(valid_config, ("sweep",), {"hidden_nodes": [4], "learning_rate": [1e-80]})
    (problem,) = problems(config)
    assert problem.startswith("sweep: the name h4_lr0p000") and "characters" in problem


def test_clusters_beyond_the_sample_and_starts_beyond_the_clusters_are_refused(valid_config):
    config = edited(valid_config, ("backquery", "image_prior", "clusters"), 300)
    assert problems(config) == [
        "backquery.image_prior.clusters: 300 clusters cannot be found in a sample of 200 "
        "images (backquery.image_prior.sample)"
    ]
    config = edited(valid_config, ("backquery", "methods", "mixture", "starts"), 5)
    (problem,) = problems(config)
    assert problem.startswith("backquery.methods.mixture.starts: 5 starts, but the image prior")


def test_snapshots_beyond_the_training_set_are_refused_once_its_size_is_known(
    valid_config, tmp_path, monkeypatch
):
    config = edited(valid_config, ("models", "tiny", "snapshots"), [50, 601])
    assert problems(config) == []  # not downloaded here: rule train checks
    labels = tmp_path / layout.mnist_paths()["train_labels"]
    labels.parent.mkdir(parents=True)
    labels.write_bytes(b"\0\0\x08\x01" + (300).to_bytes(4, "big") + bytes(300))
    monkeypatch.chdir(tmp_path)
    (problem,) = problems(config)
    assert problem == (
        "models.tiny.snapshots: [601] (model tiny) lie beyond the end of training "
        "(2 epochs x 300 training images = 600 samples)"
    )


def test_the_memory_a_model_needs_is_checked_before_it_is_allocated(valid_config):
    config = edited(valid_config, ("models", "tiny", "hidden_nodes"), 10**6)
    (problem,) = problems(config)
    need = config_checks.training_bytes(10**6, 2, 1, 2, config_checks.MNIST_SIZES)
    assert problem.startswith(
        f"models.tiny (model tiny): training would need at least {need / 1e9:.1f} GB for its "
        "arrays, more than the 2.1 GB"
    )
    batch = edited(valid_config, ("models", "tiny", "batch_size"), 10**7)
    assert problems(batch)[0].startswith("models.tiny (model tiny): training would need")


def test_the_memory_estimate_grows_with_every_array_it_counts():
    sizes = config_checks.MNIST_SIZES
    base = config_checks.training_bytes(200, 5, 1, 3, sizes)
    for bigger in [(400, 5, 1, 3), (200, 6, 1, 3), (200, 5, 2, 3), (200, 5, 1, 4)]:
        assert config_checks.training_bytes(*bigger, sizes) > base
    # the data (60,000 + 10,000 images, file and array) and 11 float64 copies of W1 at least
    assert base > 2 * 70000 * 784 + 11 * 8 * 784 * 200


def test_best_method_must_be_among_the_methods_that_run(valid_config):
    config = edited(valid_config, ("select",), {"methods": ["seed", "pinv"]})
    (problem,) = problems(config)
    assert problem.startswith("backquery.best_method: 'posterior' is not among the methods")
    assert problems(edited(config, ("backquery", "best_method"), "pinv")) == []


def test_select_names_only_what_is_configured_and_keeps_seed(valid_config):
    config = edited(valid_config, ("select",), {"models": ["tiny", "nope"], "methods": ["pinv"]})
    config["backquery"]["best_method"] = "pinv"
    assert problems(config) == [
        "select.models: nope not configured (configured: tiny)",
        "select.methods: seed must be among them: the montage and the sweep show its images",
    ]


def test_an_imported_folder_with_braces_is_refused(valid_config):
    config = edited(valid_config, ("imported_models", "other"), "/data/{model}")
    (problem,) = problems(config)
    assert problem.startswith("imported_models.other: the folder '/data/{model}' holds { or }")


# --- the schema's range, walked ------------------------------------------------------------------

#: Where each schema object's keys live in the tiny config: schema path -> config path.
PLACES = {
    ("$defs", "model"): ("models", "tiny"),
    ("properties", "mnist"): ("mnist",),
    ("properties", "backquery", "properties", "image_prior"): ("backquery", "image_prior"),
    ("properties", "backquery"): ("backquery",),
    ("properties", "claim"): ("claim",),
    ("properties", "claim", "properties", "bootstrap"): ("claim", "bootstrap"),
    ("properties", "sweep"): ("sweep",),
    **{
        ("properties", "backquery", "properties", "methods", "properties", method): (
            "backquery",
            "methods",
            method,
        )
        for method in ("actmax", "prior", "mixture")
    },
}
HUGE = {"integer": 10**12, "number": 1e300}
TINY_NUMBER = 1e-300


def numeric_spec(spec: dict) -> dict | None:
    """The bounds and type of a numeric schema node (following a ``$ref`` to finite), or None."""
    if spec.get("$ref") == "#/$defs/finite":
        return {**spec, "type": "number"}
    if spec.get("type") in ("integer", "number"):
        return spec
    return None


def extremes(spec: dict) -> list[tuple[object, bool]]:
    """``(value, beyond)``: each bound and the value just past it (``beyond``), and a
    huge value where there is no maximum."""
    number = spec["type"] == "number"
    step = TINY_NUMBER if number else 1
    values = []
    if "minimum" in spec:
        values += [(spec["minimum"], False), (spec["minimum"] - step, True)]
    if "exclusiveMinimum" in spec:
        values += [(spec["exclusiveMinimum"] + step, False), (spec["exclusiveMinimum"], True)]
    if "maximum" in spec:
        values += [(spec["maximum"], False), (spec["maximum"] + (1e-9 if number else 1), True)]
    else:
        values.append((HUGE[spec["type"]], False))
    return values


def walk_cases() -> dict[str, tuple[tuple, object, bool]]:
    """``{id: (config path, value, beyond)}``: every extreme of every numeric key (a list
    gets it as its one item)."""
    cases = {}
    for schema_path, config_path in PLACES.items():
        node = SCHEMA
        for part in schema_path:
            node = node[part]
        for key, spec in node["properties"].items():
            items = spec.get("items") if spec.get("type") == "array" else None
            numeric = numeric_spec(items or spec)
            if numeric is None:
                continue
            for value, beyond in extremes(numeric):
                cases[f"{'.'.join(config_path)}.{key}={value!r}"] = (
                    (*config_path, key),
                    [value] if items else value,
                    beyond,
                )
    return cases


WALK = walk_cases()
SWEEP = {"hidden_nodes": [4], "learning_rate": [0.3], "epochs": [1]}


def walk_config(valid_config: dict, path: tuple, value) -> dict:
    """The tiny config with one extreme value; a sweep key gets the rest of a small sweep."""
    config = edited(valid_config, path, value)
    if path[0] == "sweep":
        config["sweep"] = {**SWEEP, path[-1]: value}
    return config


def outcome(config: dict, path: tuple) -> str:
    """ "accepted", or "refused" after checking that the message names the key."""
    try:
        found = problems(config)
    except WorkflowError as error:
        assert str(error).startswith(f"config: {key_path(path)}"), str(error)
        return "refused"
    if not found:
        return "accepted"
    assert any(".".join(path[:1]) in problem for problem in found), found
    return "refused"


def objects_with_numeric_keys(node, path=()) -> set[tuple]:
    """The schema path of every object in the schema that has a numeric key (or list of them)."""
    found = set()
    if isinstance(node, dict):
        keys = node.get("properties", {}).values()
        if any(numeric_spec(spec.get("items") or spec) for spec in keys):
            found.add(path)
        for key, value in node.items():
            found |= objects_with_numeric_keys(value, (*path, key))
    return found


def test_the_walk_covers_every_numeric_key():
    assert objects_with_numeric_keys(SCHEMA) == set(PLACES)
    keys = {case.split("=")[0] for case in WALK}
    assert len(keys) == 36


@pytest.fixture(scope="module")
def walked(valid_config) -> dict[str, str]:
    return {
        case: outcome(walk_config(valid_config, path, value), path)
        for case, (path, value, _) in WALK.items()
    }


def test_every_extreme_is_refused_naming_its_key_or_accepted(walked):
    """(outcome() checks the naming.)  A value past a bound is refused; the bounds
    themselves and huge values are accepted unless a check refuses them."""
    beyond = {case for case, (_, _, past) in WALK.items() if past}
    assert {case for case in beyond if walked[case] != "refused"} == set()
    assert set(walked.values()) == {"accepted", "refused"}
    assert walked["models.tiny.hidden_nodes=1"] == "refused"
    assert walked["models.tiny.hidden_nodes=2"] == "accepted"
    assert walked["backquery.image_prior.components=401"] == "refused"
    assert walked["models.tiny.hidden_nodes=1000000000000"] == "refused"  # memory


def batches(valid_config: dict, accepted: list[str]) -> list[dict]:
    """The accepted extremes merged into as few configs as stay accepted together."""
    configs = []
    for case in accepted:
        path, value, _ = WALK[case]
        for index, config in enumerate(configs):
            merged = walk_config(config, path, value)
            if path[0] == "sweep":
                merged["sweep"] = {**config.get("sweep", SWEEP), path[-1]: value}
            if outcome(merged, path) == "accepted":
                configs[index] = merged
                break
        else:
            configs.append(walk_config(valid_config, path, value))
    return configs


def test_snakemake_accepts_every_extreme_the_checks_accept(walked, valid_config, tmp_path):
    accepted = [case for case, result in walked.items() if result == "accepted"]
    configs = batches(valid_config, accepted)
    assert len(configs) < len(accepted) / 3
    folders = [make_pipeline_copy(tmp_path / f"walk{i}", c) for i, c in enumerate(configs)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda folder: snakemake(folder, "--dry-run", check=False), folders))
    for config, run in zip(configs, runs, strict=True):
        assert run.returncode == 0, (config, run.stderr[-2000:])


# --- through the real snakemake command line -----------------------------------------------------

REFUSALS = {
    "figures": (("models", "figures"), {"hidden_nodes": 4}, "models.figures: the name 'figures'"),
    "sweep name": (
        ("sweep",),
        {"hidden_nodes": [4], "learning_rate": [1e-80]},
        "sweep: the name h4_lr0p0000",
    ),
    "best_method": (
        ("select",),
        {"methods": ["seed", "mixture"]},
        "backquery.best_method: 'posterior' is not among the methods that run (seed, mixture)",
    ),
    "memory": (
        ("models", "tiny", "hidden_nodes"),
        10**9,
        "models.tiny (model tiny): training would need at least",
    ),
}


@pytest.fixture(scope="module")
def refused(valid_config, tmp_path_factory) -> dict:
    configs = {case: edited(valid_config, path, v) for case, (path, v, _) in REFUSALS.items()}
    folders = {case: make_pipeline_copy(tmp_path_factory.mktemp("refused"), config)
               for case, config in configs.items()}  # fmt: skip
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = pool.map(lambda folder: snakemake(folder, check=False), folders.values())
        return dict(zip(folders, zip(folders.values(), runs, strict=True), strict=True))


@pytest.mark.parametrize("case", REFUSALS)
def test_snakemake_refuses_before_any_job_naming_key_and_value(refused, case):
    folder, run = refused[case]
    assert run.returncode != 0
    assert f"config: {REFUSALS[case][2]}" in run.stderr
    assert not (folder / "results").exists() and not (folder / "resources").exists()


def two_model_pipeline(valid_config, folder: Path) -> Path:
    config = copy.deepcopy(valid_config)
    config["models"]["other"] = {**config["models"]["tiny"], "seed": 4}
    return make_pipeline_copy(folder, config)


def test_a_configfile_selects_models_and_methods(valid_config, tmp_path):
    folder = two_model_pipeline(valid_config, tmp_path / "pipeline")
    choice = tmp_path / "choice.yaml"
    choice.write_text(yaml.safe_dump({"select": {"models": ["other"]}}))
    planned = planned_jobs(snakemake(folder, "-n", "--configfile", str(choice)).stdout)
    assert {model for _, model in planned if model} == {"other"}
    everything = planned_jobs(snakemake(folder, "-n").stdout)
    assert {model for _, model in everything if model} == {"tiny", "other"}


def test_config_on_the_command_line_selects_methods(valid_config, tmp_path):
    folder = two_model_pipeline(valid_config, tmp_path / "pipeline")
    run = snakemake(folder, "-n", "--config", "select={models: [tiny], methods: [seed, posterior]}")
    assert {model for _, model in planned_jobs(run.stdout) if model} == {"tiny"}
    assert "backquery/pinv" not in run.stdout and "backquery/posterior/9.npy" in run.stdout


def test_selected_methods_are_all_that_is_built_and_scored(valid_config, tmp_path):
    config = edited(valid_config, ("select",), {"methods": ["seed", "posterior"]})
    folder = make_pipeline_copy(tmp_path / "pipeline", config)
    snakemake(folder, "results/tiny/backquery/quality.csv", "results/tiny/similarity.png")
    quality = (folder / "results/tiny/backquery/quality.csv").read_text()
    methods = {line.split(",")[0] for line in quality.splitlines()[1:]}
    assert methods == {"seed", "posterior"}
    made = {path.name for path in (folder / "results/tiny/backquery").iterdir() if path.is_dir()}
    assert made == {"seed", "posterior"}  # the labelled mean is stored once, not per model


def test_all_principal_components_give_finite_varied_prior_images(valid_config, tmp_path):
    """400 components asked of 300 tiny images: the prior keeps those that vary, and says so."""
    config = edited(valid_config, ("backquery", "image_prior", "components"), 400)
    config["select"] = {"methods": ["seed", "prior", "posterior"]}
    folder = make_pipeline_copy(tmp_path / "pipeline", config)
    snakemake(folder, *[f"results/tiny/backquery/prior/{digit}.npy" for digit in range(10)])
    log = (folder / "results/logs/image_prior.log").read_text()
    kept = int(re.search(r"vary in only (\d+) directions", log).group(1))
    assert 200 < kept < 300
    for digit in range(10):
        image = np.load(folder / f"results/tiny/backquery/prior/{digit}.npy")
        assert np.all(np.isfinite(image)) and np.ptp(image) > 0.1


def test_a_snapshot_beyond_training_fails_the_job_then_is_refused_at_parse_time(
    valid_config, tmp_path
):
    config = edited(valid_config, ("models", "tiny", "snapshots"), [50, 1000])
    folder = make_pipeline_copy(tmp_path / "pipeline", config)
    run = snakemake(folder, "results/tiny/model.npz", check=False)
    assert run.returncode != 0
    log = (folder / "results/tiny/logs/train.log").read_text().splitlines()
    assert log[-1] == (
        "error: model tiny: snapshots: [1000] lie beyond the end of training "
        "(2 epochs x 300 training images = 600 samples)"
    )
    assert not (folder / "results/tiny/model.npz").exists()
    again = snakemake(folder, "results/tiny/model.npz", check=False)
    assert "config: models.tiny.snapshots: [1000] (model tiny) lie beyond" in again.stderr


def test_a_fifo_as_a_parameter_file_fails_the_job_naming_it(valid_config, tmp_path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    for name in ("weight1", "weight2", "value1", "value2"):
        (foreign / f"{name}.txt").write_text("0.5\n")
    (foreign / "weight1.txt").unlink()
    subprocess.run(["mkfifo", str(foreign / "weight1.txt")], check=True)
    config = edited(valid_config, ("imported_models",), {"foreign": str(foreign)})
    folder = make_pipeline_copy(tmp_path / "pipeline", config)
    run = snakemake(folder, "results/foreign/params/weight1.txt", check=False)
    assert run.returncode != 0
    log = (folder / "results/foreign/logs/import_params.log").read_text().splitlines()
    assert log[-1] == (
        f"error: {foreign / 'weight1.txt'}: a FIFO (named pipe), not a regular file; "
        "refusing to read it"
    )
