"""What a parsed Dockerfile is: instructions with their lines, grouped into stages; a RUN's
script parsed once (commands, their package-manager reading, word positions in the file)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from devcon.dockerfile import shell
from devcon.dockerfile.packages import PackageCommand, package_command
from devcon.dockerfile.shell import Command, Words

KNOWN_INSTRUCTIONS = frozenset(
    {
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    }
)


@dataclass(frozen=True)
class Flag:
    """A `--name=value` (or `--name`) flag before an instruction's arguments.

    `line`/`column` (1-based, columns in characters) are where the value starts in the file,
    inside its quotes if it is quoted; 0 when unknown (a Flag built by hand)."""

    name: str
    value: str | None
    line: int = field(default=0, compare=False)
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Heredoc:
    """`<<EOF ... EOF` body attached to an instruction (RUN, COPY, ADD)."""

    name: str
    body: str
    line: int  # line of the first body line


@dataclass(frozen=True)
class Instruction:
    """One instruction. `args` has line continuations joined and inner comment lines dropped;
    `flags` are the leading `--x=y` flags, removed from `args`."""

    keyword: str  # upper case
    args: str
    line: int  # 1-based line of the keyword
    column: int
    end_line: int
    flags: tuple[Flag, ...] = ()
    json_args: tuple[str, ...] | None = None  # exec (JSON array) form
    heredocs: tuple[Heredoc, ...] = ()
    original: str = ""
    escape: str = field(default="\\", compare=False, repr=False)  # the file's escape char

    @cached_property
    def script(self) -> RunScript:
        """The shell script this instruction runs (RUN), tokenized and parsed once."""
        return _parse_script(self)

    def flag(self, name: str) -> str | None:
        """The last value of a flag (None if absent or valueless)."""
        value = None
        for flag in self.flags:
            if flag.name == name:
                value = flag.value if flag.value is not None else ""
        return value

    def has_flag(self, name: str) -> bool:
        return any(flag.name == name for flag in self.flags)

    def flag_values(self, name: str) -> list[str]:
        return [f.value or "" for f in self.flags if f.name == name]

    def find(self, text: str) -> tuple[int, int]:
        """Line and column of `text` in the instruction as written, after the keyword (the
        keyword's position when it is not found)."""
        for offset, source in enumerate(self.original.split("\n")):
            start = source.find(text, self.column - 1 + len(self.keyword) if offset == 0 else 0)
            if start >= 0:
                return self.line + offset, start + 1
        return self.line, self.column


@dataclass(frozen=True)
class KeyValue:
    """A `key=value` pair of ENV, ARG or LABEL, with its position."""

    key: str
    value: str | None  # None: ARG without a default
    line: int
    column: int


@dataclass(frozen=True)
class Stage:
    """A build stage: its FROM and the instructions up to the next FROM."""

    index: int
    name: str | None  # the AS alias, lower-cased
    base: str  # the image as written (after flags)
    resolved_base: str | None  # after ARG substitution; None when a variable is unknown
    platform: str | None
    from_instruction: Instruction
    instructions: tuple[Instruction, ...]  # without the FROM
    parent: int | None  # index of the earlier stage this FROM names, if any


@dataclass(frozen=True)
class SyntaxProblem:
    line: int
    column: int
    message: str


@dataclass(frozen=True)
class Comment:
    line: int
    text: str
    own_line: bool = True


@dataclass(frozen=True)
class Dockerfile:
    path: Path
    text: str
    instructions: tuple[Instruction, ...]
    stages: tuple[Stage, ...]
    global_args: Mapping[str, str | None] = field(default_factory=dict)
    escape: str = "\\"
    problems: tuple[SyntaxProblem, ...] = ()
    comments: tuple[Comment, ...] = ()

    @property
    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def built_stage(self, target: str | None = None) -> Stage | None:
        """The stage a build produces: `target` (build.target, compose `target:`) when this
        file has it, else the last stage."""
        if target:
            stage = self.stage(target)
            if stage is not None:
                return stage
        return self.final_stage

    @cached_property
    def _stages_by_name(self) -> dict[str, Stage]:
        """Each alias to its first stage, built once (a lookup per COPY --from is O(1))."""
        names: dict[str, Stage] = {}
        for stage in self.stages:
            if stage.name is not None:
                names.setdefault(stage.name, stage)
        return names

    def stage(self, name_or_index: str) -> Stage | None:
        """The stage with this alias (case-insensitive) or index. Only a short ASCII number
        is an index: `²` is a digit to str.isdigit() but not to int(), and a number of
        thousands of digits is past int()'s limit (and past any Dockerfile's stages)."""
        found = self._stages_by_name.get(name_or_index.lower())
        if found is not None:
            return found
        if name_or_index.isascii() and name_or_index.isdigit() and len(name_or_index) < 10:
            index = int(name_or_index)
            if index < len(self.stages):
                return self.stages[index]
        return None

    def root_stage(self, stage: Stage) -> Stage:
        """Follow FROM <earlier stage> links to the stage that names an external image."""
        seen = set()
        while stage.parent is not None and stage.index not in seen:
            seen.add(stage.index)
            stage = self.stages[stage.parent]
        return stage


def run_script(instruction: Instruction) -> str:
    """The shell text a RUN executes: its arguments, heredoc scripts, or exec-form words."""
    if instruction.json_args is not None:
        return " ".join(instruction.json_args)
    if instruction.heredocs and instruction.args.lstrip().startswith("<<"):
        return "\n".join(h.body for h in instruction.heredocs)
    if instruction.heredocs:
        # `RUN bash <<EOF` and the like: the body is the script too
        return instruction.args + "\n" + "\n".join(h.body for h in instruction.heredocs)
    return instruction.args


@dataclass(frozen=True)
class LocatedCommand:
    """A simple command of a RUN, with where its words are in the Dockerfile."""

    command: Command
    package: PackageCommand | None

    @property
    def offset(self) -> int:
        """Offset of the program word in the script text (-1: not known)."""
        return self.command.offset

    @property
    def offsets(self) -> tuple[int, ...]:
        """Offset of each word in the script text (-1: not known)."""
        return self.command.offsets


@dataclass(frozen=True)
class RunScript:
    """A RUN instruction's shell text, its commands in order, and a map back to positions."""

    instruction: Instruction = field(compare=False, repr=False)
    text: str
    positions: PositionMap = field(repr=False)
    words: Words  # every word of the script (not of scripts inside it), in order
    commands: tuple[LocatedCommand, ...]  # simple commands, scripts inside (`sh -c`) included
    # the script has more than shell.MAX_COMMANDS commands: `commands` holds the first ones
    more_commands: bool = False

    def position(self, offset: int) -> tuple[int, int]:
        if 0 <= offset < len(self.positions):
            return self.positions[offset]
        return self.instruction.line, self.instruction.column

    def at_command(self, located: LocatedCommand) -> tuple[int, int]:
        return self.position(located.offset)

    def at_word(self, located: LocatedCommand, word: str, start: int = 1) -> tuple[int, int]:
        """Position of the first word equal to `word` (from index `start`), else the command."""
        words = located.command.words
        for index in range(start, len(words)):
            if words[index] == word and located.offsets[index] >= 0:
                return self.position(located.offsets[index])
        return self.at_command(located)

    def after(self, located: LocatedCommand) -> Iterator[LocatedCommand]:
        """Commands that come after this one in the RUN."""
        seen = False
        for other in self.commands:
            if seen:
                yield other
            elif other is located:
                seen = True


class PositionMap:
    """Where each character of a script is in the file, kept as runs of consecutive columns
    on one line (memory per line, not per character); `map[offset]` is (line, column)."""

    __slots__ = ("_length", "_places", "_starts")

    def __init__(self) -> None:
        self._starts: list[int] = []  # offset in the script where each run begins
        self._places: list[tuple[int, int]] = []  # (line, column) of each run's first char
        self._length = 0

    def add(self, line: int, column: int, count: int) -> None:
        """Append `count` characters from (line, column) on, one column each."""
        if count > 0:
            self._starts.append(self._length)
            self._places.append((line, column))
            self._length += count

    def extend(self, other: PositionMap, start: int = 0, stop: int | None = None) -> None:
        """Append the characters [start, stop) of `other`."""
        stop = other._length if stop is None else min(stop, other._length)
        k = max(0, bisect.bisect_right(other._starts, start) - 1)
        while start < stop and k < len(other._starts):
            run_end = other._starts[k + 1] if k + 1 < len(other._starts) else other._length
            if run_end > start:
                line, column = other._places[k]
                self.add(line, column + start - other._starts[k], min(run_end, stop) - start)
                start = min(run_end, stop)
            k += 1

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, offset: int) -> tuple[int, int]:
        if offset < 0:
            offset += self._length
        if not 0 <= offset < self._length:
            raise IndexError(offset)
        k = bisect.bisect_right(self._starts, offset) - 1
        line, column = self._places[k]
        return line, column + offset - self._starts[k]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PositionMap):
            return NotImplemented
        return (self._starts, self._places, self._length) == (
            other._starts,
            other._places,
            other._length,
        )

    __hash__ = None  # type: ignore[assignment]


def _logical(instruction: Instruction) -> tuple[str, PositionMap]:
    """The instruction's lines joined as the parser joins them, with each char's position."""
    lines = instruction.original.split("\n")
    continuation = re.compile(re.escape(instruction.escape) + r"[ \t]*$")
    parts: list[str] = []
    where = PositionMap()

    def add(text: str, index: int) -> None:
        parts.append(text)
        where.add(instruction.line + index, 1, len(text))

    i = 0
    while i < len(lines):
        line = lines[i]
        if continuation.search(line) and i + 1 < len(lines):
            add(continuation.sub("", line), i)
            i += 1
            while i < len(lines) and (lines[i].strip().startswith("#") or not lines[i].strip()):
                i += 1
            continue
        add(line, i)
        break
    return "".join(parts), where


def _script_with_positions(instruction: Instruction) -> tuple[str, PositionMap]:
    """The script and where each of its characters is; an empty map when that is not known
    (RunScript.position then answers the instruction's own position)."""
    text = run_script(instruction)
    unknown = PositionMap()
    if instruction.json_args is not None:
        return text, unknown
    logical, where = _logical(instruction)
    args = instruction.args
    start = len(logical.rstrip()) - len(args)
    if start < 0 or logical[start : start + len(args)] != args:
        start = logical.find(args)
        if start < 0:
            return text, unknown
    args_where = PositionMap()
    args_where.extend(where, start, start + len(args))
    body_where = PositionMap()
    for number, heredoc in enumerate(instruction.heredocs):
        if number:
            previous = body_where[-1] if len(body_where) else (heredoc.line, 1)
            body_where.add(*previous, 1)
        for offset, body_line in enumerate(heredoc.body.split("\n")):
            if offset:
                body_where.add(heredoc.line + offset - 1, len(body_line) + 1, 1)
            body_where.add(heredoc.line + offset, 1, len(body_line))
    if instruction.heredocs and args.lstrip().startswith("<<"):
        positions = body_where
    elif instruction.heredocs:
        positions = PositionMap()
        positions.extend(args_where)
        last = args_where[-1] if len(args_where) else (instruction.line, instruction.column)
        positions.add(*last, 1)
        positions.extend(body_where)
    else:
        positions = args_where
    if len(positions) != len(text):
        return text, unknown
    return text, positions


def _parse_script(instruction: Instruction) -> RunScript:
    text, positions = _script_with_positions(instruction)
    tokens = shell.tokenize(text)
    found = shell.commands(tokens, limit=shell.MAX_COMMANDS + 1)
    located = tuple(LocatedCommand(c, package_command(c)) for c in found[: shell.MAX_COMMANDS])
    more = len(found) > shell.MAX_COMMANDS
    return RunScript(instruction, text, positions, tokens.words(), located, more)


def mount_options(value: str) -> dict[str, str]:
    options: dict[str, str] = {}
    for part in value.split(","):
        key, _, val = part.partition("=")
        options[key.strip().lower()] = val.strip().strip("\"'")
    return options


def mount_targets(instruction: Instruction, types: frozenset[str]) -> list[str]:
    """Targets of `RUN --mount=type=X,target=...` mounts of the given types."""
    targets = []
    for mount in instruction.flag_values("mount"):
        options = mount_options(mount)
        if options.get("type", "bind") not in types:
            continue
        target = options.get("target") or options.get("dst") or options.get("destination")
        if target:
            targets.append(target)
    return targets
