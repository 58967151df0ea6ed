"""secret-in-config: literal credentials in devcontainer.json and compose files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from devcon.config import Settings
from devcon.findings import Finding, Severity
from devcon.validate import ValidateRequest, validate
from tests.unit.rules._support import run_rule

RULE = "secret-in-config"


def run(tmp_path: Path, name: str, text: str) -> list[str]:
    return run_rule(tmp_path, RULE, text, name)


def test_container_env_by_name(tmp_path: Path) -> None:
    text = '{\n  "image": "x",\n  "containerEnv": {"DB_PASSWORD": "changeme", "EDITOR": "vim"}\n}'
    (finding,) = run(tmp_path, "devcontainer.json", text)
    assert finding.startswith("3:35 ")
    assert "`containerEnv.DB_PASSWORD` holds a literal password (<8 chars>)" in finding
    assert "${localEnv:DB_PASSWORD}" in finding and "`secrets`" in finding
    assert "changeme" not in finding


def test_build_args_mention_buildkit(tmp_path: Path) -> None:
    text = '{"build": {"dockerfile": "Dockerfile", "args": {"NPM_TOKEN": "abc123abc123"}}}'
    (tmp_path / "Dockerfile").write_text("FROM node:22\nARG NPM_TOKEN\n", encoding="utf-8")
    (finding,) = run(tmp_path, "devcontainer.json", text)
    assert "`build.args.NPM_TOKEN`" in finding and "--mount=type=secret" in finding


def test_placeholders_and_non_secret_names(tmp_path: Path) -> None:
    text = (
        '{"image": "x", "containerEnv": {"GITHUB_TOKEN": "${localEnv:GITHUB_TOKEN}", '
        '"USERNAME": "vscode", "GPG_KEY": "ABCDEF0123456789", "TOKEN_FILE": "/run/s/t", '
        '"API_KEY": "<api key>", "PASSWORD": ""}, '
        '"remoteEnv": {"DATABASE_URL": "postgres://u:${localEnv:PW}@db/app"}}'
    )
    assert run(tmp_path, "devcontainer.json", text) == []


def test_format_under_any_name(tmp_path: Path) -> None:
    value = "AKIA" + "EXAMPLE0NOTREAL7"
    text = '{"image": "x", "remoteEnv": {"SOMETHING": "' + value + '"}}'
    (finding,) = run(tmp_path, "devcontainer.json", text)
    assert "AWS access key id (AKIA…<20 chars>)" in finding
    assert value not in finding


def test_compose_map_list_and_build_args(tmp_path: Path) -> None:
    text = (
        "services:\n"
        "  app:\n"
        "    build:\n"
        "      context: .\n"
        "      args:\n"
        "        - NPM_TOKEN=abc123abc123\n"
        "    environment:\n"
        "      POSTGRES_PASSWORD: postgres\n"
        "      POSTGRES_USER: postgres\n"
        "      API_KEY:\n"
        "  db:\n"
        "    image: postgres:16\n"
        "    environment:\n"
        '      - "SECRET_KEY=s3cr3t"\n'
        "      - SECRET_KEY_FILE=/run/secrets/k\n"
        "      - DB_PASSWORD=${DB_PASSWORD}\n"
    )
    findings = run(tmp_path, "compose.yml", text)
    assert [f.split(" ")[0] for f in findings] == ["6:21", "8:26", "14:21"]
    assert "service `app` build arg `NPM_TOKEN`" in findings[0]
    assert "service `app` environment `POSTGRES_PASSWORD` holds a literal password" in findings[1]
    assert "`${POSTGRES_PASSWORD}` interpolation" in findings[1]
    assert "compose `secrets:`" in findings[1]
    assert "service `db` environment `SECRET_KEY`" in findings[2]


def test_url_with_password_in_compose(tmp_path: Path) -> None:
    text = (
        "services:\n  app:\n    image: x\n    environment:\n"
        "      DATABASE_URL: postgresql://postgres:postgres@db:5432/postgres\n"
    )
    (finding,) = run(tmp_path, "compose.yml", text)
    assert finding.startswith("5:21 ") and "password in a URL (postgresql://…<47 chars>)" in finding


# -- documented local defaults of database sidecars: a warning, not an error ----------------


def _findings(tmp_path: Path, target: Path, settings: Settings | None = None) -> list[Finding]:
    settings = settings or Settings(select=frozenset({RULE}))
    return list(validate(ValidateRequest(paths=(target,), settings=settings)).findings)


def _verdicts(
    tmp_path: Path, name: str, text: str, attach: str | None = None
) -> list[tuple[int, str, str]]:
    """(line, severity, message) of every finding in the one file written; with `attach`,
    a devcontainer.json beside it uses the compose file and attaches to that service."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    target = path
    if attach is not None:
        config = {"dockerComposeFile": name, "service": attach, "workspaceFolder": "/w"}
        (tmp_path / "devcontainer.json").write_text(json.dumps(config), encoding="utf-8")
        target = tmp_path
    found = _findings(tmp_path, target)
    assert all(Path(f.path).name == name for f in found), found
    return [(f.line, f.severity.value, f.message) for f in found]


_TEMPLATE_COMPOSE = (
    "services:\n"
    "  app:\n"
    "    build:\n"
    "      context: .\n"
    "    network_mode: service:db\n"
    "    environment:\n"
    "      POSTGRES_PASSWORD: postgres\n"  # 7: the app's copy of the sidecar's password
    "      DATABASE_URL: postgresql://postgres:postgres@db:5432/postgres\n"  # 8
    "  db:\n"
    "    image: postgres:16\n"
    "    environment:\n"
    "      POSTGRES_USER: postgres\n"
    "      POSTGRES_PASSWORD: postgres\n"  # 13: the image's documented local default
)


def test_sidecar_default_password_is_a_warning(tmp_path: Path) -> None:
    verdicts = _verdicts(tmp_path, "compose.yml", _TEMPLATE_COMPOSE, attach="app")
    assert [(line, severity) for line, severity, _ in verdicts] == [
        (7, "warning"),
        (8, "warning"),
        (13, "warning"),
    ]
    sidecar = verdicts[2][2]
    assert "service `db` environment `POSTGRES_PASSWORD`" in sidecar
    assert "local default" in sidecar and "`postgres` image" in sidecar
    assert "(<8 chars>)" in sidecar
    assert "`${POSTGRES_PASSWORD}`" in sidecar and "untracked .env" in sidecar
    assert "sidecar `db`" in verdicts[0][2] and "sidecar `db`" in verdicts[1][2]
    assert "postgresql://…<47 chars>" in verdicts[1][2]


def test_copies_count_only_in_the_attached_service(tmp_path: Path) -> None:
    """Named on its own, a compose file does not say which service is the app: the sidecar's
    own default is still a warning, but a copy elsewhere is judged like any password."""
    verdicts = _verdicts(tmp_path, "compose.yml", _TEMPLATE_COMPOSE)
    assert [(line, severity) for line, severity, _ in verdicts] == [
        (7, "error"),
        (8, "error"),
        (13, "warning"),
    ]


def test_another_sidecar_is_not_a_copy(tmp_path: Path) -> None:
    """A redis (or any other) service given the postgres sidecar's default is not the app."""
    text = (
        "services:\n  app:\n    build: .\n"
        "  cache:\n    image: redis:7\n    environment:\n      REDIS_PASSWORD: postgres\n"
        "  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: postgres\n"
    )
    verdicts = _verdicts(tmp_path, "compose.yml", text, attach="app")
    assert [(line, severity) for line, severity, _ in verdicts] == [(7, "error"), (11, "warning")]


def test_bad_fixture_severities() -> None:
    """The sidecar fixture marks each finding `(warning)` or `(error)` after its expect mark."""
    from tests.fixtures_support import FIXTURES

    folder = FIXTURES / RULE / "bad" / "sidecar-defaults"
    want = set()
    for file in sorted(folder.rglob("*")):
        if file.is_file():
            for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                mark = re.search(r"expect: secret-in-config@\d+ \((warning|error)\)", line)
                if mark:
                    want.add((file.name, number, mark.group(1)))
    got = {(Path(f.path).name, f.line, f.severity.value) for f in _findings(folder, folder)}
    assert got == want
    assert {s for _, _, s in want} == {"warning", "error"}


@pytest.mark.parametrize(
    ("image", "name", "value"),
    [
        ("postgres:latest", "POSTGRES_PASSWORD", "postgres"),
        ("docker.io/library/postgres:14.3", "POSTGRES_PASSWORD", "mysecretpassword"),
        ("mariadb:10.4", "MYSQL_ROOT_PASSWORD", "mariadb"),
        ("mariadb:11", "MARIADB_PASSWORD", "my-secret-pw"),
        ("mysql:8", "MYSQL_ROOT_PASSWORD", "my-secret-pw"),
        ("mongo:7", "MONGO_INITDB_ROOT_PASSWORD", "secret"),
        ("mcr.microsoft.com/mssql/server:2019-latest", "SA_PASSWORD", "P@ssw0rd"),
        ("mcr.microsoft.com/mssql/server:2022-latest", "MSSQL_SA_PASSWORD", "P@ssw0rd"),
    ],
)
def test_each_documented_default(tmp_path: Path, image: str, name: str, value: str) -> None:
    text = f"services:\n  db:\n    image: {image}\n    environment:\n      {name}: '{value}'\n"
    ((line, severity, message),) = _verdicts(tmp_path, "compose.yml", text)
    assert (line, severity) == (5, "warning")
    assert value not in re.sub(r"`[^`]*` image", "", message)  # redacted (bar the image name)


@pytest.mark.parametrize(
    ("service", "why"),
    [
        (
            "    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: Xk9#vQ2!mZ\n",
            "not a documented default",
        ),
        (
            "    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: Postgres\n",
            "not exactly the default",
        ),
        (
            "    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: mariadb\n",
            "another image's default",
        ),
        (
            "    image: redis:7\n    environment:\n      REDIS_PASSWORD: postgres\n",
            "a non-database image",
        ),
        (
            "    image: python:3.12\n    environment:\n      POSTGRES_PASSWORD: postgres\n",
            "no sidecar sets it",
        ),
        (
            "    image: postgres:16\n    environment:\n      API_TOKEN: postgres\n",
            "not the image's password variable",
        ),
        (
            "    image: postgres:16\n    build: .\n"
            "    environment:\n      POSTGRES_PASSWORD: postgres\n",
            "built here: the tag names a custom image",
        ),
        (
            "    image: myorg/postgres:16\n    environment:\n      POSTGRES_PASSWORD: postgres\n",
            "not the official image",
        ),
        (
            "    image: postgres:16\n    environment:\n"
            "      POSTGRES_PASSWORD: ghp_Ex4mpleN0tRealVa1ueEx4mpleN0tRealVa1\n",
            "a token format",
        ),
    ],
)
def test_not_a_local_default_stays_an_error(tmp_path: Path, service: str, why: str) -> None:
    verdicts = _verdicts(tmp_path, "compose.yml", "services:\n  db:\n" + service)
    assert [severity for _, severity, _ in verdicts] == ["error"], why


def test_attached_service_is_not_a_sidecar(tmp_path: Path) -> None:
    """VS Code runs in the service it attaches to: a password there is not a sidecar's."""
    folder = tmp_path / ".devcontainer"
    folder.mkdir()
    (folder / "devcontainer.json").write_text(
        '{"dockerComposeFile": "compose.yml", "service": "db", "workspaceFolder": "/w"}',
        encoding="utf-8",
    )
    (folder / "compose.yml").write_text(
        "services:\n  db:\n    image: postgres:16\n    environment:\n"
        "      POSTGRES_PASSWORD: postgres\n",
        encoding="utf-8",
    )
    assert [f.severity.value for f in _findings(tmp_path, tmp_path)] == ["error"]


@pytest.mark.parametrize(
    "app_env",
    [
        "      DB_PASSWORD: hunter22\n",  # a password the sidecar does not use
        "      DATABASE_URL: postgresql://postgres:postgres@elsewhere.example.com/app\n",
        "      DATABASE_URL: mysql://postgres:postgres@db/app\n",  # not this image's scheme
        "      DATABASE_URL: postgresql://postgres:postgres@localhost/app\n",  # no shared network
        "      GITHUB_TOKEN: postgres\n",  # not a password
    ],
)
def test_app_copies_only_of_the_sidecar_default(tmp_path: Path, app_env: str) -> None:
    text = (
        "services:\n  app:\n    image: python:3.12\n    environment:\n"
        + app_env
        + "  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: postgres\n"
    )
    verdicts = _verdicts(tmp_path, "compose.yml", text, attach="app")
    assert [(line, severity) for line, severity, _ in verdicts] == [(5, "error"), (9, "warning")]


def test_localhost_url_when_sharing_the_sidecar_network(tmp_path: Path) -> None:
    text = (
        "services:\n  app:\n    image: python:3.12\n    network_mode: service:db\n"
        "    environment:\n      DATABASE_URL: postgresql://postgres:postgres@localhost:5432/x\n"
        "  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: postgres\n"
    )
    verdicts = _verdicts(tmp_path, "compose.yml", text, attach="app")
    assert [s for _, s, _ in verdicts] == ["warning", "warning"]


def _mssql_definition(tmp_path: Path, connection: str) -> Path:
    folder = tmp_path / ".devcontainer"
    folder.mkdir()
    (folder / "devcontainer.json").write_text(
        '{"dockerComposeFile": "docker-compose.yml", "service": "app", "workspaceFolder": "/w",\n'
        ' "customizations": {"vscode": {"settings": {"mssql.connections": [\n'
        f"   {connection}\n"
        " ]}}}}\n",
        encoding="utf-8",
    )
    (folder / "docker-compose.yml").write_text(
        "services:\n  app:\n    build: .\n    network_mode: service:db\n"
        "  db:\n    image: mcr.microsoft.com/mssql/server:2019-latest\n"
        "    environment:\n      SA_PASSWORD: P@ssw0rd\n      ACCEPT_EULA: Y\n",
        encoding="utf-8",
    )
    (folder / "Dockerfile").write_text(
        "FROM mcr.microsoft.com/devcontainers/dotnet:8.0\n", encoding="utf-8"
    )
    return folder


def test_tool_connection_to_the_sidecar_is_a_warning(tmp_path: Path) -> None:
    """The dotnet-mssql template: the mssql extension's connection to the sidecar."""
    _mssql_definition(
        tmp_path, '{"server": "localhost,1433", "user": "sa", "password": "P@ssw0rd"}'
    )
    found = sorted((Path(f.path).name, f.severity.value) for f in _findings(tmp_path, tmp_path))
    assert found == [("devcontainer.json", "warning"), ("docker-compose.yml", "warning")]
    message = next(f.message for f in _findings(tmp_path, tmp_path) if f.line == 3)
    assert "local default" in message and "sidecar `db`" in message
    assert "${localEnv:" in message and "P@ssw0rd" not in message


@pytest.mark.parametrize(
    "connection",
    [
        '{"server": "prod-sql.example.com,1433", "user": "sa", "password": "P@ssw0rd"}',
        '{"user": "sa", "password": "P@ssw0rd"}',  # points nowhere in particular
        '{"server": "localhost,1433", "user": "sa", "password": "Tr0ub4dor&3x"}',
    ],
)
def test_tool_connection_elsewhere_stays_an_error(tmp_path: Path, connection: str) -> None:
    _mssql_definition(tmp_path, connection)
    found = sorted((Path(f.path).name, f.severity.value) for f in _findings(tmp_path, tmp_path))
    assert found == [("devcontainer.json", "error"), ("docker-compose.yml", "warning")]


def test_configured_severity_applies_to_every_finding(tmp_path: Path) -> None:
    """A severity set for the rule (or its category) in config is the user's word for all of
    its findings; the local-default warning only replaces the rule's own default."""
    path = tmp_path / "compose.yml"
    path.write_text(_TEMPLATE_COMPOSE, encoding="utf-8")
    for key in (RULE, "security"):
        settings = Settings(select=frozenset({RULE}), severity={key: Severity.ERROR})
        assert {f.severity for f in _findings(tmp_path, path, settings)} == {Severity.ERROR}
