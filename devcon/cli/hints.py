"""The command line's words for core's hints (devcon.hints): the one table that names
devcon's flags in advice. Core says which hint applies; reports and error lines word it here."""

from __future__ import annotations

import dataclasses
from typing import TypeVar, cast

from devcon.hints import Hint, Hinted, Text

_T = TypeVar("_T")

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
    Hint.INIT_USE_IMAGE: "--image REF",
    Hint.INIT_ALLOW_ALPINE: (
        "give --allow-alpine to use it anyway (the files then say why it is a risk)"
    ),
    Hint.PIN_FEATURES: "`devcon pin --features`",
}


def worded(text: Text) -> str:
    """The text as users read it: each hint in its words."""
    if isinstance(text, str):
        return text
    return "".join(p if isinstance(p, str) else WORDS[p] for p in text.parts)


def worded_result(value: _T) -> _T:
    """A command's result with every hint in it worded, for the formatters (which show
    strings and never name a flag themselves): frozen dataclasses are copied with their
    fields worded, and tuples, lists and dicts item by item; anything else is kept."""
    return cast(_T, _worded_value(value))


def _worded_value(value: object) -> object:
    if isinstance(value, Hinted):
        return worded(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for field in dataclasses.fields(value):
            if not field.init:
                continue
            old = getattr(value, field.name)
            new = _worded_value(old)
            if new is not old:
                changes[field.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    if isinstance(value, (tuple, list)):
        items = [_worded_value(item) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return type(value)(items)
    if isinstance(value, dict):
        worded_items = {key: _worded_value(item) for key, item in value.items()}
        if all(worded_items[key] is item for key, item in value.items()):
            return value
        return worded_items
    return value
