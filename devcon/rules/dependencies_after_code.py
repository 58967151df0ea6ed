"""dependencies-after-code: the whole build context is copied before the dependencies are
installed, so every code change re-installs them."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from devcon.dockerfile.model import Instruction, LocatedCommand
from devcon.dockerfile.packages import conda_files, requirement_files
from devcon.dockerfile.shell import split_words
from devcon.dockerfile.stages import chain
from devcon.findings import Severity
from devcon.rules.base import Category, DockerfileContext, Problem, Rule, RuleDoc

_WHOLE_CONTEXT = frozenset({".", "./", "./.", "*", "./*"})


@dataclass(frozen=True)
class _Install:
    family: str  # "python", "node", "ruby", "go", "php"
    text: str  # the command, short
    manifests: str  # what to copy first


def _install(located: LocatedCommand) -> _Install | None:
    """A command that installs a project's dependencies from its manifest."""
    command = located.command
    words = command.words
    name = command.name
    package = located.package
    short = " ".join(words[:6]) + (" ..." if len(words) > 6 else "")
    if (
        package is not None
        and package.manager == "pip"
        and package.action
        in (
            "install",
            "upgrade",
            "sync",
        )
    ):
        files, _ = requirement_files(command)
        if files:  # the file as the context names it, most likely: its base name
            return _Install("python", short, " ".join(posixpath.basename(f) for f in files))
        if command.has("--no-deps"):
            return None  # the project itself, after its dependencies: cheap
        local = [w for w in words[2:] if w in (".", "./") or w.startswith("./")]
        if local or any(w in ("-e", "--editable") for w in words):
            return _Install("python", short, "pyproject.toml (or setup.py/setup.cfg)")
        if package.action == "sync" and len(words) > 3:
            return _Install("python", short, words[3])
        return None
    if package is not None and package.manager == "conda":
        if package.action in ("env-create", "env-update") or conda_files(command):
            files = conda_files(command) or ["environment.yml"]
            return _Install("python", short, " ".join(posixpath.basename(f) for f in files))
        return None
    if name == "poetry" and words[1:2] == ("install",):
        if command.has("--only-root"):
            return None
        return _Install("python", short, "pyproject.toml poetry.lock")
    if name == "uv" and words[1:2] == ("sync",):
        return _Install("python", short, "pyproject.toml uv.lock")
    if name == "pipenv" and words[1:2] in (("install",), ("sync",)):
        return _Install("python", short, "Pipfile Pipfile.lock")
    if name in ("npm", "yarn", "pnpm"):
        rest = [w for w in words[1:] if not w.startswith("-")]
        if name == "npm" and rest[:1] in (["ci"], ["install"], ["i"]) and len(rest) == 1:
            return _Install("node", short, "package.json package-lock.json")
        if name in ("yarn", "pnpm") and (not rest or rest == ["install"] or rest == ["i"]):
            lock = "yarn.lock" if name == "yarn" else "pnpm-lock.yaml"
            return _Install("node", short, f"package.json {lock}")
        return None
    if name == "bundle" and words[1:2] == ("install",):
        return _Install("ruby", short, "Gemfile Gemfile.lock")
    if name == "go" and words[1:3] == ("mod", "download"):
        return _Install("go", short, "go.mod go.sum")
    if name == "composer" and words[1:2] == ("install",):
        return _Install("php", short, "composer.json composer.lock")
    return None


def _copies_context(instruction: Instruction) -> bool:
    if instruction.keyword not in ("COPY", "ADD") or instruction.has_flag("from"):
        return False
    if instruction.json_args is not None:
        words = list(instruction.json_args)
    else:
        words = [w for w in split_words(instruction.args) if w is not None]
    return len(words) >= 2 and any(src in _WHOLE_CONTEXT for src in words[:-1])


def check(ctx: DockerfileContext) -> Iterator[Problem]:
    dockerfile = ctx.dockerfile
    reported: set[int] = set()
    for stage in dockerfile.stages:
        instructions = [i for s in chain(dockerfile, stage) for i in s.instructions]
        installed: set[str] = set()  # families installed before the context copy
        copy: Instruction | None = None
        for instruction in instructions:
            if _copies_context(instruction):
                copy = copy or instruction
                continue
            if instruction.keyword != "RUN":
                continue
            for located in instruction.script.commands:
                install = _install(located)
                if install is None:
                    continue
                if copy is None:
                    installed.add(install.family)
                    continue
                if install.family in installed or copy.line in reported:
                    continue
                reported.add(copy.line)
                yield Problem.at(
                    copy,
                    f"the whole build context is copied before the dependencies are installed "
                    f"(line {instruction.line}: `{install.text}`), so any code change re-runs "
                    f"the install: copy only the manifests first (`{install.manifests}`), "
                    "install, then copy the rest",
                )


_DOC = RuleDoc(
    what=(
        "Reports a `COPY`/`ADD` of the whole build context (`COPY . .`, `COPY . /app`, "
        "`COPY ./ ./`, `ADD . .`, also with `--chown` and the like) that comes before, in "
        "the same stage or a stage it is built FROM, a RUN installing dependencies from a "
        "manifest: `pip install -r`, `pip install .`/`-e .`, `uv pip install -r`, "
        "`conda env create|update`, `conda install --file`, `poetry install`, `uv sync`, "
        "`pipenv install|sync`, `npm ci`/`npm install` (without package names), `yarn`, "
        "`pnpm install`, `bundle install`, `go mod download`, `composer install`. Not "
        "reported: installs of the project itself with `--no-deps` or `poetry install "
        "--only-root`, and installs after the copy when the same kind of install already "
        "ran before it (the manifest-first pattern, with a final install of the project)."
    ),
    why=(
        "Docker reuses a layer only while everything it depends on is unchanged. Once the "
        "whole context is copied, any edit to any file invalidates that COPY and every "
        "step after it, so each code change re-downloads and re-installs all dependencies "
        "instead of reusing the cached layer."
    ),
    example=(
        "FROM python:3.12-slim\n"
        "WORKDIR /app\n"
        "COPY . .\n"
        "RUN pip install --no-cache-dir -r requirements.txt"
    ),
    fix=(
        "Copy the manifests first, install, then copy the code: `COPY requirements.txt .` "
        "then `RUN pip install --no-cache-dir -r requirements.txt` then `COPY . .`."
    ),
)

RULE = Rule(
    "dependencies-after-code",
    Category.STYLE,
    "the whole build context is copied before dependencies are installed",
    _DOC,
    severity=Severity.WARNING,
    dockerfile=check,
)
