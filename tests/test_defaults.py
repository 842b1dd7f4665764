"""One default per key: mnistnn.defaults, the schema and config/config.yaml agree.

A user reads the defaults in config/config.yaml and config/README.md, the
schema fills them in for a key left out, and the library falls back on
mnistnn.defaults when called without the config: all must say the same.
"""

import dataclasses
import re
from pathlib import Path

import yaml

from mnistnn import defaults

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
CONFIG = yaml.safe_load((ROOT / "config/config.yaml").read_text())


def schema_defaults(properties: dict) -> dict:
    """``{key: default}`` for the keys of a schema object that declare one."""
    return {key: spec["default"] for key, spec in properties.items() if "default" in spec}


def as_config(record) -> dict:
    """A defaults dataclass as config values: tuples become lists, as YAML has them."""
    return {
        key: list(value) if isinstance(value, tuple) else value
        for key, value in dataclasses.asdict(record).items()
    }


def test_model_defaults_are_the_schemas():
    expected = {**as_config(defaults.MODEL), "analysis": defaults.ANALYSIS}
    assert schema_defaults(SCHEMA["$defs"]["model"]["properties"]) == expected


def test_model_book_states_the_defaults_but_its_snapshots():
    book = CONFIG["models"]["book"]
    expected = as_config(defaults.MODEL)
    # book keeps snapshots inside the first epoch for the evolution figure
    del expected["snapshots"], expected["update_rule"]
    assert {key: book[key] for key in expected} == expected


def test_image_prior_defaults_are_the_schemas_and_the_configs():
    properties = SCHEMA["properties"]["backquery"]["properties"]["image_prior"]["properties"]
    assert schema_defaults(properties) == as_config(defaults.IMAGE_PRIOR)
    assert CONFIG["backquery"]["image_prior"] == as_config(defaults.IMAGE_PRIOR)


def test_method_settings_are_the_configs():
    configured = CONFIG["backquery"]["methods"]
    assert {method: dict(settings) for method, settings in defaults.METHOD_SETTINGS.items()} == (
        configured
    )
    # and the schema accepts exactly these settings for each method
    schema = SCHEMA["properties"]["backquery"]["properties"]["methods"]["properties"]
    for method, settings in defaults.METHOD_SETTINGS.items():
        assert set(schema[method].get("properties", {})) == set(settings), method


def test_claim_defaults_are_the_configs():
    claim = dict(CONFIG["claim"])
    bootstrap = claim.pop("bootstrap")
    claim["bootstrap_samples"] = bootstrap["samples"]
    claim["bootstrap_rng_seed"] = bootstrap["rng_seed"]
    assert claim == as_config(defaults.CLAIM)


def test_single_defaults_are_the_schemas_and_the_configs():
    backquery = SCHEMA["properties"]["backquery"]["properties"]
    pairs = {
        "best_method": (backquery["best_method"]["default"], CONFIG["backquery"]["best_method"]),
        "control_seed": (backquery["control_seed"]["default"], CONFIG["backquery"]["control_seed"]),
        "timeout": (
            SCHEMA["properties"]["mnist"]["properties"]["timeout"]["default"],
            CONFIG["mnist"]["timeout"],
        ),
        "figures": (
            SCHEMA["properties"]["figures"]["properties"]["model"]["default"],
            CONFIG["figures"]["model"],
        ),
    }
    library = {
        "best_method": defaults.BEST_METHOD,
        "control_seed": defaults.CONTROL_SEED,
        "timeout": defaults.MNIST_TIMEOUT,
        "figures": defaults.FIGURES_MODEL,
    }
    for key, (in_schema, in_config) in pairs.items():
        assert in_schema == in_config == library[key], key


def schema_keys(node, found: set) -> set:
    """Every key the schema names as a property, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                found.update(value)
            schema_keys(value, found)
    elif isinstance(node, list):
        for item in node:
            schema_keys(item, found)
    return found


def test_config_readme_names_every_key():
    readme = (ROOT / "config/README.md").read_text()
    spans = re.findall(r"`([^`]*)`", readme)  # a key is named in code, e.g. `{samples: 2000}`
    named = {word for span in spans for word in re.findall(r"[\w-]+", span)}
    assert sorted(schema_keys(SCHEMA, set()) - named) == []
