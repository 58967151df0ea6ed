"""A private Docker Engine (dockerd) for the test session.

The daemon gets its own data root, exec root, socket, pidfile and config file under a
short temporary directory, uses the ``overlay2`` storage driver (``vfs`` where the
temporary directory's filesystem cannot hold overlay mounts, or as
``DEVCON_TEST_STORAGE_DRIVER`` says) and no bridge/iptables, so it neither needs nor
touches the host's Docker set-up. overlay2 builds about four times faster than vfs, which
copies every layer whole (tests/integration/test_init.py: 124 s on vfs, 33 s on
overlay2). Clients reach it through ``DockerEngine.host`` / ``DockerEngine.env``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from . import HarnessError

DOCKER_ENV_VARS_TO_DROP = (
    "DOCKER_CONTEXT",
    "DOCKER_TLS_VERIFY",
    "DOCKER_CERT_PATH",
    "DOCKER_API_VERSION",
)


class DockerCLIError(HarnessError):
    """A ``docker`` CLI invocation failed."""

    def __init__(self, args: list[str], returncode: int, stdout: str, stderr: str) -> None:
        self.cmd = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        super().__init__(
            f"`{' '.join(args)}` exited {returncode}\n--- stderr ---\n{stderr.strip()}"
            + (f"\n--- stdout ---\n{stdout.strip()[-2000:]}" if stdout.strip() else "")
        )


@dataclass(frozen=True)
class BaseImage:
    """The busybox base image: local tag in the engine and pushed copy in the registry."""

    tag: str  # devcon-test/busybox:base (in the engine)
    id: str  # sha256:… image (config) id
    ref: str  # 127.0.0.1:PORT/devcon-test/busybox:base
    digest: str  # manifest digest in the registry
    layers: int  # number of layers (1)

    @property
    def pinned_ref(self) -> str:
        """``127.0.0.1:PORT/devcon-test/busybox@sha256:…``"""
        return f"{self.ref.rsplit(':', 1)[0]}@{self.digest}"


@dataclass(frozen=True)
class BuiltImage:
    tag: str  # local tag in the engine
    id: str  # image id
    ref: str | None = None  # registry reference when pushed
    digest: str | None = None  # manifest digest when pushed


class BuildImage(Protocol):
    """Signature of the ``build_image`` fixture's callable."""

    def __call__(
        self,
        dockerfile: str,
        tag: str | None = None,
        files: Mapping[str, bytes | str] | None = None,
        push: bool = False,
        **kwargs: Any,
    ) -> BuiltImage: ...


def log_tail(path: Path, lines: int = 40) -> str:
    """The last ``lines`` lines of a log file ('' if it does not exist)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def docker_cli() -> str:
    """Path of the docker CLI (``DEVCON_TEST_DOCKER_CLI`` overrides PATH lookup)."""
    cli = os.environ.get("DEVCON_TEST_DOCKER_CLI") or shutil.which("docker")
    if not cli:
        raise HarnessError("docker CLI not found (install the Debian package docker.io)")
    return cli


def _ping_unix(sock_path: str, timeout: float = 2.0) -> bool:
    """True when the daemon answers ``GET /_ping`` with 200 OK on its unix socket."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(sock_path)
            s.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            data = b""
            while chunk := s.recv(4096):
                data += chunk
    except OSError:
        return False
    head, _, body = data.partition(b"\r\n\r\n")
    return head.startswith((b"HTTP/1.0 200", b"HTTP/1.1 200")) and body.strip() == b"OK"


def _mounts_under(root: Path) -> list[str]:
    """Mount points at or below ``root``, deepest first."""
    prefix = str(root)
    points: list[str] = []
    try:
        with open("/proc/self/mountinfo") as fh:
            for line in fh:
                fields = line.split()
                if len(fields) < 5:
                    continue
                # mountinfo escapes spaces etc. as octal; our paths have none.
                point = fields[4]
                if point == prefix or point.startswith(prefix + "/"):
                    points.append(point)
    except OSError:
        return []
    return sorted(set(points), key=lambda p: p.count("/"), reverse=True)


def unmount_all_under(root: Path) -> list[str]:
    """``umount -R`` everything mounted under ``root`` (errors ignored, lazy fallback).

    Returns the mount points still present afterwards.
    """
    for point in _mounts_under(root):
        subprocess.run(["umount", "-R", point], capture_output=True, check=False)
    for point in _mounts_under(root):
        subprocess.run(["umount", "-R", "-l", point], capture_output=True, check=False)
    return _mounts_under(root)


_DAEMON_NAMES = ("containerd", "dockerd", "docker-", "runc")


def _pids_referencing(text: str) -> list[int]:
    """PIDs of containerd/shim/runc/dockerd processes whose command line mentions
    ``text`` (our unique temp dir)."""
    me = os.getpid()
    found: list[int] = []
    needle = text.encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmdline = fh.read()
        except OSError:
            continue
        argv0 = os.path.basename(cmdline.split(b"\0", 1)[0]).decode(errors="replace")
        if needle in cmdline and argv0.startswith(_DAEMON_NAMES):
            found.append(int(entry))
    return found


def end_process(process: subprocess.Popen[bytes], timeout: float, group: bool = False) -> None:
    """Stop a daemon the harness started: SIGTERM (to its process group with `group`), wait
    up to `timeout`, then SIGKILL its group; reaped either way."""
    if process.poll() is not None:
        process.wait()
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if group:
            os.killpg(process.pid, signal.SIGTERM)
        else:
            process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _kill(pids: Iterable[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


@dataclass
class DockerEngine:
    """A running private dockerd. Create with :func:`start_engine`; call :meth:`stop`."""

    root: Path
    socket_path: Path
    data_root: Path
    exec_root: Path
    log_path: Path
    config_dir: Path
    process: subprocess.Popen[bytes]
    startup_seconds: float = 0.0
    _clients: list[Any] = field(default_factory=list, repr=False)
    _stopped: bool = field(default=False, repr=False)

    # --- addressing -------------------------------------------------------------------
    @property
    def host(self) -> str:
        """``unix:///…/docker.sock`` — the value for DOCKER_HOST."""
        return f"unix://{self.socket_path}"

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def env(self) -> dict[str, str]:
        """Variables that point a docker client (CLI or SDK) at this engine.

        Merge into a full environment with :meth:`subprocess_env`.
        """
        return {"DOCKER_HOST": self.host, "DOCKER_CONFIG": str(self.config_dir)}

    def subprocess_env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """``os.environ`` minus host docker settings, plus :attr:`env` and ``extra``."""
        env = {k: v for k, v in os.environ.items() if k not in DOCKER_ENV_VARS_TO_DROP}
        env.update(self.env)
        env.update(extra or {})
        return env

    # --- clients ----------------------------------------------------------------------
    def client(self, timeout: int = 120) -> Any:
        """A new ``docker.DockerClient`` for this engine (API version negotiated).

        Clients are closed by :meth:`stop`; closing one earlier is fine too.
        """
        import docker

        client = docker.DockerClient(base_url=self.host, version="auto", timeout=timeout)
        self._clients.append(client)
        return client

    def docker(
        self,
        *args: str,
        input: str | bytes | None = None,
        timeout: float = 300,
        env: Mapping[str, str] | None = None,
        cwd: Path | str | None = None,
    ) -> str:
        """Run the docker CLI against this engine; return stdout (raise on failure)."""
        cmd = [docker_cli(), *args]
        data = input.encode() if isinstance(input, str) else input
        try:
            proc = subprocess.run(
                cmd,
                input=data,
                capture_output=True,
                timeout=timeout,
                env=self.subprocess_env(env),
                cwd=cwd,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise HarnessError(f"`{' '.join(cmd)}` timed out after {timeout}s") from exc
        stdout = proc.stdout.decode(errors="replace")
        stderr = proc.stderr.decode(errors="replace")
        if proc.returncode != 0:
            raise DockerCLIError(cmd, proc.returncode, stdout, stderr)
        return stdout

    # --- images -----------------------------------------------------------------------
    def import_rootfs(
        self,
        tarball: Path | str,
        tag: str,
        *,
        changes: Iterable[str] = (
            "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            'CMD ["/bin/sh"]',
        ),
    ) -> str:
        """``docker import`` a rootfs tarball as ``tag``; return the image id."""
        args = ["import"]
        for change in changes:
            args += ["--change", change]
        return self.docker(*args, str(tarball), tag).strip()

    def build_target(self, repo: Path, target: str, tag: str) -> None:
        """Build stage ``target`` of the repository's ``.devcontainer/Dockerfile`` with the
        repository as context, as a user of `devcon init`'s output does; tag it."""
        dockerfile = repo / ".devcontainer" / "Dockerfile"
        self.docker(
            "build", "--network", "host", "-f", str(dockerfile), "--target", target, "-t", tag,
            str(repo), env={"DOCKER_BUILDKIT": "0"},
        )  # fmt: skip

    def build(
        self,
        dockerfile: str,
        tag: str,
        *,
        files: Mapping[str, bytes | str] | None = None,
        network: str = "host",
        build_args: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
        no_cache: bool = False,
        timeout: float = 600,
    ) -> str:
        """Build ``dockerfile`` (text) with ``files`` as context; tag it; return the id.

        Uses the classic builder (``DOCKER_BUILDKIT=0``) so output and behaviour do not
        depend on whether the buildx plugin happens to be installed.
        """
        context = Path(tempfile.mkdtemp(prefix="dc-ctx-", dir="/tmp"))
        try:
            (context / "Dockerfile").write_text(dockerfile)
            for rel, content in (files or {}).items():
                target = context / rel.lstrip("/")
                target.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(content, str):
                    target.write_text(content)
                else:
                    target.write_bytes(content)
            iidfile = context.parent / f"{context.name}.iid"
            args = ["build", "--network", network, "--iidfile", str(iidfile), "-t", tag]
            if no_cache:
                args.append("--no-cache")
            for key, value in (build_args or {}).items():
                args += ["--build-arg", f"{key}={value}"]
            for key, value in (labels or {}).items():
                args += ["--label", f"{key}={value}"]
            try:
                self.docker(*args, str(context), timeout=timeout, env={"DOCKER_BUILDKIT": "0"})
                return iidfile.read_text().strip()
            finally:
                iidfile.unlink(missing_ok=True)
        finally:
            shutil.rmtree(context, ignore_errors=True)

    def push(self, local: str, remote: str) -> str:
        """Tag ``local`` as ``remote``, push it, return the manifest digest."""
        if local != remote:
            self.docker("tag", local, remote)
        out = self.docker("push", remote)
        for line in out.splitlines():
            if "digest: sha256:" in line:
                return line.split("digest: ", 1)[1].split()[0]
        raise HarnessError(f"could not find the digest in `docker push {remote}` output:\n{out}")

    def inspect_image(self, ref: str) -> dict[str, Any]:
        data = json.loads(self.docker("image", "inspect", ref))
        result: dict[str, Any] = data[0]
        return result

    # --- lifecycle --------------------------------------------------------------------
    def log_tail(self, lines: int = 40) -> str:
        return log_tail(self.log_path, lines)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 20) -> None:
        """Stop dockerd and everything it started; unmount and delete the temp dir.

        Raises :class:`HarnessError` if something is still mounted afterwards (the
        directory is then left in place rather than deleted through a mount).
        """
        if self._stopped:
            return
        self._stopped = True
        for client in self._clients:
            with contextlib.suppress(Exception):
                client.close()
        self._clients.clear()

        if self.alive() and _ping_unix(str(self.socket_path)):
            # Remove containers first so their shims/processes go away with the daemon.
            with contextlib.suppress(HarnessError):
                ids = self.docker("ps", "-aq", timeout=15).split()
                if ids:
                    self.docker("rm", "-f", "-v", *ids, timeout=60)
        end_process(self.process, timeout)
        self._after_daemon()
        remaining = unmount_all_under(self.root)
        if remaining:
            raise HarnessError(
                f"{self.daemon_name} stopped but these are still mounted "
                f"(left {self.root} in place): " + ", ".join(remaining)
            )
        shutil.rmtree(self.root, ignore_errors=True)

    daemon_name = "dockerd"

    def _after_daemon(self) -> None:
        """What the daemon leaves behind once stopped: containerd and shims run in their own
        sessions; find them by our temp dir."""
        for _ in range(3):
            leftovers = _pids_referencing(str(self.root))
            if not leftovers:
                break
            _kill(leftovers)
            time.sleep(0.2)

    def __enter__(self) -> DockerEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_engine(timeout: float = 60, extra_args: Iterable[str] = ()) -> DockerEngine:
    """Start a private dockerd and wait until ``/_ping`` answers: on overlay2, or on vfs if
    dockerd cannot use overlay2 here (or on ``DEVCON_TEST_STORAGE_DRIVER`` alone if set).

    Raises :class:`HarnessError` (with the daemon log tail) if it does not come up.
    """
    chosen = os.environ.get("DEVCON_TEST_STORAGE_DRIVER")
    if chosen:
        return _start_engine(chosen, timeout, extra_args)
    try:
        return _start_engine("overlay2", timeout, extra_args)
    except HarnessError as overlay_failed:
        if "during start-up" not in str(overlay_failed):
            raise
        return _start_engine("vfs", timeout, extra_args)


def _start_engine(storage_driver: str, timeout: float, extra_args: Iterable[str]) -> DockerEngine:
    dockerd = os.environ.get("DEVCON_TEST_DOCKERD") or shutil.which("dockerd")
    if not dockerd:
        raise HarnessError("dockerd not found (install the Debian package docker.io)")
    if os.geteuid() != 0:
        raise HarnessError("the private dockerd needs root (run the tests as root)")

    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="dc-", dir="/tmp"))
    data_root, exec_root, config_dir = root / "data", root / "exec", root / "cli"
    for d in (data_root, exec_root, config_dir):
        d.mkdir()
    (config_dir / "config.json").write_text("{}\n")
    daemon_json = root / "daemon.json"
    daemon_json.write_text("{}\n")
    sock = root / "docker.sock"
    log_path = root / "dockerd.log"
    cmd = [
        dockerd,
        "--config-file",
        str(daemon_json),
        "--data-root",
        str(data_root),
        "--exec-root",
        str(exec_root),
        "--host",
        f"unix://{sock}",
        "--pidfile",
        str(root / "dockerd.pid"),
        f"--storage-driver={storage_driver}",
        "--iptables=false",
        "--ip6tables=false",
        "--ip-masq=false",
        "--bridge=none",
        "--shutdown-timeout=3",
        *extra_args,
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
        )
    engine = DockerEngine(
        root=root,
        socket_path=sock,
        data_root=data_root,
        exec_root=exec_root,
        log_path=log_path,
        config_dir=config_dir,
        process=process,
    )
    return answering(engine, started, timeout, cmd)


EngineT = TypeVar("EngineT", bound=DockerEngine)


def answering(engine: EngineT, started: float, timeout: float, cmd: list[str]) -> EngineT:
    """The engine once its socket answers `/_ping`; if its daemon exits or does not answer
    within `timeout`, it is stopped and a HarnessError says why, with the log's tail."""
    name, process, sock = engine.daemon_name, engine.process, engine.socket_path
    deadline = started + timeout
    while True:
        if process.poll() is not None:
            reason = f"{name} exited with status {process.returncode} during start-up"
            break
        if sock.exists() and _ping_unix(str(sock)):
            engine.startup_seconds = time.monotonic() - started
            return engine
        if time.monotonic() > deadline:
            reason = f"{name} did not answer /_ping within {timeout:.0f}s"
            break
        time.sleep(0.1)
    tail = engine.log_tail() or "(empty)"
    try:
        engine.stop(timeout=10)
    except HarnessError as exc:
        reason += f"\n(cleanup also failed: {exc})"
    raise HarnessError(f"{reason}\ncommand: {' '.join(cmd)}\n--- {name} log (tail) ---\n{tail}")
