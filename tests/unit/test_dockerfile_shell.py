"""The one shell tokenizer: word offsets, wrappers, scripts inside scripts, and each RUN
parsed once for every rule that reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

import devcon.dockerfile.shell as shell
from devcon.config import Settings
from devcon.dockerfile.parser import parse_dockerfile
from devcon.dockerfile.shell import commands, tokenize
from devcon.validate import ValidateRequest, validate


def _names(text: str) -> list[tuple[str, ...]]:
    return [c.words for c in commands(text)]


def test_words_keep_their_offsets() -> None:
    text = "pip install 'numpy>=1' a\\ b \"x y\""
    words = [w for w in tokenize(text) if w is not None]
    assert [w.text for w in words] == ["pip", "install", "numpy>=1", "a b", "x y"]
    assert [w.offset for w in words] == [0, 4, 13, 23, 29]


@pytest.mark.parametrize(
    ("text", "program"),
    [
        ("sudo -u app pip install x", ("pip", "install", "x")),
        ("env -u HOME A=1 pip install x", ("pip", "install", "x")),
        ("time -p pip install x", ("pip", "install", "x")),
        ("nohup exec pip install x", ("pip", "install", "x")),
        ("DEBIAN_FRONTEND=x apt-get install y", ("apt-get", "install", "y")),
        ("if true; then pip install x; fi", ("pip", "install", "x")),
    ],
)
def test_wrappers_are_stripped(text: str, program: tuple[str, ...]) -> None:
    assert program in _names(text)


@pytest.mark.parametrize(
    "text",
    [
        "sh -c 'pip install x'",
        "bash -eux -c 'pip install x'",
        "bash -o pipefail -c 'pip install x'",
        "dash -c 'pip install x'",
        "ksh -c 'pip install x'",
        "zsh -c 'pip install x'",
        "su app -c 'pip install x'",
        "runuser -u app --command 'pip install x'",
    ],
)
def test_scripts_inside_are_read(text: str) -> None:
    found = commands(text)
    assert found[0].script is not None  # the wrapper, then its script's commands
    inner = found[-1]
    assert inner.words == ("pip", "install", "x")
    assert [text[o : o + len(w)] for w, o in zip(inner.words, inner.offsets, strict=True)] == [
        "pip",
        "install",
        "x",
    ]


def test_script_inside_is_placed_in_the_dockerfile() -> None:
    df = parse_dockerfile(
        'FROM python:3.12\nRUN apt-get update && \\\n    bash -c "pip install \\"x==1\\" y"\n'
    )
    script = df.instructions[1].script
    pip = script.commands[-1]
    assert pip.command.words == ("pip", "install", "x==1", "y")
    assert [script.position(o) for o in pip.offsets] == [(3, 14), (3, 18), (3, 28), (3, 35)]


def test_heredoc_words_are_placed_in_the_dockerfile() -> None:
    df = parse_dockerfile("FROM python:3.12\nRUN <<EOF\napt-get update\n  pip install x\nEOF\n")
    script = df.instructions[1].script
    assert [script.at_command(c) for c in script.commands] == [(3, 1), (4, 3)]


_RUN_RULES = (
    "unpinned-package",
    "package-cache-kept",
    "insecure-package-source",
    "upgrade-in-build",
    "secret-in-dockerfile",
    "single-stage-toolchain",
    "dependencies-after-code",
    "alpine-data-science",
)


def test_each_run_is_tokenized_once_for_every_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = 'ksh -c "pip install --trusted-host h --upgrade pip numpy"'
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"FROM python:3.12\nRUN {run}\n", encoding="utf-8")
    tokenized: list[str] = []
    real = shell.tokenize

    def counting(text: str) -> list[shell.Word | None]:
        tokenized.append(text)
        return real(text)

    monkeypatch.setattr(shell, "tokenize", counting)
    result = validate(
        ValidateRequest(paths=(dockerfile,), settings=Settings(select=frozenset(_RUN_RULES)))
    )
    rules = {f.rule for f in result.findings}
    assert {"unpinned-package", "insecure-package-source", "upgrade-in-build"} <= rules
    assert tokenized.count(run) == 1
