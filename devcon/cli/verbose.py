"""`--verbose`: what a run read, from where, and what it skipped and why, on stderr, each line
starting `devcon: `. Core results carry these facts; this module only words them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from devcon.cli.options import ReportOptions, say
from devcon.config import Settings

if TYPE_CHECKING:
    from devcon.compat.check import CompatResult
    from devcon.named_files import NamedFile
    from devcon.parity import ParityResult
    from devcon.pin import PinResult


def tell(report: ReportOptions, lines: Iterable[str]) -> None:
    """Print `lines` on stderr when `--verbose` was given."""
    if report.verbose:
        for line in lines:
            say(f"devcon: {line}", err=True)


def config_lines(report: ReportOptions, settings: Settings) -> list[str]:
    if report.no_config:
        return ["config: none (--no-config)"]
    if settings.source is None:
        return ["config: none found (defaults)"]
    return [f"config: {settings.source}"]


def file_lines(files: Sequence[Path], named: Sequence[NamedFile] = ()) -> list[str]:
    from devcon.named_files import Handling

    lines = [f"read: {path}" for path in files]
    for item in named:
        if item.handling is Handling.SKIPPED:
            lines.append(f"skipped: {item.path}: {item.reason}")
        else:
            through = ", ".join(str(p) for p in item.through)
            lines.append(f"checked through: {item.path}: via {through}")
    return lines


def pin_lines(result: PinResult) -> list[str]:
    from devcon.pin import PinStatus

    lines = file_lines(result.files, result.named)
    for item in result.items:
        if item.status is PinStatus.SKIPPED:
            where = f"{item.path}:{item.line}:{item.column}"
            lines.append(f"skipped: {where}: {item.written}: {item.reason}")
    return lines


def compat_lines(result: CompatResult) -> list[str]:
    from devcon.hints import plain

    lines = []
    for report in result.reports:
        info = report.info
        if report.unavailable_platform:
            lines.append(f"skipped: {report.image}: no image for {report.unavailable_platform}")
        elif report.unreadable is not None:
            lines.append(f"skipped: {report.image}: {plain(report.unreadable)}")
        elif info is not None:
            layers = "" if report.layers_read is None else f" ({report.layers_read} layer(s))"
            lines.append(f"image: {report.image}: {info.known_from}{layers}")
    return lines


def parity_lines(result: ParityResult) -> list[str]:
    lines = []
    for p in result.platforms:
        for name, side in (("dev", p.dev), ("prod", p.prod)):
            read = f"from the {side.source.value}"
            lines.append(f"{p.platform}: {name}: {side.label}: read {read}")
    return lines
