"""devcon's own configuration: `.devcon.toml`, or `[tool.devcon]` in pyproject.toml.

The file nearest to the starting folder (walking up) wins; `.devcon.toml` before
pyproject.toml in the same folder. The table is checked against
`schemas/devcon-config.schema.json`, with rule names taken from the rule catalog, so an
unknown rule name is an error (exit 2) and never silently ignored.
"""

from __future__ import annotations

import contextlib
import difflib
import fnmatch
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from devcon.errors import ConfigError, OptionError
from devcon.fileio import read_text
from devcon.findings import Severity
from devcon.profile import Profile
from devcon.resources import schema_text
from devcon.rules.base import Rule, RuleOptions

DEFAULT_FAIL_ON = Severity.WARNING


@dataclass(frozen=True)
class Settings:
    """Which rules run, at which severity, and what fails the run."""

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    severity: Mapping[str, Severity | None] = field(default_factory=dict)  # None: off
    fail_on: Severity = DEFAULT_FAIL_ON
    source: Path | None = None
    profile: Profile | None = None  # None: dev for Dockerfiles a config uses, prod otherwise
    profile_overrides: tuple[tuple[str, Profile], ...] = ()
    trusted_registries: tuple[str, ...] | None = None
    insecure_registries: tuple[str, ...] = ()
    registry_mirror: str | None = None
    parity: Mapping[str, str] = field(default_factory=dict)
    vscode: str = "stable"
    tools: frozenset[str] = frozenset()  # supporting tools whose limits to check: codespaces
    merge_env: Mapping[str, str] = field(default_factory=dict)  # localEnv values for --merge
    # what devcon tells about these settings (an old rule name read as the new one), each
    # `path:line:column: text` when from a file
    notes: tuple[str, ...] = ()

    @property
    def rule_options(self) -> RuleOptions:
        return RuleOptions(
            trusted_registries=self.trusted_registries, vscode=self.vscode, tools=self.tools
        )

    def profile_for(self, path: Path, default: Profile, cli: Profile | None = None) -> Profile:
        """CLI --profile, then a matching per-path override, then `profile`, then default."""
        if cli is not None:
            return cli
        base = self.source.parent if self.source is not None else Path.cwd()
        candidates = {path.as_posix()}
        with contextlib.suppress(ValueError):
            candidates.add(path.resolve().relative_to(base.resolve()).as_posix())
        for pattern, profile in self.profile_overrides:
            if any(fnmatch.fnmatch(c, pattern) for c in candidates):
                return profile
        return self.profile or default

    def is_enabled(self, rule: Rule) -> bool:
        """ignore, then a rule's own `off`, then select (rule or category names), then its
        category's `off`, then the rule's default."""
        category = rule.category.value
        if rule.name in self.ignore or category in self.ignore:
            return False
        if rule.tools and not rule.tools & self.tools:
            return False
        if rule.name in self.severity and self.severity[rule.name] is None:
            return False
        if self.select is not None:
            return rule.name in self.select or category in self.select
        if category in self.severity and self.severity[category] is None:
            return rule.name in self.severity  # a rule named on its own stays on
        return rule.enabled_by_default or rule.name in self.severity

    def severity_of(self, rule: Rule) -> Severity:
        """The rule's own setting, then its category's, then the rule's default."""
        return self.configured_severity(rule) or rule.default_severity

    def configured_severity(self, rule: Rule) -> Severity | None:
        """The severity config sets for the rule (or else its category), None when neither."""
        for key in (rule.name, rule.category.value):
            value = self.severity.get(key)
            if value is not None:
                return value
        return None

    def with_overrides(
        self,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] | None = None,
        fail_on: Severity | None = None,
        vscode: str | None = None,
        tools: Iterable[str] | None = None,
    ) -> Settings:
        """Command-line options on top: `select` replaces, `ignore` adds."""
        from devcon.rules.catalog import rename_note, renamed

        known = _rule_names()
        old = renamed()
        notes: list[str] = []
        for option, names in (("select", select), ("ignore", ignore)):
            for name in names or ():
                if name not in known:
                    raise OptionError(option, _unknown_rule(name, known))
                if name in old:
                    notes.append(rename_note(name))
        return replace(
            self,
            select=_current(select) if select is not None else self.select,
            ignore=self.ignore | _current(ignore or ()),
            fail_on=fail_on or self.fail_on,
            vscode=vscode or self.vscode,
            tools=frozenset(tools) if tools is not None else self.tools,
            notes=self.notes + tuple(dict.fromkeys(notes)),
        )


def _current(names: Iterable[str]) -> frozenset[str]:
    """Rule names with every old name of a renamed rule replaced by the current one."""
    from devcon.rules.catalog import renamed

    old = renamed()
    return frozenset(old.get(name, name) for name in names)


def _severities(table: Mapping[str, str]) -> dict[str, Severity | None]:
    """The severity table by current rule names; a rule's entry under its current name wins
    over one under an old name."""
    from devcon.rules.catalog import renamed

    old = renamed()
    result: dict[str, Severity | None] = {}
    for key, value in sorted(table.items(), key=lambda item: item[0] in old):
        result.setdefault(old.get(key, key), None if value == "off" else Severity(value))
    return result


def _rename_notes(table: Mapping[str, Any], text: str, path: Path) -> tuple[str, ...]:
    """A note at each old rule name the settings file uses (select, ignore, severity)."""
    from devcon.rules.catalog import rename_note, renamed

    old = renamed()
    used = [*table.get("select", ()), *table.get("ignore", ()), *table.get("severity", {})]
    return tuple(
        f"{_locate(text, name, path)}: {rename_note(name)}"
        for name in dict.fromkeys(used)
        if name in old
    )


def find_config(start: Path) -> Path | None:
    """The nearest .devcon.toml, or pyproject.toml with a [tool.devcon] table."""
    folder = start.resolve()
    for candidate_dir in (folder, *folder.parents):
        dotfile = candidate_dir / ".devcon.toml"
        if dotfile.is_file():
            return dotfile
        pyproject = candidate_dir / "pyproject.toml"
        if pyproject.is_file() and re.search(
            r"^[^\S\n]*\[\s*tool\s*\.\s*devcon\b", _read(pyproject), re.MULTILINE
        ):
            return pyproject
    return None


def load_settings(path: Path | None) -> Settings:
    """Settings from a config file (None: the defaults)."""
    if path is None:
        return Settings()
    text = _read(path)
    try:
        data = tomllib.loads(text)
    except RecursionError:  # tomllib recurses into nested arrays and tables
        raise ConfigError("invalid TOML: nesting too deep", f"{path}:1:1") from None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        if match:
            where = f"{path}:{match.group(1)}:{match.group(2)}"
        else:  # "(at end of document)"
            lines = text.split("\n")
            where = f"{path}:{len(lines)}:{len(lines[-1]) + 1}"
        message = re.sub(r"(?<!\s)\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        raise ConfigError(f"invalid TOML: {message}", where) from None
    except ValueError:  # an integer past Python's digit limit (4,300): tomllib lets it out
        long = re.search(r"\d{4301,}", text)
        start = long.start() if long else 0
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        raise ConfigError(
            "invalid TOML: a number of more than 4,300 digits", f"{path}:{line}:{column}"
        ) from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("devcon", {})
        prefix = "tool.devcon."
    else:
        table = data
        prefix = ""
    _check(table, text, path, prefix)
    return Settings(
        select=_current(table["select"]) if "select" in table else None,
        ignore=_current(table.get("ignore", ())),
        severity=_severities(table.get("severity", {})),
        fail_on=Severity(table.get("fail-on", DEFAULT_FAIL_ON.value)),
        source=path,
        profile=Profile(table["profile"]) if "profile" in table else None,
        profile_overrides=tuple(
            (pattern, Profile(value)) for pattern, value in table.get("profiles", {}).items()
        ),
        trusted_registries=(
            tuple(table["trusted-registries"]) if "trusted-registries" in table else None
        ),
        insecure_registries=tuple(table.get("insecure-registries", ())),
        registry_mirror=table.get("registry-mirror"),
        parity=dict(table.get("parity", {})),
        vscode=str(table.get("vscode", "stable")),
        tools=frozenset(table.get("tools", ())),
        merge_env=dict(table.get("merge", {}).get("local-env", {})),
        notes=_rename_notes(table, text, path),
    )


def _read(path: Path) -> str:
    """The settings file's text; unreadable, not UTF-8 or over the input size limit (checked
    before reading) is InputError, exit 2, naming the file."""
    return read_text(path)


def _rule_names() -> list[str]:
    """Rule names, then category names: both can be selected, ignored or given a severity;
    then the old names of renamed rules, which mean the current ones."""
    from devcon.rules.base import Category
    from devcon.rules.catalog import all_rules, renamed

    return [rule.name for rule in all_rules()] + [c.value for c in Category] + [*renamed()]


def _unknown_rule(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown rule '{name}'{hint}; `devcon rules` lists them"


def config_schema() -> dict[str, Any]:
    """The config schema, with rule names from the catalog."""
    schema: dict[str, Any] = json.loads(schema_text("devcon-config.schema.json"))
    schema["$defs"]["ruleName"] = {"enum": _rule_names()}
    return schema


def _check(table: Any, text: str, path: Path, prefix: str) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(config_schema())
    errors = sorted(validator.iter_errors(table), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    error = errors[0]
    keys = [str(p) for p in error.absolute_path]
    known = _rule_names()
    if (
        error.validator == "enum"
        and isinstance(error.instance, str)
        and error.instance
        not in (
            "error",
            "warning",
            "info",
        )
        and error.schema.get("enum") == known
    ):
        message = _unknown_rule(error.instance, known)
        needle = error.instance
    elif error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        name = extra[0] if extra else "?"
        allowed = list(error.schema.get("properties", {}))
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        message = f"unknown setting '{prefix}{name}'{hint}"
        needle = name
    else:
        setting = prefix + ".".join(keys) if keys else prefix.rstrip(".") or "(top level)"
        message = f"{setting}: {error.message}"
        needle = keys[-1] if keys else ""
    raise ConfigError(message, _locate(text, needle, path))


def _locate(text: str, needle: str, path: Path) -> str:
    """Best-effort path:line:column of a key or string in a TOML text."""
    if needle:
        for pattern in (
            rf"[\"']{re.escape(needle)}[\"']",
            rf"^[^\S\n]*{re.escape(needle)}\s*=",  # not \s*: linear on blank lines
            re.escape(needle),
        ):
            match = re.search(pattern, text, re.MULTILINE)
            if match:
                start = match.start() + (len(match.group(0)) - len(match.group(0).lstrip()))
                line = text.count("\n", 0, start) + 1
                column = start - (text.rfind("\n", 0, start) + 1) + 1
                return f"{path}:{line}:{column}"
    return str(path)
