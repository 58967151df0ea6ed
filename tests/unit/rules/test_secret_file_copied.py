"""secret-file-copied: explicit secret files, and `COPY . .` against .dockerignore."""

from __future__ import annotations

from pathlib import Path

import pytest

from devcon.dockerfile.parser import parse_dockerfile
from devcon.rules.base import DockerfileContext, Profile
from devcon.rules.secret_file_copied import (
    check,
    is_ignored,
    parse_dockerignore,
    secret_kind,
)


def run(text: str, context: Path | None = None) -> list[str]:
    path = (context or Path(".")) / "Dockerfile"
    ctx = DockerfileContext(path, parse_dockerfile(text, path), Profile.PROD, context)
    return [f"{p.line}:{p.column} {p.message}" for p in check(ctx)]


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        ".env.local",
        "config/.env.production",
        "id_rsa",
        "keys/id_ed25519",
        "id_ecdsa_deploy",
        "server.pem",
        "tls.key",
        "cert.p12",
        "cert.pfx",
        ".npmrc",
        ".pypirc",
        ".netrc",
        ".git-credentials",
        "credentials.json",
        "credentials",
        ".aws/credentials",
        ".ssh/id_custom",
        ".docker/config.json",
        "kubeconfig",
        ".kube/config",
        "vault.kdbx",
        ".ssh",
        ".aws",
    ],
)
def test_secret_names(path: str) -> None:
    assert secret_kind(path) is not None


@pytest.mark.parametrize(
    "path",
    [
        ".env.example",
        ".env.sample",
        ".env.template",
        "id_rsa.pub",
        ".ssh/known_hosts",
        ".ssh/config",
        "credentials.example.json",
        "environment.yml",
        "app.py",
        "config.json",
        ".envrc",
    ],
)
def test_not_secret_names(path: str) -> None:
    assert secret_kind(path) is None


def test_explicit_sources_without_context() -> None:
    text = (
        "FROM x AS build\n"
        "COPY --chown=1000:1000 .env /app/\n"
        'COPY ["id_rsa", "/root/.ssh/"]\n'
        "COPY --from=build /src/.env /app/.env\n"
        "COPY .env.example id_rsa.pub /app/\n"
        "COPY corp-ca.pem /usr/local/share/ca-certificates/\n"
        "ADD https://example.com/.env /app/\n"
    )
    findings = run(text)
    assert [f.split(" ")[0] for f in findings] == ["2:24", "3:8"]
    assert "COPY copies `.env` (dotenv file)" in findings[0]
    assert "--mount=type=secret" in findings[0]


def test_copy_all_respects_dockerignore(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("A=1\n")
    (tmp_path / ".env.example").write_text("A=\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("")
    (tmp_path / "src" / "deploy.pem").write_text("-----BEGIN PRIVATE KEY-----\nnot real\n")
    (tmp_path / "src" / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\nnot real\n")
    (tmp_path / "node_modules" / "pkg").mkdir(parents=True)
    (tmp_path / "node_modules" / "pkg" / "test.key").write_text("x")
    text = "FROM x\nCOPY . /app\nCOPY src/ /src/\n"
    findings = run(text, tmp_path)
    assert len(findings) == 2
    assert findings[0].startswith("2:6 ")
    assert "`.env` (dotenv file), `src/deploy.pem` (private key)" in findings[0]
    assert "list them in .dockerignore" in findings[0]
    assert findings[1].startswith("3:6 ") and "`src/deploy.pem`" in findings[1]

    (tmp_path / ".dockerignore").write_text("# secrets\n.env*\n!.env.example\n**/*.pem\n")
    assert run(text, tmp_path) == []


def test_dockerfile_specific_ignore_file_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("A=1\n")
    (tmp_path / ".dockerignore").write_text("*.log\n")
    (tmp_path / "Dockerfile.dockerignore").write_text(".env\n")
    assert run("FROM x\nCOPY . .\n", tmp_path) == []


def test_explicit_file_content_clears_it(tmp_path: Path) -> None:
    (tmp_path / ".npmrc").write_text("//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n")
    (tmp_path / "tls.pem").write_text("-----BEGIN CERTIFICATE-----\nx\n")
    assert run("FROM x\nCOPY .npmrc tls.pem /root/\n", tmp_path) == []
    (tmp_path / ".npmrc").write_text("//registry.npmjs.org/:_authToken=literal-value\n")
    (finding,) = run("FROM x\nCOPY .npmrc tls.pem /root/\n", tmp_path)
    assert "`.npmrc`" in finding


@pytest.mark.parametrize(
    ("patterns", "path", "ignored"),
    [
        ([".env"], ".env", True),
        ([".env"], "sub/.env", False),
        (["**/.env"], "sub/deep/.env", True),
        (["*/.env"], "sub/.env", True),
        (["*/.env"], "a/b/.env", False),
        (["secrets"], "secrets/key.pem", True),
        (["/secrets/"], "secrets/key.pem", True),
        (["*.pem", "!ca.pem"], "ca.pem", False),
        (["*.pem", "!ca.pem"], "server.pem", True),
        (["**", "!src"], "src/app.py", False),
        (["**", "!src"], ".env", True),
        (["src/**"], "src/a/b.key", True),
        (["id_rsa?"], "id_rsa2", True),
        (["[a-c].key"], "b.key", True),
        (["[!a-c].key"], "b.key", False),
        (["./.env"], ".env", True),
    ],
)
def test_dockerignore_matching(patterns: list[str], path: str, ignored: bool) -> None:
    assert is_ignored(path, parse_dockerignore("\n".join(patterns))) is ignored
