"""Every credential format devcon.secrets knows is caught in every place a secret rule reads,
and the value never reaches any output format: only its name and a redacted form do.

The fake credentials are built by concatenation so that no literal in this file looks like a
real token to secret scanners; they are well-formed but not real.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devcon.cli.app import main
from devcon.secrets import classify, is_placeholder, is_secret_name, redact, scan


def fake(length: int, alphabet: str = "Ex4mpleN0tRealVa1ue") -> str:
    """A deterministic, obviously fake run of letters and digits."""
    return (alphabet * (length // len(alphabet) + 1))[:length]


def fake_upper(length: int) -> str:
    return fake(length, "EXAMPLE0NOTREAL7")


# kind reported -> a fake value of that format
FORMATS: dict[str, str] = {
    "AWS access key id (AKIA)": "AKIA" + fake_upper(16),
    "AWS access key id (ASIA)": "AS" + "IA" + fake_upper(16),
    "GitHub token (ghp_)": "ghp" + "_" + fake(36),
    "GitHub token (gho_)": "gho" + "_" + fake(36),
    "GitHub token (ghu_)": "ghu" + "_" + fake(36),
    "GitHub token (ghs_)": "ghs" + "_" + fake(36),
    "GitHub token (ghr_)": "ghr" + "_" + fake(36),
    "GitHub token (github_pat_)": "github" + "_pat_" + fake(22) + "_" + fake(59, "Zq9Wx8Yv7"),
    "GitLab token": "glpat" + "-" + fake(20),
    "Slack token": "xo" + "xb-" + "1234567" + "89012-" + "98765" + "43210987-" + fake(24),
    "Slack webhook": "https://hooks.slack.com/services/"
    + "T"
    + fake_upper(8)
    + "/B"
    + fake_upper(9)
    + "/"
    + fake(24),
    "Stripe key (sk_live_)": "sk" + "_live_" + fake(24),
    "Stripe key (rk_live_)": "rk" + "_live_" + fake(24),
    "Google API key": "AI" + "za" + fake(35),
    "private key": "-----BEGIN "
    + "RSA PRIVATE"
    + " KEY-----\n"
    + fake(64)
    + "\n-----END RSA "
    + "PRIVATE KEY-----",
    "npm token": "npm" + "_" + fake(36),
    "PyPI token": "pypi" + "-AgEI" + "cHlwaS5vcmc" + fake(60),
    "JSON web token": "ey" + "J" + fake(20) + ".ey" + "J" + fake(30, "Zq9Wx8Yv7") + "." + fake(43),
    "password in a URL": "postgres://" + "app:" + fake(14, "Hunt3rTwo") + "@db.internal:5432/app",
    "Hugging Face token": "hf" + "_" + fake(34),
    "OpenAI API key (project)": "sk" + "-proj-" + fake(48),
    "OpenAI API key (legacy)": "sk" + "-" + fake(20) + "T3Blbk" + "FJ" + fake(20, "Zq9Wx8Yv7"),
    "Anthropic API key": "sk" + "-ant-api03-" + fake(93),
    "Docker Hub token": "dckr" + "_pat_" + fake(27),
    "SendGrid API key": "S" + "G." + fake(22) + "." + fake(43, "Zq9Wx8Yv7"),
    "Azure storage key": "DefaultEndpointsProtocol=https;AccountName="
    + "exampleacct;Account"
    + "Key="
    + fake(86)
    + "==;EndpointSuffix=core.windows.net",
}
NAME = "MY_SETTING"  # an innocent name: these are caught by their format alone


def test_every_format_is_classified() -> None:
    for label, value in FORMATS.items():
        match = classify(NAME, value)
        assert match is not None, label
        assert match.by_format, label
        assert value not in match.redacted
        expected_kind = label.split(" (")[0]
        assert match.kind == expected_kind, label


def test_formats_are_found_inside_longer_text() -> None:
    for label, value in FORMATS.items():
        found = scan(f"curl -H 'Authorization: Bearer {value}' https://api.example.com")
        assert found, label


def _write_project(root: Path, value: str) -> None:
    """A definition using the value everywhere a secret rule reads: Dockerfile ENV/ARG/LABEL,
    devcontainer.json containerEnv/remoteEnv/build.args, compose environment (map and list)
    and compose build.args."""
    one_line = value.replace("\n", "\\n")
    app = root / ".devcontainer" / "app"
    db = root / ".devcontainer" / "db"
    app.mkdir(parents=True)
    db.mkdir(parents=True)
    (app / "Dockerfile").write_text(
        "FROM mcr.microsoft.com/devcontainers/base:bookworm\n"
        f'ARG {NAME}="{one_line}"\n'
        f'ENV {NAME}="{one_line}"\n'
        f'LABEL com.example.setting="{one_line}"\n',
        encoding="utf-8",
    )
    config = {
        "build": {"dockerfile": "Dockerfile", "args": {NAME: value}},
        "containerEnv": {NAME: value},
        "remoteEnv": {NAME: value},
    }
    (app / "devcontainer.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    (db / "devcontainer.json").write_text(
        json.dumps(
            {"dockerComposeFile": "../../compose.yml", "service": "app", "workspaceFolder": "/w"}
        ),
        encoding="utf-8",
    )
    quoted = json.dumps(value)  # a valid YAML double-quoted scalar
    (root / "compose.yml").write_text(
        "services:\n"
        "  app:\n"
        "    image: mcr.microsoft.com/devcontainers/base:bookworm\n"
        "    build:\n"
        "      context: .\n"
        "      dockerfile: .devcontainer/app/Dockerfile\n"
        "      args:\n"
        f"        {NAME}: {quoted}\n"
        "    environment:\n"
        f"      {NAME}: {quoted}\n"
        "  worker:\n"
        "    image: mcr.microsoft.com/devcontainers/base:bookworm\n"
        "    environment:\n"
        f"      - {json.dumps(NAME + '=' + value)}\n",
        encoding="utf-8",
    )


# where each finding must come from: (file name, rule, text in the message)
PLACES = [
    ("Dockerfile", "secret-in-dockerfile", f"ARG `{NAME}`"),
    ("Dockerfile", "secret-in-dockerfile", f"ENV `{NAME}`"),
    ("Dockerfile", "secret-in-dockerfile", "LABEL `com.example.setting`"),
    ("devcontainer.json", "secret-in-config", f"`build.args.{NAME}`"),
    ("devcontainer.json", "secret-in-config", f"`containerEnv.{NAME}`"),
    ("devcontainer.json", "secret-in-config", f"`remoteEnv.{NAME}`"),
    ("compose.yml", "secret-in-config", f"service `app` build arg `{NAME}`"),
    ("compose.yml", "secret-in-config", f"service `app` environment `{NAME}`"),
    ("compose.yml", "secret-in-config", f"service `worker` environment `{NAME}`"),
]
# fixed, public parts of some formats (the SARIF output holds `https://...` URLs of its own)
PUBLIC_PARTS = (
    "-----BEGIN RSA PRIVATE KEY-----",
    "-----END RSA PRIVATE KEY-----",
    "https://hooks.slack.com/services/",
    "postgres://",
    "DefaultEndpointsProtocol=https;AccountName=",
    ";EndpointSuffix=core.windows.net",
    # the formats' public prefixes, which redaction names (`github_pat_…<93 chars>`)
    "github_pat_",
    "sk_live_",
    "rk_live_",
    "sk-proj-",
    "sk-ant-api03-",
    "dckr_pat_",
    "AccountKey=",
)


def _leaks(value: str, output: str) -> list[str]:
    """8-character (or longer) pieces of the value found in the output."""
    pieces = {value[i : i + 8] for i in range(len(value) - 7)}
    pieces = {p for p in pieces if "\n" not in p and not any(p in part for part in PUBLIC_PARTS)}
    return sorted(p for p in pieces if p in output)


@pytest.mark.parametrize("label", list(FORMATS))
def test_caught_everywhere_and_never_printed(
    label: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    value = FORMATS[label]
    root = tmp_path / "project"
    _write_project(root, value)
    monkeypatch.chdir(tmp_path)
    outputs: dict[str, str] = {}
    for fmt in ("text", "json", "sarif", "github"):
        code = main(["validate", str(root), "--format", fmt])
        captured = capsys.readouterr()
        assert code == 1, (fmt, captured.err)
        outputs[fmt] = captured.out
        for stream in (captured.out, captured.err):
            assert value not in stream, fmt
            assert _leaks(value, stream) == [], (label, fmt)
    findings = [
        f
        for f in json.loads(outputs["json"])["findings"]
        if f["rule"] in ("secret-in-config", "secret-in-dockerfile")
    ]
    redacted = redact(value)
    for file_name, rule, where in PLACES:
        hits = [
            f
            for f in findings
            if f["rule"] == rule and Path(f["path"]).name == file_name and where in f["message"]
        ]
        assert len(hits) == 1, (label, where, findings)
        message = hits[0]["message"]
        assert NAME in message or "com.example.setting" in message
        if "\n" not in value:  # the Dockerfile holds the private key with `\n` escapes
            assert redacted in message or file_name == "Dockerfile", (label, message)
    assert len(findings) == len(PLACES), findings


# -- names and placeholders ------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "TOKEN",
        "GITHUB_TOKEN",
        "NODE_AUTH_TOKEN",
        "DB_PASSWORD",
        "MYSQL_ROOT_PASSWORD",
        "DB_PASSWD",
        "DB_PWD",
        "SECRET",
        "CLIENT_SECRET",
        "clientSecret",
        "API_KEY",
        "APIKEY",
        "apiKey",
        "ACCESS_KEY",
        "AWS_SECRET_ACCESS_KEY",
        "PRIVATE_KEY",
        "AUTH",
        "NPM_AUTH",
        "CREDENTIALS",
        "GOOGLE_CREDENTIAL",
        "DBPASSWORD",
        "com.example.api-key",
    ],
)
def test_secret_like_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "USERNAME",
        "USER",
        "USER_UID",
        "USER_GID",
        "PWD",
        "OLDPWD",
        "GPG_KEY",
        "PYTHON_GPG_KEY",
        "KEY_ID",
        "NODE_FINGERPRINT",
        "APT_KEYRING",
        "TOKEN_FILE",
        "PASSWORD_FILE",
        "SECRET_PATH",
        "SECRETS_DIR",
        "AUTH_URL",
        "DATABASE_URL",
        "AWS_ACCESS_KEY_ID",
        "CLIENT_ID",
        "SSH_PUBLIC_KEY",
        "AUTHOR",
        "org.opencontainers.image.authors",
        "TOKENIZERS_PARALLELISM",
        "SORT_KEY",
        "PASSWORD_STDIN",
    ],
)
def test_names_that_are_not_secrets(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "  ",
        "${localEnv:GITHUB_TOKEN}",
        "${GITHUB_TOKEN}",
        "$GITHUB_TOKEN",
        "${TOKEN:-}",
        "<your-token>",
        "xxx",
        "XXXX-XXXX",
        "***",
        "your-token-here",
        "YOUR_API_KEY",
        "TODO",
        "none",
        "null",
        "false",
        "true",
        "0",
        "{{ token }}",
        "/run/secrets/db_password",
        "$(cat /run/secrets/token)",
    ],
)
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)
    assert classify("API_TOKEN", value) is None


@pytest.mark.parametrize("value", ["changeme", "postgres", "P@ssw0rd", "hunter2", "P@$$w0rd"])
def test_literal_default_passwords_are_secrets(value: str) -> None:
    assert not is_placeholder(value)
    match = classify("DB_PASSWORD", value)
    assert match is not None and match.kind == "password" and not match.by_format


def test_url_with_variable_password_is_not_a_secret() -> None:
    assert classify("DATABASE_URL", "postgres://app:${DB_PASSWORD}@db/app") is None
    assert classify("REPO", "https://x-access-token:$TOKEN@github.com/o/r.git") is None
    assert classify("REDIS_URL", "redis://cache:6379/0") is None
    assert classify("DATABASE_URL", "postgres://app:" + "hunter2" + "@db/app") is not None


def test_aws_secret_access_key_needs_an_aws_name() -> None:
    value = fake(40)
    match = classify("AWS_SECRET_ACCESS_KEY", value)
    assert match is not None and match.kind == "AWS secret access key"
    assert classify("BUILD_CHECKSUM", value) is None


def test_azurite_development_key_is_not_a_secret() -> None:
    value = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;Account" + "Key=" + fake(86)
    assert classify("AZURE_STORAGE", value) is None


def test_redact() -> None:
    assert redact("hunter2") == "<7 chars>"
    assert redact("a") == "<1 char>"
    long_value = "ghp" + "_" + fake(36)
    assert redact(long_value) == "ghp_…<40 chars>"
    # a value with no public prefix shows none of its characters, however long
    generic = "3f9a" + fake(28)
    assert redact(generic) == "<32 chars>"
    assert redact("postgres://app:" + fake(12) + "@db/app") == "postgres://…<34 chars>"
    for label, value in FORMATS.items():
        shown = redact(value).split("…")[0]
        if not shown.startswith("<"):  # a public prefix, then nothing of the rest
            assert shown == value[: len(shown)] and shown in redact(value), label
            assert len(shown) < len(value) - 8, label


@pytest.mark.parametrize("label", [k for k, v in FORMATS.items() if scan(v)])
def test_copy_heredoc_secrets_are_caught_and_never_printed(
    label: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`COPY <<EOF` writes its text into the image as a file: known formats in it count."""
    value = FORMATS[label]
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        f"FROM debian:12\nCOPY <<EOF /root/.config/tool/credentials\n[default]\n"
        f"key = {value}\nEOF\n",
        encoding="utf-8",
    )
    for fmt in ("text", "json", "sarif", "github"):
        code = main(
            ["validate", str(dockerfile), "--select", "secret-in-dockerfile", "--format", fmt]
        )
        captured = capsys.readouterr()
        assert code == 1, (label, fmt, captured.out)
        assert _leaks(value, captured.out + captured.err) == [], (label, fmt)
        if fmt == "text":
            assert ":4:" in captured.out and "COPY holds" in captured.out, captured.out
