"""musl-too-old: musl / Alpine release older than what current VS Code servers need."""

from __future__ import annotations

from devcon.compat.rule_support import compose_check, config_check, dockerfile_check, image_check
from devcon.rules.base import Category, Rule, RuleDoc

NAME = "musl-too-old"

RULE = Rule(
    name=NAME,
    category=Category.CORRECTNESS,
    summary="musl / Alpine release older than what current VS Code servers need",
    image=image_check(NAME),
    config=config_check(NAME),
    dockerfile=dockerfile_check(NAME),
    compose=compose_check(NAME),
    doc=RuleDoc(
        what=(
            "Reports a musl image whose musl (or Alpine release) is older than the minimum the "
            "current VS Code server requires (Alpine 3.16 / musl 1.2.3)."
        ),
        why="The VS Code server does not start; the container cannot be used from VS Code.",
        example="FROM alpine:3.12",
        fix="Move to a supported Alpine release (3.16 or newer), or better, a glibc base.",
    ),
)
