"""single-stage-toolchain: a single-stage production image installs a build toolchain and
keeps it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from devcon.dockerfile.model import LocatedCommand, RunScript
from devcon.dockerfile.packages import short_list
from devcon.dockerfile.shell import is_variable
from devcon.rules.base import Category, DockerfileContext, Problem, Profile, Rule, RuleDoc

# Compilers, build tools and development headers (apt, apk).
_TOOLCHAIN = frozenset(
    {
        "build-essential",
        "build-base",
        "gcc",
        "g++",
        "cpp",
        "clang",
        "make",
        "cmake",
        "ninja-build",
        "gfortran",
        "musl-dev",
        "libc6-dev",
        "linux-headers",
        "rustc",
        "cargo",
        "rust",
        "autoconf",
        "automake",
        "libtool",
    }
)
_VERSIONED = re.compile(r"^(gcc|g\+\+|clang|gfortran|cpp)-\d+(\.\d+)?$")


def _name(spec: str) -> str:
    name = re.split(r"[=~<>]", spec, maxsplit=1)[0]
    return name.split(":", 1)[0].lower()  # drop an apt `:arch`


def is_toolchain(spec: str) -> bool:
    name = _name(spec)
    return name in _TOOLCHAIN or bool(_VERSIONED.match(name)) or name.endswith(("-dev", "-devel"))


def _removed(script: RunScript, located: LocatedCommand, tools: list[str]) -> bool:
    """The RUN removes what it installed: `apt-get purge|remove` of them (or `apt-mark auto`
    then `--auto-remove`/`autoremove`), `apk del` of them or of their `--virtual` group."""
    package = located.package
    assert package is not None
    virtual = _virtual_group(located)
    names = {_name(t) for t in tools}
    marked_auto = any(
        c.command.name == "apt-mark" and "auto" in c.command.words for c in script.commands
    )
    for later in script.after(located):
        other = later.package
        if other is None:
            continue
        removed = {_name(p) for p in other.packages}
        if package.manager == "apt" and other.manager == "apt":
            if other.action in ("purge", "remove") and names <= removed:
                return True
            auto = other.action == "autoremove" or later.command.has("--auto-remove")
            if marked_auto and auto:
                return True
        apk_del = package.manager == "apk" and other.manager == "apk" and other.action == "del"
        if apk_del and (names <= removed or (virtual is not None and virtual in removed)):
            return True
    return False


def _virtual_group(located: LocatedCommand) -> str | None:
    words = located.command.words
    for i, word in enumerate(words):
        if word in ("-t", "--virtual") and i + 1 < len(words):
            return words[i + 1]
        if word.startswith("--virtual="):
            return word.split("=", 1)[1]
    return None


def _finding(script: RunScript, located: LocatedCommand) -> Problem | None:
    package = located.package
    if package is None:
        return None
    if not (
        (package.manager == "apt" and package.action == "install")
        or (package.manager == "apk" and package.action == "add")
    ):
        return None
    tools = [p for p in package.packages if not is_variable(p) and is_toolchain(p)]
    if not tools or _removed(script, located, tools):
        return None
    line, column = script.at_word(located, tools[0])
    return Problem(
        line,
        column,
        f"build toolchain {short_list([_name(t) for t in tools])} "
        f"{'stays' if len(tools) == 1 else 'stay'} in this single-stage image: build in a "
        "separate stage and COPY only the results into the final one (or remove the "
        "toolchain in the same RUN)",
    )


def check(ctx: DockerfileContext) -> Iterator[Problem]:
    dockerfile = ctx.dockerfile
    if len(dockerfile.stages) != 1:
        return
    for instruction in dockerfile.stages[0].instructions:
        if instruction.keyword != "RUN":
            continue
        script = instruction.script
        for located in script.commands:
            problem = _finding(script, located)
            if problem is not None:
                yield problem


_DOC = RuleDoc(
    what=(
        "Production profile only. In a Dockerfile with a single stage, reports `apt-get "
        "install` / `apk add` of build toolchains (`build-essential`, `build-base`, `gcc`, "
        "`g++`, `clang`, `make`, `cmake`, `gfortran`, `rustc`/`cargo`, `musl-dev`, "
        "`*-dev`/`*-devel` headers such as `python3-dev`) that the same RUN does not "
        "remove again (`apt-get purge|remove` of them, `apt-mark auto` followed by "
        "`apt-get purge --auto-remove` or `autoremove`, `apk del` of them or of their "
        "`--virtual` group). Multi-stage Dockerfiles are not checked: there the toolchain "
        "is expected in a builder stage, and copying its results is the fix. Dev "
        "containers (dev profile) need their compilers and are not checked."
    ),
    why=(
        "A compiler and headers add hundreds of MB to the image that runs in production, "
        "slow every pull, and give an attacker who gets in a ready toolchain. Removing "
        "them in a later RUN does not help: they stay in the earlier layer."
    ),
    example=(
        "FROM python:3.12-slim\n"
        "RUN apt-get update && apt-get install -y build-essential libpq-dev \\\n"
        "    && rm -rf /var/lib/apt/lists/*\n"
        "RUN pip install --no-cache-dir psycopg2==2.9.10"
    ),
    fix=(
        "Use a multi-stage build: install the toolchain and build wheels in a `builder` "
        "stage (`pip wheel -w /wheels ...`), then `COPY --from=builder /wheels /wheels` "
        "and install them in a slim final stage."
    ),
)

RULE = Rule(
    "single-stage-toolchain",
    Category.SECURITY,
    "a single-stage production image keeps a build toolchain",
    _DOC,
    dockerfile=check,
    profiles=frozenset({Profile.PROD}),
)
