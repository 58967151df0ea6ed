"""A mutation fuzzer for `devcon validate` (every format) and `devcon pin --dry-run --offline`.

Seeds: the dev container definitions of the shared corpus (`--corpus`, default
`$DEVCON_CORPUS`; read only, every input is written to a temporary folder), the repository's
own fixtures and examples, and a few generated projects, so it also runs on a bare clone.
Each input is one seed project (the files of one folder: devcontainer.json, Dockerfile,
docker-compose.yml, devcontainer-feature.json, devcontainer-template.json, .devcon.toml)
with one file mutated by one to four of: byte flips, inserted/deleted/duplicated spans,
truncation, splices with another file, deep nesting, huge strings, invalid UTF-8, byte order
marks (UTF-8 and UTF-16), NUL bytes, CRLF and lone CR line ends, huge numbers, duplicate keys,
values of another type, and a dictionary of hostile snippets per kind of file.

Each input runs `devcon validate -f FORMAT ws` (the format rotates over text, json, sarif,
github; `--all-formats` runs the four) and `devcon pin --dry-run --offline ws` in a
long-lived worker process, in-process through `devcon.cli.app.main(argv)` with stdout/stderr
captured by strict UTF-8 writers (as a real terminal's), `DEVCON_DEBUG=1` (so a bug raises
and its traceback is kept), the network disabled (a connection attempt is a failure) and an
offline cache holding the seeds' tags; every input is written to a fresh workspace.

Failures: a traceback (an exception out of main, exit 70, "internal error" or a Traceback
in the output), an exit code outside 0-3, a run over `--max-seconds` (2 s: wall time less the
time the run waited for a CPU, so a busy shared machine does not make false reports), an
input the worker did not answer within `--hang-seconds` of wall time (the driver kills the
worker, records a hang and starts another), a file changed by `--dry-run`, a network
attempt, and a peak RSS over `--max-rss-mb`. Every failing input is re-run alone in a fresh
worker process (which runs nothing else) before it is reported: a failure that does not
come back is counted as "not reproduced", not reported (`--no-confirm` skips this).

Repeatable: input N of `--seed S` depends on S and N only (not on the inputs before it nor
on `--jobs`), so `--seed S --inputs N` runs the same inputs every time and
`--seed S --case N` reruns one (a saved failure names its case). `--seconds` stops after a
time instead (the smoke in scripts/test: the inputs are then the first ones of the seed).

Memory bound: the worker runs under RLIMIT_AS = `--limit-mb` (2048 MiB: beyond it an
allocation fails and shows as a MemoryError traceback); the figure judged is each input's
peak RSS (the worker's VmHWM, reset before each input through /proc/self/clear_refs; the
worker's lifetime peak where that is unavailable), which must stay under `--max-rss-mb`
(512 MiB). Workers are replaced every `--restart` inputs (1000), after a hang, and after an
input over the bound; `--fresh` starts one per input (slow, nothing shared).

Speed: `--jobs` workers (default 1: the machine is shared). Workers remember the redaction
of short strings (see `_memoize_redaction`; output identical); `--exact` workers do not,
and the confirming re-runs always use one.

Run: python benchmarks/fuzz.py [--inputs N | --seconds S] [--seed S] [--case N] [--jobs J]
                               [--corpus PATH] [--summary FILE.json] [--all-formats]
Prints the figures (inputs and runs, time, failures by kind with the first few saved under a
temporary folder, slowest run and input, peak RSS); `--summary` writes them as JSON (also
every 30 s while running); exits 1 when anything failed.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FORMATS = ("text", "json", "sarif", "github")
KNOWN_NAMES = (
    "devcontainer.json",
    ".devcontainer.json",
    "devcontainer-feature.json",
    "devcontainer-template.json",
    "Dockerfile",
    "docker-compose.yml",
    "docker-compose.yaml",
    "compose.yml",
    "compose.yaml",
    ".devcon.toml",
)
MAX_SEED_BYTES = 256 * 1024

# -- seeds ---------------------------------------------------------------------------------

Project = dict[str, bytes]  # relative path inside the workspace -> content


def _kind(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    if base.endswith(".json"):
        return "json"
    if base.endswith((".yml", ".yaml")):
        return "yaml"
    if base.endswith(".toml"):
        return "toml"
    return "dockerfile"


def _is_known(name: str) -> bool:
    return name in KNOWN_NAMES or name.startswith("Dockerfile") or name.endswith(".Dockerfile")


def folder_projects(root: Path) -> list[Project]:
    """One project per folder holding a definition file: that folder's known files, written
    under the folder's own name in the workspace (`.devcontainer/devcontainer.json`)."""
    projects: list[Project] = []
    if not root.is_dir():
        return projects
    by_folder: dict[Path, list[Path]] = {}
    for path in sorted(root.rglob("*")):
        if "_schemas" in path.parts or not path.is_file() or not _is_known(path.name):
            continue
        if path.stat().st_size > MAX_SEED_BYTES:
            continue
        by_folder.setdefault(path.parent, []).append(path)
    for folder, files in by_folder.items():
        prefix = re.sub(r"[^\w.-]", "_", folder.name) or "proj"
        project = {}
        for path in files:
            where = prefix
            if path.name == "devcontainer.json" and not prefix.startswith("."):
                where = ".devcontainer"
            project[path.name if path.name == ".devcontainer.json" else f"{where}/{path.name}"] = (
                path.read_bytes()
            )
        projects.append(project)
    return projects


GENERATED: list[Project] = [
    {
        ".devcontainer/devcontainer.json": b"""{
  // generated seed: a Dockerfile build with args
  "name": "gen",
  "build": {"dockerfile": "Dockerfile", "context": "..", "args": {"BASE": "python:3.12-slim"}},
  "forwardPorts": [3000, "db:5432"],
  "runArgs": ["--cap-add=SYS_PTRACE", "--env", "A=b"],
  "mounts": ["source=/var/run/docker.sock,target=/var/run/docker.sock,type=bind"],
  "features": {"ghcr.io/devcontainers/features/node:1": {"version": "20"}},
  "customizations": {"vscode": {"extensions": ["ms-python.python"]}},
  "postCreateCommand": "pip install -r requirements.txt",
  "remoteUser": "vscode",
}
""",
        ".devcontainer/Dockerfile": b"""# syntax=docker/dockerfile:1
ARG BASE=python:3.12-slim
FROM ${BASE} AS dev
RUN --mount=type=cache,target=/root/.cache,from=alpine:3.19 apt-get update \\
    && apt-get install -y git curl \\
    && rm -rf /var/lib/apt/lists/*
COPY --from=node:20 /usr/local/bin/node /usr/local/bin/
COPY requirements.txt /tmp/
RUN pip install -r /tmp/requirements.txt
USER root
FROM dev AS prod
ENV A=1 B="two words"
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
""",
        "requirements.txt": b"requests==2.31.0\nflask\n-r other.txt\n",
    },
    {
        ".devcontainer/devcontainer.json": b"""{
  "name": "compose",
  "dockerComposeFile": ["docker-compose.yml"],
  "service": "app",
  "runServices": ["app", "db"],
  "workspaceFolder": "/workspaces/${localWorkspaceFolderBasename}",
  "shutdownAction": "stopCompose"
}
""",
        ".devcontainer/docker-compose.yml": b"""services:
  app:
    build:
      context: ..
      dockerfile: .devcontainer/Dockerfile
      args:
        VARIANT: "3.12"
    image: "mcr.microsoft.com/devcontainers/python:3.12"
    volumes:
      - ../..:/workspaces:cached
    command: sleep infinity
    environment:
      - API_URL=http://db:5432
    cap_add: [SYS_PTRACE]
    security_opt:
      - seccomp:unconfined
  db:
    image: postgres:16
    restart: unless-stopped
    env_file: .env
volumes:
  data: {}
""",
        ".devcontainer/Dockerfile": b"FROM mcr.microsoft.com/devcontainers/python:3.12\n"
        b"RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client\n",
    },
    {
        "feat/devcontainer-feature.json": b"""{
  "id": "feat",
  "version": "1.0.0",
  "name": "A Feature",
  "options": {"version": {"type": "string", "default": "latest", "proposals": ["latest"]}},
  "containerEnv": {"PATH": "/usr/local/x/bin:${PATH}"},
  "privileged": false,
  "installsAfter": ["ghcr.io/devcontainers/features/common-utils"]
}
""",
        "tmpl/devcontainer-template.json": b"""{
  "id": "tmpl", "version": "1.0.0", "name": "T",
  "options": {"imageVariant": {"type": "string", "default": "3", "enum": ["3", "2"]}},
  "platforms": ["Python"]
}
""",
    },
]

# -- mutations -----------------------------------------------------------------------------

INVALID_UTF8 = (b"\xff", b"\xfe", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf8\x88\x80\x80\x80",
                b"\x80", b"\xe2\x82")
BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf\xef\xbb\xbf")
JSON_VALUES = (
    b"[]", b"{}", b"null", b"true", b"0", b"-1", b"1.5e308", b"1e999", b"-0",
    b'"\\ud800"', b'"\\u0000"', b'"\\u001b[2J\\u001b]0;title\\u0007"', b'""',
    b'"' + b"x" * 300 + b'"', b'[[[[[[[[]]]]]]]]', b'{"": {"": null}}', b'"${localEnv:HOME}"',
    b'"${containerEnv:PATH:/x}"', b'"ghp_' + b"a" * 36 + b'"', b'"a\\"b\\\\c"',
    b'"\\u202e\\u200b"', b"99999999999999999999999999999", b'"::::"', b'"@sha256:"',
)
JSON_SNIPPETS = (
    b'"image": "ubuntu",', b'"image": "a/b:c@sha256:' + b"0" * 64 + b'",', b'"image": 1,',
    b'"build": "x",', b'"build": {"dockerfile": "../../../../etc/passwd"},',
    b'"build": {"dockerfile": "/proc/self/mem"},', b'"build": {"dockerfile": "Dockerfile\\u0000"},',
    b'"dockerComposeFile": [1, null, "x.yml"],', b'"dockerComposeFile": "/dev/zero",',
    b'"forwardPorts": [65536, -1, "x:y:z", 1.5],', b'"features": {"": {}, "x": 5},',
    b'"features": {"ghcr.io/a/b:1@sha256:xyz": "latest"},', b'"mounts": [{}, 1, "type="],',
    b'"runArgs": ["--privileged", "--env=TOKEN=ghp_' + b"b" * 36 + b'"],',
    b'"customizations": {"vscode": {"extensions": [1, {}, "a.b@1.2.3"]}},',
    b'"appPort": "x",', b'"portsAttributes": {"3000-": {"onAutoForward": 5}},',
    b'"containerEnv": {"": "", "A": 1},', b'"hostRequirements": {"cpus": -1, "memory": "9xb"},',
    b'"options": {"x": {"type": "string", "default": [], "enum": "a"}},', b"// comment\n",
    b"/* block */", b"/*", b"*/", b"//", b",", b",,", b"}", b"]", b"[", b"{", b":", b'"', b"'",
    b"#x\n", b"NaN", b"Infinity", b"-Infinity", b"\\u0000", b"\\", b"\t\v\f",
)
DOCKERFILE_SNIPPETS = (
    b"FROM\n", b"FROM --platform=$BUILDPLATFORM ${BASE:-alpine}:${TAG:?x} AS b\n",
    b"FROM scratch\n", b"FROM a b c d\n", b"FROM @sha256:\n", b"FROM ::\n", b"FROM ${X\n",
    b"ARG\n", b"ARG =\n", b"ARG BASE\n", b"ARG BASE=${BASE}\n", b"ARG A=1 B=\n",
    b"COPY --from= . .\n", b"COPY --from=${X} a b\n", b"COPY --chown=a:b --from=0 a b\n",
    b"COPY \x00 /\n", b"COPY .env* /\n", b"COPY id_rsa /root/.ssh/\n", b"ADD http:// /\n",
    b"RUN --mount=type=bind,from=alpine:3 true\n", b"RUN --mount=from=\n", b"RUN --mount\n",
    b"RUN <<EOF\nset -e\necho hi\nEOF\n", b"RUN <<'EOF' <<-X\nEOF\n", b"RUN <<\n",
    b"RUN apt-get install -y pkg=1.* && pip install x==1 -r r.txt && npm i -g a@1\n",
    b"RUN echo 'unterminated\n", b'RUN echo "a\\\n', b"RUN $(echo `echo x`)\n",
    b"RUN curl -u user:hunter2 https://u:p@example.com/x\n",
    b"RUN [\"sh\", \"-c\"\n", b"CMD [1, 2]\n", b"ENTRYPOINT []\n", b"ENV\n", b"ENV A\n",
    b"ENV A=\"\n", b"LABEL a=\n", b"USER\n", b"USER 0:0\n", b"ONBUILD ONBUILD RUN x\n",
    b"HEALTHCHECK NONE x\n", b"SHELL\n", b"SHELL [\"pwsh\"\n", b"# escape=`\n",
    b"# syntax=\n", b"# devcon-ignore: \n", b"# devcon-ignore: nope\n", b"\\\n", b"`\n",
    b"\t \t\n", b"EXPOSE 99999/tcp x\n", b"WORKDIR\n", b"VOLUME [\n", b"STOPSIGNAL\n",
    b"ghp_" + b"c" * 36 + b"\n", b"-----BEGIN OPENSSH PRIVATE KEY-----\n",
)
YAML_SNIPPETS = (
    b"services:\n", b"services: []\n", b"services: 1\n", b"services:\n  x:\n", b"  app: ~\n",
    b"    image: ~\n", b"    image: 2020-01-01\n", b"    image: 0x1F\n", b"    image: [a]\n",
    b"    image: {a: b}\n", b"    image: &a alpine\n", b"    image: *a\n", b"    image: *nope\n",
    b"    image: !!binary aGk=\n", b"    image: !!python/object:os.system x\n",
    b"    image: |\n      alpine\n", b"    image: >-\n      alpine\n", b'    image: "a\\x00b"\n',
    b"    image: 'it''s'\n", b"    image: .inf\n", b"    image: yes\n", b"    image: 1e400\n",
    b"    build: 5\n", b"    build:\n      dockerfile: /dev/zero\n", b"    build: ../../..\n",
    b"    volumes: [1, {}, '::', 'a:b:c:d']\n", b"    ports: ['99999:1', {}]\n",
    b"    environment: {A: [1]}\n", b"    environment: [1, ~]\n", b"    env_file: [1]\n",
    b"    depends_on: {db: 5}\n", b"    cap_add: ALL\n", b"    privileged: 'yes'\n",
    b"    extends: {file: /etc/passwd, service: x}\n", b"<<: *a\n", b"<<: [1]\n",
    b"x: &a [*a]\n", b"%YAML 1.1\n---\n", b"---\n...\n---\n", b"? [a]\n: b\n", b"- - -\n",
    b"\t\n", b"'\n", b'"\n', b"{\n", b"[\n", b"!!set {a}\n", b"a: !!timestamp 2001-12-14\n",
    b"    environment:\n      TOKEN: ghp_" + b"d" * 36 + b"\n",
    b"    image: 'u:p@registry.example.com/x'\n",
)
TOML_SNIPPETS = (
    b'registry-mirror = "' + b"a." * 15 + b'!"\n', b"select = [1]\n", b'fail-on = "x"\n',
    b"[rules]\n", b"[rules.x]\nseverity = 5\n", b'profile = "prod"\n', b"= 1\n", b"[\n",
    b'timeout = -1\n', b"timeout = 1e400\n", b'insecure-registries = ["\x00"]\n',
    b'vscode = "999.999"\n', b'tools = ["codespaces", 1]\n', b"[tool.devcon]\n",
)
SNIPPETS = {"json": JSON_SNIPPETS, "dockerfile": DOCKERFILE_SNIPPETS, "yaml": YAML_SNIPPETS,
            "toml": TOML_SNIPPETS}


def _size(rng: random.Random, low: float = 1, high: float = 5.5) -> int:
    """Log-uniform sizes: nine in ten up to a few thousand, the rest up to 10**high."""
    top = high if rng.random() < 0.1 else min(high, 3.5)
    return int(10 ** rng.uniform(low, max(low, top)))


def _pos(rng: random.Random, data: bytes) -> int:
    return rng.randint(0, len(data))


def _line_start(rng: random.Random, data: bytes) -> int:
    starts = [0] + [m.end() for m in re.finditer(rb"\n", data)]
    return rng.choice(starts)


def _insert(data: bytes, at: int, piece: bytes) -> bytes:
    return data[:at] + piece + data[at:]


def m_flip(rng: random.Random, data: bytes, kind: str, other: bytes) -> bytes:
    if not data:
        return bytes([rng.randrange(256)])
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(buf))
        buf[i] = rng.randrange(256) if rng.random() < 0.5 else buf[i] ^ (1 << rng.randrange(8))
    return bytes(buf)


def m_truncate(rng: random.Random, data: bytes, kind: str, other: bytes) -> bytes:
    return data[: _pos(rng, data)]


def m_delete(rng: random.Random, data: bytes, kind: str, other: bytes) -> bytes:
    a = _pos(rng, data)
    return data[:a] + data[a + rng.randint(1, 64):]


def m_duplicate(rng: random.Random, data: bytes, kind: str, other: bytes) -> bytes:
    a = _pos(rng, data)
    b = min(len(data), a + rng.randint(1, 200))
    return data[:b] + data[a:b] * rng.randint(1, 20) + data[b:]


def m_random_bytes(rng: random.Random, data: bytes, kind: str, other: bytes) -> bytes:
    return _insert(data, _pos(rng, data), rng.randbytes(rng.randint(1, 16)))


def m_splice(rng: random.Random, data: bytes, kind: str, other: bytes) -> bytes:
    return data[: _pos(rng, data)] + other[_pos(rng, other):]


def m_nesting(rng: random.Random, data: bytes, kind: str, other: bytes) -> bytes:
    depth = _size(rng, 1, 4.7)
    if kind == "json":
        opener = rng.choice((b"[", b'{"a":', b'{"a":[', b"[{\"image\":"))
        closer = {b"[": b"]", b'{"a":': b"}", b'{"a":[': b"]}", b"[{\"image\":": b"}]"}[opener]
        piece = opener * depth + b"1" + (closer * depth if rng.random() < 0.5 else b"")
    elif kind == "yaml":
        piece = rng.choice((b"[" * depth, b"{a: " * depth, b"a:\n" + b"".join(
            b" " * i + b"- x:\n" for i in range(min(depth, 3000))), b"- " * depth + b"x\n"))
    elif kind == "dockerfile":
        piece = b"RUN echo a " + b"\\\n  && b " * depth + b"\n"
    else:
        piece = b"a = " + b"[" * depth + b"\n"
    at = _line_start(rng, data) if kind != "json" else _pos(rng, data)
    return _insert(data, at, piece)


def m_huge_string(rng: random.Random, data: bytes, kind: str, other: bytes) -> bytes:
    n = _size(rng, 2, 5.7)
    char = rng.choice((b"A", b" ", b"\\", b"$", b"{", b"a.", b"\xc3\xa9", b"\t", b"/", b"-"))
    piece = char * (n // len(char))
    if kind == "json" and rng.random() < 0.7:
        piece = b'"' + piece.replace(b"\\", b"\\\\") + b'"'
        match = list(re.finditer(rb'"(?:[^"\\\n]|\\.)*"', data))
        if match:
            m = rng.choice(match)
            return data[: m.start()] + piece + data[m.end():]
    if kind == "dockerfile" and rng.random() < 0.5:
        piece = b"RUN " + piece + b"\n"
        return _insert(data, _line_start(rng, data), piece)
    return _insert(data, _pos(rng, data), piece)


def m_invalid_utf8(rng: random.Random, data: bytes, kind: str, other: bytes) -> bytes:
    return _insert(data, _pos(rng, data), rng.choice(INVALID_UTF8))


def m_bom(rng: random.Random, data: bytes, kind: str, other: bytes) -> bytes:
    choice = rng.random()
    if choice < 0.2:
        try:
            return b"\xff\xfe" + data.decode("utf-8").encode("utf-16-le")
        except UnicodeDecodeError:
            pass
    if choice < 0.3:
        return _insert(data, _pos(rng, data), b"\xef\xbb\xbf")
    return rng.choice(BOMS) + data


def m_nul(rng: random.Random, data: bytes, kind: str, other: bytes) -> bytes:
    out = data
    for _ in range(rng.randint(1, 3)):
        out = _insert(out, _pos(rng, out), b"\x00")
    return out


def m_line_ends(rng: random.Random, data: bytes, kind: str, other: bytes) -> bytes:
    r = rng.random()
    if r < 0.5:
        return data.replace(b"\n", b"\r\n")
    if r < 0.7:
        return data.replace(b"\n", b"\r")
    if r < 0.85:
        return _insert(data, _pos(rng, data), rng.choice((b"\r", b"\r\n", b"\n\r", b"\x0b", b"\x0c",
                                                         b"\xc2\x85", b"\xe2\x80\xa8")))
    return data.replace(b"\n", b"\r\n", 1)


def m_huge_number(rng: random.Random, data: bytes, kind: str, other: bytes) -> bytes:
    n = _size(rng, 1, 5)
    number = rng.choice((
        b"9" * n, b"-" + b"1" * n, b"1e" + b"9" * min(n, 30), b"0." + b"0" * n + b"1",
        b"1" + b"0" * n + b".5", b"1E-99999", b"0x" + b"f" * n,
    ))
    matches = list(re.finditer(rb"(?<![\w.])\d+(?![\w.])", data))
    if matches:
        m = rng.choice(matches)
        return data[: m.start()] + number + data[m.end():]
    return _insert(data, _pos(rng, data), number)


def m_duplicate_key(rng: random.Random, data: bytes, kind: str, other: bytes) -> bytes:
    lines = data.split(b"\n")
    if kind == "json":
        candidates = [i for i, line in enumerate(lines) if re.match(rb'\s*"[^"]*"\s*:', line)]
    elif kind == "yaml":
        candidates = [i for i, line in enumerate(lines) if re.match(rb"\s*[\w.-]+\s*:", line)]
    else:
        candidates = list(range(len(lines)))
    if not candidates:
        return data
    i = rng.choice(candidates)
    line = lines[i]
    if kind == "json" and not line.rstrip().endswith((b",", b"{", b"[")):
        line = line + b","
    lines.insert(i + rng.choice((0, 1)), line)
    return b"\n".join(lines)


def m_retype(rng: random.Random, data: bytes, kind: str, other: bytes) -> bytes:
    if kind == "json":
        value = rb'(?<=:)\s*("(?:[^"\\\n]|\\.)*"|-?\d+|true|false|null|\[\]|\{\})'
        matches = list(re.finditer(value, data))
        if matches:
            m = rng.choice(matches)
            return data[: m.start()] + b" " + rng.choice(JSON_VALUES) + data[m.end():]
    if kind == "yaml":
        matches = list(re.finditer(rb"(?<=: )[^\n]+", data))
        if matches:
            m = rng.choice(matches)
            value = rng.choice(YAML_SNIPPETS).split(b":", 1)[-1].strip() or b"~"
            return data[: m.start()] + value + data[m.end():]
    return m_snippet(rng, data, kind, other)


def m_snippet(rng: random.Random, data: bytes, kind: str, other: bytes) -> bytes:
    piece = rng.choice(SNIPPETS[kind])
    at = _pos(rng, data) if kind == "json" and rng.random() < 0.5 else _line_start(rng, data)
    return _insert(data, at, piece)


def m_lines(rng: random.Random, data: bytes, kind: str, other: bytes) -> bytes:
    lines = data.split(b"\n")
    if len(lines) < 2:
        return data
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    if rng.random() < 0.5:
        lines[i], lines[j] = lines[j], lines[i]
    else:
        lines.insert(i, lines[j] * rng.randint(1, 3))
    return b"\n".join(lines)


def m_many(rng: random.Random, data: bytes, kind: str, other: bytes) -> bytes:
    """Many items or lines: what makes a parser quadratic shows here."""
    n = _size(rng, 2, 4.3)
    if kind == "json":
        item = rng.choice((b"1,", b'"a",', b"{},", b"[],", b'"x:1",'))
        piece = b'"forwardPorts": [' + item * n + b"1],"
        brace = data.find(b"{")
        return _insert(data, brace + 1 if brace >= 0 else 0, piece)
    if kind == "yaml":
        return _insert(data, _line_start(rng, data), b"x:\n" + b"  - a\n" * n)
    if kind == "dockerfile":
        line = rng.choice((b"RUN true\n", b"ENV A=1\n", b"# c\n", b"\n", b"ARG A\n", b"FROM a\n"))
        return _insert(data, _line_start(rng, data), line * n)
    return data + b"\n" + b"x = 1\n" * min(n, 1000)


MUTATORS = (
    m_flip, m_truncate, m_delete, m_duplicate, m_random_bytes, m_splice, m_nesting,
    m_huge_string, m_invalid_utf8, m_bom, m_nul, m_line_ends, m_huge_number, m_duplicate_key,
    m_retype, m_snippet, m_snippet, m_retype, m_lines, m_many,
)


def _paths(project: Project) -> list[str]:
    """What to name on the command line, relative to the workspace: the workspace itself
    ("") when it holds a devcontainer.json, else its definition files one by one."""
    if any(name.endswith("devcontainer.json") for name in project):
        return [""]
    return [name for name in sorted(project)
            if _is_known(name.rsplit("/", 1)[-1]) and not name.endswith(".toml")]


@dataclass
class Case:
    number: int
    files: Project
    target: str
    mutations: list[str]
    argvs: list[list[str]]


def case_rng(seed: int, number: int) -> random.Random:
    """Input `number` of run `seed` depends on nothing else (not on the inputs before it, nor
    on how many workers run them): `--seed S --case N` reproduces it alone."""
    return random.Random(f"devcon-fuzz:{seed}:{number}")


def make_case(number: int, seed: int, seeds: list[Project], all_formats: bool) -> Case:
    rng = case_rng(seed, number)
    project = dict(rng.choice(seeds))
    if rng.random() < 0.05:  # a .devcon.toml beside it: settings are input too
        project[".devcon.toml"] = rng.choice(_TOML_SEEDS)
    target = rng.choice(sorted(project))
    kind = _kind(target)
    other_project = rng.choice(seeds)
    other = other_project[rng.choice(sorted(other_project))]
    data = project[target]
    names = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4))):
        mutator = rng.choice(MUTATORS)
        data = mutator(rng, data, kind, other)
        names.append(mutator.__name__[2:])
    project[target] = data
    formats = FORMATS if all_formats else (FORMATS[number % len(FORMATS)],)
    paths = [f"ws/{p}" if p else "ws" for p in _paths(project)]
    if ".devcon.toml" in project:  # devcon looks for it from the working folder: name it
        paths = ["--config", "ws/.devcon.toml", *paths]
    argvs = [["validate", "-f", fmt, *paths] for fmt in formats]
    argvs.append(["pin", "--dry-run", "--offline", *paths])
    return Case(number, project, target, names, argvs)


_TOML_SEEDS: list[bytes] = [
    b'fail-on = "warning"\nselect = ["image-not-pinned"]\n',
    b'[rules.image-latest]\nseverity = "error"\n',
]

# -- the worker: runs devcon in-process ----------------------------------------------------

_network_attempts: list[str] = []


def _no_network() -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        _network_attempts.append(repr(args[1:2] or args[:1]))
        raise OSError("fuzz: the network is disabled")

    socket.socket.connect = refuse  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = refuse  # type: ignore[assignment]
    socket.create_connection = refuse  # type: ignore[assignment]


TRACEBACK_TEXT = "Traceback (most recent call last)"


def _run_queue_wait() -> float:
    """Seconds this thread has spent runnable but waiting for a CPU (Linux schedstat; 0 where
    unknown). A run's wall time less what it waited is what it takes on an idle machine: the
    figure judged, since this machine is shared (wall time is reported too)."""
    try:
        with open("/proc/thread-self/schedstat") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def _run_one(main: object, argv: list[str]) -> dict[str, object]:
    import io
    import traceback

    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    del _network_attempts[:]
    tb = ""
    start, cpu, waited = time.perf_counter(), time.process_time(), _run_queue_wait()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)  # type: ignore[operator]
            except SystemExit as exc:  # what the console script would exit with
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            out.flush()
            err.flush()
    except KeyboardInterrupt:
        raise
    except BaseException:
        tb = traceback.format_exc()
        code = 70
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    waited = _run_queue_wait() - waited
    seconds = max(cpu, wall - waited)
    texts = []
    for stream in (out, err):
        try:
            stream.flush()
            texts.append(stream.buffer.getvalue().decode("utf-8", "replace"))  # type: ignore[attr-defined]
        except Exception:
            texts.append("")
    stdout, stderr = texts
    if not tb and (code == 70 or TRACEBACK_TEXT in stdout + stderr
                   or "internal error" in stderr):
        tb = f"exit {code}, no exception raised; output:\n{(stdout + stderr)[-2000:]}"
    return {"argv": argv, "code": code, "seconds": seconds, "wall": wall, "cpu": cpu,
            "traceback": tb,
            "network": list(_network_attempts), "stderr": stderr[-400:]}


def _clear_peak() -> bool:
    """Reset this process's peak RSS (VmHWM) so the next reading is one input's peak
    (Linux 4.0+: /proc/self/clear_refs); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _peak_kb(per_input: bool) -> int:
    import resource

    if per_input:
        with contextlib.suppress(OSError, AttributeError):
            with open("/proc/self/status") as f:
                match = re.search(r"^VmHWM:\s*(\d+)", f.read(), re.M)
            if match:
                return int(match.group(1))
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _memoize_redaction() -> None:
    """Remember `redact_text` of short strings (a pure function of its text). A SARIF report
    redacts devcon's whole rule catalogue (some 35,000 strings, then thrown away: ~0.1 s a
    run, half of the fuzzer's time); remembered, the output is identical. Bounded: strings
    of at most 512 characters, 8,192 of them. Off in `--exact` workers (failures are always
    confirmed in one)."""
    import functools

    import devcon.output_safety as seam

    plain = seam.redact_text
    cached = functools.lru_cache(maxsize=8192)(plain)

    def redact_text(text: str) -> str:
        return cached(text) if len(text) <= 512 else plain(text)

    seam.redact_text = redact_text


def worker(limit_mb: int, exact: bool = False) -> int:
    import resource

    if limit_mb:
        limit = limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # fd 2 stays: the driver keeps it in worker.log
    os.environ["DEVCON_DEBUG"] = "1"
    _no_network()
    from devcon.cli import app as cli_app

    # main(argv) is what the console script runs; it builds the click command once
    # (cli_app.cli_command), so a long-lived worker pays for it once
    main = cli_app.main
    if not exact:
        _memoize_redaction()

    for line in sys.stdin:
        request = json.loads(line)
        per_input = _clear_peak()
        results = [_run_one(main, argv) for argv in request["argvs"]]
        proto.write(json.dumps({"results": results, "rss_kb": _peak_kb(per_input),
                                "per_input_rss": per_input,
                                "life_rss_kb": _peak_kb(False)}) + "\n")
        proto.flush()
    return 0


STARTUP_SECONDS = 20.0


class Worker:
    """A worker process, its own folder (`ws` is the input's workspace) and one request at a
    time; `deadline` is when the driver gives up on the request in flight."""

    def __init__(self, folder: Path, env: dict[str, str], limit_mb: int, log: Path,
                 exact: bool = False) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as stderr:
            self.proc = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--worker", "--limit-mb",
                 str(limit_mb), *(["--exact"] if exact else [])],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, cwd=folder,
                env=env, text=True, start_new_session=True,
            )
        self.cases = 0
        self.case: Case | None = None
        self.before: dict[str, str] = {}
        self.deadline = 0.0

    @property
    def ws(self) -> Path:
        return self.folder / "ws"

    def send(self, case: Case, timeout: float) -> None:
        assert self.proc.stdin is not None
        _write_project(self.ws, case.files)
        self.before = _snapshot(self.ws)
        self.case = case
        self.proc.stdin.write(json.dumps({"argvs": case.argvs}) + "\n")
        self.proc.stdin.flush()
        # a new worker imports devcon first (about 0.5 s; much more on a busy machine): its
        # first input's deadline allows for that, so a slow start is not taken for a hang
        self.deadline = time.monotonic() + timeout + (STARTUP_SECONDS if not self.cases else 0)

    def receive(self) -> dict[str, object] | None:
        """The answer (the output is ready), or None when the worker died."""
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        self.cases += 1
        return dict(json.loads(line)) if line else None

    def ask(self, case: Case, timeout: float) -> dict[str, object] | None:
        self.send(case, timeout)
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        return self.receive() if ready else None

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()


# -- the driver ----------------------------------------------------------------------------


@dataclass
class Failure:
    kind: str  # traceback, exit, slow, hang, died, network, wrote, rss
    case: int
    argv: list[str]
    detail: str
    saved: Path | None = None
    confirmed: bool | None = None  # re-run alone in a fresh worker process: same failure?

    @property
    def signature(self) -> str:
        if self.kind != "traceback":
            return self.kind
        frames = re.findall(r'File "([^"]+)", line (\d+)', self.detail)
        ours = [f"{Path(f).name}:{n}" for f, n in frames if "/devcon/" in f] or ["?"]
        last = self.detail.strip().splitlines()[-1] if self.detail.strip() else ""
        return f"{last.split(':', 1)[0]} at {ours[-1]}"


@dataclass
class Figures:
    inputs: int = 0
    runs: int = 0
    seconds: float = 0.0
    slowest: tuple[float, int, list[str], str] = (0.0, -1, [], "")
    slowest_input: tuple[float, int, str] = (0.0, -1, "")
    peak_rss_kb: int = 0
    peak_case: int = -1
    peak_per_input: bool = True
    workers_started: int = 0
    exit_codes: dict[int, int] = field(default_factory=dict)
    run_times: list[float] = field(default_factory=list)
    inputs_over: int = 0
    failures: list[Failure] = field(default_factory=list)
    unconfirmed: list[Failure] = field(default_factory=list)


def _write_project(ws: Path, files: Project) -> None:
    if ws.exists():
        shutil.rmtree(ws)
    ws.mkdir()
    for name, data in files.items():
        path = ws / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _snapshot(ws: Path) -> dict[str, str]:
    return {str(p.relative_to(ws)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(ws.rglob("*")) if p.is_file()}


def _seed_cache(cache: Path, seeds: list[Project]) -> int:
    """Tag records (and the manifest each names) for every reference the seeds hold, so
    `pin --dry-run --offline` reaches the rewrite for unmutated references."""
    sys.path.insert(0, str(REPO))
    from devcon.definition import collect
    from devcon.pin import uses_in
    from devcon.registry.cache import ContentCache

    store = ContentCache(cache / "devcon")
    count = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, project in enumerate(seeds):
            ws = Path(tmp) / str(i)
            _write_project(ws, project)
            try:
                uses = uses_in(collect(tuple(ws / p for p in _paths(project))))
            except Exception:
                continue
            for _, use in uses:
                ref = use.reference
                if ref is None or ref.digest:
                    continue
                body = json.dumps({"schemaVersion": 2,
                                   "mediaType": "application/vnd.oci.image.index.v1+json",
                                   "manifests": [], "ref": ref.original}).encode()
                digest = "sha256:" + hashlib.sha256(body).hexdigest()
                store.put(digest, body, "application/vnd.oci.image.index.v1+json")
                store.put_tag(ref.registry, ref.repository, ref.tag_or_default, digest,
                              "application/vnd.oci.image.index.v1+json")
                count += 1
    return count


def load_seeds(corpus: Path | None) -> list[Project]:
    seeds = [dict(p) for p in GENERATED]
    fixtures = REPO / "tests" / "fixtures"
    for folder in sorted(fixtures.iterdir()) if fixtures.is_dir() else []:
        if folder.is_dir() and folder.name != "fuzz":  # fuzz/: faults found, slow on purpose
            seeds += folder_projects(folder)
    seeds += folder_projects(REPO / "examples")
    if corpus is not None:
        seeds += folder_projects(corpus)
    return [s for s in seeds if s]


def _describe(case: Case) -> str:
    return f"{case.target} ({_kind(case.target)}) by {', '.join(case.mutations)}"


class Driver:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        corpus = Path(args.corpus) if args.corpus else None
        self.seeds = load_seeds(corpus)
        self.figures = Figures()
        self.base = Path(tempfile.mkdtemp(prefix="devcon-fuzz-"))
        self.fail_dir = self.base / "failures"
        self.fail_dir.mkdir()
        self.work = self.base / "work"
        self.work.mkdir()
        self.cache = self.base / "cache"
        self.tags = _seed_cache(self.cache, self.seeds)
        env = dict(os.environ)
        env.update({"XDG_CACHE_HOME": str(self.cache), "HOME": str(self.base),
                    "DOCKER_CONFIG": str(self.base), "PYTHONPATH": str(REPO), "NO_COLOR": "1"})
        env.pop("DEVCON_CORPUS", None)
        self.env = env
        self.log = self.base / "worker.log"
        self.saved = 0
        self.start = time.monotonic()
        self.serial = 0

    def new_worker(self, slot: str, exact: bool = False) -> Worker:
        self.figures.workers_started += 1
        self.serial += 1
        return Worker(self.work / f"{slot}-{self.serial}", self.env, self.args.limit_mb,
                      self.log, exact or self.args.exact)

    def case(self, number: int) -> Case:
        return make_case(number, self.args.seed, self.seeds, self.args.all_formats)

    def judge(self, case: Case, reply: dict[str, object] | None, died: int | None,
              ws: Path, before: dict[str, str], record: bool) -> list[Failure]:
        """The failures of one input's answer (`reply` None: no answer in time, or the
        worker died with `died`); with `record`, its figures are counted."""
        args, figures = self.args, self.figures
        found: list[Failure] = []
        if reply is None:
            found.append(Failure(
                "hang" if died is None else "died", case.number, case.argvs[0],
                f"no answer within {args.hang_seconds:g} s" if died is None else
                f"the worker died (exit {died}; see {self.log})"))
            return found
        results = reply["results"]
        assert isinstance(results, list)
        rss = int(reply["rss_kb"])  # type: ignore[call-overload]
        total = 0.0
        if record:
            figures.peak_per_input = figures.peak_per_input and bool(reply["per_input_rss"])
            if rss > figures.peak_rss_kb:
                figures.peak_rss_kb, figures.peak_case = rss, case.number
        if rss > args.max_rss_mb * 1024:
            found.append(Failure("rss", case.number, case.argvs[-1],
                                 f"peak RSS {rss / 1024:.0f} MiB"))
        for r in results:
            code, seconds, argv = int(r["code"]), float(r["seconds"]), r["argv"]
            total += seconds
            if record:
                figures.runs += 1
                figures.exit_codes[code] = figures.exit_codes.get(code, 0) + 1
                figures.run_times.append(seconds)
                if seconds > figures.slowest[0]:
                    figures.slowest = (seconds, case.number, argv, _describe(case))
            if r["traceback"]:
                found.append(Failure("traceback", case.number, argv, r["traceback"]))
            elif code not in (0, 1, 2, 3):
                found.append(Failure("exit", case.number, argv, f"exit {code}: {r['stderr']}"))
            if seconds > args.max_seconds:
                found.append(Failure("slow", case.number, argv,
                                     f"{seconds:.2f} s (wall {float(r['wall']):.2f} s, "
                                     f"CPU {float(r['cpu']):.2f} s)"))
            if r["network"]:
                found.append(Failure("network", case.number, argv, str(r["network"])))
        if record:
            if total > figures.slowest_input[0]:
                figures.slowest_input = (total, case.number, _describe(case))
            if total > args.max_seconds:
                figures.inputs_over += 1
        if _snapshot(ws) != before:
            found.append(Failure("wrote", case.number, case.argvs[-1],
                                 "a file changed under --dry-run"))
        return found

    def confirm(self, case: Case, kinds: set[str]) -> bool:
        """Re-run one input alone in a fresh worker process (nothing else ever ran in it):
        does it fail the same way?"""
        worker = self.new_worker("confirm", exact=True)
        try:
            reply = worker.ask(case, self.args.hang_seconds)
            died = worker.proc.poll() if reply is None else None
            again = self.judge(case, reply, died, worker.ws, worker.before, record=False)
        finally:
            worker.stop()
            shutil.rmtree(worker.folder, ignore_errors=True)
        return bool(kinds & {f.kind for f in again})

    def handle(self, case: Case, found: list[Failure]) -> None:
        if not found:
            return
        figures = self.figures
        ok = self.confirm(case, {f.kind for f in found}) if self.args.confirm else None
        for failure in found:
            failure.confirmed = ok
            if ok is False:
                figures.unconfirmed.append(failure)
                continue
            known = {f.signature for f in figures.failures}
            if failure.signature not in known and self.saved < self.args.keep:
                target = self.fail_dir / f"{self.saved:03d}-{failure.kind}-case{case.number}"
                target.mkdir()
                _write_project(target / "ws", case.files)
                (target / "failure.txt").write_text(
                    f"argv: devcon {' '.join(failure.argv)} (run in {target})\n"
                    f"input: --seed {self.args.seed} --case {case.number}\n"
                    f"mutated: {_describe(case)}\n\n{failure.detail}\n", encoding="utf-8")
                failure.saved = target
                self.saved += 1
            figures.failures.append(failure)

    def progress(self) -> None:
        f = self.figures
        now = time.monotonic() - self.start
        if not self.args.quiet:
            print(f"  ... {f.inputs} inputs, {f.runs} runs, {len(f.failures)} failures, "
                  f"{now:.0f} s ({f.inputs / max(now, 1e-9):.0f}/s)", flush=True)
        if self.args.summary:
            f.seconds = now
            write_summary(f, self.args, self.args.summary, finished=False)

    def run(self) -> Figures:
        args, figures = self.args, self.figures
        print(f"fuzz: {len(self.seeds)} seed projects "
              f"({'with' if args.corpus else 'without'} the corpus), {self.tags} cached tags, "
              f"seed {args.seed}, {args.jobs} worker(s), saving failures under "
              f"{self.fail_dir}", flush=True)
        numbers = iter(args.cases) if args.cases else None
        deadline = self.start + args.seconds if args.seconds else None
        restart = 1 if args.fresh else args.restart
        slots: dict[int, Worker | None] = {k: None for k in range(args.jobs)}
        busy: dict[int, Worker] = {}
        issued = 0
        next_report = self.start + 30

        def next_number() -> int | None:
            nonlocal issued
            if deadline is not None and time.monotonic() >= deadline:
                return None
            if numbers is not None:
                return next(numbers, None)
            if args.inputs is not None and issued >= args.inputs:
                return None
            issued += 1
            return issued - 1

        try:
            exhausted = False
            while True:
                for k in slots:  # give every idle worker an input
                    if k in busy or exhausted:
                        continue
                    number = next_number()
                    if number is None:
                        exhausted = True
                        break
                    worker = slots[k]
                    if worker is None or worker.cases >= restart:
                        if worker is not None:
                            worker.stop()
                            shutil.rmtree(worker.folder, ignore_errors=True)
                        worker = slots[k] = self.new_worker(f"w{k}")
                    worker.send(self.case(number), args.hang_seconds)
                    busy[k] = worker
                if not busy:
                    break
                now = time.monotonic()
                wait = max(0.0, min(w.deadline for w in busy.values()) - now)
                by_fd = {w.proc.stdout: k for k, w in busy.items()}
                ready, _, _ = select.select(list(by_fd), [], [], wait)
                done = [by_fd[r] for r in ready]
                now = time.monotonic()
                done += [k for k, w in busy.items() if k not in done and w.deadline <= now]
                for k in done:
                    worker = busy.pop(k)
                    case = worker.case
                    assert case is not None
                    in_time = worker.proc.stdout in ready
                    reply = worker.receive() if in_time else None
                    died = worker.proc.poll() if reply is None else None
                    figures.inputs += 1
                    found = self.judge(case, reply, died, worker.ws, worker.before, record=True)
                    if reply is None or any(f.kind == "rss" for f in found):
                        worker.stop()  # hung, dead or grown: a fresh one for the next input
                        shutil.rmtree(worker.folder, ignore_errors=True)
                        slots[k] = None
                    self.handle(case, found)
                if time.monotonic() >= next_report:
                    self.progress()
                    next_report = time.monotonic() + 30
        finally:
            for w in slots.values():
                if w is not None:
                    w.stop()
            figures.seconds = time.monotonic() - self.start
            shutil.rmtree(self.work, ignore_errors=True)
            shutil.rmtree(self.cache, ignore_errors=True)
            if not self.saved:
                shutil.rmtree(self.base, ignore_errors=True)
        return figures


def fuzz(args: argparse.Namespace) -> Figures:
    return Driver(args).run()


def _percentile(times: list[float], q: float) -> float:
    ordered = sorted(times) or [0.0]
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def summary(figures: Figures, args: argparse.Namespace, finished: bool = True) -> dict[str, object]:
    by_kind: dict[str, int] = {}
    for f in figures.failures:
        by_kind[f.kind] = by_kind.get(f.kind, 0) + 1
    signatures: dict[str, list[Failure]] = {}
    for f in figures.failures:
        signatures.setdefault(f.signature, []).append(f)
    seconds, case, argv, what = figures.slowest
    return {
        "finished": finished,
        "seed": args.seed,
        "corpus": bool(args.corpus),
        "jobs": args.jobs,
        "formats": "all four per input" if args.all_formats else "one per input, rotating",
        "inputs": figures.inputs,
        "runs": figures.runs,
        "seconds": round(figures.seconds, 1),
        "inputs_per_second": round(figures.inputs / max(figures.seconds, 1e-9), 1),
        "exit_codes": {str(k): v for k, v in sorted(figures.exit_codes.items())},
        "tracebacks": by_kind.get("traceback", 0),
        "distinct_tracebacks": sum(1 for s in signatures if " at " in s),
        "failures_by_kind": by_kind,
        "unconfirmed_failures": len(figures.unconfirmed),
        "run_median_ms": round(_percentile(figures.run_times, 0.5) * 1000, 2),
        "run_p99_ms": round(_percentile(figures.run_times, 0.99) * 1000, 1),
        "runs_over_max_seconds": sum(1 for t in figures.run_times if t > args.max_seconds),
        "inputs_over_max_seconds": figures.inputs_over,
        "max_seconds": args.max_seconds,
        "slowest_run": {"seconds": round(seconds, 3), "input": case, "argv": argv,
                        "mutated": what},
        "slowest_input": {"seconds": round(figures.slowest_input[0], 3),
                          "input": figures.slowest_input[1], "mutated": figures.slowest_input[2]},
        "peak_rss_mib": round(figures.peak_rss_kb / 1024, 1),
        "peak_rss_input": figures.peak_case,
        "peak_rss_is_per_input": figures.peak_per_input,
        "rss_bound_mib": args.max_rss_mb,
        "address_space_limit_mib": args.limit_mb,
        "inputs_per_worker": 1 if args.fresh else args.restart,
        "workers_started": figures.workers_started,
        "failures": [
            {"kind": g[0].kind, "signature": s, "count": len(g), "first_input": g[0].case,
             "inputs": sorted({f.case for f in g})[:100],
             "argv": g[0].argv, "confirmed": g[0].confirmed,
             "saved": str(g[0].saved) if g[0].saved else None,
             "detail": g[0].detail[-1500:]}
            for s, g in signatures.items()
        ],
    }


def write_summary(figures: Figures, args: argparse.Namespace, path: str,
                  finished: bool = True) -> None:
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(summary(figures, args, finished), indent=2) + "\n",
                   encoding="utf-8")
    tmp.replace(target)


def report(figures: Figures, args: argparse.Namespace) -> None:
    s = summary(figures, args)
    by_kind = s["failures_by_kind"]
    assert isinstance(by_kind, dict)
    codes = ", ".join(f"{k}: {v}" for k, v in s["exit_codes"].items())  # type: ignore[attr-defined]
    slow, slowest_input = s["slowest_run"], s["slowest_input"]
    assert isinstance(slow, dict) and isinstance(slowest_input, dict)
    print(f"inputs run:   {figures.inputs} ({figures.runs} devcon runs: validate in "
          f"{s['formats'].replace('per input', 'format')} and pin --dry-run --offline; "  # type: ignore[attr-defined]
          f"seed {args.seed})")
    print(f"time:         {figures.seconds:.1f} s ({s['inputs_per_second']} inputs/s, "
          f"{args.jobs} worker(s), {figures.workers_started} worker processes started)")
    print(f"exit codes:   {codes}")
    print(f"tracebacks:   {s['tracebacks']} ({s['distinct_tracebacks']} distinct)")
    print(f"other:        exit outside 0-3 without traceback {by_kind.get('exit', 0)}, "
          f"over {args.max_seconds:g} s {by_kind.get('slow', 0)}, hangs {by_kind.get('hang', 0)}, "
          f"worker deaths {by_kind.get('died', 0)}, "
          f"network {by_kind.get('network', 0)}, dry-run writes {by_kind.get('wrote', 0)}, "
          f"RSS over {args.max_rss_mb} MiB {by_kind.get('rss', 0)}; "
          f"not reproduced in a fresh process {s['unconfirmed_failures']}")
    times = figures.run_times or [0.0]
    print(f"run times:    median {s['run_median_ms']} ms, 99th percentile {s['run_p99_ms']} ms, "
          f"in devcon {sum(times):.0f} s of {figures.seconds:.0f} s; inputs over "
          f"{args.max_seconds:g} s (all runs together) {s['inputs_over_max_seconds']}")
    print(f"slowest run:  {slow['seconds']} s (input {slow['input']}: devcon "
          f"{' '.join(slow['argv'])}; {slow['mutated']})")
    print(f"slowest input: {slowest_input['seconds']} s, all its runs (input "
          f"{slowest_input['input']}; {slowest_input['mutated']})")
    print(f"peak RSS:     {s['peak_rss_mib']} MiB (input {figures.peak_case}; "
          f"{'per input' if figures.peak_per_input else 'per worker lifetime'}; bound "
          f"{args.max_rss_mb} MiB, address space limited to {args.limit_mb} MiB, "
          f"{s['inputs_per_worker']} inputs per worker)")
    for item in s["failures"][:10]:  # type: ignore[index]
        where = f" saved in {item['saved']}" if item["saved"] else ""
        print(f"  {item['count']} x {item['signature']}: input {item['first_input']}, devcon "
              f"{' '.join(item['argv'])}{where}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--inputs", type=int, default=None, help="stop after N inputs")
    parser.add_argument("--seconds", type=float, default=None, help="stop after S seconds")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--case", dest="cases", type=int, action="append", default=[],
                        help="run input N of --seed only (repeatable): reproduces a finding")
    parser.add_argument("--corpus", default=os.environ.get("DEVCON_CORPUS") or None)
    parser.add_argument("--all-formats", action="store_true",
                        help="validate every input in all four formats (default: one, rotating)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--fresh", action="store_true",
                        help="a new worker process for every input (slow; no state shared)")
    parser.add_argument("--no-confirm", dest="confirm", action="store_false",
                        help="do not re-run a failing input alone in a fresh process")
    parser.add_argument("--summary", default=None, help="write the figures as JSON to PATH "
                        "(rewritten every 30 s while running)")
    parser.add_argument("--max-seconds", type=float, default=2.0)
    parser.add_argument("--hang-seconds", type=float, default=10.0)
    parser.add_argument("--max-rss-mb", type=int, default=512)
    parser.add_argument("--limit-mb", type=int, default=2048)
    parser.add_argument("--restart", type=int, default=1000, help="inputs per worker process")
    parser.add_argument("--keep", type=int, default=20, help="failures saved (distinct ones)")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--exact", action="store_true",
                        help="workers do not remember redactions (slower; see _memoize_redaction)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.limit_mb, args.exact)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.inputs is None and args.seconds is None and not args.cases:
        args.inputs = 1000
    figures = fuzz(args)
    report(figures, args)
    if args.summary:
        write_summary(figures, args, args.summary)
    return 1 if figures.failures else 0


if __name__ == "__main__":
    sys.exit(main())
