"""Data shipped with devcon: schemas/ and templates/, mapped to devcon.schemas and
devcon.templates so they are found the same way from a wheel and from an editable install."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable


def schemas_root() -> Traversable:
    return resources.files("devcon.schemas")


def templates_root() -> Traversable:
    return resources.files("devcon.templates")


def schema_text(name: str) -> str:
    return (schemas_root() / name).read_text(encoding="utf-8")
