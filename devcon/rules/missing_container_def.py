"""missing-container-def: the config names no image, Dockerfile or compose file."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.container_options import container_kinds
from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc


def check(ctx: ConfigContext) -> Iterator[Problem]:
    value = ctx.value
    if not isinstance(value, dict) or container_kinds(value):
        return
    if isinstance(value.get("build"), dict):
        message = (
            "`build` has no `dockerfile`, and there is no `image` or `dockerComposeFile`: no "
            'container can be created from this config; add `"dockerfile": "Dockerfile"` to '
            "`build`"
        )
    else:
        message = (
            "no `image`, `build.dockerfile` or `dockerComposeFile`: no container can be "
            "created from this config; add one of them"
        )
    yield ctx.report_merged((), message)


_DOC = RuleDoc(
    what=(
        "Reports a devcontainer.json that has none of `image`, `build.dockerfile` (or the "
        "legacy `dockerFile`) and `dockerComposeFile`, at the start of the file. A `build` "
        "without `dockerfile` does not count, as in the dev container CLI."
    ),
    why=(
        "The spec's schema rejects such a file too (devcon reports it with this rule rather "
        "than `schema`; see docs/spec-deviations.md): the tools need one of the three to "
        "know what container to create: the dev container "
        'CLI stops with \'is missing one of "image", "dockerFile" or '
        '"dockerComposeFile" properties\', and VS Code cannot open the folder in a '
        "container. (A config meant only for an existing "
        "container, e.g. `devcontainer set-up`, is the exception: suppress the finding "
        "there.)"
    ),
    example='{\n  "name": "app",\n  "forwardPorts": [3000]\n}',
    fix=(
        '{\n  "name": "app",\n  "image": "mcr.microsoft.com/devcontainers/base:bookworm",\n'
        '  "forwardPorts": [3000]\n}'
    ),
)

RULE = Rule(
    "missing-container-def",
    Category.CORRECTNESS,
    "none of image, build.dockerfile (or dockerFile), dockerComposeFile is set",
    _DOC,
    config=check,
)
