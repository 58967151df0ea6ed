"""The JSONC tokenizer: what VS Code accepts, what it rejects, positions and edits."""

from __future__ import annotations

import json

import pytest

from devcon import jsonc


def test_comments_and_trailing_commas_become_whitespace() -> None:
    text = '// head\n{\n  /* block\n  comment */ "a": [1, 2,], // tail\n  "b": {"c": null,},\n}\n'
    doc = jsonc.parse(text)
    assert doc.value == {"a": [1, 2], "b": {"c": None}}
    assert doc.trailing_commas == [(4, 24), (5, 18), (5, 20)]
    assert [c.line for c in doc.comments] == [1, 3, 4]
    assert doc.comments[0].own_line and not doc.comments[2].own_line


def test_comment_markers_inside_strings_are_text() -> None:
    doc = jsonc.parse('{"url": "http://x/*y*/", "s": "a,]"}')
    assert doc.value == {"url": "http://x/*y*/", "s": "a,]"}
    assert doc.trailing_commas == []
    assert doc.comments == []


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("{'a': 1}", 1, 2, "single-quoted"),
        ("{\"a\": 'x'}", 1, 7, "single-quoted"),
        ("{a: 1}", 1, 2, "double-quoted"),
        ("# comment\n{}", 1, 1, "'#' comments"),
        ("[1,,2]", 1, 4, "unexpected ','"),
        ("{,}", 1, 2, "unexpected ','"),
        ("[,]", 1, 2, "unexpected ','"),
        ('{"a": 1,,}', 1, 9, "unexpected ','"),
        ("", 1, 1, "empty file"),
        ('{\n  "a": 1\n  "b": 2\n}', 3, 3, "missing comma"),
        ('{"a": "x', 1, 7, "unterminated string"),
        ("{}\n/* open", 2, 1, "unterminated /* comment"),
        ("{} {}", 1, 4, "after the top-level value"),
        ('{"a": tru}', 1, 7, "Expecting value"),
        ('{"a": "line\nbreak"}', 1, 12, "control character"),
        ('{"a": NaN}', 1, 7, "NaN is not a JSON value"),
        ('{"a": [1, Infinity]}', 1, 11, "Infinity is not a JSON value"),
        ('{\n  "a": -Infinity\n}', 2, 8, "-Infinity is not a JSON value"),
    ],
)
def test_rejects_what_vscode_rejects(text: str, line: int, column: int, fragment: str) -> None:
    with pytest.raises(jsonc.JsoncSyntaxError) as info:
        jsonc.parse(text)
    assert (info.value.line, info.value.column) == (line, column)
    assert fragment in info.value.message


def test_error_positions_survive_comments_before_them() -> None:
    text = '/* one\n two */ // three\n{\n  "a": 1 /* x */,\n  b: 2\n}'
    with pytest.raises(jsonc.JsoncSyntaxError) as info:
        jsonc.parse(text)
    assert (info.value.line, info.value.column) == (5, 3)


def test_positions_of_values_and_keys() -> None:
    text = '{\n  "build": {\n    "args": {"PY": "3.12"}\n  },\n  "ports": [1, [2, 3]]\n}'
    doc = jsonc.parse(text)
    assert doc.value_position(("build", "args", "PY")) == (3, 20)
    assert doc.key_position(("build", "args", "PY")) == (3, 14)
    assert doc.value_position(("ports", 1, 1)) == (5, 20)
    assert doc.value_position(()) == (1, 1)
    # a missing member points at its nearest existing ancestor
    assert doc.value_position(("build", "nope", "deeper")) == (2, 12)


def test_bom_is_accepted_and_columns_kept() -> None:
    doc = jsonc.parse('\ufeff{"a": 1,\n"b": 2}')
    assert doc.value == {"a": 1, "b": 2}
    # editors show no column for the BOM: columns are as without it
    assert doc.value_position(("a",)) == (1, 7)
    assert doc.value_position(("b",)) == (2, 6)
    with pytest.raises(jsonc.JsoncSyntaxError) as info:
        jsonc.parse("\ufeff{'a': 1}")
    assert (info.value.line, info.value.column) == (1, 2)


def test_unicode_and_escapes() -> None:
    doc = jsonc.parse('{"name": "caf\\u00e9 \\"q\\"", "é": "ü"}')
    assert doc.value == {"name": 'café "q"', "é": "ü"}
    assert doc.key_position(("é",)) == (1, 29)


def test_duplicate_keys_last_wins_like_json() -> None:
    assert jsonc.parse('{"a": 1, "a": 2}').value == json.loads('{"a": 1, "a": 2}')


def test_format_pointer() -> None:
    assert jsonc.format_pointer(()) == "/"
    assert jsonc.format_pointer(("a/b", 0, "c~d")) == "/a~1b/0/c~0d"
