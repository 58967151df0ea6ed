"""Reports: `render(result, fmt)` turns a command's typed result into text, through the one
registry of formatters (devcon.report.registry). `Report` is what validate hands over."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from devcon.findings import Finding
from devcon.report.registry import OutputFormat, format_named, format_names, formats_for, render
from devcon.rules.base import Rule

if TYPE_CHECKING:
    from devcon.named_files import NamedFile

__all__ = ["OutputFormat", "Report", "format_named", "format_names", "formats_for", "render"]


@dataclass(frozen=True)
class Report:
    """What formatters see of a validate run (or of any run of rules over files)."""

    findings: Sequence[Finding]
    files: int
    rules: Sequence[Rule]
    suppressed: int = 0
    # files named that devcon does not read on its own: checked through others, or skipped
    named: Sequence[NamedFile] = ()
