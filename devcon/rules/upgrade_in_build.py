"""upgrade-in-build: a RUN upgrades packages to whatever is newest at build time."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.dockerfile.context import context_file
from devcon.dockerfile.model import LocatedCommand, RunScript, Stage
from devcon.dockerfile.packages import pip_is_pinned, pip_name, requirement_files, short_list
from devcon.dockerfile.requirements import entry_is_pinned
from devcon.dockerfile.shell import is_variable
from devcon.dockerfile.stages import runs
from devcon.rules.base import Category, DockerfileContext, Problem, Rule, RuleDoc

# The installer's own tooling: upgrading it is how images get a pip that understands newer
# wheel tags and build backends, and it does not change the application's packages.
_TOOLING = frozenset({"pip", "setuptools", "wheel"})
# conda updating itself (`conda update -n base conda`) is the conda analogue of `pip install
# -U pip`: not reported.
_CONDA_SELF = frozenset({"conda", "mamba"})
_APT_UPGRADES = frozenset({"upgrade", "dist-upgrade", "full-upgrade", "safe-upgrade"})


def _pip(
    ctx: DockerfileContext, stages: list[Stage], script: RunScript, located: LocatedCommand
) -> str | None:
    package = located.package
    assert package is not None
    upgraded = [
        p
        for p in package.packages
        if not is_variable(p) and pip_name(p) not in _TOOLING and not pip_is_pinned(p)
    ]
    files, _ = requirement_files(located.command)
    for name in files:
        source = context_file(ctx.context_dir, stages, script, located, name)
        if source is None:
            if not is_variable(name):
                upgraded.append(f"-r {name}")
            continue
        entries, constrained = ctx.requirements.entries(source, "pip")
        if any(not entry_is_pinned(e, constrained) for e in entries):
            upgraded.append(f"-r {name}")
    if not upgraded:
        return None
    verb = "uv pip install --upgrade" if located.command.name == "uv" else "pip install --upgrade"
    return (
        f"`{verb}` of {short_list(upgraded)} installs whatever is newest at build time and "
        "replaces the versions the base image ships; install pinned versions (`name==X.Y`) "
        "without `--upgrade`"
    )


def _conda(located: LocatedCommand) -> str | None:
    package = located.package
    assert package is not None
    command = located.command
    name = command.name
    if command.has("--all"):
        return (
            f"`{name} {package.action} --all` moves every package of the environment to the "
            "newest build; install pinned versions (`numpy=2.1`) instead"
        )
    targets = [p for p in package.packages if not is_variable(p)]
    others = [p for p in targets if p.split("=", 1)[0].lower() not in _CONDA_SELF]
    if not others:
        return None
    return (
        f"`{name} {package.action}` of {short_list(others)} moves them to the newest build "
        f"at build time; use `{name} install` with pinned versions (`{others[0]}=X.Y`)"
    )


def _message(
    ctx: DockerfileContext, stages: list[Stage], script: RunScript, located: LocatedCommand
) -> str | None:
    package = located.package
    if package is None:
        return None
    manager, action = package.manager, package.action
    if manager == "pip" and action == "upgrade":
        return _pip(ctx, stages, script, located)
    if manager == "apt" and action in _APT_UPGRADES:
        return (
            f"`{located.command.name} {action}` upgrades every package of the base image to "
            "whatever the archive has at build time; pin the base image (a dated tag or a "
            "digest) and rebuild it instead"
        )
    if manager == "apk" and (action == "upgrade" or (action == "add" and _apk_upgrade(located))):
        return (
            f"`apk {action}{' --upgrade' if action == 'add' else ''}` upgrades packages of the "
            "base image to whatever the repository has at build time; pin the base image "
            "(a dated tag or a digest) instead"
        )
    if manager == "conda" and action in ("update", "upgrade"):
        return _conda(located)
    return None


def _apk_upgrade(located: LocatedCommand) -> bool:
    return any(word in ("-u", "--upgrade") for word in located.command.words[1:])


def check(ctx: DockerfileContext) -> Iterator[Problem]:
    for stages, instruction in runs(ctx.dockerfile):
        script = instruction.script
        for located in script.commands:
            message = _message(ctx, stages, script, located)
            if message is not None:
                line, column = script.at_command(located)
                yield Problem(line, column, message)


_DOC = RuleDoc(
    what=(
        "Reports RUN commands that upgrade packages: `apt-get upgrade`, `dist-upgrade`, "
        "`full-upgrade` (also `apt`); `apk upgrade` and `apk add --upgrade`; "
        "`pip install --upgrade`/`-U` of packages that are not pinned with `==` (and of "
        "requirements files that have unpinned entries or are not in the build context); "
        "`conda`/`mamba`/`micromamba update|upgrade --all` and `update <packages>`. Not "
        "reported: upgrading the installer itself (`pip install -U pip setuptools wheel`, "
        "`conda update conda`), which does not change the application's packages "
        "(unpinned-package still asks for a version), and `--upgrade` of packages pinned "
        "with `==`, which installs that exact version."
    ),
    why=(
        "An upgrade installs whatever the archive or index has on the day of the build: "
        "the same Dockerfile gives different images from one day to the next, and a "
        "rebuild can break (or silently change behaviour) with no change in the "
        "repository. Security updates belong in the base image, picked by its tag or "
        "digest."
    ),
    example=(
        "FROM debian:bookworm\n"
        "RUN apt-get update && apt-get upgrade -y\n"
        "RUN pip install --upgrade requests"
    ),
    fix=(
        "Drop the upgrade and pin instead: move to a newer base image tag (or digest) to "
        "get security fixes; install exact versions (`requests==2.32.3`, "
        "`conda install numpy=2.1`)."
    ),
)

RULE = Rule(
    "upgrade-in-build",
    Category.REPRODUCIBILITY,
    "a RUN upgrades packages to whatever is newest at build time",
    _DOC,
    dockerfile=check,
)
