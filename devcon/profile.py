"""The rule set a Dockerfile is held to (a neutral module: discovery, config and the rules
all read it, and it imports nothing of theirs)."""

from __future__ import annotations

import enum


class Profile(enum.Enum):
    """The rule set a Dockerfile is held to: dev images may run as root and keep toolchains."""

    DEV = "dev"
    PROD = "prod"
