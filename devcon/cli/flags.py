"""The command line's words for core errors about a setting: core raises OptionError naming
the request's setting (`base`, `select`, ...), and only here does it become a flag; an error
whose text carries hints (devcon.hints) gets their words from devcon/cli/hints.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from devcon.cli.hints import worded
from devcon.errors import DevconError, OptionError, UsageError

# how an error about each setting reads on the command line: its flag, then what is wrong
_WORDING = {
    "base": "--base {problem}",
    "image": "--image: {problem}",
    "select": "--select: {problem}",
    "ignore": "--ignore: {problem}",
}


@contextmanager
def flag_words() -> Iterator[None]:
    """Re-raise an OptionError from inside as a UsageError that names the flag, and any
    other error with hints in its text with their words."""
    try:
        yield
    except OptionError as exc:
        raise UsageError(_WORDING[exc.option].format(problem=exc.problem)) from None
    except DevconError as exc:
        if exc.hinted:
            exc.worded_as(worded(exc.text))
        raise
