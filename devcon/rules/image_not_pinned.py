"""image-not-pinned: an image reference without an `@sha256:` digest."""

from __future__ import annotations

from devcon.images import ImageUse, UseSite, variable_advice
from devcon.rules._image_rule import image_rule
from devcon.rules.base import Category, RuleDoc, RuleOptions


def _verdict(use: ImageUse, _options: RuleOptions) -> str | None:
    if use.variable_inside and use.origin is not UseSite.CONFIG_IMAGE:
        # pinned or not, `devcon pin` will not (and a digest must not) freeze it
        return f"cannot be pinned: {variable_advice(use)}"
    ref = use.reference
    if ref is None or (ref.digest or "").startswith("sha256:"):
        return None  # skipped (variables with no value, invalid), or pinned
    where = "its `@sha256:` digest"
    if use.default is not None and use.default.written == ref.original:
        where = f"the digest to the `ARG {use.variable}` default (line {use.default.line})"
    elif use.variable is not None:
        where = f"the digest where `{use.variable}` is set (`build.args`)"
    return "is not pinned to a digest; run `devcon pin` to add " + where


_DOC = RuleDoc(
    what=(
        "Reports image references without an `@sha256:` digest: devcontainer.json `image`, "
        "Dockerfile `FROM`, `COPY --from=<image>` and `RUN --mount=from=<image>`, and "
        "compose `image:`. ARG defaults and `build.args` are applied first, so "
        "`FROM ${BASE}` with `ARG BASE=python:3.12` is checked as `python:3.12`. A "
        "reference with a variable inside (`FROM python:${VARIANT}`, compose "
        "`image: redis:${TAG}`) is always reported, pinned or not: a digest after a "
        "variable freezes it, so `devcon pin` leaves it alone. Not reported: stage aliases "
        "and stage numbers (`FROM builder`, `COPY --from=0`), `scratch`, and references "
        "that are one variable devcon cannot resolve (an `ARG BASE` without a default, "
        "compose `${IMAGE}`) or a template option (`${templateOption:imageVariant}`)."
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
        "`devcon outdated` tell you when it moved. For a reference with a variable inside, "
        "put the whole reference in an ARG default instead (`ARG BASE=python:3.12-slim` + "
        "`FROM ${BASE}`): `devcon pin` pins it in the ARG line, and `--build-arg "
        "BASE=...` still chooses another image."
    ),
)

RULE = image_rule(
    "image-not-pinned",
    Category.REPRODUCIBILITY,
    "image reference without an @sha256 digest",
    _DOC,
    verdict=_verdict,
)
