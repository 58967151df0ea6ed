"""`devcon rules [NAME]`."""

from __future__ import annotations

import difflib

import typer

from devcon.cli.options import FORMAT_HELP, say
from devcon.errors import UsageError


def rules_command(
    name: str | None = typer.Argument(None, help="Show this rule's full documentation."),
    fmt: str = typer.Option("text", "--format", "-f", metavar="text|markdown", help=FORMAT_HELP),
) -> None:
    """List every rule with its category, severity and summary, or document one rule (a
    renamed rule's old name shows the rule under its new name, with a note)."""
    from devcon.rules.catalog import all_rules, rename_note, renamed, rules_by_name
    from devcon.rules.docs import rule_list, rule_text, rules_markdown

    if fmt not in ("text", "markdown"):
        raise UsageError(f"--format: unknown format {fmt!r} (choose from text, markdown)")
    catalog = all_rules()
    if name is None:
        typer.echo(rules_markdown(catalog) if fmt == "markdown" else rule_list(catalog), nl=False)
        return
    if name in renamed():
        say(f"devcon: note: {rename_note(name)}", err=True)
        name = renamed()[name]
    rule = rules_by_name().get(name)
    if rule is None:
        close = difflib.get_close_matches(name, list(rules_by_name()), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise UsageError(f"unknown rule '{name}'{hint}; `devcon rules` lists them")
    typer.echo(rules_markdown([rule]) if fmt == "markdown" else rule_text(rule), nl=False)


def register(app: typer.Typer) -> None:
    app.command(name="rules")(rules_command)
