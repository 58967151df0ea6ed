"""missing-file: a Dockerfile, build context, compose file or env file that does not exist."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from devcon.compose import ComposeFile, ComposeService, Located
from devcon.discovery import resolve_local
from devcon.fileio import is_existing_dir, is_existing_file
from devcon.findings import Severity
from devcon.rules.base import Category, ComposeContext, ConfigContext, Problem, Rule, RuleDoc
from devcon.secrets import scan
from devcon.vcs import git_ignores


def _entries(value: object) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    """(pointer, value, what) for each file-valued property in the config."""
    if not isinstance(value, dict):
        return
    build = value.get("build")
    if isinstance(build, dict):
        if isinstance(build.get("dockerfile"), str):
            yield ("build", "dockerfile"), build["dockerfile"], "Dockerfile"
        if isinstance(build.get("context"), str):
            yield ("build", "context"), build["context"], "build context"
    if isinstance(value.get("dockerFile"), str):
        yield ("dockerFile",), value["dockerFile"], "Dockerfile"
    if isinstance(value.get("context"), str):
        yield ("context",), value["context"], "build context"
    compose = value.get("dockerComposeFile")
    if isinstance(compose, str):
        yield ("dockerComposeFile",), compose, "compose file"
    elif isinstance(compose, list):
        for i, item in enumerate(compose):
            if isinstance(item, str):
                yield ("dockerComposeFile", i), item, "compose file"


def check(ctx: ConfigContext) -> Iterator[Problem]:
    if ctx.doc is None:
        return
    for pointer, value, what in _entries(ctx.doc.value):
        target = resolve_local(value, ctx.path)
        if target is None:
            continue  # built from variables only known when the container is created
        want_dir = what == "build context"
        exists = is_existing_dir(target) if want_dir else is_existing_file(target)
        if not exists:
            kind = "directory" if want_dir else "file"
            where = "/" + "/".join(str(p) for p in pointer)
            yield ctx.at_value(
                pointer,
                f"`{where}`: {what} {value!r} not found "
                f"(looked for the {kind} {target.as_posix()})",
            )


# a build context compose fetches instead of reading a folder: a Git repository or a URL
_REMOTE_CONTEXT = re.compile(r"^([a-z][a-z0-9+.-]*://|git@|github\.com/)", re.IGNORECASE)


def _redacted(text: str) -> str:
    """A message quoting paths, with any credential in them redacted."""
    for found in reversed(scan(text)):
        text = text[: found.start] + found.redacted + text[found.end :]
    return text


def built_services(compose: ComposeFile, started: frozenset[str] | None) -> set[str]:
    """The services compose builds when the dev container starts: those started (every
    service when `started` is None) and, transitively, what they `depends_on`."""
    by_name = {s.name.value: s for s in compose.services}
    if started is None:
        return set(by_name)
    todo = [name for name in started if name in by_name]
    done: set[str] = set()
    while todo:
        name = todo.pop()
        if name in done:
            continue
        done.add(name)
        todo.extend(d for d in by_name[name].depends_on if d in by_name and d not in done)
    return done


def _missing(at: Located, what: str, where: str, target: Path, kind: str) -> Problem:
    return Problem.at(
        at,
        _redacted(
            f"{where}: {what} {at.value!r} not found (looked for the {kind} {target.as_posix()})"
        ),
    )


def _local(value: str, base: Path) -> Path | None:
    """The path a compose value names, relative to `base`; None when it uses variables
    (known only when compose runs)."""
    if "$" in value:
        return None
    return Path(os.path.normpath(base / value))


def _build_problems(service: ComposeService, folder: Path) -> Iterator[Problem]:
    build = service.build
    if build is None:
        return
    name = service.name.value
    context_text = build.context if build.context is not None else "."
    if _REMOTE_CONTEXT.match(context_text):
        return  # a Git repository or URL: fetched by the builder
    context = _local(context_text, folder)
    if context is None:
        return
    if build.context_at is not None and not is_existing_dir(context):
        yield _missing(build.context_at, "build context", f"service `{name}`", context, "directory")
        return  # its Dockerfile cannot be there either
    if build.inline:
        return
    if build.dockerfile is not None and build.dockerfile_at is not None:
        dockerfile = _local(build.dockerfile, context)
        if dockerfile is not None and not is_existing_file(dockerfile):
            where = f"service `{name}`"
            yield _missing(build.dockerfile_at, "Dockerfile", where, dockerfile, "file")
    elif build.dockerfile is None and not any(
        is_existing_file(context / n) for n in ("Dockerfile", "dockerfile")
    ):
        at = build.context_at or build.at
        if at is not None:
            yield Problem.at(
                at,
                _redacted(
                    f"service `{name}`: no Dockerfile in the build context "
                    f"{context.as_posix()} (set `dockerfile:`, or add one)"
                ),
            )


# env files kept out of the repository by convention: `.env`, `db.env`, `.env.local`
_LOCAL_ENV_NAME = re.compile(r"^(\.env(\..+)?|.+\.env)$")


def kept_local(target: Path) -> bool:
    """Whether a missing env file is meant to exist only on each developer's machine: the
    repository's git ignores it, or (no git to ask) its name is an env file's (`.env`,
    `*.env`, `.env.*`), the convention for files that hold local settings and secrets."""
    ignored = git_ignores(target)
    return ignored if ignored is not None else bool(_LOCAL_ENV_NAME.match(target.name))


def _env_file_problems(service: ComposeService, folder: Path) -> Iterator[Problem]:
    for entry in service.env_files:
        if not entry.required:
            continue  # `required: false`: compose skips it when missing
        target = _local(entry.path.value, folder)
        if target is None or is_existing_file(target):
            continue
        where = f"service `{service.name.value}`"
        if kept_local(target):
            # absent from a clean checkout by design (secret-in-config advises such a file):
            # worth knowing, not a broken repository
            yield Problem.at(
                entry.path,
                _redacted(
                    f"{where}: env_file {entry.path.value!r} is kept out of the repository "
                    f"({target.as_posix()}): compose will not start until each developer "
                    "creates it; ship an example (e.g. `.env.example`) and say so in the "
                    "README, or mark it `required: false`"
                ),
                severity=Severity.INFO,
            )
        else:
            yield _missing(entry.path, "env_file", where, target, "file")


def check_compose(ctx: ComposeContext) -> Iterator[Problem]:
    folder = ctx.path.parent
    built = built_services(ctx.compose, ctx.started_services)
    for service in ctx.compose.services:
        if service.name.value in built:
            yield from _build_problems(service, folder)
        yield from _env_file_problems(service, folder)


_DOC = RuleDoc(
    what=(
        "Checks that `build.dockerfile`, `build.context`, the legacy `dockerFile`/`context` "
        "and every `dockerComposeFile` entry exist, relative to the devcontainer.json as the "
        "spec defines. `${localWorkspaceFolder}` is resolved; paths built from other "
        "variables are not checked. In the compose files a config uses (or one named on "
        "its own) it checks, relative to the compose file's folder: the `build` context "
        "(`build: ./dir` or `build.context`, a folder) and `build.dockerfile` (relative to "
        "the context; without one, a `Dockerfile` in the context) of every service compose "
        "builds when the dev container starts, that is the config's `service`, the "
        "services in `runServices`, and what they `depends_on`; without `runServices` "
        "every service is started, so every service counts. It also checks every "
        "service's `env_file` (a path, a list, or `{path:, required:}` entries; "
        "`required: false` is skipped), since compose reads them all when it loads the "
        "project. An env file the repository keeps out of git (ignored by its "
        "`.gitignore`; without git, one named `.env`, `*.env` or `.env.*`) is reported at "
        "info: it is absent from every clean checkout by design, so CI must not fail on "
        "it, but compose will not start until each developer creates it. Git and URL "
        "contexts, `dockerfile_inline` and paths with `${...}` variables are not checked."
    ),
    why="The container cannot be built; VS Code reports it only when the user opens it.",
    example=(
        '{\n  "build": {"dockerfile": "Dockerfile.dev"}\n}\n'
        "// but only .devcontainer/Dockerfile exists"
    ),
    fix=(
        "Point at the file as seen from the folder holding devcontainer.json, "
        'e.g. `"dockerfile": "Dockerfile"` or `"dockerfile": "../docker/Dockerfile"`.'
    ),
)

RULE = Rule(
    "missing-file",
    Category.CORRECTNESS,
    "build.dockerfile, build.context, dockerComposeFile, or a compose build or env_file "
    "names a missing path",
    _DOC,
    config=check,
    compose=check_compose,
)
