"""add-instead-of-copy: ADD is for tar archives and URLs."""

from __future__ import annotations

from pathlib import Path

from devcon.dockerfile.parser import parse_dockerfile
from devcon.rules.add_instead_of_copy import check, is_git, is_url
from devcon.rules.base import DockerfileContext, Profile


def run(text: str, context: Path | None = None) -> list[str]:
    ctx = DockerfileContext(Path("Dockerfile"), parse_dockerfile(text), Profile.PROD, context)
    return [f"{p.line}:{p.column} {p.message}" for p in check(ctx)]


def test_local_files() -> None:
    text = (
        "FROM x\n"
        "ADD app.py /app/\n"
        "ADD rootfs.tar.gz /\n"
        "ADD a.tgz b.tar.xz c.tar.bz2 d.tar.zst e.tar /opt/\n"
        "ADD https://example.com/x.sh /x.sh\n"
        "ADD git@github.com:o/r.git /src\n"
        "ADD tools.zip /opt/\n"
        "ADD $FILE /opt/\n"
    )
    findings = run(text)
    assert [f.split(" ")[0] for f in findings] == ["2:1", "7:1"]
    assert "ADD of `app.py`, not a tar archive: use COPY" in findings[0]
    assert "ADD does not unpack zip files" in findings[1]


def test_archive_recognised_by_content(tmp_path: Path) -> None:
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("hello.txt")
        tar.addfile(info, io.BytesIO(b""))
    (tmp_path / "bundle").write_bytes(buffer.getvalue())
    (tmp_path / "notes").write_text("plain text\n")
    findings = run("FROM x\nADD bundle /opt/\nADD notes /opt/\n", tmp_path)
    assert [f.split(" ")[0] for f in findings] == ["3:1"]


def test_heredoc() -> None:
    (finding,) = run("FROM x\nADD <<EOF /etc/motd\nhi\nEOF\n")
    assert "COPY <<EOF" in finding


def test_url_detection() -> None:
    assert is_url("https://example.com/a") and not is_git("https://example.com/a")
    assert is_git("https://github.com/o/r.git#main")
    assert is_git("git@github.com:o/r.git") and is_git("git://host/r")
    assert not is_url("./app.git.tar")
