"""Faults: a run killed mid-training, parallel jobs, an edited hyper-parameter, a degenerate
network; and no code that executes or unpickles what it is given.

The runs share scratch pipelines on the tiny MNIST and build only each
model's parameter files and metrics.  Outputs are compared byte for byte,
less the timings (``train_seconds`` and the history's seconds), which no two
runs share.
"""

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import tokenize
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import REPO, make_pipeline_copy, pipeline_config, snakemake

from mnistnn.network import Network, initial_network
from mnistnn.params import PARAM_FILES, write_params

pytestmark = pytest.mark.workflow

MODELS = {
    "a": {"hidden_nodes": 12, "learning_rate": 0.3, "epochs": 2, "batch_size": 1, "seed": 3},
    "b": {"hidden_nodes": 10, "learning_rate": 0.5, "epochs": 3, "batch_size": 10, "seed": 4},
    # trains for a few seconds, so that a kill lands in the middle of its training
    "long": {"hidden_nodes": 100, "learning_rate": 0.1, "epochs": 150, "batch_size": 1, "seed": 5},
}
TIMINGS = {"train_seconds", "history_seconds", "history_samples_per_second"}


def settings(model: str) -> dict:
    return {"train_thresholds": True, "shuffle": True, "snapshots": [], **MODELS[model]}


def targets(models) -> list[str]:
    """The parameter files and metrics of ``models``: all that these tests need built."""
    return [
        f"results/{model}/{name}"
        for model in models
        for name in [*(f"params/{file}" for file in PARAM_FILES), "metrics.json", "confusion.csv"]
    ]


def pipeline_for(tiny_mnist, folder: Path, models) -> Path:
    """A scratch pipeline that trains ``models``."""
    config = pipeline_config(*tiny_mnist, models={model: settings(model) for model in models})
    return make_pipeline_copy(folder, config)


def outputs(folder: Path, model: str) -> dict:
    """Everything a run made for ``model`` that must not depend on how the run went."""
    root = folder / "results" / model
    found = {name: (root / "params" / name).read_bytes() for name in PARAM_FILES}
    found["confusion.csv"] = (root / "confusion.csv").read_bytes()
    metrics = json.loads((root / "metrics.json").read_text())
    found["metrics.json"] = {key: value for key, value in metrics.items() if key not in TIMINGS}
    with np.load(root / "model.npz", allow_pickle=False) as model_file:
        for name in sorted(set(model_file.files) - TIMINGS):
            array = model_file[name]
            found[f"model.npz:{name}"] = (array.dtype.str, array.shape, array.tobytes())
    return found


def differences(found: dict, expected: dict) -> list[str]:
    """The names of the outputs that are missing from ``found`` or differ from ``expected``."""
    return sorted(
        name for name in found.keys() | expected.keys() if found.get(name) != expected.get(name)
    )


def temporary_files(folder: Path) -> list[Path]:
    """The temporary files of :mod:`mnistnn.atomic` (``.NAME.XXXX.tmp.SUFFIX``) under ``folder``."""
    return [path for path in folder.rglob(".*") if ".tmp" in path.name]


@pytest.fixture(scope="module")
def completed(tiny_mnist, tmp_path_factory) -> dict[int, Path]:
    """The three models built one job at a time and up to four at a time (the two runs
    side by side, in two scratch pipelines): the folder by number of cores."""
    cores = [1, 4]
    folders = [
        pipeline_for(tiny_mnist, tmp_path_factory.mktemp(f"cores{n}"), MODELS) for n in cores
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda f, n: snakemake(f, *targets(MODELS), cores=n), folders, cores))
    return dict(zip(cores, folders, strict=True))


@pytest.fixture(scope="module")
def sequential(completed) -> Path:
    return completed[1]


@pytest.fixture(scope="module")
def parallel(completed) -> Path:
    return completed[4]


def test_parallel_jobs_give_the_bytes_of_a_sequential_run(sequential, parallel):
    for model in MODELS:
        assert differences(outputs(parallel, model), outputs(sequential, model)) == [], model
    assert temporary_files(parallel / "results") + temporary_files(sequential / "results") == []


# --- a run killed in the middle of training ------------------------------------------------------


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.05)


def group_is_gone(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture(scope="module")
def interrupted(tiny_mnist, tmp_path_factory):
    """Model ``long`` trained by a run SIGKILLed (with its jobs) after the first epoch,
    then unlocked and rerun as it was started (the default profile reruns the job whose
    outputs the kill left flagged incomplete): the folder, the files left by the kill,
    and the rerun's training log."""
    folder = pipeline_for(tiny_mnist, tmp_path_factory.mktemp("interrupted"), ["long"])
    command = [sys.executable, "-m", "snakemake", "--cores", "4", *targets(["long"])]
    log = folder / "results/long/logs/train.log"
    with open(folder / "killed_run.txt", "w") as output:
        run = subprocess.Popen(command, cwd=folder, start_new_session=True, stderr=output)
        try:
            wait_for(lambda: log.exists() and "epoch 1/" in log.read_text(), 300, "epoch 1")
        finally:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    wait_for(lambda: group_is_gone(run.pid), 10, "the killed jobs to end")
    left = sorted(path.relative_to(folder) for path in (folder / "results").rglob("*"))
    # a killed Snakemake leaves its lock: the user unlocks, then reruns
    snakemake(folder, "--unlock")
    snakemake(folder, *targets(["long"]), cores=4)
    return folder, left, log.read_text()


def test_a_killed_run_leaves_no_training_output(interrupted):
    _, left, _ = interrupted
    trained = ["model.npz", "history.csv", "snapshots/weights.npz", "params"]
    assert {Path("results/long") / name for name in trained}.isdisjoint(left)
    assert not [path for path in left if path.name.startswith(".")]


def test_the_rerun_gives_the_outputs_of_an_uninterrupted_run(interrupted, sequential):
    folder, _, log = interrupted
    assert "epoch 150/150" in log  # the rerun trained from the start
    assert differences(outputs(folder, "long"), outputs(sequential, "long")) == []
    assert temporary_files(folder / "results") == []


# --- an edited hyper-parameter -------------------------------------------------------------------


def planned_jobs(dry_run: str) -> set[tuple[str, str | None]]:
    """``(rule, model)`` of every job that `snakemake -n` printed."""
    jobs = set()
    for block in re.split(r"\n(?=(?:local)?rule \w+:\n)", dry_run):
        rule = re.match(r"(?:local)?rule (\w+):\n", block)
        if rule:
            model = re.search(r"^\s+wildcards: .*?\bmodel=([\w-]+)", block, re.MULTILINE)
            jobs.add((rule.group(1), model and model.group(1)))
    return jobs


def dry_run(folder: Path, config: dict, tmp_path: Path) -> str:
    """What `snakemake --dry-run` prints for the targets of MODELS in ``folder`` with ``config``."""
    config_file = tmp_path / "config.yaml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False))
    run = snakemake(folder, *targets(MODELS), "--dry-run", "--configfile", str(config_file))
    return run.stdout + run.stderr


@pytest.mark.parametrize(("key", "value"), [("learning_rate", 0.4), ("update_rule", "book")])
def test_changing_one_setting_reruns_only_that_models_jobs(parallel, tmp_path, key, value):
    config = yaml.safe_load((parallel / "config/config.yaml").read_text())
    assert "Nothing to be done" in dry_run(parallel, config, tmp_path)
    config["models"]["b"][key] = value
    printed = dry_run(parallel, config, tmp_path)
    assert planned_jobs(printed) == {("train", "b"), ("export_params", "b"), ("evaluate", "b")}
    assert "reason: Params have changed since last execution" in printed


def test_reordering_a_models_keys_or_writing_out_a_default_reruns_nothing(parallel, tmp_path):
    config = yaml.safe_load((parallel / "config/config.yaml").read_text())
    config["models"]["b"] = dict(reversed(config["models"]["b"].items()))
    config["models"]["b"]["update_rule"] = "exact"
    config["models"]["b"]["analysis"] = "montage"  # what is built from it, not its training
    assert planned_jobs(dry_run(parallel, config, tmp_path)) == set()


def test_a_montage_only_model_gets_its_backqueries_and_montage_but_no_analysis(parallel):
    config = yaml.safe_load((parallel / "config/config.yaml").read_text())
    config["models"]["b"]["analysis"] = "montage"
    config_file = parallel / "montage_only.yaml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False))
    run = snakemake(parallel, "--dry-run", "--configfile", str(config_file))
    planned = planned_jobs(run.stdout + run.stderr)
    assert {rule for rule, model in planned if model == "b"} == {"seed_backquery", "montage"}
    assert {"quality", "control_params", "evolution_figure"} <= {
        rule for rule, model in planned if model == "a"
    }
    assert ("montage_all", None) in planned


def test_a_sweep_model_gets_what_the_summary_compares_and_its_figures_on_request(parallel):
    config = yaml.safe_load((parallel / "config/config.yaml").read_text())
    config["sweep"] = {"hidden_nodes": [5], "learning_rate": [0.2], "seeds": [4], "epochs": [1]}
    config_file = parallel / "sweep.yaml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False))
    run = snakemake(parallel, "--dry-run", "--configfile", str(config_file))
    planned = planned_jobs(run.stdout + run.stderr)
    assert {rule for rule, model in planned if model == "h5_lr0p2_s4"} == {
        "train",
        "export_params",
        "evaluate",
        "control_params",
        "backquery",
        "backquery_control",
        "quality",
    }
    assert {("sweep_summary", None), ("montage_all", None)} <= planned
    target = "results/h5_lr0p2_s4/methods.png"
    run = snakemake(parallel, target, "--dry-run", "--configfile", str(config_file))
    assert ("methods_figure", "h5_lr0p2_s4") in planned_jobs(run.stdout + run.stderr)


# --- a degenerate network, at the job level ------------------------------------------------------


def degenerate_networks() -> dict[str, Network]:
    """Networks whose backquery meets a hidden layer of equal values, by model name.

    ``flat`` (W2 = 0) for every label vector; ``tilted`` for the query
    three_or_eight alone.  That query's logits are 0 at outputs 3 and 8 and
    logit(0.01) elsewhere; hidden unit 0 weighs outputs 3 and 8 only (by 1
    and 2) and unit 1 none, so both units get 0, whereas a one-hot digit
    gives unit 0 a nonzero multiple of logit(0.01).
    """
    flat = initial_network(6, init_seed=0)
    tilted = initial_network(2, init_seed=0)
    W2 = np.zeros((2, 10))
    W2[0, 3], W2[0, 8] = 1.0, 2.0
    return {
        "flat": flat._replace(W2=np.zeros_like(flat.W2)),
        "tilted": tilted._replace(W2=W2),
    }


def test_a_degenerate_layer_fails_the_job_naming_model_and_layer(tiny_mnist, tmp_path):
    imported = {}
    for name, net in degenerate_networks().items():
        write_params(tmp_path / name, net)
        imported[name] = str(tmp_path / name)
    config = pipeline_config(*tiny_mnist, models={}, imported_models=imported)
    folder = make_pipeline_copy(tmp_path / "pipeline", config)
    wanted = [f"results/{name}/backquery/seed/0.npy" for name in imported]
    run = snakemake(folder, *wanted, "--keep-going", check=False)
    assert run.returncode != 0
    messages = {
        "flat": "error: model flat: seed, digit 0: hidden layer is degenerate",
        "tilted": "error: model tilted: query three_or_eight: hidden layer is degenerate",
    }
    for name, message in messages.items():
        assert (folder / f"results/{name}/params/weight2.txt").exists()  # imported, then
        assert message in (folder / f"results/{name}/logs/backquery.log").read_text()
        made = [p for p in (folder / "results" / name).rglob("*") if p.suffix in (".npy", ".png")]
        assert made == [], name
    assert temporary_files(folder / "results") == []


# --- nothing from outside is executed or unpickled -----------------------------------------------

#: calls that execute or unpickle what they are given, as patterns over :func:`code_tokens`
UNSAFE_CALLS = {
    "allow_pickle=True": r"\ballow_pickle = True\b",
    "pickle.load": r"\bc?pickle \. loads?\b",
    "eval(": r"(?<!\. )\beval \(",
    "exec(": r"(?<!\. )\bexec \(",
    "shell=True": r"\bshell = True\b",
    "os.system": r"\bos \. system\b",
    "yaml.load": r"\byaml \. (unsafe_)?load\b",
}
SKIPPED_TOKENS = {tokenize.STRING, tokenize.COMMENT, getattr(tokenize, "FSTRING_MIDDLE", None)}


def code_tokens(source: str) -> str:
    """The code in ``source``, one space between tokens: no strings, no comments."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return " ".join(token.string for token in tokens if token.type not in SKIPPED_TOKENS)


def unsafe_calls(source: str) -> list[str]:
    code = code_tokens(source)
    return [name for name, pattern in UNSAFE_CALLS.items() if re.search(pattern, code)]


def project_code() -> list[Path]:
    """The project's Python: the Snakefile, rule files, scripts, library and tests."""
    workflow = REPO / "workflow"
    return [
        REPO / "Snakefile",
        *sorted(workflow.rglob("*.smk")),
        *sorted(workflow.rglob("*.py")),
        *sorted((REPO / "tests").rglob("*.py")),
    ]


UNSAFE_EXAMPLES = {
    "allow_pickle=True": "arrays = np.load(path, allow_pickle=True)",
    "pickle.load": "import pickle\nnet = pickle.loads(data)",
    "eval(": "value = eval(text)",
    "exec(": "exec(code)",
    "shell=True": "subprocess.run(command, shell=True)",
    "os.system": "os.system('npm pack')",
    "yaml.load": "config = yaml.load(text, Loader=yaml.Loader)",
}


@pytest.mark.parametrize("name", UNSAFE_CALLS)
def test_the_scan_finds_each_unsafe_call(name):
    assert unsafe_calls(UNSAFE_EXAMPLES[name]) == [name]


def test_the_scan_ignores_strings_comments_and_safe_lookalikes():
    source = (
        "model.eval()\nast.literal_eval(text)\nyaml.safe_load(text)\n"
        "message = 'never eval(text) or os.system'  # nor shell=True\n"
        "np.load(path, allow_pickle=False)\n"
    )
    assert unsafe_calls(source) == []


def test_no_project_code_executes_or_unpickles_what_it_is_given():
    found = {
        str(path.relative_to(REPO)): unsafe_calls(path.read_text())
        for path in project_code()
        if unsafe_calls(path.read_text())
    }
    assert len(project_code()) > 20 and found == {}


# --- every job log ends with the error that stopped the job --------------------------------------


def run_script(tmp_path: Path, body: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run a rule-script-like program that calls ``run_rule(main, log)``; its result and log."""
    log = tmp_path / "job.log"
    program = (
        "from mnistnn.runner import run_rule\n"
        "from mnistnn.errors import ParamsError\n"
        f"def main(say):\n    say('started')\n    {body}\n"
        f"run_rule(main, {str(log)!r})\n"
    )
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    return run, log.read_text().splitlines()


def test_a_job_log_ends_with_a_bad_inputs_message(tmp_path):
    run, log = run_script(tmp_path, "raise ParamsError('weight1.txt, line 3: 2 values')")
    assert run.returncode == 1
    assert log == ["started", "error: weight1.txt, line 3: 2 values"]


def test_a_job_log_ends_with_an_unexpected_error_after_its_traceback(tmp_path):
    run, log = run_script(tmp_path, "import numpy; numpy.empty(2**40)")  # 8 TiB
    assert run.returncode == 1
    assert log[0] == "started" and "Traceback (most recent call last):" in log
    assert log[-1].startswith("error: MemoryError: Unable to allocate")
    assert "MemoryError" in run.stderr  # the terminal gets the traceback too
