"""Where dev container configs are.

The spec's locations, relative to a project folder: `.devcontainer/devcontainer.json`,
`.devcontainer.json` and `.devcontainer/<name>/devcontainer.json`. A directory argument is
searched at those locations in it and in every folder below it (skipping VCS, dependency and
cache folders); a file argument is taken as it is.
"""

from __future__ import annotations

import contextlib
import enum
import fnmatch
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from devcon.errors import InputError
from devcon.fileio import is_existing_dir, is_existing_file

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


def configs_of_folder(folder: Path) -> list[Path]:
    """Configs a folder named by the user stands for: those at the spec's locations under it,
    and the devcontainer.json it holds itself (`devcon validate .devcontainer`, or
    `.devcontainer/<name>`: a folder that holds a devcontainer.json is that config's folder)."""
    found = configs_in(folder)
    own = folder / "devcontainer.json"
    if own.is_file():
        found.insert(0, own)
    return found


def _walk(root: Path) -> Iterable[tuple[FileKind, Path]]:
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if here == root or ".devcontainer" in (here.name, here.parent.name):
            # the folder the user named, and `<name>/` under a named `.devcontainer`
            configs = configs_of_folder(here)
        else:
            configs = configs_in(here)
        for config in configs:
            yield FileKind.CONFIG, config
        if "devcontainer-feature.json" in filenames:
            yield FileKind.FEATURE, here / "devcontainer-feature.json"
        if "devcontainer-template.json" in filenames:
            yield FileKind.TEMPLATE, here / "devcontainer-template.json"
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in _SKIP_DIRS and not d.startswith(".") and not d.endswith(".egg-info")
        )


class FileKind(enum.Enum):
    CONFIG = "devcontainer.json"
    DOCKERFILE = "Dockerfile"
    COMPOSE = "compose file"
    FEATURE = "devcontainer-feature.json"
    TEMPLATE = "devcontainer-template.json"


_DOCKERFILE_NAMES = ("Dockerfile", "Containerfile")


def kind_of(path: Path) -> FileKind | None:
    """What a file named on the command line is, from its name."""
    name = path.name
    lower = name.lower()
    if lower == "devcontainer-feature.json":
        return FileKind.FEATURE
    if lower == "devcontainer-template.json":
        return FileKind.TEMPLATE
    if lower.endswith((".json", ".jsonc")):
        return FileKind.CONFIG
    if (
        name.startswith(_DOCKERFILE_NAMES)
        or lower.endswith((".dockerfile", ".containerfile"))
        or fnmatch.fnmatch(lower, "dockerfile*")
    ):
        return FileKind.DOCKERFILE
    if lower.endswith((".yml", ".yaml")):
        return FileKind.COMPOSE
    return None


def discover_files(paths: Sequence[Path]) -> list[tuple[FileKind, Path]]:
    """Files named by `paths`: folders give their configs; files are taken by their name.

    Raises InputError (exit 2) for a path that does not exist, a file of unknown kind, or a
    folder holding none of these files.
    """
    seen: set[Path] = set()
    result: list[tuple[FileKind, Path]] = []
    for path in paths:
        try:
            is_file = path.is_file()
            if not is_file and not path.exists():
                raise InputError("no such file or directory", str(path))
        except (OSError, ValueError) as exc:  # a name too long, no permission on a folder
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise InputError(f"cannot read: {reason}", str(path)) from None
        if is_file:
            kind = kind_of(path)
            if kind is None:
                raise InputError(
                    "cannot tell what this file is: devcon reads devcontainer.json (*.json), "
                    "Dockerfiles (Dockerfile*, *.dockerfile) and compose files (*.yml, *.yaml)",
                    str(path),
                )
            candidates = [(kind, path)]
        else:
            candidates = list(_walk(path))
            if not candidates:
                # a wrong path in CI must not pass by checking nothing
                raise InputError(
                    "no dev container files in this folder or below it (looked for "
                    ".devcontainer/devcontainer.json, .devcontainer.json, "
                    ".devcontainer/<name>/devcontainer.json, devcontainer-feature.json and "
                    "devcontainer-template.json)",
                    str(path),
                )
        for kind, candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                result.append((kind, candidate))
    return result


# `${...}`, or `${` and the rest of the text when no `}` follows (group 2 empty): always a
# match at the first `${`, so a search never scans to the end once per `${` (linear)
_VARIABLE = re.compile(r"\$\{([^}]*)(\}?)")


def resolve_local(value: str, config_path: Path, base: Path | None = None) -> Path | None:
    """The file a path value names (relative to `base`, default the config's folder);
    None when it uses variables other than the local workspace folder."""
    workspace = workspace_folder(config_path.absolute())

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if not match.group(2):
            return match.group(0)  # no `}` after it: not a variable, nor anything later
        if name == "localWorkspaceFolder":
            return str(workspace)  # absolute, as the tools substitute it
        if name == "localWorkspaceFolderBasename":
            return workspace.name
        raise LookupError(name)

    try:
        resolved = _VARIABLE.sub(substitute, value)
    except LookupError:
        return None
    # `..` is folded lexically, as Docker folds build paths: `.devcontainer/../Dockerfile`
    # is reported as `Dockerfile`
    path = Path(os.path.normpath((base or config_path.parent) / resolved))
    if path.is_absolute() and not config_path.is_absolute():
        # ${localWorkspaceFolder} made it absolute: name it as the config was named
        with contextlib.suppress(ValueError):
            return path.relative_to(Path.cwd())
    return path


@dataclass(frozen=True)
class References:
    """The files a config uses: its Dockerfile (with build context and args), compose files."""

    dockerfile: Path | None = None
    context: Path | None = None
    build_args: Mapping[str, str | None] = field(default_factory=dict)
    compose_files: tuple[Path, ...] = ()
    target: str | None = None  # build.target: the Dockerfile stage the config builds


def references(config_path: Path, value: object) -> References:
    """What a parsed devcontainer.json uses, as existing paths (missing ones are left out:
    the missing-file rule reports them)."""
    if not isinstance(value, dict):
        return References()
    build = value.get("build") if isinstance(value.get("build"), dict) else {}
    assert isinstance(build, dict)
    dockerfile_value = build.get("dockerfile", value.get("dockerFile"))
    context_value = build.get("context", value.get("context", "."))
    dockerfile = context = None
    if isinstance(dockerfile_value, str):
        candidate = resolve_local(dockerfile_value, config_path)
        if candidate is not None and is_existing_file(candidate):
            dockerfile = candidate
        if isinstance(context_value, str):
            ctx = resolve_local(context_value, config_path)
            context = ctx if ctx is not None and is_existing_dir(ctx) else None
    args: dict[str, str | None] = {}
    raw_args = build.get("args")
    if isinstance(raw_args, dict):
        for key, arg in raw_args.items():
            # a value built from ${localEnv:...} is only known on the user's machine
            args[str(key)] = arg if isinstance(arg, str) and "${" not in arg else None
    compose_value = value.get("dockerComposeFile")
    compose_list = [compose_value] if isinstance(compose_value, str) else compose_value
    compose: list[Path] = []
    if isinstance(compose_list, list):
        for item in compose_list:
            if isinstance(item, str):
                candidate = resolve_local(item, config_path)
                if candidate is not None and is_existing_file(candidate):
                    compose.append(candidate)
    target = build.get("target")
    return References(
        dockerfile, context, args, tuple(compose), target if isinstance(target, str) else None
    )
