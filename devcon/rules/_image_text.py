"""How the image rules (image-not-pinned, image-latest, untrusted-registry) name an image."""

from __future__ import annotations

from devcon.images import ImageUse


def label(use: ImageUse) -> str:
    """What names the image: `FROM image`, `COPY --from image`, `compose image`, ..."""
    origin = use.origin.value
    return origin if origin.endswith("image") else f"{origin} image"


def describe(use: ImageUse) -> str:
    """The reference as written, and what it resolves to when ARGs changed it."""
    resolved = use.resolved_text
    if resolved is None or resolved == use.written:
        return f"`{use.written}`"
    return f"`{use.written}` (= `{resolved}`)"
