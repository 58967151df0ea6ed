"""codespaces-bind-mount: a bind mount that GitHub Codespaces ignores."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.container_options import config_mounts
from devcon.findings import Severity
from devcon.mounts import is_docker_socket
from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc


def check(ctx: ConfigContext) -> Iterator[Problem]:
    for item in config_mounts(ctx.value):
        mount = item.mount
        if mount.type != "bind" or is_docker_socket(mount.source):
            continue
        source = f" of {mount.source}" if mount.source else ""
        yield ctx.report_merged(
            item.pointer,
            f"{item.written} is a bind mount{source}: Codespaces ignores bind mounts (all but "
            "the Docker socket's), so the container gets no files there; use a volume, or "
            "create the files in a lifecycle command",
        )


_DOC = RuleDoc(
    what=(
        "With `--tools codespaces` only. Reports bind mounts in `mounts` (`type=bind` in "
        'the string form, `"type": "bind"` in the object form) and in `runArgs` '
        "(`-v`/`--volume` with a host path, `--mount type=bind,...`), except the Docker "
        "socket, which Codespaces does mount. With `--merge`, bind mounts from the base "
        "image's metadata or a Feature are reported at that image or Feature."
    ),
    why=(
        'The spec\'s supporting-tools page says Codespaces ignores "bind" mounts except '
        "the Docker socket's (volume mounts still work): the host of a codespace is a "
        "cloud VM, not the user's machine, so a path such as `${localEnv:HOME}/.kube` "
        "has nothing to mount. The container starts anyway, without those files, and "
        "whatever needs them fails later."
    ),
    example=(
        '{\n  "image": "mcr.microsoft.com/devcontainers/base:bookworm",\n  "mounts": [\n'
        '    "source=${localEnv:HOME}/.aws,target=/home/vscode/.aws,type=bind"\n  ]\n}'
    ),
    fix=(
        "Use a named volume for data the container keeps "
        '(`"source=myproject-cache,target=/cache,type=volume"`), pass credentials as '
        "Codespaces secrets, or generate the files in `postCreateCommand`. Keep the bind "
        "mount for local use if it helps, and suppress the finding with a comment."
    ),
)

RULE = Rule(
    "codespaces-bind-mount",
    Category.CORRECTNESS,
    "a bind mount (other than the Docker socket) that Codespaces ignores",
    _DOC,
    severity=Severity.WARNING,
    config=check,
    tools=frozenset({"codespaces"}),
)
