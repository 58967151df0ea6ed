"""Where a finding is, as CI systems want it: a path relative to the working directory (the
repository root in a CI job), and a fingerprint that names a finding across runs."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable

#: "line 12", "lines 3-4", "column 7" and ":12:5" in a message: positions, not content
_POSITION_WORDS = re.compile(r"\b(?:lines?|columns?|col)\s+\d+(?:\s*[-,:]\s*\d+)*", re.IGNORECASE)
_COLON_POSITIONS = re.compile(r":\d+(?::\d+)?\b")
_SPACES = re.compile(r"\s+")


def relative_path(path: str) -> str:
    """`path` relative to the working directory, with `/` separators (`../x` for a file above
    it); unchanged where no relative path exists (another drive)."""
    try:
        relative = os.path.relpath(os.path.abspath(path))
    except ValueError:
        return path
    return relative.replace(os.sep, "/")


def normalised_message(message: str) -> str:
    """The message without the line and column numbers it quotes, spaces collapsed."""
    text = _POSITION_WORDS.sub(lambda m: m.group(0).split()[0].lower(), message)
    text = _COLON_POSITIONS.sub("", text)
    return _SPACES.sub(" ", text).strip()


def fingerprints(findings: Iterable[tuple[str, str, str]]) -> list[str]:
    """One fingerprint per (rule, path, message), in order: 32 hex digits of the sha256 of the
    rule, the path, the message without line or column numbers, and which occurrence of that
    triple this is (0 for the first, in report order). Moving a finding's line keeps it;
    changing what the message quotes (the flagged content), the rule or the file changes it."""
    seen: dict[tuple[str, str, str], int] = {}
    found: list[str] = []
    for rule, path, message in findings:
        key = (rule, path, normalised_message(message))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        text = "\0".join((*key, str(occurrence)))
        found.append(hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32])
    return found
