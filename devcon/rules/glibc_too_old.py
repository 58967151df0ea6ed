"""glibc-too-old: glibc older than the target VS Code server requires (2.28 since VS Code 1.86)."""

from __future__ import annotations

from devcon.rules._knowledge_rule import knowledge_rule
from devcon.rules.base import Category, RuleDoc

_DOC = RuleDoc(
    what=(
        "Reports a glibc image whose C library is older than the target VS Code release "
        "requires: since VS Code 1.86 (January 2024) the server needs glibc 2.28 and libstdc++"
        " 3.4.25, which rules out CentOS/RHEL 7, Debian 9, Ubuntu 18.04 and Oracle Linux 7."
    ),
    why=(
        "The server refuses to start (or runs unsupported), so the dev container cannot be opened."
    ),
    example="FROM centos:7",
    fix=(
        "Move to a base with glibc 2.28 or newer (Debian 10+, Ubuntu 20.04+, RHEL/Rocky/Alma 8+)."
    ),
)

RULE = knowledge_rule(
    "glibc-too-old",
    Category.CORRECTNESS,
    "glibc older than the target VS Code server requires (2.28 since VS Code 1.86)",
    _DOC,
)
