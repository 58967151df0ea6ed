"""`devcon pin` and `devcon outdated`."""

from __future__ import annotations

import typer

from devcon.cli.options import (
    CheckOption,
    DryRunOption,
    OfflineOption,
    PathsArgument,
    PlatformOption,
    ReportOptions,
    reporting_command,
)
from devcon.errors import EXIT_FINDINGS, EXIT_OK, UsageError


@reporting_command("PinResult")
def pin_command(
    paths: PathsArgument = None,
    check: CheckOption = False,
    dry_run: DryRunOption = False,
    platform: PlatformOption = None,
    features: bool = typer.Option(
        False,
        "--features",
        help="Also lock Features (digest and integrity) in devcontainer-lock.json.",
    ),
    offline: OfflineOption = False,
    *,
    report: ReportOptions,
) -> None:
    """Pin every image reference by digest, in place (name:tag@sha256:...).

    --check writes nothing and exits 1 if any reference is unpinned or cannot be pinned
    (skipped); --dry-run prints a unified diff and writes nothing; --platform pins that
    platform's manifest instead of the multi-arch index (default: the index); --offline
    resolves tags from devcon's cache only.
    """
    from devcon.cli.options import parse_platform, write_output
    from devcon.cli.progress import progress_for
    from devcon.cli.verbose import config_lines, pin_lines, tell
    from devcon.pin import PinRequest, PinStatus
    from devcon.pin import pin as run_pin
    from devcon.registry.factory import make_client
    from devcon.report import render

    if check and dry_run:
        raise UsageError("--check and --dry-run do not go together")
    platform = parse_platform(platform)
    settings = report.settings()
    registry = report.registry(settings, offline)
    with progress_for(report) as progress:
        request = PinRequest(
            paths=tuple(paths or ()),
            check=check,
            dry_run=dry_run,
            platform=platform,
            features=features,
            progress=progress,
        )
        result = run_pin(request, lambda: make_client(registry))
    tell(report, config_lines(report, settings) + pin_lines(result))
    write_output(render(result, report.format, quiet=report.quiet), report.output)
    failing = [i for i in result.items if i.status in (PinStatus.UNPINNED, PinStatus.SKIPPED)]
    # a reference the registry does not have (no such tag, or not for the platform asked) is
    # skipped, and the run fails (exit 1: a retry gives the same answer)
    raise typer.Exit(EXIT_FINDINGS if (check and failing) or result.unresolved else EXIT_OK)


@reporting_command("OutdatedResult")
def outdated_command(
    paths: PathsArgument = None,
    check: CheckOption = False,
    update: bool = typer.Option(
        False, "--update", help="Re-pin the references (and re-lock the Features) whose tag moved."
    ),
    dry_run: DryRunOption = False,
    offline: OfflineOption = False,
    *,
    report: ReportOptions,
) -> None:
    """For each pinned reference, and each Feature in devcontainer-lock.json, whether its tag
    now points to another digest (text: a table).

    --check exits 1 when a pinned reference has moved (not with --update, which re-pins it);
    a pinned reference whose tag the registry no longer has is skipped, and exits 1;
    --dry-run, with --update, prints the diff and writes nothing; --offline resolves tags
    from devcon's cache only.
    """
    from devcon.cli.options import write_output
    from devcon.cli.progress import progress_for
    from devcon.cli.verbose import config_lines, pin_lines, tell
    from devcon.pin import OutdatedRequest, PinStatus
    from devcon.pin import outdated as run_outdated
    from devcon.registry.factory import make_client
    from devcon.report import render

    settings = report.settings()
    registry = report.registry(settings, offline)
    with progress_for(report) as progress:
        request = OutdatedRequest(
            paths=tuple(paths or ()), update=update, dry_run=dry_run, progress=progress
        )
        result = run_outdated(request, lambda: make_client(registry))
    tell(report, config_lines(report, settings) + pin_lines(result))
    write_output(render(result, report.format, quiet=report.quiet), report.output)
    moved = [i for i in result.items if i.status in (PinStatus.OUTDATED, PinStatus.UPDATED)]
    # a pinned tag the registry no longer has is skipped, and the run fails
    failed = (check and moved and not update) or result.unresolved
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


def register(app: typer.Typer) -> None:
    app.command(name="pin")(pin_command)
    app.command(name="outdated")(outdated_command)
