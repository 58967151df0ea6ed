"""`devcon validate [PATH ...]`."""

from __future__ import annotations

from pathlib import Path

import typer

from devcon.errors import EXIT_FINDINGS, EXIT_OK


def validate(
    paths: list[Path] = typer.Argument(
        None, help="Files or folders (default: the current folder).", show_default=False
    ),
    fmt: str = typer.Option("text", "--format", "-f", help="text, json, sarif or github."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report here."),
    config: Path | None = typer.Option(None, "--config", help="Use this devcon config file."),
    no_config: bool = typer.Option(False, "--no-config", help="Ignore config files."),
    select: list[str] | None = typer.Option(
        None, "--select", help="Run only these rules (comma-separated, repeatable)."
    ),
    ignore: list[str] | None = typer.Option(
        None, "--ignore", help="Do not run these rules (comma-separated, repeatable)."
    ),
    fail_on: str | None = typer.Option(
        None, "--fail-on", help="Exit 1 on findings at or above: error, warning, info."
    ),
    merge: bool = typer.Option(
        False,
        "--merge",
        help="Also judge the merged configuration: image metadata and Features (fetched) "
        "merged with the config, each finding naming its origin.",
    ),
    use_env: bool = typer.Option(
        False, "--use-env", help="With --merge: resolve ${localEnv:X} from the real environment."
    ),
    insecure: list[str] | None = typer.Option(
        None, "--insecure-registry", help="With --merge: allow plain HTTP to this registry."
    ),
    mirror: str | None = typer.Option(
        None, "--registry-mirror", help="With --merge: resolve Docker Hub through this host."
    ),
    tools: list[str] | None = typer.Option(
        None, "--tools", help="Also check the limits of these supporting tools: codespaces."
    ),
    vscode: str | None = typer.Option(
        None, "--vscode", help="Judge image names for this VS Code: stable, insiders or X.Y."
    ),
    profile: str | None = typer.Option(
        None,
        "--profile",
        help="Hold Dockerfiles to the dev or prod rule set (default: dev for Dockerfiles a "
        "devcontainer.json uses, prod for others).",
    ),
) -> None:
    """Check dev container configs against the spec's schema and devcon's rules."""
    from devcon.cli.options import parse_format, parse_profile, settings_from, write_output
    from devcon.report import Report, render
    from devcon.rules.catalog import all_rules
    from devcon.validate import ValidateRequest
    from devcon.validate import validate as run_validate

    output_format = parse_format(fmt)
    settings = settings_from(config, no_config, select, ignore, fail_on, vscode, tools)
    if vscode is not None:
        from devcon.compat.knowledge import target_for

        target_for(vscode)  # a usage error now rather than inside a rule
    merger = None
    if merge:
        from devcon.merge import MergeOptions, Merger
        from devcon.registry.factory import RegistrySettings, make_client

        registry = RegistrySettings(
            insecure_registries=frozenset([*settings.insecure_registries, *(insecure or [])]),
            registry_mirror=mirror or settings.registry_mirror,
        )
        merger = Merger(
            lambda: make_client(registry), MergeOptions(settings.merge_env, use_env=use_env)
        )
    request = ValidateRequest(
        paths=tuple(paths or ()),
        settings=settings,
        profile=parse_profile(profile),
        merger=merger,
    )
    result = run_validate(request)
    enabled = [rule for rule in all_rules() if settings.is_enabled(rule)]
    report = Report(
        findings=result.findings,
        files=len(result.files),
        rules=enabled,
        suppressed=result.suppressed,
    )
    write_output(render(output_format, report), output)
    raise typer.Exit(EXIT_FINDINGS if result.failed else EXIT_OK)


def register(app: typer.Typer) -> None:
    app.command(name="validate")(validate)
