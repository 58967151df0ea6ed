"""The Dockerfile parser and the shell reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from devcon.dockerfile.parser import key_values, parse_dockerfile, substitute
from devcon.dockerfile.shell import commands

TEXT = (
    "# syntax=docker/dockerfile:1\n"
    "ARG VARIANT=3.12\n"
    "ARG REGISTRY\n"
    "FROM --platform=$BUILDPLATFORM python:${VARIANT}-slim AS Base\n"
    "ENV A=1 \\\n"
    "    # a comment inside a continuation\n"
    '    B="two words"\n'
    "RUN apt-get update \\\n"
    "    && apt-get install -y curl\n"
    'COPY --from=base --chown=1:1 ["a b", "/dst/"]\n'
    "RUN <<EOF\n"
    "pip install x\n"
    "EOF\n"
    "FROM base AS dev\n"
    'LABEL org.x="y" other=z\n'
    "FROM ${REGISTRY}/img:1\n"
    "ENV legacy value with spaces\n"
)


def test_instructions_keep_their_lines() -> None:
    df = parse_dockerfile(TEXT)
    assert [(i.keyword, i.line, i.end_line) for i in df.instructions][:6] == [
        ("ARG", 2, 2),
        ("ARG", 3, 3),
        ("FROM", 4, 4),
        ("ENV", 5, 7),
        ("RUN", 8, 9),
        ("COPY", 10, 10),
    ]
    copy = df.instructions[5]
    assert copy.flag("from") == "base" and copy.flag("chown") == "1:1"
    assert copy.json_args == ("a b", "/dst/")
    heredoc = df.instructions[6]
    assert heredoc.heredocs[0].body == "pip install x" and heredoc.end_line == 13
    assert df.problems == ()


def test_stages_aliases_and_arg_substitution() -> None:
    df = parse_dockerfile(TEXT, build_args={"VARIANT": "3.11"})
    base, dev, last = df.stages
    assert (base.name, base.resolved_base, base.platform) == (
        "base",
        "python:3.11-slim",
        "$BUILDPLATFORM",
    )
    assert dev.parent == 0 and df.root_stage(dev) is base
    assert last.resolved_base is None  # REGISTRY has no value
    assert df.stage("BASE") is base and df.stage("2") is last


def test_stage_lookup_by_alias_and_short_ascii_index_only() -> None:
    # issue 13 (fuzz): `COPY --from=²` and a 5,000-digit --from were ValueErrors of int()
    df = parse_dockerfile("FROM a AS one\nFROM one AS two\nFROM b AS one\nFROM one\n")
    first, two, third, last = df.stages
    assert df.stage("ONE") is first  # the first stage of a repeated alias
    assert two.parent == 0 and last.parent == third.index == 2  # the latest stage before
    assert df.stage("3") is last and df.stage("4") is None
    assert df.stage("\u00b2") is None and df.stage("\u0661") is None  # digits, not ASCII
    assert df.stage("1" * 5000) is None and df.stage("0" * 12) is None


def test_key_values_with_positions() -> None:
    df = parse_dockerfile(TEXT)
    env = key_values(df.instructions[3])
    assert [(kv.key, kv.value, kv.line) for kv in env] == [("A", "1", 5), ("B", "two words", 7)]
    legacy = key_values(df.instructions[-1])
    assert [(kv.key, kv.value) for kv in legacy] == [("legacy", "value with spaces")]


def test_escape_directive_and_crlf() -> None:
    df = parse_dockerfile("# escape=`\r\nFROM x\r\nRUN echo a `\r\n    b\r\n")
    assert df.escape == "`"
    assert [(i.keyword, i.line, i.end_line) for i in df.instructions] == [
        ("FROM", 2, 2),
        ("RUN", 3, 4),
    ]


@pytest.mark.parametrize(
    ("text", "fragment", "line"),
    [
        ("RUN echo\nFROM x\n", "before the first FROM", 1),
        ("FROM x\nRUNN y\n", "unknown instruction 'RUNN'", 2),
        ("FROM x AS\n", "FROM takes", 1),
        ("FROM x\nWORKDIR\n", "WORKDIR needs arguments", 2),
        ("FROM x\nRUN <<EOF\necho\n", "never closed", 2),
        ("# escape=x\nFROM x\n", "invalid escape directive", 1),
    ],
)
def test_problems_are_reported_not_raised(text: str, fragment: str, line: int) -> None:
    problems = parse_dockerfile(text).problems
    assert any(fragment in p.message and p.line == line for p in problems), problems


def test_substitute() -> None:
    assert substitute("${A:-x}/${B:+y}$C", {"A": "", "B": "1", "C": "c"}) == "x/yc"
    assert substitute("$MISSING", {}) is None


def test_shell_commands() -> None:
    words = [
        c.words
        for c in commands(
            "DEBIAN_FRONTEND=x sudo -u root apt-get -y install a=1 b; "
            "if [ -f r ]; then pip install -U 'x>=1' 2>&1 | tee log; fi && "
            "su app -c 'npm ci' && echo $(date)"
        )
    ]
    assert ("apt-get", "-y", "install", "a=1", "b") in words
    assert ("pip", "install", "-U", "x>=1", "2>&1") in words
    assert ("npm", "ci") in words
    assert ("echo", "$(date)") in words


@pytest.mark.corpus
def test_every_corpus_dockerfile_parses_without_problems(corpus: Path) -> None:
    files = sorted(corpus.rglob("Dockerfile"))
    assert len(files) >= 60
    for path in files:
        df = parse_dockerfile(path.read_text(encoding="utf-8"), path)
        assert df.stages, path
        assert df.problems == (), (path, df.problems)
