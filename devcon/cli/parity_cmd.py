"""`devcon parity [DEV PROD]`."""

from __future__ import annotations

from pathlib import Path

import typer

from devcon.errors import EXIT_FINDINGS, EXIT_OK, UsageError


def parity(
    dev: str | None = typer.Argument(
        None, help="Dev image, docker:NAME, Dockerfile[#target] or devcontainer.json."
    ),
    prod: str | None = typer.Argument(None, help="Production image (same forms)."),
    base: str | None = typer.Option(None, "--base", help="Verify both against this base image."),
    platform: str | None = typer.Option(
        None, "--platform", help="Compare only this platform (default: every platform both have)."
    ),
    strict: bool = typer.Option(False, "--strict", help="An inferred verdict becomes unknown."),
    allow_unknown: bool = typer.Option(
        False, "--allow-unknown", help="Exit 0 on an unknown verdict."
    ),
    fmt: str = typer.Option("text", "--format", "-f", help="text, json or github."),
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
    """Prove that the dev and production images share one base digest.

    Exit codes: 0 same-base; 1 different-base, or unknown (0 with --allow-unknown);
    2 usage or unreadable input; 3 environment (registry, engine, network).
    """
    from devcon.cli.options import settings_from
    from devcon.parity import ParityRequest, Services, Verdict
    from devcon.parity import parity as run_parity
    from devcon.registry.factory import RegistrySettings, make_client
    from devcon.report.parity_report import ParityFormat, render_parity

    try:
        output_format = ParityFormat(fmt)
    except ValueError:
        raise UsageError(
            f"--format: unknown format {fmt!r} (choose from text, json, github)"
        ) from None
    settings = settings_from(config, no_config, None, None, None)
    if dev is None or prod is None:
        if dev is not None:
            raise UsageError(
                "give both DEV and PROD, or neither (then [tool.devcon.parity] is used)"
            )
        configured = settings.parity
        if not configured.get("dev") or not configured.get("prod"):
            raise UsageError(
                "nothing to compare: give DEV and PROD, or set dev and prod in "
                "[tool.devcon.parity] (or [parity] in .devcon.toml)"
            )
        dev, prod = configured["dev"], configured["prod"]
        base = base or configured.get("base")
        platform = platform or configured.get("platform")
    if platform:
        from devcon.registry.client import check_platform

        platform = check_platform(platform)
    registry = RegistrySettings(
        insecure_registries=frozenset([*settings.insecure_registries, *(insecure or [])]),
        registry_mirror=mirror or settings.registry_mirror,
        timeout=timeout,
    )
    services = Services(registry=lambda: make_client(registry))
    try:
        result = run_parity(
            ParityRequest(dev=dev, prod=prod, base=base, platform=platform, strict=strict),
            services,
        )
    finally:
        services.engine.close()
    typer.echo(render_parity(output_format, result), nl=False)
    verdict = result.verdict
    if verdict is Verdict.SAME or (verdict is Verdict.UNKNOWN and allow_unknown):
        raise typer.Exit(EXIT_OK)
    raise typer.Exit(EXIT_FINDINGS)


def register(app: typer.Typer) -> None:
    app.command(name="parity")(parity)
