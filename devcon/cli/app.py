"""The typer application and the in-process entry point `main(argv) -> int`."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import typer

from devcon import __version__
from devcon.cli.flags import flag_words
from devcon.cli.hints import worded
from devcon.errors import EXIT_INTERNAL, EXIT_USAGE, DevconError

app = typer.Typer(
    name="devcon",
    help="Keep VS Code dev containers reproducible: validate, pin, parity, compat.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"devcon {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Keep VS Code dev containers reproducible."""


def _register() -> None:
    from devcon.cli import (
        compat_cmd,
        config_cmd,
        images_cmd,
        init_cmd,
        parity_cmd,
        pin_cmd,
        rules_cmd,
        validate_cmd,
    )

    init_cmd.register(app)
    validate_cmd.register(app)
    rules_cmd.register(app)
    pin_cmd.register(app)
    parity_cmd.register(app)
    compat_cmd.register(app)
    config_cmd.register(app)
    images_cmd.register(app)


_register()

_COMMAND: typer.core.TyperGroup | None = None


def cli_command() -> typer.core.TyperGroup:
    """The click command typer builds from `app`, built once, with every option that takes a
    value given a metavar: the one declared (choices, `HOST[:PORT]`, ...), else the option's
    name in capitals (the vendored click would show its type as `<str>`)."""
    global _COMMAND
    if _COMMAND is None:
        command = typer.main.get_command(app)
        assert isinstance(command, typer.core.TyperGroup)
        _fill_metavars(command)
        _COMMAND = command
    return _COMMAND


def _fill_metavars(command: object) -> None:
    for param in getattr(command, "params", []):
        flag = getattr(param, "is_flag", False) or getattr(param, "count", False)
        if param.param_type_name == "option" and not flag and param.metavar is None:
            param.metavar = max(param.opts, key=len).lstrip("-").replace("-", "_").upper()
    for sub in getattr(command, "commands", {}).values():
        _fill_metavars(sub)


def _say(text: str) -> None:
    """devcon's error line on stderr, through the output seam: credentials redacted, control
    characters (newlines too) escaped, so one line whatever the input held."""
    from devcon.output_safety import safe_line

    print(safe_line(text), file=sys.stderr)


def _usage_text(exc: Exception) -> str:
    """What click would show for its usage error (to a buffer, to be passed to `_say`)."""
    import io

    buffer = io.StringIO()
    exc.show(file=buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    """Run devcon in-process with `argv` (without the program name); return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        with flag_words():
            result = cli_command().main(args=args, prog_name="devcon", standalone_mode=False)
    except DevconError as exc:
        _say(f"devcon: {worded(exc.text)}")
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:  # shell completion's options and answers end with sys.exit
        return 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 1
    except typer.Abort:
        _say("devcon: aborted")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _say("devcon: interrupted")
        return 130
    except Exception as exc:  # click's usage errors: show them as click would
        show = getattr(exc, "show", None)
        code = getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            for line in _usage_text(exc).rstrip("\n").split("\n"):
                _say(line)
            return code
        if os.environ.get("DEVCON_DEBUG"):
            raise
        _say(
            f"devcon: internal error: {type(exc).__name__}: {exc} "
            "(a bug: set DEVCON_DEBUG=1 for the traceback and report it)"
        )
        return EXIT_INTERNAL
    return result if isinstance(result, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
