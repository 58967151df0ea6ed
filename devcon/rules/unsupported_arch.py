"""unsupported-arch: an image architecture VS Code publishes no server for."""

from __future__ import annotations

from devcon.rules._knowledge_rule import knowledge_rule
from devcon.rules.base import Category, RuleDoc

_DOC = RuleDoc(
    what=(
        "Reports an image read by `devcon compat` whose architecture (the image config's "
        "`architecture` and `variant`) has no VS Code server for the target release: i386, "
        "ppc64le, s390x and riscv64 never had one; 32-bit ARM (arm/v7, armhf) has none from "
        "VS Code 1.123 on (1.122, May 2026, was the last); Alpine on 32-bit ARM was never "
        "supported. An image whose architecture is not known is not reported."
    ),
    why=(
        "Dev Containers installs the VS Code server inside the container; with no server "
        "built for the container's architecture it cannot be opened in VS Code."
    ),
    example="s390x/debian:12 (its image config says architecture s390x)",
    fix=(
        "Build the dev container for linux/amd64 or linux/arm64 (on a Raspberry Pi, a "
        "64-bit OS); keep other architectures for production images."
    ),
)

RULE = knowledge_rule(
    "unsupported-arch",
    Category.CORRECTNESS,
    "image architecture with no VS Code server (i386, ppc64le, s390x, riscv64, 32-bit ARM)",
    _DOC,
    from_names=False,
)
