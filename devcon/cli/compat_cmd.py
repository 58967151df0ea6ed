"""`devcon compat [IMAGE|PATH ...]`."""

from __future__ import annotations

import datetime

import typer

from devcon.cli.options import (
    OfflineOption,
    PlatformOption,
    ReportOptions,
    VscodeOption,
    reporting_command,
)
from devcon.errors import EXIT_FINDINGS, EXIT_OK


@reporting_command("CompatResult", rules=True)
def compat_command(
    items: list[str] = typer.Argument(
        None,
        help=(
            "Images (REF, or docker:NAME for the local engine only), Dockerfile#STAGE, or "
            "files/folders whose images to check (default: .)."
        ),
        show_default=False,
    ),
    vscode: VscodeOption = None,
    platform: PlatformOption = None,
    offline: OfflineOption = False,
    max_download: int = typer.Option(
        1024,
        "--max-download",
        min=1,
        help="MiB of layers compat may download per image; an image needing more is not read.",
    ),
    *,
    report: ReportOptions,
) -> None:
    """Will VS Code work in this image? Read from the real image, not the tag name.

    --platform checks that platform (default: the local engine's copy as it is, else
    linux/amd64 from the registry); an engine copy of another platform is not used: the
    registry is read for that one (docker:NAME: reported unavailable). --offline reads no
    registry: images the local Docker Engine has (a unix socket or loopback DOCKER_HOST) are
    still read from it; the others are judged from their names and marked as guesses (a name
    that says nothing is exit 3).
    """
    from devcon.cli.hints import worded_result
    from devcon.cli.options import parse_platform, parse_vscode, write_output
    from devcon.cli.progress import progress_for
    from devcon.cli.verbose import compat_lines, config_lines, tell
    from devcon.compat.check import CompatRequest, unreadable_message
    from devcon.compat_check import compat_check, image_rules
    from devcon.errors import DevconError, EnvironmentProblem
    from devcon.registry.factory import make_client
    from devcon.report import render
    from devcon.services import Services

    settings = report.settings()
    registry = report.registry(settings)
    with (
        progress_for(report) as progress,
        Services(registry=lambda: make_client(registry)) as services,
    ):
        request = CompatRequest(
            items=tuple(items or ()),
            vscode=parse_vscode(vscode, settings),
            platform=parse_platform(platform),
            offline=offline,
            max_download=max_download * 1024 * 1024,
            today=datetime.date.today(),
            progress=progress,
        )
        result = compat_check(request, settings, services)
    tell(report, config_lines(report, settings) + compat_lines(result))
    text = render(worded_result(result), report.format, image_rules(settings), quiet=report.quiet)
    write_output(text, report.output)
    if result.unreadable:
        # no verdict for an image is not a pass: the report above says what was read; exit 2
        # when the registry says it has no such image (a wrong name), else 3 (a retry may help)
        if result.names_missing_images:
            raise DevconError(unreadable_message(result))
        raise EnvironmentProblem(unreadable_message(result))
    failed = any(f.severity >= settings.fail_on for f in result.findings)
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


def register(app: typer.Typer) -> None:
    app.command(name="compat")(compat_command)
