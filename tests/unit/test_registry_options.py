"""Registry options are checked before any file is read or request made: a mirror is
HOST[:PORT] (no scheme), a platform is os/arch[/variant]; both are usage errors (exit 2)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from devcon.cli.app import main
from devcon.errors import UsageError
from devcon.registry.client import check_platform
from devcon.registry.factory import RegistrySettings, check_mirror


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("mirror.gcr.io", "mirror.gcr.io"),
        ("127.0.0.1:5000", "127.0.0.1:5000"),
        ("localhost:5000/", "localhost:5000"),
        ("[::1]:5000", "[::1]:5000"),
    ],
)
def test_mirror_hosts(value: str, expected: str) -> None:
    assert check_mirror(value) == expected
    assert RegistrySettings(registry_mirror=value).registry_mirror == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("http://h:5000", "has a scheme (http://)"),
        ("https://mirror.gcr.io", "has a scheme (https://)"),
        ("h:5000/v2", "is not HOST[:PORT]"),
        ("", "is not HOST[:PORT]"),
    ],
)
def test_mirror_urls_are_usage_errors(value: str, message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        check_mirror(value)
    with pytest.raises(UsageError, match=re.escape(message)):
        RegistrySettings(registry_mirror=value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("linux/arm64", "linux/arm64"), ("Linux/ARM/v7", "linux/arm/v7"), ("linux/amd64", None)],
)
def test_platforms(value: str, expected: str | None) -> None:
    assert check_platform(value) == (expected or value)


@pytest.mark.parametrize("value", ["arm64", "linux/", "/arm64", "linux/arm/v7/x", "linux arm64"])
def test_malformed_platforms(value: str) -> None:
    with pytest.raises(UsageError, match="is not os/arch"):
        check_platform(value)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["pin", "--platform", "arm64"], "--platform: 'arm64' is not os/arch[/variant]"),
        (["pin", "--registry-mirror", "http://127.0.0.1:5000"], "--registry-mirror: "),
        (["outdated", "--registry-mirror", "https://mirror.gcr.io"], "give HOST[:PORT] only"),
        (["pin", "--timeout", "0"], "--timeout: 0 is not a positive number"),
    ],
)
def test_cli_usage_errors_are_exit_2_before_any_work(
    argv: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine:3\n")

    def no_client(*_: object) -> object:
        raise AssertionError("no registry client may be built")

    monkeypatch.setattr("devcon.registry.factory.make_client", no_client)
    assert main([*argv, str(dockerfile)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert dockerfile.read_text() == "FROM alpine:3\n"


def test_mirror_from_the_devcon_config_is_checked_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / ".devcon.toml"
    config.write_text('registry-mirror = "http://mirror.example:5000"\n')
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine:3\n")
    assert main(["pin", "--config", str(config), str(dockerfile)]) == 2
    assert "registry-mirror (devcon config): 'http://mirror.example:5000' has a scheme" in (
        capsys.readouterr().err
    )


def test_every_command_shows_the_one_mirror_help() -> None:
    """One help text for --registry-mirror, in devcon.cli.options, for every command."""
    import typer.main

    from devcon.cli.app import app
    from devcon.cli.options import MIRROR_HELP

    group = typer.main.get_command(app)
    helps = {
        name: param.help
        for name, command in group.commands.items()  # type: ignore[attr-defined]
        for param in command.params
        if "--registry-mirror" in param.opts
    }
    assert set(helps) >= {"pin", "outdated", "parity", "compat", "validate", "init"}
    assert set(helps.values()) == {MIRROR_HELP}


@pytest.mark.parametrize(
    "argv",
    [
        ["parity", "reg.invalid/a:1", "reg.invalid/b:1", "--platform", "arm64"],
        ["compat", "reg.invalid/a:1", "--platform", "linux/"],
        ["parity", "reg.invalid/a:1", "reg.invalid/b:1", "--registry-mirror", "https://m"],
        ["compat", "reg.invalid/a:1", "--registry-mirror", "http://m:5000"],
    ],
)
def test_parity_and_compat_check_registry_options_first(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ("--platform" in err or "mirror" in err), err


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LOCALHOST:5000", True),
        ("127.0.0.1", True),
        ("127.0.0.1:5000", True),
        ("127.8.9.1:443", True),
        ("::1", True),
        ("[::1]:5000", True),
        ("[::1]", True),
        ("registry.example.com", False),
        ("registry.example.com:5000", False),
        ("10.0.0.1:5000", False),
        ("[2001:db8::1]:5000", False),
        ("2001:db8::1", False),
        ("localhost.example.com", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    from devcon.registry.transport import is_loopback

    assert is_loopback(host) is loopback
