"""The one output seam: whatever devcon prints passes through here.

Three things every text that may quote input (files, the network, the environment) needs:

- **no credential**: `secrets.redact_text` replaces every known credential format, password
  in a URL and long random-looking run by a stand-in (`ghp_…<40 chars>`);
- **no terminal control**: `escape_controls` shows C0 controls (but the newline of a
  multi-line text), DEL, C1 controls and the bidi overrides/isolates (U+202A-202E,
  U+2066-2069) as `\\x1b` / `\\u202e`, so a file or a registry cannot clear the screen, set
  the window title or reorder what a reader sees;
- **bounded lists**: `bounded_join` cuts a long list with a count (`a, b, ... and 9,990 more`).

Where it applies (see docs/architecture.md): `Finding` messages when a finding is made,
`report.render` on every formatter's output (`safe_report`: text and GitHub texts line by
line, JSON and SARIF string by string), and the CLI's error line and echoes (`safe_line`,
`safe_text`). `tests/unit/test_output_safety.py` fails when an output path skips it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from devcon.secrets import redact_text

# C0 (0x00-0x1F), DEL (0x7F), C1 (0x80-0x9F), bidi embeddings/overrides and isolates, and
# lone surrogates (a JSON "\ud800" decodes to one: no encoding can write it)
_CONTROLS = "\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_ANY_CONTROL = re.compile(f"[{_CONTROLS}]")
_CONTROL_BUT_NEWLINE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# in JSON text the encoder escapes C0 already; these it leaves raw (ensure_ascii=False)
_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _shown(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_controls(text: str, keep_newlines: bool = False) -> str:
    """Control and bidi characters shown as escapes (`\\x1b`, `\\u202e`); the newline is kept
    only with `keep_newlines` (a multi-line text, where it is structure)."""
    pattern = _CONTROL_BUT_NEWLINE if keep_newlines else _ANY_CONTROL
    return pattern.sub(lambda m: _shown(m.group()), text)


def safe_line(text: str) -> str:
    """One line fit to print: credentials redacted, every control character escaped."""
    return escape_controls(redact_text(text))


def safe_text(text: str) -> str:
    """A multi-line text fit to print: credentials redacted, controls escaped but newlines."""
    return escape_controls(redact_text(text), keep_newlines=True)


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    if isinstance(value, dict):
        return {redact_text(k): _redacted(v) for k, v in value.items()}
    return value


def _own_rule_docs(data: Any) -> list[Any]:
    """The `tool` of each run of a SARIF log (its rule descriptors are devcon's own rule
    documentation, whose examples show made-up credentials on purpose); [] for other JSON."""
    runs = data.get("runs") if isinstance(data, dict) and "$schema" in data else None
    if not isinstance(runs, list) or not all(isinstance(r, dict) for r in runs):
        return []
    return [run.get("tool") for run in runs]


def safe_json(text: str) -> str:
    """A JSON document (as devcon's formatters write it: indent 2) with every string and key
    redacted; C0 controls are escaped by the encoder, DEL, C1 and bidi characters as `\\uXXXX`
    (the document means the same to a JSON reader, and prints safely)."""
    try:
        data = json.loads(text)
    except ValueError:
        return safe_text(text)
    ascii_only = text.isascii()
    own = _own_rule_docs(data)
    # SARIF's rule descriptors are devcon's documentation, kept as written: they are taken out
    # before redaction (redacting the whole catalog and throwing it away cost 0.1 s a run)
    orders = [list(run) for run in data["runs"]] if own else []
    for run in data["runs"] if own else []:
        run.pop("tool", None)
    cleaned = _redacted(data)
    if own:
        cleaned["runs"] = [
            {key: tool if key == "tool" else run[key] for key in order}
            for run, tool, order in zip(cleaned["runs"], own, orders, strict=True)
        ]
    dumped = json.dumps(cleaned, indent=2, ensure_ascii=ascii_only)
    dumped = _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
    return dumped + ("\n" if text.endswith("\n") else "")


def safe_report(text: str, fmt: str) -> str:
    """A formatter's output in format `fmt` (`text`, `json`, `sarif`, `github`, `gitlab`,
    `markdown`): the JSON ones string by string."""
    if fmt in ("json", "sarif", "gitlab"):
        return safe_json(text)
    return safe_text(text)


def bounded_join(
    items: Iterable[object], limit: int = 10, separator: str = ", ", empty: str = "none"
) -> str:
    """`a, b, c` for a short list; the first `limit` items and `... and 9,990 more` for a long
    one; `empty` for none. Every list of input-derived items joined into a message uses it."""
    shown: list[str] = []
    more = 0
    for item in items:
        if len(shown) < limit:
            shown.append(str(item))
        else:
            more += 1
    if not shown:
        return empty
    text = separator.join(shown)
    return f"{text}{separator}... and {more:,} more" if more else text
