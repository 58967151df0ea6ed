"""option-default-invalid: an option's default does not fit its own type or enum."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from typing import Any

from devcon.output_safety import bounded_join
from devcon.rules._metadata import metadata_kind
from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc

# Templates replace `${templateOption:x}` in text files, so the spec gives their defaults as
# strings, "true"/"false" for boolean options; a Feature's boolean option takes a boolean.
_TEMPLATE_BOOLEAN_STRINGS = ("true", "false")


def _literal(value: Any) -> str:
    return json.dumps(value)


def _problem(kind: str, option_type: Any, option: dict[str, Any]) -> str | None:
    default = option["default"]
    if not isinstance(default, str | bool):
        return None  # neither a string nor a boolean: the schema rule reports it
    if option_type == "boolean":
        if isinstance(default, bool):
            return None
        if kind == "Template" and default in _TEMPLATE_BOOLEAN_STRINGS:
            return None
        wanted = 'true or false (or "true" / "false")' if kind == "Template" else "true or false"
        return f"the option is boolean but its default is {_literal(default)}: use {wanted}"
    if option_type != "string":
        return None  # an unknown type is the schema rule's
    if not isinstance(default, str):
        return (
            f"the option is a string but its default is {_literal(default)}: write it as "
            f"{_literal(_literal(default))}"
        )
    allowed = option.get("enum")
    if isinstance(allowed, list) and allowed and default not in allowed:
        choices = [a for a in allowed if isinstance(a, str)]
        close = difflib.get_close_matches(default, choices, n=1)
        hint = f" (did you mean {_literal(close[0])}?)" if close else ""
        listed = bounded_join((_literal(a) for a in allowed), empty="")
        return (
            f"the default {_literal(default)} is not one of the option's enum values "
            f"[{listed}]{hint}: a user who keeps the default gets a value the {kind} rejects"
        )
    return None


def check(ctx: ConfigContext) -> Iterator[Problem]:
    value = ctx.value
    if ctx.doc is None or not isinstance(value, dict):
        return
    options = value.get("options")
    if not isinstance(options, dict):
        return
    kind = metadata_kind(ctx)
    for name, option in options.items():
        if not isinstance(option, dict) or "default" not in option:
            continue
        message = _problem(kind, option.get("type"), option)
        if message:
            yield ctx.at_value(("options", name, "default"), f"option `{name}`: {message}")


_DOC = RuleDoc(
    what=(
        "For each option of a devcontainer-feature.json or devcontainer-template.json, "
        "reports a `default` that does not fit the option: not a boolean for a boolean "
        'option (a Template may also write "true" / "false", as the spec\'s examples '
        "do), not a string for a string option, or not one of the option's `enum` values. "
        "A default outside `proposals` is fine: proposals are suggestions and free-form "
        "values are allowed."
    ),
    why=(
        "The default is what every user who sets nothing gets. A default outside `enum` "
        "is a value the Feature itself declares invalid, so tools that check option "
        "values reject the Feature's own default, and install.sh receives a value it was "
        "not written for; a default of the wrong type reaches install.sh as an "
        "environment variable it does not expect (`1` instead of `true`)."
    ),
    example=(
        '{\n  "options": {\n    "flavor": {"type": "string", "enum": ["slim", "full"], '
        '"default": "standard"},\n'
        '    "installTools": {"type": "boolean", "default": "yes"}\n  }\n}'
    ),
    fix=(
        '{\n  "options": {\n    "flavor": {"type": "string", "enum": ["slim", "full"], '
        '"default": "slim"},\n    "installTools": {"type": "boolean", "default": true}\n  }\n}'
    ),
)

RULE = Rule(
    "option-default-invalid",
    Category.CORRECTNESS,
    "a Feature or Template option's default does not match its type or enum",
    _DOC,
    feature=check,
    template=check,
)
