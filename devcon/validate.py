"""`devcon validate`: the core, free of any CLI concern.

paths -> discovery -> definitions (a config plus the Dockerfiles and compose files it uses)
-> parse -> rules -> suppression and settings -> ValidateResult.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from devcon import suppression
from devcon.compose import ComposeFile
from devcon.config import Settings
from devcon.definition import (
    ComposeDocument,
    ConfigDocument,
    DockerfileDocument,
    FeatureDocument,
    JsoncFileDocument,
    TemplateDocument,
    collect,
)
from devcon.dockerfile.requirements import RequirementFiles
from devcon.findings import Finding, Severity
from devcon.named_files import NamedFile, plan_named
from devcon.rules.base import (
    ComposeContext,
    ConfigContext,
    DockerfileContext,
    MergedConfig,
    Problem,
    Profile,
    Rule,
)
from devcon.rules.catalog import all_rules, former_names

# one rule's findings in one file (README, Input limits)
MAX_FINDINGS_PER_RULE = 1_000


@dataclass(frozen=True)
class ValidateRequest:
    paths: tuple[Path, ...]
    settings: Settings
    profile: Profile | None = None  # --profile: overrides every other profile choice
    merger: Callable[[ConfigDocument], MergedConfig | None] | None = None  # --merge


@dataclass(frozen=True)
class ValidateResult:
    files: tuple[Path, ...]
    findings: tuple[Finding, ...]
    suppressed: int
    fail_on: Severity
    # files named that devcon does not read on its own: checked through others, or skipped
    named: tuple[NamedFile, ...] = ()

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
        by_file: dict[str, set[Finding]] = {}
        for problem in problems:
            where = str(problem.path) if problem.path is not None else display
            severity = configured or problem.severity or rule.default_severity
            by_file.setdefault(where, set()).add(
                Finding(where, problem.line, problem.column, rule.name, severity, problem.message)
            )
        for findings in by_file.values():
            found.update(_capped(findings))
    return sorted(found)


def _capped(findings: set[Finding]) -> list[Finding]:
    """One rule's findings in one file: at most MAX_FINDINGS_PER_RULE, the first by position,
    then one finding at the next one's place counting the rest (a 52 KB Dockerfile of 7,466
    `FROM x:latest` lines gave 14,932 findings; their SARIF took seconds to write)."""
    ordered = sorted(findings)
    if len(ordered) <= MAX_FINDINGS_PER_RULE:
        return ordered
    rest = len(ordered) - MAX_FINDINGS_PER_RULE
    first = ordered[MAX_FINDINGS_PER_RULE]
    more = (
        f"{rest:,} more {first.rule} findings in this file not shown (devcon reports at "
        f"most {MAX_FINDINGS_PER_RULE:,} of one rule a file)"
    )
    return [*ordered[:MAX_FINDINGS_PER_RULE], replace(first, message=more)]


def _suppress(
    found: list[Finding],
    display: str,
    marks: suppression.Suppressions,
    requirements: RequirementFiles | None = None,
) -> tuple[list[Finding], int]:
    """Findings left after inline suppression. A finding in another file than the one
    checked (an entry of a requirements.txt or environment.yml a RUN installs from) is
    suppressed by `# devcon-ignore:` comments in that file."""
    others: dict[str, suppression.Suppressions] = {}

    def covered(finding: Finding) -> bool:
        former = former_names(finding.rule)
        if finding.path == display:
            return marks.covers(finding, former)
        if finding.path not in others:
            files = requirements or RequirementFiles()
            text = files.utf8_text(Path(finding.path)) or ""
            others[finding.path] = suppression.for_hash_comments(text)
        return others[finding.path].covers(finding, former)

    kept = [f for f in found if not covered(f)]
    return kept, len(found) - len(kept)


def _check_config(
    item: JsoncFileDocument,
    settings: Settings,
    rules: Sequence[Rule],
    merged: MergedConfig | None = None,
    compose_files: Mapping[Path, ComposeFile] | None = None,
) -> tuple[list[Finding], int]:
    """Findings for one devcontainer.json (or Feature / Template file), and how many were
    suppressed inline. `compose_files`: the models of the compose files of this run."""
    ctx = ConfigContext(
        item.path,
        item.text,
        item.doc,
        item.syntax_error,
        settings.rule_options,
        merged=merged.value if merged else None,
        origins=merged.origins if merged else {},
        compose_files=compose_files or {},
    )
    display = str(item.path)

    def run(rule: Rule) -> Iterable[Problem] | None:
        match item:
            case ConfigDocument():
                check = rule.config
            case FeatureDocument():
                check = rule.feature
            case TemplateDocument():
                check = rule.template
            case _:
                check = None
        return check(ctx) if check else None

    found = _run_rules(rules, settings, display, run)
    if item.doc is None:
        return found, 0
    return _suppress(found, display, suppression.for_jsonc(item.doc))


def _check_dockerfile(
    item: DockerfileDocument,
    settings: Settings,
    rules: Sequence[Rule],
    cli_profile: Profile | None,
) -> tuple[list[Finding], int]:
    dockerfile = item.model
    profile = settings.profile_for(item.path, item.default_profile, cli_profile)
    ctx = DockerfileContext(
        item.path,
        dockerfile,
        profile,
        item.context_dir,
        settings.rule_options,
        item.target,
        item.sidecar,
        item.requirements,
    )
    display = str(item.path)

    def run(rule: Rule) -> Iterable[Problem] | None:
        if rule.dockerfile is None or profile not in rule.profiles:
            return None
        return rule.dockerfile(ctx)

    found = _run_rules(rules, settings, display, run)
    return _suppress(found, display, suppression.for_dockerfile(dockerfile), item.requirements)


def _check_compose(
    item: ComposeDocument, settings: Settings, rules: Sequence[Rule]
) -> tuple[list[Finding], int]:
    ctx = ComposeContext(
        item.path,
        item.model,
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
    plan = plan_named(request.paths)
    if plan.nothing_to_read:
        return ValidateResult((), (), 0, settings.fail_on, plan.named)
    items = collect(plan.paths)
    composes = {d.path.resolve(): d.model for d in items if isinstance(d, ComposeDocument)}
    for item in items:
        match item:
            case ConfigDocument():
                merged = request.merger(item) if request.merger else None
                found, hidden = _check_config(item, settings, rules, merged, composes)
            case FeatureDocument() | TemplateDocument():
                found, hidden = _check_config(item, settings, rules)
            case ComposeDocument():
                found, hidden = _check_compose(item, settings, rules)
            case DockerfileDocument():
                found, hidden = _check_dockerfile(item, settings, rules, request.profile)
        findings += found
        suppressed += hidden
    return ValidateResult(
        files=tuple(item.path for item in items),
        findings=tuple(findings),
        suppressed=suppressed,
        fail_on=settings.fail_on,
        named=plan.named,
    )
