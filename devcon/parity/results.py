"""What `devcon parity` is asked and what it answers: the request, the verdict per platform,
and the sides and bases as the explanation shows them."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from devcon.hints import Text
from devcon.imagefacts import Source


class Verdict(enum.Enum):
    SAME = "same-base"
    DIFFERENT = "different-base"
    UNKNOWN = "unknown"


class Basis(enum.Enum):
    VERIFIED = "verified"  # checked against the base image's layers and history
    DECLARED = "declared"  # what the sides declare (Dockerfile FROM, annotation) decides it
    INFERRED = "inferred"  # the longest shared layer prefix; no base to prove it


@dataclass(frozen=True)
class BaseInfo:
    """A base image on one platform: the one a side uses, or the one the request gives."""

    label: str  # the reference as written
    digest: str | None  # platform manifest digest (registry) or image id (engine)
    created: str | None = None
    layers: int = 0
    # how devcon knows it: given (a hint), "FROM (stage 'base')", "annotation"
    origin: Text = ""
    pin: str | None = None  # what to write in FROM: the reference with the tag's own digest


@dataclass(frozen=True)
class SideInfo:
    """One side on one platform, as the explanation shows it."""

    label: str  # the input as given
    source: Source
    digest: str | None  # platform manifest digest or image id; None for a Dockerfile stage
    layers: int | None  # None for a Dockerfile stage (its own layers are not built)
    created: str | None
    base: BaseInfo | None  # the base this side uses, when devcon knows it
    dockerfile: str | None = None  # a Dockerfile stage: the file and the stage
    stage: str | None = None


@dataclass(frozen=True)
class Divergence:
    index: int  # 0-based layer index
    dev_created_by: str | None  # None: no such layer (or its history is not known)
    prod_created_by: str | None
    dev_created: str | None = None  # when the history entry says that layer was made
    prod_created: str | None = None


@dataclass(frozen=True)
class PlatformResult:
    platform: str
    verdict: Verdict
    basis: Basis
    shared_layers: int
    dev: SideInfo
    prod: SideInfo
    base: BaseInfo | None  # the base both sides were checked against
    divergence: Divergence | None
    reasons: tuple[Text, ...]  # reasons and advice may carry hints (devcon.hints)
    advice: Text | None = None


@dataclass(frozen=True)
class ParityResult:
    dev: str
    prod: str
    platforms: tuple[PlatformResult, ...]
    strict: bool = False

    @property
    def verdict(self) -> Verdict:
        verdicts = {p.verdict for p in self.platforms}
        if not verdicts:
            return Verdict.UNKNOWN
        if Verdict.DIFFERENT in verdicts:
            return Verdict.DIFFERENT
        if verdicts == {Verdict.SAME}:
            return Verdict.SAME
        return Verdict.UNKNOWN

    @property
    def inferred(self) -> bool:
        """A same-base or different-base verdict that rests on a shared prefix alone."""
        return any(
            p.basis is Basis.INFERRED and p.verdict is not Verdict.UNKNOWN for p in self.platforms
        )


@dataclass(frozen=True)
class ParityRequest:
    dev: str
    prod: str
    base: str | None = None
    platform: str | None = None
    strict: bool = False
