"""dockerfile-syntax: an instruction devcon (and Docker) cannot read."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.dockerfile.shell import MAX_COMMANDS
from devcon.findings import Severity
from devcon.rules.base import Category, DockerfileContext, Problem, Rule, RuleDoc


def check(ctx: DockerfileContext) -> Iterator[Problem]:
    for problem in ctx.dockerfile.problems:
        yield Problem.at(problem, problem.message)
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword == "RUN" and instruction.script.more_commands:
            message = (
                f"this RUN has more than {MAX_COMMANDS:,} shell commands; devcon checks only "
                f"the first {MAX_COMMANDS:,}"
            )
            yield Problem.at(instruction, message, severity=Severity.WARNING)


_DOC = RuleDoc(
    what=(
        "Reports Dockerfile lines that are not valid instructions: unknown keywords, "
        "instructions other than ARG before the first FROM, a FROM that is not "
        "`[--platform=P] image [AS name]`, instructions without arguments, heredocs that "
        "are never closed, an invalid `# escape=` directive. A RUN of more than 10,000 "
        "shell commands is a warning: devcon checks only its first 10,000."
    ),
    why="`docker build` stops at the first such line; the rest of the file is not checked.",
    example="FROM python:3.12\nRUNN pip install numpy\nFROM python:3.12 AS",
    fix="Correct the keyword or complete the instruction: `RUN pip install numpy`.",
)

RULE = Rule(
    "dockerfile-syntax",
    Category.CORRECTNESS,
    "unknown or malformed Dockerfile instruction",
    _DOC,
    dockerfile=check,
)
