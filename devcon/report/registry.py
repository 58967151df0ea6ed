"""The one registry of formatters, keyed by (result type, format), and `render` over it.

Result types are named by their class name, and formatters by "module:function", so that a
command's `--format` help (`format_names`) is built without importing the result's module or
its formatters: only `render` imports the one formatter it calls."""

from __future__ import annotations

import enum
import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from devcon.rules.base import Rule


class OutputFormat(enum.Enum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"
    GITLAB = "gitlab"


#: a formatter: the result, and the rules that ran (SARIF lists them), to the report's text
Formatter = Callable[[Any, Sequence["Rule"]], str]

_TEXT, _JSON, _SARIF, _GITHUB, _GITLAB = OutputFormat
_REPORT = "devcon.report"

#: (result class name, format) -> "module:function"
FORMATTERS: dict[tuple[str, OutputFormat], str] = {
    # validate (and any run of rules over files): devcon.report.Report
    ("Report", _TEXT): f"{_REPORT}.text:render_text",
    ("Report", _JSON): f"{_REPORT}.json_report:render_json",
    ("Report", _SARIF): f"{_REPORT}.sarif:render_sarif",
    ("Report", _GITHUB): f"{_REPORT}.github:render_github",
    ("Report", _GITLAB): f"{_REPORT}.gitlab:render_gitlab",
    # pin: devcon.pin.PinResult; outdated: devcon.pin.OutdatedResult (a PinResult)
    ("PinResult", _TEXT): f"{_REPORT}.pin_report:render_pin_text",
    ("PinResult", _JSON): f"{_REPORT}.pin_report:render_pin_json",
    ("PinResult", _SARIF): f"{_REPORT}.pin_report:render_pin_sarif",
    ("PinResult", _GITHUB): f"{_REPORT}.pin_report:render_pin_github",
    ("PinResult", _GITLAB): f"{_REPORT}.pin_report:render_pin_gitlab",
    ("OutdatedResult", _TEXT): f"{_REPORT}.pin_report:render_outdated_text",
    ("OutdatedResult", _JSON): f"{_REPORT}.pin_report:render_pin_json",
    ("OutdatedResult", _SARIF): f"{_REPORT}.pin_report:render_pin_sarif",
    ("OutdatedResult", _GITHUB): f"{_REPORT}.pin_report:render_pin_github",
    ("OutdatedResult", _GITLAB): f"{_REPORT}.pin_report:render_pin_gitlab",
    # parity: no file positions, so no SARIF
    ("ParityResult", _TEXT): f"{_REPORT}.parity_report:render_parity_text",
    ("ParityResult", _JSON): f"{_REPORT}.parity_report:render_parity_json",
    ("ParityResult", _GITHUB): f"{_REPORT}.parity_report:render_parity_github",
    # compat: devcon.compat.check.CompatResult
    ("CompatResult", _TEXT): f"{_REPORT}.compat_report:render_compat_text",
    ("CompatResult", _JSON): f"{_REPORT}.compat_report:render_compat_json",
    ("CompatResult", _SARIF): f"{_REPORT}.compat_report:render_compat_sarif",
    ("CompatResult", _GITHUB): f"{_REPORT}.compat_report:render_compat_github",
    ("CompatResult", _GITLAB): f"{_REPORT}.compat_report:render_compat_gitlab",
    # images / prune: devcon.local_images.ImagesResult / PruneResult (no file positions)
    ("ImagesResult", _TEXT): f"{_REPORT}.local_images_report:render_images_text",
    ("ImagesResult", _JSON): f"{_REPORT}.local_images_report:render_images_json",
    ("PruneResult", _TEXT): f"{_REPORT}.local_images_report:render_prune_text",
    ("PruneResult", _JSON): f"{_REPORT}.local_images_report:render_prune_json",
}


#: result class name -> the text formatter `--quiet` asks for: the findings only, without the
#: summary and trailer lines (other formats are whole documents and stay as they are)
QUIET_TEXT: dict[str, str] = {
    "Report": f"{_REPORT}.text:render_text_findings",
    "PinResult": f"{_REPORT}.pin_report:render_pin_findings",
    "OutdatedResult": f"{_REPORT}.pin_report:render_outdated_findings",
    "ParityResult": f"{_REPORT}.parity_report:render_parity_findings",
    "CompatResult": f"{_REPORT}.compat_report:render_compat_findings",
}


def formats_for(result_type: str) -> tuple[OutputFormat, ...]:
    """The formats a result of this type (its class name) renders in, in OutputFormat order."""
    return tuple(f for f in OutputFormat if (result_type, f) in FORMATTERS)


def format_names(result_type: str) -> str:
    """`text, json or github`: the choices for a command's help."""
    names = [f.value for f in formats_for(result_type)]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


class UnknownFormat(ValueError):
    """No formatter renders this result type in this format."""

    def __init__(self, value: str, choices: Sequence[OutputFormat]) -> None:
        super().__init__(value)
        self.value = value
        self.choices = tuple(choices)


def format_named(value: str, result_type: str) -> OutputFormat:
    """The format named `value`, if `result_type` renders in it; else UnknownFormat."""
    choices = formats_for(result_type)
    for fmt in choices:
        if fmt.value == value:
            return fmt
    raise UnknownFormat(value, choices)


def render(
    result: object, fmt: OutputFormat, rules: Sequence[Rule] = (), quiet: bool = False
) -> str:
    """The report of `result` in `fmt`; `rules` are the rules that ran, for SARIF's list;
    `quiet`: in text, the findings only (QUIET_TEXT)."""
    name = type(result).__name__
    target = FORMATTERS.get((name, fmt))
    if quiet and fmt is OutputFormat.TEXT:
        target = QUIET_TEXT.get(name, target)
    if target is None:
        raise UnknownFormat(fmt.value, formats_for(name))
    from devcon.output_safety import safe_report

    return safe_report(load_formatter(target)(result, rules), fmt.value)


def load_formatter(target: str) -> Formatter:
    """The function a FORMATTERS entry ("module:function") names."""
    module, _, function = target.partition(":")
    found: Formatter = getattr(importlib.import_module(module), function)
    return found
