"""The config against its JSON schema, refused in a line a person can read.

Snakemake's own ``snakemake.utils.validate`` prints jsonschema's whole report
(the failing subschema as a dictionary, then the instance), about 40 lines in
which the key and the rule are hard to find.  :func:`schema_refusal` validates
the same way, including filling in the schema's ``default:`` values (the
pipeline reads e.g. ``config["select"]`` without checking for it), and turns
the most relevant error (jsonschema's ``best_match``) into one line naming the
key path, the value and the rule it breaks, with the key's description from
the schema on a second line when it has one.

jsonschema (a Snakemake dependency) and PyYAML only: the Snakefile imports it at parse time.
"""

from collections.abc import Iterator
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError, best_match

#: JSON type names as a reader of the config would say them.
TYPE_NAMES = {
    "integer": "an integer",
    "number": "a number",
    "string": "a string (text)",
    "boolean": "a boolean (true or false)",
    "array": "a list",
    "object": "a mapping of keys to values",
    "null": "empty",
}


def filling_defaults(validator_class):
    """``validator_class`` that also sets each missing property that has a ``default:``.

    The recipe of jsonschema's FAQ, as ``snakemake.utils.validate(set_default=True)`` uses it.
    """
    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema) -> Iterator[ValidationError]:
        for name, subschema in properties.items():
            if "default" in subschema and isinstance(instance, dict):
                instance.setdefault(name, subschema["default"])
        yield from validate_properties(validator, properties, instance, schema)

    return validators.extend(validator_class, {"properties": set_defaults})


def key_path(parts) -> str:
    """``models.book.hidden_nodes``, ``queries.three[3]``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def shown(value) -> str:
    """A value as the config's YAML would spell it (``nan`` for NaN, quotes around text)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        text = yaml.safe_dump(value, default_flow_style=True, width=10**6).strip()
        return text if len(text) <= 60 else text[:57] + "..."
    return repr(value)


def json_type(value) -> str:
    """The JSON type of a value read from YAML."""
    for name, types in [("boolean", bool), ("integer", int), ("number", float), ("string", str)]:
        if isinstance(value, types):
            return name
    return {dict: "object", list: "array"}.get(type(value), "null")


#: What a value does wrong, by the schema keyword it breaks; {limit} is the keyword's value.
SENTENCES = {
    "minimum": "is below the minimum {limit}",
    "maximum": "is above the maximum {limit}",
    "exclusiveMinimum": "is not above {limit} (it must be greater)",
    "exclusiveMaximum": "is not below {limit} (it must be smaller)",
    "pattern": "does not match the pattern {limit}",
    "minItems": "has fewer items than the {limit} required",
    "maxItems": "has more items than the {limit} allowed",
    "minLength": "is shorter than {limit} characters",
    "minProperties": "has fewer than {limit} entries",
    "uniqueItems": "lists an item twice",
}


#: Why a number or boolean may arrive as text: Snakemake reads ``--config key={...}`` with
#: PyYAML's BaseLoader, which leaves every value inside the braces a string.
COMMAND_LINE_TEXT = " (--config reads values inside {...} as text: set it in a --configfile)"


def read_as_text(value, expected) -> bool:
    """True when ``value`` is text that YAML would read as the ``expected`` JSON type(s)."""
    if not isinstance(value, str):
        return False
    try:
        parsed = yaml.safe_load(value)
    except yaml.YAMLError:
        return False
    return json_type(parsed) in ([expected] if isinstance(expected, str) else expected) or (
        json_type(parsed) == "integer" and "number" in expected
    )


def broken_rule(error: ValidationError) -> str:
    """What ``error``'s value does wrong, after the key path: ``1 is below the minimum 2``."""
    value, rule, limit = error.instance, error.validator, error.validator_value
    if rule == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(value) - set(allowed))
        takes = f"allowed: {', '.join(allowed)}" if allowed else "it takes no keys"
        return f"unknown key {', '.join(map(repr, unknown))} ({takes})"
    if rule == "required":
        return error.message.replace("is a required property", "is missing (a required key)")
    if rule == "type":
        types = [limit] if isinstance(limit, str) else limit
        expected = " or ".join(TYPE_NAMES[name] for name in types)
        told = f"{shown(value)} is {TYPE_NAMES[json_type(value)]}, not {expected}"
        return told + (COMMAND_LINE_TEXT if read_as_text(value, limit) else "")
    if rule in ("exclusiveMinimum", "exclusiveMaximum") and abs(value) == float("inf"):
        return f"{shown(value)} is not a finite number"
    if "propertyNames" in error.absolute_schema_path and rule in SENTENCES:
        return f"the name {shown(value)} {SENTENCES[rule].format(limit=limit)}"
    if rule == "enum":
        return f"{shown(value)} is not one of {', '.join(map(str, limit))}"
    if rule == "not":
        return f"{shown(value)} is not allowed: {limit.get('description', limit)}"
    if rule in SENTENCES:
        return f"{shown(value)} {SENTENCES[rule].format(limit=limit)}"
    return error.message


def describe(error: ValidationError) -> str:
    """One or two lines: the key path, the value and the rule, then the key's description."""
    path = list(error.absolute_path)
    line = f"config: {key_path(path) + ': ' if path else ''}{broken_rule(error)}"
    description = error.schema.get("description") if error.validator != "not" else None
    if description and error.validator not in ("additionalProperties", "required"):
        line += f"\n  ({' '.join(description.split())})"
    return line


def schema_refusal(config: dict, schema_path: str | Path) -> str | None:
    """Validate ``config`` against the schema in ``schema_path`` and fill in its defaults.

    Returns None when it is valid, otherwise the message that refuses it: the
    most relevant error, and how many more there are.  Only local ``$ref`` (``#/$defs/...``).
    """
    schema = yaml.safe_load(Path(schema_path).read_text())
    validator = filling_defaults(Draft202012Validator)(schema)
    errors = list(validator.iter_errors(config))
    if not errors:
        return None
    message = describe(best_match(errors))
    if len(errors) > 1:
        message += f"\nconfig: and {len(errors) - 1} more problem(s); fix this one and run again"
    return message
