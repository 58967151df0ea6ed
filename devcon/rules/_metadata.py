"""What the Feature and Template metadata rules share: which kind of file is being read."""

from __future__ import annotations

from devcon.rules.base import ConfigContext


def metadata_kind(ctx: ConfigContext) -> str:
    """ "Feature" for devcontainer-feature.json, "Template" for devcontainer-template.json."""
    return "Feature" if ctx.is_feature else "Template"
