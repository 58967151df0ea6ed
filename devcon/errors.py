"""Exception families, each mapped to a documented exit code.

Exit codes: 0 clean; 1 findings at or above the failure threshold; 2 usage error or
unreadable input; 3 environment error (registry, engine, network);
70 internal error (a bug).
"""

from __future__ import annotations

from devcon.hints import Hinted, Text, plain

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_ENVIRONMENT = 3
EXIT_INTERNAL = 70  # a bug in devcon (EX_SOFTWARE); never expected


class DevconError(Exception):
    """Base of every error devcon reports to the user as one clean message.

    `text` may carry hints (advice naming a setting: devcon.hints); `message` shows them
    as `<hint>` until the CLI words them (`worded_as`)."""

    exit_code: int = EXIT_USAGE

    def __init__(self, message: Text) -> None:
        super().__init__(plain(message))
        self.text = message
        self.message = plain(message)

    @property
    def hinted(self) -> bool:
        return isinstance(self.text, Hinted)

    def worded_as(self, message: str) -> None:
        """The CLI's words for this error's hints (the same error, the message worded)."""
        self.text = self.message = message
        self.args = (message,)

    def __str__(self) -> str:
        return self.message


class UsageError(DevconError):
    """Bad options or arguments (exit 2)."""

    exit_code = EXIT_USAGE


class OptionError(UsageError):
    """A bad value of one of a request's settings (exit 2). `option` names the setting
    (`base`, `select`, ...; the CLI words it as its flag) and `problem` says what is wrong."""

    def __init__(self, option: str, problem: str) -> None:
        super().__init__(f"{option}: {problem}")
        self.option = option
        self.problem = problem


class InputError(DevconError):
    """A file that cannot be read or understood (exit 2).

    `location` is `path`, `path:line` or `path:line:column` when known.
    """

    exit_code = EXIT_USAGE

    def __init__(self, message: Text, location: str | None = None) -> None:
        super().__init__(f"{location}: " + message if location else message)
        self.location = location


class ConfigError(InputError):
    """Invalid devcon configuration (.devcon.toml or [tool.devcon]) (exit 2)."""


class EnvironmentProblem(DevconError):
    """Registry, engine or network trouble (exit 3)."""

    exit_code = EXIT_ENVIRONMENT
