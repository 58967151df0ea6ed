"""schema: the file does not follow the dev container specification's schema."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc


def _check(ctx: ConfigContext, schema: str) -> Iterator[Problem]:
    if ctx.doc is None:
        return
    from devcon.schema import schema_findings

    for finding in schema_findings(ctx.doc, str(ctx.path), schema):
        yield Problem.at(finding, finding.message)


def check_config(ctx: ConfigContext) -> Iterator[Problem]:
    yield from _check(ctx, "devcontainer.schema.json")


def check_feature(ctx: ConfigContext) -> Iterator[Problem]:
    yield from _check(ctx, "devcontainer-feature.schema.json")


def check_template(ctx: ConfigContext) -> Iterator[Problem]:
    yield from _check(ctx, "devcontainer-template.schema.json")


_DOC = RuleDoc(
    what=(
        "Checks devcontainer.json, devcontainer-feature.json and devcontainer-template.json "
        "against devcon's schemas of the dev container specification: every property, its "
        "type and allowed values (for Feature and Template options: type, description, "
        "default, enum or proposals). Each real problem is reported once, at "
        "the offending value, with its JSON pointer; an unknown property gets a 'did you mean' "
        "when a known one is close. Variables such as `${localEnv:HOME}` are valid wherever "
        "a string is. At most 100 problems a file are reported, then one finding says how "
        "many more there are."
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
)

RULE = Rule(
    "schema",
    Category.CORRECTNESS,
    "property unknown, of the wrong type or with a value the spec does not allow",
    _DOC,
    config=check_config,
    feature=check_feature,
    template=check_template,
)
