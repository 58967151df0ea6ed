"""The one rule catalog: every rule module in this package, found by its `RULE` attribute.

It drives `devcon rules`, the documentation table, SARIF rule metadata and the validation
of rule names in configuration.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from devcon.rules.base import Rule

_NOT_RULES = frozenset({"base", "catalog", "docs"})


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
