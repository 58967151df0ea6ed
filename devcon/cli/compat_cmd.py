"""`devcon compat [IMAGE|PATH ...]`."""

from __future__ import annotations

from pathlib import Path

import typer

from devcon.errors import EXIT_FINDINGS, EXIT_OK


def compat(
    items: list[str] = typer.Argument(
        None,
        help=(
            "Images (REF, or docker:NAME for the local engine only), Dockerfile#STAGE, or "
            "files/folders whose images to check (default: .)."
        ),
        show_default=False,
    ),
    vscode: str | None = typer.Option(
        None, "--vscode", help="Target VS Code: stable, insiders or X.Y (default: config, stable)."
    ),
    platform: str | None = typer.Option(
        None,
        "--platform",
        help=(
            "Check this platform, e.g. linux/arm64 (default: the local engine's copy as it is, "
            "else linux/amd64 from the registry). An engine copy of another platform is not "
            "used: the registry is read for this one (docker:NAME: reported unavailable)."
        ),
    ),
    offline: bool = typer.Option(
        False,
        "--offline",
        help=(
            "No network: never read a registry. Images the local Docker Engine has (a unix "
            "socket or loopback DOCKER_HOST) are still read from it; the others are judged "
            "from their names, and marked as guesses (a name that says nothing is exit 3)."
        ),
    ),
    max_download: int = typer.Option(
        1024,
        "--max-download",
        min=1,
        help="MiB of layers compat may download per image; an image needing more is not read.",
    ),
    fmt: str = typer.Option("text", "--format", "-f", help="text, json, sarif or github."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report here."),
    select: list[str] | None = typer.Option(None, "--select", help="Run only these rules."),
    ignore: list[str] | None = typer.Option(None, "--ignore", help="Do not run these rules."),
    fail_on: str | None = typer.Option(
        None, "--fail-on", help="Exit 1 on findings at or above: error, warning, info."
    ),
    insecure: list[str] | None = typer.Option(
        None, "--insecure-registry", help="Allow plain HTTP to this registry (repeatable)."
    ),
    mirror: str | None = typer.Option(
        None, "--registry-mirror", help="Resolve Docker Hub references through this registry host."
    ),
    timeout: float = typer.Option(
        10.0, "--timeout", help="Seconds to wait for each registry request."
    ),
    config: Path | None = typer.Option(None, "--config", help="Use this devcon config file."),
    no_config: bool = typer.Option(False, "--no-config", help="Ignore config files."),
) -> None:
    """Will VS Code work in this image? Read from the real image, not the tag name."""
    from devcon.cli.options import parse_format, settings_from, write_output
    from devcon.compat.check import CompatRequest, CompatServices, unreadable_message
    from devcon.compat_check import compat_check, image_rules
    from devcon.errors import EnvironmentProblem
    from devcon.registry.client import check_platform
    from devcon.registry.factory import RegistrySettings, make_client
    from devcon.report import OutputFormat, Report, render
    from devcon.report.compat_report import render_compat_json, render_compat_text

    output_format = parse_format(fmt)
    settings = settings_from(config, no_config, select, ignore, fail_on)
    registry = RegistrySettings(
        insecure_registries=frozenset([*settings.insecure_registries, *(insecure or [])]),
        registry_mirror=mirror or settings.registry_mirror,
        timeout=timeout,
    )
    services = CompatServices(registry=lambda: make_client(registry))
    request = CompatRequest(
        items=tuple(items or ()),
        vscode=vscode or settings.vscode,
        platform=check_platform(platform) if platform else None,
        offline=offline,
        max_download=max_download * 1024 * 1024,
    )
    try:
        result = compat_check(request, settings, services)
    finally:
        services.engine.close()
    if output_format is OutputFormat.TEXT:
        text = render_compat_text(result)
    elif output_format is OutputFormat.JSON:
        text = render_compat_json(result)
    else:
        text = render(
            output_format, Report(result.findings, len(result.reports), image_rules(settings))
        )
    write_output(text, output)
    if result.unreadable:
        # no verdict for an image is not a pass: the report above says what was read
        raise EnvironmentProblem(unreadable_message(result))
    failed = any(f.severity >= settings.fail_on for f in result.findings)
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


def register(app: typer.Typer) -> None:
    app.command(name="compat")(compat)
