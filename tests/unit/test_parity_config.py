"""parity's sides: those given, else the configured ones ([tool.devcon.parity])."""

from __future__ import annotations

import pytest

from devcon.errors import UsageError
from devcon.parity_config import NothingToCompare, OneSideOnly, ParitySides, parity_sides

CONFIGURED = {"dev": "d:1", "prod": "p:1", "base": "b:1", "platform": "linux/arm64"}


def test_given_sides_win_and_the_config_is_not_read() -> None:
    assert parity_sides("x", "y", None, None, CONFIGURED) == ParitySides("x", "y")


def test_no_sides_given_uses_the_configured_ones_with_their_defaults() -> None:
    assert parity_sides(None, None, None, None, CONFIGURED) == ParitySides(
        "d:1", "p:1", "b:1", "linux/arm64"
    )
    given = parity_sides(None, None, "mine:1", "linux/amd64", CONFIGURED)
    assert (given.base, given.platform) == ("mine:1", "linux/amd64")


def test_one_side_only_is_a_usage_error() -> None:
    with pytest.raises(OneSideOnly):
        parity_sides("x", None, None, None, CONFIGURED)
    with pytest.raises(UsageError):
        parity_sides(None, "y", None, None, {})


@pytest.mark.parametrize("configured", [{}, {"dev": "d:1"}, {"dev": "", "prod": "p:1"}])
def test_nothing_configured_is_nothing_to_compare(configured: dict[str, str]) -> None:
    with pytest.raises(NothingToCompare):
        parity_sides(None, None, None, None, configured)
