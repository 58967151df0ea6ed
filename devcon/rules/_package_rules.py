"""What the package rules share: RUN commands with their positions, stage chains, build
context files (requirements.txt, environment.yml) mapped back through COPY, and version checks.

Used by package-cache-kept, unpinned-package, upgrade-in-build, alpine-data-science,
single-stage-toolchain and dependencies-after-code.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from devcon.dockerfile.model import Dockerfile, Instruction, Stage, run_script
from devcon.dockerfile.packages import PackageCommand, classify, is_pip_pinned, pip_name
from devcon.dockerfile.parser import key_values, substitute
from devcon.dockerfile.shell import Command, _strip_prefixes, split_words

# Shell words that can start a simple command without being the program (`if x; then cmd`).
_SHELL_KEYWORDS = frozenset({"then", "do", "else", "elif", "if", "while", "until", "!", "{", "}"})
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh"})
_WORD_EDGE = r"[\w./-]"

# Values pip accepts for PIP_NO_CACHE_DIR (its strtobool). pip disables the cache for ANY
# valid value, "0"/"false"/"off" included (kept that way for backwards compatibility, see
# `_handle_no_cache_dir` in pip/_internal/cli/cmdoptions.py); other values are an error.
PIP_BOOL_VALUES = frozenset(
    {"y", "yes", "t", "true", "on", "1", "n", "no", "f", "false", "off", "0"}
)
# uv reads UV_NO_CACHE as a boolean: only true-like values disable its cache.
UV_TRUE_VALUES = frozenset({"1", "true", "yes", "y", "on", "t"})


# -- RUN scripts with positions ---------------------------------------------------------


@dataclass(frozen=True)
class LocatedCommand:
    """A simple command of a RUN, with where its words are in the Dockerfile."""

    command: Command
    package: PackageCommand | None
    offset: int  # of the program word in the script text (-1: not found)
    offsets: tuple[int, ...]  # one per word (-1: not found)


@dataclass(frozen=True)
class RunScript:
    """A RUN instruction's shell text, its commands in order, and a map back to positions."""

    instruction: Instruction
    text: str
    positions: tuple[tuple[int, int], ...]
    commands: tuple[LocatedCommand, ...]

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


def _logical(instruction: Instruction, escape: str) -> tuple[str, list[tuple[int, int]]]:
    """The instruction's lines joined as the parser joins them, with each char's position."""
    lines = instruction.original.split("\n")
    continuation = re.compile(re.escape(escape) + r"[ \t]*$")
    chars: list[str] = []
    where: list[tuple[int, int]] = []

    def add(text: str, index: int) -> None:
        for col, ch in enumerate(text):
            chars.append(ch)
            where.append((instruction.line + index, col + 1))

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
    return "".join(chars), where


def _script_with_positions(
    instruction: Instruction, escape: str
) -> tuple[str, list[tuple[int, int]]]:
    text = run_script(instruction)
    fallback = [(instruction.line, instruction.column)] * len(text)
    if instruction.json_args is not None:
        return text, fallback
    logical, where = _logical(instruction, escape)
    args = instruction.args
    start = len(logical.rstrip()) - len(args)
    if start < 0 or logical[start : start + len(args)] != args:
        start = logical.find(args)
        if start < 0:
            return text, fallback
    args_where = where[start : start + len(args)]
    body_where: list[tuple[int, int]] = []
    for number, heredoc in enumerate(instruction.heredocs):
        if number:
            body_where.append(body_where[-1] if body_where else (heredoc.line, 1))
        for offset, body_line in enumerate(heredoc.body.split("\n")):
            if offset:
                body_where.append((heredoc.line + offset - 1, len(body_line) + 1))
            body_where.extend((heredoc.line + offset, col + 1) for col in range(len(body_line)))
    if instruction.heredocs and args.lstrip().startswith("<<"):
        positions = body_where
    elif instruction.heredocs:
        positions = [*args_where, args_where[-1] if args_where else fallback[0], *body_where]
    else:
        positions = args_where
    if len(positions) != len(text):
        return text, fallback
    return text, positions


def _find_word(text: str, word: str, start: int) -> int:
    if not word:
        return -1
    pattern = rf"(?<!{_WORD_EDGE}){re.escape(word)}(?!{_WORD_EDGE})"
    found = re.compile(pattern).search(text, start)
    if found is None:
        found = re.compile(re.escape(word)).search(text, start)
    return found.start() if found else -1


_SUDO_VALUE_OPTIONS = frozenset({"-u", "-g", "-U", "-C", "-h", "-p", "-r", "-t", "-T", "-D", "-R"})


def _strip_leading(words: list[str], offsets: list[int]) -> tuple[list[str], list[int]]:
    """Drop what comes before the program: shell keywords (`then`, `do`, ...), `VAR=x`
    assignments and wrappers (`sudo -u user`, `env`, `exec`, ...)."""
    while words:
        cut = 0
        if words[0] in _SHELL_KEYWORDS:
            cut = 1
        elif words[0].rsplit("/", 1)[-1] == "sudo":
            # shell._strip_prefixes skips sudo's options but not their values (`-u user`)
            cut = 1
            while cut < len(words) and words[cut].startswith("-"):
                cut += 2 if words[cut] in _SUDO_VALUE_OPTIONS else 1
        else:
            cut = len(words) - len(_strip_prefixes(words))
        if cut == 0:
            break
        words, offsets = words[cut:], offsets[cut:]
    return words, offsets


def _segments(text: str) -> list[list[str]]:
    """The simple commands of a shell text, as raw words (wrappers not stripped yet)."""
    segments: list[list[str]] = [[]]
    for word in split_words(text):
        if word is None:
            segments.append([])
        else:
            segments[-1].append(word)
    return [s for s in segments if s]


def _inline_script(command: Command) -> int | None:
    """Index of the script word of `bash -c 'script'` / `su user -c 'script'`, if any."""
    words = command.words
    name = command.name
    if name in _SHELLS:
        for index, word in enumerate(words[1:], 1):
            if not word.startswith("-"):
                return None
            if not word.startswith("--") and "c" in word[1:]:
                return index + 1 if index + 1 < len(words) else None
        return None
    if name in ("su", "runuser"):
        for index, word in enumerate(words[1:], 1):
            if word in ("-c", "--command") and index + 1 < len(words):
                return index + 1
    return None


def _locate(text: str, raw: list[list[str]], cursor: int, depth: int = 0) -> list[LocatedCommand]:
    """Locate the words of `raw` (commands of `text` or of a script inside it) from `cursor`."""
    found: list[LocatedCommand] = []
    for simple in raw:
        offsets: list[int] = []
        for word in simple:
            at = _find_word(text, word, cursor)
            offsets.append(at)
            if at >= 0:
                cursor = at + len(word)
        words, kept = _strip_leading(list(simple), offsets)
        if not words:
            continue
        command = Command(tuple(words))
        found.append(LocatedCommand(command, classify(command), kept[0], tuple(kept)))
        script_at = _inline_script(command)
        if script_at is not None and depth < 3:
            # the inner script's words are searched in the RUN text from the `-c` option on
            start = next((o for o in reversed(kept[:script_at]) if o >= 0), 0)
            inner = _segments(command.words[script_at])
            found.extend(_locate(text, inner, start, depth + 1))
    return found


def parse_run(dockerfile: Dockerfile, instruction: Instruction) -> RunScript:
    text, positions = _script_with_positions(instruction, dockerfile.escape)
    located = _locate(text, _segments(text), 0)
    return RunScript(instruction, text, tuple(positions), tuple(located))


# -- stages -------------------------------------------------------------------------------


def chain(dockerfile: Dockerfile, stage: Stage) -> list[Stage]:
    """The stage and the stages it is built FROM, root first."""
    stages = [stage]
    seen = {stage.index}
    while stage.parent is not None and stage.parent not in seen:
        stage = dockerfile.stages[stage.parent]
        seen.add(stage.index)
        stages.append(stage)
    return stages[::-1]


def copy_source_only_stages(dockerfile: Dockerfile) -> set[int]:
    """Stages used only as `COPY --from` / `--mount from=` sources: neither the last stage nor
    the FROM of another stage. Their files reach the final image only where copied."""
    parents = {s.parent for s in dockerfile.stages if s.parent is not None}
    named: set[int] = set()
    for instruction in dockerfile.instructions:
        refs = instruction.flag_values("from")
        for mount in instruction.flag_values("mount"):
            refs.extend(v for k, v in mount_options(mount).items() if k == "from")
        for ref in refs:
            stage = dockerfile.stage(ref)
            if stage is not None:
                named.add(stage.index)
    last = len(dockerfile.stages) - 1
    return {i for i in named if i not in parents and i != last}


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


def is_alpine(stage: Stage) -> bool:
    """A stage FROM an Alpine image: `alpine`, or a repository or tag that names alpine."""
    name = (stage.resolved_base or stage.base).split("@", 1)[0].lower()
    if "/" in name and ("." in name.split("/", 1)[0] or ":" in name.split("/", 1)[0]):
        name = name.split("/", 1)[1]  # drop the registry host
    return "alpine" in name


# -- environment --------------------------------------------------------------------------


def environment(
    dockerfile: Dockerfile, stages: Sequence[Stage], before: Instruction | None
) -> dict[str, str | None]:
    """ENV and ARG values (ARGs are environment variables of RUN too) along the chain, up to
    `before` (or the end of the last stage). ARGs are per stage; ENV carries over."""
    env: dict[str, str | None] = {}
    args: dict[str, str | None] = {}
    for stage in stages:
        args = {}
        for instruction in stage.instructions:
            if instruction is before:
                return {**env, **args}
            if instruction.keyword in ("ARG", "ENV"):
                scope = args if instruction.keyword == "ARG" else env
                for kv in key_values(instruction):
                    if kv.value is None:
                        scope[kv.key] = dockerfile.global_args.get(kv.key)
                    else:
                        scope[kv.key] = substitute(kv.value, {**args, **env})
    return {**env, **args}


# -- build context files ------------------------------------------------------------------

_BASE_WORKDIR = "/.base-workdir"  # stands for the WORKDIR the base image sets (unknown)


@dataclass
class _Copy:
    sources: list[str]
    dest: str  # absolute, normalised
    dest_is_dir: bool


@dataclass
class ImageFiles:
    """Where files of the build context end up in the image, up to a given RUN."""

    context: Path
    copies: list[_Copy] = field(default_factory=list)

    def source_of(self, image_path: str) -> Path | None:
        """The context file copied to `image_path` (absolute, normalised), if known."""
        for copy in reversed(self.copies):
            found = self._match(copy, image_path)
            if found is not None:
                return found
        return None

    def _match(self, copy: _Copy, target: str) -> Path | None:
        dest = copy.dest
        for raw in copy.sources:
            src = raw.strip()
            if not src or "$" in src or "://" in src or src.startswith("<<"):
                continue
            src = posixpath.normpath(src.lstrip("/")) if src not in (".", "./") else "."
            if src.startswith(".."):
                continue
            src_path = self.context if src == "." else self.context / src
            if any(ch in src for ch in "*?["):
                if posixpath.dirname(target) == dest:
                    name = posixpath.basename(target)
                    candidate = posixpath.join(posixpath.dirname(src), name)
                    if fnmatch.fnmatch(candidate, src) and (self.context / candidate).is_file():
                        return self.context / candidate
                continue
            if src_path.is_dir():
                if target.startswith(dest.rstrip("/") + "/"):
                    candidate_path = src_path / target[len(dest.rstrip("/")) + 1 :]
                    if candidate_path.is_file():
                        return candidate_path
                continue
            if not src_path.is_file():
                continue
            base = posixpath.basename(src)
            if copy.dest_is_dir:
                if target == posixpath.join(dest, base):
                    return src_path
            elif target in (dest, posixpath.join(dest, base)):
                return src_path
        return None


def _words(instruction: Instruction) -> list[str]:
    if instruction.json_args is not None:
        return list(instruction.json_args)
    return [w for w in split_words(instruction.args) if w is not None]


def image_files(
    context: Path | None, stages: Sequence[Stage], run: Instruction
) -> tuple[ImageFiles | None, str]:
    """Context files COPY'd/ADDed along the chain before `run`, and the WORKDIR at `run`."""
    workdir = _BASE_WORKDIR
    if context is None:
        return None, workdir
    files = ImageFiles(context)
    env: dict[str, str | None] = {}
    for stage in stages:
        for instruction in stage.instructions:
            if instruction is run:
                _add_mounts(files, run, workdir)
                return files, workdir
            keyword = instruction.keyword
            if keyword == "ENV":
                for kv in key_values(instruction):
                    env[kv.key] = kv.value
            elif keyword == "WORKDIR":
                value = substitute(instruction.args.strip(), env) or instruction.args.strip()
                workdir = posixpath.normpath(posixpath.join(workdir, value))
            elif keyword in ("COPY", "ADD") and not instruction.has_flag("from"):
                words = _words(instruction)
                if len(words) < 2:
                    continue
                sources, dest = words[:-1], words[-1]
                dest_is_dir = dest.endswith("/") or len(sources) > 1 or dest in (".", "..")
                dest = posixpath.normpath(posixpath.join(workdir, dest))
                files.copies.append(_Copy(sources, dest, dest_is_dir))
    return files, workdir


def _add_mounts(files: ImageFiles, run: Instruction, workdir: str) -> None:
    for mount in run.flag_values("mount"):
        options = mount_options(mount)
        if options.get("type", "bind") != "bind" or "from" in options:
            continue
        target = options.get("target") or options.get("dst") or options.get("destination")
        source = options.get("source") or options.get("src") or "."
        if target:
            dest = posixpath.normpath(posixpath.join(workdir, target))
            files.copies.append(_Copy([source], dest, dest_is_dir=False))


def context_file(
    context: Path | None,
    stages: Sequence[Stage],
    script: RunScript,
    located: LocatedCommand,
    path: str,
) -> Path | None:
    """The build-context file a RUN reads as `path` (e.g. `-r /tmp/requirements.txt`)."""
    if "$" in path or not path:
        return None
    files, workdir = image_files(context, stages, script.instruction)
    if files is None:
        return None
    cwd = workdir
    for other in script.commands:  # follow `cd` before the command
        if other is located:
            break
        if other.command.name == "cd" and len(other.command.words) == 2:
            target = other.command.words[1]
            if "$" in target or target == "-":
                cwd = _BASE_WORKDIR + "/.unknown"
            else:
                cwd = posixpath.normpath(posixpath.join(cwd, target))
    image_path = posixpath.normpath(posixpath.join(cwd, path))
    return files.source_of(image_path)


# -- requirement and environment files ----------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One requirement of a file: its text and position."""

    path: Path
    line: int
    column: int
    text: str
    kind: str  # "pip" or "conda"


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


_REQ_OPTION_WITH_FILE = re.compile(
    r"^(?:(-r|-c)\s*|(--requirement|--constraint)(?:\s*=\s*|\s+))(\S+)"
)


def _logical_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(line, column, text) of requirement lines: comments dropped, `\\` continuations joined."""
    pending: list[str] = []
    first = 0
    column = 1
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip("\r")
        if not pending:
            first = number
            column = len(line) - len(line.lstrip()) + 1
        stripped = re.sub(r"(^|\s)#.*$", "", line)
        if stripped.rstrip().endswith("\\"):
            pending.append(stripped.rstrip()[:-1])
            continue
        pending.append(stripped)
        joined = " ".join(part.strip() for part in pending).strip()
        pending = []
        if joined:
            yield first, column, joined


def pip_requirements(path: Path, seen: set[Path] | None = None) -> tuple[list[Entry], set[str]]:
    """Requirements of a pip requirements file (following `-r`), and names pinned by
    constraint files (`-c`)."""
    seen = seen if seen is not None else set()
    resolved = path.resolve()
    if resolved in seen:
        return [], set()
    seen.add(resolved)
    text = _read(path)
    if text is None:
        return [], set()
    return _pip_lines(path, _logical_lines(text), seen)


def _pip_lines(
    path: Path, lines: Iterator[tuple[int, int, str]] | list[tuple[int, int, str]], seen: set[Path]
) -> tuple[list[Entry], set[str]]:
    entries: list[Entry] = []
    constrained: set[str] = set()
    for line, column, text in lines:
        option = _REQ_OPTION_WITH_FILE.match(text)
        if option:
            nested = path.parent / option.group(3)
            if (option.group(1) or option.group(2)) in ("-r", "--requirement"):
                more, more_constrained = pip_requirements(nested, seen)
                entries += more
                constrained |= more_constrained
            else:
                constrained |= constraint_names(nested)
            continue
        if text.startswith("-"):
            editable = re.match(r"^(-e|--editable)(?:\s*=\s*|\s+)(\S+)", text)
            if editable and "://" in editable.group(2):
                entries.append(Entry(path, line, column, editable.group(2), "pip"))
            continue
        requirement = re.split(r"\s+--?[A-Za-z]", text, maxsplit=1)[0].strip()
        if requirement:
            entries.append(Entry(path, line, column, requirement, "pip"))
    return entries, constrained


def constraint_names(path: Path) -> set[str]:
    """Project names a constraints file pins with `==`."""
    entries, _ = pip_requirements(path)
    return {pip_name(e.text) for e in entries if pip_is_pinned(e.text)}


def pip_is_pinned(requirement: str) -> bool:
    """is_pip_pinned, with environment markers (`; python_version == "3.8"`) removed first."""
    text = requirement.strip().strip("'\"")
    # a URL requirement needs a space before its `;`; a name-based one does not
    text = re.split(r"\s;", text, maxsplit=1)[0] if "://" in text else text.split(";", 1)[0]
    return is_pip_pinned(text.strip())


def conda_is_pinned(spec: str) -> bool:
    """`numpy=2.1`, `numpy==2.1`, `numpy 2.1.*`, `numpy=2.1=py312_0` are pinned; `numpy`,
    `numpy>=2`, `numpy>=2,<3` are not. Local package files and URLs are pinned."""
    text = spec.strip().strip("'\"")
    if (
        text.startswith((".", "/", "file:"))
        or "://" in text
        or text.endswith((".tar.bz2", ".conda"))
    ):
        return True
    text = text.split("::", 1)[-1]
    bracket = re.search(r"\[(.*)\]", text)
    if bracket:
        version = re.search(r"version\s*=\s*['\"]?([^'\",\]]+)", bracket.group(1))
        text = text[: bracket.start()] + (f"={version.group(1)}" if version else "")
    match = re.match(r"\s*[A-Za-z0-9_][A-Za-z0-9_.-]*\s*(.*)$", text)
    rest = match.group(1).strip() if match else ""
    if not rest or any(op in rest for op in (">", "<", "|", ",", "!", "~")):
        return False
    return rest.startswith("=") or rest[0].isdigit()


def conda_name(spec: str) -> str:
    text = spec.strip().strip("'\"").split("::", 1)[-1]
    match = re.match(r"\s*([A-Za-z0-9_][A-Za-z0-9_.-]*)", text)
    return match.group(1).lower() if match else text


def conda_spec_file(path: Path) -> list[Entry]:
    """Specs of a `conda install --file` list (one per line; `@EXPLICIT` lists are URLs)."""
    text = _read(path)
    if text is None:
        return []
    entries = []
    for line, column, spec in _logical_lines(text):
        if spec.startswith("@"):
            continue
        entries.append(Entry(path, line, column, spec, "conda"))
    return entries


def environment_file(path: Path) -> tuple[list[Entry], set[str]]:
    """The `dependencies:` of an environment.yml: conda specs, and the `- pip:` list."""
    text = _read(path)
    if text is None:
        return [], set()
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return [], set()
    if not isinstance(root, yaml.MappingNode):
        return [], set()
    entries: list[Entry] = []
    constrained: set[str] = set()
    for key, value in root.value:
        if not (isinstance(key, yaml.ScalarNode) and key.value == "dependencies"):
            continue
        if not isinstance(value, yaml.SequenceNode):
            continue
        for item in value.value:
            if isinstance(item, yaml.ScalarNode) and isinstance(item.value, str):
                mark = item.start_mark
                entries.append(Entry(path, mark.line + 1, mark.column + 1, item.value, "conda"))
            elif isinstance(item, yaml.MappingNode):
                for sub_key, sub_value in item.value:
                    if not (
                        isinstance(sub_key, yaml.ScalarNode)
                        and sub_key.value == "pip"
                        and isinstance(sub_value, yaml.SequenceNode)
                    ):
                        continue
                    lines = [
                        (n.start_mark.line + 1, n.start_mark.column + 1, str(n.value).strip())
                        for n in sub_value.value
                        if isinstance(n, yaml.ScalarNode)
                    ]
                    more, more_constrained = _pip_lines(path, lines, {path.resolve()})
                    entries += more
                    constrained |= more_constrained
    return entries, constrained


def file_entries(path: Path, manager: str) -> tuple[list[Entry], set[str]]:
    """Entries of a file a package manager reads: environment.yml for conda `-f` files ending
    in .yml/.yaml, a conda spec list for other conda files, pip requirements otherwise."""
    if path.suffix.lower() in (".yml", ".yaml"):
        return environment_file(path)
    if manager == "conda":
        return conda_spec_file(path), set()
    return pip_requirements(path)


def entry_is_pinned(entry: Entry, constrained: set[str]) -> bool:
    if entry.kind == "conda":
        return conda_is_pinned(entry.text)
    return pip_is_pinned(entry.text) or pip_name(entry.text) in constrained


def requirement_files(command: Command) -> tuple[list[str], list[str]]:
    """(-r files, -c files) of a pip command."""
    reqs: list[str] = []
    cons: list[str] = []
    words = command.words
    for i, word in enumerate(words):
        for names, out in ((("-r", "--requirement"), reqs), (("-c", "--constraint"), cons)):
            short, long = names
            if word in names and i + 1 < len(words):
                out.append(words[i + 1])
            elif word.startswith(long + "="):
                out.append(word.split("=", 1)[1])
            elif word.startswith(short) and not word.startswith("--") and len(word) > 2:
                out.append(word[2:])
    return reqs, cons


def conda_files(command: Command) -> list[str]:
    """`-f`/`--file` values of a conda/mamba/micromamba command."""
    out: list[str] = []
    words = command.words
    for i, word in enumerate(words):
        if word in ("-f", "--file") and i + 1 < len(words):
            out.append(words[i + 1])
        elif word.startswith("--file="):
            out.append(word.split("=", 1)[1])
    return out


def is_variable(word: str) -> bool:
    return "$" in word or "`" in word


def short_list(names: Sequence[str], limit: int = 4) -> str:
    shown = ", ".join(f"`{n}`" for n in names[:limit])
    return shown + (f" (+{len(names) - limit} more)" if len(names) > limit else "")
