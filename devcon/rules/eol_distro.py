"""eol-distro: distribution release past its end of life."""

from __future__ import annotations

from devcon.compat.rule_support import compose_check, config_check, dockerfile_check, image_check
from devcon.rules.base import Category, Rule, RuleDoc

NAME = "eol-distro"

RULE = Rule(
    name=NAME,
    category=Category.SECURITY,
    summary="distribution release past its end of life",
    image=image_check(NAME),
    config=config_check(NAME),
    dockerfile=dockerfile_check(NAME),
    compose=compose_check(NAME),
    doc=RuleDoc(
        what=(
            "Reports an image whose distribution release has reached its end of life (the table "
            "names the date and source)."
        ),
        why=(
            "No security updates; package mirrors move to archives so builds break; VS Code drops "
            "support for the old C libraries."
        ),
        example="FROM debian:9",
        fix="Move to a supported release of the distribution, and pin it by digest.",
    ),
)
