"""Hostile files (issue 13, items 1, 2, 4 and 9): whatever a repository holds, devcon answers
with findings or one clear line and a documented exit code, never a traceback (exit 70), in
bounded time and memory."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from devcon.cli.app import main

# Commands that read a project without the network: every reader of devcontainer.json,
# Dockerfiles and compose files runs under one of them.
OFFLINE_COMMANDS = (
    ["validate"],
    ["validate", "--format", "json"],
    ["validate", "--format", "sarif"],
    ["validate", "--format", "github"],
    ["pin", "--dry-run", "--offline"],
    ["pin", "--check", "--offline"],
    ["compat", "--offline"],
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "internal error" not in out and "Traceback" not in out, (argv, out[-2000:])
    assert code in (0, 1, 2, 3), (argv, code, out[-2000:])
    return code, out


# -- item 1: deep nesting --------------------------------------------------------------------

DEEP_YAML = "[" * 2000 + "]" * 2000


def test_deep_yaml_in_a_compose_file_named_directly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's repro: a value of 2,000 `[` (a RecursionError, exit 70, before libyaml)."""
    compose = _write(
        tmp_path / "compose.yml", f"services:\n  a:\n    image: alpine\n    command: {DEEP_YAML}\n"
    )
    code, out = _run(["validate", str(compose)], capsys)
    assert code == 1
    assert f"{compose}:4:" in out and "compose-syntax" in out and "nesting depth" in out


def test_deep_yaml_in_a_compose_file_of_a_devcontainer_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / ".devcontainer"
    _write(
        folder / "compose.yml", f"services:\n  app:\n    image: alpine\n    command: {DEEP_YAML}\n"
    )
    _write(
        folder / "devcontainer.json",
        '{"dockerComposeFile": "compose.yml", "service": "app", "workspaceFolder": "/w"}',
    )
    for argv in OFFLINE_COMMANDS:
        code, out = _run([*argv, str(tmp_path)], capsys)
        if argv[0] == "validate" and len(argv) == 1:
            assert code == 1
            assert "compose.yml:4:" in out and "nesting depth" in out


def test_deep_yaml_in_an_environment_file_a_dockerfile_installs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path / "environment.yml", f"dependencies:\n  - {DEEP_YAML}\n  - numpy\n")
    dockerfile = _write(
        tmp_path / "Dockerfile",
        "FROM continuumio/miniconda3:24.1.2-0\n"
        "COPY environment.yml /tmp/environment.yml\n"
        "RUN conda env create -f /tmp/environment.yml\n",
    )
    code, _ = _run(["validate", str(dockerfile)], capsys)
    assert code in (0, 1)


@pytest.mark.parametrize("depth", [5000, 129])
def test_json_nested_past_the_limit_is_one_syntax_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], depth: int
) -> None:
    """A 5,000-deep array (and one level past the documented 128) is a json-syntax finding
    at the bracket that goes too deep, whatever the call stack's depth."""
    config = _write(
        tmp_path / ".devcontainer" / "devcontainer.json",
        '{"image": "alpine",\n "customizations": ' + "[" * depth + "]" * depth + "}",
    )
    code, out = _run(["validate", str(config)], capsys)
    assert code == 1
    # the opening bracket of level 129: the object is level 1, so column 20 + 127
    assert f"{config}:2:{20 + 127}: json-syntax: nesting deeper than 128 levels" in out


@pytest.mark.parametrize(
    "place",
    [
        "customizations",
        "forwardPorts",
        "features",
        "containerEnv",
        "runArgs",
        "mounts",
        "postCreateCommand",
        "build",
        "settings",
    ],
)
def test_json_nested_to_the_limit_reaches_every_walker(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], place: str
) -> None:
    """128 levels are read: the schema validator, merge, the secret scan of config values
    and the container options walk them without crashing, in every format."""
    inner = 128 - 3  # the document, the member's object and the Feature object
    array = "[" * inner + '"ghp_' + "a" * 36 + '"' + "]" * inner
    obj = '{"a": ' * inner + '"x"' + "}" * inner
    value = {
        "features": '{"ghcr.io/devcontainers/features/node:1": {"version": ' + array + "}}",
        "containerEnv": '{"A": ' + obj + "}",
        "build": '{"dockerfile": "Dockerfile", "args": {"A": ' + obj + "}}",
        "customizations": '{"vscode": {"settings": ' + obj + "}}",
    }.get(place, array)
    _write(tmp_path / ".devcontainer" / "Dockerfile", "FROM alpine:3.19\n")
    _write(
        tmp_path / ".devcontainer" / "devcontainer.json",
        '{"image": "alpine:3.19", "' + place + '": ' + value + "}",
    )
    for argv in OFFLINE_COMMANDS:
        _run([*argv, str(tmp_path)], capsys)


# -- item 2: NUL bytes in paths taken from files ---------------------------------------------


def test_nul_byte_in_a_copy_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's repro: `ValueError: embedded null byte` in secret-file-copied."""
    _write(tmp_path / "a", "x\n")
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_bytes(b"FROM alpine:3.19\nCOPY a\0b /x\n")
    code, out = _run(["validate", str(dockerfile)], capsys)
    assert code == 1 and f"{dockerfile}:1:6: image-not-pinned" in out


NUL_DOCKERFILE = (
    b"FROM python:3.12\n"
    b"COPY a\0b /x\n"
    b"COPY k\0y.pem id_rsa\0 /keys/\n"
    b"COPY *\0x /z/\n"
    b'COPY ["q\\u0000z", "/y"]\n'
    b"ADD --chown=a\0b x\0 /y\n"
    b"COPY --from=a\0b /x /y\n"
    b"COPY r\0.txt /r.txt\n"
    b"RUN pip install -r /r.txt -r a\0b.txt -c c\0d.txt\n"
    b"RUN --mount=type=bind,source=e\0.yml,target=/e.yml conda env create -f /e.yml\n"
    b"COPY . /src\n"
    b"RUN pip install -r /src/q\0.txt && uv pip install -r /src/x\0y.txt\n"
)


@pytest.mark.parametrize(
    "config",
    [
        '{"build": {"dockerfile": "Dockerfile"}}',
        '{"build": {"dockerfile": "a\\u0000b"}}',
        '{"build": {"dockerfile": "Dockerfile", "context": "a\\u0000b"}}',
        '{"dockerComposeFile": "a\\u0000b.yml", "service": "x", "workspaceFolder": "/w"}',
        '{"dockerComposeFile": "c.yml", "service": "x", "workspaceFolder": "/w"}',
        '{"image": "alpine", "mounts": ["source=/a\\u0000b,target=/x,type=bind"]}',
        '{"image": "alpine", "runArgs": ["--env-file", "a\\u0000b"]}',
        '{"image": "alpine", "features": {"./a\\u0000b": {}}}',
    ],
)
def test_nul_byte_in_any_path_taken_from_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str
) -> None:
    folder = tmp_path / ".devcontainer"
    _write(folder / "devcontainer.json", config)
    (folder / "Dockerfile").write_bytes(NUL_DOCKERFILE)
    _write(folder / "a", "x\n")
    _write(
        folder / "c.yml",
        'services:\n  x:\n    build:\n      context: "a\\0b"\n      dockerfile: "x\\0y"\n'
        '    env_file: ["a\\0b"]\n    volumes: ["./a\\0b:/x"]\n',
    )
    for argv in OFFLINE_COMMANDS:
        _run([*argv, str(tmp_path)], capsys)
    _run(["validate", str(folder / "Dockerfile")], capsys)


def test_requirement_files_refuse_a_nul_name_without_raising(tmp_path: Path) -> None:
    from devcon.dockerfile.requirements import RequirementFiles

    assert RequirementFiles().read(tmp_path / "a\0b.txt") is None


def test_nothing_reaches_the_system_with_a_nul(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A NUL inside a Dockerfile named directly (not through a config) as well."""
    (tmp_path / "Dockerfile").write_bytes(NUL_DOCKERFILE)
    for argv in OFFLINE_COMMANDS:
        _run([*argv, str(tmp_path / "Dockerfile")], capsys)
    assert os.listdir(tmp_path) == ["Dockerfile"]


# -- item 4: folders and files init cannot read ------------------------------------------------


def _one_clear_line(code: int, out: str, where: str) -> None:
    assert code == 2, out
    lines = out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"devcon: {where}"), out


@pytest.mark.skipif(not Path("/proc/1").is_dir(), reason="a system without /proc")
def test_init_in_proc_1(capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's repro: `devcon init /proc/1 --no-pin` was a PermissionError (exit 70)."""
    code, out = _run(["init", "/proc/1", "--no-pin"], capsys)
    _one_clear_line(code, out, "/proc/1")
    assert not Path("/proc/1/.devcontainer").exists()


def test_init_on_a_file_and_on_a_name_too_long(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = _write(tmp_path / "file", "x\n")
    code, out = _run(["init", str(file), "--no-pin"], capsys)
    _one_clear_line(code, out, f"{file}: not a folder")
    long = tmp_path / ("a" * 300)
    code, out = _run(["init", str(long), "--no-pin"], capsys)
    _one_clear_line(code, out, f"{long}: cannot read: File name too long")
    for argv in (["validate"], ["pin", "--check", "--offline"]):
        code, out = _run([*argv, str(long)], capsys)
        assert code == 2 and len(out.strip().splitlines()) == 1, out


@pytest.mark.parametrize(
    ("argv", "unreadable"),
    [
        (["init", "--no-pin", "--dry-run", "."], "requirements.txt"),
        (["init", "--no-pin", "--dry-run", "."], "pyproject.toml"),
        (["validate", "."], ".devcontainer/devcontainer.json"),
        (["validate", "."], ".devcontainer/Dockerfile"),
        (["pin", "--check", "--offline", "."], ".devcontainer/Dockerfile"),
    ],
)
def test_unreadable_repository_files_are_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    unreadable: str,
) -> None:
    """No read permission on a file devcon needs: one line naming it, exit 2. Root reads
    anything, so under root the refusal is the system's answer played by devcon's one
    reading function (fileio)."""
    _write(tmp_path / "requirements.txt", "torch==2.4.0\n")
    _write(tmp_path / "pyproject.toml", '[project]\nname = "x"\ndependencies = []\n')
    _write(
        tmp_path / ".devcontainer" / "devcontainer.json", '{"build": {"dockerfile": "Dockerfile"}}'
    )
    _write(tmp_path / ".devcontainer" / "Dockerfile", "FROM alpine:3.19\n")
    target = (tmp_path / unreadable).resolve()
    target.chmod(0)
    if os.geteuid() == 0:
        import devcon.fileio

        real_open = open

        def refusing(file: object, *args: object, **kwargs: object) -> object:
            if isinstance(file, (str, Path)) and Path(file).resolve() == target:
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

        monkeypatch.setattr(devcon.fileio, "open", refusing, raising=False)
    code, out = _run(argv, capsys)
    target.chmod(0o644)
    assert code == 2, out
    last = out.strip().splitlines()[-1]
    assert last.startswith("devcon: ") and unreadable in last and "Permission denied" in last


# -- item 9: linear parsers, bounded input -----------------------------------------------------

MEASURE = r"""
import resource, sys, time
from devcon.cli.app import main
start = time.monotonic()
code = main(sys.argv[1:])
elapsed = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
print(f"MEASURED {code} {elapsed:.3f} {peak}", file=sys.stderr)
"""


def _measure(argv: list[str], cwd: Path) -> tuple[int, float, int, str]:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = done.stdout + done.stderr
    line = [x for x in out.splitlines() if x.startswith("MEASURED ")][-1]
    _, code, elapsed, peak = line.split()
    return int(code), float(elapsed), int(peak) // 1024, out


@pytest.mark.parametrize(
    "case",
    ["40000-continuation-lines", "2mb-run-line", "500000-forward-ports"],
)
def test_parsing_is_linear(tmp_path: Path, case: str) -> None:
    """The issue's inputs (56 s, 36 s, 48 s / 346 MB before): each well under 5 s and
    300 MB of peak RSS (the interpreter with devcon's imports alone is some 60 MB)."""
    if case == "40000-continuation-lines":
        path = _write(
            tmp_path / "Dockerfile",
            "FROM alpine:3.19\nRUN echo a \\\n" + "  b \\\n" * 40_000 + "  c\n",
        )
    elif case == "2mb-run-line":
        path = _write(
            tmp_path / "Dockerfile", "FROM alpine:3.19\nRUN echo " + "a" * 2_000_000 + "\n"
        )
    else:
        config = {"image": "alpine:3.19", "forwardPorts": list(range(500_000))}
        path = _write(tmp_path / ".devcontainer" / "devcontainer.json", json.dumps(config))
    code, elapsed, peak_mb, out = _measure(["validate", str(path)], tmp_path)
    assert code == 1, out
    assert elapsed < 5, (case, elapsed)
    assert peak_mb < 300, (case, peak_mb)
    if case == "500000-forward-ports":
        assert "json-syntax: more than 20,000 keys and values" in out


@pytest.mark.parametrize(
    "name",
    [".devcontainer/devcontainer.json", "Dockerfile", "compose.yml", "requirements.txt"],
)
def test_input_over_the_size_limit_is_refused_before_reading(tmp_path: Path, name: str) -> None:
    """A file over 4 MiB (a 200 MB devcontainer.json took 5.8 GB) is exit 2 naming the limit
    and the file, read not at all: a sparse 200 MB file costs no time or memory."""
    from devcon.fileio import MAX_INPUT_BYTES

    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    if name == "requirements.txt":  # read because a RUN installs from it
        _write(
            tmp_path / "Dockerfile",
            "FROM python:3.12\nCOPY requirements.txt /r.txt\nRUN pip install -r /r.txt\n",
        )
        target = tmp_path / "Dockerfile"
    else:
        target = path
    code, elapsed, peak_mb, out = _measure(["validate", str(target)], tmp_path)
    assert code == 2, out
    assert f"devcon: {path}: larger than devcon's 4 MiB limit for an input file" in out
    assert elapsed < 5 and peak_mb < 150, (elapsed, peak_mb)
    # at the limit exactly, the file is read
    with path.open("wb") as handle:
        handle.truncate(0)
        handle.write(
            b"#" * MAX_INPUT_BYTES
            if name != ".devcontainer/devcontainer.json"
            else b" " * (MAX_INPUT_BYTES - 2) + b"{}"
        )
    code, _, _, out = _measure(["validate", str(target)], tmp_path)
    assert code in (0, 1) and "MiB limit" not in out, out


@pytest.mark.parametrize("name", [".devcon.toml", "pyproject.toml"])
def test_devcon_settings_over_the_size_limit_are_refused_before_reading(
    tmp_path: Path, name: str
) -> None:
    """A repository's .devcon.toml (or pyproject.toml, read for [tool.devcon]) is input like
    any other: over 4 MiB it is exit 2 naming the limit and the file, not read whole (a
    200 MB one was read into memory and parsed)."""
    path = tmp_path / name
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    config = _write(
        tmp_path / ".devcontainer" / "devcontainer.json", '{"image": "a@sha256:' + "0" * 64 + '"}'
    )
    code, elapsed, peak_mb, out = _measure(["validate", str(config)], tmp_path)
    assert code == 2, out
    assert f"{path}: larger than devcon's 4 MiB limit for an input file" in out
    assert elapsed < 5 and peak_mb < 150, (elapsed, peak_mb)
