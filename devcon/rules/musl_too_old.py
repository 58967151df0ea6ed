"""musl-too-old: musl / Alpine release older than what current VS Code servers need."""

from __future__ import annotations

from devcon.rules._knowledge_rule import knowledge_rule
from devcon.rules.base import Category, RuleDoc

_DOC = RuleDoc(
    what=(
        "Reports a musl image whose musl (or Alpine release) is older than the minimum the "
        "current VS Code server requires (Alpine 3.16 / musl 1.2.3)."
    ),
    why="The VS Code server does not start; the container cannot be used from VS Code.",
    example="FROM alpine:3.12",
    fix="Move to a supported Alpine release (3.16 or newer), or better, a glibc base.",
)

RULE = knowledge_rule(
    "musl-too-old",
    Category.CORRECTNESS,
    "musl / Alpine release older than what current VS Code servers need",
    _DOC,
)
