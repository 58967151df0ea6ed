"""Where the shared corpus of real dev container files is, when the run was given one.

The corpus is not part of the repository: a fresh clone has nothing beside it. Tests that
read it carry the ``corpus`` marker and take the ``corpus`` fixture; they run only when the
environment variable ``DEVCON_CORPUS`` names the folder (``.ci/run`` sets it to
``../shared/corpus``); otherwise the conftest deselects them and says so at the end of the run.
Parametrized tests whose parameters come from the corpus use :func:`corpus_files`, which
gives an empty list without a corpus (their tests are deselected all the same).
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "DEVCON_CORPUS"
CONFIG_NAMES = ("devcontainer.json", ".devcontainer.json")


def corpus_root() -> Path | None:
    """The corpus folder DEVCON_CORPUS names (resolved), or None when it is unset or empty."""
    value = os.environ.get(ENV_VAR, "").strip()
    return Path(value).resolve() if value else None


def corpus_problem() -> str | None:
    """Why DEVCON_CORPUS cannot be used, or None when it is unset or names a real corpus."""
    root = corpus_root()
    if root is None:
        return None
    if not (root / "SOURCES.md").is_file():
        return f"{ENV_VAR}={root} is not the shared corpus (no SOURCES.md there)"
    return None


def corpus_files(*parts: str, names: tuple[str, ...] = CONFIG_NAMES) -> list[Path]:
    """Files named one of `names` under corpus/<parts>, sorted; [] without a corpus."""
    root = corpus_root()
    if root is None:
        return []
    folder = root.joinpath(*parts)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.name in names and p.is_file())
