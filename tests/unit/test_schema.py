"""devcon's devcontainer.json schema and the findings built from it (devcon.schema)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from devcon.findings import Finding, Severity
from devcon.jsonc import parse
from devcon.schema import load_schema, schema_findings
from tests.corpus_support import corpus_files, corpus_root

REPO = Path(__file__).resolve().parents[2]


def _ids(paths: list[Path]) -> list[str]:
    root = corpus_root()
    assert root is not None or not paths
    return [str(p.relative_to(root)) for p in paths] if root else []


def _check(text: str) -> list[Finding]:
    return schema_findings(parse(text), "devcontainer.json")


def _check_file(path: Path) -> list[Finding]:
    return schema_findings(parse(path.read_text(encoding="utf-8")), str(path))


def _messages(findings: list[Finding]) -> list[str]:
    return [f.message for f in findings]


# -- the schema file ---------------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    from jsonschema import Draft202012Validator

    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_top_level_is_one_object_schema_without_alternatives() -> None:
    schema = load_schema()
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    for keyword in ("oneOf", "anyOf", "allOf", "required"):
        assert keyword not in schema


def test_every_spec_property_is_listed() -> None:
    expected = {
        "$schema", "name", "image", "build", "dockerComposeFile", "service", "runServices",
        "forwardPorts", "appPort", "portsAttributes", "otherPortsAttributes", "containerEnv",
        "remoteEnv", "remoteUser", "containerUser", "updateRemoteUserUID", "userEnvProbe",
        "overrideCommand", "shutdownAction", "init", "privileged", "capAdd", "securityOpt",
        "mounts", "workspaceMount", "workspaceFolder", "runArgs", "features",
        "overrideFeatureInstallOrder", "customizations", "hostRequirements", "secrets",
        "initializeCommand", "onCreateCommand", "updateContentCommand", "postCreateCommand",
        "postStartCommand", "postAttachCommand", "waitFor",
        # deprecated, accepted here and reported by another rule
        "extensions", "settings", "devPort", "dockerFile", "context",
    }  # fmt: skip
    assert set(load_schema()["properties"]) == expected


def test_importing_the_module_does_not_import_jsonschema() -> None:
    code = (
        "import sys, devcon.schema\n"
        "assert 'jsonschema' not in sys.modules, 'jsonschema imported eagerly'\n"
        "assert 'referencing' not in sys.modules, 'referencing imported eagerly'\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), *sys.path])}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


# -- real files that must pass -------------------------------------------------------------

TEMPLATES_AND_IMAGES = corpus_files("devcontainers__templates") + corpus_files(
    "devcontainers__images"
)


@pytest.mark.corpus
def test_corpus_has_the_expected_files() -> None:
    assert len(corpus_files("devcontainers__templates")) >= 40
    assert len(corpus_files("devcontainers__images")) >= 19


@pytest.mark.corpus
@pytest.mark.parametrize("path", TEMPLATES_AND_IMAGES, ids=_ids(TEMPLATES_AND_IMAGES))
def test_templates_and_images_pass(path: Path) -> None:
    assert _check_file(path) == []


ODD_CLI_FIXTURES = [
    # top-level extensions / settings / devPort (deprecated, accepted here)
    "devcontainers__cli/src/test/configs/compose-Dockerfile-alpine/.devcontainer/devcontainer.json",
    "devcontainers__cli/src/test/configs/compose-Dockerfile-without-features/.devcontainer/"
    "devcontainer.json",
    "devcontainers__cli/src/test/configs/compose-image-without-features/.devcontainer/"
    "devcontainer.json",
    # no image, build or dockerComposeFile at all
    "devcontainers__cli/src/test/configs/set-up-with-config/devcontainer.json",
    # object mounts without "source" (an anonymous volume; the spec made source optional)
    "devcontainers__cli/src/test/configs/image-with-mounts/.devcontainer/devcontainer.json",
    "devcontainers__cli/src/test/configs/compose-image-with-mounts/.devcontainer/devcontainer.json",
    # build.options, parallel (object) initializeCommand
    "devcontainers__cli/src/test/configs/dockerfile-with-target/.devcontainer.json",
    "devcontainers__cli/src/test/configs/image-with-parallel-initialize-command/.devcontainer.json",
]


@pytest.mark.corpus
@pytest.mark.parametrize("relative", ODD_CLI_FIXTURES)
def test_odd_cli_fixtures_pass(relative: str, corpus: Path) -> None:
    path = corpus / relative
    assert path.is_file(), f"corpus file missing: {path}"
    assert _check_file(path) == []


# -- small documents that must pass ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "x"}',
        "{}",
        '{"image": "mcr.microsoft.com/devcontainers/base:bookworm"}',
        '{"build": {"dockerfile": "Dockerfile", "context": "..", "args": {"V": "1"},'
        ' "target": "dev", "cacheFrom": "ghcr.io/x/y", "options": ["--platform", "linux/amd64"]}}',
        '{"build": {"dockerfile": "Dockerfile", "cacheFrom": ["a", "b"]}}',
        '{"dockerComposeFile": ["a.yml", "b.yml"], "service": "app", "runServices": ["app"],'
        ' "workspaceFolder": "/workspaces/x", "shutdownAction": "stopCompose"}',
        # deprecated forms: top-level dockerFile/context with build options only
        '{"dockerFile": "Dockerfile", "context": "..", "build": {"args": {"A": "b"}}}',
        '{"extensions": ["ms-python.python"], "settings": {"a": 1}, "devPort": 8000}',
        # lifecycle commands in all three forms
        '{"postCreateCommand": "npm ci", "postStartCommand": ["echo", "hi"],'
        ' "postAttachCommand": {"server": "npm start", "db": ["mysql", "-u", "root"]},'
        ' "initializeCommand": {"a": "touch x"}, "waitFor": "postCreateCommand"}',
        '{"hostRequirements": {"cpus": 4, "memory": "8gb", "storage": "32gb", "gpu": true}}',
        '{"hostRequirements": {"gpu": "optional"}}',
        '{"hostRequirements": {"gpu": {"cores": 2, "memory": "4gb"}}}',
        '{"mounts": ["source=a,target=/b,type=volume",'
        ' {"type": "bind", "source": "/x", "target": "/y"}, {"type": "volume", "target": "/z"}]}',
        '{"forwardPorts": [3000, "db:5432"], "appPort": 8080}',
        '{"appPort": ["127.0.0.1:2222:2222", 8000]}',
        '{"portsAttributes": {"3000": {"label": "App", "onAutoForward": "openBrowserOnce",'
        ' "protocol": "https", "requireLocalPort": true, "elevateIfNeeded": false},'
        ' "40000-55000": {"onAutoForward": "ignore"}, ".+\\\\/server.js": {}},'
        ' "otherPortsAttributes": {"onAutoForward": "silent"}}',
        '{"secrets": {"API_KEY": {"description": "key", "documentationUrl": "https://x"},'
        ' "OTHER": {}}}',
        '{"remoteEnv": {"A": "x", "UNSET": null}, "containerEnv": {"B": "y"}}',
        '{"features": {"ghcr.io/devcontainers/features/node:1": {"version": "lts"},'
        ' "ghcr.io/x/y:1": "latest", "ghcr.io/x/z:1": true},'
        ' "overrideFeatureInstallOrder": ["ghcr.io/x/y"]}',
        '{"customizations": {"vscode": {"extensions": [], "settings": {}}, "codespaces": {}}}',
        '{"$schema": "https://example.com/schema.json", "init": true, "privileged": false,'
        ' "capAdd": ["SYS_PTRACE"], "securityOpt": ["seccomp=unconfined"],'
        ' "runArgs": ["--init"], "userEnvProbe": "loginInteractiveShell",'
        ' "updateRemoteUserUID": false, "overrideCommand": true, "remoteUser": "vscode",'
        ' "containerUser": "root"}',
        # JSONC: comments and trailing commas
        '// top\n{\n  /* block */ "name": "x", // end\n  "forwardPorts": [1, 2,],\n}\n',
    ],
)
def test_valid_documents_pass(text: str) -> None:
    assert _check(text) == []


def test_image_and_compose_together_are_not_a_schema_error() -> None:
    # The spec lists them as alternatives; a separate rule reports the conflict.
    assert _check('{"image": "x", "dockerComposeFile": "c.yml", "service": "app"}') == []


def test_variables_are_accepted_wherever_a_string_is() -> None:
    # except where the spec's schema has a pattern (forwardPorts strings, hostRequirements
    # sizes): no variable there (tests/unit/test_spec_alignment.py, docs/spec-deviations.md)
    text = """{
  "name": "${localWorkspaceFolderBasename}",
  "image": "mcr.microsoft.com/devcontainers/${templateOption:imageVariant}",
  "workspaceMount": "source=${localWorkspaceFolder},target=/w,type=bind",
  "workspaceFolder": "/workspaces/${localWorkspaceFolderBasename}",
  "containerEnv": {"HOME_COPY": "${localEnv:HOME}${localEnv:USERPROFILE}"},
  "remoteEnv": {"PATH": "${containerEnv:PATH}:/extra", "D": "${localEnv:X:default}"},
  "appPort": "${localEnv:APP_PORT}",
  "mounts": [
    "source=${devcontainerId}-history,target=/history,type=volume",
    {"type": "bind", "source": "${localEnv:HOME}/.kube", "target": "${containerWorkspaceFolder}/k"}
  ],
  "build": {"dockerfile": "${templateOption:dockerfile}", "args": {"V": "${localEnv:V}"}},
  "runArgs": ["--name", "${devcontainerId}"],
  "postCreateCommand": "echo ${containerWorkspaceFolder}"
}"""
    assert _check(text) == []


# -- bad documents: exactly the expected findings -------------------------------------------


def test_bad_nested_value_gives_one_precise_finding() -> None:
    text = '{\n  "name": "x",\n  "build": {\n    "dockerfile": 5\n  }\n}'
    assert _check(text) == [
        Finding(
            "devcontainer.json",
            4,
            19,
            "schema",
            Severity.ERROR,
            "`/build/dockerfile`: expected a string, got an integer",
        )
    ]


def test_schema_findings_are_capped_per_file_with_a_count_of_the_rest() -> None:
    # issue 13 item 9 (fuzz: many-invalid-forward-ports): 6,000 invalid items were 6,000
    # findings at some 0.35 ms each; the first MAX_SCHEMA_FINDINGS by position are reported,
    # then one finding, at the next one's place, counts the rest
    from devcon.schema import MAX_SCHEMA_FINDINGS

    count = MAX_SCHEMA_FINDINGS + 250
    text = '{"image": "x",\n"forwardPorts": [\n' + ",\n".join(["[]"] * count) + "\n]}"
    findings = _check(text)
    assert len(findings) == MAX_SCHEMA_FINDINGS + 1
    shown, rest = findings[:-1], findings[-1]
    assert [f.line for f in shown] == list(range(3, 3 + MAX_SCHEMA_FINDINGS))
    assert shown[-1].message.startswith(f"`/forwardPorts/{MAX_SCHEMA_FINDINGS - 1}`: expected")
    assert (rest.rule, rest.severity, rest.line, rest.column) == (
        "schema",
        Severity.ERROR,
        3 + MAX_SCHEMA_FINDINGS,
        1,
    )
    assert rest.message == (
        f"250 more schema problems in this file not shown (devcon reports at most "
        f"{MAX_SCHEMA_FINDINGS} a file)"
    )
    # at the cap exactly: no count
    text = '{"image": "x",\n"forwardPorts": [' + ",".join(["[]"] * MAX_SCHEMA_FINDINGS) + "]}"
    assert len(_check(text)) == MAX_SCHEMA_FINDINGS


def test_unknown_property_is_reported_at_its_key_with_did_you_mean() -> None:
    text = '{\n  "image": "x",\n  "hostRequirment": {"cpus": 2}\n}'
    (finding,) = _check(text)
    assert (finding.line, finding.column) == (3, 3)
    assert finding.message == (
        "`/hostRequirment`: unknown property 'hostRequirment' (did you mean 'hostRequirements'?)"
    )
    assert finding.rule == "schema" and finding.severity is Severity.ERROR


def test_unknown_nested_property_suggests_from_that_object() -> None:
    text = '{"portsAttributes": {"3000": {"lable": "App"}}}'
    (finding,) = _check(text)
    assert finding.message == (
        "`/portsAttributes/3000/lable`: unknown property 'lable' (did you mean 'label'?)"
    )
    assert (finding.line, finding.column) == (1, 31)


def test_unknown_property_without_close_match_has_no_suggestion() -> None:
    (finding,) = _check('{"zzzzzz": 1}')
    assert finding.message == "`/zzzzzz`: unknown property 'zzzzzz'"


def test_wrong_type_in_lifecycle_object_form() -> None:
    text = (
        '{\n  "postCreateCommand": {\n'
        '    "ok": "npm ci",\n    "bad": 42,\n    "arr": ["a", 1]\n  }\n}'
    )
    findings = _check(text)
    assert [(f.line, f.column, f.message) for f in findings] == [
        (4, 12, "`/postCreateCommand/bad`: expected a string or an array, got an integer"),
        (5, 18, "`/postCreateCommand/arr/1`: expected a string, got an integer"),
    ]


def test_wrong_type_for_lifecycle_command() -> None:
    (finding,) = _check('{"onCreateCommand": true}')
    assert finding.message == (
        "`/onCreateCommand`: expected a string, an array or an object, got a boolean"
    )


def test_bad_mounts_object() -> None:
    text = (
        '{\n  "mounts": [\n'
        '    {"type": "tmpfs", "target": "/x", "src": "y"},\n'
        '    {"source": "a"},\n'
        "    7\n  ]\n}"
    )
    findings = _check(text)
    assert [(f.line, f.column, f.message) for f in findings] == [
        (3, 14, "`/mounts/0/type`: expected one of 'bind', 'volume', got 'tmpfs'"),
        (3, 39, "`/mounts/0/src`: unknown property 'src' (did you mean 'source'?)"),
        (4, 5, "`/mounts/1`: missing required property 'target'"),
        (4, 5, "`/mounts/1`: missing required property 'type'"),
        (5, 5, "`/mounts/2`: expected a string or an object, got an integer"),
    ]


GPU_FORMS = "a boolean, 'optional' or an object"


@pytest.mark.parametrize(
    ("gpu", "message"),
    [
        ('"yes"', f"`/hostRequirements/gpu`: expected {GPU_FORMS}, got 'yes'"),
        ("3", f"`/hostRequirements/gpu`: expected {GPU_FORMS}, got an integer"),
        ('{"cores": "2"}', "`/hostRequirements/gpu/cores`: expected an integer, got a string"),
        ('{"cores": 0}', "`/hostRequirements/gpu/cores`: must be at least 1, got 0"),
        (
            '{"memry": "1gb"}',
            "`/hostRequirements/gpu/memry`: unknown property 'memry' (did you mean 'memory'?)",
        ),
    ],
)
def test_bad_gpu_value(gpu: str, message: str) -> None:
    findings = _check('{"hostRequirements": {"gpu": ' + gpu + "}}")
    assert _messages(findings) == [message]
    assert "valid under any" not in message


def test_bad_size_is_explained() -> None:
    (finding,) = _check('{"hostRequirements": {"memory": "4 GB"}}')
    assert finding.message.startswith("`/hostRequirements/memory`: expected a size such as")
    assert finding.message.endswith("got '4 GB'")


def test_bad_shutdown_action_enum() -> None:
    (finding,) = _check('{\n  "image": "x",\n  "shutdownAction": "stopcontainer"\n}')
    assert (finding.line, finding.column) == (3, 21)
    assert finding.message == (
        "`/shutdownAction`: expected one of 'none', 'stopContainer', 'stopCompose', "
        "got 'stopcontainer' (did you mean 'stopContainer'?)"
    )


def test_ports_accept_integers_and_strings_only() -> None:
    findings = _check('{"forwardPorts": [3000, {}, 70000, true]}')
    assert _messages(findings) == [
        "`/forwardPorts/1`: expected an integer or a string, got an object",
        "`/forwardPorts/2`: must be at most 65535, got 70000",
        "`/forwardPorts/3`: expected an integer or a string, got a boolean",
    ]


def test_root_that_is_not_an_object() -> None:
    (finding,) = _check("[1]")
    assert finding.message == "`/`: expected an object, got an array"
    assert (finding.line, finding.column) == (1, 1)


def test_compose_without_service_and_mount_without_folder() -> None:
    findings = _check('{\n  "dockerComposeFile": "c.yml",\n  "workspaceMount": "x"\n}')
    assert [(f.line, f.column, f.message) for f in findings] == [
        (
            2,
            3,
            "`/dockerComposeFile`: 'service' must also be set when 'dockerComposeFile' is used",
        ),
        (
            3,
            3,
            "`/workspaceMount`: 'workspaceFolder' must also be set when 'workspaceMount' is used",
        ),
    ]


def test_build_without_dockerfile() -> None:
    (finding,) = _check('{"build": {"context": ".."}}')
    assert finding.message == "`/build`: missing required property 'dockerfile'"
    assert (finding.line, finding.column) == (1, 11)


def test_bad_secret_name_is_reported_at_the_key() -> None:
    findings = _check('{"secrets": {"1BAD": {}, "OK": {"description": 1}}}')
    assert [(f.column, f.message.split(":")[0]) for f in findings] == [
        (14, "`/secrets/1BAD`"),
        (48, "`/secrets/OK/description`"),
    ]
    assert "environment variable name" in findings[0].message


def test_several_problems_are_sorted_by_position_and_not_duplicated() -> None:
    text = '{\n  "waitFor": "later",\n  "name": 1,\n  "features": {"a": 2}\n}'
    findings = _check(text)
    assert [f.line for f in findings] == [2, 3, 4]
    assert len({f.message for f in findings}) == 3
    for finding in findings:
        assert "valid under any" not in finding.message
