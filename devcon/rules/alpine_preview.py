"""alpine-preview: Alpine (musl) image: VS Code support is still a preview and some…"""

from __future__ import annotations

from devcon.findings import Severity
from devcon.rules._knowledge_rule import knowledge_rule
from devcon.rules.base import Category, RuleDoc

_DOC = RuleDoc(
    what=(
        "Reports an Alpine / musl image for VS Code versions that support it: the support is "
        "labelled preview, the server needs `musl libgcc libstdc++`, and some extensions with "
        "native code ship no Alpine (musl) build (the C/C++ extension and its debugger have "
        "had one since 2022)."
    ),
    why=(
        "Data-science stacks on musl lose manylinux wheels and some extensions; failures show "
        "up late, inside the container."
    ),
    example="FROM alpine:3.20",
    fix=(
        "Prefer a Debian or Ubuntu based image for dev containers; if Alpine is required, "
        "install `musl libgcc libstdc++` and check the extensions you need."
    ),
)

RULE = knowledge_rule(
    "alpine-preview",
    Category.CORRECTNESS,
    "Alpine (musl) image: VS Code support is still a preview and some extensions have no musl "
    "build",
    _DOC,
    severity=Severity.INFO,
    yields_to=("alpine-needs-insiders", "musl-too-old"),
)
