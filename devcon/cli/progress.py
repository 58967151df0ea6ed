"""Progress of long work (devcon.progress's `Step`s) on one line of stderr, rewritten with a
carriage return and erased at the end: only on a terminal, only with the text format, never
with `--quiet`. No ANSI escape: the line is overwritten and blanked with spaces."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from devcon.cli.options import ReportOptions
from devcon.progress import Progress, Step, Unit, no_progress
from devcon.report.registry import OutputFormat

_MIB = 1024 * 1024
_EVERY = 0.1  # seconds between two redraws (the first step and the last item always show)


def _stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def words(step: Step) -> str:
    """`what: 2 of 5`, or `what: 1.5 MiB of 1024 MiB cap read` for bytes."""
    if step.unit is Unit.BYTES:
        total = f" of {step.total / _MIB:.0f} MiB cap" if step.total else ""
        return f"{step.what}: {step.done / _MIB:.1f} MiB{total} read"
    return f"{step.what}: {step.done}" + (f" of {step.total}" if step.total else "")


class ProgressLine:
    """A `Progress` that draws each step over the last one (thread-safe, throttled)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._shown = 0  # characters on the line now
        self._last = 0.0
        self._width = max(20, shutil.get_terminal_size((80, 24)).columns - 1)

    def __call__(self, step: Step) -> None:
        with self._lock:
            now = time.monotonic()
            last_item = step.unit is Unit.ITEMS and step.done == step.total
            if self._shown and now - self._last < _EVERY and not last_item:
                return
            self._last = now
            self._show(words(step))

    def close(self) -> None:
        with self._lock:
            if self._shown:
                self._show("")

    def _show(self, text: str) -> None:
        """Draw `text` over the line (through the output seam); "" blanks it."""
        from devcon.output_safety import safe_line

        shown = safe_line(text)[: self._width]
        blank = " " * max(0, self._shown - len(shown))
        sys.stderr.write("\r" + shown + blank + ("" if shown else "\r"))
        sys.stderr.flush()
        self._shown = len(shown)


@contextmanager
def progress_for(report: ReportOptions) -> Iterator[Progress]:
    """The `Progress` to hand core code for this command: a line on the terminal, or none
    (not a terminal, a machine format, --quiet). The line is erased when the block ends."""
    if report.quiet or report.format is not OutputFormat.TEXT or not _stderr_is_tty():
        yield no_progress
        return
    line = ProgressLine()
    try:
        yield line
    finally:
        line.close()
