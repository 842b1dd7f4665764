"""Configuration: every key is checked against the schema before any job runs.

Each case makes one edit to a valid config.  Every case is checked against
the schema in-process (as the Snakefile's ``schema_refusal`` does); a selection,
covering each level and kind of mistake, is also run by the real
``snakemake`` command line, which must stop with a short message naming the
key path, the value and the rule, exit non-zero, and write nothing.
"""

import copy
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import pytest
import yaml
from conftest import REPO, make_pipeline_copy, pipeline_config, snakemake

from mnistnn.config_schema import key_path, schema_refusal, shown
from mnistnn.network import initial_network
from mnistnn.params import write_params

pytestmark = pytest.mark.workflow
SCHEMA = str(REPO / "workflow" / "schemas" / "config.schema.yaml")
VECTOR = [0.01] * 3 + [0.5] + [0.01] * 4 + [0.5, 0.01]  # the tiny config's query


class Case(NamedTuple):
    """One edit of a valid config, ``config[path] = value``, that the schema must refuse.

    ``bad_key`` when the last part of ``path`` is at fault (an unknown key or
    an unsafe name), otherwise ``value`` is.
    """

    path: tuple
    value: object
    bad_key: bool = False

    def edit(self, config: dict) -> dict:
        edited = copy.deepcopy(config)
        parent = edited
        for part in self.path[:-1]:
            parent = parent[part]
        parent[self.path[-1]] = self.value
        return edited

    def expected(self) -> str:
        """How the refusal's first line must start: the key path, then the culprit (an
        unknown key or unsafe name after the path of the mapping that holds it)."""
        if self.bad_key:
            parent = key_path(self.path[:-1])
            return f"config: {parent + ': ' if parent else ''}" + (
                f"unknown key {self.path[-1]!r} "
                if self.path[-1] not in UNSAFE_NAMES
                else f"the name {self.path[-1]!r} does not match"
            )
        return f"config: {key_path(self.path)}: {shown(self.value)} "


UNSAFE_NAMES = ["../x", "a b", "a/b", "a.b"]
TINY = {"hidden_nodes": 4, "learning_rate": 0.1, "epochs": 1, "batch_size": 1}
MODEL = ("models", "tiny")
QUERY = ("queries", "three_or_eight")
ACTMAX = ("backquery", "methods", "actmax")

# id -> case; those in RUN are also run by `snakemake`
CASES = {
    # unknown keys, at every level
    "top": Case(("modles",), {}, bad_key=True),
    "mnist": Case(("mnist", "timeot"), 5, bad_key=True),
    "mnist.sha256": Case(("mnist", "sha256", "train-images"), "0" * 64, bad_key=True),
    "model": Case((*MODEL, "hiden_nodes"), 20, bad_key=True),
    "backquery": Case(("backquery", "method"), {}, bad_key=True),
    "backquery.methods": Case(("backquery", "methods", "sed"), {}, bad_key=True),
    "backquery.methods.actmax": Case((*ACTMAX, "iters"), 10, bad_key=True),
    "backquery.methods.seed": Case(("backquery", "methods", "seed", "scale"), 1, bad_key=True),
    "backquery.image_prior": Case(("backquery", "image_prior", "component"), 8, bad_key=True),
    "figures": Case(("figures", "modle"), "tiny", bad_key=True),
    # names that are not safe as a path part
    **{f"model name {n}": Case(("models", n), TINY, bad_key=True) for n in UNSAFE_NAMES},
    **{f"query name {n}": Case(("queries", n), VECTOR, bad_key=True) for n in UNSAFE_NAMES},
    "imported name a/b": Case(("imported_models", "a/b"), "/tmp", bad_key=True),
    "figures.model ../x": Case(("figures", "model"), "../x"),
    # wrong types and ranges of a model
    "hidden_nodes 0": Case((*MODEL, "hidden_nodes"), 0),
    "hidden_nodes 1": Case((*MODEL, "hidden_nodes"), 1),  # a hidden layer cannot be rescaled
    "components 784": Case(("backquery", "image_prior", "components"), 784),
    "hidden_nodes '200'": Case((*MODEL, "hidden_nodes"), "200"),
    "hidden_nodes 2.5": Case((*MODEL, "hidden_nodes"), 2.5),
    "learning_rate 0": Case((*MODEL, "learning_rate"), 0),
    "learning_rate -0.1": Case((*MODEL, "learning_rate"), -0.1),
    "learning_rate .nan": Case((*MODEL, "learning_rate"), float("nan")),
    "learning_rate .inf": Case((*MODEL, "learning_rate"), float("inf")),
    "epochs 0": Case((*MODEL, "epochs"), 0),
    "epochs yes": Case((*MODEL, "epochs"), True),  # YAML reads `yes` as true
    "batch_size 0": Case((*MODEL, "batch_size"), 0),
    "seed -1": Case((*MODEL, "seed"), -1),
    "snapshot 0": Case((*MODEL, "snapshots", 0), 0),
    "train_thresholds 'no'": Case((*MODEL, "train_thresholds"), "no"),
    "update_rule Book": Case((*MODEL, "update_rule"), "Book"),
    # label values of a query: strictly inside (0, 1), exactly 10 of them
    "label 0": Case((*QUERY, 3), 0),
    "label 1": Case((*QUERY, 3), 1),
    "label -0.1": Case((*QUERY, 0), -0.1),
    "label 1.5": Case((*QUERY, 9), 1.5),
    "label '0.5'": Case((*QUERY, 8), "0.5"),
    "label .nan": Case((*QUERY, 5), float("nan")),
    "9 labels": Case(QUERY, [0.5] * 9),
    # the rest
    "timeout 0": Case(("mnist", "timeout"), 0),
    "sources []": Case(("mnist", "sources"), []),
    "sha256 abc": Case(("mnist", "sha256", "t10k-labels-idx1-ubyte"), "abc"),
    "actmax iterations 0": Case((*ACTMAX, "iterations"), 0),
    "actmax l2 -1": Case((*ACTMAX, "l2"), -1),
    "best_method blur": Case(("backquery", "best_method"), "blur"),
    # the claim study
    "claim": Case(("claim", "snapshot"), 3, bad_key=True),
    "claim.bootstrap": Case(("claim", "bootstrap", "seed"), 1, bad_key=True),
    "claim snapshots 0": Case(("claim", "snapshots"), 0),
    "claim hidden_nodes []": Case(("claim", "hidden_nodes"), []),
    "claim high_accuracy 1.5": Case(("claim", "high_accuracy"), 1.5),
    "claim rng_seed -1": Case(("claim", "bootstrap", "rng_seed"), -1),
}
RUN = [  # one per level and kind of mistake: the rest differ from these only in the schema
    *["top", "model", "backquery.methods.actmax", "model name ../x"],
    *["hidden_nodes 0", "learning_rate .nan", "label 1.5", "9 labels", "claim snapshots 0"],
]
TWICE = "trained and imported"


@pytest.fixture(scope="module")
def valid_config(tiny_mnist) -> dict:
    return pipeline_config(*tiny_mnist)


def refusal(config: dict) -> str:
    """The message of the schema's refusal of ``config``."""
    message = schema_refusal(config, SCHEMA)
    assert message is not None
    return message


def assert_names_culprit_and_place(message: str, case: Case) -> None:
    """The refusal starts one of at most three lines with the key path and the culprit."""
    lines = [line for line in message.splitlines() if line.startswith("config: ")]
    assert lines[0].startswith(case.expected()), lines
    assert len(message.splitlines()) <= 3, message


def test_the_valid_config_and_the_repositorys_pass(valid_config):
    assert schema_refusal(copy.deepcopy(valid_config), SCHEMA) is None
    repository = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    assert schema_refusal(repository, SCHEMA) is None


@pytest.mark.parametrize("case", CASES)
def test_the_schema_names_what_is_wrong_and_where(valid_config, case):
    assert_names_culprit_and_place(refusal(CASES[case].edit(valid_config)), CASES[case])


#: The rule each kind of mistake breaks, as the refusal's first line says it.
RULES = {
    "hidden_nodes 1": "models.tiny.hidden_nodes: 1 is below the minimum 2",
    "components 784": "backquery.image_prior.components: 784 is above the maximum 400",
    "learning_rate .nan": "models.tiny.learning_rate: nan is not allowed: NaN (not a number)",
    "learning_rate .inf": "models.tiny.learning_rate: inf is not a finite number",
    "learning_rate 0": "models.tiny.learning_rate: 0 is not above 0 (it must be greater)",
    "hidden_nodes '200'": "models.tiny.hidden_nodes: '200' is a string (text), not an integer",
    "epochs yes": "models.tiny.epochs: true is a boolean (true or false), not an integer",
    "update_rule Book": "models.tiny.update_rule: 'Book' is not one of exact, book",
    "model": "models.tiny: unknown key 'hiden_nodes' (allowed: analysis, batch_size, epochs,",
    "model name a b": "models: the name 'a b' does not match the pattern ^[A-Za-z0-9_-]+$",
    "9 labels": "queries.three_or_eight: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5] has "
    "fewer items than the 10 required",
    "label 1": "queries.three_or_eight[3]: 1 is not below 1 (it must be smaller)",
}


@pytest.mark.parametrize("case", RULES)
def test_the_refusal_says_the_rule_in_one_line(valid_config, case):
    assert refusal(CASES[case].edit(valid_config)).startswith(f"config: {RULES[case]}")


def test_defaults_are_filled_in_as_snakemake_validate_did(valid_config):
    """The pipeline reads keys the config may leave out (``select``, a model's ``seed``)."""
    config = copy.deepcopy(valid_config)
    del config["models"]["tiny"]["batch_size"]
    del config["models"]["tiny"]["seed"]
    config.pop("select", None)
    assert schema_refusal(config, SCHEMA) is None
    assert config["select"] == {}
    assert config["models"]["tiny"]["batch_size"] == 1
    assert config["models"]["tiny"]["seed"] == 1


def test_every_problem_is_counted(valid_config):
    config = CASES["epochs 0"].edit(CASES["batch_size 0"].edit(valid_config))
    assert refusal(config).splitlines()[-1] == (
        "config: and 1 more problem(s); fix this one and run again"
    )


@pytest.fixture(scope="module")
def runs(valid_config, tmp_path_factory) -> dict:
    """`snakemake --cores 1` (a real run, not a dry one) in a scratch copy per case in RUN,
    and with a model both trained and imported, two at a time: by case id, the
    scratch folder and the finished process."""
    foreign = tmp_path_factory.mktemp("foreign")
    write_params(foreign, initial_network(4, init_seed=0))
    configs = {case: CASES[case].edit(valid_config) for case in RUN}
    configs[TWICE] = Case(("imported_models", "tiny"), str(foreign)).edit(valid_config)
    folders = [make_pipeline_copy(tmp_path_factory.mktemp("config"), c) for c in configs.values()]
    with ThreadPoolExecutor(max_workers=2) as pool:
        finished = pool.map(lambda folder: snakemake(folder, check=False, cores=1), folders)
        return dict(zip(configs, zip(folders, finished, strict=True), strict=True))


def wrote_nothing(folder) -> bool:
    return not (folder / "results").exists() and not (folder / "resources").exists()


@pytest.mark.parametrize("case", RUN)
def test_snakemake_stops_before_any_job_naming_the_culprit(runs, case):
    folder, run = runs[case]
    assert run.returncode != 0
    message = run.stderr[run.stderr.index("config: ") :]
    assert_names_culprit_and_place(message.split("  File ")[0].strip(), CASES[case])
    assert "On instance" not in run.stderr  # not jsonschema's report
    assert wrote_nothing(folder)


#: Values given with --config, which Snakemake reads as text inside {...}: by argument,
#: the start of the refusal.
COMMAND_LINE = {
    "models={tiny: {learning_rate: .nan}}": "config: models.tiny.learning_rate: '.nan' is a "
    "string (text), not a number (--config reads values inside {...} as text",
    "models={tiny: {hidden_nodes: 1}}": "config: models.tiny.hidden_nodes: '1' is a string",
    "models={tiny: {epochs: many}}": "config: models.tiny.epochs: 'many' is a string (text), "
    "not an integer\n",
    "models={tiny: {epoch: 3}}": "config: models.tiny: unknown key 'epoch' (allowed: ",
    "select={models: [tiny, nothere]}": "config: select.models: nothere "
    "not configured (configured: "
    "tiny)",
}


@pytest.fixture(scope="module")
def command_line_runs(valid_config, tmp_path_factory) -> dict:
    """`snakemake --dry-run --config ARGUMENT` for each argument in COMMAND_LINE."""
    folder = make_pipeline_copy(tmp_path_factory.mktemp("config"), valid_config)
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(
            zip(
                COMMAND_LINE,
                pool.map(
                    lambda argument: snakemake(folder, "-n", "--config", argument, check=False),
                    COMMAND_LINE,
                ),
                strict=True,
            )
        )


@pytest.mark.parametrize("argument", COMMAND_LINE)
def test_a_bad_command_line_value_is_refused_in_two_lines(command_line_runs, argument):
    run = command_line_runs[argument]
    assert run.returncode != 0
    output = run.stdout + run.stderr  # a dry run reports on stdout
    message = output[output.index("config: ") :].split("  File ")[0]
    assert message.startswith(COMMAND_LINE[argument]), message
    assert len(message.strip().splitlines()) <= 2, message
    assert len(output.splitlines()) <= 8, output


def test_a_model_both_trained_and_imported_is_refused_before_any_job(runs):
    folder, run = runs[TWICE]
    assert run.returncode != 0
    assert "model name(s) tiny appear under both `models` and `imported_models`" in run.stderr
    assert wrote_nothing(folder)
