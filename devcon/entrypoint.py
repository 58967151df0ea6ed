"""What the prod image of `devcon init` runs: an entry point the repository really has.

In order: a `[project.scripts]` entry whose module is in the repository, a package with a
`__main__.py` (src layout `src/<pkg>/`, or flat `<pkg>/` at the root), a `main.py` or
`app.py` at the root. Nothing is ever made up from the folder's or the project's name: when
none is found the result is None and init writes a CMD that fails saying what to put there.

The repository is untrusted input: only a few fixed places are looked at (the root and
`src/`, at most `MAX_ENTRIES` entries of each), symbolic links are never followed (a link
would point out of the repository, or dangle in the image), and every name put into the
Dockerfile is an ASCII Python identifier (packages, modules, functions) or a plain console
script name.
"""

from __future__ import annotations

import json
import keyword
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: entries of the root and of src/ looked at, at most (a hostile repository may hold millions)
MAX_ENTRIES = 2000
#: `[project.scripts]` entries looked at, at most
MAX_SCRIPTS = 100

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")
_SCRIPT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
#: root modules taken as the program, in this order
ROOT_MODULES = ("main.py", "app.py")


@dataclass(frozen=True)
class EntryPoint:
    """The prod image's command and where it comes from."""

    command: tuple[str, ...]  # the CMD, exec form
    source: str  # what the repository has that it runs, for the Dockerfile's comment
    pythonpath: str | None = None  # a folder of the repository (relative) to import from


def is_identifier(name: str) -> bool:
    """An ASCII Python identifier that is not a keyword."""
    return _IDENTIFIER.fullmatch(name) is not None and not keyword.iskeyword(name)


def _is_dotted(name: str) -> bool:
    return all(is_identifier(part) for part in name.split("."))


def _lstat_mode(path: Path) -> int | None:
    try:
        return os.lstat(path).st_mode
    except (OSError, ValueError):
        return None


def _is_plain_file(path: Path) -> bool:
    mode = _lstat_mode(path)
    return mode is not None and stat.S_ISREG(mode)


def _is_plain_dir(path: Path) -> bool:
    mode = _lstat_mode(path)
    return mode is not None and stat.S_ISDIR(mode)


def _folders(path: Path) -> list[str]:
    """Names of the real (not linked) folders in `path` that are identifiers, sorted; at most
    MAX_ENTRIES entries are read."""
    names: list[str] = []
    try:
        with os.scandir(path) as entries:
            for count, entry in enumerate(entries):
                if count >= MAX_ENTRIES:
                    break
                try:
                    if entry.is_dir(follow_symlinks=False) and is_identifier(entry.name):
                        names.append(entry.name)
                except OSError:
                    continue
    except (OSError, ValueError):
        return []
    return sorted(names)


def _module_file(root: Path, module: str) -> tuple[Path, str | None] | None:
    """Where `module` (dotted) is in the repository: (file, folder to import from: "src" or
    None for the root); None when it is not there as plain files and folders."""
    parts = module.split(".")
    for base, pythonpath in ((root / "src", "src"), (root, None)):
        folder = base
        if pythonpath is not None and not _is_plain_dir(folder):
            continue
        for part in parts[:-1]:
            folder = folder / part
            if not _is_plain_dir(folder):
                break
        else:
            last = parts[-1]
            for candidate in (folder / f"{last}.py", folder / last / "__init__.py"):
                if _is_plain_dir(candidate.parent) and _is_plain_file(candidate):
                    return candidate, pythonpath
    return None


def normalized_name(name: str) -> str:
    """A distribution name as an import name would be written (`My-Pkg` -> `my_pkg`)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _from_scripts(
    root: Path, project: Mapping[str, Any], installs_project: bool
) -> EntryPoint | None:
    scripts = project.get("scripts")
    if not isinstance(scripts, dict):
        return None
    name = project.get("name")
    wanted = normalized_name(name) if isinstance(name, str) else None
    candidates: list[tuple[str, str, str]] = []
    for script, target in list(scripts.items())[:MAX_SCRIPTS]:
        if not isinstance(target, str) or not _SCRIPT_NAME.fullmatch(script):
            continue
        module, sep, function = target.replace(" ", "").partition(":")
        if not sep or not _is_dotted(module) or not _is_dotted(function):
            continue
        candidates.append((script, module, function))
    # the script named like the project first, then in the order pyproject.toml lists them
    candidates.sort(key=lambda c: normalized_name(c[0]) != wanted)
    for script, module, function in candidates:
        found = _module_file(root, module)
        if found is None:
            continue
        source = f"[project.scripts] {script} = {module}:{function}"
        if installs_project:  # pip installs the project, and with it the script
            return EntryPoint((script,), source)
        # the project is not installed: call the function as the script would
        head, _, rest = function.partition(".")
        call = f"{head}.{rest}" if rest else head
        code = f"import sys; from {module} import {head}; sys.exit({call}())"
        return EntryPoint(("python", "-c", code), source, found[1])
    return None


def _main_packages(root: Path) -> list[tuple[str, str | None]]:
    """(package, folder to import from) of packages with a __main__.py: src/ first."""
    found: list[tuple[str, str | None]] = []
    src = root / "src"
    if _is_plain_dir(src):
        found += [(n, "src") for n in _folders(src) if _is_plain_file(src / n / "__main__.py")]
    found += [
        (n, None) for n in _folders(root) if n != "src" and _is_plain_file(root / n / "__main__.py")
    ]
    return found


def find_entry_point(
    root: Path, project: Mapping[str, Any] | None, installs_project: bool
) -> EntryPoint | None:
    """The prod command for the repository at `root` (see the module's doc); `project` is
    pyproject.toml's [project] table (None without one); `installs_project` says the image
    installs the project (so its console scripts exist)."""
    if project is not None:
        entry = _from_scripts(root, project, installs_project)
        if entry is not None:
            return entry
    packages = _main_packages(root)
    if packages:
        name = project.get("name") if project is not None else None
        wanted = normalized_name(name) if isinstance(name, str) else None
        packages.sort(key=lambda p: p[0] != wanted)  # stable: src/ first otherwise
        package, pythonpath = packages[0]
        where = f"src/{package}" if pythonpath else package
        return EntryPoint(("python", "-m", package), f"{where}/__main__.py", pythonpath)
    for name in ROOT_MODULES:
        if _is_plain_file(root / name):
            return EntryPoint(("python", name), name)
    return None


def cmd_lines(entry: EntryPoint | None, workdir: str, dockerfile: str) -> str:
    """The prod stage's last lines for `entry`: a comment naming what it runs, the import
    path when the code is not installed (`ENV PYTHONPATH=<workdir>/src`), and the CMD; with no
    entry point, a CMD that fails saying where to set it (`dockerfile`, the Dockerfile's path
    in the repository)."""
    if entry is None:
        message = f"devcon init found no entry point: set the CMD of the prod stage in {dockerfile}"
        script = f"echo '{message.replace(chr(39), '')}' >&2; exit 1"
        return (
            "# devcon init found no entry point ([project.scripts], a package with a\n"
            "# __main__.py, main.py or app.py): replace this CMD with the program to run\n"
            f"CMD {json.dumps(['sh', '-c', script])}"
        )
    lines = [f"# the program: {entry.source}"]
    if entry.pythonpath is not None:
        lines.append(f"ENV PYTHONPATH={workdir.rstrip('/')}/{entry.pythonpath}")
    lines.append(f"CMD {json.dumps(list(entry.command))}")
    return "\n".join(lines)
