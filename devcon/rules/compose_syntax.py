"""compose-syntax: a compose file that is not valid YAML or not shaped like one."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.rules.base import Category, ComposeContext, Problem, Rule, RuleDoc


def check(ctx: ComposeContext) -> Iterator[Problem]:
    for problem in ctx.compose.problems:
        yield Problem.at(problem, problem.message)


_DOC = RuleDoc(
    what=(
        "Reports a compose file that cannot be read as YAML (at the line and column where "
        "reading stopped), or whose `services` or a service is not a mapping. Custom tags "
        "such as `!reset` and `!override` are accepted."
    ),
    why="`docker compose` refuses the file, so the dev container cannot start.",
    example="services:\n  app:\n    image: python:3.12\n   ports: [8000]",
    fix="Fix the indentation or quoting; each service is a mapping of its settings.",
)

RULE = Rule(
    "compose-syntax",
    Category.CORRECTNESS,
    "compose file is not valid YAML, or services are not mappings",
    _DOC,
    compose=check,
)
