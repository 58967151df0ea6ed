"""Requirement files a RUN's package manager reads: pip requirements (following `-r`, with
`-c` constraints), conda spec lists and environment.yml, each entry with its position."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from devcon.dockerfile.packages import conda_is_pinned, pip_is_pinned, pip_name


@dataclass(frozen=True)
class Entry:
    """One requirement of a file: its text and position."""

    path: Path
    line: int
    column: int
    text: str
    kind: str  # "pip" or "conda"


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


_REQ_OPTION_WITH_FILE = re.compile(
    r"^(?:(-r|-c)\s*|(--requirement|--constraint)(?:\s*=\s*|\s+))(\S+)"
)


def _logical_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(line, column, text) of requirement lines: comments dropped, `\\` continuations joined."""
    pending: list[str] = []
    first = 0
    column = 1
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip("\r")
        if not pending:
            first = number
            column = len(line) - len(line.lstrip()) + 1
        stripped = re.sub(r"(^|\s)#.*$", "", line)
        if stripped.rstrip().endswith("\\"):
            pending.append(stripped.rstrip()[:-1])
            continue
        pending.append(stripped)
        joined = " ".join(part.strip() for part in pending).strip()
        pending = []
        if joined:
            yield first, column, joined


def pip_requirements(path: Path, seen: set[Path] | None = None) -> tuple[list[Entry], set[str]]:
    """Requirements of a pip requirements file (following `-r`), and names pinned by
    constraint files (`-c`)."""
    seen = seen if seen is not None else set()
    resolved = path.resolve()
    if resolved in seen:
        return [], set()
    seen.add(resolved)
    text = _read(path)
    if text is None:
        return [], set()
    return _pip_lines(path, _logical_lines(text), seen)


def _pip_lines(
    path: Path, lines: Iterator[tuple[int, int, str]] | list[tuple[int, int, str]], seen: set[Path]
) -> tuple[list[Entry], set[str]]:
    entries: list[Entry] = []
    constrained: set[str] = set()
    for line, column, text in lines:
        option = _REQ_OPTION_WITH_FILE.match(text)
        if option:
            nested = path.parent / option.group(3)
            if (option.group(1) or option.group(2)) in ("-r", "--requirement"):
                more, more_constrained = pip_requirements(nested, seen)
                entries += more
                constrained |= more_constrained
            else:
                constrained |= constraint_names(nested)
            continue
        if text.startswith("-"):
            editable = re.match(r"^(-e|--editable)(?:\s*=\s*|\s+)(\S+)", text)
            if editable and "://" in editable.group(2):
                entries.append(Entry(path, line, column, editable.group(2), "pip"))
            continue
        requirement = re.split(r"\s+--?[A-Za-z]", text, maxsplit=1)[0].strip()
        if requirement:
            entries.append(Entry(path, line, column, requirement, "pip"))
    return entries, constrained


def constraint_names(path: Path) -> set[str]:
    """Project names a constraints file pins with `==`."""
    entries, _ = pip_requirements(path)
    return {pip_name(e.text) for e in entries if pip_is_pinned(e.text)}


def conda_spec_file(path: Path) -> list[Entry]:
    """Specs of a `conda install --file` list (one per line; `@EXPLICIT` lists are URLs)."""
    text = _read(path)
    if text is None:
        return []
    entries = []
    for line, column, spec in _logical_lines(text):
        if spec.startswith("@"):
            continue
        entries.append(Entry(path, line, column, spec, "conda"))
    return entries


def environment_file(path: Path) -> tuple[list[Entry], set[str]]:
    """The `dependencies:` of an environment.yml: conda specs, and the `- pip:` list."""
    text = _read(path)
    if text is None:
        return [], set()
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return [], set()
    if not isinstance(root, yaml.MappingNode):
        return [], set()
    entries: list[Entry] = []
    constrained: set[str] = set()
    for key, value in root.value:
        if not (isinstance(key, yaml.ScalarNode) and key.value == "dependencies"):
            continue
        if not isinstance(value, yaml.SequenceNode):
            continue
        for item in value.value:
            if isinstance(item, yaml.ScalarNode) and isinstance(item.value, str):
                mark = item.start_mark
                entries.append(Entry(path, mark.line + 1, mark.column + 1, item.value, "conda"))
            elif isinstance(item, yaml.MappingNode):
                for sub_key, sub_value in item.value:
                    if not (
                        isinstance(sub_key, yaml.ScalarNode)
                        and sub_key.value == "pip"
                        and isinstance(sub_value, yaml.SequenceNode)
                    ):
                        continue
                    lines = [
                        (n.start_mark.line + 1, n.start_mark.column + 1, str(n.value).strip())
                        for n in sub_value.value
                        if isinstance(n, yaml.ScalarNode)
                    ]
                    more, more_constrained = _pip_lines(path, lines, {path.resolve()})
                    entries += more
                    constrained |= more_constrained
    return entries, constrained


def file_entries(path: Path, manager: str) -> tuple[list[Entry], set[str]]:
    """Entries of a file a package manager reads: environment.yml for conda `-f` files ending
    in .yml/.yaml, a conda spec list for other conda files, pip requirements otherwise."""
    if path.suffix.lower() in (".yml", ".yaml"):
        return environment_file(path)
    if manager == "conda":
        return conda_spec_file(path), set()
    return pip_requirements(path)


def entry_is_pinned(entry: Entry, constrained: set[str]) -> bool:
    if entry.kind == "conda":
        return conda_is_pinned(entry.text)
    return pip_is_pinned(entry.text) or pip_name(entry.text) in constrained
