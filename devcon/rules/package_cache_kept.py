"""package-cache-kept: a RUN installs packages and leaves the package manager's cache in
the layer (apt lists, pip cache, conda pkgs, apk index)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from devcon.dockerfile.model import LocatedCommand, RunScript, mount_targets
from devcon.dockerfile.packages import PIP_BOOL_VALUES, UV_TRUE_VALUES
from devcon.dockerfile.stages import copy_source_only_stages, environment, runs
from devcon.findings import Severity
from devcon.rules.base import Category, DockerfileContext, Problem, Rule, RuleDoc

_CACHE_MOUNTS = frozenset({"cache", "tmpfs"})
_CONDA_INSTALLS = frozenset({"install", "create", "update", "upgrade", "env-create", "env-update"})


def _removes(located: LocatedCommand, pattern: re.Pattern[str]) -> bool:
    """`rm`/`find ... -delete` of a path matching `pattern`."""
    command = located.command
    if command.name not in ("rm", "find"):
        return False
    return any(pattern.search(word) for word in command.args)


_APT_LISTS = re.compile(r"^/var/lib/apt(/lists)?/?(\*|/\*)?$|^/var/lib/apt/lists")
_APK_CACHE = re.compile(r"^/var/cache/apk(/|$)|^/etc/apk/cache(/|$)")
_PIP_CACHE = re.compile(r"(^|/)\.cache(/pip)?/?\*?$|^~?/?(root/)?\.cache")
_UV_CACHE = re.compile(r"(^|/)\.cache(/uv)?/?\*?$")
_UV_CLEAN = (("cache", "clean"), ("cache", "prune"))
_CONDA_PKGS = re.compile(r"/pkgs(/\*?)?$")


class _Script:
    """One RUN read once for this rule: the cache mounts, the last command that cleans each
    cache, where PIP_NO_CACHE_DIR / UV_NO_CACHE are first set to a value that disables the
    cache. Each install is then judged by comparisons (a RUN of 10,000 installs was
    quadratic: every install scanned every later command and the whole text)."""

    def __init__(self, script: RunScript) -> None:
        self.script = script
        self.targets = mount_targets(script.instruction, _CACHE_MOUNTS)
        self.index = {id(located): n for n, located in enumerate(script.commands)}
        self._last: dict[str, int] = {}
        self._first_set: dict[str, int | None] = {}

    def cleaned_after(self, located: LocatedCommand, kind: str) -> bool:
        """Whether a command after `located` cleans the cache `kind`."""
        if kind not in self._last:
            self._last[kind] = max(
                (n for n, later in enumerate(self.script.commands) if _CLEANS[kind](later)),
                default=-1,
            )
        return self._last[kind] > self.index[id(located)]

    def disabled_before(self, env: dict[str, str | None], at: int, name: str) -> bool:
        """PIP_NO_CACHE_DIR / UV_NO_CACHE set by ENV, ARG, `export` or a `VAR=x cmd` prefix."""
        accepted = PIP_BOOL_VALUES if name == "PIP_NO_CACHE_DIR" else UV_TRUE_VALUES
        value = env.get(name)
        if value is not None and value.strip().strip("\"'").lower() in accepted:
            return True
        if name not in self._first_set:
            self._first_set[name] = next(
                (
                    match.start()
                    for match in re.finditer(rf"(?<![\w]){name}=(\S*)", self.script.text)
                    if match.group(1).strip("\"'").lower() in accepted
                ),
                None,
            )
        first = self._first_set[name]
        return first is not None and (first < at or at < 0)


def _is_pip_cache_purge(located: LocatedCommand) -> bool:
    package = located.package
    return bool(
        package
        and package.manager == "pip"
        and package.action == "cache"
        and "purge" in located.command.words
    )


def _cleans_uv(later: LocatedCommand) -> bool:
    words = later.command.words
    if later.command.name == "uv" and words[1:3] in _UV_CLEAN:
        return True
    return _removes(later, _UV_CACHE)


def _cleans_conda(later: LocatedCommand) -> bool:
    package = later.package
    if package and package.manager == "conda" and package.action == "clean":
        return True
    return _removes(later, _CONDA_PKGS)


_CLEANS = {
    "apt": lambda later: _removes(later, _APT_LISTS),
    "apk": lambda later: _removes(later, _APK_CACHE),
    "pip": lambda later: _is_pip_cache_purge(later) or _removes(later, _PIP_CACHE),
    "uv": _cleans_uv,
    "conda": _cleans_conda,
}


def _apt(read: _Script, located: LocatedCommand) -> str | None:
    if any(t.rstrip("/").startswith(("/var/lib/apt", "/var/cache/apt")) for t in read.targets):
        return None
    if read.cleaned_after(located, "apt"):
        return None
    verb = f"{located.command.name} {located.package.action if located.package else 'install'}"
    return (
        f"`{verb}` leaves the package lists (/var/lib/apt/lists) in the layer: end this RUN "
        "(the one that runs `apt-get update`) with `rm -rf /var/lib/apt/lists/*`; "
        "`apt-get clean` does not remove them"
    )


def _pip(read: _Script, located: LocatedCommand, env: dict[str, str | None]) -> str | None:
    command = located.command
    if command.name == "uv":
        if command.has("--no-cache", "--no-cache-dir", "-n"):
            return None
        if read.disabled_before(env, located.offset, "UV_NO_CACHE"):
            return None
        if any("uv" in t for t in read.targets):
            return None
        if read.cleaned_after(located, "uv"):
            return None
        return (
            "`uv pip install` keeps its download cache in the layer: add `--no-cache` (or "
            "`ENV UV_NO_CACHE=1`, or `RUN --mount=type=cache,target=/root/.cache/uv`)"
        )
    if command.has("--no-cache-dir"):
        return None
    if read.disabled_before(env, located.offset, "PIP_NO_CACHE_DIR"):
        return None
    if any(".cache/pip" in t or "uv" in t for t in read.targets):
        return None
    if read.cleaned_after(located, "pip"):
        return None
    return (
        "`pip install` keeps its download and wheel cache in the layer: add `--no-cache-dir` "
        "(or `ENV PIP_NO_CACHE_DIR=1`, or `RUN --mount=type=cache,target=/root/.cache/pip`)"
    )


def _conda(read: _Script, located: LocatedCommand) -> str | None:
    if any("pkgs" in t or "conda" in t or "mamba" in t for t in read.targets):
        return None
    if read.cleaned_after(located, "conda"):
        return None
    name = located.command.name
    action = located.package.action if located.package else "install"
    verb = f"{name} {action.replace('-', ' ')}"
    return (
        f"`{verb}` keeps the downloaded packages (pkgs/) in the layer: end this RUN with "
        f"`{name} clean --all --yes`"
    )


def _apk(read: _Script, located: LocatedCommand) -> str | None:
    if located.command.has("--no-cache", "--no-network"):
        return None  # --no-network: nothing is downloaded, so no index is cached
    if any(t.rstrip("/").startswith(("/var/cache/apk", "/etc/apk/cache")) for t in read.targets):
        return None
    if read.cleaned_after(located, "apk"):
        return None
    return (
        "`apk add` keeps the package index in /var/cache/apk: use `apk add --no-cache` "
        "(or end this RUN with `rm -rf /var/cache/apk/*`)"
    )


def problems_of(script: RunScript, env: dict[str, str | None]) -> Iterator[Problem]:
    read = _Script(script)
    for located in script.commands:
        package = located.package
        if package is None:
            continue
        message: str | None = None
        if package.manager == "apt" and package.action == "install":
            message = _apt(read, located)
        elif package.manager == "pip" and package.action in ("install", "upgrade"):
            message = _pip(read, located, env)
        elif package.manager == "conda" and package.action in _CONDA_INSTALLS:
            message = _conda(read, located)
        elif package.manager == "apk" and package.action == "add":
            message = _apk(read, located)
        if message is not None:
            line, column = script.at_command(located)
            yield Problem(line, column, message)


def check(ctx: DockerfileContext) -> Iterator[Problem]:
    dockerfile = ctx.dockerfile
    skipped = copy_source_only_stages(dockerfile)
    for stages, instruction in runs(dockerfile):
        if stages[-1].index in skipped:
            continue
        script = instruction.script
        if not any(c.package for c in script.commands):
            continue
        env = environment(dockerfile, stages, instruction)
        yield from problems_of(script, env)


_DOC = RuleDoc(
    what=(
        "Reports, one finding per command, package installs whose cache stays in the "
        "layer: `apt-get install`/`apt install` in a RUN that does not remove "
        "/var/lib/apt/lists afterwards (`apt-get clean` alone does not); `pip install` "
        "without `--no-cache-dir` (unless PIP_NO_CACHE_DIR is set by ENV in the stage or a "
        "stage it is built FROM, by ARG in the stage, or in the RUN with `export` or a "
        "`PIP_NO_CACHE_DIR=1 pip ...` prefix; pip disables its cache for ANY valid "
        "boolean value, `0`/`false`/`off` included) and `uv pip install` without "
        "`--no-cache`/UV_NO_CACHE; `conda`/`mamba`/`micromamba` `install`, `create`, "
        "`update`, `env create`, `env update` not followed by `conda clean` (or "
        "`mamba clean`/`micromamba clean`) in the same RUN; `apk add` without "
        "`--no-cache` (or `--no-network`) unless /var/cache/apk is removed in the same "
        "RUN. A "
        "`RUN --mount=type=cache` (or tmpfs) on the cache folder (/var/lib/apt or "
        "/var/cache/apt for apt, a target containing `.cache/pip` or `uv` for pip, "
        "`pkgs`/`conda` for conda, /var/cache/apk for apk) is fine, and so is removing the "
        "cache later in the same RUN (`rm -rf /root/.cache/pip`, `pip cache purge`, "
        "`rm -rf /opt/conda/pkgs/*`). Stages used only as `COPY --from` sources are not "
        "checked: their caches never reach the final image."
    ),
    why=(
        "A file deleted in a later RUN still ships in the earlier layer: apt lists "
        "(tens of MB), pip's HTTP and wheel cache and conda's pkgs/ folder (often hundreds "
        "of MB) make every pull and every rebuild slower and add nothing at run time."
    ),
    example=(
        "FROM python:3.12-slim\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends git\n"
        "RUN pip install -r requirements.txt"
    ),
    fix=(
        "Clean in the same RUN: `apt-get update && apt-get install -y ... && rm -rf "
        "/var/lib/apt/lists/*`; `pip install --no-cache-dir ...`; `conda install -y ... "
        "&& conda clean --all --yes`; `apk add --no-cache ...`. Or use BuildKit cache "
        "mounts: `RUN --mount=type=cache,target=/root/.cache/pip pip install ...`."
    ),
)

RULE = Rule(
    "package-cache-kept",
    Category.STYLE,
    "a package install leaves its cache in the image layer",
    _DOC,
    severity=Severity.WARNING,
    dockerfile=check,
)
