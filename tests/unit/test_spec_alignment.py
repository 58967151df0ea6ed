"""Where devcon follows the spec's published schema (issue 11; see docs/spec-deviations.md).

The corpus test tests/acceptance/test_spec_differential.py compares verdicts with the spec's
schema file itself; these tests hold the same behaviour without the corpus.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devcon.config import Settings
from devcon.findings import Finding, Severity
from devcon.jsonc import parse
from devcon.schema import FEATURE_SCHEMA_FILE, schema_findings
from devcon.validate import ValidateRequest, validate


def _validate(tmp_path: Path, text: str, settings: Settings | None = None) -> list[Finding]:
    path = tmp_path / ".devcontainer" / "devcontainer.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    (path.parent / "Dockerfile").write_text("FROM scratch\n", encoding="utf-8")
    select = frozenset({"deprecated-property"})
    result = validate(ValidateRequest(paths=(path,), settings=settings or Settings(select=select)))
    return [f for f in result.findings if f.rule == "deprecated-property"]


def _schema_messages(text: str) -> list[str]:
    return [f.message for f in schema_findings(parse(text), "devcontainer.json")]


# -- deprecated-property: legal legacy forms are info ---------------------------------------


def test_top_level_dockerfile_and_context_are_info(tmp_path: Path) -> None:
    found = _validate(tmp_path, '{\n  "dockerFile": "Dockerfile",\n  "context": ".."\n}')
    assert [(f.line, f.severity) for f in found] == [(2, Severity.INFO), (3, Severity.INFO)]
    assert "`build.dockerfile`" in found[0].message
    assert "`build.context`" in found[1].message


def test_legacy_dockerfile_does_not_fail_the_default_build(tmp_path: Path) -> None:
    path = tmp_path / ".devcontainer" / "devcontainer.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"dockerFile": "Dockerfile", "context": "."}', encoding="utf-8")
    (path.parent / "Dockerfile").write_text("FROM scratch\n", encoding="utf-8")
    result = validate(
        ValidateRequest(paths=(path,), settings=Settings(select=frozenset({"deprecated-property"})))
    )
    assert [f.rule for f in result.findings] == ["deprecated-property"] * 2
    assert not result.failed  # --fail-on warning (the default)


def test_context_without_top_level_dockerfile_stays_a_warning(tmp_path: Path) -> None:
    # the spec's schema allows `context` only beside `dockerFile`; the CLI ignores it otherwise
    (finding,) = _validate(
        tmp_path, '{\n  "build": {"dockerfile": "Dockerfile"},\n  "context": ".."\n}'
    )
    assert (finding.line, finding.severity) == (3, Severity.WARNING)
    assert "ignored" in finding.message


@pytest.mark.parametrize("member", ['"extensions": ["a.b"]', '"settings": {}', '"devPort": 8000'])
def test_really_deprecated_properties_keep_their_severity(tmp_path: Path, member: str) -> None:
    (finding,) = _validate(tmp_path, '{"image": "x", ' + member + "}")
    assert finding.severity is Severity.WARNING


def test_configured_severity_applies_to_every_finding_of_the_rule(tmp_path: Path) -> None:
    settings = Settings(
        select=frozenset({"deprecated-property"}),
        severity={"deprecated-property": Severity.ERROR},
    )
    found = _validate(tmp_path, '{"dockerFile": "Dockerfile", "settings": {}}', settings)
    assert {f.severity for f in found} == {Severity.ERROR}


# -- schema: the spec's forwardPorts pattern and neighbours --------------------------------


@pytest.mark.parametrize(
    "value", ['"not a port"', '"db"', '":5432"', '"DB:5432"', '"db:123456"', '"${localEnv:H}:5432"']
)
def test_forward_ports_strings_must_be_host_port(value: str) -> None:
    (message,) = _schema_messages('{"image": "x", "forwardPorts": [3000, ' + value + "]}")
    assert message.startswith('`/forwardPorts/1`: expected a port number or a "host:port"')


@pytest.mark.parametrize("value", ["0", "65535", '"db:5432"', '"my-service-1:80"'])
def test_forward_ports_the_spec_accepts(value: str) -> None:
    assert _schema_messages('{"image": "x", "forwardPorts": [' + value + "]}") == []


def test_app_port_keeps_docker_publish_strings() -> None:
    assert _schema_messages('{"image": "x", "appPort": ["127.0.0.1:2222:2222", "8000:8010"]}') == []


def test_other_ports_attributes_has_no_open_browser_once() -> None:
    text = '{"image": "x", "otherPortsAttributes": {"onAutoForward": "openBrowserOnce"}}'
    (message,) = _schema_messages(text)
    assert message.startswith("`/otherPortsAttributes/onAutoForward`: expected one of")
    ok = '{"image": "x", "portsAttributes": {"3000": {"onAutoForward": "openBrowserOnce"}}}'
    assert _schema_messages(ok) == []


@pytest.mark.parametrize("key", ["memory", "storage"])
def test_host_requirement_sizes_take_no_variables(key: str) -> None:
    text = '{"image": "x", "hostRequirements": {"' + key + '": "${localEnv:SIZE}"}}'
    (message,) = _schema_messages(text)
    assert message.startswith(f"`/hostRequirements/{key}`: expected a size such as")


@pytest.mark.parametrize(
    ("text", "pointer"),
    [
        ('{"image": "x", "shutdownAction": "stopCompose"}', "/shutdownAction"),
        (
            '{"dockerComposeFile": "c.yml", "service": "s", "workspaceFolder": "/w",'
            ' "shutdownAction": "stopContainer"}',
            "/shutdownAction",
        ),
    ],
)
def test_shutdown_action_must_fit_the_kind_of_config(text: str, pointer: str) -> None:
    (message,) = _schema_messages(text)
    assert message.startswith(f"`{pointer}`: ")
    assert "Docker Compose" in message


def test_feature_mounts_are_objects_only() -> None:
    # the spec's Feature schema and the CLI's Feature type take Mount objects, not strings
    text = '{"id": "a", "version": "1.0.0", "mounts": ["source=x,target=/y,type=volume"]}'
    findings = schema_findings(parse(text), "devcontainer-feature.json", FEATURE_SCHEMA_FILE)
    assert [f.message for f in findings] == ["`/mounts/0`: expected an object, got a string"]
    ok = '{"id": "a", "version": "1.0.0", "mounts": [{"type": "volume", "target": "/y"}]}'
    assert schema_findings(parse(ok), "devcontainer-feature.json", FEATURE_SCHEMA_FILE) == []
