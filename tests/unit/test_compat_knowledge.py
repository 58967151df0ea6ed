"""The compat table: loading, conditions, targets and name guesses."""

from __future__ import annotations

import datetime

import pytest

from devcon.compat.facts import ImageInfo
from devcon.compat.guess import guess
from devcon.compat.knowledge import VSCodeTarget, below, holds, load, matching_rows, target_for
from devcon.errors import UsageError
from devcon.reference import parse_reference

TODAY = datetime.date(2026, 12, 3)


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
        "unsupported-arch",
        "libstdcxx-too-old",
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
    assert matching_rows(old, target_for("stable"), "glibc-too-old", TODAY)
    assert not matching_rows(old, target_for("1.80"), "glibc-too-old", TODAY)
    assert not matching_rows(_info(), target_for("stable"), "glibc-too-old", TODAY)


def test_eol_rows_wait_for_their_date() -> None:
    row = next(r for r in load().rows if r.rule == "eol-distro" and "eol_date" in r.when)
    info = _info(
        distro_id=row.when["distro"], distro_version=(row.when.get("distro_versions") or ["0"])[0]
    )
    target = target_for("stable")
    if "distro_versions" in row.when:
        assert holds(row, info, target, datetime.date(2999, 1, 1))
        assert not holds(row, info, target, datetime.date(1990, 1, 1))


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
    assert matching_rows(_info(libc=None, libc_version=None), target, "no-libc", TODAY)
    # a guess from the name that does not know the libc is not "no libc"
    guessed = _info(libc=None, libc_version=None, guessed=True, source="name")
    assert not matching_rows(guessed, target, "no-libc", TODAY)
    # a libc whose version could not be read is still a libc
    assert not matching_rows(_info(libc_version=None), target, "no-libc", TODAY)
    assert not matching_rows(_info(libc="musl", libc_version=None), target, "no-libc", TODAY)


def test_every_row_has_its_source_and_review_date() -> None:
    import datetime

    table = load()
    assert datetime.date.fromisoformat(table.reviewed)
    for row in table.rows:
        assert row.source.startswith("https://"), row.id
        reviewed = datetime.date.fromisoformat(row.reviewed)  # a field of every row
        assert reviewed <= datetime.date.fromisoformat(table.reviewed), row.id


def test_end_of_life_moves_with_the_clock_not_the_code() -> None:
    import datetime

    # Fedora 43 ends 2026-12-09: a finding the day after, none the day before
    fedora = _info(distro_id="fedora", distro_version="43")
    target = target_for("stable")
    before, after = datetime.date(2026, 12, 8), datetime.date(2026, 12, 10)
    assert not matching_rows(fedora, target, "eol-distro", before)
    assert matching_rows(fedora, target, "eol-distro", after)


@pytest.mark.parametrize(
    ("distro", "version", "ends"),
    [
        ("ol", "7.9", "2024-12-31"),
        ("ol", "6.10", "2021-03-31"),
        ("rhel", "7.9", "2024-06-30"),
        ("fedora", "42", "2026-05-27"),
        ("fedora", "43", "2026-12-09"),
        ("amzn", "2", "2026-06-30"),
    ],
)
def test_eol_dates_reviewed(distro: str, version: str, ends: str) -> None:
    import datetime

    info = _info(distro_id=distro, distro_version=version)
    target = target_for("stable")
    last = datetime.date.fromisoformat(ends)
    rows = matching_rows(info, target, "eol-distro", last + datetime.timedelta(days=1))
    assert [r.when["eol_date"] for r in rows] == [ends]
    assert not matching_rows(info, target, "eol-distro", last - datetime.timedelta(days=1))


def test_amazon_linux_2023_and_alpine_3_24_are_supported() -> None:
    import datetime

    target, today = target_for("stable"), datetime.date(2026, 12, 3)
    assert not matching_rows(
        _info(distro_id="amzn", distro_version="2023"), target, "eol-distro", today
    )
    alpine = _info(distro_id="alpine", distro_version="3.24.1", libc="musl", libc_version="1.2.5")
    assert not matching_rows(alpine, target, "eol-distro", today)


@pytest.mark.parametrize("arch", ["i386", "ppc64le", "s390x", "riscv64"])
def test_architectures_without_a_server(arch: str) -> None:
    info = _info(architecture=arch)
    for vscode in ("1.80", "stable", "insiders"):
        assert matching_rows(info, target_for(vscode), "unsupported-arch", TODAY), (arch, vscode)


def test_32_bit_arm_until_1_122() -> None:
    arm = _info(architecture="armv7l")
    assert not matching_rows(arm, target_for("1.122"), "unsupported-arch", TODAY)
    assert matching_rows(arm, target_for("1.123"), "unsupported-arch", TODAY)
    assert matching_rows(arm, target_for("stable"), "unsupported-arch", TODAY)
    alpine_arm = _info(architecture="armv7l", libc="musl", libc_version="1.2.5", distro_id="alpine")
    assert len(matching_rows(alpine_arm, target_for("1.100"), "unsupported-arch", TODAY)) == 1
    assert len(matching_rows(alpine_arm, target_for("stable"), "unsupported-arch", TODAY)) == 1
    for arch in ("x86_64", "aarch64", None):
        assert not matching_rows(
            _info(architecture=arch), target_for("stable"), "unsupported-arch", TODAY
        )


def test_libstdcxx_is_judged_apart_from_glibc() -> None:
    target = target_for("stable")
    missing = _info(libstdcxx=False, libstdcxx_version=None)
    assert matching_rows(missing, target, "libstdcxx-too-old", TODAY)
    old = _info(libstdcxx=True, libstdcxx_version="3.4.22")
    assert matching_rows(old, target, "libstdcxx-too-old", TODAY)
    assert not matching_rows(old, target_for("1.80"), "libstdcxx-too-old", TODAY)
    assert not matching_rows(
        _info(libstdcxx=True, libstdcxx_version="3.4.25"), target, "libstdcxx-too-old", TODAY
    )
    # not known (a guess from the name): never a finding
    unknown = _info(libstdcxx=None, libstdcxx_version=None, guessed=True, source="name")
    assert not matching_rows(unknown, target, "libstdcxx-too-old", TODAY)
    # musl images: the Alpine rows say what they need
    musl = _info(libc="musl", libc_version="1.2.5", libstdcxx=False)
    assert not matching_rows(musl, target, "libstdcxx-too-old", TODAY)


def test_libstdcxx_version_is_the_highest_glibcxx_string() -> None:
    from devcon.compat.facts import libstdcxx_version

    data = (
        b"\x00GLIBCXX_3.4\x00GLIBCXX_3.4.9\x00GLIBCXX_3.4.30\x00GLIBCXX_3.4.25\x00"
        b"GLIBCXX_TUNABLES\x00"
    )
    assert libstdcxx_version(data) == "3.4.30"
    assert libstdcxx_version(b"nothing here") is None
    assert libstdcxx_version(None) is None


def test_the_readme_states_each_distributions_end_of_life_convention() -> None:
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("The knowledge table is data") :]
    section = " ".join(section[: section.index("\n\n")].split())
    names = {
        "debian": "Debian, the end of Debian LTS",
        "ubuntu": "Ubuntu, the end of standard support",
        "rhel": "RHEL, the end of Maintenance Support",
        "ol": "Oracle Linux, the end of Premier Support",
        "centos": "CentOS",
        "fedora": "Fedora",
        "alpine": "Alpine",
        "opensuse-leap": "openSUSE Leap",
        "amzn": "Amazon Linux",
    }
    distros = {r.when["distro"] for r in load().rows if r.rule == "eol-distro"}
    for distro in distros:
        assert names[distro] in section, distro
