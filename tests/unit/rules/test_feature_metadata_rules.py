"""missing-required-props, id-dir-mismatch, invalid-semver, option-default-invalid: the
Feature and Template metadata rules, on files written to a temporary collection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devcon.findings import Severity
from devcon.rules.invalid_semver import is_semver
from tests.unit.rules._support import run_rule


def run(tmp_path: Path, rule: str, rel: str, text: str) -> list[str]:
    return run_rule(tmp_path, rule, text, rel, severity=Severity.ERROR, scan_folder=True)


FEATURE = "src/hello/devcontainer-feature.json"
TEMPLATE = "src/hello/devcontainer-template.json"


def test_missing_required_props_names_each_missing_property(tmp_path: Path) -> None:
    found = run(tmp_path, "missing-required-props", FEATURE, '{\n  "id": "hello"\n}')
    assert found == [
        "1:1 `name` is missing: the spec requires every Feature to declare its human-friendly "
        "display name",
        "1:1 `version` is missing: the spec requires every Feature to declare its semantic "
        "version, which publishing turns into the tags users pin",
    ]


def test_missing_required_props_in_a_template_and_complete_files(tmp_path: Path) -> None:
    (found,) = run(
        tmp_path, "missing-required-props", TEMPLATE, '{"id": "hello", "version": "1.0.0"}'
    )
    assert "every Template" in found and "`name`" in found
    complete = '{"id": "hello", "version": "1.0.0", "name": "Hello"}'
    assert run(tmp_path / "ok", "missing-required-props", FEATURE, complete) == []


def test_missing_required_props_leaves_wrong_types_to_the_schema(tmp_path: Path) -> None:
    text = '{"id": "hello", "version": 1, "name": ["Hello"]}'
    assert run(tmp_path, "missing-required-props", FEATURE, text) == []


def test_id_dir_mismatch(tmp_path: Path) -> None:
    text = '{\n  "id": "hello-world",\n  "version": "1.0.0",\n  "name": "Hello"\n}'
    (found,) = run(tmp_path, "id-dir-mismatch", FEATURE, text)
    assert found == (
        "2:9 `id` is 'hello-world' but the Feature lives in folder 'hello': the spec requires "
        "them to match"
    )


def test_id_dir_mismatch_case_only_and_match(tmp_path: Path) -> None:
    (found,) = run(tmp_path, "id-dir-mismatch", TEMPLATE, '{"id": "Hello", "version": "1.0.0"}')
    assert "differ only in case" in found and "`hello`" in found
    assert run(tmp_path / "ok", "id-dir-mismatch", FEATURE, '{"id": "hello"}') == []


@pytest.mark.parametrize(
    "version",
    [
        "0.0.0",
        "1.0.0",
        "10.20.30",
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-0.3.7",
        "1.0.0-x.7.z.92",
        "1.0.0+20130313144700",
        "1.0.0-beta+exp.sha.5114f85",
        "1.0.0-rc.1+b.2",
    ],
)
def test_semver_accepts(version: str) -> None:
    assert is_semver(version)


@pytest.mark.parametrize(
    "version",
    [
        "1",
        "1.2",
        "v1.2.3",
        "1.2.3.4",
        "01.2.3",
        "1.02.3",
        "1.2.03",
        "1.2.3-",
        "1.2.3-01",
        "1.2.3+",
        "1.2.3-a..b",
        "latest",
        " 1.2.3",
        "1.2.3 ",
    ],
)
def test_semver_rejects(version: str) -> None:
    assert not is_semver(version)


@pytest.mark.parametrize(
    ("version", "hint"),
    [
        ("1.2", "give all three numbers: `1.2.0`"),
        ("3", "`3.0.0`"),
        ("v1.0.0", "drop the leading 'v'"),
        (" 1.0.0", "remove the spaces"),
        ("latest", "e.g. 1.0.0), which the spec requires"),
    ],
)
def test_invalid_semver_messages(tmp_path: Path, version: str, hint: str) -> None:
    text = json.dumps({"id": "hello", "version": version, "name": "Hello"})
    (found,) = run(tmp_path, "invalid-semver", FEATURE, text)
    assert f"`version` '{version}' is not a semantic version" in found
    assert hint in found


def test_option_default_invalid_feature(tmp_path: Path) -> None:
    options = {
        "flavor": {"type": "string", "enum": ["slim", "full"], "default": "ful"},
        "zsh": {"type": "boolean", "default": "true"},
        "label": {"type": "string", "default": True},
        "count": {"type": "string", "default": 3},  # not a string or boolean: the schema's
        "channel": {"type": "string", "proposals": ["stable"], "default": "nightly"},
        "on": {"type": "boolean", "default": False},
    }
    text = json.dumps({"id": "hello", "version": "1.0.0", "name": "H", "options": options})
    found = [f.split(" ", 1)[1] for f in run(tmp_path, "option-default-invalid", FEATURE, text)]
    assert sorted(found) == sorted(
        [
            'option `flavor`: the default "ful" is not one of the option\'s enum values '
            '["slim", "full"] (did you mean "full"?): a user who keeps the default gets a '
            "value the Feature rejects",
            'option `zsh`: the option is boolean but its default is "true": use true or false',
            'option `label`: the option is a string but its default is true: write it as "true"',
        ]
    )


def test_option_default_invalid_template_accepts_boolean_strings(tmp_path: Path) -> None:
    options = {
        "maven": {"type": "boolean", "default": "false"},
        "gradle": {"type": "boolean", "default": True},
        "sdk": {"type": "boolean", "default": "no"},
    }
    text = json.dumps({"id": "hello", "version": "1.0.0", "name": "H", "options": options})
    (found,) = run(tmp_path, "option-default-invalid", TEMPLATE, text)
    assert 'option `sdk`: the option is boolean but its default is "no"' in found
    assert '(or "true" / "false")' in found


def test_metadata_rules_ignore_devcontainer_json(tmp_path: Path) -> None:
    options = {"a": {"type": "boolean", "default": 1}}
    text = json.dumps({"image": "x", "id": "nope", "version": "1", "options": options})
    for rule in (
        "missing-required-props",
        "id-dir-mismatch",
        "invalid-semver",
        "option-default-invalid",
    ):
        assert run(tmp_path, rule, ".devcontainer/devcontainer.json", text) == []
