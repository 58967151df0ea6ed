"""The command line's words for core's hints (devcon.hints): the one table that names
devcon's flags in advice. Core says which hint applies; reports and error lines word it here."""

from __future__ import annotations

from devcon.hints import Hint, Text

WORDS: dict[Hint, str] = {
    Hint.OFFLINE_FORBIDS_ASKING: "--offline forbids asking the registry",
    Hint.OFFLINE_IS_SET: "--offline is set",
    Hint.HTTP_ONLY_FOR_NAMED_HOSTS: (
        "devcon uses HTTPS, and plain HTTP only for loopback hosts and hosts named with "
        "--insecure-registry"
    ),
    Hint.NAME_THE_REGISTRY_INSECURE: "name the registry with --insecure-registry",
    Hint.PLAIN_HTTP_ON_PURPOSE: (
        "if this registry is plain HTTP on purpose, name it with --insecure-registry"
    ),
    Hint.RAISE_MAX_DOWNLOAD: "raise it with --max-download (MiB)",
    Hint.RUN_ONLINE: (
        "Run without --offline to read it from the registry, or pull it into the local engine first"
    ),
    Hint.GIVE_OFFLINE: "Check access to the registry, or give --offline to judge from names alone",
    Hint.OFFLINE_READS_NO_NETWORK: "--offline reads no network",
    Hint.NOT_USED_OFFLINE: "not used (--offline)",
    Hint.OFFLINE_NOT_READ: "--offline: not read from the registry",
    Hint.OFFLINE_REGISTRY_NOT_READ: "--offline: the registry was not read",
    Hint.COMPARE_SHARED_PLATFORM: "compare a platform both have (--platform)",
    Hint.COMPARE_ANOTHER_PLATFORM: "compare another (--platform)",
    Hint.GIVEN_BASE: "--base",
    Hint.BASE_CHECKS_BOTH: "--base REF checks both against one base",
    Hint.NO_BASE_GIVEN: "no base was declared or given (--base)",
    Hint.STRICT_INFERRED: "--strict: an inferred verdict is unknown",
    Hint.GIVE_BASE_TO_PROVE: "give --base REF (the base both should use) to prove it",
    Hint.USE_FORCE: "use --force",
    Hint.USE_FORCE_TO_REPLACE: "use --force to replace it",
    Hint.PIN_FEATURES: "`devcon pin --features`",
}


def worded(text: Text) -> str:
    """The text as users read it: each hint in its words."""
    if isinstance(text, str):
        return text
    return "".join(p if isinstance(p, str) else WORDS[p] for p in text.parts)
