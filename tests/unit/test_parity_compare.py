"""parity's decisions on synthetic image facts (no engine, no registry)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from devcon.cli.hints import worded
from devcon.imagefacts import HistoryEntry, ImageFacts, Source, engine_history, facts_from_config
from devcon.parity import (
    Basis,
    ParityResult,
    Party,
    PlatformImage,
    StaticSide,
    Verdict,
    compare,
    contains_base,
    history_mismatch,
    pair_platforms,
    pick,
    shared_layers,
)
from devcon.reference import parse_reference

AMD64 = "linux/amd64"
ROOT = "sha256:" + "a" * 64
ROOT2 = "sha256:" + "b" * 64
TOOLS = "sha256:" + "c" * 64
APP = "sha256:" + "d" * 64


def entry(created_by: str, empty: bool = False, created: str | None = None) -> HistoryEntry:
    return HistoryEntry(created_by, empty, created)


def facts(
    label: str,
    layers: list[tuple[str, str]],
    source: Source = Source.REGISTRY,
    digest: str | None = None,
    empty: tuple[tuple[int, str], ...] = (),
) -> ImageFacts:
    """Facts whose history has one entry per (diff id, created_by) layer, plus empty-layer
    entries inserted at the given positions."""
    history = [entry(created_by) for _, created_by in layers]
    for position, created_by in empty:
        history.insert(position, entry(created_by, empty=True))
    return ImageFacts(
        label=label,
        source=source,
        platform=AMD64,
        digest=digest or "sha256:" + hashlib.sha256(label.encode()).hexdigest(),
        diff_ids=tuple(d for d, _ in layers),
        history=tuple(history),
        created="2024-05-01T10:00:00.123456Z",
    )


def image(f: ImageFacts, pin: str | None = None) -> PlatformImage:
    return PlatformImage(f.label, f.source, f.platform, f, f.digest, pin or f"{f.label}@{f.digest}")


def party(f: ImageFacts, declared: PlatformImage | None = None) -> Party:
    return Party(f.label, f.source, image(f), None, declared)


def static_party(label: str, from_facts: ImageFacts, stage: str = "base") -> Party:
    static = StaticSide(
        label=label,
        path=Path("Dockerfile"),
        stage=label.rsplit("#", 1)[-1],
        base_written=from_facts.label,
        base=parse_reference(from_facts.label),
        root_stage=stage,
    )
    return Party(label, Source.DOCKERFILE, image(from_facts), static)


B1 = facts("reg.example/b1:1", [(ROOT, "")], empty=((1, "CMD sh"),))
B2 = facts("reg.example/b2:1", [(ROOT2, "")])
DEV = facts(
    "reg.example/dev:1",
    [(ROOT, ""), (TOOLS, "RUN tooling")],
    empty=((1, "CMD sh"),),
)
PROD = facts("reg.example/prod:1", [(ROOT, ""), (APP, "RUN app")], empty=((1, "CMD sh"),))
OTHER = facts("reg.example/other:1", [(ROOT2, ""), (APP, "RUN app")])


# -- layers and history ----------------------------------------------------------------


def test_shared_layers_need_the_same_diff_id_and_command() -> None:
    assert shared_layers(DEV, PROD) == 1
    assert shared_layers(DEV, OTHER) == 0
    fake = facts("fake", [(ROOT, "ADD other-root.tar /"), (APP, "RUN app")])
    assert shared_layers(PROD, fake) == 0  # identical first diff id, another command


def test_shared_layers_ignore_a_history_that_does_not_line_up() -> None:
    odd = replace(PROD, history=(entry("one"),))  # fewer entries than layers
    assert shared_layers(DEV, odd) == 1


def test_contains_base_checks_layers_then_history() -> None:
    assert contains_base(B1, DEV) is None
    why = contains_base(B1, OTHER)
    assert why is not None and "do not start with the 1 layer of reg.example/b1:1" in why
    fake_base = replace(B1, history=(entry("ADD other-root.tar /"), entry("CMD sh", True)))
    why = contains_base(fake_base, DEV)
    assert why is not None and "another history: its entry #1" in why
    assert "'ADD other-root.tar /'" in why


def test_engine_history_is_compared_by_command_not_by_empty_flag() -> None:
    # the engine's history API has no empty_layer flag: devcon guesses it, so it is not held
    # against the image; the command is
    guessed = replace(
        DEV,
        source=Source.ENGINE,
        history=(entry(""), entry("CMD sh", empty=False), entry("RUN tooling")),
    )
    assert history_mismatch(B1, guessed) is None
    assert history_mismatch(B1, replace(guessed, source=Source.REGISTRY)) == 1
    lying = replace(guessed, history=(entry("ADD x /"), *guessed.history[1:]))
    assert history_mismatch(B1, lying) == 0
    assert contains_base(B1, lying) is not None


# -- platforms -------------------------------------------------------------------------


def test_pairs_are_the_platforms_both_have() -> None:
    def at(platform: str | None) -> PlatformImage:
        return PlatformImage("x", Source.REGISTRY, platform, DEV)

    dev = [at("linux/amd64"), at("linux/arm64/v8")]
    prod = [at("linux/arm64"), at("linux/s390x")]
    assert pair_platforms(dev, prod, None) == ["linux/arm64"]
    # an image whose platform is not known (its config is missing) stands for any
    assert pair_platforms(dev, [at(None)], None) == ["linux/amd64", "linux/arm64/v8"]
    assert pair_platforms([at(None)], [at(None)], "linux/amd64") == ["linux/amd64"]
    assert pair_platforms([at("linux/amd64")], [at("linux/arm64")], None) == []
    assert pick([at(None), at("linux/amd64")], "linux/amd64") is not None


# -- verdicts --------------------------------------------------------------------------


def test_given_base_verifies_both_and_shows_each_sides_base() -> None:
    base = image(B1, pin="reg.example/b1:1@sha256:" + "e" * 64)
    result = compare(AMD64, party(DEV), party(PROD), base, strict=False)
    assert (result.verdict, result.basis) == (Verdict.SAME, Basis.VERIFIED)
    assert result.dev.base is not None and worded(result.dev.base.origin) == "--base"
    assert result.prod.base == result.dev.base == result.base
    assert result.divergence is not None and result.divergence.index == 1
    assert (result.divergence.dev_created_by, result.divergence.prod_created_by) == (
        "RUN tooling",
        "RUN app",
    )
    result = compare(AMD64, party(DEV), party(OTHER), base, strict=False)
    assert result.verdict is Verdict.DIFFERENT
    assert result.prod.base is None and result.dev.base is not None
    assert all(OTHER.label in reason for reason in result.reasons)
    assert result.advice is not None
    assert result.advice.startswith(f"rebuild {OTHER.label} FROM reg.example/b1:1@sha256:eee")
    both = compare(AMD64, party(OTHER), party(OTHER), base, strict=False)
    assert both.advice is not None and both.advice.startswith("rebuild both ")


def test_a_stage_is_checked_against_the_given_base_through_its_from() -> None:
    stage = static_party("Dockerfile#dev", OTHER, stage="dev")
    result = compare(AMD64, stage, party(PROD), image(B1), strict=False)
    assert (result.verdict, result.basis) == (Verdict.DIFFERENT, Basis.VERIFIED)
    assert "Dockerfile#dev builds FROM reg.example/other:1" in result.reasons[0]
    assert result.dev.base is not None and result.dev.base.label == OTHER.label
    assert result.advice is not None and result.advice.startswith("change stage 'dev' of")
    on_dev = static_party("Dockerfile#dev", DEV)
    assert compare(AMD64, on_dev, party(PROD), image(B1), strict=False).verdict is Verdict.SAME


def test_a_stage_against_an_image_verifies_the_image_against_the_from() -> None:
    stage = static_party("Dockerfile#dev", B1)
    result = compare(AMD64, stage, party(PROD), None, strict=False)
    assert (result.verdict, result.basis) == (Verdict.SAME, Basis.VERIFIED)
    assert result.divergence is None  # the stage's own layers are not built
    result = compare(AMD64, stage, party(OTHER), None, strict=False)
    assert result.verdict is Verdict.DIFFERENT
    assert result.reasons[0] == "Dockerfile#dev builds FROM reg.example/b1:1"
    assert result.advice is not None and f"rebuild {OTHER.label} FROM" in result.advice


def test_two_stages_compare_their_from_images_per_platform() -> None:
    a = static_party("Dockerfile#dev", B1)
    same_content = replace(B1, label="mirror.example/b1:1", digest="sha256:" + "f" * 64)
    b = static_party("Dockerfile#prod", same_content, stage="prod")
    result = compare(AMD64, a, b, None, strict=False)
    assert (result.verdict, result.basis) == (Verdict.SAME, Basis.DECLARED)
    c = static_party("Dockerfile#prod", B2, stage="prod")
    result = compare(AMD64, a, c, None, strict=False)
    assert (result.verdict, result.basis) == (Verdict.DIFFERENT, Basis.DECLARED)
    assert result.divergence is not None and result.divergence.index == 0
    assert result.advice is not None and "change stage 'prod'" in result.advice
    with_base = compare(AMD64, a, c, image(B1), strict=False)
    assert (with_base.verdict, with_base.basis) == (Verdict.DIFFERENT, Basis.VERIFIED)
    assert len(with_base.reasons) == 1 and "Dockerfile#prod" in with_base.reasons[0]


def test_annotations_declare_bases() -> None:
    declared_b1 = image(B1)
    result = compare(AMD64, party(DEV), party(PROD, declared_b1), None, strict=False)
    assert (result.verdict, result.basis) == (Verdict.SAME, Basis.VERIFIED)
    assert result.prod.base is not None and result.prod.base.origin == "annotation"
    result = compare(AMD64, party(PROD, declared_b1), party(OTHER, image(B2)), None, False)
    assert (result.verdict, result.basis) == (Verdict.DIFFERENT, Basis.DECLARED)
    assert result.dev.base is not None and result.dev.base.label == B1.label
    assert result.prod.base is not None and result.prod.base.label == B2.label
    lying = compare(AMD64, party(OTHER, declared_b1), party(PROD), None, strict=False)
    assert (lying.verdict, lying.basis) == (Verdict.DIFFERENT, Basis.VERIFIED)


def test_inferred_verdicts_and_strict() -> None:
    result = compare(AMD64, party(DEV), party(PROD), None, strict=False)
    assert (result.verdict, result.basis, result.shared_layers) == (
        Verdict.SAME,
        Basis.INFERRED,
        1,
    )
    assert ParityResult("d", "p", (result,)).inferred
    strict = compare(AMD64, party(DEV), party(PROD), None, strict=True)
    assert strict.verdict is Verdict.UNKNOWN and strict.advice is not None
    assert not ParityResult("d", "p", (strict,)).inferred
    apart = compare(AMD64, party(DEV), party(OTHER), None, strict=False)
    assert apart.verdict is Verdict.DIFFERENT and apart.advice is not None


def test_a_missing_config_is_unknown_with_the_reason() -> None:
    gone = PlatformImage("reg.example/gone:1", Source.REGISTRY, None, None, None, None, "why")
    result = compare(AMD64, Party(gone.label, Source.REGISTRY, gone), party(PROD), None, False)
    assert result.verdict is Verdict.UNKNOWN and result.reasons == ("why",)
    assert result.advice is not None and result.advice.startswith("push reg.example/gone:1")
    result = compare(AMD64, party(DEV), party(PROD), gone, strict=False)
    assert result.verdict is Verdict.UNKNOWN and result.basis is Basis.VERIFIED


def test_flattened_images_are_unknown_unless_they_are_the_base() -> None:
    squashed = facts("reg.example/squashed:1", [("sha256:" + "9" * 64, "")])
    result = compare(AMD64, party(squashed), party(PROD), None, strict=False)
    assert result.verdict is Verdict.UNKNOWN and "flattened" in result.reasons[0]
    itself = compare(AMD64, party(B1), party(PROD), image(B1), strict=False)
    assert itself.verdict is Verdict.SAME


def test_a_single_layer_the_other_side_starts_with_is_not_flattened() -> None:
    # a dev stage of config-only steps (USER, ENV) on a one-layer imported base has that one
    # layer (podman's builder makes no layer for a WORKDIR either): the base is not gone, the
    # other side starts with it
    for created_by, comment in (
        ("", "Imported from -"),
        ("ADD file:x in /", "imported from tarball"),
    ):
        root = HistoryEntry(created_by, False, None, comment)
        dev = replace(
            B1, label="reg.example/dev-only-config:1", history=(root, entry("USER vscode", True))
        )
        prod = replace(PROD, history=(root, *PROD.history[1:]))
        result = compare(AMD64, party(dev), party(prod), None, strict=False)
        assert result.verdict is Verdict.SAME and result.basis is Basis.INFERRED, result.reasons
        assert result.shared_layers == 1


# -- empty-layer history entries: engine and registry pair layers alike (issue 11) -----

NOP = "/bin/sh -c #(nop) "
# (created_by, made a layer, size the engine reports): the harness base, a base2 on it
# (WORKDIR that creates its folder), then steps of an app
BASE2_STEPS = [
    ("", True, 1024),
    (NOP + "WORKDIR /srv", True, 0),  # a new folder: a layer of size 0
    (NOP + " ENV B=1", False, 0),
]
APP_STEPS = [
    *BASE2_STEPS,
    (NOP + " ARG VERSION=1", False, 0),
    ("|1 VERSION=1 /bin/sh -c true", False, 0),  # changed nothing: no layer
    (NOP + "COPY file:abc in /srv/a.txt ", True, 2),
    (NOP + " LABEL stage=app", False, 0),
    (NOP + "WORKDIR /srv", False, 0),  # the folder exists: no layer
]
APP_IMAGE = [*APP_STEPS, (NOP + " ENV MODE=dev", False, 0), ("/bin/sh -c echo app > /app", True, 4)]
APP2_IMAGE = [
    *APP_STEPS,
    (NOP + " ENV MODE=prod", False, 0),
    ("/bin/sh -c echo prod > /p", True, 5),
]


def _diff_id(steps: list[tuple[str, bool, int]], upto: int) -> str:
    """A diff id that depends on the steps that made layers up to `upto`."""
    made = "|".join(c for c, layer, _ in steps[: upto + 1] if layer)
    return "sha256:" + hashlib.sha256(made.encode()).hexdigest()


def _diff_ids(steps: list[tuple[str, bool, int]]) -> list[str]:
    return [_diff_id(steps, i) for i, (_, layer, _) in enumerate(steps) if layer]


def registry_facts(label: str, steps: list[tuple[str, bool, int]]) -> ImageFacts:
    config = {
        "os": "linux",
        "architecture": "amd64",
        "rootfs": {"type": "layers", "diff_ids": _diff_ids(steps)},
        "history": [
            {"created": f"2024-05-01T10:00:{i:02d}.5Z", "created_by": c}
            | ({} if layer else {"empty_layer": True})
            for i, (c, layer, _) in enumerate(steps)
        ],
    }
    return facts_from_config(label, Source.REGISTRY, config, "sha256:" + "1" * 64)


def engine_facts(label: str, steps: list[tuple[str, bool, int]], intermediates: bool) -> ImageFacts:
    """What the engine's history API gives: newest first, no empty_layer flag, Unix seconds;
    `Id` an intermediate image (local build) or `<missing>` (a pulled image)."""
    counts = {}
    entries = []
    for i, (created_by, _, size) in enumerate(steps):
        image_id = "sha256:" + hashlib.sha256(f"{label}{i}".encode()).hexdigest()
        counts[image_id] = sum(1 for _, layer, _ in steps[: i + 1] if layer)
        top = i == len(steps) - 1
        entries.append(
            {
                "Id": image_id if intermediates or top else "<missing>",
                "CreatedBy": created_by,
                "Created": 1714557600 + i,
                "Size": size,
                "Comment": "",
            }
        )
    diff_ids = tuple(_diff_ids(steps))
    history = engine_history(list(reversed(entries)), len(diff_ids), counts.get)
    return ImageFacts(label, Source.ENGINE, AMD64, "sha256:" + "2" * 64, diff_ids, history)


def _commands(f: ImageFacts) -> list[str | None]:
    return [h.created_by if h is not None else None for h in f.layer_history()]


def test_engine_history_of_a_local_build_is_the_image_configs() -> None:
    config = registry_facts("reg.example/app:1", APP_IMAGE)
    local = engine_facts("docker:app", APP_IMAGE, intermediates=True)
    assert [h.empty_layer for h in local.history] == [h.empty_layer for h in config.history]
    assert (
        _commands(local)
        == _commands(config)
        == [
            "",
            NOP + "WORKDIR /srv",
            NOP + "COPY file:abc in /srv/a.txt ",
            "/bin/sh -c echo app > /app",
        ]
    )


def test_engine_history_leaves_open_what_it_cannot_prove() -> None:
    pulled = engine_facts("docker:app", APP_IMAGE, intermediates=False)
    # WORKDIR /srv, RUN true and the second WORKDIR all have size 0: one of them made a layer
    assert [h.empty_layer for h in pulled.history] == [
        False,
        None,
        True,
        True,
        None,
        False,
        True,
        None,
        True,
        False,
    ]
    assert _commands(pulled) == ["", None, None, "/bin/sh -c echo app > /app"]
    # when the count allows one answer, it is taken
    few = [s for s in APP_IMAGE if not s[0].endswith("true") and s[0] != NOP + "WORKDIR /srv"]
    assert _commands(engine_facts("docker:few", few, intermediates=False)) == _commands(
        registry_facts("few", few)
    )


def test_intermediate_images_that_do_not_add_up_are_not_trusted() -> None:
    entries = [  # newest first; the intermediate image claims 5 layers before the top's 2
        {"Id": "sha256:top", "CreatedBy": "/bin/sh -c echo a > /a", "Size": 2},
        {"Id": "sha256:mid", "CreatedBy": NOP + " ENV A=1", "Size": 0},
        {"Id": "<missing>", "CreatedBy": "", "Size": 9, "Comment": "Imported from -"},
    ]
    history = engine_history(entries, 2, {"sha256:mid": 5}.get)
    assert [h.empty_layer for h in history] == [False, True, False]


def test_layer_history_pairs_from_both_ends_around_unknown_entries() -> None:
    f = replace(
        DEV,
        diff_ids=(ROOT, TOOLS, APP, ROOT2),
        history=(
            entry(""),
            HistoryEntry("RUN a", None),
            entry("RUN b"),
            HistoryEntry("RUN c", None),
            entry("RUN d"),
        ),
    )
    assert _commands(f) == ["", None, None, "RUN d"]  # "RUN b" is layer #2 or #3
    # where the count allows one answer, it is taken
    all_made = replace(f, diff_ids=(ROOT, TOOLS, APP, ROOT2, "sha256:" + "e" * 64))
    assert _commands(all_made) == ["", "RUN a", "RUN b", "RUN c", "RUN d"]
    none_made = replace(f, diff_ids=(ROOT, TOOLS, APP))
    assert _commands(none_made) == ["", "RUN b", "RUN d"]
    too_many = replace(none_made, history=(*f.history, entry("RUN e")))
    assert _commands(too_many) == [None, None, None]
    too_few = replace(all_made, history=f.history[:3])
    assert _commands(too_few) == [None] * 5


def test_the_same_image_from_engine_and_registry_is_identical() -> None:
    config = registry_facts("reg.example/app:1", APP_IMAGE)
    for other in (
        engine_facts("docker:app", APP_IMAGE, intermediates=True),
        engine_facts("docker:app", APP_IMAGE, intermediates=False),
        replace(config, label="mirror.example/app:1"),
    ):
        for dev, prod in ((config, other), (other, config), (other, other)):
            result = compare(AMD64, party(dev), party(prod), None, strict=False)
            assert (result.verdict, result.shared_layers, result.divergence) == (
                Verdict.SAME,
                4,
                None,
            )
            assert worded(result.reasons[0]).startswith("the same image: all 4 layers")


def test_shared_layers_divergence_and_verdict_agree_after_an_empty_step() -> None:
    base2 = registry_facts("reg.example/base2:1", BASE2_STEPS)
    sides = {
        "registry": (
            registry_facts("reg.example/app:1", APP_IMAGE),
            registry_facts("r/app2:1", APP2_IMAGE),
        ),
        "engine": (
            engine_facts("docker:app", APP_IMAGE, intermediates=True),
            engine_facts("docker:app2", APP2_IMAGE, intermediates=True),
        ),
    }
    for dev_on in sides:
        for prod_on in sides:
            dev, prod = sides[dev_on][0], sides[prod_on][1]
            for base in (None, image(base2), image(engine_facts("docker:b2", BASE2_STEPS, True))):
                result = compare(AMD64, party(dev), party(prod), base, strict=False)
                assert result.verdict is Verdict.SAME, (dev_on, prod_on, result.reasons)
                assert result.shared_layers == 3
                assert result.divergence is not None and result.divergence.index == 3
                assert result.divergence.dev_created_by == "/bin/sh -c echo app > /app"
                assert result.divergence.prod_created_by == "/bin/sh -c echo prod > /p"
                if base is not None:
                    assert result.reasons == (
                        f"both start with the 2 layers of {base.label} and its history",
                    )
