"""missing-tar: image without tar: the VS Code server cannot be installed."""

from __future__ import annotations

from devcon.rules._knowledge_rule import knowledge_rule
from devcon.rules.base import Category, RuleDoc

RULE = knowledge_rule(
    name="missing-tar",
    category=Category.CORRECTNESS,
    summary="image without tar: the VS Code server cannot be installed",
    doc=RuleDoc(
        what=(
            "Reports an image without `tar` (`/bin/tar` or `/usr/bin/tar`), as in some minimal "
            "openSUSE and Oracle Linux 7 images."
        ),
        why=(
            "The VS Code server is shipped as a tarball and unpacked inside the container with tar."
        ),
        example="FROM oraclelinux:7-slim",
        fix=(
            "Install tar in the image (`microdnf install tar`, `zypper install tar`) or choose "
            "another base."
        ),
    ),
    from_names=False,
)
