"""`devcon images [FOLDER]` and `devcon prune [FOLDER]`: the local engine's images of a
repository, and removing the unused ones."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from devcon.cli.options import (
    DryRunOption,
    ImagesFormatOption,
    OutputOption,
    PruneFormatOption,
)
from devcon.errors import EXIT_FINDINGS, EXIT_OK, UsageError

FolderArgument = typer.Argument(
    Path("."), help="The repository's folder (its dev container configs are found under it)."
)


def _folder(folder: Path) -> Path:
    if not folder.is_dir():
        raise UsageError(f"FOLDER {folder}: not a folder")
    return folder


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def images_command(
    folder: Path = FolderArgument,
    fmt: ImagesFormatOption = "text",
    output: OutputOption = None,
) -> None:
    """List the local Docker Engine's images that belong to this repository.

    An image belongs when the dev container CLI or VS Code built it for the folder
    (vsc-<folder>-<hash>), when a dev container of the folder runs it, or when its repository
    is one the folder's configs, Dockerfiles or compose files reference. Each shows its
    size, age, and what still uses it (a reference at file:line, or a container).

    Exit codes: 0 listed; 2 usage or unreadable config; 3 the engine cannot be reached.
    """
    from devcon.cli.options import parse_format, write_output
    from devcon.engine import Engine
    from devcon.local_images import survey
    from devcon.report import render

    output_format = parse_format(fmt, "ImagesResult")
    engine = Engine()
    try:
        result = survey(_folder(folder), engine)
    finally:
        engine.close()
    write_output(render(result, output_format), output)


def prune_command(
    folder: Path = FolderArgument,
    yes: bool = typer.Option(
        False, "--yes", "-y", help="Remove without asking (needed without a terminal)."
    ),
    dry_run: DryRunOption = False,
    fmt: PruneFormatOption = "text",
    output: OutputOption = None,
) -> None:
    """Remove this repository's unused local images (those `devcon images` lists as unused).

    Never removes an image a container uses (running or stopped) or one a current config,
    Dockerfile or compose file references (by tag, or by digest when pinned). Asks first on a
    terminal; without one, --yes is required. --dry-run says what would be removed and how
    much it would free, and removes nothing.

    Exit codes: 0 removed (or nothing to remove, or a dry run, or declined); 1 some image
    could not be removed; 2 usage, unreadable config, or no terminal to ask and no --yes;
    3 the engine cannot be reached.
    """
    from devcon.cli.options import parse_format, say, write_output
    from devcon.engine import Engine
    from devcon.local_images import prune, survey
    from devcon.report import render
    from devcon.report.registry import OutputFormat

    output_format = parse_format(fmt, "PruneResult")
    ask = not (yes or dry_run)
    if ask and not _stdin_is_tty():
        raise UsageError(
            "prune removes images: pass --yes to remove them without a terminal to confirm "
            "on (or --dry-run to see what it would remove)"
        )
    folder = _folder(folder)
    engine = Engine()
    try:
        found = survey(folder, engine)
        if ask and found.unused:
            plan = render(prune(found, engine, dry_run=True), OutputFormat.TEXT)
            write_output(plan, None)
            if not typer.confirm(f"Remove {len(found.unused)} image(s)?", err=True):
                say("nothing removed")
                raise typer.Exit(EXIT_OK)
        result = prune(found, engine, dry_run=dry_run)
    finally:
        engine.close()
    write_output(render(result, output_format), output)
    raise typer.Exit(EXIT_FINDINGS if result.failed else EXIT_OK)


def register(app: typer.Typer) -> None:
    app.command(name="images")(images_command)
    app.command(name="prune")(prune_command)
