"""Package-manager commands in RUN lines: which manager, what it does, which packages,
which files it reads; and what a package spec pins.

Reads the commands of the shell tokenizer (devcon.dockerfile.shell). Recognises pip (pip,
pip3, pipX.Y, `python -m pip`, uv pip), apt-get/apt, apk, conda/mamba/micromamba, poetry,
npm/yarn/pnpm. Package arguments keep their version specifiers (`numpy==2.1`,
`curl=8.5.0-2`, `python=3.12`).
"""

from __future__ import annotations

import bisect
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress, count

from devcon.dockerfile.shell import Command

# Values pip accepts for PIP_NO_CACHE_DIR (its strtobool). pip disables the cache for ANY
# valid value, "0"/"false"/"off" included (kept that way for backwards compatibility, see
# `_handle_no_cache_dir` in pip/_internal/cli/cmdoptions.py); other values are an error.
PIP_BOOL_VALUES = frozenset(
    {"y", "yes", "t", "true", "on", "1", "n", "no", "f", "false", "off", "0"}
)
# uv reads UV_NO_CACHE as a boolean: only true-like values disable its cache.
UV_TRUE_VALUES = frozenset({"1", "true", "yes", "y", "on", "t"})

# first characters of the words that may end a command's package list (`>file`, `2>&1`, a
# quoted `&&`); each is then checked in full
_MAY_END = frozenset("&|;<>12")
_FIRST = operator.itemgetter(slice(0, 1))

_PIP = re.compile(r"pip(?:3(?:\.\d+)?)?$")
_PYTHON = re.compile(r"python(?:3(?:\.\d+)?)?$")

# options that take a value (so the value is not a package)
_PIP_VALUE_OPTIONS = frozenset(
    {
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-e",
        "--editable",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "--trusted-host",
        "-t",
        "--target",
        "--prefix",
        "--root",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--src",
        "--cache-dir",
        "--log",
        "--proxy",
        "--retries",
        "--timeout",
        "--progress-bar",
        "--config-settings",
        "-C",
        "--global-option",
        "--only-binary",
        "--no-binary",
        "--upgrade-strategy",
        "--python",
        "-p",
    }
)
_APT_VALUE_OPTIONS = frozenset({"-o", "-c", "-t", "--target-release", "--option"})
_APK_VALUE_OPTIONS = frozenset({"-X", "--repository", "-p", "--root", "-t", "--virtual"})
_CONDA_VALUE_OPTIONS = frozenset(
    {"-n", "--name", "-p", "--prefix", "-c", "--channel", "-f", "--file", "--override-channels-x"}
)


@dataclass(frozen=True)
class PackageCommand:
    """One package-manager invocation."""

    manager: str  # "pip", "apt", "apk", "conda", "poetry", "npm"
    action: str  # "install", "upgrade", "update", "clean", "env-create", ...
    packages: tuple[str, ...]
    command: Command
    files: tuple[str, ...] = ()  # requirement / environment files it reads (-r, -f, --file)


def _positionals(cmd: Command, start: int, value_options: frozenset[str]) -> list[str]:
    """The words from `start` on that are not options or their values, up to a redirection
    (or a quoted `&&`, `||`, `;`). Only the options and the words that may end the list
    are looked at one by one; the stretches between them are taken whole."""
    words = cmd.words
    dashed = cmd.dashed
    marks = sorted(
        {
            *dashed[bisect.bisect_left(dashed, start) :],
            *compress(count(start), map(_MAY_END.__contains__, map(_FIRST, words[start:]))),
        }
    )
    out: list[str] = []
    i = start
    for mark in marks:
        if mark < i:
            continue  # the value of an option
        out.extend(words[i:mark])
        word = words[mark]
        if word.startswith("-"):
            i = mark + (2 if word in value_options else 1)
        elif word in ("&&", "||", ";") or word.startswith((">", "<", "2>", "1>")):
            return out
        else:
            out.append(word)
            i = mark + 1
    out.extend(words[i:])
    return out


def _option_values(cmd: Command, *names: str) -> list[str]:
    """Values of `-x value`, `-xvalue`, `--name value` and `--name=value` (names begin
    with `-`; only the words that begin with `-` are looked at)."""
    values: list[str] = []
    words = cmd.words
    for i in cmd.dashed:
        word = words[i]
        for name in names:
            if word == name and i + 1 < len(words):
                values.append(words[i + 1])
            elif name.startswith("--") and word.startswith(name + "="):
                values.append(word.split("=", 1)[1])
            elif not name.startswith("--") and word.startswith(name) and len(word) > len(name):
                values.append(word[len(name) :])
    return values


def package_command(cmd: Command) -> PackageCommand | None:
    name = cmd.name
    words = cmd.words
    # python -m pip ..., uv pip ...
    if _PYTHON.match(name) and len(words) >= 3 and words[1] == "-m" and _PIP.match(words[2]):
        return _pip(cmd, 3)
    if name == "uv" and len(words) >= 2 and words[1] == "pip":
        return _pip(cmd, 2)
    if _PIP.match(name):
        return _pip(cmd, 1)
    if name in ("apt-get", "apt", "aptitude"):
        return _apt(cmd)
    if name == "apk":
        return _apk(cmd)
    if name in ("conda", "mamba", "micromamba"):
        return _conda(cmd)
    if name == "poetry" and len(words) >= 2:
        return PackageCommand("poetry", words[1], tuple(_positionals(cmd, 2, frozenset())), cmd)
    if name in ("npm", "yarn", "pnpm") and len(words) >= 2:
        return PackageCommand("npm", words[1], tuple(_positionals(cmd, 2, frozenset())), cmd)
    return None


def _pip(cmd: Command, at: int) -> PackageCommand | None:
    if len(cmd.words) <= at:
        return None
    action = cmd.words[at]
    packages = _positionals(cmd, at + 1, _PIP_VALUE_OPTIONS)
    files = _option_values(cmd, "-r", "--requirement", "-c", "--constraint")
    upgrade = any(cmd.words[i] in ("-U", "--upgrade") for i in cmd.dashed if i > at)
    if action == "install" and upgrade:
        return PackageCommand("pip", "upgrade", tuple(packages), cmd, tuple(files))
    return PackageCommand("pip", action, tuple(packages), cmd, tuple(files))


def _apt(cmd: Command) -> PackageCommand | None:
    positionals = _positionals(cmd, 1, _APT_VALUE_OPTIONS)
    if not positionals:
        return None
    action = positionals[0]
    return PackageCommand("apt", action, tuple(positionals[1:]), cmd)


def _apk(cmd: Command) -> PackageCommand | None:
    positionals = _positionals(cmd, 1, _APK_VALUE_OPTIONS)
    if not positionals:
        return None
    return PackageCommand("apk", positionals[0], tuple(positionals[1:]), cmd)


def _conda(cmd: Command) -> PackageCommand | None:
    positionals = _positionals(cmd, 1, _CONDA_VALUE_OPTIONS)
    if not positionals:
        return None
    files = tuple(_option_values(cmd, "-f", "--file"))
    action = positionals[0]
    rest = positionals[1:]
    if action == "env" and rest:
        return PackageCommand("conda", f"env-{rest[0]}", tuple(rest[1:]), cmd, files)
    return PackageCommand("conda", action, tuple(rest), cmd, files)


def pip_name(requirement: str) -> str:
    """The project name of a pip requirement (`NumPy[extra]>=1` -> `numpy`)."""
    match = re.match(r"\A\s*+([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return match.group(1).lower().replace("_", "-") if match else requirement.lower()


def is_pip_pinned(requirement: str) -> bool:
    """`==`/`===` versions, local files and wheels, and direct URLs that name a revision or
    carry a hash are pinned; anything else (`numpy`, `numpy>=2`, `numpy~=2.1`) is not."""
    text = requirement.strip().strip("'\"")
    if text.startswith((".", "/", "file:")) or text.endswith((".whl", ".tar.gz", ".zip")):
        return True
    if "==" in text:
        return True
    if "://" in text:
        after_scheme = text.split("://", 1)[1]
        return "@" in after_scheme.split("#", 1)[0] or "#sha256=" in text or "hash=" in text
    return False


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
    bracket = _bracket(text)
    if bracket is not None:
        start, inside = bracket
        version = re.search(r"version\s*=\s*['\"]?([^'\",\]]+)", inside)
        text = text[:start] + (f"={version.group(1)}" if version else "")
    # possessive: a name that fails to match is not tried again shorter
    match = re.match(r"\A\s*+[A-Za-z0-9_][A-Za-z0-9_.-]*+\s*+(.*)$", text)
    rest = match.group(1).strip() if match else ""
    if not rest or any(op in rest for op in (">", "<", "|", ",", "!", "~")):
        return False
    return rest.startswith("=") or rest[0].isdigit()


def _bracket(text: str) -> tuple[int, str] | None:
    """Where the first `[...]` of a line begins and what it holds (to the line's last `]`),
    as a search for `\\[(.*)\\]` answers, in one pass."""
    offset = 0
    for line in text.split("\n"):
        first, last = line.find("["), line.rfind("]")
        if 0 <= first < last:
            return offset + first, line[first + 1 : last]
        offset += len(line) + 1
    return None


def conda_name(spec: str) -> str:
    text = spec.strip().strip("'\"").split("::", 1)[-1]
    match = re.match(r"\A\s*+([A-Za-z0-9_][A-Za-z0-9_.-]*)", text)
    return match.group(1).lower() if match else text


def requirement_files(command: Command) -> tuple[list[str], list[str]]:
    """(-r files, -c files) of a pip command."""
    reqs: list[str] = []
    cons: list[str] = []
    words = command.words
    for i in command.dashed:
        word = words[i]
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
    for i in command.dashed:
        word = words[i]
        if word in ("-f", "--file") and i + 1 < len(words):
            out.append(words[i + 1])
        elif word.startswith("--file="):
            out.append(word.split("=", 1)[1])
    return out


def short_list(names: Sequence[str], limit: int = 4) -> str:
    """Names for a message: the first `limit` in backticks, and how many more."""
    shown = ", ".join(f"`{n}`" for n in names[:limit])
    return shown + (f" (+{len(names) - limit} more)" if len(names) > limit else "")
