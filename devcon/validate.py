"""`devcon validate`: the core, free of any CLI concern.

paths -> discovery -> definitions (a config plus the Dockerfiles and compose files it uses)
-> parse -> rules -> suppression and settings -> ValidateResult.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from devcon import jsonc, suppression
from devcon.compose import parse_compose
from devcon.config import Settings
from devcon.discovery import FileKind, discover_files, references
from devcon.dockerfile.parser import parse_dockerfile
from devcon.errors import InputError
from devcon.findings import Finding, Severity
from devcon.rules.base import (
    ComposeContext,
    ConfigContext,
    DockerfileContext,
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


@dataclass(frozen=True)
class ValidateResult:
    files: tuple[Path, ...]
    findings: tuple[Finding, ...]
    suppressed: int
    fail_on: Severity

    @property
    def failed(self) -> bool:
        return any(f.severity >= self.fail_on for f in self.findings)


def read_text(path: Path) -> str:
    """A file's text, or InputError (exit 2) saying why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError("not UTF-8 text", f"{path}:{line}:{column}") from None


@dataclass
class _DockerfileJob:
    path: Path
    default_profile: Profile
    build_args: Mapping[str, str | None] = field(default_factory=dict)
    context_dir: Path | None = None


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
        severity = settings.severity_of(rule)
        for problem in problems:
            where = str(problem.path) if problem.path is not None else display
            found.add(
                Finding(where, problem.line, problem.column, rule.name, severity, problem.message)
            )
    return sorted(found)


def _suppress(
    found: list[Finding], display: str, marks: suppression.Suppressions
) -> tuple[list[Finding], int]:
    kept = [f for f in found if not (f.path == display and marks.covers(f))]
    return kept, len(found) - len(kept)


def check_config(
    path: Path, text: str, settings: Settings, rules: Sequence[Rule]
) -> tuple[list[Finding], int, jsonc.JsoncDocument | None]:
    """Findings for one devcontainer.json, how many were suppressed inline, and its parse."""
    try:
        doc: jsonc.JsoncDocument | None = jsonc.parse(text)
        error = None
    except jsonc.JsoncSyntaxError as exc:
        doc, error = None, exc
    ctx = ConfigContext(path, text, doc, error, settings.rule_options)
    display = str(path)
    found = _run_rules(rules, settings, display, lambda r: r.config(ctx) if r.config else None)
    if doc is None:
        return found, 0, None
    kept, hidden = _suppress(found, display, suppression.for_jsonc(doc))
    return kept, hidden, doc


def check_dockerfile(
    job: _DockerfileJob, settings: Settings, rules: Sequence[Rule], cli_profile: Profile | None
) -> tuple[list[Finding], int]:
    text = read_text(job.path)
    args = {k: v for k, v in job.build_args.items() if v is not None}
    dockerfile = parse_dockerfile(text, job.path, args)
    profile = settings.profile_for(job.path, job.default_profile, cli_profile)
    ctx = DockerfileContext(job.path, dockerfile, profile, job.context_dir, settings.rule_options)
    display = str(job.path)

    def run(rule: Rule) -> Iterable[Problem] | None:
        if rule.dockerfile is None or profile not in rule.profiles:
            return None
        return rule.dockerfile(ctx)

    found = _run_rules(rules, settings, display, run)
    return _suppress(found, display, suppression.for_dockerfile(dockerfile))


def check_compose(
    path: Path, settings: Settings, rules: Sequence[Rule]
) -> tuple[list[Finding], int, ComposeContext]:
    text = read_text(path)
    ctx = ComposeContext(path, parse_compose(text, path), settings.rule_options)
    display = str(path)
    found = _run_rules(rules, settings, display, lambda r: r.compose(ctx) if r.compose else None)
    kept, hidden = _suppress(found, display, suppression.for_hash_comments(text))
    return kept, hidden, ctx


def validate(request: ValidateRequest) -> ValidateResult:
    settings = request.settings
    discovered = discover_files(request.paths or (Path("."),))
    rules = all_rules()
    findings: list[Finding] = []
    suppressed = 0
    checked: list[Path] = []
    dockerfiles: dict[Path, _DockerfileJob] = {}
    composes: dict[Path, tuple[Path, Profile]] = {}

    def want_dockerfile(job: _DockerfileJob) -> None:
        dockerfiles.setdefault(job.path.resolve(), job)

    for kind, path in discovered:
        if kind is FileKind.CONFIG:
            found, hidden, doc = check_config(path, read_text(path), settings, rules)
            findings += found
            suppressed += hidden
            checked.append(path)
            if doc is not None:
                refs = references(path, doc.value)
                if refs.dockerfile is not None:
                    want_dockerfile(
                        _DockerfileJob(refs.dockerfile, Profile.DEV, refs.build_args, refs.context)
                    )
                for compose in refs.compose_files:
                    composes.setdefault(compose.resolve(), (compose, Profile.DEV))
        elif kind is FileKind.DOCKERFILE:
            want_dockerfile(_DockerfileJob(path, Profile.PROD, {}, path.parent))
        else:
            composes.setdefault(path.resolve(), (path, Profile.PROD))

    for compose_path, default_profile in composes.values():
        found, hidden, ctx = check_compose(compose_path, settings, rules)
        findings += found
        suppressed += hidden
        checked.append(compose_path)
        for service in ctx.compose.services:
            build = service.build
            if build is None or (build.context and "${" in build.context):
                continue
            context = compose_path.parent / (build.context or ".")
            dockerfile = context / (build.dockerfile or "Dockerfile")
            if dockerfile.is_file():
                args = {e.key.value: (e.value.value if e.value else None) for e in build.args}
                want_dockerfile(_DockerfileJob(dockerfile, default_profile, args, context))

    for job in dockerfiles.values():
        found, hidden = check_dockerfile(job, settings, rules, request.profile)
        findings += found
        suppressed += hidden
        checked.append(job.path)

    return ValidateResult(
        files=tuple(checked),
        findings=tuple(findings),
        suppressed=suppressed,
        fail_on=settings.fail_on,
    )
