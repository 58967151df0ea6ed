"""unpinned-package: packages installed without a version (in a RUN, or in the requirements
or environment file a RUN installs from)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from devcon.dockerfile.context import context_file
from devcon.dockerfile.model import LocatedCommand, RunScript, Stage
from devcon.dockerfile.packages import (
    conda_files,
    conda_is_pinned,
    conda_name,
    pip_is_pinned,
    pip_name,
    requirement_files,
    short_list,
)
from devcon.dockerfile.requirements import (
    RequirementEntry,
    unpinned_entries,
)
from devcon.dockerfile.shell import is_variable
from devcon.dockerfile.stages import runs
from devcon.rules.base import Category, DockerfileContext, Problem, Rule, RuleDoc

_CONDA_INSTALLS = frozenset({"install", "create"})
_CONDA_FILE_ACTIONS = frozenset({"install", "create", "env-create", "env-update", "update"})
_NPM_VALUE_OPTIONS = frozenset(
    {
        "--prefix",
        "--registry",
        "--cache",
        "-w",
        "--workspace",
        "--omit",
        "--include",
        "--location",
        "--tag",
        "--userconfig",
        "--globalconfig",
        "--cwd",
        "--modules-folder",
        "--network-timeout",
        "-C",
        "--dir",
        "--filter",
    }
)
_SEMVER = re.compile(r"^[=v]?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$")


def _local(word: str) -> bool:
    return word.startswith((".", "/", "~", "file:")) or "://" in word


def _apt_unpinned(packages: tuple[str, ...]) -> list[str]:
    return [
        p
        for p in packages
        if not is_variable(p) and "=" not in p and not _local(p) and not p.endswith(".deb")
    ]


def _apk_unpinned(packages: tuple[str, ...]) -> list[str]:
    return [
        p
        for p in packages
        if not is_variable(p)
        and "=" not in p
        and "~" not in p
        and not _local(p)
        and not p.endswith(".apk")
    ]


def _pip_unpinned(packages: tuple[str, ...], constrained: set[str]) -> list[str]:
    return [
        p
        for p in packages
        if not is_variable(p) and not pip_is_pinned(p) and pip_name(p) not in constrained
    ]


def _conda_unpinned(packages: tuple[str, ...]) -> list[str]:
    return [p for p in packages if not is_variable(p) and not conda_is_pinned(p)]


def _npm_packages(located: LocatedCommand) -> list[str]:
    words = located.command.words
    name = located.command.name
    args = list(words[1:])
    if name == "yarn" and args[:2] == ["global", "add"]:
        args = args[2:]
    elif args and args[0] in ("install", "i", "add"):
        args = args[1:]
    else:
        return []
    if name in ("yarn", "pnpm") and words[1] == "install":
        return []  # `yarn install` / `pnpm install` read the manifest and lock file
    out: list[str] = []
    skip = False
    for word in args:
        if skip:
            skip = False
            continue
        if word.startswith("-"):
            skip = word in _NPM_VALUE_OPTIONS
            continue
        out.append(word)
    return out


def _npm_pinned(spec: str) -> bool:
    if _local(spec) or spec.startswith(("git+", "github:")) or spec.endswith((".tgz", ".tar.gz")):
        return True
    at = spec.rfind("@")
    if at <= 0:  # no version (`@scope/name` alone has its @ at 0)
        return False
    version = spec[at + 1 :]
    return bool(_SEMVER.match(version))


def _npm_unpinned(packages: list[str]) -> list[str]:
    return [p for p in packages if not is_variable(p) and not _npm_pinned(p)]


def _example(manager: str, name: str) -> str:
    if "://" in name:
        return "a commit or tag: `...@<commit>`"
    if manager == "pip":
        return f"`{pip_name(name)}==<version>`"
    if manager == "conda":
        return f"`{conda_name(name)}=<version>`"
    if manager == "npm":
        base = name[: name.rfind("@")] if name.rfind("@") > 0 else name
        return f"`{base}@<version>`"
    return f"`{name.split('/', 1)[0]}=<version>`"  # apt `name/release`


def _command_problem(
    script: RunScript, located: LocatedCommand, constrained: set[str]
) -> Problem | None:
    package = located.package
    if package is None:
        return None
    manager, action = package.manager, package.action
    unpinned: list[str] = []
    if manager == "pip" and action in ("install", "upgrade"):
        unpinned = _pip_unpinned(package.packages, constrained)
    elif manager == "apt" and action == "install":
        unpinned = _apt_unpinned(package.packages)
    elif manager == "apk" and action == "add":
        unpinned = _apk_unpinned(package.packages)
    elif manager == "conda" and action in _CONDA_INSTALLS:
        unpinned = _conda_unpinned(package.packages)
    elif manager == "npm":
        unpinned = _npm_unpinned(_npm_packages(located))
    if not unpinned:
        return None
    name = located.command.name
    if manager == "pip":
        verb = "uv pip install" if name == "uv" else "pip install"
    elif manager == "npm":
        words = located.command.words
        verb = " ".join(words[:3] if words[1:3] == ("global", "add") else words[:2])
    else:
        verb = f"{name} {action}"
    line, column = script.at_word(located, unpinned[0])
    what = "package" if len(unpinned) == 1 else "packages"
    return Problem(
        line,
        column,
        f"`{verb}` installs {what} without a version: {short_list(unpinned)}; pin "
        f"{'it' if len(unpinned) == 1 else 'them'} ({_example(manager, unpinned[0])}) so a "
        "rebuild installs the same versions",
    )


def _file_problems(
    ctx: DockerfileContext, stages: list[Stage], script: RunScript, located: LocatedCommand
) -> Iterator[Problem]:
    package = located.package
    if package is None:
        return
    files: list[str] = []
    constraints: list[str] = []
    manager = package.manager
    if manager == "pip" and package.action in ("install", "upgrade"):
        files, constraints = requirement_files(located.command)
    elif manager == "conda" and package.action in _CONDA_FILE_ACTIONS:
        files = conda_files(located.command)
    constrained: set[str] = set()
    for name in constraints:
        source = context_file(ctx.context_dir, stages, script, located, name)
        if source is not None:
            constrained |= ctx.requirements.constraint_names(source)
    for name in files:
        source = context_file(ctx.context_dir, stages, script, located, name)
        if source is None:
            continue
        entries, file_constrained = ctx.requirements.entries(source, manager)
        for entry in unpinned_entries(entries, constrained | file_constrained):
            yield _entry_problem(entry)


def _entry_problem(entry: RequirementEntry) -> Problem:
    example = _example("conda" if entry.kind == "conda" else "pip", entry.text)
    return Problem.at(
        entry,
        f"`{entry.text}` has no exact version; pin it ({example}) so a rebuild installs the "
        "same version",
        path=Path(entry.path),
    )


def check(ctx: DockerfileContext) -> Iterator[Problem]:
    for stages, instruction in runs(ctx.dockerfile):
        script = instruction.script
        for located in script.commands:
            if located.package is None:
                continue
            constrained: set[str] = set()
            if located.package.manager == "pip":
                for name in requirement_files(located.command)[1]:
                    source = context_file(ctx.context_dir, stages, script, located, name)
                    if source is not None:
                        constrained |= ctx.requirements.constraint_names(source)
            problem = _command_problem(script, located, constrained)
            if problem is not None:
                yield problem
            yield from _file_problems(ctx, stages, script, located)


_DOC = RuleDoc(
    what=(
        "Reports package installs without an exact version, one finding per command at "
        "the first unpinned package: `pip install NAME` without `==` (ranges such as "
        "`>=2` are not pins; a name pinned by a `-c` constraints file is), `apt-get "
        "install NAME` without `=VERSION`, `apk add NAME` without `=VERSION` (or the "
        "fuzzy `~VERSION`), `conda`/`mamba`/`micromamba install|create NAME` without "
        "`=VERSION`/`==VERSION`, `npm install`/`yarn add`/`pnpm add NAME` without an "
        "exact `@x.y.z`. `pip install --upgrade pip` is reported too (pin `pip==X.Y`). "
        "Packages given by variables (`$PKGS`), local files and paths are skipped. When a "
        "RUN installs from a file of the build context (`pip install -r`, `conda env "
        "create|update -f`, `conda install --file`), found through the COPY/ADD or bind "
        "mount that put it in the image, the file's unpinned entries are reported at their "
        "own lines: requirements files (following nested `-r` files and honouring `-c` "
        "constraints) and environment.yml `dependencies`, including its `- pip:` list."
    ),
    why=(
        "An unpinned package installs whatever is newest when the image is built: two "
        "builds of the same Dockerfile differ, a rebuild can break without any change to "
        "the repository, and a dev container stops matching the production image."
    ),
    example=(
        "FROM python:3.12-slim\n"
        "RUN pip install --no-cache-dir numpy 'pandas>=2'\n"
        "COPY requirements.txt /tmp/\n"
        "RUN pip install --no-cache-dir -r /tmp/requirements.txt   # numpy (no ==)"
    ),
    fix=(
        "Pin exact versions: `numpy==2.1.3`, `curl=8.5.0-2ubuntu10.6`, `python=3.12`, "
        "`eslint@9.14.0`; or install from a lock file (`pip-compile`/`uv pip compile` "
        "output, `conda-lock`). Distribution archives drop old versions, so pinned apt/apk "
        "packages must be bumped when the archive moves on."
    ),
)

RULE = Rule(
    "unpinned-package",
    Category.REPRODUCIBILITY,
    "a package is installed without a version",
    _DOC,
    dockerfile=check,
)
