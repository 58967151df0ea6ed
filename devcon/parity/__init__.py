"""`devcon parity DEV PROD`: do the dev and production images share one base digest?

Each side is an image in a registry, an image in the local engine (`docker:NAME`), a
Dockerfile stage (`Dockerfile#target`, read statically) or a devcontainer.json. Images are
compared platform by platform from their configs alone (never a layer download):

- a base is *verified* when its `rootfs.diff_ids` are a prefix of an image's and its history
  entries (`created_by`) are the image's first entries; a Dockerfile stage is checked through the
  image its FROM chain starts from (its own layers are not built);
- the base to verify against is `--base`, else a Dockerfile side's FROM, else the
  `org.opencontainers.image.base.*` annotations; two different declared bases are a different
  base (*declared*);
- with no base at all the verdict rests on the longest shared prefix (same diff id and, where the
  history lines up, the same `created_by`) and is marked *inferred*.

Index digests and platform manifest digests are never compared with each other: both sides are
resolved to the same platform first. A platform whose image config is missing is `unknown`.

Modules: `sides` (what each side is), `gather` (its images and their facts), `layers` (layer
and history comparisons), `compare` (the verdict for one platform), `explain` (its words),
`results` (the request and the result), `check` (`parity()`, all of it in order).
"""

from devcon.parity.check import parity
from devcon.parity.compare import compare
from devcon.parity.explain import contains_base
from devcon.parity.gather import Party, PlatformImage, pair_platforms, pick
from devcon.parity.layers import history_mismatch, shared_layers
from devcon.parity.results import (
    BaseInfo,
    Basis,
    Divergence,
    ParityRequest,
    ParityResult,
    PlatformResult,
    SideInfo,
    Verdict,
)
from devcon.parity.sides import Side, StaticSide, parse_side

__all__ = [
    "BaseInfo",
    "Basis",
    "Divergence",
    "ParityRequest",
    "ParityResult",
    "Party",
    "PlatformImage",
    "PlatformResult",
    "Side",
    "SideInfo",
    "StaticSide",
    "Verdict",
    "compare",
    "contains_base",
    "history_mismatch",
    "pair_platforms",
    "parity",
    "parse_side",
    "pick",
    "shared_layers",
]
