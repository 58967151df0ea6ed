"""`devcon parity` on images whose history has empty-layer entries (issue 11), against the real
engine and registry.

A Dockerfile's WORKDIR, ENV, LABEL, ARG and a RUN that changes nothing leave history entries
that made no layer (`empty_layer: true` in the image config), while a WORKDIR that creates its
folder does make one. The engine's history API carries no such flag, so the same image read
from the engine and from the registry must still pair each layer with the same history entry.

Images, built FROM the harness base (1 layer) with the classic builder and pushed to REG:
- base2: base + WORKDIR /srv (a layer: the folder is new) + ENV: 2 layers;
- app:   base2 + ARG, RUN true (no layer), COPY, LABEL, WORKDIR /srv (no layer: the folder
  exists), ENV MODE=dev, RUN echo app: 4 layers;
- app2:  app's steps up to its WORKDIR, then ENV MODE=prod (an empty-layer step) and
  RUN echo prod: 4 layers, the first 3 shared with app;
- pulled: app's steps with another last RUN, pushed, removed from the engine and pulled back,
  so the engine knows no intermediate image of it (history ids `<missing>`).

On podman (its builder, buildah) a WORKDIR makes no layer and every RUN makes one, even a RUN
that changes nothing: base2 has 1 layer and app's are base, RUN true, COPY, RUN echo app (4,
the first 3 shared with app2 as on dockerd); an imported layer's history reads `ADD file:...`,
and podman's history names, for each entry, an image with the layers up to it even for a
pulled image, so every empty-layer flag of `pulled` is proven there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from devcon.cli.app import main
from devcon.engine import Engine
from devcon.imagefacts import ImageFacts, Source, facts_from_config
from tests.harness import BaseImage, DockerEngine, Registry
from tests.harness.oci import get_manifest
from tests.harness.podman import is_podman

pytestmark = [pytest.mark.engine, pytest.mark.registry]


STEPS = (
    "FROM {base2}\nARG VERSION=1\nRUN true\nCOPY a.txt /srv/a.txt\nLABEL stage=app\nWORKDIR /srv\n"
)
APP_RUN = "|1 VERSION=1 /bin/sh -c echo app > /srv/app"
PROD_RUN = "|1 VERSION=1 /bin/sh -c echo prod > /srv/prod"
WORKDIR = "/bin/sh -c #(nop) WORKDIR /srv"
RUN_TRUE = "|1 VERSION=1 /bin/sh -c true"


@dataclass(frozen=True)
class Built:
    base2: str  # registry references
    app: str
    app2: str
    pulled: str
    local_base2: str  # engine names
    local_app: str
    local_app2: str
    podman: bool  # built by podman's builder (see the module doc)

    @property
    def base2_phrase(self) -> str:
        return "the 1 layer" if self.podman else "the 2 layers"


@pytest.fixture(scope="module")
def built(
    docker_engine: DockerEngine, registry: Registry, base_image: BaseImage
) -> Iterator[Built]:
    files = {"a.txt": "a\n"}
    names = {n: f"devcon-test/el-{n}:1" for n in ("base2", "app", "app2", "pulled")}
    docker_engine.build(f"FROM {base_image.tag}\nWORKDIR /srv\nENV B=1\n", names["base2"])
    steps = STEPS.replace("{base2}", names["base2"])
    docker_engine.build(
        steps + "ENV MODE=dev\nRUN echo app > /srv/app\n", names["app"], files=files
    )
    docker_engine.build(
        steps + "ENV MODE=prod\nRUN echo prod > /srv/prod\n", names["app2"], files=files
    )
    docker_engine.build(
        steps + "ENV MODE=pulled\nRUN echo pulled > /srv/pulled\n", names["pulled"], files=files
    )
    refs = {n: registry.ref(tag) for n, tag in names.items()}
    for n, tag in names.items():
        docker_engine.push(tag, refs[n])
    # the engine forgets the pulled image (and its intermediates), then pulls it back
    docker_engine.docker("rmi", names["pulled"], refs["pulled"])
    docker_engine.docker("pull", refs["pulled"])
    yield Built(
        base2=refs["base2"],
        app=refs["app"],
        app2=refs["app2"],
        pulled=refs["pulled"],
        local_base2=f"docker:{names['base2']}",
        local_app=f"docker:{names['app']}",
        local_app2=f"docker:{names['app2']}",
        podman=is_podman(docker_engine),
    )


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def engine_host(docker_engine: DockerEngine, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DOCKER_HOST", docker_engine.host)
    return docker_engine.host


def _text(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["parity", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out


def _platform(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code, out = _text(capsys, *args, "--format", "json")
    platforms = json.loads(out)["platforms"]
    assert len(platforms) == 1, platforms
    platform: dict[str, Any] = platforms[0]
    return code, platform


def _identical(capsys: pytest.CaptureFixture[str], dev: str, prod: str) -> None:
    """The same image on both sides: every layer shared, nothing diverges."""
    code, text = _text(capsys, dev, prod)
    assert code == 0, text
    assert "same-base (inferred: 4 shared layers; not proven)" in text
    assert "  shared layers: 4\n" in text
    assert "first diverging layer" not in text
    assert "the same image: all 4 layers and their history" in text
    code, platform = _platform(capsys, dev, prod)
    assert code == 0
    assert platform["shared_layers"] == 4 and platform["divergence"] is None
    assert platform["dev"]["layers"] == platform["prod"]["layers"] == 4


def test_the_same_image_from_engine_and_registry_is_identical(
    built: Built, capsys: pytest.CaptureFixture[str], engine_host: str
) -> None:
    _identical(capsys, built.local_app, built.app)  # engine vs registry
    _identical(capsys, built.app, built.local_app)  # registry vs engine
    _identical(capsys, built.app, built.app)  # registry vs registry
    _identical(capsys, built.local_app, built.local_app)  # engine vs engine
    # an image pulled into the engine (no intermediate images): still the same image
    _identical(capsys, f"docker:{built.pulled}", built.pulled)


@pytest.mark.parametrize("dev_on", ["engine", "registry"])
@pytest.mark.parametrize("prod_on", ["engine", "registry"])
def test_shared_layers_the_divergence_and_the_verdict_agree(
    built: Built,
    capsys: pytest.CaptureFixture[str],
    engine_host: str,
    dev_on: str,
    prod_on: str,
) -> None:
    dev = built.local_app if dev_on == "engine" else built.app
    prod = built.local_app2 if prod_on == "engine" else built.app2
    for base in (None, built.base2, built.local_base2):
        extra = ("--base", base) if base is not None else ()
        code, text = _text(capsys, dev, prod, *extra)
        assert code == 0, text
        assert "  shared layers: 3\n" in text
        assert "  first diverging layer: #4\n" in text
        assert f"    dev:  {APP_RUN}\n" in text
        assert f"    prod: {PROD_RUN}\n" in text
        if base is None:
            assert "same-base (inferred: 3 shared layers; not proven)" in text
            assert "share their first 3 layers" in text
        else:
            assert "same-base (verified)" in text
            assert f"both start with {built.base2_phrase} of {base} and its history" in text
        code, platform = _platform(capsys, dev, prod, *extra)
        assert code == 0 and platform["verdict"] == "same-base"
        assert platform["shared_layers"] == 3
        divergence = platform["divergence"]
        assert divergence["layer"] == 4
        assert (divergence["dev_created_by"], divergence["prod_created_by"]) == (
            APP_RUN,
            PROD_RUN,
        )
        assert divergence["dev_created"] and divergence["prod_created"]


def test_a_pulled_engine_image_pairs_what_its_history_proves(
    built: Built, capsys: pytest.CaptureFixture[str], engine_host: str
) -> None:
    # without intermediate images the engine cannot tell which size-0 entries made a layer
    # (WORKDIR /srv made one, RUN true and the second WORKDIR did not): the layers it can
    # pair are still paired right, and the rest are never paired with the wrong entry
    pulled = f"docker:{built.pulled}"
    for prod in (built.app2, built.local_app2):
        code, platform = _platform(capsys, pulled, prod, "--base", built.base2)
        assert code == 0 and platform["verdict"] == "same-base"
        assert platform["shared_layers"] == 3
        divergence = platform["divergence"]
        assert divergence["layer"] == 4
        assert divergence["dev_created_by"] == "|1 VERSION=1 /bin/sh -c echo pulled > /srv/pulled"
        assert divergence["prod_created_by"] == PROD_RUN


def test_an_image_that_is_not_built_on_the_base_still_agrees(
    built: Built,
    capsys: pytest.CaptureFixture[str],
    engine_host: str,
    base_image: BaseImage,
) -> None:
    # base2's WORKDIR layer (dockerd) or RUN true's (podman) is layer #2 of app: against the
    # harness base alone (1 layer) both are verified, and the explanation still names layer #4
    code, text = _text(capsys, built.local_app, built.app2, "--base", base_image.ref)
    assert code == 0, text
    assert "  shared layers: 3\n" in text and "  first diverging layer: #4\n" in text
    assert f"both start with the 1 layer of {base_image.ref} and its history" in text
    # app against base2 as dev: base2 is a prefix of app; app's next layer (#3: COPY; on
    # podman #2: RUN true) is where they part, and the registry and engine copies of base2 say
    # the same (on podman base2 is its base's one layer: a base, not a flattened image)
    shared = 1 if built.podman else 2
    for base2 in (built.base2, built.local_base2):
        code, platform = _platform(capsys, base2, built.local_app)
        assert code == 0 and platform["verdict"] == "same-base", platform
        assert platform["shared_layers"] == shared, platform
        divergence = platform["divergence"]
        assert divergence["layer"] == shared + 1
        assert divergence["dev_created_by"] is None
        if built.podman:
            assert divergence["prod_created_by"] == RUN_TRUE
        else:
            assert divergence["prod_created_by"].startswith("/bin/sh -c #(nop) COPY file:")


def _config_facts(registry: Registry, reference: str) -> ImageFacts:
    """The registry's image config of `reference`, read over the registry API."""
    repository, tag = reference.removeprefix(f"{registry.addr}/").rsplit(":", 1)
    _, _, body = get_manifest(registry.url, repository, tag)
    digest = json.loads(body)["config"]["digest"]
    response = requests.get(f"{registry.url}/v2/{repository}/blobs/{digest}", timeout=10)
    response.raise_for_status()
    return facts_from_config(reference, Source.REGISTRY, response.json(), None)


def test_engine_facts_pair_layers_as_the_image_config_does(
    built: Built, registry: Registry, docker_engine: DockerEngine, engine_host: str
) -> None:
    engine = Engine()
    try:
        for local, reference in (
            (built.local_app, built.app),
            (built.local_app2, built.app2),
            (built.local_base2, built.base2),
        ):
            config = _config_facts(registry, reference)
            facts = engine.facts(local.removeprefix("docker:"))
            # a local build: its intermediate images prove every entry's empty-layer flag
            assert [h.empty_layer for h in facts.history] == [h.empty_layer for h in config.history]
            assert [h and h.created_by for h in facts.layer_history()] == [
                h and h.created_by for h in config.layer_history()
            ]
        config = _config_facts(registry, built.app)
        assert [h and h.created_by for h in config.layer_history()][1:] == [
            RUN_TRUE if built.podman else WORKDIR,
            config.history[5].created_by,  # the COPY
            APP_RUN,
        ]
        pulled = engine.facts(built.pulled)
        paired = pulled.layer_history()
        if built.podman:
            # podman's history names app's intermediate images (the same layers): all proven
            assert [h.empty_layer for h in pulled.history] == [
                *(False, True, True, True),  # the imported root, WORKDIR, ENV, ARG
                *(False, False, True, True, True),  # RUN true, COPY, LABEL, WORKDIR, ENV
                False,  # RUN echo pulled
            ]
            assert [h and h.created_by for h in paired][1:3] == [
                RUN_TRUE,
                config.history[5].created_by,
            ]
            assert paired[0] is not None and paired[0].comment == "imported from tarball"
            assert paired[0].created_by.startswith("/bin/sh -c #(nop) ADD file:")
            assert paired[3] is not None and paired[3].created_by.endswith("> /srv/pulled")
            return
        # pulled: no intermediate images; what the sizes and commands leave open stays open
        assert [h.empty_layer for h in pulled.history] == [
            False,  # the imported root
            None,  # WORKDIR /srv: size 0 (a new folder)
            True,  # ENV B=1
            True,  # ARG
            None,  # RUN true: size 0
            False,  # COPY
            True,  # LABEL
            None,  # WORKDIR /srv again: size 0
            True,  # ENV MODE
            False,  # RUN echo pulled
        ]
        assert paired[0] is not None and paired[0].comment == "Imported from -"
        assert paired[1] is None and paired[2] is None
        assert paired[3] is not None and paired[3].created_by.endswith("echo pulled > /srv/pulled")
    finally:
        engine.close()
