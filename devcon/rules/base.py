"""What a rule is: its name, severity, doc and check, side by side in one module.

Each rule module under `devcon.rules` defines `RULE = Rule(...)`; `catalog.py` collects them,
so adding a rule is adding one module (plus its fixtures and test).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from devcon.findings import Severity

if TYPE_CHECKING:
    from devcon.jsonc import JsoncDocument, JsoncSyntaxError


class Target(enum.Enum):
    """The kind of file a rule reads."""

    DEVCONTAINER = "devcontainer"


@dataclass(frozen=True)
class RuleDoc:
    """A rule's documentation, under the same four headings for every rule."""

    what: str
    why: str
    example: str
    fix: str


@dataclass(frozen=True)
class Problem:
    """What a check reports; the engine adds the rule name, severity and (default) path."""

    line: int
    column: int
    message: str
    path: Path | None = None  # another file than the one checked (e.g. a requirements file)


@dataclass(frozen=True)
class ConfigContext:
    """A devcontainer.json as rules see it: parsed, or with the syntax error that stopped it."""

    path: Path
    text: str
    doc: JsoncDocument | None
    syntax_error: JsoncSyntaxError | None

    def at_value(self, pointer: tuple[str | int, ...], message: str) -> Problem:
        assert self.doc is not None
        line, col = self.doc.value_position(pointer)
        return Problem(line, col, message)

    def at_key(self, pointer: tuple[str | int, ...], message: str) -> Problem:
        assert self.doc is not None
        line, col = self.doc.key_position(pointer)
        return Problem(line, col, message)


ConfigCheck = Callable[[ConfigContext], Iterable[Problem]]


@dataclass(frozen=True)
class Rule:
    """One rule: stable name, default severity, one-line summary, doc and check."""

    name: str
    severity: Severity
    summary: str
    doc: RuleDoc
    target: Target
    check: ConfigCheck
    enabled_by_default: bool = True

    def __post_init__(self) -> None:
        if not self.name or self.name != self.name.lower() or " " in self.name:
            raise ValueError(f"rule names are lower-case-with-dashes: {self.name!r}")
