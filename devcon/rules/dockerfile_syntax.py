"""dockerfile-syntax: an instruction devcon (and Docker) cannot read."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.rules.base import Category, DockerfileContext, Problem, Rule, RuleDoc


def check(ctx: DockerfileContext) -> Iterator[Problem]:
    for problem in ctx.dockerfile.problems:
        yield Problem.at(problem, problem.message)


RULE = Rule(
    name="dockerfile-syntax",
    category=Category.CORRECTNESS,
    summary="unknown or malformed Dockerfile instruction",
    dockerfile=check,
    doc=RuleDoc(
        what=(
            "Reports Dockerfile lines that are not valid instructions: unknown keywords, "
            "instructions other than ARG before the first FROM, a FROM that is not "
            "`[--platform=P] image [AS name]`, instructions without arguments, heredocs that "
            "are never closed, an invalid `# escape=` directive."
        ),
        why="`docker build` stops at the first such line; the rest of the file is not checked.",
        example="FROM python:3.12\nRUNN pip install numpy\nFROM python:3.12 AS",
        fix="Correct the keyword or complete the instruction: `RUN pip install numpy`.",
    ),
)
