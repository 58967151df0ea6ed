"""base_fit: the dev/prod user lines, remoteUser and refusals for what init read of a base
(issue 14). Facts are built here; tests/integration/test_init_matrix.py builds the results on
the real engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from devcon.base_facts import KNOWN_TOOLS, BaseFacts, BaseUser
from devcon.base_fit import BaseRefused, Unread, fit_base
from devcon.cli.app import main
from devcon.hints import Hint, Hinted
from devcon.scaffold import InitRequest, load_templates, plan_and_write

DIGEST = "sha256:" + "0123456789abcdef" * 4
ROOT = BaseUser("root", 0, 0, "/root", "/bin/sh")
DEBIAN_TOOLS = frozenset({"sh", "bash", "useradd", "usermod", "groupmod", "python", "pip"})


def facts(
    *,
    users: tuple[BaseUser, ...] = (ROOT,),
    tools: frozenset[str] = DEBIAN_TOOLS,
    distro: str = "debian",
    libc: str = "glibc",
    config_user: str | None = None,
    complete: bool = True,
) -> BaseFacts:
    return BaseFacts(
        image="base:1",
        source="engine",
        distro_id=distro,
        distro_version="12",
        libc=libc,
        users=users,
        tools=tools,
        config_user=config_user,
        complete=complete,
        asked=frozenset(KNOWN_TOOLS),
    )


def fit(template: str, base: BaseFacts | Unread, user: str = "vscode", **kw: bool):  # type: ignore[no-untyped-def]
    return fit_base(template, user, base, image="base:1", suggested="good:1", **kw)


ALPINE = facts(
    distro="alpine",
    libc="musl",
    tools=frozenset({"sh", "adduser", "python", "pip"}),
)


def test_debian_without_uid_1000_user_creates_one_with_bash() -> None:
    result = fit("python", facts())
    assert "RUN useradd --create-home --uid 1000 --shell /bin/bash vscode" in result.dev_user
    assert result.dev_user.endswith("USER vscode") and result.remote_user == "vscode"
    assert "useradd --no-create-home --uid 10001" in result.prod_user
    assert result.prod_user.endswith("USER app") and result.inspected and result.notes == ()


def test_without_bash_the_shell_is_sh() -> None:
    result = fit("python", facts(tools=DEBIAN_TOOLS - {"bash"}))
    assert "--shell /bin/sh vscode" in result.dev_user and "bash" not in result.dev_user


def test_uid_1000_user_is_renamed_when_usermod_exists() -> None:
    ubuntu = BaseUser("ubuntu", 1000, 1000, "/home/ubuntu", "/bin/bash")
    result = fit("python", facts(users=(ROOT, ubuntu)))
    assert "usermod --login vscode --home /home/vscode --move-home ubuntu" in result.dev_user
    assert "groupmod --new-name vscode ubuntu" in result.dev_user
    assert "useradd" not in result.dev_user and result.remote_user == "vscode"


def test_uid_1000_user_is_reused_when_there_is_no_usermod() -> None:
    ubuntu = BaseUser("ubuntu", 1000, 1000, "/home/ubuntu", "/bin/sh")
    result = fit("python", facts(users=(ROOT, ubuntu), tools=frozenset({"sh", "python", "pip"})))
    assert result.dev_user.splitlines()[-1] == "USER ubuntu"
    assert result.remote_user == "ubuntu" and result.home == "/home/ubuntu"
    assert "RUN" not in result.dev_user
    assert result.prod_user == "USER ubuntu"  # no way to create `app`: the dev user


def test_a_user_named_as_the_templates_is_used_as_it_is() -> None:
    jovyan = BaseUser("jovyan", 1000, 100, "/home/jovyan", "/bin/bash")
    base = facts(users=(ROOT, jovyan), tools=DEBIAN_TOOLS | {"jupyter"}, config_user="1000")
    result = fit("jupyter", base, user="jovyan")
    assert result.dev_user.splitlines()[-1] == "USER jovyan" and "RUN" not in result.dev_user
    assert result.remote_user == "jovyan" and result.workdir == "/home/jovyan/work"
    assert result.prod_user == "USER jovyan"


def test_jupyter_without_jovyan_gets_a_created_user_and_a_workdir_it_has() -> None:
    # the issue: USER jovyan on a base without jovyan built and never ran
    result = fit("jupyter", facts(tools=DEBIAN_TOOLS | {"jupyter"}), user="jovyan")
    assert "jovyan" not in result.dev_user + result.prod_user  # jovyan only where it exists
    assert "useradd --create-home --uid 1000 --shell /bin/bash vscode" in result.dev_user
    assert result.remote_user == "vscode" and result.workdir == "/workspace"


def test_jupyter_on_a_plain_python_base_is_refused() -> None:
    with pytest.raises(BaseRefused) as caught:
        fit("jupyter", facts(), user="jovyan")
    assert caught.value.lacks == "jupyter" and caught.value.exit_code == 2
    assert "has no jupyter" in caught.value.message and "good:1" in caught.value.message


def test_alpine_is_refused_for_a_data_science_template() -> None:
    with pytest.raises(BaseRefused) as caught:
        fit("python", ALPINE)
    text = caught.value.text
    assert isinstance(text, Hinted) and Hint.INIT_ALLOW_ALPINE in text.parts
    assert "musl" in caught.value.message and "manylinux" in caught.value.message
    assert "good:1" in caught.value.message and "--" not in caught.value.message


def test_alpine_allowed_uses_busybox_adduser_and_says_why_it_is_a_risk() -> None:
    result = fit("python", ALPINE, allow_alpine=True)
    run = [line for line in result.dev_user.splitlines() if not line.startswith("#")]
    assert run == ["RUN adduser -D -u 1000 -s /bin/sh vscode", "USER vscode"]
    assert "RUN adduser -D -H -u 10001 app" in result.prod_user
    assert any("musl" in line for line in result.comments)
    assert all(line.startswith("# ") for line in result.comments)
    assert any("Alpine" in note for note in result.notes)


def test_minimal_on_alpine_needs_no_permission() -> None:
    result = fit("minimal", ALPINE)
    assert "adduser -D -u 1000" in result.dev_user and result.comments == ()


@pytest.mark.parametrize(
    ("tool", "line"),
    [
        ("conda", "conda env update -n base -f environment.yml"),
        ("mamba", "mamba env update -n base -f environment.yml"),
        ("micromamba", "micromamba install -y -n base -f environment.yml"),
    ],
)
def test_conda_uses_the_tool_the_base_has(tool: str, line: str) -> None:
    result = fit("conda", facts(tools=DEBIAN_TOOLS | {tool}))
    assert result.conda_update.startswith(line)


def test_conda_without_conda_is_refused() -> None:
    with pytest.raises(BaseRefused, match="has no conda or mamba or micromamba"):
        fit("conda", facts())


def test_r_without_r_is_refused() -> None:
    with pytest.raises(BaseRefused, match="has no R on its PATH"):
        fit("r", facts(), user="rstudio")


def test_r_user_joins_staff() -> None:
    result = fit("r", facts(tools=DEBIAN_TOOLS | {"R"}), user="rstudio")
    assert "usermod -a -G staff rstudio" in result.dev_user


def test_no_way_to_make_a_user_is_refused() -> None:
    with pytest.raises(BaseRefused, match="no useradd or adduser and no uid-1000 user"):
        fit("minimal", facts(tools=frozenset({"sh"})))


def test_a_non_root_base_switches_to_root_to_create_users() -> None:
    result = fit("python", facts(config_user="1000:1000"))
    lines = result.dev_user.splitlines()
    assert lines[1] == "USER root" and lines[-1] == "USER vscode"
    assert result.prod_user.startswith("USER root\n")


def test_a_partly_read_base_is_not_refused_for_a_tool_not_found() -> None:
    result = fit("conda", facts(complete=False))
    assert any("conda or mamba or micromamba was not found" in n for n in result.notes)


def test_a_user_name_init_cannot_write_safely_is_not_reused() -> None:
    odd = BaseUser("x;rm -rf", 1000, 1000, "/home/x", "/bin/sh")
    result = fit("python", facts(users=(ROOT, odd)))
    assert "x;rm" not in result.dev_user and "useradd --create-home" in result.dev_user


def test_unread_base_gets_the_portable_form_and_a_note() -> None:
    result = fit("python", Unread("no engine, and the registry was not reachable"))
    assert not result.inspected and "command -v useradd" in result.dev_user
    assert result.notes and "not inspected (no engine" in result.notes[0]


# -- through init ---------------------------------------------------------------------------


def _repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def test_refusal_writes_nothing_and_reads_the_base_after_every_local_check(
    tmp_path: Path,
) -> None:
    root = _repo(tmp_path / "repo", {"requirements.txt": "numpy==2.1.3\n"})
    asked: list[str] = []

    def reader(reference: str) -> BaseFacts:
        asked.append(reference)
        return ALPINE

    request = InitRequest(root=root, template="python")
    with pytest.raises(BaseRefused):
        plan_and_write(request, lambda ref: DIGEST, read_base=reader)
    assert asked == [f"python:3.12-slim-bookworm@{DIGEST}"]
    assert sorted(p.name for p in root.iterdir()) == ["requirements.txt"]


def test_alpine_comment_stands_above_the_from_line(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", {"requirements.txt": "numpy==2.1.3\n"})
    request = InitRequest(root=root, template="python", allow_alpine=True)
    result = plan_and_write(request, lambda ref: DIGEST, read_base=lambda ref: ALPINE)
    lines = (root / ".devcontainer" / "Dockerfile").read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("FROM "))
    assert lines[at - 1].startswith("# such as python:3.12-slim-bookworm avoids it")
    assert any("Alpine/musl" in n for n in result.notes)


def test_jupyter_remote_user_follows_the_base(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", {"requirements.txt": "numpy==2.1.3\n", "a.ipynb": "{}"})
    ubuntu = BaseUser("ubuntu", 1000, 1000, "/home/ubuntu", "/bin/sh")
    base = facts(users=(ROOT, ubuntu), tools=frozenset({"python", "pip", "jupyter"}))
    plan_and_write(InitRequest(root=root), lambda ref: DIGEST, read_base=lambda ref: base)
    config = (root / ".devcontainer" / "devcontainer.json").read_text()
    assert '"remoteUser": "ubuntu"' in config
    dockerfile = (root / ".devcontainer" / "Dockerfile").read_text()
    code = [line for line in dockerfile.splitlines() if not line.startswith("#")]
    assert "WORKDIR /workspace" in code and not any("jovyan" in line for line in code)


def test_every_template_renders_on_a_debian_base_with_every_tool(tmp_path: Path) -> None:
    base = facts(tools=DEBIAN_TOOLS | {"conda", "R", "jupyter"})
    for template in sorted(load_templates()):
        root = _repo(tmp_path / template, {})
        plan_and_write(
            InitRequest(root=root, template=template), lambda r: DIGEST, read_base=lambda r: base
        )
        text = (root / ".devcontainer" / "Dockerfile").read_text()
        assert "{{" not in text and "USER" in text.split("AS prod")[1]


def test_cli_refusal_names_the_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path / "repo", {"requirements.txt": "numpy==2.1.3\n"})
    monkeypatch.setattr("devcon.cli.init_cmd.read_base_facts", lambda *a, **k: ALPINE)
    assert main(["init", str(root), "--image", f"python:3.12-alpine@{DIGEST}"]) == 2
    err = capsys.readouterr().err
    assert "--allow-alpine" in err and "--image REF" in err and err.count("\n") == 1
    assert sorted(p.name for p in root.iterdir()) == ["requirements.txt"]
    assert (
        main(["init", str(root), "--image", f"python:3.12-alpine@{DIGEST}", "--allow-alpine"]) == 0
    )
    assert "RISK" in (root / ".devcontainer" / "Dockerfile").read_text()
