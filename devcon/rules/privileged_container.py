"""privileged-container: the dev container runs with Docker's --privileged."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.container_options import run_flags
from devcon.rules.base import Category, ComposeContext, ConfigContext, Problem, Rule, RuleDoc

_WHY = (
    "a privileged container gets every capability and every host device, without seccomp or "
    "AppArmor confinement: a process in it can take over the host"
)


def check_config(ctx: ConfigContext) -> Iterator[Problem]:
    """devcontainer.json, or a Feature's devcontainer-feature.json."""
    feature = ctx.is_feature
    value = ctx.value
    if not isinstance(value, dict):
        return
    if value.get("privileged") is True:
        who = "every container that installs this Feature runs" if feature else "the container runs"
        yield ctx.report_merged(
            ("privileged",),
            f"`privileged: true`: {who} privileged; {_WHY}. Remove it and add only the "
            "capabilities needed (`capAdd`)",
        )
    for flag in run_flags(value):
        if flag.name == "--privileged" and flag.value.strip().lower() in ("", "1", "t", "true"):
            yield ctx.report_merged(
                flag.pointer,
                f"`runArgs` --privileged: {_WHY}. Remove it and add only the capabilities "
                "needed (`capAdd`)",
            )


def check_compose(ctx: ComposeContext) -> Iterator[Problem]:
    for service in ctx.compose.accepted_services:
        if service.runs_privileged and (at := service.privileged) is not None:
            yield Problem.at(
                at,
                f"service `{service.name.value}` runs privileged: {_WHY}. Remove `privileged` "
                "and add only the capabilities needed (`cap_add`)",
            )


_DOC = RuleDoc(
    what=(
        "Reports `privileged: true` and `--privileged` in `runArgs` in devcontainer.json "
        "(with `--merge`, also when the base image's metadata or a Feature sets it, reported "
        "at that image or Feature), `privileged: true` in a Feature's "
        "devcontainer-feature.json (every container installing the Feature gets it), and "
        "`privileged: true` on a compose service."
    ),
    why=(
        "A privileged container gets all Linux capabilities and access to every host "
        "device, and runs without the seccomp and AppArmor profiles: code running in it "
        "(a dependency's install script, a compromised extension) can mount the host's "
        "disks or load kernel modules, i.e. take over the host. Docker-in-Docker is the "
        "usual reason; it is a deliberate trade-off to make knowingly."
    ),
    example=(
        '{\n  "image": "mcr.microsoft.com/devcontainers/base:bookworm",\n  "privileged": true\n}'
    ),
    fix=(
        "Remove it and grant only what the tool needs, e.g. "
        '`"capAdd": ["SYS_PTRACE"]` for a debugger; for Docker access, weigh the '
        "docker-outside-of-docker Feature (see docker-socket-mount) or a remote Docker "
        "host. If privileged mode is really needed (Docker-in-Docker), suppress the "
        "finding with a comment saying why."
    ),
)

RULE = Rule(
    "privileged-container",
    Category.SECURITY,
    "the container runs privileged (`privileged: true`, runArgs --privileged)",
    _DOC,
    config=check_config,
    feature=check_config,
    compose=check_compose,
)
