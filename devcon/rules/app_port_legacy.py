"""app-port-legacy: appPort publishes ports where forwardPorts is recommended."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.container_options import container_kind
from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc


def check(ctx: ConfigContext) -> Iterator[Problem]:
    value = ctx.value
    if not isinstance(value, dict) or "appPort" not in value:
        return
    if container_kind(value) == "compose":
        message = (
            "`appPort` is not used with Docker Compose; use `forwardPorts` (or `ports` in the "
            "compose file)"
        )
    else:
        message = (
            "`appPort` publishes ports with Docker (the app must listen on 0.0.0.0, and the "
            "host port must be free); the spec recommends `forwardPorts`"
        )
    yield ctx.report_merged(("appPort",), message, key=True)


_DOC = RuleDoc(
    what="Reports the `appPort` property; `forwardPorts` is its recommended replacement.",
    why=(
        "`appPort` publishes ports when the container is created, like `docker run -p`: "
        "the application must listen on all interfaces rather than localhost, the host "
        "port must be free (two containers cannot both publish it), and changes need a "
        "rebuild. `forwardPorts` forwards through the tool's connection: localhost works, "
        "it also works in the browser and in Codespaces, and the spec recommends it "
        "in most cases. With Docker Compose, `appPort` is not used at all."
    ),
    example=(
        '{\n  "image": "mcr.microsoft.com/devcontainers/javascript-node:22",\n'
        '  "appPort": [3000]\n}'
    ),
    fix=(
        '{\n  "image": "mcr.microsoft.com/devcontainers/javascript-node:22",\n'
        '  "forwardPorts": [3000]\n}\n'
        "// keep appPort only when the port must be published on the host, e.g. for "
        "another machine"
    ),
)

RULE = Rule(
    "app-port-legacy", Category.STYLE, "appPort is used instead of forwardPorts", _DOC, config=check
)
