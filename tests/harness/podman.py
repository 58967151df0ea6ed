"""A private podman API service (``podman system service``) for the test session.

Podman serves the Docker Engine API too, so the docker CLI and the docker SDK (and devcon)
talk to it as to dockerd; :class:`PodmanEngine` is a :class:`DockerEngine` whose socket is
podman's. Everything podman keeps is under one temporary directory: overlay storage
(``CONTAINERS_STORAGE_CONF``), ``containers.conf`` (``CONTAINERS_CONF``: cgroupfs, file
events, ulimits low enough for containers to start on these machines, the host network so
no CNI bridge or iptables chain is made) and ``registries.conf``
(``CONTAINERS_REGISTRIES_CONF``: the loopback test registries are insecure, since podman
trusts no 127.0.0.0/8 registry over plain HTTP by default). The service reads
``registries.conf`` once, so the registries are named when it starts.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import HarnessError
from .engine import DockerCLIError, DockerEngine, answering


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def podman_env(root: Path) -> dict[str, str]:
    """The variables that point podman (the service and the CLI) at this set-up."""
    return {
        "CONTAINERS_STORAGE_CONF": str(root / "storage.conf"),
        "CONTAINERS_CONF": str(root / "containers.conf"),
        "CONTAINERS_REGISTRIES_CONF": str(root / "registries.conf"),
        "TMPDIR": str(root / "tmp"),
    }


def _write_config(root: Path, insecure_registries: Iterable[str]) -> None:
    for name in ("storage", "run", "tmp", "cli"):
        (root / name).mkdir()
    (root / "cli" / "config.json").write_text("{}\n")
    (root / "storage.conf").write_text(
        "[storage]\n"
        'driver = "overlay"\n'
        f"graphroot = {_toml(str(root / 'storage'))}\n"
        f"runroot = {_toml(str(root / 'run'))}\n"
    )
    (root / "containers.conf").write_text(
        "[containers]\n"
        'default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n'
        'netns = "host"\n'
        "[engine]\n"
        'cgroup_manager = "cgroupfs"\n'
        'events_logger = "file"\n'
        f"events_logfile_path = {_toml(str(root / 'events.log'))}\n"
        f"tmp_dir = {_toml(str(root / 'tmp'))}\n"
        "[network]\n"
        f"network_config_dir = {_toml(str(root / 'net'))}\n"
    )
    registries = "unqualified-search-registries = []\n"
    for addr in insecure_registries:
        registries += f"[[registry]]\nlocation = {_toml(addr)}\ninsecure = true\n"
    (root / "registries.conf").write_text(registries)


@dataclass
class PodmanEngine(DockerEngine):
    """A running ``podman system service``, reached through the Docker API."""

    name = "podman"
    cni_before: bool = True  # whether podman's CNI bridge was there before this service

    def import_rootfs(self, tarball: Path | str, tag: str, **kwargs: object) -> str:
        # podman's compat import streams "sha256:ID: sha256:ID"; the id is the last word
        out = super().import_rootfs(tarball, tag, **kwargs)  # type: ignore[arg-type]
        return out.split()[-1] if out.split() else out

    def docker(self, *args: str, **kwargs: Any) -> str:
        """The docker CLI against this service. `run --rm` runs the container by a name without
        --rm and removes it after: with --rm the CLI waits for condition=removed, which podman
        4.3's service answers with exit code 0 and no output (containers/podman#18889), so a
        command failing in the container would pass here."""
        if len(args) > 1 and args[0] == "run" and "--rm" in args[1:]:
            at = args.index("--rm")
            name = f"dcp-run-{uuid.uuid4().hex[:12]}"
            try:
                return super().docker("run", "--name", name, *args[1:at], *args[at + 1 :], **kwargs)
            finally:
                with contextlib.suppress(HarnessError):
                    super().docker("rm", "-f", "-v", name, timeout=60)
        return super().docker(*args, **kwargs)

    def podman(self, *args: str, timeout: float = 300) -> str:
        """Run the podman CLI on this service's storage and configuration; return stdout."""
        podman = os.environ.get("DEVCON_TEST_PODMAN") or shutil.which("podman") or "podman"
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONTAINERS_")}
        env.update(podman_env(self.root))
        cmd = [podman, *args]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise HarnessError(f"`{' '.join(cmd)}` timed out after {timeout}s") from exc
        stdout = proc.stdout.decode(errors="replace")
        if proc.returncode != 0:
            stderr = proc.stderr.decode(errors="replace")
            raise DockerCLIError(cmd, proc.returncode, stdout, stderr)
        return stdout

    daemon_name = "podman"

    def _after_daemon(self) -> None:
        """conmon runs in its own session; it dies with its container (removed before the
        service stops). What podman's default network left, if it was not there before."""
        if not self.cni_before and _cni_present():
            remove_cni_state()


def _cni_present() -> bool:
    return os.path.exists("/sys/class/net/cni-podman0")


def remove_cni_state() -> None:
    """What a container on podman's default (bridge) network leaves on the host: the
    cni-podman0 bridge, the CNI firewall chains and the IP allocations."""
    run = [["ip", "link", "delete", "cni-podman0"]]
    comment = ["-m", "comment", "--comment", "CNI firewall plugin rules"]
    run.append(["iptables", "-D", "FORWARD", *comment, "-j", "CNI-FORWARD"])
    for chain in ("CNI-FORWARD", "CNI-ADMIN"):
        run += [["iptables", "-F", chain], ["iptables", "-X", chain]]
    for cmd in run:
        with contextlib.suppress(OSError):
            subprocess.run(cmd, capture_output=True, check=False)
    shutil.rmtree("/var/lib/cni/networks/podman", ignore_errors=True)


def start_podman(insecure_registries: Iterable[str] = (), timeout: float = 60) -> PodmanEngine:
    """Start ``podman system service`` on a unix socket under /tmp/dcp-*; wait for /_ping."""
    podman = os.environ.get("DEVCON_TEST_PODMAN") or shutil.which("podman")
    if not podman:
        raise HarnessError("podman not found (install the Debian package podman)")
    if os.geteuid() != 0:
        raise HarnessError("the private podman service needs root (run the tests as root)")
    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="dcp-", dir="/tmp"))
    _write_config(root, insecure_registries)
    sock = root / "podman.sock"
    log_path = root / "podman.log"
    cmd = [podman, "system", "service", "--time=0", f"unix://{sock}"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_", "CONTAINERS_"))}
    env.update(podman_env(root))
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
        )
    engine = PodmanEngine(
        root=root,
        socket_path=sock,
        data_root=root / "storage",
        exec_root=root / "run",
        log_path=log_path,
        config_dir=root / "cli",
        process=process,
        cni_before=_cni_present(),
    )
    return answering(engine, started, timeout, cmd)


def is_podman(engine: DockerEngine) -> bool:
    """Whether a test's `docker_engine` is podman's service (for what podman's builder records
    differently: no layer for a WORKDIR, a layer for every RUN, `ADD file:` on an import)."""
    return isinstance(engine, PodmanEngine)
