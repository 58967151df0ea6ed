"""secret-in-dockerfile: decided by name AND value; names alone are not enough."""

from __future__ import annotations

from pathlib import Path

from devcon.dockerfile.parser import parse_dockerfile
from devcon.rules.base import DockerfileContext, Profile
from devcon.rules.secret_in_dockerfile import check


def run(text: str) -> list[str]:
    ctx = DockerfileContext(Path("Dockerfile"), parse_dockerfile(text), Profile.PROD)
    return [f"{p.line}:{p.column} {p.message}" for p in check(ctx)]


def test_corpus_like_names_are_not_findings() -> None:
    text = (
        "ARG VARIANT=3.12\n"
        "FROM python:${VARIANT}\n"
        "ARG USERNAME=vscode\n"
        "ARG USER_UID=1000\n"
        "ARG USER_GID=$USER_UID\n"
        "ARG LOCAL_GID\n"
        "ARG TOKEN\n"
        "ARG NPM_GLOBAL=/usr/local/share/npm-global\n"
        "ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D\n"
        "ENV PASSWORD_FILE=/run/secrets/pw SECRETS_DIR=/run/secrets AUTH_URL=https://a/b\n"
        "ENV DOCKER_BUILDKIT=1 TOKENIZERS_PARALLELISM=false\n"
        'LABEL org.opencontainers.image.authors="me@example.com"\n'
        'LABEL dev.containers.features="common"\n'
        'RUN useradd -m $USERNAME && echo "$USERNAME:$PASSWORD" | chpasswd\n'
    )
    assert run(text) == []


def test_arg_default_env_and_label() -> None:
    text = (
        "FROM python:3.12\n"
        "ARG NPM_TOKEN=abc123abc123\n"
        'ENV DB_PASSWORD="changeme"\n'
        "ENV API_SECRET hunter2hunter2\n"
        "LABEL com.example.api-key=k3yk3yk3y\n"
    )
    findings = run(text)
    assert [f.split(" ")[0] for f in findings] == ["2:15", "3:18", "4:16", "5:27"]
    assert "ARG `NPM_TOKEN` defaults to a literal token (<12 chars>)" in findings[0]
    assert "--mount=type=secret" in findings[0]
    assert "ENV `DB_PASSWORD` holds a literal password (<8 chars>)" in findings[1]
    assert "LABEL `com.example.api-key`" in findings[3] and "public image metadata" in findings[3]
    for secret in ("abc123abc123", "changeme", "hunter2hunter2", "k3yk3yk3y"):
        assert all(secret not in f for f in findings)


def test_any_name_with_a_known_format() -> None:
    key = "AKIA" + "EXAMPLE0NOTREAL7"
    findings = run(f"FROM x\nARG BUILD_REF={key}\n")
    assert len(findings) == 1 and "AWS access key id (AKIA…<20 chars>)" in findings[0]


def test_placeholders() -> None:
    text = (
        "FROM x\n"
        "ARG GITHUB_TOKEN\n"
        "ENV GITHUB_TOKEN=${GITHUB_TOKEN}\n"
        'ENV API_KEY="<your-api-key>" SECRET_KEY=xxx DB_PASSWORD=""\n'
        "ENV DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app\n"
    )
    assert run(text) == []


def test_run_lines() -> None:
    text = (
        "FROM x\n"
        "RUN git clone https://deploy:hunter2@git.example.com/r.git && \\\n"
        "    MYSQL_PWD=rootpw mysql -e 'select 1' && mysql --password=rootroot\n"
        "RUN --mount=type=secret,id=t NPM_TOKEN=$(cat /run/secrets/t) npm ci\n"
        "RUN git clone https://x-access-token:${TOKEN}@github.com/o/r.git\n"
    )
    findings = run(text)
    assert [f.split(" ")[0] for f in findings] == ["2:15", "3:5", "3:51"]
    assert "password in a URL" in findings[0]
    assert "RUN sets `MYSQL_PWD`" in findings[1]
    assert "RUN sets `--password`" in findings[2]
