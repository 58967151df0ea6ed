"""secret-in-config on the shared corpus: the per-template verdicts (read-only corpus).

The official templates give their database sidecars the image's documented local default
password (postgres/postgres, mariadb/mariadb, the dotnet-mssql template's SA password) and
repeat it in the app service or a tool's connection settings: each is a warning that says it
is a local default, never an error, and the value is never printed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devcon.config import Settings
from devcon.findings import Finding
from devcon.validate import ValidateRequest, validate

pytestmark = pytest.mark.corpus

RULE = "secret-in-config"
TEMPLATES = "devcontainers__templates/src"

# (file under the corpus, line) -> severity, for every secret-in-config finding on the corpus
VERDICTS: dict[tuple[str, int], str] = {
    # the mssql extension's connection to the sidecar (server localhost,1433; the app runs
    # with network_mode: service:db), with the sidecar's SA password
    (f"{TEMPLATES}/dotnet-mssql/.devcontainer/devcontainer.json", 24): "warning",
    (f"{TEMPLATES}/dotnet-mssql/.devcontainer/docker-compose.yml", 28): "warning",
    (f"{TEMPLATES}/dotnet-postgres/.devcontainer/docker-compose.yml", 30): "warning",
    # the app service's copy of POSTGRES_PASSWORD, then the sidecar's own
    (f"{TEMPLATES}/java-postgres/.devcontainer/docker-compose.yml", 12): "warning",
    (f"{TEMPLATES}/java-postgres/.devcontainer/docker-compose.yml", 50): "warning",
    (f"{TEMPLATES}/javascript-node-postgres/.devcontainer/docker-compose.yml", 41): "warning",
    (f"{TEMPLATES}/php-mariadb/.devcontainer/docker-compose.yml", 27): "warning",
    (f"{TEMPLATES}/php-mariadb/.devcontainer/docker-compose.yml", 30): "warning",
    (f"{TEMPLATES}/postgres/.devcontainer/docker-compose.yml", 29): "warning",
    # DATABASE_URL postgresql://postgres:<the default>@db:5432/postgres in the app service
    (f"{TEMPLATES}/ruby-rails-postgres/.devcontainer/docker-compose.yml", 19): "warning",
    (f"{TEMPLATES}/ruby-rails-postgres/.devcontainer/docker-compose.yml", 50): "warning",
}
# the literal passwords those files hold: no message may quote them
VALUES = ("P@ssw0rd", "postgres:postgres@")


def _findings(corpus: Path) -> list[Finding]:
    settings = Settings(select=frozenset({RULE}))
    return list(validate(ValidateRequest(paths=(corpus,), settings=settings)).findings)


def test_per_file_verdicts(corpus: Path) -> None:
    found = _findings(corpus)
    got = {
        (Path(f.path).resolve().relative_to(corpus).as_posix(), f.line): f.severity.value
        for f in found
    }
    assert got == VERDICTS
    assert len(found) == len(VERDICTS)  # one finding per place


def test_errors_and_warnings_listed(corpus: Path) -> None:
    """No corpus file has a real-looking credential: no error; the warnings are these files."""
    found = _findings(corpus)
    errors = sorted({f.path for f in found if f.severity.value == "error"})
    warned = sorted({Path(f.path).resolve().relative_to(corpus).as_posix() for f in found})
    assert errors == []
    assert warned == sorted({path for path, _ in VERDICTS})


def test_warning_messages_say_local_default_and_redact(corpus: Path) -> None:
    for finding in _findings(corpus):
        assert "documented local default" in finding.message, finding
        assert "sidecar `db`" in finding.message, finding
        assert "kept out of git" in finding.message or "untracked .env" in finding.message
        assert not any(value in finding.message for value in VALUES), finding
