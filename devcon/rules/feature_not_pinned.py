"""feature-not-pinned: a Feature referenced without a version, or by `latest`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

from devcon.features import feature_reference, lockfile_path
from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc

_PIN = "pin a major version (`:1`) or, best, a digest (`@sha256:...`, or `devcon pin --features`)"


def _locked_ids(config: Path) -> frozenset[str]:
    """The Feature ids devcontainer-lock.json beside the config records."""
    path = lockfile_path(config)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    features = data.get("features") if isinstance(data, dict) else None
    return frozenset(features) if isinstance(features, dict) else frozenset()


def problem_with(feature_id: str) -> str | None:
    """Why a Feature id is not pinned, or None."""
    if "${" in feature_id:
        return None
    if feature_id.startswith(("http://", "https://")):
        segments = urlparse(feature_id).path.split("/")
        if "latest" in segments:
            return (
                f"Feature `{feature_id}` downloads the latest release's tarball, which changes "
                "with every release; name a release's URL"
            )
        return None
    ref = feature_reference(feature_id)
    if ref is None or ref.digest:
        return None  # a local Feature, a legacy short id, or pinned by digest
    if ref.tag is None:
        return (
            f"Feature `{feature_id}` has no version, so it resolves to `latest`: a rebuild can "
            f"install a new major version; {_PIN}"
        )
    if ref.tag == "latest":
        return (
            f"Feature `{feature_id}` follows `latest`: a rebuild can install a new major "
            f"version; {_PIN}"
        )
    return None


def check(ctx: ConfigContext) -> Iterator[Problem]:
    value = ctx.value
    features = value.get("features") if isinstance(value, dict) else None
    if not isinstance(features, dict):
        return
    locked: frozenset[str] | None = None
    for feature_id in features:
        message = problem_with(str(feature_id))
        if message is None:
            continue
        if locked is None:
            locked = _locked_ids(ctx.path)
        if feature_id not in locked:
            yield ctx.report_merged(("features", feature_id), message, key=True)


_DOC = RuleDoc(
    what=(
        "Reports a `features` key that names an OCI Feature without a version "
        "(`ghcr.io/devcontainers/features/python`, which resolves to the `latest` tag) or "
        "with `:latest`, and a tarball URL that follows the latest release "
        "(`.../releases/latest/download/...`). Not reported: a version tag, even a major "
        "one such as `:1` (Features follow semantic versioning, so `:1` gets fixes but no "
        "breaking change; a digest is still the only exact pin), a digest "
        "(`@sha256:...`), a Feature recorded in devcontainer-lock.json beside the config "
        "(the lock file pins it), a local Feature (`./my-feature`, versioned with the "
        "repository), other tarball URLs (their content is not verified unless locked) "
        "and legacy short ids such as `docker-in-docker`, which the tools map to a major "
        "version."
    ),
    why=(
        "A Feature without a version follows `latest`, so a rebuild months later can "
        "install a new major version of the Feature, with other defaults, options or "
        "install steps, and break the container without any change in the repository."
    ),
    example=(
        '{\n  "image": "mcr.microsoft.com/devcontainers/base:bookworm",\n'
        '  "features": {\n    "ghcr.io/devcontainers/features/python": {}\n  }\n}'
    ),
    fix=(
        'Name a major version, `"ghcr.io/devcontainers/features/python:1": {}`, or for '
        "exact rebuilds a digest, `...python@sha256:<digest>`, or keep the tag and record "
        "the digest in devcontainer-lock.json with `devcon pin --features`."
    ),
)

RULE = Rule(
    "feature-not-pinned",
    Category.REPRODUCIBILITY,
    "a Feature is referenced without a version or by `latest`",
    _DOC,
    config=check,
)
