"""missing-tar: image without tar: the VS Code server cannot be installed."""

from __future__ import annotations

from devcon.rules._knowledge_rule import knowledge_rule
from devcon.rules.base import Category, RuleDoc

_DOC = RuleDoc(
    what=(
        "Reports an image without `tar` (`/bin/tar` or `/usr/bin/tar`), as in some minimal "
        "openSUSE and Oracle Linux 7 images."
    ),
    why=("The VS Code server is shipped as a tarball and unpacked inside the container with tar."),
    example="FROM oraclelinux:7-slim",
    fix=(
        "Install tar in the image (`microdnf install tar`, `zypper install tar`) or choose "
        "another base."
    ),
)

RULE = knowledge_rule(
    "missing-tar",
    Category.CORRECTNESS,
    "image without tar: the VS Code server cannot be installed",
    _DOC,
    from_names=False,
)
