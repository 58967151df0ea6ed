"""JSON with comments, as VS Code reads devcontainer.json.

One tokenizer serves three needs:

* parsing: `//` and `/* */` comments and trailing commas become whitespace (newlines kept),
  so the standard library's `json` parses the result and its errors keep exact line/column;
* positions: the same tokens give the source span of every key and value, addressed by a
  JSON pointer (a tuple of keys and indexes), so findings point at the offending value;
* edits: a value can be replaced in the original text without touching anything else.

It rejects what VS Code rejects: single quotes, unquoted keys, `#` comments, `[1,,2]`, `{,}`.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

Pointer = tuple[str | int, ...]


def _token_pattern(strings: bool, comments: bool) -> re.Pattern[str]:
    """The tokens, with or without the string and block-comment alternatives.

    An unterminated `/*` or string fails only after scanning to the end of the text (or the
    line), and every `/*` after an unterminated one, every `"` before the place that string's
    scan stopped, fails the same way: so `open_comment` and `open_string` take what such a scan
    covered in one match, and `_matches` tokenizes it again without those alternatives (a
    quote there is "other", as the failed scan left it). Each character is scanned a bounded
    number of times: linear, where one pattern rescanned the tail from every quote."""
    # first characters never overlap but for the `/` and `"` ones (kept in order): the most
    # frequent first
    alternatives = [
        r"(?P<punct>[{}\[\]:,])",
        r"(?P<ws>[ \t\r\n]+)",
        r'(?P<scalar>[^\s{}\[\]:,"/]+)',
    ]
    if strings:
        alternatives += [r'(?P<string>"(?:[^"\\\n]|\\.)*")', r'(?P<open_string>"(?:[^"\\\n]|\\.)*)']
    alternatives.append(r"(?P<line_comment>//[^\n]*)")
    if comments:
        alternatives += [r"(?P<block_comment>/\*.*?\*/)", r"(?P<open_comment>/\*.*)"]
    alternatives.append(r"(?P<other>.)")
    return re.compile("|".join(alternatives), re.DOTALL)


_TOKENS = {(s, c): _token_pattern(s, c) for s in (True, False) for c in (True, False)}


def _matches(text: str) -> Iterator[tuple[str | None, int, int]]:
    """(kind, start, end) of every token, as one pattern with the string and block-comment
    alternatives would find them (an unterminated one is "other" at its first character)."""
    position, comments, strings_from = 0, True, 0
    while True:
        strings = position >= strings_from
        for match in _TOKENS[strings, comments].finditer(text, position):
            kind = match.lastgroup
            start, end = match.span()
            if not strings and start >= strings_from:
                position = start  # past the unterminated string's scan: strings again
                break
            if kind == "open_comment":
                yield "other", start, start + 1
                position, comments = start + 1, False  # no `*/` after it: none after any
                break
            if kind == "open_string":
                yield "other", start, start + 1
                position, strings_from = start + 1, end
                break
            yield kind, start, end
        else:
            return


_VALUE_END = frozenset({"string", "scalar", "}", "]"})
# Objects and arrays nested deeper than this are refused (README "Input limits"): whatever
# the caller's stack, every reader that walks values (the schema validator, merge, the
# secret scan) then has room to recurse. Real configs nest fewer than 10 levels.
MAX_DEPTH = 128
# Keys and values one document may hold (README "Input limits"): the schema validator takes
# some 70 us per value, so this bounds a file's check to about a second. The corpus' largest
# file holds 166.
MAX_VALUES = 20_000
_COUNTED = frozenset({"string", "scalar"})
_NOT_JSON_NUMBERS = frozenset({"NaN", "Infinity", "-Infinity", "+Infinity", "-NaN"})


@dataclass(frozen=True)
class Token:
    kind: str  # "string", "scalar", "{", "}", "[", "]", ":", ",", "comment", "other"
    start: int
    end: int


@dataclass(frozen=True)
class JsoncComment:
    """A comment with the line it is on and whether code precedes it on that line."""

    line: int
    column: int
    text: str
    own_line: bool


@dataclass(frozen=True)
class Span:
    """Where a value sits in the source: [start, end) offsets; key_start for object members."""

    start: int
    end: int
    key_start: int | None = None


class JsoncSyntaxError(ValueError):
    """The text is not JSONC that VS Code would accept. line/column are 1-based."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.message = message
        self.line = line
        self.column = column


class _LineIndex:
    def __init__(self, text: str, bom: bool = False) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._bom = bom  # the first character is a byte order mark: editors show no column

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        column = offset - self._starts[line - 1] + 1
        if self._bom and line == 1:
            column = max(1, column - 1)
        return line, column


@dataclass
class JsoncDocument:
    """A parsed JSONC text: its value, comments, trailing commas and value positions."""

    text: str
    value: Any
    tokens: list[Token] = field(repr=False)
    comments: list[JsoncComment] = field(default_factory=list, repr=False)
    trailing_commas: list[tuple[int, int]] = field(default_factory=list)
    _lines: _LineIndex | None = field(default=None, repr=False)
    _spans: dict[Pointer, Span] | None = field(default=None, repr=False)

    # -- positions ---------------------------------------------------------------------
    def position(self, offset: int) -> tuple[int, int]:
        if self._lines is None:
            self._lines = _LineIndex(self.text)
        return self._lines.position(offset)

    @property
    def spans(self) -> dict[Pointer, Span]:
        if self._spans is None:
            self._spans = _index_spans(self.text, self.tokens)
        return self._spans

    def span(self, pointer: Sequence[str | int]) -> Span | None:
        return self.spans.get(tuple(pointer))

    def _nearest(self, pointer: Sequence[str | int]) -> Span:
        parts = tuple(pointer)
        while parts not in self.spans and parts:
            parts = parts[:-1]
        return self.spans.get(parts) or Span(0, len(self.text))

    def value_position(self, pointer: Sequence[str | int]) -> tuple[int, int]:
        """(line, column) of the value at `pointer`, or of its nearest existing ancestor."""
        return self.position(self._nearest(pointer).start)

    def key_position(self, pointer: Sequence[str | int]) -> tuple[int, int]:
        """(line, column) of an object member's key; falls back to `value_position`."""
        span = self.spans.get(tuple(pointer))
        if span is not None and span.key_start is not None:
            return self.position(span.key_start)
        return self.value_position(pointer)


def format_pointer(pointer: Sequence[str | int]) -> str:
    """RFC 6901 JSON pointer text for a tuple pointer ("/" for the root)."""
    if not pointer:
        return "/"
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in pointer)


def _tokenize(text: str) -> list[Token]:
    """All tokens but whitespace, comments included (kind "comment")."""
    tokens: list[Token] = []
    append = tokens.append
    values = 0
    for kind, start, end in _matches(text):
        if kind == "ws":
            continue
        if kind in _COUNTED or (kind == "punct" and text[start] in "{["):
            values += 1
            if values > MAX_VALUES:
                line = text.count("\n", 0, start) + 1
                column = start - (text.rfind("\n", 0, start) + 1) + 1
                raise JsoncSyntaxError(
                    f"more than {MAX_VALUES:,} keys and values (devcon's limit for one file)",
                    line,
                    column,
                )
        if kind == "punct":
            append(Token(text[start], start, end))
        elif kind in ("line_comment", "block_comment"):
            append(Token("comment", start, end))
        else:
            append(Token(kind or "other", start, end))
    return tokens


def parse(text: str) -> JsoncDocument:
    """Parse JSONC text; raise JsoncSyntaxError with an exact line/column on bad input."""
    bom = text.startswith("\ufeff")
    if bom:
        text = " " + text[1:]  # a BOM is allowed; keep offsets stable
    tokens = _tokenize(text)
    chars = list(text) if tokens else []
    significant: list[Token] = []
    comments: list[tuple[int, int]] = []
    for tok in tokens:
        if tok.kind == "comment":
            comments.append((tok.start, tok.end))
        else:
            significant.append(tok)
    lines = _LineIndex(text, bom)

    for start, end in comments:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    # An unterminated block comment is matched as "other" "/" followed by "*"; report it.
    trailing: list[tuple[int, int]] = []
    depth = 0
    for i, tok in enumerate(significant):
        if tok.kind in ("{", "["):
            depth += 1
            if depth > MAX_DEPTH:
                line, col = lines.position(tok.start)
                raise JsoncSyntaxError(f"nesting deeper than {MAX_DEPTH} levels", line, col)
        elif tok.kind in ("}", "]"):
            depth -= 1
        elif tok.kind == "other" and text.startswith("/*", tok.start):
            line, col = lines.position(tok.start)
            raise JsoncSyntaxError("unterminated /* comment", line, col)
        if tok.kind == "scalar" and text[tok.start : tok.end] in _NOT_JSON_NUMBERS:
            # Python's json reads them; JSON (and VS Code) does not
            line, col = lines.position(tok.start)
            word = text[tok.start : tok.end]
            raise JsoncSyntaxError(
                f"{word} is not a JSON value; write a number or a string", line, col
            )
        if tok.kind == ",":
            nxt = significant[i + 1].kind if i + 1 < len(significant) else None
            prev = significant[i - 1].kind if i > 0 else None
            if nxt in ("}", "]") and prev in _VALUE_END:
                chars[tok.start] = " "
                trailing.append(lines.position(tok.start))
    cleaned = "".join(chars) if comments or trailing else text
    try:
        value = json.loads(cleaned)
    except json.JSONDecodeError as exc:
        raise _explain(exc, text, lines) from None
    except RecursionError:
        raise JsoncSyntaxError("nesting too deep", 1, 1) from None
    except ValueError:  # an integer past Python's digit limit for int() (4,300 digits)
        raise _huge_number(significant, text, lines) from None

    comment_objs = []
    for start, end in comments:
        line, col = lines.position(start)
        line_start = start - col + 1
        own_line = text[line_start:start].strip() == ""
        comment_objs.append(JsoncComment(line, col, text[start:end], own_line))
    return JsoncDocument(
        text=text,
        value=value,
        tokens=significant,
        comments=comment_objs,
        trailing_commas=trailing,
        _lines=lines,
    )


def _huge_number(tokens: Sequence[Token], text: str, lines: _LineIndex) -> JsoncSyntaxError:
    """The error for a number json cannot convert: at the first scalar of over 4,300 digits."""
    at = next(
        (t.start for t in tokens if t.kind == "scalar" and t.end - t.start > 4300),
        0,
    )
    line, col = lines.position(at)
    return JsoncSyntaxError("a number of more than 4,300 digits", line, col)


def _explain(exc: json.JSONDecodeError, text: str, lines: _LineIndex) -> JsoncSyntaxError:
    """Turn a json error into a message that says what VS Code users typically did."""
    pos = exc.pos
    char = text[pos] if pos < len(text) else ""
    msg = exc.msg
    if not text.strip():
        msg = "empty file (expected a JSON object)"
    elif char == "'":
        msg = "single-quoted strings are not allowed; use double quotes"
    elif char == "#":
        msg = "'#' comments are not allowed; use // or /* */"
    elif msg.startswith("Expecting property name") and (char.isalpha() or char in "_$"):
        msg = "object keys must be double-quoted strings"
    elif msg.startswith("Expecting property name") and char == ",":
        msg = "unexpected ','"
    elif msg.startswith("Expecting value") and char == ",":
        msg = "unexpected ',' (missing value)"
    elif msg.startswith("Expecting value") and pos >= len(text.rstrip()):
        msg = "unexpected end of file"
    elif msg.startswith("Extra data"):
        msg = "unexpected content after the top-level value"
    elif msg.startswith("Expecting ',' delimiter"):
        msg = "expected ',' or a closing bracket (missing comma?)"
    elif msg.startswith("Unterminated string"):
        msg = "unterminated string"
    elif msg.startswith("Invalid control character"):
        msg = "control character in string (escape newlines and tabs)"
    line, column = lines.position(pos)
    return JsoncSyntaxError(msg, line, column)


def _index_spans(text: str, tokens: list[Token]) -> dict[Pointer, Span]:
    """Span of every value, keyed by pointer. The tokens are known to form valid JSON."""
    spans: dict[Pointer, Span] = {}
    n = len(tokens)
    pos = 0

    def value(pointer: Pointer, key_start: int | None) -> None:
        nonlocal pos
        tok = tokens[pos]
        kind = tok.kind
        if kind == "{" or kind == "[":
            close = "}" if kind == "{" else "]"
            pos += 1
            index = 0
            while pos < n and tokens[pos].kind != close:
                if tokens[pos].kind == ",":
                    pos += 1
                    continue
                if kind == "{":
                    key_tok = tokens[pos]
                    key = json.loads(text[key_tok.start : key_tok.end])
                    pos += 2  # the key and ':'
                    value((*pointer, key), key_tok.start)
                else:
                    value((*pointer, index), None)
                    index += 1
            end = tokens[pos].end
        else:
            end = tok.end
        pos += 1
        spans[pointer] = Span(tok.start, end, key_start)

    if tokens:
        value((), None)
    return spans
