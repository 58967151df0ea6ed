"""Advice that names a command-line setting, kept structured: core code says WHICH advice
applies (a Hint) and where it stands in a text (Hinted); devcon/cli/hints.py holds the words,
the only place that names devcon's flags."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Hint(enum.Enum):
    """One piece of advice about one of devcon's settings."""

    # registry: the cache only, or plain HTTP hosts
    OFFLINE_FORBIDS_ASKING = "offline-forbids-asking"
    OFFLINE_IS_SET = "offline-is-set"
    HTTP_ONLY_FOR_NAMED_HOSTS = "http-only-for-named-hosts"
    NAME_THE_REGISTRY_INSECURE = "name-the-registry-insecure"
    PLAIN_HTTP_ON_PURPOSE = "plain-http-on-purpose"
    # compat
    RAISE_MAX_DOWNLOAD = "raise-max-download"
    RUN_ONLINE = "run-online"
    GIVE_OFFLINE = "give-offline"
    OFFLINE_READS_NO_NETWORK = "offline-reads-no-network"
    NOT_USED_OFFLINE = "not-used-offline"
    OFFLINE_NOT_READ = "offline-not-read"
    OFFLINE_REGISTRY_NOT_READ = "offline-registry-not-read"
    # parity
    COMPARE_SHARED_PLATFORM = "compare-shared-platform"
    COMPARE_ANOTHER_PLATFORM = "compare-another-platform"
    GIVEN_BASE = "given-base"
    BASE_CHECKS_BOTH = "base-checks-both"
    NO_BASE_GIVEN = "no-base-given"
    STRICT_INFERRED = "strict-inferred"
    GIVE_BASE_TO_PROVE = "give-base-to-prove"
    # init
    USE_FORCE = "use-force"
    USE_FORCE_TO_REPLACE = "use-force-to-replace"
    INIT_USE_IMAGE = "init-use-image"
    INIT_ALLOW_ALPINE = "init-allow-alpine"
    # validate's findings
    PIN_FEATURES = "pin-features"


@dataclass(frozen=True)
class Hinted:
    """A text with advice in it: literal strings and Hints, in order. `plain` stands a
    hint in as `<its value>`; the CLI's `worded` puts its words there."""

    parts: tuple[str | Hint, ...]

    def __add__(self, other: str | Hinted) -> Hinted:
        return Hinted(self.parts + (other.parts if isinstance(other, Hinted) else (other,)))

    def __radd__(self, other: str) -> Hinted:
        return Hinted((other, *self.parts))

    @property
    def plain(self) -> str:
        return "".join(p if isinstance(p, str) else f"<{p.value}>" for p in self.parts)


#: text that may carry hints: a plain string, or a Hinted
Text = str | Hinted


def hinted(*parts: str | Hint | Hinted) -> Text:
    """The parts in order as one text (a Hinted part's own parts stand in its place): a
    Hinted, or a plain string when no part is a hint."""
    flat: list[str | Hint] = []
    for part in parts:
        flat.extend(part.parts if isinstance(part, Hinted) else (part,))
    if all(isinstance(part, str) for part in flat):
        return "".join(str(part) for part in flat)
    return Hinted(tuple(flat))


def plain(text: Text) -> str:
    """The text with each hint shown as `<its value>` (what core code can say of it)."""
    return text if isinstance(text, str) else text.plain
