"""`devcon parity [DEV PROD]`."""

from __future__ import annotations

import typer

from devcon.cli.options import PlatformOption, ReportOptions, reporting_command
from devcon.errors import EXIT_FINDINGS, EXIT_OK, UsageError


@reporting_command("ParityResult")
def parity_command(
    dev: str | None = typer.Argument(
        None, help="Dev image, docker:NAME, Dockerfile[#target] or devcontainer.json."
    ),
    prod: str | None = typer.Argument(None, help="Production image (same forms)."),
    base: str | None = typer.Option(
        None,
        "--base",
        metavar="IMAGE",
        help="Verify both against this base image (default: the config's parity base, else "
        "none: only dev and prod are compared).",
    ),
    platform: PlatformOption = None,
    strict: bool = typer.Option(False, "--strict", help="An inferred verdict becomes unknown."),
    allow_unknown: bool = typer.Option(
        False, "--allow-unknown", help="Exit 0 on an unknown verdict."
    ),
    *,
    report: ReportOptions,
) -> None:
    """Prove that the dev and production images share one base digest.

    --platform compares only that platform (default: the config's parity platform, else
    every platform both have).

    Exit codes: 0 same-base; 1 different-base, or unknown (0 with --allow-unknown);
    2 usage or unreadable input; 3 environment (registry, engine, network).
    """
    from devcon.cli.hints import worded_result
    from devcon.cli.options import parse_platform, write_output
    from devcon.cli.verbose import config_lines, parity_lines, tell
    from devcon.parity import ParityRequest, Verdict
    from devcon.parity import parity as run_parity
    from devcon.parity_config import NothingToCompare, OneSideOnly, parity_sides
    from devcon.registry.factory import make_client
    from devcon.report import render
    from devcon.services import Services

    settings = report.settings()
    try:
        sides = parity_sides(dev, prod, base, platform, settings.parity)
    except OneSideOnly:
        raise UsageError(
            "give both DEV and PROD, or neither (then [tool.devcon.parity] is used)"
        ) from None
    except NothingToCompare:
        raise UsageError(
            "nothing to compare: give DEV and PROD, or set dev and prod in "
            "[tool.devcon.parity] (or [parity] in .devcon.toml)"
        ) from None
    request = ParityRequest(
        dev=sides.dev,
        prod=sides.prod,
        base=sides.base,
        platform=parse_platform(sides.platform or None),
        strict=strict,
    )
    registry = report.registry(settings)
    with Services(registry=lambda: make_client(registry)) as services:
        result = run_parity(request, services)
    tell(report, config_lines(report, settings) + parity_lines(result))
    output = render(worded_result(result), report.format, quiet=report.quiet)
    write_output(output, report.output)
    verdict = result.verdict
    if verdict is Verdict.SAME or (verdict is Verdict.UNKNOWN and allow_unknown):
        raise typer.Exit(EXIT_OK)
    raise typer.Exit(EXIT_FINDINGS)


def register(app: typer.Typer) -> None:
    app.command(name="parity")(parity_command)
