"""What a rule is: its name, severity, doc and check, side by side in one module.

Each rule module under `devcon.rules` defines `RULE = Rule(...)`; `catalog.py` collects them,
so adding a rule is adding one module (plus its fixtures and test).
"""

from __future__ import annotations

import datetime
import enum
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from devcon import images
from devcon.dockerfile.requirements import RequirementFiles
from devcon.findings import Severity
from devcon.images import ImageUse
from devcon.profile import Profile

if TYPE_CHECKING:
    from devcon.compat.facts import ImageInfo
    from devcon.compat.knowledge import VSCodeTarget
    from devcon.compose import ComposeFile
    from devcon.dockerfile.model import Dockerfile
    from devcon.jsonc import JsoncDocument, JsoncSyntaxError


class Target(enum.Enum):
    """The kinds of file rules read."""

    DEVCONTAINER = "devcontainer"
    DOCKERFILE = "dockerfile"
    COMPOSE = "compose"
    IMAGE = "image"  # facts read from a real image (devcon compat)
    FEATURE = "feature"  # devcontainer-feature.json
    TEMPLATE = "template"  # devcontainer-template.json


class Category(enum.Enum):
    """Every rule belongs to one category; config can set a whole category's severity."""

    CORRECTNESS = "correctness"  # on by default, error
    SECURITY = "security"  # on by default, warning
    REPRODUCIBILITY = "reproducibility"  # on by default, warning
    STYLE = "style"  # on by default, info

    @property
    def default_severity(self) -> Severity:
        return _CATEGORY_SEVERITY[self]


_CATEGORY_SEVERITY = {
    Category.CORRECTNESS: Severity.ERROR,
    Category.SECURITY: Severity.WARNING,
    Category.REPRODUCIBILITY: Severity.WARNING,
    Category.STYLE: Severity.INFO,
}


@dataclass(frozen=True)
class RuleOptions:
    """Settings some rules read (from config)."""

    trusted_registries: tuple[str, ...] | None = None
    vscode: str = "stable"  # the VS Code compat rules judge for (stable, insiders, X.Y)
    tools: frozenset[str] = frozenset()  # supporting tools to check for, e.g. {"codespaces"}
    # the day end-of-life dates are judged against; None: the day validate runs
    today: datetime.date | None = None


@dataclass(frozen=True)
class RuleDoc:
    """A rule's documentation, under the same four headings for every rule."""

    what: str
    why: str
    example: str
    fix: str


@dataclass(frozen=True)
class Problem:
    """What a check reports; the engine adds the rule name, severity and (default) path."""

    line: int
    column: int
    message: str
    path: Path | None = None  # another file than the one checked (e.g. a requirements file)
    # this one problem's severity instead of the rule's default (a documented local default
    # is a warning where the rule's findings are errors); a severity configured for the rule
    # or its category still applies to every finding
    severity: Severity | None = None

    @classmethod
    def at(
        cls,
        where: Positioned,
        message: str,
        path: Path | None = None,
        severity: Severity | None = None,
    ) -> Problem:
        """A problem at the position of a value that carries one (a compose scalar, an
        instruction, a parser's syntax problem, ...)."""
        return cls(where.line, where.column, message, path, severity)


class Positioned(Protocol):
    """Anything with a 1-based line and column."""

    @property
    def line(self) -> int: ...

    @property
    def column(self) -> int: ...


@dataclass(frozen=True)
class Origin:
    """Where a merged value came from: a Feature or the base image's metadata label."""

    label: str  # e.g. "Feature ghcr.io/x/y:1", "image metadata of python:3.12"
    line: int  # where that origin is named in the config (the Feature key, the image)
    column: int


@dataclass(frozen=True)
class MergedConfig:
    """The configuration after merging image metadata and Features (--merge)."""

    value: Any
    origins: Mapping[tuple[str | int, ...], Origin]


@dataclass(frozen=True)
class ConfigContext:
    """A devcontainer.json (or a Feature / Template file) as rules see it: parsed, or with
    the syntax error that stopped it; with --merge, also the merged configuration."""

    path: Path
    text: str
    doc: JsoncDocument | None
    syntax_error: JsoncSyntaxError | None
    options: RuleOptions = RuleOptions()
    merged: Any = None  # the merged configuration (dict) under --merge, else None
    origins: Mapping[tuple[str | int, ...], Origin] = field(default_factory=dict)
    # the compose files the config uses as this run read them (by resolved path)
    compose_files: Mapping[Path, ComposeFile] = field(default_factory=dict)

    def compose_file(self, path: Path) -> ComposeFile:
        """A compose file the config uses: the model this run built, else read from disk
        (InputError when it cannot be read)."""
        known = self.compose_files.get(path.resolve())
        if known is not None:
            return known
        from devcon.compose import parse_compose
        from devcon.fileio import read_text

        return parse_compose(read_text(path), path)

    @property
    def is_feature(self) -> bool:
        """A Feature's devcontainer-feature.json: what it sets, it sets for every container
        that installs it."""
        return self.path.name == "devcontainer-feature.json"

    @property
    def value(self) -> Any:
        """What rules judge: the merged configuration under --merge, else the file's."""
        if self.merged is not None:
            return self.merged
        return self.doc.value if self.doc is not None else None

    def origin_of(self, pointer: tuple[str | int, ...]) -> Origin | None:
        parts = tuple(pointer)
        while parts:
            if parts in self.origins:
                return self.origins[parts]
            parts = parts[:-1]
        return None

    def report(self, pointer: tuple[str | int, ...], message: str, key: bool = False) -> Problem:
        """A problem at a value (or its key); a value that came from a Feature or the image
        is reported where that origin is named, with "(set by ...)"."""
        origin = self.origin_of(pointer)
        if origin is not None:
            return Problem.at(origin, f"{message} (set by {origin.label})")
        if self.doc is None:
            return Problem(1, 1, message)
        return self.at_key(pointer, message) if key else self.at_value(pointer, message)

    def report_merged(
        self, pointer: tuple[str | int, ...], message: str, key: bool = False
    ) -> Problem:
        """`report` for a pointer into `value`: under --merge, list indices of merged values
        the file sets are mapped to the file (merged lists such as capAdd or mounts put image
        and Feature entries first)."""
        if self.merged is not None and self.doc is not None and self.origin_of(pointer) is None:
            pointer = _file_pointer(self.doc.value, self.merged, pointer)
        return self.report(pointer, message, key=key)

    def at_value(self, pointer: tuple[str | int, ...], message: str) -> Problem:
        assert self.doc is not None
        line, col = self.doc.value_position(pointer)
        return Problem(line, col, message)

    def at_key(self, pointer: tuple[str | int, ...], message: str) -> Problem:
        assert self.doc is not None
        line, col = self.doc.key_position(pointer)
        return Problem(line, col, message)


# `${...}`, or `${` and the rest of the text when no `}` follows (not a variable; matching it
# keeps a search linear)
_VARIABLE = re.compile(r"\$\{[^}]*\}?")


def _same(raw: Any, merged: Any) -> bool:
    """Whether a value as written (with `${...}` variables) is the merged value (with them
    substituted)."""
    if raw == merged:
        return True
    raw_text = json.dumps(raw, sort_keys=True)
    if "${" not in raw_text:
        return False
    parts, last = [], 0
    for match in _VARIABLE.finditer(raw_text):
        if not match.group(0).endswith("}"):
            break
        parts.append(raw_text[last : match.start()])
        last = match.end()
    parts.append(raw_text[last:])
    return _wildcard_fullmatch(parts, json.dumps(merged, sort_keys=True))


def _wildcard_fullmatch(parts: list[str], text: str) -> bool:
    """Whether text is parts[0] + anything + parts[1] + ... + anything + parts[-1]: each inner
    part at its first place after the previous one (no regex, so no backtracking: a value
    with many variables stays linear in the text's length times their number)."""
    if len(parts) == 1:
        return text == parts[0]
    first, last = parts[0], parts[-1]
    end = len(text) - len(last)
    if end < len(first) or not text.startswith(first) or not text.endswith(last):
        return False
    position = len(first)
    for part in parts[1:-1]:
        found = text.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return True


def _file_pointer(raw: Any, merged: Any, pointer: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """The pointer in the file (`raw`) of a merged value the file itself sets."""
    out: list[str | int] = []
    for part in pointer:
        if isinstance(part, int) and isinstance(merged, list) and isinstance(raw, list):
            item = merged[part] if 0 <= part < len(merged) else None
            candidates = [part] if part < len(raw) else []
            candidates += [j for j in range(len(raw)) if j != part]
            index = next((j for j in candidates if _same(raw[j], item)), part)
            out.append(index)
            merged = item
            raw = raw[index] if 0 <= index < len(raw) else None
        else:
            out.append(part)
            merged = merged.get(part) if isinstance(merged, dict) else None
            raw = raw.get(part) if isinstance(raw, dict) else None
    return tuple(out)


@dataclass(frozen=True)
class DockerfileContext:
    """A Dockerfile as rules see it, with the profile it is held to and its build context."""

    path: Path
    dockerfile: Dockerfile
    profile: Profile
    context_dir: Path | None = None  # the build context, for files COPY'd or installed from
    options: RuleOptions = RuleOptions()
    target: str | None = None  # the stage the config or compose service builds (build.target)
    sidecar: bool = False  # built only for compose services VS Code does not attach to
    # the requirement files its RUNs install from: read once per run, shared by the rules
    requirements: RequirementFiles = field(default_factory=RequirementFiles, compare=False)

    @cached_property
    def image_uses(self) -> tuple[ImageUse, ...]:
        """The image references the file names, found once for every rule that reads them."""
        return tuple(images.in_dockerfile(self.dockerfile))

    @cached_property
    def built_base(self) -> tuple[ImageUse, ...]:
        """The external image the built stage starts from (images.built_base), found once."""
        return tuple(images.built_base(self.dockerfile, self.target, self.image_uses))


@dataclass(frozen=True)
class ComposeContext:
    """A compose file as rules see it."""

    path: Path
    compose: ComposeFile
    options: RuleOptions = RuleOptions()
    # the services a devcontainer.json attaches to (`service`): where VS Code runs; empty
    # for a compose file named on its own
    attached_services: frozenset[str] = frozenset()
    # the services the dev container starts (`service` plus `runServices`; compose also
    # starts what they depend on); None: every service (no `runServices`, or a compose file
    # named on its own)
    started_services: frozenset[str] | None = None


@dataclass(frozen=True)
class ImageContext:
    """An image as compat sees it: its facts (None when they could not be read at all), the
    VS Code it is judged for, and where the image is named."""

    image: str
    info: ImageInfo | None
    target: VSCodeTarget
    line: int = 1
    column: int = 1
    unavailable_platform: str | None = None  # the asked platform has no manifest
    available_platforms: tuple[str, ...] = ()
    # the day end-of-life dates are judged against (compat's request carries it)
    today: datetime.date = field(kw_only=True)


ConfigCheck = Callable[[ConfigContext], Iterable[Problem]]
ImageCheck = Callable[[ImageContext], Iterable[Problem]]
DockerfileCheck = Callable[[DockerfileContext], Iterable[Problem]]
ComposeCheck = Callable[[ComposeContext], Iterable[Problem]]

BOTH_PROFILES = frozenset({Profile.DEV, Profile.PROD})


@dataclass(frozen=True)
class Rule:
    """One rule: stable name, default severity, one-line summary, doc and check."""

    name: str
    category: Category
    summary: str
    doc: RuleDoc
    severity: Severity | None = None  # None: the category's default
    config: ConfigCheck | None = None
    dockerfile: DockerfileCheck | None = None
    compose: ComposeCheck | None = None
    image: ImageCheck | None = None
    feature: ConfigCheck | None = None  # devcontainer-feature.json
    template: ConfigCheck | None = None  # devcontainer-template.json
    tools: frozenset[str] = frozenset()  # run only when one of these tools is asked for
    profiles: frozenset[Profile] = BOTH_PROFILES
    enabled_by_default: bool = True

    def __post_init__(self) -> None:
        if not self.name or self.name != self.name.lower() or " " in self.name:
            raise ValueError(f"rule names are lower-case-with-dashes: {self.name!r}")
        if not self.targets:
            raise ValueError(f"rule {self.name} checks nothing")

    @property
    def default_severity(self) -> Severity:
        return self.severity or self.category.default_severity

    @property
    def targets(self) -> tuple[Target, ...]:
        checks = (
            (Target.DEVCONTAINER, self.config),
            (Target.DOCKERFILE, self.dockerfile),
            (Target.COMPOSE, self.compose),
            (Target.IMAGE, self.image),
            (Target.FEATURE, self.feature),
            (Target.TEMPLATE, self.template),
        )
        return tuple(target for target, check in checks if check is not None)

    @property
    def applies_to(self) -> str:
        """Targets (and a profile restriction) in words, for docs and listings."""
        text = ", ".join(t.value for t in self.targets)
        if self.profiles != BOTH_PROFILES:
            text += " (" + "/".join(sorted(p.value for p in self.profiles)) + " profile)"
        if self.tools:
            text += " (with --tools " + ",".join(sorted(self.tools)) + ")"
        return text
