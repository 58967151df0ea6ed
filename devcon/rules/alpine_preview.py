"""alpine-preview: Alpine (musl) image: VS Code support is still a preview and some…"""

from __future__ import annotations

from devcon.compat.rule_support import compose_check, config_check, dockerfile_check, image_check
from devcon.findings import Severity
from devcon.rules.base import Category, Rule, RuleDoc

NAME = "alpine-preview"

RULE = Rule(
    name=NAME,
    category=Category.CORRECTNESS,
    severity=Severity.INFO,
    summary=(
        "Alpine (musl) image: VS Code support is still a preview and some extensions have no musl "
        "build"
    ),
    image=image_check(NAME),
    config=config_check(NAME),
    dockerfile=dockerfile_check(NAME),
    compose=compose_check(NAME),
    doc=RuleDoc(
        what=(
            "Reports an Alpine / musl image for VS Code versions that support it: the support is "
            "labelled preview, the server needs `musl libgcc libstdc++`, and some extensions (such"
            " as the C/C++ debugger) ship no musl build."
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
    ),
)
