"""unknown-suppression: a devcon-ignore comment names no rule devcon has."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from devcon.findings import Severity
from devcon.rules.base import (
    Category,
    ComposeContext,
    ConfigContext,
    DockerfileContext,
    Problem,
    Rule,
    RuleDoc,
)


def _known() -> list[str]:
    from devcon.rules.catalog import all_rules

    return ["all", *(c.value for c in Category), *(r.name for r in all_rules())]


def _problems(comments: Iterable[tuple[int, int, str]]) -> Iterator[Problem]:
    """From (line, column, text) of each comment that may hold a directive."""
    from devcon.rules.catalog import rename_note, renamed
    from devcon.suppression import directive_names

    known: list[str] | None = None
    for line, column, text in comments:
        if "devcon-ignore" not in text:
            continue
        for offset, name in directive_names(text):
            known = known or _known()
            if name in known:
                continue
            if name in renamed():  # an alias that still works: a note, not a problem
                yield Problem(
                    line,
                    column + offset,
                    f"`devcon-ignore` names '{name}': {rename_note(name)}",
                    severity=Severity.INFO,
                )
                continue
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            yield Problem(
                line,
                column + offset,
                f"`devcon-ignore` names '{name}', which is no rule or category{hint}: it "
                "silences nothing; `devcon rules` lists the names",
            )


def check_config(ctx: ConfigContext) -> Iterator[Problem]:
    if ctx.doc is not None:
        yield from _problems((c.line, c.column, c.text) for c in ctx.doc.comments)


def check_dockerfile(ctx: DockerfileContext) -> Iterator[Problem]:
    lines = ctx.dockerfile.text.split("\n")
    for comment in ctx.dockerfile.comments:
        source = lines[comment.line - 1] if comment.line <= len(lines) else ""
        column = source.find(comment.text) + 1 if comment.text in source else 1
        yield from _problems([(comment.line, column, comment.text)])


def check_compose(ctx: ComposeContext) -> Iterator[Problem]:
    """The comments `devcon-ignore` reads in a compose file, found the way it finds them."""
    from devcon.suppression import hash_comments

    if "devcon-ignore" in ctx.compose.text:
        comments, _ = hash_comments(ctx.compose.text)
        yield from _problems((line, column, body) for line, column, _, body in comments)


_DOC = RuleDoc(
    what=(
        "Reports each name in a `devcon-ignore:` or `devcon-ignore-file:` comment (in "
        "devcontainer.json, Feature and Template files, Dockerfiles and compose files) "
        "that is neither a rule, a category nor `all`, with a 'did you mean' when a rule "
        "name is close. Text after the names is a reason and is not checked: "
        "`// devcon-ignore: root-user -- the CI image`. The old name of a renamed rule "
        "still silences that rule; it is reported as info, naming the new name."
    ),
    why=(
        "A misspelt name silences nothing, so the finding it was meant to hide stays, or "
        "worse, a later rename leaves a comment that looks like a decision but is not one. "
        "devcon refuses unknown names in its configuration for the same reason."
    ),
    example='{\n  "image": "python:latest" // devcon-ignore: imag-latest\n}',
    fix='{\n  "image": "python:latest" // devcon-ignore: image-latest -- pinned by CI\n}',
)

RULE = Rule(
    "unknown-suppression",
    Category.CORRECTNESS,
    "a devcon-ignore comment names a rule that does not exist",
    _DOC,
    config=check_config,
    feature=check_config,
    template=check_config,
    dockerfile=check_dockerfile,
    compose=check_compose,
)
