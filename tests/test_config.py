"""Configuration: every key is checked against the schema before any job runs.

Each case makes one edit to a valid config.  Every case is checked against
the schema in-process (as the Snakefile's ``validate`` does); a selection,
covering each level and kind of mistake, is also run by the real
``snakemake`` command line, which must stop with a message naming the key or
value and where it is, exit non-zero, and write nothing.
"""

import copy
import re
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import pytest
import yaml
from conftest import REPO, make_pipeline_copy, pipeline_config, snakemake
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

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

    def expected(self) -> tuple[str, str]:
        """What the message must show: a pattern its ValidationError line matches (the
        culprit), and the line naming the place that holds the culprit."""
        if self.bad_key:
            return re.escape(repr(self.path[-1])), place(self.path[:-1])
        return "^" + re.escape(f"{self.value!r} "), place(self.path)


def place(path) -> str:
    """jsonschema's name for the place ``path`` in the config."""
    return "On instance" + "".join(f"[{part!r}]" for part in path) + ":"


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
    with pytest.raises(WorkflowError) as error:
        validate(config, SCHEMA)
    return str(error.value)


def assert_names_culprit_and_place(message: str, case: Case) -> None:
    culprit, place_line = case.expected()
    lines = message.splitlines()
    (error,) = [
        line.removeprefix("ValidationError: ") for line in lines if "ValidationError: " in line
    ]
    assert re.search(culprit, error), error
    assert place_line in lines


def test_the_valid_config_and_the_repositorys_pass(valid_config):
    validate(copy.deepcopy(valid_config), SCHEMA)
    validate(yaml.safe_load((REPO / "config" / "config.yaml").read_text()), SCHEMA)


@pytest.mark.parametrize("case", CASES)
def test_the_schema_names_what_is_wrong_and_where(valid_config, case):
    assert_names_culprit_and_place(refusal(CASES[case].edit(valid_config)), CASES[case])


@pytest.fixture(scope="module")
def runs(valid_config, tmp_path_factory) -> dict:
    """`snakemake --cores 1` (a real run, not a dry one) in a scratch copy per case in RUN,
    and with a model both trained and imported, two at a time: by case id, the
    scratch folder and the finished process."""
    foreign = tmp_path_factory.mktemp("foreign")
    write_params(foreign, initial_network(4, seed=0))
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
    assert "Error validating config file." in run.stderr
    assert_names_culprit_and_place(run.stderr, CASES[case])
    assert wrote_nothing(folder)


def test_a_model_both_trained_and_imported_is_refused_before_any_job(runs):
    folder, run = runs[TWICE]
    assert run.returncode != 0
    assert "model name(s) tiny appear under both `models` and `imported_models`" in run.stderr
    assert wrote_nothing(folder)
