"""add-remote-unverified: --checksum for URLs, a commit for git sources."""

from __future__ import annotations

from pathlib import Path

from devcon.dockerfile.parser import parse_dockerfile
from devcon.rules.add_remote_unverified import check, safe_url
from devcon.rules.base import DockerfileContext, Profile

SHA = "0123456789abcdef" * 4
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def run(text: str) -> list[str]:
    ctx = DockerfileContext(Path("Dockerfile"), parse_dockerfile(text), Profile.PROD)
    return [f"{p.line}:{p.column} {p.message}" for p in check(ctx)]


def test_urls() -> None:
    text = (
        "FROM x\n"
        "ADD https://example.com/a.tar.gz /opt/\n"
        f"ADD --checksum=sha256:{SHA} https://example.com/b.tar.gz /opt/\n"
        "ADD http://example.com/c /opt/c\n"
        "ADD local.tar.gz /opt/\n"
    )
    findings = run(text)
    assert [f.split(" ")[0] for f in findings] == ["2:5", "4:5"]
    assert "without `--checksum`" in findings[0] and "--checksum=sha256:" in findings[0]
    assert "over plain http" in findings[1]


def test_git() -> None:
    text = (
        "FROM x\n"
        "ADD https://github.com/o/r.git#main /a\n"
        f"ADD https://github.com/o/r.git#{COMMIT} /b\n"
        f"ADD https://github.com/o/r.git#{COMMIT}:docs /c\n"
        f"ADD --checksum={COMMIT} git@github.com:o/r.git /d\n"
        "ADD git@github.com:o/r.git /e\n"
    )
    findings = run(text)
    assert [f.split(" ")[0] for f in findings] == ["2:5", "6:5"]
    assert "pin a commit" in findings[0]


def test_credentials_and_query_not_shown() -> None:
    (finding,) = run("FROM x\nADD https://user:hunter2@example.com/a?token=s3cr3t /a\n")
    assert "hunter2" not in finding and "s3cr3t" not in finding
    assert safe_url("https://u:p@h/x?sig=abc") == "https://h/x?…"
