"""A Dockerfile parser that keeps every instruction's line.

Handles parser directives (`# escape=`), comments (also inside continuations), line
continuations, heredocs (`<<EOF`, `<<-EOF`, quoted delimiters), JSON (exec) and shell forms,
leading `--flags`, stages with `AS` aliases, and ARG substitution in FROM from ARG defaults
and build args. Problems are collected as SyntaxProblem values, never raised.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from devcon.dockerfile.model import (
    KNOWN_INSTRUCTIONS,
    Comment,
    Dockerfile,
    Flag,
    Heredoc,
    Instruction,
    KeyValue,
    Stage,
    SyntaxProblem,
)
from devcon.dockerfile.shell import split_words

_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(.*?)\s*$")
_HEREDOC = re.compile(r"<<(-?)(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")
_VARIABLE = re.compile(
    r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))"
)
_FLAG = re.compile(r"--([A-Za-z][A-Za-z0-9-]*)(?:=((?:\"[^\"]*\"|'[^']*'|\S)*))?(\s+|$)")
_HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})


class _Unresolved(Exception):
    pass


def substitute(text: str, values: Mapping[str, str | None]) -> str | None:
    """Expand $VAR, ${VAR}, ${VAR:-default}, ${VAR:+alt}; None if a needed VAR is unknown."""

    def repl(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(4)
        op, word = match.group(2), match.group(3) or ""
        value = values.get(name)
        if op in (":-", "-"):
            return value if value else word
        if op in (":+", "+"):
            return word if value else ""
        if value is None:
            raise _Unresolved(name)
        return value

    try:
        return _VARIABLE.sub(repl, text)
    except _Unresolved:
        return None


def parse_dockerfile(
    text: str, path: Path | str = "Dockerfile", build_args: Mapping[str, str] | None = None
) -> Dockerfile:
    return _Parser(text, Path(path), dict(build_args or {})).parse()


class _Parser:
    def __init__(self, text: str, path: Path, build_args: dict[str, str]) -> None:
        self.text = text
        self.path = path
        self.build_args = build_args
        self.lines = [line.removesuffix("\r") for line in text.split("\n")]
        self.escape = "\\"
        self.problems: list[SyntaxProblem] = []
        self.comments: list[Comment] = []

    # -- lines -> instructions ----------------------------------------------------------
    def parse(self) -> Dockerfile:
        start = self._directives()
        instructions: list[Instruction] = []
        i = start
        n = len(self.lines)
        continuation = re.compile(re.escape(self.escape) + r"[ \t]*$")
        while i < n:
            raw = self.lines[i]
            stripped = raw.strip()
            if not stripped:
                i += 1
                continue
            if stripped.startswith("#"):
                self.comments.append(Comment(i + 1, stripped))
                i += 1
                continue
            first = i
            parts: list[str] = []
            # (offset in the logical line, index of the physical line) of each part
            segments: list[tuple[int, int]] = []
            length = 0  # of the parts so far: a running sum keeps long continuations linear
            while True:
                line = self.lines[i]
                segments.append((length, i))
                if continuation.search(line) and i + 1 < n:
                    parts.append(continuation.sub("", line))
                    length += len(parts[-1])
                    i += 1
                    # comment lines and blank lines inside a continuation are dropped
                    while i < n and (
                        self.lines[i].strip().startswith("#") or not self.lines[i].strip()
                    ):
                        if self.lines[i].strip().startswith("#"):
                            self.comments.append(Comment(i + 1, self.lines[i].strip()))
                        i += 1
                    if i >= n:
                        break
                    continue
                parts.append(continuation.sub("", line) if continuation.search(line) else line)
                i += 1
                break
            instruction, i = self._instruction("".join(parts), first, i, segments)
            if instruction is not None:
                instructions.append(instruction)
        stages, global_args = self._stages(instructions)
        return Dockerfile(
            path=self.path,
            text=self.text,
            instructions=tuple(instructions),
            stages=tuple(stages),
            global_args=global_args,
            escape=self.escape,
            problems=tuple(self.problems),
            comments=tuple(self.comments),
        )

    def _directives(self) -> int:
        """Parser directives at the top; return the index of the first line after them."""
        seen: set[str] = set()
        for index, line in enumerate(self.lines):
            match = _DIRECTIVE.match(line.strip())
            if not match:
                return index
            name = match.group(1).lower()
            if name in seen:
                return index
            seen.add(name)
            if name == "escape":
                value = match.group(2)
                if value in ("\\", "`"):
                    self.escape = value
                else:
                    self.problems.append(
                        SyntaxProblem(index + 1, 1, f"invalid escape directive {value!r}")
                    )
        return len(self.lines)

    def _instruction(
        self,
        logical: str,
        first: int,
        next_index: int,
        segments: list[tuple[int, int]] | None = None,
    ) -> tuple[Instruction | None, int]:
        body = logical.lstrip()
        column = len(self.lines[first]) - len(self.lines[first].lstrip()) + 1
        match = re.match(r"\A([A-Za-z]+)(\s+|$)", body)
        if not match:
            word = body.split()[0] if body.split() else body
            self.problems.append(
                SyntaxProblem(first + 1, column, f"not an instruction: {word[:40]!r}")
            )
            return None, next_index
        keyword = match.group(1).upper()
        args = body[match.end() :].strip()
        if keyword not in KNOWN_INSTRUCTIONS:
            self.problems.append(
                SyntaxProblem(first + 1, column, f"unknown instruction {match.group(1)!r}")
            )
            return None, next_index
        args_offset = len(logical) - len(body) + match.end()
        starts = [start for start, _ in segments or [(0, first)]]
        line_indexes = [index for _, index in segments or [(0, first)]]

        def locate(offset: int) -> tuple[int, int]:
            """(line, column) in the file of a character of `args`."""
            at = args_offset + offset
            k = max(0, bisect.bisect_right(starts, at) - 1)
            return line_indexes[k] + 1, at - starts[k] + 1

        flags, args = _split_flags(args, locate) if args.startswith("--") else ((), args)
        heredocs: list[Heredoc] = []
        if keyword in _HEREDOC_INSTRUCTIONS and "<<" in args:
            for hd in _HEREDOC.finditer(args):
                strip_tabs, name = hd.group(1) == "-", hd.group(3)
                body_lines: list[str] = []
                start_line = next_index + 1
                closed = False
                while next_index < len(self.lines):
                    line = self.lines[next_index]
                    next_index += 1
                    candidate = line.lstrip("\t") if strip_tabs else line
                    if candidate == name:
                        closed = True
                        break
                    body_lines.append(candidate)
                if not closed:
                    self.problems.append(
                        SyntaxProblem(first + 1, column, f"heredoc <<{name} is never closed")
                    )
                heredocs.append(Heredoc(name, "\n".join(body_lines), start_line))
        json_args: tuple[str, ...] | None = None
        if args.startswith("["):
            try:
                parsed = json.loads(args)
            except ValueError:
                parsed = None
            if isinstance(parsed, list) and all(isinstance(x, str) for x in parsed):
                json_args = tuple(parsed)
        if not args and keyword not in ("ONBUILD",) and not heredocs:
            self.problems.append(SyntaxProblem(first + 1, column, f"{keyword} needs arguments"))
        original = "\n".join(self.lines[first:next_index])
        return (
            Instruction(
                keyword=keyword,
                args=args,
                line=first + 1,
                column=column,
                end_line=next_index,
                flags=flags,
                json_args=json_args,
                heredocs=tuple(heredocs),
                original=original,
                escape=self.escape,
            ),
            next_index,
        )

    # -- instructions -> stages --------------------------------------------------------
    def _stages(self, instructions: list[Instruction]) -> tuple[list[Stage], dict[str, str | None]]:
        global_args: dict[str, str | None] = {}
        stages: list[Stage] = []
        pending: list[Instruction] = []
        current_from: Instruction | None = None

        aliases: dict[str, int] = {}  # each AS name to the index of its latest stage

        def close() -> None:
            if current_from is not None:
                stage = self._stage(len(stages), current_from, pending[:], aliases, global_args)
                stages.append(stage)
                if stage.name is not None:
                    aliases[stage.name] = stage.index

        for instruction in instructions:
            if instruction.keyword == "FROM":
                close()
                current_from = instruction
                pending = []
            elif current_from is None:
                if instruction.keyword == "ARG":
                    for kv in key_values(instruction):
                        value = self.build_args.get(kv.key, kv.value)
                        global_args[kv.key] = (
                            substitute(value, global_args) if value is not None else None
                        )
                else:
                    self.problems.append(
                        SyntaxProblem(
                            instruction.line,
                            instruction.column,
                            f"{instruction.keyword} before the first FROM "
                            "(only ARG may come first)",
                        )
                    )
            else:
                pending.append(instruction)
        close()
        if not stages and instructions:
            self.problems.append(SyntaxProblem(1, 1, "no FROM instruction"))
        return stages, global_args

    def _stage(
        self,
        index: int,
        from_: Instruction,
        body: list[Instruction],
        earlier: Mapping[str, int],
        global_args: Mapping[str, str | None],
    ) -> Stage:
        words = from_.args.split()
        name: str | None = None
        base = words[0] if words else ""
        if len(words) == 3 and words[1].lower() == "as":
            name = words[2].lower()
        elif len(words) != 1:
            self.problems.append(
                SyntaxProblem(
                    from_.line, from_.column, "FROM takes `[--platform=P] image [AS name]`"
                )
            )
        resolved = substitute(base, global_args) if base else None
        platform = from_.flag("platform")
        # the latest earlier stage of that name (`earlier`: alias -> index, kept by _stages)
        parent = earlier.get(resolved.lower()) if resolved is not None else None
        return Stage(
            index=index,
            name=name,
            base=base,
            resolved_base=resolved,
            platform=platform,
            from_instruction=from_,
            instructions=tuple(body),
            parent=parent,
        )


def _split_flags(
    args: str, locate: Callable[[int], tuple[int, int]] | None = None
) -> tuple[tuple[Flag, ...], str]:
    """The leading flags and the rest; `locate` maps an offset in `args` to (line, column)
    in the file, recorded on each Flag as where its value starts."""
    flags: list[Flag] = []
    rest = args
    consumed = 0
    while rest.startswith("--"):
        match = _FLAG.match(rest)
        if not match:
            break
        value = match.group(2)
        start = match.start(2)
        if value is not None and len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
            start += 1
        line, column = locate(consumed + start) if locate and value is not None else (0, 0)
        flags.append(Flag(match.group(1).lower(), value, line, column))
        consumed += match.end()
        rest = rest[match.end() :]
    return tuple(flags), rest.strip()


def key_values(instruction: Instruction) -> list[KeyValue]:
    """The key=value pairs of ENV, ARG and LABEL (legacy `ENV key value` too), with positions."""
    args = instruction.args
    words = [w for w in split_words(args) if w is not None]
    pairs: list[tuple[str, str | None]] = []
    if instruction.keyword == "ENV" and words and "=" not in words[0]:
        key, _, rest = args.partition(" ")
        joined = [w for w in split_words(rest.strip()) if w is not None]
        pairs.append((key, " ".join(joined)))
    else:
        for word in words:
            if "=" in word:
                key, text = word.split("=", 1)
                pairs.append((key, text))
            elif instruction.keyword == "ARG":
                pairs.append((word, None))
    result = []
    source_lines = instruction.original.split("\n") or [""]
    for key, value in pairs:
        line, column = instruction.line, instruction.column
        for offset, text in enumerate(source_lines):
            found = re.search(rf"(?<![A-Za-z0-9_]){re.escape(key)}(?=[=\s]|$)", text)
            if found and not (offset == 0 and found.start() < instruction.column - 1 + 3):
                line, column = instruction.line + offset, found.start() + 1
                break
        result.append(KeyValue(key, value, line, column))
    return result
