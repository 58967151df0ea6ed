"""missing-file: a Dockerfile, build context or compose file that does not exist."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.discovery import resolve_local
from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc


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
        exists = target.is_dir() if want_dir else target.is_file()
        if not exists:
            kind = "directory" if want_dir else "file"
            where = "/" + "/".join(str(p) for p in pointer)
            yield ctx.at_value(
                pointer,
                f"`{where}`: {what} {value!r} not found "
                f"(looked for the {kind} {target.as_posix()})",
            )


RULE = Rule(
    name="missing-file",
    category=Category.CORRECTNESS,
    summary="build.dockerfile, build.context or dockerComposeFile names a missing path",
    config=check,
    doc=RuleDoc(
        what=(
            "Checks that `build.dockerfile`, `build.context`, the legacy `dockerFile`/`context` "
            "and every `dockerComposeFile` entry exist, relative to the devcontainer.json as the "
            "spec defines. `${localWorkspaceFolder}` is resolved; paths built from other "
            "variables are not checked."
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
    ),
)
