"""`devcon config init`."""

from __future__ import annotations

from pathlib import Path

import typer

from devcon.cli.options import ForceOption, say
from devcon.errors import EXIT_OK, InputError

config_app = typer.Typer(help="devcon's own configuration.", no_args_is_help=True)


@config_app.command("init")
def config_init(
    path: Path = typer.Argument(Path(".devcon.toml"), help="Where to write it."),
    force: ForceOption = False,
    stdout: bool = typer.Option(False, "--stdout", help="Print it instead of writing it."),
) -> None:
    """Write a commented .devcon.toml listing every rule at its default."""
    from devcon.fileio import atomic_write_text
    from devcon.rules.catalog import all_rules
    from devcon.rules.docs import config_template

    text = config_template(all_rules())
    if stdout:
        say(text, nl=False)
        raise typer.Exit(EXIT_OK)
    if path.exists() and not force:
        raise InputError("already exists (use --force to replace it)", str(path))
    atomic_write_text(path, text)
    say(f"wrote {path}")


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
