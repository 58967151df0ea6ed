"""Where dev container configs are.

The spec's locations, relative to a project folder: `.devcontainer/devcontainer.json`,
`.devcontainer.json` and `.devcontainer/<name>/devcontainer.json`. A directory argument is
searched at those locations in it and in every folder below it (skipping VCS, dependency and
cache folders); a file argument is taken as it is.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from devcon.errors import InputError

CONFIG_FILE_NAMES = ("devcontainer.json", ".devcontainer.json")

_SKIP_DIRS = frozenset(
    {"node_modules", "__pycache__", "venv", "site-packages", "dist", "build", "target"}
)


def workspace_folder(config_path: Path) -> Path:
    """The project folder a config belongs to (what `${localWorkspaceFolder}` means)."""
    parent = config_path.parent
    if config_path.name == ".devcontainer.json":
        return parent
    if parent.name == ".devcontainer":
        return parent.parent
    if parent.parent.name == ".devcontainer":
        return parent.parent.parent
    return parent


def configs_in(folder: Path) -> list[Path]:
    """Configs at the spec's locations directly under `folder` (not below it)."""
    found: list[Path] = []
    dot = folder / ".devcontainer"
    if (dot / "devcontainer.json").is_file():
        found.append(dot / "devcontainer.json")
    if (folder / ".devcontainer.json").is_file():
        found.append(folder / ".devcontainer.json")
    if dot.is_dir():
        for sub in sorted(dot.iterdir()):
            candidate = sub / "devcontainer.json"
            if sub.is_dir() and candidate.is_file():
                found.append(candidate)
    return found


def _walk(root: Path) -> Iterable[Path]:
    for dirpath, dirnames, _ in os.walk(root):
        here = Path(dirpath)
        yield from configs_in(here)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in _SKIP_DIRS and not d.startswith(".") and not d.endswith(".egg-info")
        )


def discover(paths: Sequence[Path]) -> list[Path]:
    """Every config named by `paths`, in order, without duplicates.

    Raises InputError (exit 2) for a path that does not exist.
    """
    seen: set[Path] = set()
    result: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError("no such file or directory", str(path))
        candidates = [path] if path.is_file() else list(_walk(path))
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                result.append(candidate)
    return result
