"""docker-socket-mount: the host's Docker socket is mounted into the dev container."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.container_options import config_mounts
from devcon.mounts import is_docker_socket
from devcon.rules.base import Category, ComposeContext, ConfigContext, Problem, Rule, RuleDoc

_WHY = (
    "whoever can use it controls the host's Docker daemon, which is root on the host "
    "(e.g. `docker run -v /:/host --privileged`)"
)


def check_config(ctx: ConfigContext) -> Iterator[Problem]:
    """devcontainer.json, or a Feature's devcontainer-feature.json."""
    feature = ctx.is_feature
    into = "every container that installs this Feature" if feature else "the container"
    for item in config_mounts(ctx.value):
        if is_docker_socket(item.mount.source):
            yield ctx.report_merged(
                item.pointer,
                f"{item.written} mounts the host's Docker socket ({item.mount.source}) into "
                f"{into}: {_WHY}. Keep it only for trusted code",
            )


def check_compose(ctx: ComposeContext) -> Iterator[Problem]:
    for service in ctx.compose.accepted_services:
        for volume in service.volumes:
            source = volume.mount.source
            if is_docker_socket(source):
                yield Problem.at(
                    volume.at,
                    f"service `{service.name.value}` mounts the host's Docker socket ({source}): "
                    f"{_WHY}. Keep it only for trusted code",
                )


_DOC = RuleDoc(
    what=(
        "Reports a mount of the host's Docker socket: `/var/run/docker.sock`, "
        "`/run/docker.sock` or any other `.../docker.sock` source (rootless Docker, Docker "
        "Desktop) in `mounts` (the `--mount` string and the object form), in `runArgs` "
        "(`-v`, `--volume`, `--mount`), in a Feature's devcontainer-feature.json `mounts`, "
        "and in a compose service's `volumes` (short and long syntax). With `--merge`, a "
        "socket mounted by a Feature such as docker-outside-of-docker is reported at that "
        "Feature."
    ),
    why=(
        "The Docker socket is the Docker daemon's API, and the daemon runs as root: anything "
        "in the container that can reach the socket can start a privileged container that "
        "mounts the host's root filesystem. Everything the dev container runs (dependency "
        "install scripts, extensions, tasks) gets that power."
    ),
    example=(
        '{\n  "image": "mcr.microsoft.com/devcontainers/base:bookworm",\n  "mounts": [\n'
        '    "source=/var/run/docker.sock,target=/var/run/docker.sock,type=bind"\n  ]\n}'
    ),
    fix=(
        "Remove the mount if the container does not need Docker. If it does, prefer a "
        "daemon that is not the host's: the docker-in-docker Feature (which needs "
        "`privileged`, see privileged-container), rootless Docker, or a remote Docker host; "
        "or keep the socket for trusted projects only and suppress the finding with a "
        "comment saying why."
    ),
)

RULE = Rule(
    "docker-socket-mount",
    Category.SECURITY,
    "the host's Docker socket (/var/run/docker.sock) is mounted into the container",
    _DOC,
    config=check_config,
    feature=check_config,
    compose=check_compose,
)
