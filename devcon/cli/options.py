"""Options shared by several commands, each declared (and its help written) once, and turning
them into plain values: settings, registry settings, the report format, the output file."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from devcon.config import Settings, find_config, load_settings
from devcon.errors import UsageError
from devcon.findings import Severity
from devcon.profile import Profile
from devcon.report.registry import (
    OutputFormat,
    UnknownFormat,
    format_named,
    formats_for,
)

if TYPE_CHECKING:
    from devcon.registry.factory import RegistrySettings

MIRROR_HELP = (
    "Resolve Docker Hub references through this registry, given as HOST[:PORT] without a "
    "scheme: HTTPS, or plain HTTP when HOST is loopback or named with --insecure-registry "
    "(default: the config's registry-mirror, else none: Docker Hub itself)."
)

PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(help="Files or folders (default: the current folder).", show_default=False),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Use this devcon config file (default: the nearest .devcon.toml, or pyproject.toml "
        "with [tool.devcon], from the current folder up).",
    ),
]
NoConfigOption = Annotated[bool, typer.Option("--no-config", help="Ignore config files.")]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the report to this file, atomically (default: standard output).",
    ),
]
InsecureRegistryOption = Annotated[
    list[str] | None,
    typer.Option(
        "--insecure-registry",
        metavar="HOST[:PORT]",
        help="Allow plain HTTP to this registry, repeatable (default: only the config's "
        "insecure-registries).",
    ),
]
RegistryMirrorOption = Annotated[
    str | None, typer.Option("--registry-mirror", metavar="HOST[:PORT]", help=MIRROR_HELP)
]
TimeoutOption = Annotated[
    float,
    typer.Option(
        "--timeout",
        metavar="SECONDS",
        help="Deadline in seconds of each registry request (all of it).",
    ),
]
SelectOption = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        metavar="RULE[,RULE]",
        help="Run only these rules or categories, comma-separated, repeatable; `devcon rules` "
        "lists them (default: the config's select, else all).",
    ),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        metavar="RULE[,RULE]",
        help="Do not run these rules or categories, comma-separated, repeatable (default: only "
        "the config's ignore).",
    ),
]
FailOnOption = Annotated[
    str | None,
    typer.Option(
        "--fail-on",
        metavar="|".join(s.value for s in reversed(Severity)),
        help="Exit 1 on findings at or above this severity (default: the config's, else error).",
    ),
]
VscodeOption = Annotated[
    str | None,
    typer.Option(
        "--vscode",
        metavar="stable|insiders|X.Y",
        help="The VS Code to judge for: stable, insiders or X.Y (default: the config's, else "
        "stable).",
    ),
]
ProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile",
        metavar="|".join(p.value for p in Profile),
        help="Hold Dockerfiles to the dev or prod rule set (default: dev for Dockerfiles a "
        "devcontainer.json uses, prod for others).",
    ),
]
# Options several commands take with one meaning, so one name, help and default; what an
# option does in a particular command is said in that command's description (its docstring).
OfflineOption = Annotated[
    bool,
    typer.Option(
        "--offline",
        help="Read no registry over the network: use only what this machine has (devcon's "
        "cache, the local Docker Engine: the description above says which).",
    ),
]
PlatformOption = Annotated[
    str | None,
    typer.Option(
        "--platform",
        metavar="OS/ARCH[/VARIANT]",
        help="Use this platform of multi-platform images, e.g. linux/arm64 (default: as the "
        "description above says).",
    ),
]
DryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", help="Change nothing: show what would be written or removed."),
]
CheckOption = Annotated[
    bool,
    typer.Option(
        "--check",
        help="For CI: exit 1 when a reference needs work (the description above says what).",
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace files that exist already.")]
FORMAT_HELP = "The report's format."


QuietOption = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Findings only: no summary or trailer lines (text format)."),
]
VerboseOption = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="Also tell, on stderr, what was read and from where (config file, files, images) "
        "and what was skipped and why.",
    ),
]


def _format_option(result_type: str) -> typer.models.OptionInfo:
    choices = "|".join(f.value for f in formats_for(result_type))
    return typer.Option("--format", "-f", metavar=choices, help=FORMAT_HELP)


@dataclass(frozen=True)
class ReportOptions:
    """What `reporting_command` adds to a command, as one value: the report format and file,
    the devcon config to read, and the registry options."""

    format: OutputFormat
    output: Path | None
    config: Path | None
    no_config: bool
    insecure: list[str] | None
    mirror: str | None
    timeout: float
    # with `reporting_command(..., rules=True)`: which rules run, and the threshold
    select: list[str] | None = None
    ignore: list[str] | None = None
    fail_on: str | None = None
    # --quiet: findings only (text); --verbose: what was read and skipped, on stderr
    quiet: bool = False
    verbose: bool = False

    def settings(self, vscode: str | None = None, tools: list[str] | None = None) -> Settings:
        """The devcon config (unless `--no-config`), with the options on top."""
        return settings_from(
            self.config, self.no_config, self.select, self.ignore, self.fail_on, vscode, tools
        )

    def registry(self, settings: Settings, offline: bool = False) -> RegistrySettings:
        return registry_settings(settings, self.insecure, self.mirror, self.timeout, offline)


def _shared_parameters(result_type: str, rules: bool) -> list[inspect.Parameter]:
    keyword = inspect.Parameter.KEYWORD_ONLY
    shared: list[tuple[str, Any, Any]] = [
        ("fmt", Annotated[str, _format_option(result_type)], "text"),
        ("output", OutputOption, None),
        ("quiet", QuietOption, False),
        ("verbose", VerboseOption, False),
    ]
    if rules:
        shared += [("select", SelectOption, None), ("ignore", IgnoreOption, None)]
        shared += [("fail_on", FailOnOption, None)]
    shared += [
        ("config", ConfigOption, None),
        ("no_config", NoConfigOption, False),
        ("insecure", InsecureRegistryOption, None),
        ("mirror", RegistryMirrorOption, None),
        ("timeout", TimeoutOption, 10.0),
    ]
    return [inspect.Parameter(n, keyword, annotation=a, default=d) for n, a, d in shared]


def reporting_command(
    result_type: str, rules: bool = False
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give a command the options every reporting command takes (`--format` with the formats
    `result_type` renders in, `-o`, `--quiet`, `--verbose`, `--config`, `--no-config` and the
    registry options; with `rules`, also `--select`, `--ignore` and `--fail-on`), declared here
    once; the command gets them as one `report: ReportOptions` argument."""

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        own = inspect.signature(command, eval_str=True)
        kept = [p for p in own.parameters.values() if p.name != "report"]
        shared = _shared_parameters(result_type, rules)
        names = [p.name for p in shared]

        @functools.wraps(command)
        def with_shared(**values: Any) -> None:
            given = {name: values.pop(name) for name in names}
            given["format"] = parse_format(given.pop("fmt"), result_type)
            if given["quiet"] and given["verbose"]:
                raise UsageError("--quiet and --verbose do not go together")
            command(**values, report=ReportOptions(**given))

        parameters = kept + shared
        with_shared.__signature__ = own.replace(parameters=parameters)  # type: ignore[attr-defined]
        with_shared.__annotations__ = {p.name: p.annotation for p in parameters}
        return with_shared

    return decorate


def parse_format(value: str, result_type: str = "Report") -> OutputFormat:
    try:
        return format_named(value, result_type)
    except UnknownFormat as exc:
        choices = ", ".join(f.value for f in exc.choices)
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


def parse_platform(value: str | None) -> str | None:
    """`--platform` as os/arch[/variant], lower-cased; a usage error naming the flag."""
    if value is None:
        return None
    from devcon.registry.client import check_platform

    try:
        return check_platform(value)
    except UsageError as exc:
        raise UsageError(f"--platform: {exc.message}") from None


def split_names(values: list[str] | None) -> list[str] | None:
    """`--select a,b --select c` -> [a, b, c]."""
    if values is None:
        return None
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def settings_from(
    config: Path | None,
    no_config: bool,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    fail_on: str | None = None,
    vscode: str | None = None,
    tools: list[str] | None = None,
) -> Settings:
    if config is not None and not config.is_file():
        raise UsageError(f"--config: no such file: {config}")
    path = None if no_config else (config or find_config(Path.cwd()))
    selected = split_names(select)
    if selected == []:
        raise UsageError("--select: no rule or category named (`devcon rules` lists them)")
    settings = load_settings(path).with_overrides(
        select=selected,
        ignore=split_names(ignore),
        fail_on=parse_severity("--fail-on", fail_on),
        vscode=vscode,
        tools=_tools(tools),
    )
    for note in settings.notes:  # an old rule name read as the new one
        say(f"devcon: note: {note}", err=True)
    return settings


def registry_settings(
    settings: Settings,
    insecure: list[str] | None,
    mirror: str | None,
    timeout: float,
    offline: bool = False,
) -> RegistrySettings:
    """The registry client's settings: the options on top of the devcon config's, checked
    (a usage error naming the flag or the config key) before any request is made."""
    from devcon.registry.factory import RegistrySettings, check_mirror

    if timeout <= 0:
        raise UsageError(f"--timeout: {timeout:g} is not a positive number of seconds")
    if mirror is not None:
        mirror = check_mirror(mirror, "--registry-mirror")
    elif settings.registry_mirror is not None:
        mirror = check_mirror(settings.registry_mirror, "registry-mirror (devcon config)")
    return RegistrySettings(
        insecure_registries=frozenset([*settings.insecure_registries, *(insecure or [])]),
        registry_mirror=mirror,
        offline=offline,
        timeout=timeout,
    )


_TOOL_FLAGS = ("codespaces",)

ToolsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tools",
        metavar="|".join(_TOOL_FLAGS),
        help="Also check the limits of these supporting tools, comma-separated, repeatable "
        "(default: the config's tools, else none).",
    ),
]


def _tools(values: list[str] | None) -> list[str] | None:
    names = split_names(values)
    for name in names or ():
        if name not in _TOOL_FLAGS:
            raise UsageError(f"--tools: unknown tool {name!r} (known: {', '.join(_TOOL_FLAGS)})")
    return names


def say(text: str, nl: bool = True, err: bool = False) -> None:
    """Print a message or listing (not a report: those come from `report.render`) through
    the output seam: credentials redacted, control characters escaped; `err`: on stderr."""
    from devcon.output_safety import safe_text

    typer.echo(safe_text(text), nl=nl, err=err)


def write_output(text: str, output: Path | None) -> None:
    """Print, or write atomically to a file, a report from `report.render` (which has passed
    it through the output seam already)."""
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


def parse_vscode(value: str | None, settings: Settings) -> str:
    """`--vscode`, else the config's `vscode`, checked; a usage error naming where it came from."""
    from devcon.compat.knowledge import target_for

    given, source = (value, "--vscode") if value else (settings.vscode, "vscode (devcon config)")
    try:
        target_for(given)
    except UsageError as exc:
        raise UsageError(f"{source}: {exc.message}") from None
    return given


# `--format` of `devcon images` and `devcon prune` (no registry, no rules: they read the
# local engine only)
ImagesFormatOption = Annotated[str, _format_option("ImagesResult")]
PruneFormatOption = Annotated[str, _format_option("PruneResult")]
