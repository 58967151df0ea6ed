"""What may import what between devcon/compat and devcon/rules: rules import compat's
knowledge (facts, guesses, the table), compat never imports rules. Read from the source
(every import statement, TYPE_CHECKING ones and those inside functions included)."""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path

import devcon
from devcon.rules.base import Rule

PACKAGE = Path(devcon.__file__).parent

# what rule modules may use of compat: the knowledge, not the command that reads images
RULES_MAY_IMPORT_FROM_COMPAT = frozenset(
    {"devcon.compat.facts", "devcon.compat.guess", "devcon.compat.knowledge", "devcon.compat.uses"}
)


def _imports(path: Path) -> set[str]:
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return _imports_of(path.read_text(encoding="utf-8"), module)


def _imports_of(source: str, module: str) -> set[str]:
    """Every module a file imports, by absolute name (relative imports resolved)."""
    tree = ast.parse(source, module)
    package = module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], *filter(None, [base])])
            found.add(base)
            # `from devcon import rules` names a module too
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_compat_never_imports_rules() -> None:
    offenders = {
        f"{path.relative_to(PACKAGE.parent)} imports {name}"
        for path in sorted((PACKAGE / "compat").rglob("*.py"))
        for name in _imports(path)
        if _within(name, "devcon.rules")
    }
    assert not offenders, sorted(offenders)


def test_rules_use_only_compat_knowledge() -> None:
    offenders = {
        f"{path.relative_to(PACKAGE.parent)} imports {name}"
        for path in sorted((PACKAGE / "rules").rglob("*.py"))
        for name in _imports(path)
        if _within(name, "devcon.compat")
        and name != "devcon.compat"
        and not any(_within(name, allowed) for allowed in RULES_MAY_IMPORT_FROM_COMPAT)
    }
    assert not offenders, sorted(offenders)


def test_relative_and_guarded_imports_count() -> None:
    """The checker itself: relative imports, and imports under TYPE_CHECKING or in a
    function, count as imports."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "from ..rules import base\n"
        "from . import facts\n"
        "if TYPE_CHECKING:\n    from devcon.rules.catalog import all_rules\n"
        "def f():\n    import devcon.rules.docs\n"
    )
    names = _imports_of(source, "devcon.compat.probe")
    assert {"devcon.rules.base", "devcon.rules.catalog", "devcon.rules.docs"} <= names
    assert "devcon.compat.facts" in names


def test_every_knowledge_table_rule_is_made_by_the_one_factory() -> None:
    """The rules the table has rows for are built by rules/_knowledge_rule.py, and each keeps
    its own module (its name, summary and doc); no other rule uses the factory."""
    from devcon.rules import _knowledge_rule
    from devcon.rules.catalog import all_rules

    def made_by_factory(rule: Rule) -> bool:
        return any(
            getattr(check, "__module__", None) == _knowledge_rule.__name__
            for check in (rule.image, rule.config, rule.dockerfile, rule.compose)
        )

    table = json.loads((PACKAGE / "compat" / "knowledge.json").read_text(encoding="utf-8"))
    in_table = {str(row["rule"]) for row in table["rows"]}
    by_factory = {rule.name for rule in all_rules() if made_by_factory(rule)}
    assert by_factory == in_table
    for name in in_table:  # one module per rule, named for it
        module = importlib.import_module("devcon.rules." + name.replace("-", "_"))
        assert module.RULE.name == name


# -- what a core module brings with it when imported (its whole import closure) --------------

# core layers that judge nothing: they read files, images and registries for the rules and the
# commands, so they must load no rule, no report formatter and no CLI (issue 12: no cycle
# between packages, compat -> definition -> rules.base was one)
_READERS = (
    "devcon.definition",
    "devcon.compat.check",
    "devcon.parity",
    "devcon.pin",
    "devcon.imagespec",
    "devcon.services",
    "devcon.imagefiles",
    "devcon.base_facts",
)
# no core module may load the CLI's libraries or the CLI itself
_CORE = (*_READERS, "devcon.validate", "devcon.compat_check", "devcon.scaffold", "devcon.config")


def _loaded_by(module: str) -> set[str]:
    import subprocess
    import sys

    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_reading_layers_load_no_rule_report_or_cli() -> None:
    for module in _READERS:
        loaded = _loaded_by(module)
        wrong = sorted(
            m for m in loaded if m.startswith(("devcon.rules", "devcon.report", "devcon.cli"))
        )
        assert wrong == [], (module, wrong)


def test_core_modules_load_no_cli_library() -> None:
    for module in _CORE:
        loaded = _loaded_by(module)
        wrong = sorted(m for m in loaded if m.split(".")[0] in ("typer", "click", "rich"))
        wrong += sorted(m for m in loaded if m.startswith("devcon.cli"))
        assert wrong == [], (module, wrong)


def test_formatters_do_not_reach_up_into_the_cli() -> None:
    """report/ is the output seam the CLI calls: it shows what the CLI hands it (hints
    already worded by devcon/cli/hints.py) and imports nothing of devcon/cli."""
    for path in sorted((PACKAGE / "report").glob("*.py")):
        wrong = sorted(m for m in _imports(path) if m.startswith("devcon.cli"))
        assert wrong == [], (path.name, wrong)
    loaded = _loaded_by("devcon.report.parity_report") | _loaded_by("devcon.report.compat_report")
    assert sorted(m for m in loaded if m.startswith("devcon.cli")) == []
