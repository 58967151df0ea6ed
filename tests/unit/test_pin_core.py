"""`devcon pin` / `devcon outdated` end to end through the CLI, with a registry client stand-in
(the real registry is exercised in tests/integration/test_pin_registry.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from devcon.cli.app import main
from devcon.features import FeatureLock, locale_compare_key, render_lockfile
from devcon.reference import Reference
from devcon.registry.client import OCI_MANIFEST, Manifest, Resolution
from devcon.registry.errors import NotFound


def digest(n: int) -> str:
    return f"sha256:{n:064x}"


class FakeClient:
    """Tags -> digests, and Feature metadata per manifest digest; records each tag asked."""

    offline = False

    def __init__(self, tags: dict[str, str], versions: dict[str, str] | None = None) -> None:
        self.tags = tags  # "registry/repository:tag" -> digest
        self.versions = versions or {}  # Feature manifest digest -> version
        self.asked: list[str] = []

    def resolve_tag(self, ref: Reference) -> tuple[str, str]:
        if ref.digest:
            return ref.digest, ""
        key = f"{ref.name}:{ref.tag_or_default}"
        self.asked.append(key)
        if key not in self.tags:
            raise NotFound(f"{ref.original}: not found")
        return self.tags[key], OCI_MANIFEST

    def resolve(self, ref: Reference, platform: str | None = None) -> Resolution:
        found, media_type = self.resolve_tag(ref)
        return Resolution(ref, found, media_type)

    def confirm(self, ref: Reference, digest: str) -> None:
        """The real client GETs the manifest by digest before pin writes it."""

    def manifest(self, ref: Reference, digest_or_tag: str) -> Manifest:
        metadata = {"id": ref.repository.rsplit("/", 1)[-1]}
        if digest_or_tag in self.versions:
            metadata["version"] = self.versions[digest_or_tag]
        body = {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "annotations": {"dev.containers.metadata": json.dumps(metadata)},
        }
        return Manifest(digest_or_tag, OCI_MANIFEST, json.dumps(body).encode())


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeClient:
    client = FakeClient({})
    monkeypatch.setattr("devcon.registry.factory.make_client", lambda settings: client)
    return client


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


# -- gap: the reference is rewritten where it is, not where its text first appears ---------


def test_pin_rewrites_from_values_not_an_equal_chown_or_source(
    tmp_path: Path, fake: FakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.tags = {
        "docker.io/library/node:20": digest(20),
        "docker.io/library/alpine:3": digest(3),
    }
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_bytes(
        b"FROM alpine:3\r\n"
        b"COPY --chown=node:20 --from=node:20 /app /app\r\n"
        b"RUN --mount=type=bind,source=node:20,from=node:20,target=/n \\\r\n"
        b"    ls /n\r\n"
    )
    code, out, _ = _run(["pin", str(dockerfile)], capsys)
    assert code == 0, out
    assert (
        dockerfile.read_bytes()
        == (
            f"FROM alpine:3@{digest(3)}\r\n"
            f"COPY --chown=node:20 --from=node:20@{digest(20)} /app /app\r\n"
            f"RUN --mount=type=bind,source=node:20,from=node:20@{digest(20)},target=/n \\\r\n"
            "    ls /n\r\n"
        ).encode()
    )
    assert "3 pinned" in out


# -- gap: --check fails on what cannot be pinned; unparsable configs are exit 2 ------------


def test_check_fails_on_skipped_references_and_says_why(
    tmp_path: Path, fake: FakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"FROM ${{BASE}}\nFROM Python:3\nFROM alpine:3@{digest(1)}\n")
    code, out, _ = _run(["pin", "--check", str(dockerfile)], capsys)
    assert code == 1
    assert f"{dockerfile}:1:6: skipped ${{BASE}}: built from variables with no value" in out
    assert f"{dockerfile}:2:6: skipped Python:3: invalid repository name" in out
    assert "0 unpinned, 2 skipped" in out
    code, out, _ = _run(["pin", "--check", "--format", "json", str(dockerfile)], capsys)
    statuses = [r["status"] for r in json.loads(out)["references"]]
    assert code == 1 and statuses == ["skipped", "skipped", "already-pinned"]
    # without --check the skipped ones are listed and nothing fails (nothing could be done)
    code, out, _ = _run(["pin", str(dockerfile)], capsys)
    assert code == 0 and "2 skipped" in out
    assert fake.asked == []


def test_check_passes_when_everything_is_pinned(
    tmp_path: Path, fake: FakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"ARG BASE=alpine:3@{digest(1)}\nFROM ${{BASE}}\n")
    assert _run(["pin", "--check", str(dockerfile)], capsys)[0] == 0


@pytest.mark.parametrize("argv", [["pin"], ["pin", "--check"], ["outdated"], ["pin", "--dry-run"]])
def test_a_config_with_a_syntax_error_is_exit_2_with_its_position(
    argv: list[str], tmp_path: Path, fake: FakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / ".devcontainer" / "devcontainer.json"
    config.parent.mkdir()
    text = '{\n  "image": "alpine:3",\n  "name": oops\n}\n'
    config.write_text(text)
    code, out, err = _run([*argv, str(tmp_path)], capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"devcon: {config}:3:11: not valid JSONC")
    assert len(err.strip().splitlines()) == 1
    assert config.read_text() == text and fake.asked == []


def test_a_compose_file_that_is_not_yaml_is_exit_2(
    tmp_path: Path, fake: FakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    compose = tmp_path / "compose.yml"
    compose.write_text("services:\n  app:\n    image: [alpine:3\n")
    code, _, err = _run(["pin", "--check", str(compose)], capsys)
    assert code == 2 and f"{compose}:" in err and "not a readable compose file" in err


# -- gap: references devcon cannot rewrite in place are skipped, not a failure -------------


def test_escaped_and_block_scalar_references_are_skipped_with_a_reason(
    tmp_path: Path, fake: FakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.tags = {
        "mcr.microsoft.com/devcontainers/base:1": digest(1),
        "docker.io/library/alpine:3": digest(3),
        "docker.io/library/redis:7": digest(7),
    }
    config = tmp_path / ".devcontainer" / "devcontainer.json"
    config.parent.mkdir()
    config_text = '{"image": "mcr.microsoft.com\\/devcontainers\\/base:1"}\n'
    config.write_text(config_text)
    compose = tmp_path / "compose.yml"
    compose.write_text(
        "services:\n"
        "  a:\n    image: >-\n      alpine:3\n"
        '  b:\n    image: "alp\\x69ne:3"\n'
        "  c:\n    image: redis:7\n"
    )
    code, out, err = _run(["pin", str(config), str(compose)], capsys)
    assert code == 0, err
    assert config.read_text() == config_text
    assert f"{config}:1:12: skipped mcr.microsoft.com/devcontainers/base:1: written with JSON" in (
        out
    )
    assert f"{compose}:3:12: skipped alpine:3: written as a YAML block scalar" in out
    assert f"{compose}:6:13: skipped alpine:3: written as a YAML block scalar" in out
    assert compose.read_text().endswith(f"  c:\n    image: redis:7@{digest(7)}\n")
    assert "1 pinned, 0 already pinned, 0 unpinned, 3 skipped" in out
    assert _run(["pin", "--check", str(config), str(compose)], capsys)[0] == 1


# -- gap: outdated reports name@digest references (no tag) as skipped ----------------------


def test_outdated_reports_digest_only_references_as_skipped(
    tmp_path: Path, fake: FakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.tags = {"docker.io/library/redis:7": digest(8)}
    compose = tmp_path / "compose.yml"
    compose.write_text(
        f"services:\n  a:\n    image: alpine@{digest(3)}\n  b:\n    image: redis:7@{digest(7)}\n"
    )
    code, out, _ = _run(["outdated", "--check", str(compose)], capsys)
    assert code == 1
    assert f"{compose}:3:12: skipped alpine@{digest(3)}: no tag to compare" in out
    assert "1 of 1 pinned references moved; 1 skipped" in out
    code, out, _ = _run(["outdated", "--format", "json", str(compose)], capsys)
    rows = {r["reference"]: r for r in json.loads(out)["references"]}
    assert rows[f"alpine@{digest(3)}"]["status"] == "skipped"
    assert rows[f"alpine@{digest(3)}"]["reason"].startswith("no tag to compare")
    assert rows[f"redis:7@{digest(7)}"]["status"] == "outdated"
    assert fake.asked.count("docker.io/library/alpine:latest") == 0


# -- gap: Features already locked stay locked; the lock file is the official CLI's ---------


HELLO = "ghcr.io/devcontainers/features/hello:1"
PY = "ghcr.io/devcontainers/features/python:1"
PY3 = "ghcr.io/devcontainers/features/python3:1"


def _feature_config(tmp_path: Path, ids: list[str]) -> Path:
    config = tmp_path / ".devcontainer" / "devcontainer.json"
    config.parent.mkdir(exist_ok=True)
    features = ",\n".join(f'    "{i}": {{}}' for i in ids)
    config.write_text(
        '{\n  "image": "alpine:3@' + digest(3) + '",\n  "features": {\n' + features + "\n  }\n}\n"
    )
    return config


def test_lock_file_text_is_what_the_official_cli_writes() -> None:
    locks = [
        FeatureLock(PY3, "3.0.0", f"ghcr.io/devcontainers/features/python3@{digest(3)}", digest(3)),
        FeatureLock(PY, "1.6.2", f"ghcr.io/devcontainers/features/python@{digest(1)}", digest(1)),
    ]
    # JSON.stringify(lockfile, null, 2): two-space indent, no final newline; ids in
    # localeCompare order, where "python:1" sorts before "python3:1" (Python's sorted() and
    # code-point order put "python3" first, since "3" < ":")
    assert render_lockfile(locks) == (
        "{\n"
        '  "features": {\n'
        f'    "{PY}": {{\n'
        '      "version": "1.6.2",\n'
        f'      "resolved": "ghcr.io/devcontainers/features/python@{digest(1)}",\n'
        f'      "integrity": "{digest(1)}"\n'
        "    },\n"
        f'    "{PY3}": {{\n'
        '      "version": "3.0.0",\n'
        f'      "resolved": "ghcr.io/devcontainers/features/python3@{digest(3)}",\n'
        f'      "integrity": "{digest(3)}"\n'
        "    }\n"
        "  }\n"
        "}"
    )
    assert render_lockfile([]) == '{\n  "features": {}\n}'


def test_locale_compare_order_matches_javascript() -> None:
    # the order Node's ["..."].sort((a, b) => a.localeCompare(b)) gives (ICU root collation)
    expected = [
        "a_b",
        "a-b",
        "a/b",
        "ab",
        "ghcr.io/x/go:1",
        "ghcr.io/x/go.x:1",
        "ghcr.io/x/python:1",
        "ghcr.io/x/Python:1",
        "ghcr.io/x/python3:1",
    ]
    shuffled = [expected[i] for i in (8, 3, 0, 6, 2, 7, 5, 1, 4)]
    assert sorted(shuffled, key=locale_compare_key) == expected


def test_pin_features_locks_new_ones_and_leaves_locked_ones_alone(
    tmp_path: Path, fake: FakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _feature_config(tmp_path, [PY3, HELLO, PY, "./local-feature"])
    lock_path = config.parent / "devcontainer-lock.json"
    # an older lock: PY locked at 1.0.0, an entry for a Feature the config no longer names,
    # an extra key, a final newline
    old_lock = {
        "features": {
            PY: {
                "version": "1.0.0",
                "resolved": f"ghcr.io/devcontainers/features/python@{digest(10)}",
                "integrity": digest(10),
            },
            "ghcr.io/devcontainers/features/gone:1": {
                "version": "1.0.0",
                "resolved": f"ghcr.io/devcontainers/features/gone@{digest(9)}",
                "integrity": digest(9),
            },
        },
        "extra": True,
    }
    lock_path.write_text(json.dumps(old_lock, indent=4) + "\n")
    fake.tags = {
        PY.replace(":1", "") + ":1": digest(11),  # PY's tag moved to 1.0.1 meanwhile
        HELLO: digest(21),
        PY3: digest(31),
        "docker.io/library/alpine:3": digest(3),
    }
    fake.versions = {digest(11): "1.0.1", digest(21): "2.1.0", digest(31): "3.0.0"}
    code, out, err = _run(["pin", "--features", "--check", str(config)], capsys)
    assert code == 1 and out.count("Feature not in the lock file") == 2
    code, out, err = _run(["pin", "--features", str(config)], capsys)
    assert code == 0, err
    assert PY not in fake.asked  # already locked: not even asked for
    written = lock_path.read_text()
    assert written == render_lockfile(
        [
            FeatureLock(
                PY, "1.0.0", f"ghcr.io/devcontainers/features/python@{digest(10)}", digest(10)
            ),
            FeatureLock(
                HELLO, "2.1.0", f"ghcr.io/devcontainers/features/hello@{digest(21)}", digest(21)
            ),
            FeatureLock(
                PY3, "3.0.0", f"ghcr.io/devcontainers/features/python3@{digest(31)}", digest(31)
            ),
        ]
    )
    assert list(json.loads(written)) == ["features"] and not written.endswith("\n")
    assert list(json.loads(written)["features"]) == [HELLO, PY, PY3]
    assert "2 pinned, 2 already pinned" in out
    # a second run changes nothing and asks nothing
    fake.asked.clear()
    assert _run(["pin", "--features", str(config)], capsys)[0] == 0
    assert lock_path.read_text() == written and fake.asked == []
    assert _run(["pin", "--features", "--check", str(config)], capsys)[0] == 0
    # outdated sees PY's tag moved; --update re-locks just that one
    code, out, _ = _run(["outdated", "--check", str(config)], capsys)
    assert code == 1 and PY in out and "1 of 4 pinned references moved" in out
    assert _run(["outdated", "--update", str(config)], capsys)[0] == 0
    relocked = json.loads(lock_path.read_text())["features"]
    assert relocked[PY] == {
        "version": "1.0.1",
        "resolved": f"ghcr.io/devcontainers/features/python@{digest(11)}",
        "integrity": digest(11),
    }
    assert relocked[HELLO]["integrity"] == digest(21)
    assert _run(["outdated", "--check", str(config)], capsys)[0] == 0


def test_pin_features_dry_run_creates_no_lock_file(
    tmp_path: Path, fake: FakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _feature_config(tmp_path, [HELLO])
    fake.tags = {HELLO: digest(21)}
    code, out, _ = _run(["pin", "--features", "--dry-run", str(config)], capsys)
    assert code == 0 and '+    "ghcr.io/devcontainers/features/hello:1": {' in out
    assert sorted(p.name for p in config.parent.iterdir()) == ["devcontainer.json"]


def test_an_unreadable_lock_file_is_exit_2(
    tmp_path: Path, fake: FakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _feature_config(tmp_path, [HELLO])
    (config.parent / "devcontainer-lock.json").write_text('{"features": {,}}')
    code, _, err = _run(["pin", "--features", str(config)], capsys)
    assert code == 2 and "devcontainer-lock.json:1:15: not valid JSON" in err


# -- gap: writes go through symlinks -------------------------------------------------------


def test_pin_through_a_symlinked_dockerfile_keeps_the_link(
    tmp_path: Path, fake: FakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.tags = {"docker.io/library/alpine:3": digest(3)}
    shared = tmp_path / "shared" / "base.Dockerfile"
    shared.parent.mkdir()
    shared.write_text("FROM alpine:3\n")
    link = tmp_path / "Dockerfile"
    link.symlink_to(Path("shared") / "base.Dockerfile")
    assert _run(["pin", str(link)], capsys)[0] == 0
    assert link.is_symlink() and os.readlink(link) == str(Path("shared") / "base.Dockerfile")
    assert shared.read_text() == f"FROM alpine:3@{digest(3)}\n"


# -- issue 11: pin never freezes a variable ------------------------------------------------

ADVICE = "put the whole reference in an ARG default"


def test_a_whole_reference_arg_default_is_pinned_in_the_arg_line(
    tmp_path: Path, fake: FakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.tags = {"docker.io/library/python:3.12-slim": digest(12)}
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("ARG BASE=python:3.12-slim\nFROM ${BASE}\nRUN true\n")
    code, out, _ = _run(["pin", "--check", str(dockerfile)], capsys)
    assert code == 1 and f"{dockerfile}:1:10: not pinned: python:3.12-slim" in out
    code, out, _ = _run(["pin", str(dockerfile)], capsys)
    assert code == 0, out
    assert dockerfile.read_text() == (
        f"ARG BASE=python:3.12-slim@{digest(12)}\nFROM ${{BASE}}\nRUN true\n"
    )
    assert f"{dockerfile}:1:10: pinned python:3.12-slim -> python:3.12-slim@{digest(12)}" in out
    assert "1 pinned, 0 already pinned, 0 unpinned, 0 skipped" in out
    # a pinned ARG default counts as pinned
    code, out, _ = _run(["pin", "--check", str(dockerfile)], capsys)
    assert code == 0 and "0 pinned, 1 already pinned, 0 unpinned, 0 skipped" in out


def test_a_variable_inside_a_reference_is_skipped_with_the_advice(
    tmp_path: Path, fake: FakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.tags = {"docker.io/library/python:3.12-slim": digest(12)}
    dockerfile = tmp_path / "Dockerfile"
    text = (
        "ARG PYVER=3.12\n"
        "FROM python:${PYVER}-slim AS one\n"
        "ARG PYVER\n"
        "COPY --from=python:${PYVER}-slim /a /a\n"
        f"FROM python:$PYVER-slim@{digest(1)}\n"
    )
    dockerfile.write_text(text)
    code, out, _ = _run(["pin", str(dockerfile)], capsys)
    assert code == 0
    assert dockerfile.read_text() == text and fake.asked == []
    assert f"{dockerfile}:2:6: skipped python:${{PYVER}}-slim: " in out
    assert f"{dockerfile}:4:13: skipped python:${{PYVER}}-slim: " in out
    assert f"{dockerfile}:5:6: skipped python:$PYVER-slim@{digest(1)}: " in out
    assert out.count(ADVICE) == 3
    assert "ARG BASE=python:3.12-slim" in out
    assert "0 pinned, 0 already pinned, 0 unpinned, 3 skipped" in out
    code, out, _ = _run(["pin", "--check", str(dockerfile)], capsys)
    assert code == 1 and "3 skipped" in out


def test_one_arg_default_used_by_several_references_is_pinned_once(
    tmp_path: Path, fake: FakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.tags = {
        "docker.io/library/alpine:3": digest(3),
        "docker.io/library/busybox:1": digest(1),
        "docker.io/library/node:20": digest(20),
    }
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "ARG BASE=alpine:3\n"
        "ARG OTHER='node:20'\n"
        "FROM ${BASE} AS a\n"
        "FROM $BASE AS b\n"
        "ARG BASE\n"
        "ARG TOOL=busybox:1\n"
        "COPY --from=${BASE} /x /x\n"
        "RUN --mount=type=bind,from=${TOOL},target=/t true\n"
        "FROM ${OTHER}\n"
    )
    code, out, _ = _run(["pin", str(dockerfile)], capsys)
    assert code == 0, out
    assert dockerfile.read_text() == (
        f"ARG BASE=alpine:3@{digest(3)}\n"
        f"ARG OTHER='node:20@{digest(20)}'\n"
        "FROM ${BASE} AS a\n"
        "FROM $BASE AS b\n"
        "ARG BASE\n"
        f"ARG TOOL=busybox:1@{digest(1)}\n"
        "COPY --from=${BASE} /x /x\n"
        "RUN --mount=type=bind,from=${TOOL},target=/t true\n"
        "FROM ${OTHER}\n"
    )
    assert "3 pinned, 0 already pinned, 0 unpinned, 0 skipped" in out


def test_build_args_of_the_config_are_pinned_where_the_config_writes_them(
    tmp_path: Path, fake: FakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.tags = {
        "docker.io/library/alpine:3": digest(3),
        "docker.io/library/alpine:3.19": digest(319),
    }
    folder = tmp_path / ".devcontainer"
    folder.mkdir()
    config = folder / "devcontainer.json"
    config.write_text(
        '{\n  "build": {\n    "dockerfile": "Dockerfile",\n'
        '    "args": {"BASE": "alpine:3.19", "VER": "3", "OTHER": "x"}\n  }\n}\n'
    )
    dockerfile = folder / "Dockerfile"
    dockerfile.write_text("ARG BASE=alpine:3\nARG VER\nFROM ${BASE}\nFROM alpine:${VER}\n")
    code, out, _ = _run(["pin", str(tmp_path)], capsys)
    assert code == 0, out
    # the config's value is what a dev container build uses; the ARG default what a plain
    # `docker build` uses: both are pinned, the variable in FROM stays a variable
    assert f'"BASE": "alpine:3.19@{digest(319)}", "VER": "3", "OTHER": "x"' in config.read_text()
    assert dockerfile.read_text() == (
        f"ARG BASE=alpine:3@{digest(3)}\nARG VER\nFROM ${{BASE}}\nFROM alpine:${{VER}}\n"
    )
    assert f"{config}:4:23: pinned alpine:3.19 -> alpine:3.19@{digest(319)}" in out
    assert f"{dockerfile}:4:6: skipped alpine:${{VER}}: " in out
    assert "2 pinned, 0 already pinned, 0 unpinned, 1 skipped" in out


def test_compose_variables_are_never_given_a_digest(
    tmp_path: Path, fake: FakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.tags = {"docker.io/library/alpine:3": digest(3)}
    compose = tmp_path / "compose.yml"
    text = (
        "services:\n"
        "  a:\n    image: ${IMAGE:-alpine:3}\n"
        "  b:\n    image: alpine:${TAG:-3}\n"
        "  c:\n    image: ${IMAGE}\n"
    )
    compose.write_text(text)
    code, out, _ = _run(["pin", str(compose)], capsys)
    assert code == 0 and compose.read_text() == text and fake.asked == []
    assert f"{compose}:3:12: skipped ${{IMAGE:-alpine:3}}: " in out
    assert f"{compose}:5:12: skipped alpine:${{TAG:-3}}: " in out
    assert f"{compose}:7:12: skipped ${{IMAGE}}: " in out
    assert out.count("write the whole reference") == 3
    assert _run(["pin", "--check", str(compose)], capsys)[0] == 1


def test_outdated_updates_an_arg_default_and_skips_a_frozen_variable(
    tmp_path: Path, fake: FakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.tags = {"docker.io/library/alpine:3": digest(33), "docker.io/library/node:20": digest(2)}
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        f"ARG BASE=alpine:3@{digest(3)}\nARG V=20\nFROM ${{BASE}}\nFROM node:${{V}}@{digest(20)}\n"
    )
    code, out, _ = _run(["outdated", "--update", str(dockerfile)], capsys)
    assert code == 0, out
    assert dockerfile.read_text() == (
        f"ARG BASE=alpine:3@{digest(33)}\nARG V=20\nFROM ${{BASE}}\nFROM node:${{V}}@{digest(20)}\n"
    )
    assert f"{dockerfile}:4:6: skipped node:${{V}}@{digest(20)}: " in out
    assert ADVICE in out
    assert "1 of 1 pinned references moved; 1 skipped" in out


# -- issue 15: `outdated --update --dry-run` says nothing was written ----------------------


def test_outdated_update_dry_run_says_nothing_was_written(
    tmp_path: Path, fake: FakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.tags = {"docker.io/library/redis:7": digest(8)}
    compose = tmp_path / "compose.yml"
    text = f"services:\n  b:\n    image: redis:7@{digest(7)}\n"
    compose.write_text(text)
    code, out, _ = _run(["outdated", "--update", "--dry-run", str(compose)], capsys)
    assert code == 0
    assert f"+    image: redis:7@{digest(8)}" in out
    assert out.rstrip("\n").endswith("(dry run: nothing written)")
    assert compose.read_text() == text
    code, out, _ = _run(["outdated", "--update", str(compose)], capsys)
    assert "nothing written" not in out and compose.read_text() != text
