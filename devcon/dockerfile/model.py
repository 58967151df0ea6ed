"""What a parsed Dockerfile is: instructions with their lines, grouped into stages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

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

    @property
    def is_external(self) -> bool:
        """FROM names an image (not an earlier stage, not scratch)."""
        return self.parent is None and (self.resolved_base or self.base).lower() != "scratch"


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

    def stage(self, name_or_index: str) -> Stage | None:
        """The stage with this alias (case-insensitive) or index."""
        lowered = name_or_index.lower()
        for stage in self.stages:
            if stage.name == lowered:
                return stage
        if name_or_index.isdigit() and int(name_or_index) < len(self.stages):
            return self.stages[int(name_or_index)]
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
