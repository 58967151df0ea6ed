"""Options shared by several commands, and turning them into plain values."""

from __future__ import annotations

from pathlib import Path

from devcon.config import Settings, find_config, load_settings
from devcon.errors import UsageError
from devcon.findings import Severity
from devcon.report import OutputFormat
from devcon.rules.base import Profile


def parse_format(value: str) -> OutputFormat:
    try:
        return OutputFormat(value)
    except ValueError:
        choices = ", ".join(f.value for f in OutputFormat)
        raise UsageError(f"--format: unknown format {value!r} (choose from {choices})") from None


def parse_severity(option: str, value: str | None) -> Severity | None:
    if value is None:
        return None
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def parse_profile(value: str | None) -> Profile | None:
    if value is None:
        return None
    try:
        return Profile(value)
    except ValueError:
        raise UsageError(f"--profile: unknown profile {value!r} (choose from dev, prod)") from None


def split_names(values: list[str] | None) -> list[str] | None:
    """`--select a,b --select c` -> [a, b, c]."""
    if values is None:
        return None
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def settings_from(
    config: Path | None,
    no_config: bool,
    select: list[str] | None,
    ignore: list[str] | None,
    fail_on: str | None,
    vscode: str | None = None,
    tools: list[str] | None = None,
) -> Settings:
    if config is not None and not config.is_file():
        raise UsageError(f"--config: no such file: {config}")
    path = None if no_config else (config or find_config(Path.cwd()))
    selected = split_names(select)
    if selected == []:
        raise UsageError("--select: no rule or category named (`devcon rules` lists them)")
    return load_settings(path).with_overrides(
        select=selected,
        ignore=split_names(ignore),
        fail_on=parse_severity("--fail-on", fail_on),
        vscode=vscode,
        tools=_tools(tools),
    )


KNOWN_TOOLS = ("codespaces",)


def _tools(values: list[str] | None) -> list[str] | None:
    names = split_names(values)
    for name in names or ():
        if name not in KNOWN_TOOLS:
            raise UsageError(f"--tools: unknown tool {name!r} (known: {', '.join(KNOWN_TOOLS)})")
    return names


def write_output(text: str, output: Path | None) -> None:
    """Print, or write atomically to a file."""
    if output is None:
        import sys

        sys.stdout.write(text)
        return
    from devcon.errors import InputError
    from devcon.fileio import atomic_write_text

    if output.is_dir():
        raise UsageError(f"--output {output}: is a folder; name the report file")
    try:
        atomic_write_text(output, text)
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror or exc}", str(output)) from None
