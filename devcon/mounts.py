"""Docker mounts as written: `--mount` strings, `-v` / compose short-syntax volumes, and the
object form; read the same way for devcontainer.json and compose files."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from typing import Any

# a `${...}` variable, which may hold colons; or `${` and the rest of the text when no `}`
# follows (not a variable; matching it keeps a search linear)
_VARIABLE = re.compile(r"\$\{[^}]*\}?")


@dataclass(frozen=True)
class Mount:
    """One mount: its type (bind, volume, tmpfs, ...), source and target."""

    type: str
    source: str | None
    target: str | None


def parse_mount(text: str) -> Mount:
    """A Docker `--mount` string: `type=bind,source=/a,target=/b` (type defaults to volume)."""
    fields: dict[str, str] = {}
    try:
        rows = list(csv.reader([text]))
    except csv.Error:
        rows = [text.split(",")]
    for item in rows[0] if rows else []:
        key, _, val = item.partition("=")
        fields[key.strip().lower()] = val.strip()
    source = fields.get("source", fields.get("src"))
    target = fields.get("target", fields.get("destination", fields.get("dst")))
    return Mount(fields.get("type", "volume").lower(), source, target)


def parse_volume(text: str) -> Mount:
    """A Docker `-v` string: `SOURCE:TARGET[:OPTIONS]`, a host path (bind) or a volume name;
    `${...}` variables (which hold colons) and Windows drive letters are kept whole."""
    masked = _VARIABLE.sub(
        lambda m: "\0" * len(m.group(0)) if m.group(0).endswith("}") else m.group(0), text
    )
    drive = re.match(r"[A-Za-z]:[\\/]", masked)
    start = 2 if drive else 0
    cuts = [i for i, c in enumerate(masked) if c == ":" and i >= start]
    if not cuts:
        return Mount("volume", None, text)  # an anonymous volume
    source = text[: cuts[0]]
    target = text[cuts[0] + 1 : cuts[1]] if len(cuts) > 1 else text[cuts[0] + 1 :]
    host = source.startswith(("/", "~", ".", "\\", "${")) or bool(drive)
    return Mount("bind" if host else "volume", source, target)


def mount_of(item: Any) -> Mount | None:
    """A devcontainer.json `mounts` entry: a `--mount` string or an object with type, source
    and target."""
    if isinstance(item, str):
        return parse_mount(item)
    if isinstance(item, dict):
        source, target = item.get("source"), item.get("target")
        return Mount(
            str(item.get("type", "volume")).lower(),
            source if isinstance(source, str) else None,
            target if isinstance(target, str) else None,
        )
    return None


def is_docker_socket(source: str | None) -> bool:
    """/var/run/docker.sock, /run/docker.sock, or any other `.../docker.sock` (rootless
    Docker's /run/user/<uid>/docker.sock, Docker Desktop's ~/.docker/run/docker.sock)."""
    if not source:
        return False
    path = re.sub(r"/+", "/", source.strip().strip("\"'")).rstrip("/")
    return path in ("/var/run/docker.sock", "/run/docker.sock") or path.endswith("/docker.sock")
