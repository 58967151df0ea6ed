"""How long work tells how far it got: a `Progress` callback the caller passes in (default:
`no_progress`), called with a `Step` (what, how much done, of how much, in which unit). Core
code only calls it; showing it (or not) is the caller's business. It may be called from worker
threads: `Tally` counts done items under a lock."""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass
from typing import Protocol


class Unit(enum.Enum):
    ITEMS = "items"
    BYTES = "bytes"


@dataclass(frozen=True)
class Step:
    """`done` of `total` (None: not known) `unit`s of the work named `what`."""

    what: str
    done: int
    total: int | None
    unit: Unit = Unit.ITEMS


class Progress(Protocol):
    def __call__(self, step: Step) -> None: ...


def no_progress(step: Step) -> None:
    """The default: nobody is told."""


class Tally:
    """Counts finished items of `total` and tells `progress` after each (thread-safe)."""

    def __init__(self, progress: Progress, what: str, total: int) -> None:
        self._progress = progress
        self._what = what
        self._total = total
        self._done = 0
        self._lock = threading.Lock()

    def start(self) -> None:
        if self._total:
            self._progress(Step(self._what, 0, self._total))

    def tick(self) -> None:
        with self._lock:
            self._done += 1
            self._progress(Step(self._what, self._done, self._total))
