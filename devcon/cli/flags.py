"""The command line's words for core errors about a setting: core raises OptionError naming
the request's setting (`base`, `select`, ...), and only here does it become a flag."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from devcon.errors import OptionError, UsageError

# how an error about each setting reads on the command line: its flag, then what is wrong
_WORDING = {
    "base": "--base {problem}",
    "image": "--image: {problem}",
    "select": "--select: {problem}",
    "ignore": "--ignore: {problem}",
}


@contextmanager
def flag_words() -> Iterator[None]:
    """Re-raise an OptionError from inside as a UsageError that names the flag."""
    try:
        yield
    except OptionError as exc:
        raise UsageError(_WORDING[exc.option].format(problem=exc.problem)) from None
