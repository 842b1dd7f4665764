"""The project installs as the README says: pyproject.toml and environment.yml agree."""

import re
import tomllib

import yaml
from conftest import REPO


def requirement_names(requirements):
    return {
        re.split(r"[<>=!~ ]", requirement, maxsplit=1)[0].lower() for requirement in requirements
    }


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = requirement_names(project["dependencies"] + project["optional-dependencies"]["test"])
    conda = yaml.safe_load((REPO / "environment.yml").read_text())["dependencies"]
    listed = requirement_names(entry for entry in conda if isinstance(entry, str))
    assert listed - {"python", "pip"} == declared


def test_rule_environment_lists_the_runtime_packages_except_snakemake():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    runtime = requirement_names(project["dependencies"]) - {"snakemake"}
    rule_env = yaml.safe_load((REPO / "workflow" / "envs" / "mnistnn.yaml").read_text())
    assert requirement_names(rule_env["dependencies"]) - {"python"} == runtime


def test_python_version_is_at_least_311():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
