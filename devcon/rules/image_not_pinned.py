"""image-not-pinned: an image reference without an `@sha256:` digest."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from devcon.images import ImageUse
from devcon.rules._image_text import describe, image_checks, label
from devcon.rules.base import (
    Category,
    Problem,
    Rule,
    RuleDoc,
)


def _problems(uses: Iterable[ImageUse]) -> Iterator[Problem]:
    for use in uses:
        ref = use.reference
        if ref is None or (ref.digest or "").startswith("sha256:"):
            continue  # skipped (variables with no value, invalid), or pinned
        yield Problem(
            use.line,
            use.column,
            f"{label(use)} {describe(use)} is not pinned to a digest; "
            "run `devcon pin` to add its `@sha256:` digest",
        )


CHECKS = image_checks(lambda uses, _options: _problems(uses))


RULE = Rule(
    name="image-not-pinned",
    category=Category.REPRODUCIBILITY,
    summary="image reference without an @sha256 digest",
    config=CHECKS.config,
    dockerfile=CHECKS.dockerfile,
    compose=CHECKS.compose,
    doc=RuleDoc(
        what=(
            "Reports image references without an `@sha256:` digest: devcontainer.json `image`, "
            "Dockerfile `FROM`, `COPY --from=<image>` and `RUN --mount=from=<image>`, and "
            "compose `image:`. ARG defaults and `build.args` are applied first, so "
            "`FROM python:${VARIANT}` with `ARG VARIANT=3.12` is checked as `python:3.12`. "
            "Not reported: stage aliases and stage numbers (`FROM builder`, `COPY --from=0`), "
            "`scratch`, and references built from variables devcon cannot resolve "
            "(`${templateOption:imageVariant}`, an `ARG BASE` without a default, compose "
            "`${IMAGE}`)."
        ),
        why=(
            "A tag is a pointer the publisher can move: the same definition builds a different "
            "container tomorrow, and a compromised tag is pulled without notice. A digest names "
            "exactly one image, so builds are reproducible and reviewable."
        ),
        example="FROM python:3.12-slim\nCOPY --from=ghcr.io/astral-sh/uv:0.4 /uv /bin/uv",
        fix=(
            "Run `devcon pin` to append the current digest to every reference "
            "(`python:3.12-slim@sha256:...`); keep the tag for readability and let "
            "`devcon outdated` tell you when it moved."
        ),
    ),
)
