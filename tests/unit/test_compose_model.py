"""The compose model carries every service option the rules read, with the position of each
value, and a compose file is parsed once per validate run."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from devcon.compose import ComposeVolume, Located, parse_compose
from devcon.config import Settings
from devcon.mounts import Mount
from devcon.validate import ValidateRequest, validate

COMPOSE = """\
services:
  app:
    image: x
    privileged: "true"
    cap_add: [SYS_PTRACE, 'ALL', {not: a scalar}]
    security_opt:
      - seccomp=unconfined
      - "no-new-privileges:true"
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - cache:/cache:ro
      - type: bind
        source: ./src
        target: /src
      - type: tmpfs
        target: /tmp
      - {}
  db:
    image: postgres:16
    privileged: false
"""


def test_service_options_with_positions() -> None:
    app, db = parse_compose(COMPOSE).services
    assert app.privileged == Located("true", 4, 18)
    assert app.runs_privileged
    assert app.cap_add == (Located("SYS_PTRACE", 5, 15), Located("ALL", 5, 28))
    assert app.security_opt == (
        Located("seccomp=unconfined", 7, 9),
        Located("no-new-privileges:true", 8, 10),
    )
    assert app.volumes == (
        ComposeVolume(
            Mount("bind", "/var/run/docker.sock", "/var/run/docker.sock"),
            Located("/var/run/docker.sock:/var/run/docker.sock", 10, 9),
        ),
        ComposeVolume(Mount("volume", "cache", "/cache"), Located("cache:/cache:ro", 11, 9)),
        ComposeVolume(Mount("bind", "./src", "/src"), Located("./src", 13, 17)),
        ComposeVolume(Mount("tmpfs", None, "/tmp"), Located("tmpfs", 15, 15)),
    )
    assert db.privileged == Located("false", 20, 17)
    assert not db.runs_privileged
    assert (db.cap_add, db.security_opt, db.volumes) == ((), (), ())


def test_a_file_compose_rejects_has_no_accepted_services() -> None:
    """One service that is not a mapping: compose refuses the file, so no service's options
    apply (compose-syntax reports it)."""
    compose = parse_compose("services:\n  app:\n    privileged: true\n  bad: [1]\n")
    assert [s.name.value for s in compose.services] == ["app"]
    assert compose.problems
    assert compose.accepted_services == ()
    assert parse_compose(COMPOSE).accepted_services == parse_compose(COMPOSE).services


def test_validate_parses_a_compose_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every compose rule (the security rules included) reads the one model collect() built:
    the YAML is composed once."""
    path = tmp_path / "compose.yml"
    path.write_text(COMPOSE, encoding="utf-8")
    calls: list[str] = []
    compose = yaml.compose

    def counting(stream: str, *args: object, **kwargs: object) -> object:
        calls.append(stream)
        return compose(stream, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(yaml, "compose", counting)
    result = validate(ValidateRequest(paths=(path,), settings=Settings()))
    rules = {f.rule for f in result.findings}
    assert {"privileged-container", "cap-add-all", "docker-socket-mount"} <= rules
    assert {"seccomp-unconfined"} <= rules
    assert calls.count(COMPOSE) == 1


def test_a_config_and_its_compose_file_share_one_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """secret-in-config reads the sidecars of the compose files a config uses from the same
    model the compose rules read: the YAML is composed once."""
    folder = tmp_path / ".devcontainer"
    folder.mkdir()
    text = (
        "services:\n  app:\n    build: .\n"
        "  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: postgres\n"
    )
    (folder / "compose.yml").write_text(text, encoding="utf-8")
    (folder / "Dockerfile").write_text("FROM scratch\n", encoding="utf-8")
    (folder / "devcontainer.json").write_text(
        '{"dockerComposeFile": "compose.yml", "service": "app",\n'
        ' "containerEnv": {"DATABASE_URL": "postgres://postgres:postgres@db:5432/app"}}\n',
        encoding="utf-8",
    )
    calls: list[str] = []
    compose = yaml.compose

    def counting(stream: str, *args: object, **kwargs: object) -> object:
        calls.append(stream)
        return compose(stream, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(yaml, "compose", counting)
    settings = Settings(select=frozenset({"secret-in-config"}))
    result = validate(ValidateRequest(paths=(folder / "devcontainer.json",), settings=settings))
    assert [f.line for f in result.findings if f.path.endswith("devcontainer.json")] == [2]
    assert calls.count(text) == 1
