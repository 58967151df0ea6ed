"""Issue 13: credentials of ten formats planted in every kind of file devcon reads; every
command that reads them, in every format, prints none of them (stdout, stderr, -o files).

The credentials are generated at test time (nothing real-looking is committed). A credential
leaks when its whole value, or any 12-character run of its secret part, is in the output.
Exit codes may vary (findings, unreadable input, no network): only the output is judged."""

from __future__ import annotations

import base64
import json
import os
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from devcon.cli.app import main

ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
WINDOW = 12
# generated at test time from a fixed seed (DEVCON_PLANT_SEED to try others): the same
# credentials every run, so a failure can be reproduced
_RNG = random.Random(int(os.environ.get("DEVCON_PLANT_SEED", "13")))


@dataclass(frozen=True)
class Planted:
    label: str
    value: str  # as written in the files
    secret: str  # the part no 12 characters of which may be printed


def _random(length: int, alphabet: str = ALNUM) -> str:
    return "".join(_RNG.choice(alphabet) for _ in range(length))


def _b64url(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _credentials() -> list[Planted]:
    ghp = "ghp_" + _random(36)
    pat = "github_pat_" + _random(22) + "_" + _random(59)
    akia = "AKIA" + _random(16, string.ascii_uppercase + string.digits)
    aws_secret = _random(40, B64)
    slack = (
        "xoxb-" + _random(12, string.digits) + "-" + _random(13, string.digits) + "-" + _random(24)
    )
    body = [_random(64, B64) for _ in range(3)]
    pem = "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(body) + "\n-----END RSA PRIVATE KEY-----"
    jwt = ".".join(
        [_b64url({"alg": "HS256", "typ": "JWT"}), _b64url({"sub": _random(16)}), _random(43)]
    )
    password = _random(18)
    url = f"https://deploy:{password}@git.example.com/org/repo.git"
    glpat = "glpat-" + _random(20)
    google = "AIza" + _random(35)
    stripe = "sk_live_" + _random(24)
    npm = "npm_" + _random(36)
    return [
        Planted("GitHub PAT ghp_", ghp, ghp[4:]),
        Planted("GitHub PAT github_pat_", pat, pat[11:]),
        Planted("AWS access key id", akia, akia[4:]),
        Planted("AWS secret access key", aws_secret, aws_secret),
        Planted("Slack bot token", slack, slack[5:]),
        Planted("PEM private key", pem, "".join(body)),
        Planted("JWT", jwt, jwt[3:]),
        Planted("URL with user:password", url, password),
        Planted("GitLab PAT", glpat, glpat[6:]),
        Planted("Google API key", google, google[4:]),
        Planted("Stripe key", stripe, stripe[8:]),
        Planted("npm token", npm, npm[4:]),
    ]


def _leaks(planted: list[Planted], text: str) -> list[str]:
    found = []
    for p in planted:
        if p.value in text:
            found.append(f"{p.label}: whole value")
            continue
        for line in p.secret.split("\n"):
            runs = [line[i : i + WINDOW] for i in range(len(line) - WINDOW + 1)]
            hit = next((r for r in runs if r in text), None)
            if hit is not None:
                found.append(f"{p.label}: {hit!r}")
                break
    return found


def _json_text(value: str) -> str:
    return json.dumps(value)[1:-1]


def _plant(root: Path, creds: list[Planted]) -> None:
    by = {p.label: p.value for p in creds}
    ghp, pat, akia = by["GitHub PAT ghp_"], by["GitHub PAT github_pat_"], by["AWS access key id"]
    aws, slack, pem = by["AWS secret access key"], by["Slack bot token"], by["PEM private key"]
    jwt, url, glpat = by["JWT"], by["URL with user:password"], by["GitLab PAT"]
    google, stripe, npm = by["Google API key"], by["Stripe key"], by["npm token"]
    lower = ghp[4:].lower()  # a token where only lower case is allowed (tags, stage names)
    folder = root / ".devcontainer"
    folder.mkdir(parents=True)
    (folder / "devcontainer.json").write_text(
        "{\n"
        f"  // {ghp} {aws} {_json_text(pem)}\n"
        f'  "name": "{slack} \\u001b[2J",\n'
        f'  "build": {{"dockerfile": "Dockerfile",'
        f' "args": {{"NPM_TOKEN": "{npm}", "X": "{aws}"}}}},\n'
        f'  "{ghp}": 1,\n'
        f'  "{aws}": "{jwt}",\n'
        f'  "containerEnv": {{"AWS_ACCESS_KEY_ID": "{akia}", "AWS_SECRET_ACCESS_KEY": "{aws}",'
        f' "KEY": "{_json_text(pem)}", "{glpat}": "{google}"}},\n'
        f'  "runArgs": ["--env", "API_TOKEN={stripe}", "-e", "X={pat}", "{aws}"],\n'
        f'  "postCreateCommand": "curl -u admin:{aws} {url} && echo {jwt}",\n'
        f'  "postStartCommand": ["git", "clone", "{url}", "{google}"],\n'
        f'  "mounts": ["source={url},target=/x,type=bind",'
        f' {{"source": "{npm}", "target": "/y"}}],\n'
        f'  "forwardPorts": ["{stripe}"],\n'
        f'  "features": {{"ghcr.io/devcontainers/features/node:{lower}": {{"v": "{glpat}"}}}},\n'
        f'  "customizations": {{"vscode": {{"settings": {{"{ghp}": "{pat}"}}}}}},\n'
        f'  "remoteUser": "{aws}"\n'
        "}\n",
        encoding="utf-8",
    )
    (folder / "Dockerfile").write_text(
        f"# {ghp} {aws}\n"
        f"ARG BASE=127.0.0.1:1/base:{lower}\n"
        f"FROM 127.0.0.1:1/tool:{lower} AS tool\n"
        f"FROM $BASE AS dev\n"
        f"{ghp}\n"
        f"{aws}\n"
        f"{pem.splitlines()[1]}\n"
        f"ENV GITHUB_TOKEN={pat} AWS_SECRET_ACCESS_KEY={aws}\n"
        f"ARG NPM_TOKEN={npm}\n"
        f"LABEL token={slack}\n"
        f"RUN curl -u admin:{aws} {url} && echo {pem.splitlines()[2]} && pip install {aws}\n"
        f"RUN wget --http-password={glpat} https://example.com/{google}\n"
        f"COPY --from={ghp} /a /b\n"
        f"COPY <<EOF /root/.key\n{pem}\nEOF\n"
        f"RUN {jwt}\n"
        f"FROM 127.0.0.1:1/prod:{lower} AS prod\n"
        f"USER {aws}\n",
        encoding="utf-8",
    )
    (folder / "compose.yml").write_text(
        "services:\n"
        f"  {slack}:\n"
        f"    image: 127.0.0.1:1/db:{lower}\n"
        "    environment:\n"
        f"      DB_PASSWORD: {aws}\n"
        f"      URL: {url}\n"
        f"      - {ghp}\n"
        f"  web:\n"
        f"    image: {stripe}\n"
        f"    build:\n      args:\n        TOKEN: {npm}\n"
        f"    {google}: 1\n",
        encoding="utf-8",
    )
    (root / "requirements.txt").write_text(
        f"git+{url}\n{ghp}\n--index-url https://u:{aws}@pypi.example.com/simple\n"
        f"requests=={glpat}\n",
        encoding="utf-8",
    )
    (root / "environment.yml").write_text(
        f"name: {slack}\nchannels:\n  - https://conda.example.com/t/{npm}\n"
        f"dependencies:\n  - numpy={aws}\n  - pip:\n    - git+{url}\n    - {google}\n",
        encoding="utf-8",
    )
    feature = root / "src" / "feat"
    feature.mkdir(parents=True)
    (feature / "devcontainer-feature.json").write_text(
        json.dumps(
            {
                "id": "feat",
                "version": f"1.0.{ghp}",
                "name": aws,
                "options": {
                    "token": {"type": "string", "default": pat, "enum": [jwt, stripe]},
                    ghp: {"type": "boolean", "default": google},
                },
                "containerEnv": {"API_KEY": glpat, "PEM": pem},
                "mounts": [{"source": url, "target": "/m", "type": "bind"}],
            }
        ),
        encoding="utf-8",
    )
    (root / ".devcon.toml").write_text(
        f'trusted-registries = ["{lower}.example.com", "{aws}"]\n'
        f'[severity]\n"secret-in-config" = "error"\n',
        encoding="utf-8",
    )


def _commands(out: Path) -> Iterator[list[str]]:
    dockerfile = ".devcontainer/Dockerfile"
    for fmt in ("text", "json", "sarif", "github"):
        yield ["validate", ".", "--format", fmt]
        yield ["validate", ".", "--format", fmt, "-o", str(out / f"v.{fmt}")]
        yield ["validate", "requirements.txt", "environment.yml", "--format", fmt]
        yield ["pin", ".", "--check", "--offline", "--format", fmt]
        yield ["pin", ".", "--dry-run", "--offline", "--format", fmt]
        yield ["outdated", ".", "--offline", "--format", fmt]
        yield ["compat", ".", "--offline", "--format", fmt, "-o", str(out / f"c.{fmt}")]
        yield ["compat", ".", "--offline", "--format", fmt]
    for fmt in ("text", "json", "github"):
        yield [
            "parity",
            f"{dockerfile}#dev",
            f"{dockerfile}#prod",
            "--format",
            fmt,
            "--timeout",
            "2",
        ]
        yield ["parity", f"{dockerfile}#tool", f"{dockerfile}#nope", "--format", fmt]
    yield ["rules"]
    yield ["rules", "--format", "markdown"]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker-config"))


def test_no_planted_secret_in_any_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    creds = _credentials()
    project = tmp_path / "project"
    _plant(project, creds)
    out = tmp_path / "out"
    out.mkdir()
    leaks: list[str] = []
    ran = 0
    for argv in _commands(out):
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(project)
            code = main(argv)
        captured = capsys.readouterr()
        assert code in (0, 1, 2, 3), (argv, code, captured.err)
        assert "Traceback" not in captured.err and "internal error" not in captured.err, argv
        leaks += [
            f"{' '.join(argv)}: {leak}" for leak in _leaks(creds, captured.out + captured.err)
        ]
        ran += 1
    for written in sorted(out.iterdir()):
        leaks += [f"{written.name}: {leak}" for leak in _leaks(creds, written.read_text())]
    assert ran >= 40 and len(list(out.iterdir())) >= 4
    assert leaks == []


def test_no_planted_secret_in_a_config_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad `.devcon.toml` value is quoted in the error line: never the credential."""
    creds = _credentials()
    leaks: list[str] = []
    for p in creds:
        project = tmp_path / str(abs(hash(p.label)))
        (project / ".devcontainer").mkdir(parents=True)
        (project / ".devcontainer" / "devcontainer.json").write_text('{"image": "x"}')
        value = json.dumps(p.value)
        (project / ".devcon.toml").write_text(
            f'fail-on = {value}\nregistry-mirror = {value}\n[severity]\n{value} = "error"\n'
        )
        for argv in (["validate"], ["pin", "--check", "--offline"], ["compat", "--offline"]):
            with pytest.MonkeyPatch.context() as patch:
                patch.chdir(project)
                code = main(argv)
            captured = capsys.readouterr()
            assert code == 2, (p.label, argv, captured)
            leaks += [f"{p.label} {argv}: {leak}" for leak in _leaks(creds, captured.err)]
    assert leaks == []
