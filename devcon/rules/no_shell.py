"""no-shell: image without /bin/sh: VS Code cannot install or run its server."""

from __future__ import annotations

from devcon.rules._knowledge_rule import knowledge_rule
from devcon.rules.base import Category, RuleDoc

_DOC = RuleDoc(
    what="Reports an image without `/bin/sh` (distroless and scratch-based images).",
    why=(
        "Dev containers install and start the VS Code server with a shell; without one the "
        "container cannot host it."
    ),
    example="FROM gcr.io/distroless/python3",
    fix="Use a dev image with a shell for the dev stage (keep distroless for prod only).",
)

RULE = knowledge_rule(
    "no-shell",
    Category.CORRECTNESS,
    "image without /bin/sh: VS Code cannot install or run its server",
    _DOC,
)
