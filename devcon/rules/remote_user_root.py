"""remote-user-root: the tools and terminals in the dev container run as root."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc


def _is_root(user: str) -> bool:
    """`root`, `0`, or those with a group (`root:root`, `0:0`)."""
    return user.split(":", 1)[0].strip() in ("root", "0")


def check(ctx: ConfigContext) -> Iterator[Problem]:
    value = ctx.value
    if not isinstance(value, dict):
        return
    remote, container = value.get("remoteUser"), value.get("containerUser")
    if isinstance(remote, str):
        key, user = "remoteUser", remote
    elif isinstance(container, str):
        key, user = "containerUser", container
    else:
        return  # the image's user: root-user judges the Dockerfile
    if "${" in user or not _is_root(user):
        return
    if key == "remoteUser":
        what = "VS Code, its terminals, tasks and lifecycle commands run as root"
    else:
        what = "`remoteUser` is not set, so the container and the tools in it run as root"
    yield ctx.report_merged(
        (key,),
        f"`{key}` is `{user}`: {what}; use a non-root user (the devcontainers images have "
        "`vscode`, or `node` for Node images)",
    )


_DOC = RuleDoc(
    what=(
        "Reports `remoteUser` set to `root` or `0`, or, when `remoteUser` is not set, "
        "`containerUser` set to `root` or `0` (with or without a group, `root:root`). "
        "With `--merge`, a root user set by the base image's metadata is reported at the "
        "image. A config that sets neither is not reported: the user is then the image's "
        "(see root-user for Dockerfiles). Values built from `${...}` variables, such as "
        "template options, are skipped."
    ),
    why=(
        "`remoteUser` is the user VS Code and other tools run as: terminals, tasks, "
        "debuggers, extensions and lifecycle commands. As root, a mistake or a malicious "
        "dependency can change anything in the container, and files it writes into the "
        "bind-mounted workspace are owned by root on the host (on Linux). The container "
        "isolation still applies, but root in a container is one kernel bug or one "
        "extra privilege away from root on the host."
    ),
    example=(
        '{\n  "image": "mcr.microsoft.com/devcontainers/base:bookworm",\n  "remoteUser": "root"\n}'
    ),
    fix=(
        '`"remoteUser": "vscode"` (the devcontainers images create it, with sudo for the '
        "occasional root command), or create a user in the Dockerfile and name it."
    ),
)

RULE = Rule(
    "remote-user-root",
    Category.SECURITY,
    "remoteUser (or containerUser when remoteUser is unset) is root",
    _DOC,
    config=check,
)
