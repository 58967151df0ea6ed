"""no-shell: image without /bin/sh: VS Code cannot install or run its server."""

from __future__ import annotations

from devcon.compat.rule_support import compose_check, config_check, dockerfile_check, image_check
from devcon.rules.base import Category, Rule, RuleDoc

NAME = "no-shell"

RULE = Rule(
    name=NAME,
    category=Category.CORRECTNESS,
    summary="image without /bin/sh: VS Code cannot install or run its server",
    image=image_check(NAME),
    config=config_check(NAME),
    dockerfile=dockerfile_check(NAME),
    compose=compose_check(NAME),
    doc=RuleDoc(
        what="Reports an image without `/bin/sh` (distroless and scratch-based images).",
        why=(
            "Dev containers install and start the VS Code server with a shell; without one the "
            "container cannot host it."
        ),
        example="FROM gcr.io/distroless/python3",
        fix="Use a dev image with a shell for the dev stage (keep distroless for prod only).",
    ),
)
