"""Findings: what every check returns, and how severities compare."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    """How serious a finding is; ordered info < warning < error."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {choices})") from None


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place. Lines and columns are 1-based."""

    path: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str

    def __post_init__(self) -> None:
        # the output seam (devcon.output_safety), applied where every finding is made: the
        # message and path quote input, so credentials are redacted and controls escaped (a
        # newline in a message is left to each format: `%0A` in GitHub's, `\x0a` in text)
        from devcon.output_safety import safe_line, safe_text

        object.__setattr__(self, "message", safe_text(self.message))
        object.__setattr__(self, "path", safe_line(self.path))
