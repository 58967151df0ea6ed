"""The shared corpus of real dev container files (read-only): verdicts and chosen findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from devcon.config import Settings
from devcon.discovery import FileKind, discover_files
from devcon.findings import Finding
from devcon.validate import ValidateRequest, validate
from tests.corpus_support import corpus_root

pytestmark = pytest.mark.corpus

# the whole module is deselected without DEVCON_CORPUS; the placeholder keeps collection quiet
CORPUS = corpus_root() or Path("/nonexistent-corpus")
CLI_CONFIGS = CORPUS / "devcontainers__cli" / "src" / "test"


def _configs(folder: Path) -> list[Path]:
    found = sorted(folder.rglob("devcontainer.json")) + sorted(folder.rglob(".devcontainer.json"))
    assert found, f"no configs under {folder}: does DEVCON_CORPUS name the shared corpus?"
    return found


def _findings(path: Path) -> list[Finding]:
    result = validate(ValidateRequest(paths=(path,), settings=Settings()))
    return list(result.findings)


@pytest.mark.parametrize("folder", ["devcontainers__templates", "devcontainers__images"])
def test_official_templates_and_images_are_valid(folder: str) -> None:
    configs = _configs(CORPUS / folder)
    bad = [
        f for config in configs for f in _findings(config) if f.rule in ("schema", "json-syntax")
    ]
    assert bad == []
    assert len(configs) >= 19


def test_every_cli_fixture_gets_a_verdict() -> None:
    configs = _configs(CLI_CONFIGS)
    assert len(configs) >= 90
    for config in configs:
        _findings(config)  # no exception: a verdict for every file


def test_discovery_finds_every_config_at_a_spec_location() -> None:
    found = {p.resolve() for k, p in discover_files([CORPUS]) if k is FileKind.CONFIG}
    every = {p.resolve() for p in _configs(CORPUS)}
    # set-up-with-config/devcontainer.json sits outside the spec's locations (the CLI test
    # passes it with --config); everything else is found by walking the corpus.
    assert every - found == {
        (CLI_CONFIGS / "configs/set-up-with-config/devcontainer.json").resolve()
    }


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        (
            "configs/compose-Dockerfile-alpine/.devcontainer/devcontainer.json",
            {("deprecated-property", 12), ("deprecated-property", 15), ("deprecated-property", 19)},
        ),
        (
            "configs/compose-image-without-features/.devcontainer/devcontainer.json",
            {("deprecated-property", 7), ("deprecated-property", 9), ("trailing-comma", 18)},
        ),
        ("configs/image-with-mounts/.devcontainer/devcontainer.json", {("trailing-comma", 6)}),
        ("configs/dockerfile-with-parallel-commands/.devcontainer.json", {("trailing-comma", 19)}),
        ("configs/image/.devcontainer.json", set()),
        ("configs/set-up-with-config/devcontainer.json", set()),
    ],
)
def test_chosen_cli_fixtures(relative: str, expected: set[tuple[str, int]]) -> None:
    config_rules = {
        "json-syntax",
        "trailing-comma",
        "schema",
        "deprecated-property",
        "missing-file",
    }
    path = CLI_CONFIGS / relative
    found = {
        (f.rule, f.line) for f in _findings(path) if f.rule in config_rules and Path(f.path) == path
    }
    assert found == expected


def test_corpus_dockerfiles_have_no_credentials() -> None:
    """The corpus has secret-like ARG names that are not secrets (USERNAME, USER_UID,
    NODE_VERSION...): none may be reported, in either profile, named directly or through
    the configs that build them."""
    dockerfiles = sorted(p for p in CORPUS.rglob("*") if p.is_file() and "ockerfile" in p.name)
    assert len(dockerfiles) >= 60
    select = Settings(select=frozenset({"secret-in-dockerfile"}))
    direct = validate(ValidateRequest(paths=tuple(dockerfiles), settings=select))
    assert len(direct.files) == len(dockerfiles)
    through_configs = validate(ValidateRequest(paths=(CORPUS,), settings=select))
    assert [f for f in (*direct.findings, *through_configs.findings)] == []


def test_features_and_templates_metadata() -> None:
    """The official Features and Templates pass the schema and the metadata rules; the
    security rules report exactly what the Features grant themselves."""
    result = validate(
        ValidateRequest(
            paths=(CORPUS / "devcontainers__features", CORPUS / "devcontainers__templates"),
            settings=Settings(),
        )
    )
    metadata = {
        "schema", "json-syntax", "missing-required-props", "id-dir-mismatch",
        "invalid-semver", "option-default-invalid",
    }  # fmt: skip
    assert [f for f in result.findings if f.rule in metadata] == []
    granted = sorted(
        (Path(f.path).parent.name, f.rule)
        for f in result.findings
        if f.path.endswith("devcontainer-feature.json")
    )
    assert granted == [
        ("docker-in-docker", "privileged-container"),
        ("docker-outside-of-docker", "docker-socket-mount"),
        ("go", "seccomp-unconfined"),
        ("rust", "seccomp-unconfined"),
    ]


def test_corpus_is_not_modified() -> None:
    # validation must never write: no temporary or backup files appear beside the corpus files
    stray = [p for p in CORPUS.rglob("*") if p.name.endswith((".tmp", ".bak"))]
    assert stray == []


def test_official_templates_env_files_are_local_not_missing() -> None:
    """The database templates name `.env` (kept out of git upstream; the corpus has none):
    info, never an error that would fail CI on a clean checkout."""
    select = Settings(select=frozenset({"missing-file"}))
    result = validate(
        ValidateRequest(paths=(CORPUS / "devcontainers__templates",), settings=select)
    )
    env = [f for f in result.findings if "env_file" in f.message]
    assert len(env) >= 10
    assert {f.severity.value for f in env} == {"info"}
    assert all("'.env' is kept out of the repository" in f.message for f in env)
