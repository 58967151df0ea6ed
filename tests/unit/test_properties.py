"""Properties checked on generated inputs (hypothesis):

* the JSONC parser reads every JSON document as `json.loads` does;
* inserting comments and whitespace between tokens leaves every value and key where it was:
  `value_position` / `key_position` of every pointer point at the same token text;
* `pin` changes exactly the references: on generated Dockerfiles, compose files and
  devcontainer.json files holding references where devcon pins them and the same texts where
  it must not (RUN words, comments, environment values), the output is the input with each
  pinned reference replaced by `reference@digest`, nothing else.

Example counts are kept small so the module runs in a few seconds.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devcon import jsonc
from devcon.pin import PinRequest, PinStatus, pin
from devcon.reference import Reference
from devcon.registry.client import OCI_MANIFEST, Manifest, Resolution

FAST = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

# -- JSONC --------------------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=25,
)
dumps_options = st.fixed_dictionaries(
    {
        "indent": st.sampled_from([None, 0, 2, 4, "\t"]),
        "ensure_ascii": st.booleans(),
        "separators": st.sampled_from([None, (",", ":"), (" , ", " : ")]),
    }
)


def _dump(value: Any, options: dict[str, Any]) -> str:
    if options["separators"] is not None and options["indent"] is not None:
        options = {**options, "separators": (options["separators"][0].rstrip(), " : ")}
    return json.dumps(value, **options)


@FAST
@given(json_values, dumps_options)
def test_jsonc_reads_json_as_json_does(value: Any, options: dict[str, Any]) -> None:
    text = _dump(value, options)
    assert jsonc.parse(text).value == json.loads(text)


def _offset(text: str, line: int, column: int) -> int:
    """The character offset of a 1-based (line, column)."""
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts[line - 1] + column - 1


def _token_at(doc: jsonc.JsoncDocument, offset: int) -> str:
    """The text of the significant token starting at `offset` (or '' if none starts there)."""
    for token in doc.tokens:
        if token.start == offset:
            return doc.text[token.start : token.end]
    return ""


def _pointed(doc: jsonc.JsoncDocument) -> Iterator[tuple[jsonc.Pointer, str, str | None]]:
    """(pointer, token text at its value, token text at its key or None) for every value."""
    for pointer, span in doc.spans.items():
        value = _token_at(doc, _offset(doc.text, *doc.value_position(pointer)))
        key = None
        if span.key_start is not None:
            key = _token_at(doc, _offset(doc.text, *doc.key_position(pointer)))
        yield pointer, value, key


FILLERS = (" ", "\n", "\t", "  \n  ", "// line comment\n", "/* block */", "/* two\n lines */",
           "/**/", "// {\"a\": [1,\n", "/* \"x\": 1, */", "\r\n")


@FAST
@given(
    st.dictionaries(st.text(max_size=6), json_values, max_size=6),
    dumps_options,
    st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(FILLERS)), max_size=12),
)
def test_positions_survive_inserted_comments(
    value: dict[str, Any], options: dict[str, Any], inserts: list[tuple[int, str]]
) -> None:
    text = _dump(value, options)
    before = jsonc.parse(text)
    expected = {pointer: (v, k) for pointer, v, k in _pointed(before)}
    assert all(v for v, _ in expected.values()), "every value points at a token"
    # between tokens (after any token end, or at the start) whitespace and comments may go
    boundaries = sorted({0, *(token.end for token in before.tokens)})
    pieces: dict[int, str] = {}
    for index, filler in inserts:
        at = boundaries[index % len(boundaries)]
        pieces[at] = pieces.get(at, "") + filler
    new_text = "".join(
        pieces.get(i, "") + char for i, char in enumerate(text)
    ) + pieces.get(len(text), "")
    after = jsonc.parse(new_text)
    assert after.value == value
    assert {pointer: (v, k) for pointer, v, k in _pointed(after)} == expected


# -- pin rewrites exactly the references ----------------------------------------------------

components = st.sampled_from(["alpine", "debian", "node", "python", "my-app", "a_b", "x.y"])
references = st.builds(
    lambda domain, path, tag: f"{domain}{'/'.join(path)}{tag}",
    st.sampled_from(["", "ghcr.io/", "localhost:5000/", "mcr.microsoft.com/", "docker.io/"]),
    st.lists(components, min_size=1, max_size=3),
    st.sampled_from(["", ":1", ":3.12-slim", ":latest", ":v1.2.3_rc", ":20-bookworm"]),
)


def fake_digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


class FakeResolver:
    """A registry client stand-in: every tag resolves to a digest derived from its text."""

    offline = False

    def resolve_tag(self, ref: Reference) -> tuple[str, str]:
        return (ref.digest or fake_digest(ref.original)), OCI_MANIFEST

    def resolve(self, ref: Reference, platform: str | None = None) -> Resolution:
        return Resolution(ref, self.resolve_tag(ref)[0], OCI_MANIFEST)

    def confirm(self, ref: Reference, digest: str) -> None:
        """The registry holds that digest (it does: it is the one this fake named)."""

    def manifest(self, ref: Reference, digest_or_tag: str) -> Manifest:
        body = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST}).encode()
        return Manifest(digest_or_tag, OCI_MANIFEST, body)


# A generated file is a list of pieces: plain text, or (reference, pinned?) where pinned
# says whether devcon must give that reference a digest (a place devcon pins) or leave it.
Piece = str | tuple[str, bool]


def _render(pieces: list[Piece], pinned: bool) -> str:
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
        else:
            ref, pins = piece
            out.append(f"{ref}@{fake_digest(ref)}" if pinned and pins else ref)
    return "".join(out)


def _dockerfile_line(draw: Callable[[Any], Any], index: int) -> list[Piece]:
    ref = draw(references)
    kind = draw(st.integers(min_value=0, max_value=9))
    if kind == 0:
        return ["FROM ", (ref, True), "\n"]
    if kind == 1:
        return ["FROM ", (ref, True), f" AS stage{index}\n"]
    if kind == 2:
        return ["FROM --platform=linux/amd64 ", (ref, True), "\n"]
    if kind == 3:
        return ["COPY --from=", (ref, True), " /src /dst\n"]
    if kind == 4:
        return ["RUN --mount=type=bind,from=", (ref, True), ",target=/x true\n"]
    if kind == 5:
        return ["RUN echo ", (ref, False), " && docker pull ", (ref, False), "\n"]
    if kind == 6:
        return ["# base: ", (ref, False), "\n"]
    if kind == 7:
        return ["ENV IMAGE=", (ref, False), "\n"]
    if kind == 8:
        return ["LABEL org.example.base=\"", (ref, False), "\"\n"]
    return ["WORKDIR /app\n"]


@st.composite
def dockerfiles(draw: Callable[[Any], Any]) -> list[Piece]:
    pieces: list[Piece] = ["FROM ", (draw(references), True), " AS stage0\n"]
    for index in range(1, draw(st.integers(min_value=0, max_value=8)) + 1):
        pieces += _dockerfile_line(draw, index)
    return pieces


@st.composite
def compose_files(draw: Callable[[Any], Any]) -> list[Piece]:
    pieces: list[Piece] = ["services:\n"]
    for index in range(draw(st.integers(min_value=1, max_value=4))):
        ref = draw(references)
        quote = draw(st.sampled_from(["", '"', "'"]))
        pieces += [f"  s{index}:\n", f"    image: {quote}", (ref, True), f"{quote}\n"]
        if draw(st.booleans()):
            pieces += ["    command: echo ", (ref, False), "\n"]
        if draw(st.booleans()):
            pieces += ["    environment:\n      - BASE=", (draw(references), False), "\n"]
        if draw(st.booleans()):
            pieces += ["    # was ", (draw(references), False), "\n"]
    return pieces


@st.composite
def configs(draw: Callable[[Any], Any]) -> list[Piece]:
    ref = draw(references)
    pieces: list[Piece] = ["{\n"]
    if draw(st.booleans()):
        pieces += ["  // image: ", (draw(references), False), "\n"]
    pieces += ['  "image": "', (ref, True), '",\n']
    if draw(st.booleans()):
        pieces += ['  "containerEnv": {"BASE": "', (ref, False), '"},\n']
    if draw(st.booleans()):
        pieces += ['  /* "image": "', (draw(references), False), '" */\n']
    pieces += ['  "name": "', (draw(references), False), '"\n}\n']
    return pieces


def _pin_files(files: dict[str, str], targets: list[str]) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode())
        result = pin(
            PinRequest(paths=tuple(root / t for t in targets)), client_factory=FakeResolver
        )
        assert not any(item.status is PinStatus.SKIPPED for item in result.items), result.items
        return {name: (root / name).read_bytes().decode() for name in files}


PIN = settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@PIN
@given(dockerfiles())
def test_pin_changes_exactly_the_references_in_dockerfiles(pieces: list[Piece]) -> None:
    out = _pin_files({"Dockerfile": _render(pieces, False)}, ["Dockerfile"])
    assert out["Dockerfile"] == _render(pieces, True)


@PIN
@given(compose_files())
def test_pin_changes_exactly_the_references_in_compose_files(pieces: list[Piece]) -> None:
    out = _pin_files({"docker-compose.yml": _render(pieces, False)}, ["docker-compose.yml"])
    assert out["docker-compose.yml"] == _render(pieces, True)


@PIN
@given(configs(), dockerfiles())
def test_pin_changes_exactly_the_references_in_configs(
    config: list[Piece], dockerfile: list[Piece]
) -> None:
    files = {
        ".devcontainer/devcontainer.json": _render(config, False),
        "Dockerfile": _render(dockerfile, False),
    }
    out = _pin_files(files, [".", "Dockerfile"])
    assert out == {
        ".devcontainer/devcontainer.json": _render(config, True),
        "Dockerfile": _render(dockerfile, True),
    }
