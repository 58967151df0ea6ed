"""Files named one by one, as a pre-commit hook or a CI path filter passes the changed files:
what devcon checks for each.

A file devcon reads on its own (a devcontainer.json, Feature or Template file, a Dockerfile, a
compose file) and a folder are taken as they are. Any other file (a requirements.txt or
environment.yml a RUN installs, a `*.bak` copy, a name devcon does not know) is checked through
the configs and Dockerfiles of the repository that use it, looked for in its folder and each
folder above it up to the repository root; when none uses it, it is skipped with the reason.
Such a file is never an error: a hook passes whatever changed.
"""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from devcon.definition import ConfigDocument, DockerfileDocument, Document, collect
from devcon.discovery import FileKind, configs_of_folder, kind_of
from devcon.dockerfile.stages import runs
from devcon.errors import InputError
from devcon.fileio import is_existing_dir, is_existing_file

_REQUIREMENT_NAME = re.compile(
    r"(?:requirements|constraints)[^/]*\.(?:txt|in)|environment[^/]*\.ya?ml", re.IGNORECASE
)
_COMPOSE_NAME = re.compile(r"(?:docker-)?compose[^/]*\.ya?ml", re.IGNORECASE)
_BACKUP_SUFFIXES = (".bak", ".orig", ".old", ".rej", ".swp", ".tmp", "~")


class Handling(enum.Enum):
    THROUGH = "checked through"  # checked through the configs / Dockerfiles that use it
    SKIPPED = "skipped"


@dataclass(frozen=True)
class NamedFile:
    """A file named that devcon does not read on its own, and what was done for it."""

    path: Path
    handling: Handling
    through: tuple[Path, ...] = ()  # THROUGH: the files checked for it
    reason: str | None = None  # SKIPPED: why


@dataclass(frozen=True)
class NamedPlan:
    """What to read for the paths named: `paths` for `definition.collect`, and the files
    named that are checked through others or skipped."""

    paths: tuple[Path, ...]
    named: tuple[NamedFile, ...]

    @property
    def nothing_to_read(self) -> bool:
        """Paths were named, and every one of them was skipped (collecting no paths would
        mean the current folder)."""
        return not self.paths and bool(self.named)


def is_backup(path: Path) -> bool:
    """A backup or editor copy (`Dockerfile.bak`, `devcontainer.json.orig`, `compose.yml~`)."""
    return path.name.lower().endswith(_BACKUP_SUFFIXES)


def _is_requirement_file(path: Path) -> bool:
    if _REQUIREMENT_NAME.fullmatch(path.name):
        return True
    return path.parent.name.lower() == "requirements" and path.suffix.lower() in (".txt", ".in")


def _read_alone(path: Path) -> bool:
    """Whether devcon judges a file of this name on its own."""
    if is_backup(path) or _is_requirement_file(path):
        return False
    return kind_of(path) is not None


def plan_named(paths: Sequence[Path]) -> NamedPlan:
    """What to read for each path named (see the module's doc). Folders, files devcon reads
    and missing paths (exit 2 later: a wrong path in CI must not pass by checking nothing) are
    kept as named; a missing requirement file or backup copy (deleted in the commit being
    checked) is skipped."""
    keep: list[Path] = []
    named: list[NamedFile] = []
    seen: dict[str, _Reads | None] = {}  # each candidate user is collected once for all paths
    for path in paths:
        if is_existing_dir(path) or _read_alone(path):
            keep.append(path)
            continue
        if not is_existing_file(path):
            try:
                missing = not path.exists() and not path.is_symlink()
            except (OSError, ValueError):
                missing = False
            if not missing or not (is_backup(path) or _is_requirement_file(path)):
                # a wrong path (or one unreadable for another reason): exit 2 naming it
                keep.append(path)
                continue
            named.append(NamedFile(path, Handling.SKIPPED, reason="does not exist"))
            continue
        users = tuple(_users(path, seen))
        if users:
            named.append(NamedFile(path, Handling.THROUGH, through=users))
            keep.extend(users)
        else:
            named.append(NamedFile(path, Handling.SKIPPED, reason=_unused_reason(path)))
    return NamedPlan(tuple(dict.fromkeys(keep)), tuple(named))


def _unused_reason(path: Path) -> str:
    if is_backup(path):
        return "a backup copy that no config uses; devcon does not judge it on its own"
    if _is_requirement_file(path):
        return (
            "no Dockerfile of this repository (in its folder or above) installs it; devcon "
            "checks a requirement file through the Dockerfile that installs it"
        )
    return (
        "not a file devcon reads on its own (devcontainer.json, Feature or Template file, "
        "Dockerfile, compose file), and no config or Dockerfile near it uses it"
    )


def _key(path: Path) -> str:
    try:
        return os.path.normcase(str(path.resolve()))
    except (OSError, ValueError, RuntimeError):
        return os.path.normcase(os.path.abspath(path))


def _repository_root(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def _folders(path: Path) -> list[Path]:
    """The file's folder and those above it, up to the repository root (else up to the
    working directory when the file is below it, else the folder alone)."""
    start = Path(os.path.abspath(path)).parent
    root = _repository_root(start)
    if root is None:
        cwd = Path.cwd()
        root = cwd if start == cwd or cwd in start.parents else start
    chain = [start, *(p for p in start.parents if p == root or root in p.parents)]
    here = Path.cwd()
    # named as the user names files: relative to the working directory where it can be
    return [Path(os.path.relpath(p, here)) if p == here or here in p.parents else p for p in chain]


def _candidates(folder: Path) -> Iterable[Path]:
    """Configs at the spec's locations in `folder`, then its Dockerfiles and compose files."""
    yield from configs_of_folder(folder)
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if not _read_alone(entry) or not is_existing_file(entry):
            continue
        kind = kind_of(entry)
        if kind is FileKind.DOCKERFILE or (
            kind is FileKind.COMPOSE and _COMPOSE_NAME.fullmatch(entry.name)
        ):
            yield entry


def installed_files(document: DockerfileDocument) -> set[Path]:
    """The build-context files a Dockerfile's RUNs install from (`pip -r/-c`, `conda -f`),
    and the files those include (`-r` inside a requirements file)."""
    from devcon.dockerfile.context import context_file

    found: set[Path] = set()
    for stages, instruction in runs(document.model):
        script = instruction.script
        for located in script.commands:
            package = located.package
            if package is None or package.manager not in ("pip", "conda"):
                continue
            for name in package.files:
                source = context_file(document.context_dir, stages, script, located, name)
                if source is None:
                    continue
                found.add(source)
                try:
                    entries, _ = document.requirements.entries(source, package.manager)
                except InputError:
                    continue  # validating the Dockerfile reports it
                found.update(Path(entry.path) for entry in entries)
    return found


@dataclass(frozen=True)
class _Reads:
    """What a candidate user reads: the files its documents are, and the files they use (a
    config's Dockerfile and compose files, the requirement files a Dockerfile installs)."""

    documents: frozenset[str]
    uses: frozenset[str]


def _used_by(document: Document) -> Iterable[Path]:
    if isinstance(document, ConfigDocument):
        refs = document.references
        yield from (p for p in (refs.dockerfile, *refs.compose_files) if p is not None)
    elif isinstance(document, DockerfileDocument):
        yield from installed_files(document)


def _reads(candidate: Path) -> _Reads | None:
    try:
        documents = collect([candidate])
    except InputError:
        return None  # unreadable: not a named file's user, and not named
    return _Reads(
        frozenset(_key(document.path) for document in documents),
        frozenset(_key(p) for document in documents for p in _used_by(document)),
    )


def _users(path: Path, seen: dict[str, _Reads | None]) -> Iterable[Path]:
    """The configs, Dockerfiles and compose files in the file's folder and above that use it:
    a config whose Dockerfile or compose file it is, or that builds a Dockerfile installing
    it; a Dockerfile or compose file on its own only when no config found reads it. `seen`
    keeps what each candidate reads, so that several files named share one reading."""
    wanted = _key(path)
    covered: set[str] = set()  # files the configs found read
    for folder in _folders(path):
        for candidate in _candidates(folder):
            key = _key(candidate)
            if key in covered:
                continue
            if key not in seen:
                seen[key] = _reads(candidate)
            reads = seen[key]
            if reads is not None and wanted in reads.uses:
                covered.update(reads.documents)
                yield candidate
