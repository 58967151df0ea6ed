"""eol-distro: distribution release past its end of life."""

from __future__ import annotations

from devcon.rules._knowledge_rule import knowledge_rule
from devcon.rules.base import Category, RuleDoc

_DOC = RuleDoc(
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
)

RULE = knowledge_rule(
    "eol-distro", Category.SECURITY, "distribution release past its end of life", _DOC
)
