"""alpine-needs-insiders: Alpine (musl) image that this VS Code release can only open with…"""

from __future__ import annotations

from devcon.compat.rule_support import compose_check, config_check, dockerfile_check, image_check
from devcon.rules.base import Category, Rule, RuleDoc

NAME = "alpine-needs-insiders"

RULE = Rule(
    name=NAME,
    category=Category.CORRECTNESS,
    summary="Alpine (musl) image that this VS Code release can only open with an Insiders build",
    image=image_check(NAME),
    config=config_check(NAME),
    dockerfile=dockerfile_check(NAME),
    compose=compose_check(NAME),
    doc=RuleDoc(
        what=(
            "Reports an Alpine / musl image when the target VS Code stable release predates Alpine"
            " support on that architecture (x86_64 came to stable around VS Code 1.38, arm64 "
            "later), so only an Insiders build can host the server. Judged from the real image "
            "with `devcon compat`, and from the image name in `devcon validate`."
        ),
        why=(
            "Tag names hide the C library: `myorg/base:3` may be Alpine. A team on an older stable"
            " VS Code cannot attach to the container at all."
        ),
        example="FROM python:3.12-alpine  # with VS Code 1.37 stable",
        fix=(
            "Use a glibc base (e.g. `python:3.12-slim`, Debian or Ubuntu), or update VS Code / use"
            " Insiders."
        ),
    ),
)
