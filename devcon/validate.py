"""`devcon validate`: the core, free of any CLI concern.

paths -> discovery -> definitions (a config plus the Dockerfiles and compose files it uses)
-> parse -> rules -> suppression and settings -> ValidateResult.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from devcon import suppression
from devcon.config import Settings
from devcon.definition import DefinitionFile, collect
from devcon.discovery import FileKind
from devcon.dockerfile.parser import parse_dockerfile
from devcon.errors import InputError
from devcon.fileio import read_text
from devcon.findings import Finding, Severity
from devcon.rules.base import (
    ComposeContext,
    ConfigContext,
    DockerfileContext,
    MergedConfig,
    Problem,
    Profile,
    Rule,
)
from devcon.rules.catalog import all_rules


@dataclass(frozen=True)
class ValidateRequest:
    paths: tuple[Path, ...]
    settings: Settings
    profile: Profile | None = None  # --profile: overrides every other profile choice
    merger: Callable[[DefinitionFile], MergedConfig | None] | None = None  # --merge


@dataclass(frozen=True)
class ValidateResult:
    files: tuple[Path, ...]
    findings: tuple[Finding, ...]
    suppressed: int
    fail_on: Severity

    @property
    def failed(self) -> bool:
        return any(f.severity >= self.fail_on for f in self.findings)


def _run_rules(
    rules: Sequence[Rule],
    settings: Settings,
    display: str,
    checks: Callable[[Rule], Iterable[Problem] | None],
) -> list[Finding]:
    found: set[Finding] = set()
    for rule in rules:
        if not settings.is_enabled(rule):
            continue
        problems = checks(rule)
        if problems is None:
            continue
        configured = settings.configured_severity(rule)
        for problem in problems:
            where = str(problem.path) if problem.path is not None else display
            severity = configured or problem.severity or rule.default_severity
            found.add(
                Finding(where, problem.line, problem.column, rule.name, severity, problem.message)
            )
    return sorted(found)


def _suppress(
    found: list[Finding], display: str, marks: suppression.Suppressions
) -> tuple[list[Finding], int]:
    """Findings left after inline suppression. A finding in another file than the one
    checked (an entry of a requirements.txt or environment.yml a RUN installs from) is
    suppressed by `# devcon-ignore:` comments in that file."""
    others: dict[str, suppression.Suppressions] = {}

    def covered(finding: Finding) -> bool:
        if finding.path == display:
            return marks.covers(finding)
        if finding.path not in others:
            try:
                text = read_text(Path(finding.path))
            except InputError:
                text = ""
            others[finding.path] = suppression.for_hash_comments(text)
        return others[finding.path].covers(finding)

    kept = [f for f in found if not covered(f)]
    return kept, len(found) - len(kept)


def _check_config(
    item: DefinitionFile,
    settings: Settings,
    rules: Sequence[Rule],
    merged: MergedConfig | None = None,
) -> tuple[list[Finding], int]:
    """Findings for one devcontainer.json (or Feature / Template file), and how many were
    suppressed inline."""
    ctx = ConfigContext(
        item.path,
        item.text,
        item.doc,
        item.syntax_error,
        settings.rule_options,
        merged=merged.value if merged else None,
        origins=merged.origins if merged else {},
    )
    display = str(item.path)

    def run(rule: Rule) -> Iterable[Problem] | None:
        check = {
            FileKind.CONFIG: rule.config,
            FileKind.FEATURE: rule.feature,
            FileKind.TEMPLATE: rule.template,
        }.get(item.kind)
        return check(ctx) if check else None

    found = _run_rules(rules, settings, display, run)
    if item.doc is None:
        return found, 0
    return _suppress(found, display, suppression.for_jsonc(item.doc))


def _check_dockerfile(
    item: DefinitionFile, settings: Settings, rules: Sequence[Rule], cli_profile: Profile | None
) -> tuple[list[Finding], int]:
    args = {k: v for k, v in item.build_args.items() if v is not None}
    dockerfile = parse_dockerfile(item.text, item.path, args)
    profile = settings.profile_for(item.path, item.default_profile, cli_profile)
    ctx = DockerfileContext(
        item.path,
        dockerfile,
        profile,
        item.context_dir,
        settings.rule_options,
        item.target,
        item.sidecar,
    )
    display = str(item.path)

    def run(rule: Rule) -> Iterable[Problem] | None:
        if rule.dockerfile is None or profile not in rule.profiles:
            return None
        return rule.dockerfile(ctx)

    found = _run_rules(rules, settings, display, run)
    return _suppress(found, display, suppression.for_dockerfile(dockerfile))


def _check_compose(
    item: DefinitionFile, settings: Settings, rules: Sequence[Rule]
) -> tuple[list[Finding], int]:
    assert item.compose is not None
    ctx = ComposeContext(
        item.path,
        item.compose,
        settings.rule_options,
        item.attached_services,
        item.started_services,
    )
    display = str(item.path)
    found = _run_rules(rules, settings, display, lambda r: r.compose(ctx) if r.compose else None)
    return _suppress(found, display, suppression.for_hash_comments(item.text))


def validate(request: ValidateRequest) -> ValidateResult:
    settings = request.settings
    rules = all_rules()
    findings: list[Finding] = []
    suppressed = 0
    items = collect(request.paths)
    for item in items:
        if item.kind in (FileKind.CONFIG, FileKind.FEATURE, FileKind.TEMPLATE):
            merged = (
                request.merger(item) if request.merger and item.kind is FileKind.CONFIG else None
            )
            found, hidden = _check_config(item, settings, rules, merged)
        elif item.kind is FileKind.COMPOSE:
            found, hidden = _check_compose(item, settings, rules)
        else:
            found, hidden = _check_dockerfile(item, settings, rules, request.profile)
        findings += found
        suppressed += hidden
    return ValidateResult(
        files=tuple(item.path for item in items),
        findings=tuple(findings),
        suppressed=suppressed,
        fail_on=settings.fail_on,
    )
