"""alpine-needs-insiders: Alpine (musl) image that this VS Code release can only open with…"""

from __future__ import annotations

from devcon.rules._knowledge_rule import knowledge_rule
from devcon.rules.base import Category, RuleDoc

_DOC = RuleDoc(
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
)

RULE = knowledge_rule(
    "alpine-needs-insiders",
    Category.CORRECTNESS,
    "Alpine (musl) image that this VS Code release can only open with an Insiders build",
    _DOC,
)
