"""schema: the file does not follow the dev container specification's schema."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc


def check(ctx: ConfigContext) -> Iterator[Problem]:
    if ctx.doc is None:
        return
    from devcon.schema import schema_findings

    for finding in schema_findings(ctx.doc, str(ctx.path)):
        yield Problem(finding.line, finding.column, finding.message)


RULE = Rule(
    name="schema",
    category=Category.CORRECTNESS,
    summary="property unknown, of the wrong type or with a value the spec does not allow",
    config=check,
    doc=RuleDoc(
        what=(
            "Checks devcontainer.json against devcon's schema of the dev container specification: "
            "every property, its type and allowed values. Each real problem is reported once, at "
            "the offending value, with its JSON pointer; an unknown property gets a 'did you mean' "
            "when a known one is close. Variables such as `${localEnv:HOME}` are valid wherever "
            "a string is."
        ),
        why=(
            "Misspelled or mistyped properties are silently ignored or fail late, when the "
            "container is built or opened; in CI they should fail at once."
        ),
        example=(
            '{\n  "image": "python:3.12",\n  "forwardPort": [8888],\n  "shutdownAction": "halt"\n}'
        ),
        fix=(
            'Use the property and value the spec defines: `"forwardPorts": [8888]`, '
            '`"shutdownAction": "stopContainer"`.'
        ),
    ),
)
