"""Validate a devcontainer.json document against devcon's own JSON schema.

The schema (schemas/devcontainer.schema.json, shipped as package data of `devcon.schemas`)
is one object schema with every property listed, so jsonschema's errors already sit at
the offending value. This module turns them into one `Finding` per real problem:

* the message starts with the JSON pointer of the offending value in backticks;
* an unknown property is reported at its key, with a "did you mean" suggestion taken
  from the properties allowed in that object;
* for anyOf/oneOf, the branch matching the value's JSON type is explained instead of
  jsonschema's "is not valid under any of the given schemas".

jsonschema is imported lazily (inside functions) so `devcon --help` stays fast.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from devcon.findings import Finding, Severity
from devcon.jsonc import Pointer, format_pointer

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

    from devcon.jsonc import JsoncDocument

RULE_NAME = "schema"
SCHEMA_FILE = "devcontainer.schema.json"
FEATURE_SCHEMA_FILE = "devcontainer-feature.schema.json"
TEMPLATE_SCHEMA_FILE = "devcontainer-template.schema.json"
# Every schema devcon ships; they may refer to each other by `$id` (the Feature schema uses
# the devcontainer schema's mount and lifecycle-command definitions).
SCHEMA_FILES = (SCHEMA_FILE, FEATURE_SCHEMA_FILE, TEMPLATE_SCHEMA_FILE)
# At most this many schema findings a file, then one counting the rest (README, Input
# limits): a file of thousands of bad items is not thousands of lines to read, and each
# finding costs its redaction and output (20,000 took seconds)
MAX_SCHEMA_FINDINGS = 100


_ARTICLE_TYPE = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "null": "null",
}
_TYPE_ORDER = ("boolean", "integer", "number", "string", "array", "object", "null")


# -- loading ---------------------------------------------------------------------------


@functools.cache
def load_schema(name: str = SCHEMA_FILE) -> dict[str, Any]:
    """One of devcon's schemas (default: devcontainer.json's) as a dict, parsed once."""
    from devcon.resources import schema_text

    schema = json.loads(schema_text(name))
    if not isinstance(schema, dict):
        raise TypeError(f"{name} must hold a JSON object")
    return schema


@functools.cache
def _validator(name: str) -> Validator:
    from jsonschema import Draft202012Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    # A registry holding only devcon's own schemas: its default `retrieve` raises
    # NoSuchResource for any other URI, so validation never reaches the network.
    registry: Registry[Any] = Registry().with_resources(
        (load_schema(n).get("$id", n), DRAFT202012.create_resource(load_schema(n)))
        for n in SCHEMA_FILES
    )
    return Draft202012Validator(load_schema(name), registry=registry)


# -- public API ------------------------------------------------------------------------


def schema_findings(doc: JsoncDocument, path: str, schema: str = SCHEMA_FILE) -> list[Finding]:
    """One ERROR finding (rule "schema") per violation of `schema` (a file in SCHEMA_FILES,
    default devcontainer.json's) in `doc`, sorted by position."""
    validator = _validator(schema)
    problems: list[_Problem] = []
    for error in validator.iter_errors(doc.value):
        problems.extend(_explain(error))

    placed: set[tuple[int, int, str]] = set()
    for problem in problems:
        if problem.at_key and problem.pointer:
            line, column = doc.key_position(problem.pointer)
        else:
            line, column = doc.value_position(problem.pointer)
        placed.add((line, column, f"`{format_pointer(problem.pointer)}`: {problem.message}"))
    ordered = sorted(placed)
    findings = [
        Finding(path, line, column, RULE_NAME, Severity.ERROR, message)
        for line, column, message in ordered[:MAX_SCHEMA_FINDINGS]
    ]
    if len(ordered) > MAX_SCHEMA_FINDINGS:
        line, column, _ = ordered[MAX_SCHEMA_FINDINGS]
        rest = len(ordered) - MAX_SCHEMA_FINDINGS
        message = (
            f"{rest} more schema problems in this file not shown "
            f"(devcon reports at most {MAX_SCHEMA_FINDINGS} a file)"
        )
        findings.append(Finding(path, line, column, RULE_NAME, Severity.ERROR, message))
    return findings


# -- explaining errors -----------------------------------------------------------------


@dataclass(frozen=True)
class _Problem:
    pointer: Pointer
    message: str
    at_key: bool = False  # position at the member's key rather than its value


def _explain(error: ValidationError) -> list[_Problem]:
    pointer: Pointer = tuple(error.absolute_path)
    keyword = error.validator
    value: Any = error.validator_value
    instance = error.instance
    schema = error.schema if isinstance(error.schema, Mapping) else {}

    if "propertyNames" in error.relative_schema_path:
        # The instance is the offending key itself; the error's path is its object.
        name = str(instance)
        custom = schema.get("x-message")
        reason = custom if isinstance(custom, str) else _simple(error)
        return [_Problem((*pointer, name), f"invalid name {_literal(name)}: {reason}", at_key=True)]
    if keyword in ("anyOf", "oneOf"):
        return _explain_alternatives(error)
    if keyword == "additionalProperties" and value is False and isinstance(instance, dict):
        return _unknown_properties(pointer, instance, schema)
    if keyword == "unevaluatedProperties" and isinstance(instance, dict):
        return _unknown_properties(pointer, instance, schema)
    if keyword == "required" and isinstance(instance, dict):
        return [
            _Problem(pointer, f"missing required property {_literal(name)}")
            for name in value
            if name not in instance
        ]
    if keyword == "dependentRequired" and isinstance(instance, dict):
        problems = []
        for trigger, needed in value.items():
            if trigger not in instance:
                continue
            for name in needed:
                if name not in instance:
                    message = f"{_literal(name)} must also be set when {_literal(trigger)} is used"
                    problems.append(_Problem((*pointer, trigger), message, at_key=True))
        return problems
    return [_Problem(pointer, _simple(error))]


# a bound's keyword -> how its message starts ("must be at least 1, got 0")
_BOUNDS = {
    "minimum": "must be at least",
    "maximum": "must be at most",
    "exclusiveMinimum": "must be greater than",
    "exclusiveMaximum": "must be less than",
}


def _simple(error: ValidationError) -> str:
    """A one-line human message for a single-keyword failure."""
    keyword = error.validator
    value: Any = error.validator_value
    instance = error.instance
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    custom = schema.get("x-message")

    if keyword == "type":
        expected = [value] if isinstance(value, str) else list(value)
        return f"expected {_describe_types(expected)}, got {_describe_instance(instance)}"
    if keyword == "enum":
        return _not_one_of(list(value), instance)
    if keyword == "const":
        return f"expected {_literal(value)}, got {_literal(instance)}"
    if keyword in _BOUNDS:
        return f"{_BOUNDS[keyword]} {value}, got {_literal(instance)}"
    if keyword == "minLength":
        return "must not be empty" if value == 1 else f"must be at least {value} characters long"
    if keyword == "maxLength":
        return f"must be at most {value} characters long"
    if keyword == "pattern":
        if isinstance(custom, str):
            return f"{custom}, got {_literal(instance)}"
        return f"{_literal(instance)} does not match the pattern {value}"
    if keyword == "minItems":
        return "must not be empty" if value == 1 else f"must have at least {value} items"
    if keyword == "maxItems":
        return f"must have at most {value} items"
    if keyword == "uniqueItems":
        return "must not contain duplicate items"
    if isinstance(custom, str):
        return custom
    return error.message


def _unknown_properties(
    pointer: Pointer, instance: Mapping[str, Any], schema: Mapping[str, Any]
) -> list[_Problem]:
    properties = schema.get("properties", {})
    allowed = list(properties) if isinstance(properties, Mapping) else []
    patterns = schema.get("patternProperties", {})
    problems = []
    for key in instance:
        if key in allowed or any(re.search(p, key) for p in patterns):
            continue
        message = f"unknown property {_literal(key)}"
        suggestion = _suggest(key, allowed, properties)
        if suggestion is not None:
            message += f" (did you mean {_literal(suggestion)}?)"
        problems.append(_Problem((*pointer, key), message, at_key=True))
    return problems


def _suggest(key: str, allowed: list[str], properties: Mapping[str, Any]) -> str | None:
    """The closest allowed name; current properties are preferred over deprecated ones."""
    for candidate in allowed:
        if candidate.lower() == key.lower():
            return candidate

    def deprecated(name: str) -> bool:
        sub = properties.get(name)
        return isinstance(sub, Mapping) and sub.get("deprecated") is True

    current = [name for name in allowed if not deprecated(name)]
    for pool in (current, allowed):
        matches = difflib.get_close_matches(key, pool, n=1, cutoff=0.6)
        if matches:
            return matches[0]
    return None


def _explain_alternatives(error: ValidationError) -> list[_Problem]:
    """anyOf/oneOf: explain the branch that fits the value's JSON type."""
    pointer: Pointer = tuple(error.absolute_path)
    branches = error.validator_value if isinstance(error.validator_value, list) else []
    if error.validator == "oneOf" and not error.context:
        return [_Problem(pointer, "matches more than one of the allowed forms")]

    by_branch: dict[int, list[ValidationError]] = {}
    for sub in error.context or ():
        index = sub.relative_schema_path[0] if sub.relative_schema_path else None
        if isinstance(index, int):
            by_branch.setdefault(index, []).append(sub)

    instance_type = _json_type(error.instance)
    fitting = [
        index
        for index, branch in enumerate(branches)
        if _accepts_type(_branch_types(branch), instance_type)
    ]
    candidates = [index for index in fitting if by_branch.get(index)]
    if not candidates:
        expected = _describe_branches(branches)
        return [_Problem(pointer, f"expected {expected}, got {_describe_instance(error.instance)}")]

    def depth(index: int) -> tuple[int, int]:
        errors = by_branch[index]
        return (max(len(e.absolute_path) for e in errors), -len(errors))

    best = max(candidates, key=depth)
    chosen = by_branch[best]
    if all(
        len(e.absolute_path) == len(pointer) and e.validator in {"const", "enum"} for e in chosen
    ):
        # A literal branch of the right type but the wrong value (e.g. "yes" where
        # true, false or "optional" is allowed): list every accepted form.
        expected = _describe_branches(branches)
        return [_Problem(pointer, f"expected {expected}, got {_literal(error.instance)}")]
    problems: list[_Problem] = []
    for sub in chosen:
        problems.extend(_explain(sub))
    return problems


# -- describing values and types -------------------------------------------------------


def _json_type(instance: Any) -> str:
    if instance is None:
        return "null"
    if isinstance(instance, bool):
        return "boolean"
    if isinstance(instance, int):
        return "integer"
    if isinstance(instance, float):
        return "integer" if instance.is_integer() else "number"
    if isinstance(instance, str):
        return "string"
    if isinstance(instance, list):
        return "array"
    return "object"


def _accepts_type(types: set[str] | None, instance_type: str) -> bool:
    if types is None:
        return True
    return instance_type in types or (instance_type == "integer" and "number" in types)


def _resolve(schema: Any) -> Any:
    """Follow local `#/...` $refs in our own schema (the only kind it uses)."""
    seen = 0
    while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str) and seen < 16:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            break
        target: Any = load_schema()
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, Mapping) else None
        schema = target
        seen += 1
    return schema


def _branch_types(branch: Any) -> set[str] | None:
    """JSON types a branch can accept, or None if it does not restrict the type."""
    branch = _resolve(branch)
    if not isinstance(branch, Mapping):
        return None if branch is not False else set()
    declared = branch.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return set(declared)
    if "const" in branch:
        return {_json_type(branch["const"])}
    if isinstance(branch.get("enum"), list):
        return {_json_type(v) for v in branch["enum"]}
    return None


def _describe_branches(branches: Iterable[Any]) -> str:
    parts: list[str] = []
    for raw in branches:
        branch = _resolve(raw)
        if not isinstance(branch, Mapping):
            continue
        if "const" in branch:
            parts.append(_literal(branch["const"]))
        elif isinstance(branch.get("enum"), list):
            parts.extend(_literal(v) for v in branch["enum"])
        else:
            types = _branch_types(branch)
            if types is None:
                continue
            parts.extend(_ARTICLE_TYPE.get(t, t) for t in _ordered(types))
    unique = list(dict.fromkeys(parts))
    return _join(unique) if unique else "a different value"


def _describe_types(types: Iterable[str]) -> str:
    return _join([_ARTICLE_TYPE.get(t, t) for t in types])


def _describe_instance(instance: Any) -> str:
    kind = _json_type(instance)
    if kind == "integer" and isinstance(instance, float):
        kind = "number"
    return _ARTICLE_TYPE[kind]


def _not_one_of(allowed: list[Any], instance: Any) -> str:
    choices = ", ".join(_literal(v) for v in allowed)
    message = f"expected one of {choices}, got {_literal(instance)}"
    if isinstance(instance, str):
        names = [v for v in allowed if isinstance(v, str)]
        suggestion = _suggest(instance, names, {})
        if suggestion is not None:
            message += f" (did you mean {_literal(suggestion)}?)"
    return message


def _ordered(types: Iterable[str]) -> list[str]:
    return sorted(types, key=lambda t: _TYPE_ORDER.index(t) if t in _TYPE_ORDER else 99)


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " or " + parts[-1]


def _literal(value: Any) -> str:
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return "'" + text.replace("'", "\\'") + "'"
    if isinstance(value, (dict, list)):
        return _ARTICLE_TYPE[_json_type(value)]
    return json.dumps(value)
