"""Where an image reference is in a Dockerfile: the value of `--from=` / `from=` itself,
never an earlier flag that happens to hold the same text (`--chown=node:20 --from=node:20`)."""

from __future__ import annotations

from devcon import images
from devcon.dockerfile.model import Flag
from devcon.dockerfile.parser import parse_dockerfile
from devcon.images import UseSite


def _uses(text: str) -> list[tuple[int, int, str, UseSite]]:
    return [
        (u.line, u.column, u.written, u.origin)
        for u in images.in_dockerfile(parse_dockerfile(text))
    ]


def _at(text: str, line: int, column: int, length: int) -> str:
    source = text.split("\n")[line - 1]
    return source[column - 1 : column - 1 + length]


def test_flag_values_record_where_they_start() -> None:
    text = (
        "FROM alpine:3\n"
        "COPY --chown=node:20 --from=node:20 /a /b\n"
        'COPY --from="node:20" --chmod=644 /a /b\n'
        "RUN --mount=type=cache,target=/x \\\n"
        "  # a comment inside the continuation\n"
        "  --network=none true\n"
    )
    copy1, copy2, run = parse_dockerfile(text).instructions[1:]
    assert [(f.name, f.value, f.line, f.column) for f in copy1.flags] == [
        ("chown", "node:20", 2, 14),
        ("from", "node:20", 2, 29),
    ]
    assert (copy2.flags[0].line, copy2.flags[0].column) == (3, 14)  # inside the quotes
    assert [(f.name, f.line, f.column) for f in run.flags] == [("mount", 4, 13), ("network", 6, 13)]
    for flag in (*copy1.flags, copy2.flags[0], *run.flags):
        assert flag.value is not None
        assert _at(text, flag.line, flag.column, len(flag.value)) == flag.value


def test_flags_compare_by_name_and_value_only() -> None:
    parsed = parse_dockerfile("FROM a:1\nCOPY --from=b:2 / /\n").instructions[1].flags
    assert parsed == (Flag("from", "b:2"),)


def test_copy_from_after_a_chown_with_the_same_text() -> None:
    text = "FROM alpine:3\nCOPY --chown=node:20 --from=node:20 /app /app\n"
    assert _uses(text)[1] == (2, 29, "node:20", UseSite.COPY_FROM)
    assert _at(text, 2, 29, 18) == "node:20 /app /app"


def test_mount_from_after_a_source_with_the_same_text() -> None:
    text = "FROM alpine:3\nRUN --mount=type=bind,source=node:20,from=node:20,target=/n true\n"
    line, column, written, origin = _uses(text)[1]
    assert (line, column, written, origin) == (2, 43, "node:20", UseSite.MOUNT_FROM)
    assert _at(text, line, column - 5, 12) == "from=node:20"


def test_mount_from_on_a_continuation_line_and_quoted() -> None:
    text = (
        "FROM alpine:3\n"
        "RUN --mount=type=cache,target=/x \\\n"
        '    --mount="type=bind,source=node:20,from=node:20" \\\n'
        "    true\n"
        "RUN --mount=type=bind,source=node:20,\\\n"
        "from=node:20 true\n"
    )
    uses = _uses(text)
    assert uses[1] == (3, 44, "node:20", UseSite.MOUNT_FROM)
    assert _at(text, 3, 39, 12) == "from=node:20"
    # a flag value split by a line continuation: found after `from=`, not in `source=`
    assert uses[2] == (6, 6, "node:20", UseSite.MOUNT_FROM)


def test_from_image_after_a_platform_flag_with_the_same_text() -> None:
    text = "FROM --platform=linux/amd64 linux/amd64\n"  # an image named like a platform
    assert _uses(text) == [(1, 29, "linux/amd64", UseSite.FROM)]


def test_copy_from_with_crlf_and_indentation() -> None:
    text = "FROM alpine:3\r\n  COPY --chown=node:20 --from=node:20 /a /b\r\n"
    assert _uses(text)[1] == (2, 31, "node:20", UseSite.COPY_FROM)
