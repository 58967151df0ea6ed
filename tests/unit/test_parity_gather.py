"""parity() end to end on a fake registry: platforms, indexes, missing configs, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import pytest

from devcon.cli.flags import flag_words
from devcon.errors import UsageError
from devcon.parity import Basis, ParityRequest, Verdict, parity
from devcon.reference import Reference
from devcon.registry.client import Manifest, RegistryClient, sha256_digest
from devcon.registry.errors import NotFound, RegistryUnavailable
from devcon.services import Services

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
ROOT1, ROOT2 = "sha256:" + "1" * 64, "sha256:" + "2" * 64
TOOLS, APP = "sha256:" + "3" * 64, "sha256:" + "4" * 64
REG = "reg.example"


class FakeRegistry:
    """Manifests by `repository:tag` and by digest; configs by digest; what was asked."""

    def __init__(self) -> None:
        self.manifests: dict[str, Manifest] = {}
        self.configs: dict[str, dict[str, Any]] = {}
        self.blobs_asked: list[str] = []
        self.down = False

    def put(self, repository: str, tag: str | None, body: dict[str, Any], media_type: str) -> str:
        raw = json.dumps(body).encode()
        manifest = Manifest(sha256_digest(raw), media_type, raw)
        self.manifests[manifest.digest] = manifest
        if tag is not None:
            self.manifests[f"{repository}:{tag}"] = manifest
        return manifest.digest

    def image(
        self,
        repository: str,
        tag: str | None,
        layers: list[tuple[str, str]],
        arch: str = "amd64",
        annotations: dict[str, str] | None = None,
        with_config: bool = True,
    ) -> str:
        config = {
            "os": "linux",
            "architecture": arch,
            "created": "2024-05-01T10:00:00Z",
            "rootfs": {"type": "layers", "diff_ids": [d for d, _ in layers]},
            "history": [{"created_by": c, "created": "2024-05-01T10:00:00Z"} for _, c in layers],
        }
        config_digest = sha256_digest(json.dumps(config).encode())
        if with_config:
            self.configs[config_digest] = config
        body: dict[str, Any] = {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"digest": config_digest, "size": 1},
            "layers": [{"digest": "sha256:" + "f" * 63 + str(i)} for i in range(len(layers))],
        }
        if annotations:
            body["annotations"] = annotations
        return self.put(repository, tag, body, OCI_MANIFEST)

    def index(
        self,
        repository: str,
        tag: str,
        entries: list[tuple[str, str]],
        annotations: dict[str, str] | None = None,
    ) -> str:
        manifests = []
        for platform, digest in entries:
            os_, arch = platform.split("/")
            entry: dict[str, Any] = {
                "mediaType": OCI_MANIFEST,
                "digest": digest,
                "size": 1,
                "platform": {"os": os_, "architecture": arch},
            }
            if annotations:
                entry["annotations"] = annotations
            manifests.append(entry)
        body = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}
        return self.put(repository, tag, body, OCI_INDEX)

    # -- the RegistryClient methods parity uses ----------------------------------------
    def manifest(self, ref: Reference, digest_or_tag: str) -> Manifest:
        if self.down:
            raise RegistryUnavailable(f"{ref.registry}: unreachable after 4 attempts")
        key = digest_or_tag if digest_or_tag.startswith("sha256:") else None
        found = self.manifests.get(key or f"{ref.repository}:{digest_or_tag}")
        if found is None:
            raise NotFound(f"{ref.original}: not found on {ref.registry} (manifests)")
        return found

    def config(self, ref: Reference, manifest: Manifest) -> dict[str, Any]:
        digest = manifest.data["config"]["digest"]
        self.blobs_asked.append(digest)
        if digest not in self.configs:
            raise NotFound(f"{ref.original}: not found on {ref.registry} (blobs)")
        return self.configs[digest]


@pytest.fixture
def fake() -> FakeRegistry:
    registry = FakeRegistry()
    registry.image("b1", "1", [(ROOT1, "")])
    registry.image("b2", "1", [(ROOT2, "")])
    registry.image("dev", "1", [(ROOT1, ""), (TOOLS, "RUN tooling")])
    registry.image("prod", "1", [(ROOT1, ""), (APP, "RUN app")])
    registry.image("other", "1", [(ROOT2, ""), (APP, "RUN app")])
    return registry


def run(fake: FakeRegistry, dev: str, prod: str, **options: Any) -> Any:
    services = Services(registry=lambda: cast(RegistryClient, fake))
    return parity(ParityRequest(dev=dev, prod=prod, **options), services)


def test_a_missing_config_is_unknown_per_platform(fake: FakeRegistry) -> None:
    fake.image("gone", "1", [(ROOT1, ""), (APP, "RUN gone")], with_config=False)
    result = run(fake, f"{REG}/gone:1", f"{REG}/prod:1")
    assert result.verdict is Verdict.UNKNOWN
    (platform,) = result.platforms
    assert platform.platform == "linux/amd64"  # the other side says which platform
    assert "its image config sha256:" in platform.reasons[0] and "missing" in platform.reasons[0]
    # an index whose arm64 config is gone: amd64 is still decided
    amd = fake.image("multi", None, [(ROOT1, ""), (TOOLS, "RUN tooling")])
    arm = fake.image("multi", None, [(ROOT1, ""), (TOOLS, "RUN x")], "arm64", with_config=False)
    fake.index("multi", "1", [("linux/amd64", amd), ("linux/arm64", arm)])
    prod_amd = fake.image("pmulti", None, [(ROOT1, ""), (APP, "RUN app")])
    prod_arm = fake.image("pmulti", None, [(ROOT1, ""), (APP, "RUN app")], "arm64")
    fake.index("pmulti", "1", [("linux/amd64", prod_amd), ("linux/arm64", prod_arm)])
    result = run(fake, f"{REG}/multi:1", f"{REG}/pmulti:1", base=f"{REG}/b1:1")
    verdicts = {p.platform: p.verdict for p in result.platforms}
    # b1 is single-platform amd64: arm64 has no base image to verify against
    assert verdicts == {"linux/amd64": Verdict.SAME, "linux/arm64": Verdict.UNKNOWN}


def test_an_index_entry_whose_manifest_is_gone_is_unknown(fake: FakeRegistry) -> None:
    amd = fake.image("multi", None, [(ROOT1, ""), (TOOLS, "RUN tooling")])
    fake.index("multi", "1", [("linux/amd64", amd), ("linux/arm64", "sha256:" + "0" * 64)])
    fake.index("pmulti", "1", [("linux/amd64", fake.manifests["prod:1"].digest)])
    fake.index(
        "pmulti",
        "2",
        [("linux/amd64", fake.manifests["prod:1"].digest), ("linux/arm64", amd)],
    )
    result = run(fake, f"{REG}/multi:1", f"{REG}/pmulti:2")
    verdicts = {p.platform: p.verdict for p in result.platforms}
    assert verdicts["linux/amd64"] is Verdict.SAME
    assert verdicts["linux/arm64"] is Verdict.UNKNOWN


def test_an_unreachable_registry_is_an_environment_error(fake: FakeRegistry) -> None:
    fake.down = True
    with pytest.raises(RegistryUnavailable):
        run(fake, f"{REG}/dev:1", f"{REG}/prod:1")


def test_no_platform_in_common_is_unknown(fake: FakeRegistry) -> None:
    result = run(fake, f"{REG}/dev:1", f"{REG}/prod:1", platform="linux/s390x")
    assert result.verdict is Verdict.UNKNOWN
    assert "no platform in common" in result.platforms[0].reasons[0]


def _dockerfile(tmp_path: Path, fake: FakeRegistry) -> Path:
    amd = fake.manifests["b1:1"].digest
    arm = fake.image("b1", None, [(ROOT2, "")], "arm64")
    index = fake.index("b1", "multi", [("linux/amd64", amd), ("linux/arm64", arm)])
    path = tmp_path / "Dockerfile"
    path.write_text(
        f"FROM {REG}/b1@{index} AS by-index\n"
        f"FROM {REG}/b1@{amd} AS by-platform\n"
        f"FROM {REG}/b1:1 AS base\nRUN echo\n"
        "FROM base AS dev\nFROM base AS prod\n"
        f"FROM {REG}/other:1 AS on-other\n"
        f"FROM {REG}/b2:1 AS on-b2\n"
        "FROM scratch AS empty\n"
    )
    return path


def test_an_index_digest_and_its_platform_digest_are_one_base(
    fake: FakeRegistry, tmp_path: Path
) -> None:
    path = _dockerfile(tmp_path, fake)
    result = run(fake, f"{path}#by-index", f"{path}#by-platform")
    assert result.verdict is Verdict.SAME
    (platform,) = result.platforms
    assert (platform.platform, platform.basis) == ("linux/amd64", Basis.DECLARED)
    result = run(fake, f"{path}#by-index", f"{path}#on-b2")
    assert result.verdict is Verdict.DIFFERENT


def test_stages_against_a_given_base(fake: FakeRegistry, tmp_path: Path) -> None:
    path = _dockerfile(tmp_path, fake)
    base = f"{REG}/b1:1"
    assert run(fake, f"{path}#dev", f"{path}#prod", base=base).verdict is Verdict.SAME
    result = run(fake, f"{path}#dev", f"{path}#on-other", base=base)
    assert result.verdict is Verdict.DIFFERENT
    assert result.platforms[0].basis is Basis.VERIFIED
    result = run(fake, f"{path}#on-other", f"{REG}/prod:1", base=base)
    assert result.verdict is Verdict.DIFFERENT
    assert f"{path}#on-other builds FROM {REG}/other:1" in result.platforms[0].reasons[0]
    result = run(fake, f"{path}#empty", f"{REG}/prod:1", base=base)
    assert result.verdict is Verdict.UNKNOWN
    assert "FROM scratch" in result.platforms[0].reasons[0]


def test_the_same_stage_needs_no_registry(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(f"FROM {REG}/b1:1 AS base\nFROM base AS dev\nFROM base AS prod\n")
    broken = FakeRegistry()
    broken.down = True
    result = run(broken, f"{path}#dev", f"{path}#prod")
    assert result.verdict is Verdict.SAME and result.platforms[0].advice is not None
    assert "devcon pin" in result.platforms[0].advice


def test_annotations_on_an_index_descriptor_declare_the_base(fake: FakeRegistry) -> None:
    b1 = fake.manifests["b1:1"].digest
    prod = fake.manifests["prod:1"].digest
    declares = {
        "org.opencontainers.image.base.name": f"{REG}/b1:1",
        "org.opencontainers.image.base.digest": b1,
    }
    fake.index("annotated", "1", [("linux/amd64", prod)], annotations=declares)
    result = run(fake, f"{REG}/dev:1", f"{REG}/annotated:1")
    assert result.verdict is Verdict.SAME and not result.inferred
    (platform,) = result.platforms
    assert platform.basis is Basis.VERIFIED
    assert platform.base is not None and platform.base.label == f"{REG}/b1:1@{b1}"
    # a declared base that is not there: unknown, saying so
    fake.index(
        "ghost",
        "1",
        [("linux/amd64", prod)],
        annotations={
            "org.opencontainers.image.base.name": f"{REG}/nowhere:1",
        },
    )
    result = run(fake, f"{REG}/dev:1", f"{REG}/ghost:1")
    assert result.verdict is Verdict.UNKNOWN
    assert "declares the base" in result.platforms[0].reasons[0]


def test_only_configs_are_fetched(fake: FakeRegistry) -> None:
    run(fake, f"{REG}/dev:1", f"{REG}/prod:1", base=f"{REG}/b1:1")
    assert len(fake.blobs_asked) == 3  # one config per image, no layer


def test_base_must_be_an_image(fake: FakeRegistry, tmp_path: Path) -> None:
    path = _dockerfile(tmp_path, fake)
    with pytest.raises(UsageError, match="--base must be an image"), flag_words():
        run(fake, f"{REG}/dev:1", f"{REG}/prod:1", base=f"{path}#dev")
