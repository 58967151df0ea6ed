"""The one rule catalog: every rule module in this package, found by its `RULE` attribute.

It drives `devcon rules`, the documentation table, SARIF rule metadata and the validation
of rule names in configuration.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Mapping

from devcon.rules.base import Rule

_NOT_RULES = frozenset({"base", "catalog", "docs"})

# Renamed rules, old name -> new name. A renamed rule keeps its old name as an alias: in the
# configuration (select, ignore, severity; command line too) and in `devcon-ignore` comments
# the old name means the new one, with a note telling the new name (config: a line on stderr;
# comments: an info `unknown-suppression` finding). An old name is never given to another
# rule, and when a rule is renamed again every old name maps to the newest
# (tests/unit/test_rule_renames.py holds this table to that). No rule has been renamed yet.
RENAMED: Mapping[str, str] = {}


@functools.cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule, sorted by name."""
    import devcon.rules as package

    rules: list[Rule] = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name in _NOT_RULES or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"devcon.rules.{info.name}")
        rule = getattr(module, "RULE", None)
        if isinstance(rule, Rule):
            rules.append(rule)
    names = [r.name for r in rules]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise RuntimeError(f"duplicate rule names: {sorted(duplicates)}")
    return tuple(sorted(rules, key=lambda r: r.name))


def rules_by_name() -> dict[str, Rule]:
    return {rule.name: rule for rule in all_rules()}


def renamed() -> Mapping[str, str]:
    """Old rule name -> its rule's current name (read at call time: tests rename a rule)."""
    return RENAMED


def former_names(name: str) -> frozenset[str]:
    """The old names of the rule now called `name`."""
    return frozenset(old for old, new in RENAMED.items() if new == name)


def rename_note(old: str) -> str:
    """What devcon says where an old rule name is read."""
    new = RENAMED[old]
    return f"'{old}' is the old name of rule '{new}'; read as '{new}' (write '{new}')"
