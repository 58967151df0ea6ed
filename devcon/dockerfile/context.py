"""Build-context files in the image: which context file a COPY/ADD (or a RUN bind mount) put
at a path, up to a given RUN, and which file a RUN command reads (`-r requirements.txt`)."""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from devcon.dockerfile.model import Instruction, LocatedCommand, RunScript, Stage, mount_options
from devcon.dockerfile.parser import key_values, substitute
from devcon.dockerfile.shell import split_words
from devcon.fileio import is_existing_dir, is_existing_file

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
                    found = self.context / candidate
                    if fnmatch.fnmatch(candidate, src) and is_existing_file(found):
                        return found
                continue
            if is_existing_dir(src_path):
                if target.startswith(dest.rstrip("/") + "/"):
                    candidate_path = src_path / target[len(dest.rstrip("/")) + 1 :]
                    if is_existing_file(candidate_path):
                        return candidate_path
                continue
            if not is_existing_file(src_path):
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
