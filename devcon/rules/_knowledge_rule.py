"""The one factory of the compat rules that are rows of the knowledge table
(devcon/compat/knowledge.json): each such rule module holds its name, category, summary and
doc, and `knowledge_rule` gives it its checks.

A rule judges the facts `devcon compat` read from a real image; with `from_names`, it also
judges what image names suggest in `devcon validate` (configs, the base of the built
Dockerfile stage, the compose services VS Code attaches to).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from devcon import images
from devcon.compat.facts import ImageInfo
from devcon.compat.guess import guess
from devcon.compat.knowledge import VSCodeTarget, matching_rows, target_for
from devcon.compat.uses import compose_uses
from devcon.findings import Severity
from devcon.images import ImageUse
from devcon.rules.base import (
    Category,
    ComposeContext,
    ConfigContext,
    DockerfileContext,
    ImageContext,
    Problem,
    Rule,
    RuleDoc,
    RuleOptions,
)


@dataclass(frozen=True)
class _TableRule:
    """The checks of one rule of the table."""

    name: str
    yields_to: tuple[str, ...]

    def problems(
        self,
        info: ImageInfo,
        target: VSCodeTarget,
        today: datetime.date,
        where: tuple[int, int, str],
    ) -> Iterator[Problem]:
        line, column, image = where
        if any(matching_rows(info, target, other, today) for other in self.yields_to):
            return
        for row in matching_rows(info, target, self.name, today):
            message = (
                f"{image} ({info.system}; {info.known_from}): {row.message} "
                f"[VS Code {target.label}; source: {row.source}]"
            )
            yield Problem(line, column, message)

    def guessed(self, uses: Iterable[ImageUse], options: RuleOptions) -> Iterator[Problem]:
        target = target_for(options.vscode)
        today = options.today or datetime.date.today()  # validate's clock: see RuleOptions
        for use in uses:
            if use.reference is None:
                continue
            info = guess(use.reference, use.written)
            if info is not None:
                where = (use.line, use.column, use.written)
                yield from self.problems(info, target, today, where)

    def image(self, ctx: ImageContext) -> Iterator[Problem]:
        if ctx.info is not None:
            where = (ctx.line, ctx.column, ctx.image)
            yield from self.problems(ctx.info, ctx.target, ctx.today, where)

    def config(self, ctx: ConfigContext) -> Iterator[Problem]:
        if ctx.doc is not None:
            yield from self.guessed(images.in_config(ctx.doc), ctx.options)

    def dockerfile(self, ctx: DockerfileContext) -> Iterator[Problem]:
        """Only the image the built stage (build.target, else the last) starts from: that is
        where VS Code runs; stages the build skips do not count."""
        if ctx.sidecar:
            return  # a service VS Code does not attach to builds it
        yield from self.guessed(ctx.built_base, ctx.options)

    def compose(self, ctx: ComposeContext) -> Iterator[Problem]:
        uses = compose_uses(ctx.compose, ctx.attached_services)
        yield from self.guessed(uses, ctx.options)


def knowledge_rule(
    name: str,
    category: Category,
    summary: str,
    doc: RuleDoc,
    *,
    severity: Severity | None = None,
    from_names: bool = True,
    yields_to: tuple[str, ...] = (),
) -> Rule:
    """The rule `name`, judged by its rows of the table. `from_names`: also judge image names
    in configs, Dockerfiles and compose files; `yields_to`: rules whose finding on the same
    image already says what to do, so this one then stays silent."""
    table = _TableRule(name, yields_to)
    return Rule(
        name=name,
        category=category,
        severity=severity,
        summary=summary,
        doc=doc,
        image=table.image,
        config=table.config if from_names else None,
        dockerfile=table.dockerfile if from_names else None,
        compose=table.compose if from_names else None,
    )
