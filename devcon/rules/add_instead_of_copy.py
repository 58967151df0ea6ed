"""add-instead-of-copy: ADD of local files that are not tar archives (COPY is meant).

Also holds what the ADD/COPY rules (add-remote-unverified, secret-file-copied) share: the
sources of an instruction, URL/git detection and finding a word's position.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from devcon.dockerfile.model import Instruction
from devcon.dockerfile.shell import split_words
from devcon.fileio import is_existing_file
from devcon.findings import Severity
from devcon.rules.base import Category, DockerfileContext, Problem, Rule, RuleDoc

# the compressions docker detects when ADD unpacks a local tar (identity, gzip, bzip2, xz, zstd)
_ARCHIVE_SUFFIXES = (
    ".tar",
    ".tar.gz",
    ".tgz",
    ".taz",
    ".tar.bz2",
    ".tbz2",
    ".tbz",
    ".tb2",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tar.zstd",
    ".tzst",
)
_MAGIC = (
    (257, b"ustar"),  # tar
    (0, b"\x1f\x8b"),  # gzip
    (0, b"BZh"),  # bzip2
    (0, b"\xfd7zXZ\x00"),  # xz
    (0, b"\x28\xb5\x2f\xfd"),  # zstd
)
_GIT_URL = re.compile(r"(?:git://|git@|ssh://|github\.com/)|https?://[^#\s]+\.git(?:#|/?$)")


def sources(instruction: Instruction) -> list[str]:
    """The sources of a COPY/ADD as written (quotes removed; heredoc sources left out)."""
    if instruction.json_args is not None:
        words = list(instruction.json_args)
    else:
        words = [w for w in split_words(instruction.args) if w is not None]
    return [w for w in words[:-1] if not w.startswith("<<")]


def is_git(source: str) -> bool:
    return _GIT_URL.match(source) is not None


def is_url(source: str) -> bool:
    """A remote source (http/https download or a git repository)."""
    return source.startswith(("http://", "https://")) or is_git(source)


def _is_archive(source: str, context: Path | None) -> bool | None:
    """True for tar archives, False for other files; None when it cannot be told."""
    if "$" in source:
        return None
    if source.lower().endswith(_ARCHIVE_SUFFIXES):
        return True
    if context is not None:
        path = context / source
        if is_existing_file(path):
            try:
                with path.open("rb") as handle:
                    head = handle.read(512)
            except OSError:
                return None
            return any(head[at : at + len(magic)] == magic for at, magic in _MAGIC)
    return False


def check(ctx: DockerfileContext) -> Iterator[Problem]:
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword != "ADD":
            continue
        if instruction.heredocs and instruction.args.lstrip().startswith("<<"):
            yield Problem.at(
                instruction,
                "ADD of a heredoc: use COPY (`COPY <<EOF /path`), which does the same "
                "without ADD's download and unpack behaviour",
            )
            continue
        local = [s for s in sources(instruction) if not is_url(s)]
        plain = [s for s in local if _is_archive(s, ctx.context_dir) is False]
        if not plain:
            continue
        names = ", ".join(f"`{s}`" for s in plain[:3]) + (" ..." if len(plain) > 3 else "")
        zip_note = (
            " (ADD does not unpack zip files)"
            if any(s.lower().endswith(".zip") for s in plain)
            else ""
        )
        yield Problem.at(
            instruction,
            f"ADD of {names}, not a tar archive{zip_note}: use COPY; ADD is only needed to "
            "unpack a local tar archive or to fetch a URL",
        )


_DOC = RuleDoc(
    what=(
        "Reports `ADD` whose local sources are not tar archives (`.tar`, `.tar.gz`/`.tgz`, "
        "`.tar.bz2`/`.tbz2`, `.tar.xz`/`.txz`, `.tar.zst`; a file in the build context "
        "without such a name is recognised by its content), and `ADD` of a heredoc. "
        "ADD of a URL or a git repository is not this rule (see add-remote-unverified). "
        "Sources built from variables are not checked. Zip files are reported: ADD does "
        "not unpack them."
    ),
    why=(
        "ADD also downloads URLs and unpacks archives: a reader cannot tell which is "
        "meant, and renaming a file to `.tar` silently changes what lands in the image. "
        "COPY does only the copy."
    ),
    example="ADD requirements.txt /tmp/\nADD ./scripts /usr/local/bin/",
    fix=(
        "Use `COPY requirements.txt /tmp/`. Keep ADD for `ADD rootfs.tar.gz /` (unpacked "
        "on purpose)."
    ),
)

RULE = Rule(
    "add-instead-of-copy",
    Category.STYLE,
    "ADD of local files that are not tar archives; use COPY",
    _DOC,
    severity=Severity.WARNING,
    dockerfile=check,
)
