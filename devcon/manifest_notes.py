"""`devcon init`'s notes on the repository's dependency manifests, so that nothing
`devcon validate` reports right after init comes as a surprise.

Each manifest the generated image installs from is read the way validate reads it: a
requirements file's and an environment.yml's entries through `dockerfile.requirements`
(`RequirementFiles`, `unpinned_entries`: the unpinned-package rule's own notion of unpinned,
nested `-r` files and `-c` constraints included); pyproject.toml's `[project]` dependencies
with pip's `==`. Every lock file present that the image does not read is named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from devcon.dockerfile.packages import conda_name, is_pip_pinned, pip_name
from devcon.dockerfile.requirements import RequirementFiles, unpinned_entries
from devcon.output_safety import bounded_join
from devcon.secrets import redact_text

#: lock files init knows of: none is read unless the template's variant installs from it
LOCK_FILES = (
    "uv.lock",
    "poetry.lock",
    "pdm.lock",
    "Pipfile.lock",
    "pylock.toml",
    "conda-lock.yml",
    "conda-lock.yaml",
    "renv.lock",
)
#: entries shown in a note, at most (the rest are counted)
SHOWN = 25
#: the rule validate reports unpinned manifest entries with
UNPINNED_RULE = "unpinned-package"


def _unpinned_note(root: Path, path: Path, manager: str) -> list[str]:
    files = RequirementFiles()
    entries, constrained = files.entries(path, manager)
    loose = unpinned_entries(entries, constrained)
    if not loose:
        return []
    by_file: dict[Path, list[str]] = {}
    for entry in loose:
        by_file.setdefault(Path(entry.path), []).append(redact_text(entry.text))
    notes = []
    for file, texts in by_file.items():
        try:
            shown = file.relative_to(root).as_posix()
        except ValueError:
            shown = str(file)
        first = texts[0]
        example = (
            f"{conda_name(first)}=<version>"
            if manager == "conda"
            else f"{pip_name(first)}==<version>"
        )
        count = "1 entry has" if len(texts) == 1 else f"{len(texts):,} entries have"
        notes.append(
            f"{shown}: {count} no exact version ({bounded_join(texts, SHOWN)}): each build "
            f"installs the newest matching versions, and `devcon validate` reports each "
            f"({UNPINNED_RULE}); pin them ({example})"
        )
    return notes


def _pyproject_notes(
    pyproject: Mapping[str, Any], reads_lock: bool, has_lock_variant: bool
) -> list[str]:
    project = pyproject.get("project")
    if not isinstance(project, dict):
        return [
            "pyproject.toml has no [project] table: the image installs no dependencies from "
            "it; declare them under [project] dependencies"
        ]
    notes: list[str] = []
    dynamic = project.get("dynamic", [])
    if isinstance(dynamic, list) and "dependencies" in dynamic:
        notes.append(
            "pyproject.toml declares its dependencies as dynamic: the image cannot read them "
            "without building the project; list them under [project] dependencies"
        )
    if not reads_lock:
        deps = project.get("dependencies", [])
        deps = [d for d in deps if isinstance(d, str)] if isinstance(deps, list) else []
        loose = [redact_text(d) for d in deps if not is_pip_pinned(d.split(";", 1)[0].strip())]
        if loose:
            notes.append(
                f"pyproject.toml's dependencies are not all pinned with == "
                f"({bounded_join(loose, SHOWN)}): each build installs the newest matching "
                "versions; pin them"
                + (", or commit a uv.lock and run init again" if has_lock_variant else "")
            )
    return notes


def manifest_notes(
    root: Path,
    installed: Sequence[str],
    pyproject: Mapping[str, Any] | None,
    has_lock_variant: bool,
) -> list[str]:
    """Notes on the manifests at `root`: `installed` names the files the generated image
    installs from (requirements.txt, environment.yml, pyproject.toml, uv.lock, renv.lock...),
    `pyproject` is pyproject.toml's content when the image installs from it, and
    `has_lock_variant` says the template would read a uv.lock (advice to commit one)."""
    notes: list[str] = []
    for name in installed:
        path = root / name
        if not path.is_file():
            continue
        if name.endswith(".txt"):
            notes += _unpinned_note(root, path, "pip")
        elif name.endswith((".yml", ".yaml")) and not name.startswith("conda-lock"):
            notes += _unpinned_note(root, path, "conda")
    if pyproject is not None:
        notes += _pyproject_notes(pyproject, "uv.lock" in installed, has_lock_variant)
    if pyproject is not None:
        what = "pyproject.toml's [project] dependencies"
    else:
        what = bounded_join([n for n in installed if (root / n).is_file()], empty="nothing")
    for lock in LOCK_FILES:
        if lock in installed or not (root / lock).is_file():
            continue
        uses_uv = has_lock_variant and pyproject is not None and lock != "uv.lock"
        hint = " (a uv.lock would be used)" if uses_uv else ""
        if what == "nothing":
            notes.append(f"{lock} is not read: this template installs no dependencies{hint}")
        else:
            notes.append(f"{lock} is not read: the image installs {what}{hint}")
    return notes
