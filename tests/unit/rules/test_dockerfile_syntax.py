"""dockerfile-syntax: what devcon cannot read, including a RUN past its command limit."""

from __future__ import annotations

from pathlib import Path

from devcon.dockerfile.parser import parse_dockerfile
from devcon.findings import Severity
from devcon.rules.base import DockerfileContext, Problem, Profile
from devcon.rules.dockerfile_syntax import RULE

LIMIT = 10_000  # README, Input limits


def check(text: str) -> list[Problem]:
    df = parse_dockerfile(text, "Dockerfile")
    assert RULE.dockerfile is not None
    return list(RULE.dockerfile(DockerfileContext(Path("Dockerfile"), df, Profile.DEV)))


def test_a_run_of_more_commands_than_the_limit_is_read_up_to_it_and_says_so() -> None:
    # issue 13 item 9: 420,000 `&&` commands in one RUN took 14 CPU s; past the limit the
    # RUN's commands are not analysed, and one finding says so at the RUN
    text = "FROM x\nARG A=1\n  RUN " + " && ".join(["echo a"] * (LIMIT + 5)) + " && pip install x\n"
    df = parse_dockerfile(text, "Dockerfile")
    script = df.instructions[-1].script
    assert len(script.commands) == LIMIT and script.more_commands
    assert all(c.command.words == ("echo", "a") for c in script.commands)
    (problem,) = check(text)
    assert (problem.line, problem.column) == (3, 3)
    assert problem.severity is Severity.WARNING
    assert problem.message == (
        f"this RUN has more than {LIMIT:,} shell commands; devcon checks only the first "
        f"{LIMIT:,}"
    )


def test_a_run_at_the_limit_is_read_whole() -> None:
    text = "FROM x\nRUN " + " && ".join(["echo a"] * (LIMIT - 1)) + " && pip install x\n"
    script = parse_dockerfile(text, "Dockerfile").instructions[-1].script
    assert len(script.commands) == LIMIT and not script.more_commands
    assert script.commands[-1].command.words == ("pip", "install", "x")
    assert check(text) == []
