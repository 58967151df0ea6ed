"""`devcon validate [PATH ...]`."""

from __future__ import annotations

import typer

from devcon.cli.options import (
    PathsArgument,
    ProfileOption,
    ReportOptions,
    ToolsOption,
    VscodeOption,
    reporting_command,
)
from devcon.errors import EXIT_FINDINGS, EXIT_OK


@reporting_command("Report", rules=True)
def validate_command(
    paths: PathsArgument = None,
    merge: bool = typer.Option(
        False,
        "--merge",
        help="Also judge the merged configuration: image metadata and Features (fetched) "
        "merged with the config, each finding naming its origin.",
    ),
    use_env: bool = typer.Option(
        False, "--use-env", help="With --merge: resolve ${localEnv:X} from the real environment."
    ),
    tools: ToolsOption = None,
    vscode: VscodeOption = None,
    profile: ProfileOption = None,
    *,
    report: ReportOptions,
) -> None:
    """Check dev container configs against the spec's schema and devcon's rules.

    The registry options apply with --merge (it fetches image metadata and Features)."""
    from devcon.cli.options import parse_profile, parse_vscode, write_output
    from devcon.cli.progress import progress_for
    from devcon.cli.verbose import config_lines, file_lines, tell
    from devcon.report import Report, render
    from devcon.rules.catalog import all_rules
    from devcon.validate import ValidateRequest
    from devcon.validate import validate as run_validate

    settings = report.settings(vscode, tools)
    parse_vscode(vscode, settings)  # a usage error now rather than inside a rule
    merger = None
    with progress_for(report) as progress:
        if merge:
            from devcon.merge import MergeOptions, Merger
            from devcon.registry.factory import make_client

            registry = report.registry(settings)
            merger = Merger(
                lambda: make_client(registry),
                MergeOptions(settings.merge_env, use_env=use_env),
                progress,
            )
        request = ValidateRequest(
            paths=tuple(paths or ()),
            settings=settings,
            profile=parse_profile(profile),
            merger=merger,
        )
        result = run_validate(request)
    tell(report, config_lines(report, settings) + file_lines(result.files, result.named))
    enabled = [rule for rule in all_rules() if settings.is_enabled(rule)]
    findings = Report(
        findings=result.findings,
        files=len(result.files),
        rules=enabled,
        suppressed=result.suppressed,
        named=result.named,
    )
    write_output(render(findings, report.format, quiet=report.quiet), report.output)
    raise typer.Exit(EXIT_FINDINGS if result.failed else EXIT_OK)


def register(app: typer.Typer) -> None:
    app.command(name="validate")(validate_command)
