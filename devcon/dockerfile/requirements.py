"""Requirement files a RUN's package manager reads: pip requirements (following `-r`, with
`-c` constraints), conda spec lists and environment.yml, each entry with its position."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

from devcon.dockerfile.packages import conda_is_pinned, pip_is_pinned, pip_name
from devcon.dockerfile.shell import is_variable
from devcon.errors import InputError
from devcon.fileio import InputTooLarge, read_bytes


@dataclass(frozen=True)
class RequirementEntry:
    """One requirement of a file: its text and position."""

    path: Path
    line: int
    column: int
    text: str
    kind: str  # "pip" or "conda"


def _resolved(path: Path) -> Path | None:
    """`path.resolve()`, or None for a name no file can have (a NUL byte, a symlink loop, a
    name longer than the system allows): requirement file names come from the repository."""
    try:
        return path.resolve()
    except (OSError, ValueError, RuntimeError):
        return None


class RequirementFiles:
    """The requirement files of one run, each read from disk once and parsed once per
    package manager: every rule that follows a RUN's `-r` / `--file`, and the inline
    suppression of their findings, read the same text and entries."""

    def __init__(self) -> None:
        self._data: dict[Path, bytes | None] = {}
        self._entries: dict[
            tuple[Path, str], tuple[tuple[RequirementEntry, ...], frozenset[str]]
        ] = {}

    def _bytes(self, path: Path) -> bytes | None:
        key = _resolved(path)
        if key is None:
            return None
        if key not in self._data:
            try:
                self._data[key] = read_bytes(path)
            except InputTooLarge:
                raise  # exit 2 naming the limit, as for every input file
            except InputError:  # missing or unreadable: the rules cannot follow it
                self._data[key] = None
        return self._data[key]

    def read(self, path: Path) -> str | None:
        """The file's text (undecodable bytes replaced), None when it cannot be read."""
        data = self._bytes(path)
        return None if data is None else data.decode("utf-8", errors="replace")

    def utf8_text(self, path: Path) -> str | None:
        """The file's text, None when it cannot be read or is not UTF-8."""
        data = self._bytes(path)
        if data is None:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def entries(
        self, path: Path, manager: str
    ) -> tuple[tuple[RequirementEntry, ...], frozenset[str]]:
        """Entries of a file a package manager reads: environment.yml for conda `-f` files
        ending in .yml/.yaml, a conda spec list for other conda files, pip requirements
        otherwise; and the names constraint files (`-c`) pin."""
        kind = "env" if path.suffix.lower() in (".yml", ".yaml") else manager
        kind = kind if kind in ("env", "conda") else "pip"
        key = (_resolved(path) or path, kind)
        if key not in self._entries:
            if kind == "env":
                entries, constrained = _environment_file(self, path)
            elif kind == "conda":
                entries, constrained = _conda_spec_file(self, path), set()
            else:
                entries, constrained = _pip_requirements(self, path, set())
            self._entries[key] = (tuple(entries), frozenset(constrained))
        return self._entries[key]

    def constraint_names(self, path: Path) -> frozenset[str]:
        """Project names a constraints file pins with `==`."""
        entries, _ = self.entries(path, "pip")
        return frozenset(pip_name(e.text) for e in entries if pip_is_pinned(e.text))


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


def _pip_requirements(
    files: RequirementFiles, path: Path, seen: set[Path]
) -> tuple[list[RequirementEntry], set[str]]:
    """Requirements of a pip requirements file (following `-r`), and names pinned by
    constraint files (`-c`)."""
    resolved = _resolved(path)
    if resolved is None:  # a name no file can have: nothing to follow
        return [], set()
    if resolved in seen:
        return [], set()
    seen.add(resolved)
    text = files.read(path)
    if text is None:
        return [], set()
    return _pip_lines(files, path, _logical_lines(text), seen)


def _pip_lines(
    files: RequirementFiles,
    path: Path,
    lines: Iterator[tuple[int, int, str]] | list[tuple[int, int, str]],
    seen: set[Path],
) -> tuple[list[RequirementEntry], set[str]]:
    entries: list[RequirementEntry] = []
    constrained: set[str] = set()
    for line, column, text in lines:
        option = _REQ_OPTION_WITH_FILE.match(text)
        if option:
            nested = path.parent / option.group(3)
            if (option.group(1) or option.group(2)) in ("-r", "--requirement"):
                more, more_constrained = _pip_requirements(files, nested, seen)
                entries += more
                constrained |= more_constrained
            else:
                constrained |= files.constraint_names(nested)
            continue
        if text.startswith("-"):
            editable = re.match(r"^(-e|--editable)(?:\s*=\s*|\s+)(\S+)", text)
            if editable and "://" in editable.group(2):
                entries.append(RequirementEntry(path, line, column, editable.group(2), "pip"))
            continue
        requirement = re.split(r"(?<!\s)\s+--?[A-Za-z]", text, maxsplit=1)[0].strip()
        if requirement:
            entries.append(RequirementEntry(path, line, column, requirement, "pip"))
    return entries, constrained


def _conda_spec_file(files: RequirementFiles, path: Path) -> list[RequirementEntry]:
    """Specs of a `conda install --file` list (one per line; `@EXPLICIT` lists are URLs)."""
    text = files.read(path)
    if text is None:
        return []
    entries = []
    for line, column, spec in _logical_lines(text):
        if spec.startswith("@"):
            continue
        entries.append(RequirementEntry(path, line, column, spec, "conda"))
    return entries


def _environment_file(
    files: RequirementFiles, path: Path
) -> tuple[list[RequirementEntry], set[str]]:
    """The `dependencies:` of an environment.yml: conda specs, and the `- pip:` list."""
    import yaml  # only for environment files: not on every run's import path

    text = files.read(path)
    if text is None:
        return [], set()
    try:
        # libyaml's composer (as compose files are read): it refuses nesting past 1,000
        # levels with an error where the pure-Python one recurses without bound
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError):
        return [], set()
    if not isinstance(root, yaml.MappingNode):
        return [], set()
    entries: list[RequirementEntry] = []
    constrained: set[str] = set()
    for key, value in root.value:
        if not (isinstance(key, yaml.ScalarNode) and key.value == "dependencies"):
            continue
        if not isinstance(value, yaml.SequenceNode):
            continue
        for item in value.value:
            if isinstance(item, yaml.ScalarNode) and isinstance(item.value, str):
                mark = item.start_mark
                entries.append(
                    RequirementEntry(path, mark.line + 1, mark.column + 1, item.value, "conda")
                )
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
                    more, more_constrained = _pip_lines(
                        files, path, lines, {_resolved(path) or path}
                    )
                    entries += more
                    constrained |= more_constrained
    return entries, constrained


def entry_is_pinned(entry: RequirementEntry, constrained: AbstractSet[str]) -> bool:
    if entry.kind == "conda":
        return conda_is_pinned(entry.text)
    return pip_is_pinned(entry.text) or pip_name(entry.text) in constrained


def unpinned_entries(
    entries: Iterable[RequirementEntry], constrained: AbstractSet[str]
) -> list[RequirementEntry]:
    """The entries without an exact version (names given by a variable are not judged): what
    the unpinned-package rule reports, and what `devcon init` notes before it."""
    return [e for e in entries if not is_variable(e.text) and not entry_is_pinned(e, constrained)]
