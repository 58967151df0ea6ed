"""The VS Code compatibility table (devcon/compat/knowledge.json): data, each row sourced.

`matching_rows(info, target, rule, today)` returns the rows of one rule whose conditions all
hold for an image's facts, a target VS Code and a day (end-of-life dates are judged against
`today`, which the caller passes: the CLI gives the real date, tests any date they need).
Every row carries its source and the date it was last reviewed against that source.
"""

from __future__ import annotations

import datetime
import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from devcon.compat.facts import ImageInfo
from devcon.errors import UsageError


@dataclass(frozen=True)
class Row:
    id: str
    rule: str
    when: dict[str, Any]
    message: str
    source: str
    reviewed: str  # YYYY-MM-DD: when the row was last checked against its source
    note: str | None
    confidence: str


@dataclass(frozen=True)
class Knowledge:
    version: int
    reviewed: str
    stable: str
    insiders: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class VSCodeTarget:
    """The VS Code a user runs: a version, and whether it is an Insiders build."""

    version: str
    insiders: bool
    label: str


def version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for part in text.split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def below(version: str | None, limit: str) -> bool:
    if version is None:
        return False
    have, want = version_tuple(version), version_tuple(limit)
    if not have:
        return False
    width = max(len(have), len(want))
    return have + (0,) * (width - len(have)) < want + (0,) * (width - len(want))


@functools.cache
def load() -> Knowledge:
    text = (resources.files("devcon.compat") / "knowledge.json").read_text(encoding="utf-8")
    data = json.loads(text)
    rows = tuple(
        Row(
            id=str(r["id"]),
            rule=str(r["rule"]),
            when=dict(r.get("when") or {}),
            message=str(r["message"]),
            source=str(r.get("source", "")),
            reviewed=str(r.get("reviewed", "")),
            note=r.get("note"),
            confidence=str(r.get("confidence", "verified")),
        )
        for r in data["rows"]
    )
    return Knowledge(
        version=int(data["version"]),
        reviewed=str(data.get("reviewed", "")),
        stable=str(data["vscode"]["stable"]),
        insiders=str(data["vscode"]["insiders"]),
        rows=rows,
    )


def target_for(text: str) -> VSCodeTarget:
    """`stable`, `insiders` or `X.Y` (a stable release)."""
    table = load()
    if text == "stable":
        return VSCodeTarget(table.stable, False, f"stable ({table.stable})")
    if text == "insiders":
        return VSCodeTarget(table.insiders, True, f"insiders ({table.insiders})")
    if not version_tuple(text) or len(version_tuple(text)) < 2:
        raise UsageError(f"expected stable, insiders or a version such as 1.86, got {text!r}")
    return VSCodeTarget(text, False, text)


def _distro_version_matches(version: str | None, allowed: list[str]) -> bool:
    if version is None:
        return False
    # "7" matches 7 and 7.9; "3.20" matches 3.20 and 3.20.3
    return any(version == want or version.startswith(want + ".") for want in allowed)


def holds(row: Row, info: ImageInfo, target: VSCodeTarget, today: datetime.date) -> bool:
    """Whether every condition of a row holds on the day `today`."""
    when = row.when
    if "libc" in when and info.libc != when["libc"]:
        return False
    # "no C library" is a fact read from the image, never a guess that does not know
    if "libc_found" in when and (
        info.guessed or (info.libc is not None) is not bool(when["libc_found"])
    ):
        return False
    # an unknown architecture (a guess from the name) is taken as the common x86_64
    if "arch" in when and (info.architecture or "x86_64") not in when["arch"]:
        return False
    # Insiders builds were where the limited support first shipped
    if "vscode_before" in when and (
        target.insiders or not below(target.version, when["vscode_before"])
    ):
        return False
    if "vscode_from" in when and below(target.version, when["vscode_from"]):
        return False
    if "libc_version_below" in when and not below(info.libc_version, when["libc_version_below"]):
        return False
    if "distro" in when and info.distro_id != when["distro"]:
        return False
    if "distro_version_below" in when and not below(
        info.distro_version, when["distro_version_below"]
    ):
        return False
    if "distro_versions" in when and not _distro_version_matches(
        info.distro_version, list(when["distro_versions"])
    ):
        return False
    # "no libstdc++" and its version are facts read from the image, never a guess
    if "libstdcxx_found" in when and (
        info.guessed
        or info.libstdcxx is None
        or info.libstdcxx is not bool(when["libstdcxx_found"])
    ):
        return False
    if "libstdcxx_version_below" in when and not below(
        info.libstdcxx_version, when["libstdcxx_version_below"]
    ):
        return False
    if "eol_date" in when and today < datetime.date.fromisoformat(str(when["eol_date"])):
        return False  # not yet past its end of life
    if "shell" in when and info.has_shell is not bool(when["shell"]):
        return False
    return not ("tar" in when and info.has_tar is not bool(when["tar"]))


def matching_rows(
    info: ImageInfo, target: VSCodeTarget, rule: str, today: datetime.date
) -> list[Row]:
    return [row for row in load().rows if row.rule == rule and holds(row, info, target, today)]
