"""`devcon compat`'s core: the images read by devcon/compat (facts from the engine, the
registry or the name), judged by the image rules of the catalog for a target VS Code.

It sits above both packages: compat/ knows nothing of rules, rules/ use compat's knowledge.
"""

from __future__ import annotations

from devcon.compat.check import CompatRequest, CompatResult, read_images
from devcon.compat.knowledge import target_for
from devcon.config import Settings
from devcon.findings import Finding
from devcon.rules.base import ImageContext, Rule
from devcon.rules.catalog import all_rules
from devcon.services import Services


def image_rules(settings: Settings) -> tuple[Rule, ...]:
    """The rules that judge images, as configured."""
    return tuple(r for r in all_rules() if r.image is not None and settings.is_enabled(r))


def compat_check(request: CompatRequest, settings: Settings, services: Services) -> CompatResult:
    target = target_for(request.vscode)
    reports = read_images(request, services)
    rules = image_rules(settings)
    findings: list[Finding] = []
    for report in reports:
        ctx = ImageContext(
            image=report.image,
            info=report.info,
            target=target,
            line=report.line,
            column=report.column,
            unavailable_platform=report.unavailable_platform,
            available_platforms=report.available_platforms,
            today=request.today,
        )
        for rule in rules:
            assert rule.image is not None
            findings.extend(
                Finding(
                    report.path,
                    problem.line,
                    problem.column,
                    rule.name,
                    settings.severity_of(rule),
                    problem.message,
                )
                for problem in rule.image(ctx)
            )
    return CompatResult(target, reports, tuple(findings), request.offline)
