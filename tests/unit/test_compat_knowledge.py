"""The compat table: loading, conditions, targets and name guesses."""

from __future__ import annotations

import pytest

from devcon.compat.facts import ImageInfo
from devcon.compat.guess import guess
from devcon.compat.knowledge import VSCodeTarget, below, holds, load, matching_rows, target_for
from devcon.errors import UsageError
from devcon.reference import parse_reference


def _info(**kw: object) -> ImageInfo:
    base: dict[str, object] = dict(
        image="x",
        source="registry",
        architecture="x86_64",
        distro_id="debian",
        distro_version="12",
        distro_name=None,
        libc="glibc",
        libc_version="2.36",
        has_shell=True,
        has_tar=True,
    )
    base.update(kw)
    return ImageInfo(**base)  # type: ignore[arg-type]


def test_every_row_is_sourced_and_uses_known_rules() -> None:
    table = load()
    rules = {
        "alpine-needs-insiders",
        "alpine-preview",
        "musl-too-old",
        "glibc-too-old",
        "eol-distro",
        "no-shell",
        "missing-tar",
        "no-libc",
    }
    assert table.rows and below("1.0", table.stable)
    for row in table.rows:
        assert row.rule in rules
        assert row.source.startswith("https://"), row.id
        assert row.message


def test_versions_compare_numerically() -> None:
    assert below("1.9", "1.38") and not below("1.38", "1.38") and below("2.17", "2.28")
    assert below("3.12.12", "3.16") and not below("3.16.0", "3.16")
    assert not below(None, "1.0")


def test_targets() -> None:
    assert target_for("stable").version == load().stable
    assert target_for("insiders").insiders
    assert target_for("1.37") == VSCodeTarget("1.37", False, "1.37")
    with pytest.raises(UsageError):
        target_for("latest")


def test_glibc_rules_follow_the_vscode_version() -> None:
    old = _info(libc_version="2.17", distro_id="centos", distro_version="7")
    assert matching_rows(old, target_for("stable"), "glibc-too-old")
    assert not matching_rows(old, target_for("1.80"), "glibc-too-old")
    assert not matching_rows(_info(), target_for("stable"), "glibc-too-old")


def test_eol_rows_wait_for_their_date() -> None:
    row = next(r for r in load().rows if r.rule == "eol-distro" and "eol_date" in r.when)
    info = _info(
        distro_id=row.when["distro"], distro_version=(row.when.get("distro_versions") or ["0"])[0]
    )
    target = target_for("stable")
    if "distro_versions" in row.when:
        assert holds(row, info, target, today="2999-01-01")
        assert not holds(row, info, target, today="1990-01-01")


def test_name_guesses() -> None:
    alpine = guess(parse_reference("python:3.12-alpine3.19"))
    assert alpine is not None and alpine.libc == "musl" and alpine.distro_version == "3.19"
    centos = guess(parse_reference("centos:7"))
    assert centos is not None and centos.libc_version == "2.17" and centos.guessed
    distroless = guess(parse_reference("gcr.io/distroless/python3-debian12"))
    assert distroless is not None and distroless.has_shell is False
    assert guess(parse_reference("gcr.io/distroless/base:debug")) is None
    assert guess(parse_reference("python:3.12-slim")) is None


def test_no_libc_only_when_read_from_the_image() -> None:
    target = target_for("stable")
    assert matching_rows(_info(libc=None, libc_version=None), target, "no-libc")
    # a guess from the name that does not know the libc is not "no libc"
    guessed = _info(libc=None, libc_version=None, guessed=True, source="name")
    assert not matching_rows(guessed, target, "no-libc")
    # a libc whose version could not be read is still a libc
    assert not matching_rows(_info(libc_version=None), target, "no-libc")
    assert not matching_rows(_info(libc="musl", libc_version=None), target, "no-libc")
