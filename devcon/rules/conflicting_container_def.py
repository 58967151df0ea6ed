"""conflicting-container-def: more than one of image, Dockerfile and compose file is set."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.container_options import container_kinds
from devcon.findings import Severity
from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc

_NAMES = {"dockerfile": "the Dockerfile", "image": "`image`", "compose": "`dockerComposeFile`"}
_IGNORED = {
    "image": "`image` is not used as the container's image",
    "compose": "`dockerComposeFile` is ignored and no compose service is started",
}


def check(ctx: ConfigContext) -> Iterator[Problem]:
    value = ctx.value
    kinds = container_kinds(value)
    if not isinstance(value, dict):
        return
    build = value.get("build")
    if "dockerFile" in value and isinstance(build, dict) and "dockerfile" in build:
        yield ctx.report_merged(
            ("build", "dockerfile"),
            "both `dockerFile` and `build.dockerfile` are set: the dev container CLI and VS Code "
            "use the legacy `dockerFile` and ignore `build.dockerfile`; keep only "
            "`build.dockerfile`",
            key=True,
        )
    if len(kinds) < 2:
        return
    winner = kinds[0]
    uses = "build " + _NAMES[winner] if winner == "dockerfile" else "use " + _NAMES[winner]
    for loser in kinds[1:]:
        pointer: tuple[str, ...] = ("image",) if loser == "image" else ("dockerComposeFile",)
        yield ctx.report_merged(
            pointer,
            f"{_NAMES[loser]} and {_NAMES[winner]} are both set; the spec leaves the "
            f"combination undefined, and the dev container CLI and VS Code {uses}: "
            f"{_IGNORED[loser]}. Keep one of them",
            key=True,
        )


_DOC = RuleDoc(
    what=(
        "Reports a devcontainer.json that sets more than one of `image`, `build.dockerfile` "
        "(or the legacy `dockerFile`) and `dockerComposeFile`, at each one that is ignored; "
        "and `dockerFile` together with `build.dockerfile`. The spec presents them as "
        "alternatives and does not say which wins; the reference implementation (the dev "
        "container CLI, whose logic VS Code's Dev Containers extension shares) builds the "
        "Dockerfile first, else uses `image`, else the compose file, and takes the legacy "
        "`dockerFile` over `build.dockerfile`. A warning: the container is created, but not "
        "from everything the file says."
    ),
    why=(
        "The ignored property misleads readers (and other tools, which may choose "
        "differently): an `image` next to a Dockerfile looks like the base image but is "
        "not, and a `dockerComposeFile` next to an `image` never starts its services."
    ),
    example=(
        '{\n  "image": "mcr.microsoft.com/devcontainers/python:3.12",\n'
        '  "build": {"dockerfile": "Dockerfile"}\n}'
    ),
    fix=(
        "Keep the one that is meant: the Dockerfile (put the base image in its FROM line), "
        "the `image`, or the compose file with `service`."
    ),
)

RULE = Rule(
    "conflicting-container-def",
    Category.CORRECTNESS,
    "more than one of image, build.dockerfile (dockerFile) and dockerComposeFile is set",
    _DOC,
    severity=Severity.WARNING,
    config=check,
)
