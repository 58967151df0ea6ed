"""`devcon images` and `devcon prune` against the real engine, with images built and labelled
the way the dev container CLI builds them (devcon/local_images.py says how it names them).

The repository `myrepo` (a Dockerfile config) has, in the engine:
- vsc-myrepo-<hash>:latest: its dev container image (1 MB of its own), no container: unused;
- vsc-myrepo-<hash>-uid:latest: run by a stopped container labelled with the folder: kept;
- REG/devcon-test/prune-<n>:1, pushed: its Dockerfile's FROM names it by digest: kept;
- REG/devcon-test/prune-<n>:0: an older tag of that repository, unused;
and another folder's vsc image, which nothing here may touch.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from devcon.cli.app import main
from devcon.local_images import folder_image_name
from tests.conftest import BaseImage
from tests.harness.engine import DockerCLIError, DockerEngine
from tests.harness.registry import Registry

pytestmark = [pytest.mark.engine, pytest.mark.registry]

METADATA = {"devcontainer.metadata": '[{"remoteUser":"vscode"}]'}


@dataclass(frozen=True)
class Repo:
    folder: Path
    other: Path
    vsc: str  # image ids by role
    vsc_uid: str
    pinned: str
    old_tag: str
    other_vsc: str
    pinned_ref: str
    container: str


def _exists(engine: DockerEngine, ref: str) -> bool:
    try:
        engine.docker("image", "inspect", ref)
    except DockerCLIError:
        return False
    return True


@pytest.fixture(scope="module")
def repo(docker_engine: DockerEngine, base_image: BaseImage, registry: Registry) -> Iterator[Repo]:
    work = Path(tempfile.mkdtemp(prefix="dc-prune-", dir="/tmp"))
    folder, other = work / "myrepo", work / "otherrepo"
    other.mkdir(parents=True)
    name, other_name = folder_image_name(str(folder)), folder_image_name(str(other))
    unique = uuid.uuid4().hex[:8]
    repository = f"{registry.addr}/devcon-test/prune-{unique}"
    base = base_image.tag
    made: list[str] = []
    containers: list[str] = []

    def build(dockerfile: str, tag: str, labels: dict[str, str] | None = None) -> str:
        image_id = docker_engine.build(dockerfile, tag, labels=labels)
        made.append(tag)
        return image_id

    try:
        vsc = build(
            f"FROM {base}\nRUN dd if=/dev/zero of=/own bs=1000 count=1000\n", name, METADATA
        )
        vsc_uid = build(f"FROM {base}\nLABEL uid=1000\n", f"{name}-uid", METADATA)
        pinned = build(f"FROM {base}\nLABEL role=pinned\n", f"{repository}:1")
        digest = docker_engine.push(f"{repository}:1", f"{repository}:1")
        # pulled by digest, as a pinned reference is: podman records the digest on the
        # image only then (after a push it keeps its own manifest's)
        docker_engine.docker("pull", f"{repository}@{digest}")
        old_tag = build(f"FROM {base}\nLABEL role=old\n", f"{repository}:0")
        other_vsc = build(f"FROM {base}\nLABEL role=other\n", other_name, METADATA)
        config = folder / ".devcontainer" / "devcontainer.json"
        config.parent.mkdir(parents=True)
        config.write_text('{\n  "build": {"dockerfile": "Dockerfile"}\n}\n')
        pinned_ref = f"{repository}:1@{digest}"
        (config.parent / "Dockerfile").write_text(f"# dev\nFROM {pinned_ref}\n")
        container = docker_engine.docker(
            "create",
            "--network",
            "none",
            "--label",
            f"devcontainer.local_folder={folder}",
            "--label",
            f"devcontainer.config_file={config}",
            f"{name}-uid",
            "true",
        ).strip()
        docker_engine.docker("start", "--attach", container)  # runs `true`: exited
        containers.append(container)
        yield Repo(folder, other, vsc, vsc_uid, pinned, old_tag, other_vsc, pinned_ref, container)
    finally:
        for container in containers:
            docker_engine.docker("rm", "-f", container)
        for tag in made:
            if _exists(docker_engine, tag):
                docker_engine.docker("rmi", "-f", tag)
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def on_engine(docker_engine: DockerEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", docker_engine.host)


def _json(capsys: pytest.CaptureFixture[str], argv: list[str], code: int = 0) -> object:
    assert main(argv) == code, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_images_lists_the_repositorys_images_with_size_age_and_use(
    repo: Repo, on_engine: None, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _json(capsys, ["images", str(repo.folder), "-f", "json"])
    assert isinstance(data, dict)
    by_id = {image["id"]: image for image in data["images"]}
    assert set(by_id) == {repo.vsc, repo.vsc_uid, repo.pinned, repo.old_tag}
    assert repo.other_vsc not in by_id  # another folder's
    assert all(image["size"] > 0 and image["age_seconds"] >= 0 for image in by_id.values())
    vsc = by_id[repo.vsc]
    assert vsc["belongs"] == ["folder_build"] and vsc["devcontainer_metadata"]
    assert not vsc["in_use"] and vsc["size"] >= by_id[repo.pinned]["size"] + 1_000_000
    (container,) = by_id[repo.vsc_uid]["containers"]
    assert container["state"] == "exited" and container["local_folder"] == str(repo.folder)
    assert by_id[repo.vsc_uid]["belongs"] == ["folder_build", "folder_container"]
    (use,) = by_id[repo.pinned]["config_uses"]
    assert use["path"].endswith(".devcontainer/Dockerfile") and (use["line"], use["column"]) == (
        2,
        6,
    )
    assert use["reference"] == repo.pinned_ref
    assert by_id[repo.old_tag]["belongs"] == ["referenced"] and not by_id[repo.old_tag]["in_use"]
    # a folder without a config: its images are still found by name
    other = _json(capsys, ["images", str(repo.other), "-f", "json"])
    assert isinstance(other, dict)
    assert [image["id"] for image in other["images"]] == [repo.other_vsc]
    assert main(["images", str(repo.folder)]) == 0
    text = capsys.readouterr().out
    assert f"{repo.pinned_ref})" in text and "container " in text and "2 unused" in text


def test_prune_without_a_terminal_or_yes_refuses(
    repo: Repo, docker_engine: DockerEngine, on_engine: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["prune", str(repo.folder)]) == 2
    err = capsys.readouterr().err
    assert "--yes" in err and err.count("\n") == 1
    assert _exists(docker_engine, repo.vsc) and _exists(docker_engine, repo.old_tag)


def test_prune_on_a_terminal_asks_and_no_removes_nothing(
    repo: Repo,
    docker_engine: DockerEngine,
    on_engine: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from devcon.cli import images_cmd

    asked: list[str] = []

    def answer(text: str, **_: object) -> bool:
        asked.append(text)
        return False

    monkeypatch.setattr(images_cmd, "_stdin_is_tty", lambda: True)
    monkeypatch.setattr(images_cmd.typer, "confirm", answer)
    assert main(["prune", str(repo.folder)]) == 0
    out = capsys.readouterr().out
    assert asked == ["Remove 2 image(s)?"]
    assert "would remove" in out and out.rstrip().endswith("nothing removed")
    assert _exists(docker_engine, repo.vsc) and _exists(docker_engine, repo.old_tag)


def test_prune_dry_run_then_yes_removes_only_the_unused(
    repo: Repo, docker_engine: DockerEngine, on_engine: None, capsys: pytest.CaptureFixture[str]
) -> None:
    every = (repo.vsc, repo.vsc_uid, repo.pinned, repo.old_tag, repo.other_vsc)
    data = _json(capsys, ["prune", str(repo.folder), "--dry-run", "-f", "json"])
    assert isinstance(data, dict)
    assert {i["id"] for i in data["would_remove"]} == {repo.vsc, repo.old_tag}
    # the bytes only these images hold: dockerd's classic builder keeps the 1 MB layer in
    # the vsc image alone; podman's keeps it in the untagged step image below it too
    estimate = data["reclaimed"]
    assert data["removed"] == [] and estimate == sum(i["own_size"] for i in data["would_remove"])
    assert estimate > 0
    assert {i["id"] for i in data["kept"]} == {repo.vsc_uid, repo.pinned}
    assert all(_exists(docker_engine, image) for image in every)

    assert main(["prune", str(repo.folder), "--yes"]) == 0, capsys.readouterr().err
    text = capsys.readouterr().out
    assert "removed 2 images, reclaimed " in text
    reclaimed = int(text.split(" bytes)", 1)[0].rsplit("(", 1)[1].replace(",", ""))
    assert reclaimed >= estimate, text  # dockerd: its layers shrank by 1 MB and more
    assert f".devcontainer/Dockerfile:2:6 ({repo.pinned_ref})" in text  # why it is kept
    assert "(exited)" in text
    gone = {image for image in every if not _exists(docker_engine, image)}
    assert gone == {repo.vsc, repo.old_tag}
    assert _exists(docker_engine, repo.other_vsc)  # another folder's: untouched

    data = _json(capsys, ["prune", str(repo.folder), "--yes", "-f", "json"])
    assert isinstance(data, dict) and data["removed"] == [] and data["reclaimed"] == 0


def test_engine_not_reachable_is_exit_3_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    (tmp_path / ".devcontainer.json").write_text('{"image": "python:3.12"}')
    assert main(["images", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Docker Engine" in err
    assert main(["prune", str(tmp_path), "--yes"]) == 3
    assert capsys.readouterr().err.count("\n") == 1
    assert os.environ["DOCKER_HOST"].endswith("no-engine.sock")
