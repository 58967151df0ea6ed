"""secret-in-config: literal credentials in devcontainer.json and compose files."""

from __future__ import annotations

from pathlib import Path

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
