"""missing-file in compose files: the build context and Dockerfile of the services the dev
container builds, and every service's env_file, at the compose file's line:col."""

from __future__ import annotations

import subprocess
from pathlib import Path

from devcon.compose import parse_compose
from devcon.rules.missing_file import built_services
from tests.unit.rules._support import run_rule

RULE = "missing-file"


def _project(tmp_path: Path, compose: str, config: str | None = None) -> Path:
    """compose.yml in tmp_path (with a config in .devcontainer/ when given); returns what to
    validate."""
    (tmp_path / "compose.yml").write_text(compose, encoding="utf-8")
    if config is None:
        return tmp_path / "compose.yml"
    folder = tmp_path / ".devcontainer"
    folder.mkdir()
    (folder / "devcontainer.json").write_text(config, encoding="utf-8")
    return tmp_path


def _run(tmp_path: Path, compose: str, config: str | None = None) -> list[str]:
    target = _project(tmp_path, compose, config)
    from devcon.config import Settings
    from devcon.validate import ValidateRequest, validate

    settings = Settings(select=frozenset({RULE}))
    result = validate(ValidateRequest(paths=(target,), settings=settings))
    assert all(f.path == str(tmp_path / "compose.yml") for f in result.findings)
    return [f"{f.line}:{f.column} {f.message}" for f in result.findings]


def test_short_form_build_is_a_context_folder(tmp_path: Path) -> None:
    found = _run(tmp_path, "services:\n  app:\n    build: ./app\n")
    assert found == [
        f"3:12 service `app`: build context './app' not found (looked for the directory "
        f"{(tmp_path / 'app').as_posix()})"
    ]
    (tmp_path / "app").mkdir()
    # the folder is there but holds no Dockerfile: compose cannot build it either
    found = _run(tmp_path, "services:\n  app:\n    build: ./app\n")
    assert len(found) == 1 and found[0].startswith("3:12 service `app`: no Dockerfile in the")
    (tmp_path / "app" / "Dockerfile").write_text("FROM debian:12\n")
    assert _run(tmp_path, "services:\n  app:\n    build: ./app\n") == []


def test_dockerfile_is_relative_to_the_context(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "Dockerfile").write_text("FROM debian:12\n")  # beside compose.yml: not it
    compose = "services:\n  app:\n    build:\n      context: src\n      dockerfile: Dockerfile\n"
    assert _run(tmp_path, compose) == [
        f"5:19 service `app`: Dockerfile 'Dockerfile' not found (looked for the file "
        f"{(tmp_path / 'src' / 'Dockerfile').as_posix()})"
    ]
    (tmp_path / "src" / "Dockerfile").write_text("FROM debian:12\n")
    assert _run(tmp_path, compose) == []


def _git_repo(folder: Path, ignore: str = "") -> None:
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    if ignore:
        (folder / ".gitignore").write_text(ignore, encoding="utf-8")


def test_env_file_forms(tmp_path: Path) -> None:
    _git_repo(tmp_path)  # a repository that ignores none of them: each one is missing
    compose = (
        "services:\n"
        "  app:\n"
        "    image: debian:12\n"
        "    env_file: app.env\n"
        "  db:\n"
        "    image: postgres:16\n"
        "    env_file:\n"
        "      - ./db.env\n"
        "      - path: 'secret.env'\n"
        "      - path: ./local.env\n"
        "        required: false\n"
        "      - path: ./must.env\n"
        "        required: true\n"
    )
    found = _run(tmp_path, compose)
    assert [f.split(" not found")[0] for f in found] == [
        "4:15 service `app`: env_file 'app.env'",
        "8:9 service `db`: env_file './db.env'",
        "9:16 service `db`: env_file 'secret.env'",
        "12:15 service `db`: env_file './must.env'",
    ]
    for name in ("app.env", "db.env", "secret.env", "must.env"):
        (tmp_path / name).write_text("X=1\n")
    assert _run(tmp_path, compose) == []


def test_only_the_services_the_dev_container_builds(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  app:\n"
        "    image: debian:12\n"
        "    depends_on:\n"
        "      cache:\n"
        "        condition: service_started\n"
        "  cache:\n"
        "    build: ./cache\n"
        "  sidecar:\n"
        "    build: ./sidecar\n"
        "    env_file: sidecar.env\n"
    )
    config = (
        '{"dockerComposeFile": "../compose.yml", "service": "app", "runServices": ["app"],'
        ' "workspaceFolder": "/w"}'
    )
    found = _run(tmp_path, compose, config)
    # `cache` is started for `app`; `sidecar` never is, but its env_file is read anyway
    assert [f.split(" ")[0] for f in found] == ["8:12", "11:15"]
    assert "service `cache`: build context './cache'" in found[0]
    assert "service `sidecar`: env_file 'sidecar.env'" in found[1]


def test_without_run_services_every_service_is_built(tmp_path: Path) -> None:
    compose = "services:\n  app:\n    image: debian:12\n  worker:\n    build: ./worker\n"
    config = '{"dockerComposeFile": "../compose.yml", "service": "app", "workspaceFolder": "/w"}'
    assert [f[:4] for f in _run(tmp_path, compose, config)] == ["5:12"]


def test_paths_not_checked(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  a:\n    build: https://github.com/example/a.git#main\n"
        "  b:\n    build: git@github.com:example/b.git\n"
        "  c:\n    build:\n      context: ${SRC:-.}\n      dockerfile: missing.Dockerfile\n"
        "  d:\n    build:\n      context: .\n      dockerfile_inline: 'FROM debian:12'\n"
        "  e:\n    image: debian:12\n    env_file: ${ENV_FILE}\n"
    )
    assert _run(tmp_path, compose) == []


def test_a_credential_in_a_path_is_redacted(tmp_path: Path) -> None:
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0" * 2
    compose = f"services:\n  app:\n    image: debian:12\n    env_file: ./{token}.env\n"
    found = _run(tmp_path, compose)
    assert len(found) == 1 and token not in found[0] and "ghp_" in found[0]


def test_built_services_follows_depends_on() -> None:
    compose = parse_compose(
        "services:\n"
        "  app:\n    image: x\n    depends_on: [api]\n"
        "  api:\n    image: x\n    depends_on: {db: {condition: service_healthy}}\n"
        "  db:\n    image: x\n"
        "  other:\n    image: x\n"
    )
    assert built_services(compose, frozenset({"app"})) == {"app", "api", "db"}
    assert built_services(compose, None) == {"app", "api", "db", "other"}
    assert built_services(compose, frozenset({"missing"})) == set()


def test_config_findings_unchanged(tmp_path: Path) -> None:
    found = run_rule(tmp_path, RULE, '{\n  "build": {"dockerfile": "Dockerfile.dev"}\n}\n')
    assert found and found[0].startswith("2:27 `/build/dockerfile`: Dockerfile")


_LOCAL_ENV = (
    "services:\n  app:\n    image: debian:12\n    env_file: [.env, config/app.env, db.env]\n"
)


def _severities(tmp_path: Path) -> list[tuple[str, str]]:
    from devcon.config import Settings
    from devcon.validate import ValidateRequest, validate

    (tmp_path / "compose.yml").write_text(_LOCAL_ENV, encoding="utf-8")
    settings = Settings(select=frozenset({RULE}))
    result = validate(ValidateRequest(paths=(tmp_path / "compose.yml",), settings=settings))
    return [(f.message.split("'")[1], f.severity.value) for f in result.findings]


def test_an_env_file_git_ignores_is_info_not_a_broken_repository(tmp_path: Path) -> None:
    """secret-in-config advises an env file kept out of git: CI's clean checkout never has
    it, so its absence must not fail the build; a missing file git would track still does."""
    _git_repo(tmp_path, ".env\n*.local\n")
    assert _severities(tmp_path) == [
        (".env", "info"),
        ("config/app.env", "error"),
        ("db.env", "error"),  # not ignored: the repository should have it
    ]
    (tmp_path / "compose.yml").write_text(_LOCAL_ENV, encoding="utf-8")
    from devcon.config import Settings
    from devcon.validate import ValidateRequest, validate

    result = validate(
        ValidateRequest(
            paths=(tmp_path / "compose.yml",), settings=Settings(select=frozenset({RULE}))
        )
    )
    assert "kept out of the repository" in result.findings[0].message
    assert "`.env.example`" in result.findings[0].message


def test_without_git_an_env_files_name_says_it_is_local(tmp_path: Path) -> None:
    outside = tmp_path / "no-repo"
    outside.mkdir()
    probe = subprocess.run(["git", "-C", str(outside), "rev-parse"], capture_output=True)
    assert probe.returncode != 0, "tmp_path must not sit inside a git repository"
    assert _severities(outside) == [
        (".env", "info"),
        ("config/app.env", "info"),
        ("db.env", "info"),
    ]
    (outside / "compose.yml").write_text(
        "services:\n  app:\n    image: x\n    env_file: settings.txt\n", encoding="utf-8"
    )
    from devcon.config import Settings
    from devcon.validate import ValidateRequest, validate

    result = validate(
        ValidateRequest(
            paths=(outside / "compose.yml",), settings=Settings(select=frozenset({RULE}))
        )
    )
    assert [f.severity.value for f in result.findings] == ["error"]
