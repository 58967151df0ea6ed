"""The sides `parity` compares: those given, else the configured ones ([tool.devcon.parity]
in pyproject.toml, [parity] in .devcon.toml), with the configured base and platform as
defaults for what is not given."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from devcon.errors import UsageError


@dataclass(frozen=True)
class ParitySides:
    dev: str
    prod: str
    base: str | None = None
    platform: str | None = None


class OneSideOnly(UsageError):
    """A dev side was given without a prod side."""

    def __init__(self) -> None:
        super().__init__("one side given: give both sides, or neither")


class NothingToCompare(UsageError):
    """No side given, and the configuration names no dev and prod."""

    def __init__(self) -> None:
        super().__init__("nothing to compare: no sides given and none configured")


def parity_sides(
    dev: str | None,
    prod: str | None,
    base: str | None,
    platform: str | None,
    configured: Mapping[str, str],
) -> ParitySides:
    """The given sides; with none, the configured ones. What is given wins over the config."""
    if dev is not None and prod is not None:
        return ParitySides(dev, prod, base, platform)
    if dev is not None or prod is not None:
        raise OneSideOnly
    if not configured.get("dev") or not configured.get("prod"):
        raise NothingToCompare
    return ParitySides(
        configured["dev"],
        configured["prod"],
        base or configured.get("base"),
        platform or configured.get("platform"),
    )
