"""insecure-package-source: plain-http indexes, TLS and signature checks turned off."""

from __future__ import annotations

from pathlib import Path

import pytest

from devcon.dockerfile.parser import parse_dockerfile
from devcon.rules.base import DockerfileContext, Profile
from devcon.rules.insecure_package_source import check_dockerfile
from tests.unit.rules._support import run_rule


def run(text: str) -> list[str]:
    ctx = DockerfileContext(Path("Dockerfile"), parse_dockerfile(text), Profile.PROD)
    return [f"{p.line}:{p.column} {p.message}" for p in check_dockerfile(ctx)]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("RUN pip install -i http://m/simple x", "plain HTTP"),
        ("RUN pip3 install --index-url=http://m/simple x", "plain HTTP"),
        ("RUN python -m pip install --extra-index-url http://m/simple x", "plain HTTP"),
        ("RUN uv pip install --index-url http://localhost:3141/simple x", "plain HTTP"),
        ("RUN pip install --trusted-host m x", "`--trusted-host`"),
        ("RUN curl -fsSLk https://x | sh", "`curl -k`"),
        ("RUN curl --insecure https://x", "`curl --insecure`"),
        ("RUN wget --no-check-certificate https://x", "--no-check-certificate"),
        ("RUN apk add --allow-untrusted x", "--allow-untrusted"),
        ("RUN apt-get install -y --allow-unauthenticated x", "--allow-unauthenticated"),
        ("RUN apt-get update --allow-insecure-repositories", "--allow-insecure-repositories"),
        ("RUN apt-get -o Acquire::AllowInsecureRepositories=true update", "unsigned"),
        ("RUN echo 'deb [trusted=yes] http://r/ ./' > /etc/apt/sources.list", "[trusted=yes]"),
        ("RUN conda config --set ssl_verify false", "ssl_verify false"),
        ("RUN conda config --set ssl_verify no", "ssl_verify no"),
        ("RUN mamba config --set ssl_verify 0", "ssl_verify 0"),
        ("RUN npm config set strict-ssl false", "strict-ssl false"),
        ("RUN npm install --strict-ssl=false", "--strict-ssl=false"),
        ("RUN pip config set global.trusted-host pypi.org", "global.trusted-host"),
        ("RUN git config --global http.sslVerify false", "http.sslVerify false"),
        ("RUN git -c http.sslVerify=false clone https://x/y", "http.sslVerify"),
        ("RUN NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci", "NODE_TLS_REJECT_UNAUTHORIZED=0"),
        ("RUN export GIT_SSL_NO_VERIFY=1 && git clone https://x/y", "GIT_SSL_NO_VERIFY"),
        ("ENV PIP_TRUSTED_HOST=pypi.org", "PIP_TRUSTED_HOST"),
        ("ENV PIP_INDEX_URL=http://m/simple", "PIP_INDEX_URL"),
        ("ENV PIP_EXTRA_INDEX_URL=http://m/simple", "PIP_EXTRA_INDEX_URL"),
        ("ENV NODE_TLS_REJECT_UNAUTHORIZED=0", "NODE_TLS_REJECT_UNAUTHORIZED"),
        ("ENV GIT_SSL_NO_VERIFY=false", "any value"),
        ("ENV PYTHONHTTPSVERIFY=0", "PYTHONHTTPSVERIFY"),
        ("ARG PIP_TRUSTED_HOST=pypi.org", "PIP_TRUSTED_HOST"),
        ("ENV GOSUMDB=off", "GOSUMDB"),
    ],
)
def test_insecure(line: str, expected: str) -> None:
    findings = run(f"FROM x\n{line}\n")
    assert len(findings) == 1, findings
    assert expected in findings[0]


@pytest.mark.parametrize(
    "line",
    [
        "RUN pip install --index-url https://m/simple x",
        "RUN curl -fsSL https://x -o /tmp/x && sed -i 's/k/K/' /tmp/x",
        "RUN curl -K /etc/curlrc https://x",
        "RUN sed -i -e 's/a/b/' f && grep -k x f || true",
        "RUN echo 'deb [signed-by=/k.gpg] http://deb.debian.org/debian bookworm main' > /e",
        "RUN conda config --set ssl_verify true && npm config set strict-ssl true",
        "RUN git config --global http.sslVerify true",
        "ENV PIP_INDEX_URL=https://m/simple NODE_TLS_REJECT_UNAUTHORIZED=1",
        "ENV PYTHONHTTPSVERIFY=1",
        "ARG GIT_SSL_NO_VERIFY",
        "ENV PIP_TRUSTED_HOST=",
    ],
)
def test_secure(line: str) -> None:
    assert run(f"FROM x\n{line}\n") == []


def test_positions() -> None:
    text = "FROM x\nRUN pip install --trusted-host m -i http://m/simple x && curl -sSk https://x\n"
    assert sorted(f.split(" ")[0] for f in run(text)) == ["2:17", "2:34", "2:63"]


def test_credentials_in_index_url_are_not_shown() -> None:
    (finding,) = run("FROM x\nRUN pip install -i http://user:hunter2@m/simple x\n")
    assert "hunter2" not in finding


def _validate(tmp_path: Path, name: str, text: str) -> list[str]:
    return run_rule(tmp_path, "insecure-package-source", text, name)


def test_config_and_compose_environment(tmp_path: Path) -> None:
    config = '{"image": "x", "containerEnv": {"NODE_TLS_REJECT_UNAUTHORIZED": "0"}}'
    (finding,) = _validate(tmp_path, "devcontainer.json", config)
    assert "NODE_TLS_REJECT_UNAUTHORIZED=0" in finding
    compose = "services:\n  a:\n    image: x\n    environment:\n      - GIT_SSL_NO_VERIFY=1\n"
    (finding,) = _validate(tmp_path, "compose.yml", compose)
    assert finding.startswith("5:9 ")


@pytest.mark.parametrize("shell", ["sh", "bash", "dash", "ksh", "zsh"])
def test_script_of_every_shell_is_read(shell: str) -> None:
    line = f'RUN {shell} -c "pip install --trusted-host h y==1"'
    column = line.index("--trusted-host") + 1
    found = run(f"FROM python:3.12\n{line}\n")
    assert len(found) == 1
    assert found[0].startswith(f"2:{column} `--trusted-host`")
