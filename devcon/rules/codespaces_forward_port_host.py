"""codespaces-forward-port-host: a "host:port" forwardPorts entry, which Codespaces ignores."""

from __future__ import annotations

import re
from collections.abc import Iterator

from devcon.findings import Severity
from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc

_HOST_PORT = re.compile(r"\A[A-Za-z0-9_.-]+:\d+\Z")  # anchored: linear on any input


def check(ctx: ConfigContext) -> Iterator[Problem]:
    value = ctx.value
    if not isinstance(value, dict):
        return
    ports = value.get("forwardPorts")
    if isinstance(ports, list):
        for index, port in enumerate(ports):
            if isinstance(port, str) and _HOST_PORT.fullmatch(port.strip()):
                yield ctx.report_merged(
                    ("forwardPorts", index),
                    f'`forwardPorts` entry "{port}" has the "host:port" form, which Codespaces '
                    "does not support: the port is not forwarded there; forward a port of "
                    "the dev container itself",
                )
    attributes = value.get("portsAttributes")
    if isinstance(attributes, dict):
        for key in attributes:
            if _HOST_PORT.fullmatch(str(key).strip()):
                yield ctx.report_merged(
                    ("portsAttributes", key),
                    f'`portsAttributes` key "{key}" has the "host:port" form, which Codespaces '
                    "does not support: these attributes do not apply there",
                    key=True,
                )


_DOC = RuleDoc(
    what=(
        "With `--tools codespaces` only. Reports `forwardPorts` entries written as "
        '`"host:port"` (e.g. `"db:5432"`) and `portsAttributes` keys of that form. Plain '
        "port numbers (and numeric strings) are fine."
    ),
    why=(
        "The spec's supporting-tools page says Codespaces does not support the "
        '`"host:port"` variation of `forwardPorts` and `portsAttributes`. It is how a '
        "Docker Compose config forwards a port of another service (a database), so in a "
        "codespace that service is silently not reachable from the local machine."
    ),
    example=(
        '{\n  "dockerComposeFile": "compose.yml",\n  "service": "app",\n'
        '  "forwardPorts": [3000, "db:5432"]\n}'
    ),
    fix=(
        "Reach the other service from the dev container (e.g. `psql -h db`), or forward "
        "a port of the dev container that proxies to it. Keep the entry for local use if "
        "it helps, and suppress the finding with a comment."
    ),
)

RULE = Rule(
    "codespaces-forward-port-host",
    Category.CORRECTNESS,
    'a "host:port" entry in forwardPorts (or portsAttributes), unsupported by Codespaces',
    _DOC,
    severity=Severity.WARNING,
    config=check,
    tools=frozenset({"codespaces"}),
)
