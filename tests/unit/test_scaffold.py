"""`devcon init` without a registry: detection, options, rendering, writing, prompting.

A fake digest resolver stands in for the registry; the generated files are checked in process
with devcon's own validate, pin --check and parity (tests/integration/test_init.py builds them
on the real engine).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from devcon.cli import init_cmd
from devcon.cli.app import main
from devcon.cli.flags import flag_words
from devcon.errors import InputError, UsageError
from devcon.scaffold import InitRequest, InitResult, detect, load_templates, plan_and_write

DIGEST = "sha256:" + "0123456789abcdef" * 4
TEMPLATES = sorted(load_templates())
STACKS = [t for t in TEMPLATES if t != "minimal"]
DEFAULT_BASES = {
    "python": "python:3.12-slim-bookworm",
    "conda": "condaforge/miniforge3:24.9.2-0",
    "jupyter": "quay.io/jupyter/scipy-notebook:python-3.12",
    "r": "rocker/r-ver:4.4.1",
    "cuda": "pytorch/pytorch:2.4.1-cuda12.4-cudnn9-runtime",
    "minimal": "mcr.microsoft.com/devcontainers/base:bookworm",
}


class FakeResolver:
    """Records the references it is asked for and answers one digest."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, reference: str) -> str:
        self.calls.append(reference)
        return DIGEST


def _never(reference: str) -> str:
    raise AssertionError(f"the registry was asked for {reference} although init had to stop")


def _init(root: Path, **kwargs: object) -> tuple[InitResult, FakeResolver]:
    resolver = FakeResolver()
    result = plan_and_write(InitRequest(root=root, **kwargs), resolver)  # type: ignore[arg-type]
    return result, resolver


def _jsonc(path: Path) -> dict[str, object]:
    text = "\n".join(
        line for line in path.read_text().splitlines() if not line.strip().startswith("//")
    )
    data = json.loads(text)
    assert isinstance(data, dict)
    return data


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.fixture(autouse=True)
def _no_ci_no_tty(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("CI", raising=False)
    yield


# -- detection ----------------------------------------------------------------------------


def _detected(root: Path) -> list[str]:
    return [c[0] for c in detect(root, load_templates())]


@pytest.mark.parametrize(
    ("files", "expected", "why"),
    [
        ({"requirements.txt": "numpy==2.1.3\n"}, "python", "requirements.txt"),
        ({"pyproject.toml": '[project]\nname = "x"\n'}, "python", "pyproject.toml"),
        ({"setup.py": ""}, "python", "setup.py"),
        ({"environment.yml": "dependencies: [python=3.12]\n"}, "conda", "environment.yml"),
        ({"analysis.ipynb": "{}"}, "jupyter", "analysis.ipynb"),
        ({"notebooks/eda.ipynb": "{}"}, "jupyter", "notebooks/eda.ipynb"),
        ({"studies/2024/q1/eda.ipynb": "{}"}, "jupyter", "studies/2024/q1/eda.ipynb"),
        ({"renv.lock": "{}"}, "r", "renv.lock"),
        ({"DESCRIPTION": "Package: x\n"}, "r", "DESCRIPTION"),
        ({"requirements.txt": "torch==2.4.1\n"}, "cuda", "requirements.txt mentions torch"),
        (
            {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["torch>=2.4"]\n'},
            "cuda",
            "pyproject.toml mentions torch",
        ),
    ],
)
def test_detection_proposes_the_stack(
    tmp_path: Path, files: dict[str, str], expected: str, why: str
) -> None:
    root = _repo(tmp_path / "repo", files)
    candidates = detect(root, load_templates())
    assert candidates[0][0] == expected
    assert why in candidates[0][1]
    result, _ = _init(root, dry_run=True)
    assert result.template.id == expected and result.chosen_by == "detected"


def test_detection_ignores_vendored_hidden_and_too_deep_notebooks(tmp_path: Path) -> None:
    root = _repo(
        tmp_path / "repo",
        {
            ".ipynb_checkpoints/a-checkpoint.ipynb": "{}",
            ".venv/lib/site.ipynb": "{}",
            "node_modules/pkg/demo.ipynb": "{}",
            "a/b/c/d/deep.ipynb": "{}",
        },
    )
    assert "jupyter" not in _detected(root)


def test_torch_is_matched_as_a_package_name_not_a_substring(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", {"requirements.txt": "pytorch-lightning==2.4.0\n"})
    assert _detected(root) == ["python"]


def test_nothing_detected_gives_minimal(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", {"README.md": "hello\n"})
    result, _ = _init(root, dry_run=True)
    assert result.template.id == "minimal" and result.chosen_by == "default"


def test_several_stacks_best_first(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", {"requirements.txt": "numpy==2.1.3\n", "eda.ipynb": "{}"})
    assert _detected(root) == ["jupyter", "python"]


# -- options and usage errors (exit 2, nothing written, no network) -----------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--template", "rust"], "unknown template 'rust' (choose from conda, cuda, jupyter"),
        (["--template", "python", "--r", "4.4.1"], "template python has no option --r"),
        (["--template", "python", "--python", "three"], "--python 'three': Python version"),
        (["--template", "r", "--r", "3.6.3"], "--r '3.6.3': R version must match"),
        (["--template", "python", "--python"], "--python needs a value"),
        (["--template", "python", "stray"], "unexpected argument 'stray'"),
        (["--image", "Not A Ref"], "--image:"),
    ],
)
def test_option_errors_are_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    root = _repo(tmp_path / "repo", {"requirements.txt": "numpy==2.1.3\n"})
    before = _files(root)
    assert main(["init", str(root), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("devcon: ") and message in err, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert _files(root) == before


def test_pyproject_variant_needs_python_3_11(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", {"pyproject.toml": '[project]\nname = "x"\n'})
    with pytest.raises(UsageError, match=r"--python '3\.10': .*tomllib.*3\.11"):
        plan_and_write(InitRequest(root=root, options={"python": "3.10"}), _never)
    # with a requirements.txt the classic Dockerfile is used, and any 3.X is fine
    (root / "requirements.txt").write_text("numpy==2.1.3\n")
    result, _ = _init(root, options={"python": "3.10"}, dry_run=True)
    assert result.variant.id == "default"


def test_missing_folder_and_invalid_pyproject_are_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path / "nope"), "--no-pin"]) == 2
    assert "no such folder" in capsys.readouterr().err
    root = _repo(tmp_path / "repo", {"pyproject.toml": "[project\n"})
    assert main(["init", str(root), "--no-pin"]) == 2
    assert "pyproject.toml: not valid TOML" in capsys.readouterr().err
    assert not (root / ".devcontainer").exists()


# -- every path is checked before pinning -------------------------------------------------


def test_existing_devcontainer_stops_before_pinning(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", {".devcontainer/devcontainer.json": "{}\n"})
    before = _files(root)
    with pytest.raises(InputError, match=r"\.devcontainer/ already exists.*--force"), flag_words():
        plan_and_write(InitRequest(root=root), _never)
    assert _files(root) == before


def test_dockerfile_at_root_refuses_an_existing_dockerfile_before_pinning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _repo(tmp_path / "repo", {"requirements.txt": "x==1\n", "Dockerfile": "FROM x\n"})
    with pytest.raises(InputError, match="Dockerfile: already exists"):
        plan_and_write(InitRequest(root=root, dockerfile_at_root=True), _never)
    # through the CLI, with an unreachable mirror: exit 2 "already exists", not exit 3
    code = main(
        [
            "init",
            str(root),
            "--dockerfile-at-root",
            "--registry-mirror",
            "127.0.0.1:9",
            "--timeout",
            "0.2",
        ]
    )
    assert code == 2 and "already exists" in capsys.readouterr().err
    assert sorted(_files(root)) == ["Dockerfile", "requirements.txt"]


def test_a_folder_where_a_file_goes_is_exit_2(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", {"Dockerfile/readme": "x\n"})
    with pytest.raises(InputError, match="is not a regular file"):
        plan_and_write(InitRequest(root=root, dockerfile_at_root=True, force=True), _never)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / ".devcontainer").write_text("")
    with pytest.raises(InputError, match="is not a folder"):
        plan_and_write(InitRequest(root=tmp_path / "other"), _never)


def test_dockerfile_at_root(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", {"requirements.txt": "numpy==2.1.3\n"})
    result, resolver = _init(root, dockerfile_at_root=True)
    assert resolver.calls == ["python:3.12-slim-bookworm"]
    assert (root / "Dockerfile").is_file() and not (root / ".devcontainer" / "Dockerfile").exists()
    config = _jsonc(root / ".devcontainer" / "devcontainer.json")
    assert config["build"] == {"dockerfile": "../Dockerfile", "context": "..", "target": "dev"}
    assert {f.path for f in result.files} == {
        root / ".devcontainer" / "devcontainer.json",
        root / "Dockerfile",
        root / ".dockerignore",
    }
    assert main(["validate", "--profile", "dev", str(root)]) == 0
    assert main(["parity", f"{root / 'Dockerfile'}#dev", f"{root / 'Dockerfile'}#prod"]) == 0


# -- what the templates render ------------------------------------------------------------


def test_dockerignore_keeps_secrets_history_and_caches_out(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", {})
    _init(root, template="python")
    lines = set((root / ".dockerignore").read_text().splitlines())
    for entry in (".git", ".env", ".env.*", "**/.env", "**/*.pem", "**/*.key", "**/id_rsa*"):
        assert entry in lines
    for entry in ("**/.aws", "**/.ssh", "**/.netrc", "**/.git-credentials", "**/credentials*"):
        assert entry in lines
    for entry in ("**/__pycache__", "**/.pytest_cache", "**/.venv", "**/node_modules"):
        assert entry in lines
    assert "!.env.example" in lines


@pytest.mark.parametrize("template", TEMPLATES)
def test_config_has_extensions_non_root_user_and_targets_dev(tmp_path: Path, template: str) -> None:
    root = _repo(tmp_path / "repo", {})
    result, _ = _init(root, template=template)
    config = _jsonc(root / ".devcontainer" / "devcontainer.json")
    assert config["build"] == {"dockerfile": "Dockerfile", "context": "..", "target": "dev"}
    user = config["remoteUser"]
    assert isinstance(user, str) and user not in ("root", "0", "")
    assert user == result.template.remote_user
    extensions = config["customizations"]["vscode"]["extensions"]  # type: ignore[index]
    assert isinstance(extensions, list) and extensions
    if template in ("python", "conda", "jupyter", "cuda"):
        assert "ms-python.python" in extensions
    if template == "r":
        assert "REditorSupport.r" in extensions
    text = (root / ".devcontainer" / "devcontainer.json").read_text()
    for key in ('"target"', '"remoteUser"', '"extensions"'):  # each choice is explained
        before = text[: text.index(key)].rstrip().splitlines()[-1].strip()
        assert before.startswith("//"), f"{key} has no comment above it in {template}"
    assert not re.search(r"(token|password|secret)\"\s*:\s*\"[^$]", text, re.I)


def test_cuda_asks_for_a_gpu(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", {})
    _init(root, template="cuda")
    config = _jsonc(root / ".devcontainer" / "devcontainer.json")
    assert config["hostRequirements"] == {"gpu": True}
    assert config["runArgs"] == ["--gpus", "all"]


@pytest.mark.parametrize("template", TEMPLATES)
def test_from_is_the_default_base_pinned_by_digest(tmp_path: Path, template: str) -> None:
    root = _repo(tmp_path / "repo", {})
    result, resolver = _init(root, template=template)
    assert resolver.calls == [DEFAULT_BASES[template]]
    text = (root / ".devcontainer" / "Dockerfile").read_text()
    assert f"FROM {DEFAULT_BASES[template]}@{DIGEST} AS base\n" in text
    assert "FROM base AS dev\n" in text and "FROM base AS prod\n" in text
    assert "`devcon pin` pins it by digest" in " ".join(text.splitlines()[:2])
    assert "{{" not in text and result.pinned


def test_no_pin_says_so_in_the_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _repo(tmp_path / "repo", {"requirements.txt": "numpy==2.1.3\n"})
    assert main(["init", str(root), "--no-pin"]) == 0
    assert "WARNING: the base is not pinned" in capsys.readouterr().out
    dockerfile = (root / ".devcontainer" / "Dockerfile").read_text()
    head = " ".join(dockerfile.splitlines()[:3])
    # how the base is pinned, not whether it is: true before `devcon pin` and after it
    assert "`devcon pin` pins it by digest" in head and "NOT pinned" not in head
    assert "FROM python:3.12-slim-bookworm AS base" in dockerfile
    config = (root / ".devcontainer" / "devcontainer.json").read_text()
    assert "`devcon pin` pins it by digest" in config
    assert main(["pin", "--check", str(root)]) == 1


def test_image_override_already_pinned_needs_no_registry(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", {})
    image = f"registry.example.com/team/base:1@{DIGEST}"
    result = plan_and_write(InitRequest(root=root, image=image), _never)
    assert result.image == image and result.pinned
    assert f"FROM {image} AS base" in (root / ".devcontainer" / "Dockerfile").read_text()


def _check_generated(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = root / ".devcontainer" / "devcontainer.json"
    dockerfile = root / ".devcontainer" / "Dockerfile"
    assert main(["validate", "--profile", "dev", str(config), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []
    assert main(["validate", "--profile", "prod", str(dockerfile), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []
    assert main(["pin", "--check", str(root)]) == 0
    capsys.readouterr()
    assert main(["parity", f"{dockerfile}#dev", f"{dockerfile}#prod"]) == 0
    assert "verdict: same-base" in capsys.readouterr().out


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_passes_validate_pin_check_and_parity(
    tmp_path: Path, template: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _repo(tmp_path / "repo", {"app/__main__.py": "print('hi')\n"})
    result, _ = _init(root, template=template)
    assert result.created_manifests or template == "minimal"
    _check_generated(root, capsys)


PYPROJECT = """[project]
name = "demo-app"
version = "0.1.0"
dependencies = ["numpy==2.1.3", "torch==2.4.1"]
"""


@pytest.mark.parametrize("lock", [False, True], ids=["pyproject", "uv.lock"])
@pytest.mark.parametrize("template", ["python", "cuda"])
def test_pyproject_repository_gets_the_pyproject_dockerfile(
    tmp_path: Path, template: str, lock: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {"pyproject.toml": PYPROJECT, "src/demo_app/__main__.py": ""}
    if lock:
        files["uv.lock"] = "version = 1\n"
    root = _repo(tmp_path / "repo", files)
    result, _ = _init(root, template=template)
    assert result.variant.id == ("uv" if lock else "pyproject")
    assert not (root / "requirements.txt").exists() and result.created_manifests == ()
    text = (root / ".devcontainer" / "Dockerfile").read_text()
    lines = text.splitlines()
    copy_manifest = lines.index(
        "COPY pyproject.toml uv.lock ./" if lock else "COPY pyproject.toml ./"
    )
    copy_code = lines.index("COPY . .")
    install = next(i for i, line in enumerate(lines) if "pip install --no-cache-dir -r" in line)
    assert copy_manifest < install < copy_code
    assert lines[copy_code + 1] == "RUN pip install --no-cache-dir --no-deps ."
    assert "requirements.txt ./" not in text
    if lock:
        assert "uv==0.13.9" in text and "uv export --frozen" in text
    assert 'CMD ["python", "-m", "demo_app"]' in text
    assert result.notes == ()
    _check_generated(root, capsys)


def test_pyproject_notes(tmp_path: Path) -> None:
    root = _repo(
        tmp_path / "repo",
        {
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["numpy>=2", "pandas"]\n',
            "poetry.lock": "",
        },
    )
    result, _ = _init(root, dry_run=True)
    assert any("not all pinned with == (numpy>=2, pandas)" in n for n in result.notes)
    assert any(n.startswith("poetry.lock is not read") for n in result.notes)
    bare = _repo(tmp_path / "bare", {"pyproject.toml": "[tool.ruff]\nline-length = 100\n"})
    result, _ = _init(bare, dry_run=True)
    assert any("no [project] table" in n for n in result.notes)


def test_jupyter_reads_pyproject_and_says_uv_lock_is_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pyproject = PYPROJECT.replace('"torch==2.4.1"', '"seaborn==0.13.2"')
    files = {"pyproject.toml": pyproject, "eda.ipynb": "{}", "uv.lock": "version = 1\n"}
    root = _repo(tmp_path / "repo", files)
    result, _ = _init(root)
    assert result.template.id == "jupyter" and result.variant.id == "pyproject"
    assert not (root / "requirements.txt").exists()
    text = (root / ".devcontainer" / "Dockerfile").read_text()
    assert text.index("COPY pyproject.toml ./") < text.index("pip install") < text.index("COPY . .")
    assert result.notes == (
        "uv.lock is not read: the image installs pyproject.toml's [project] dependencies",
    )
    _check_generated(root, capsys)


def test_requirements_txt_wins_over_pyproject(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", {"pyproject.toml": PYPROJECT, "requirements.txt": "x==1\n"})
    result, _ = _init(root, template="python")
    assert result.variant.id == "default"
    assert "COPY requirements.txt ./" in (root / ".devcontainer" / "Dockerfile").read_text()


@pytest.mark.parametrize("template", ["python", "conda", "r", "cuda", "minimal"])
def test_dev_user_creation_reuses_an_existing_uid(tmp_path: Path, template: str) -> None:
    # the base not read (no reader): the portable form decides at build time
    root = _repo(tmp_path / "repo", {})
    _init(root, template=template)
    text = (root / ".devcontainer" / "Dockerfile").read_text()
    dev = text[text.index("FROM base AS dev") : text.index("FROM base AS prod")]
    user = "rstudio" if template == "r" else "vscode"
    assert f"if ! id -u {user} " in dev and "$3 == 1000" in dev and "usermod --login" in dev
    assert dev.index("usermod --login") < dev.index("useradd --create-home")  # reuse first
    assert "command -v useradd" in dev and "adduser -D -u 1000 -s /bin/sh" in dev


# -- writing ------------------------------------------------------------------------------


def test_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _repo(tmp_path / "repo", {"requirements.txt": "numpy==2.1.3\n"})
    before = _files(root)
    image = f"python:3.12-slim-bookworm@{DIGEST}"
    assert main(["init", str(root), "--dry-run", "--image", image]) == 0
    out = capsys.readouterr().out
    assert "--- " in out and "(dry run: nothing written)" in out and f"FROM {image}" in out
    assert _files(root) == before and not (root / ".devcontainer").exists()


def test_force_keeps_backups(tmp_path: Path) -> None:
    root = _repo(
        tmp_path / "repo",
        {".devcontainer/devcontainer.json": '{"image": "mine"}\n', ".dockerignore": "mine\n"},
    )
    result, _ = _init(root, force=True)
    assert (root / ".devcontainer" / "devcontainer.json.bak").read_text() == '{"image": "mine"}\n'
    assert (root / ".dockerignore.bak").read_text() == "mine\n"
    assert len(result.backups) == 2


def test_existing_dockerignore_is_kept_without_force(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", {".dockerignore": "mine\n"})
    result, _ = _init(root)
    assert result.kept_dockerignore and (root / ".dockerignore").read_text() == "mine\n"
    linked = _repo(tmp_path / "linked", {"shared-ignore": "mine\n"})
    (linked / ".dockerignore").symlink_to("shared-ignore")
    result, _ = _init(linked)
    assert result.kept_dockerignore and (linked / ".dockerignore").is_symlink()


@pytest.mark.parametrize("error", [InputError("cannot write: disk full", "x"), KeyboardInterrupt()])
def test_failed_write_removes_the_folder_it_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    root = _repo(tmp_path / "repo", {"requirements.txt": "numpy==2.1.3\n"})

    def failing(changes: object) -> None:
        (root / ".devcontainer" / "devcontainer.json").write_text("")  # a partial write
        raise error

    monkeypatch.setattr("devcon.scaffold.write_all", failing)
    with pytest.raises(type(error)):
        _init(root)
    assert sorted(_files(root)) == ["requirements.txt"]
    assert not (root / ".devcontainer").exists()


def test_failed_forced_write_keeps_the_folder_and_drops_its_backups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path / "repo", {".devcontainer/devcontainer.json": "{}\n", "x.txt": ""})
    before = _files(root)

    def failing(changes: object) -> None:
        raise InputError("cannot write: disk full")

    monkeypatch.setattr("devcon.scaffold.write_all", failing)
    with pytest.raises(InputError):
        _init(root, force=True)
    assert _files(root) == before


# -- choosing a template: prompts only for a person at a terminal -------------------------


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.mark.parametrize(
    ("stdin", "stdout", "ci", "expected"),
    [
        (True, True, None, True),
        (True, True, "true", False),
        (True, True, "1", False),
        (True, True, "false", True),
        (False, True, None, False),
        (True, False, None, False),
    ],
)
def test_is_interactive(
    monkeypatch: pytest.MonkeyPatch, stdin: bool, stdout: bool, ci: str | None, expected: bool
) -> None:
    monkeypatch.setattr("sys.stdin", _Stream(stdin))
    monkeypatch.setattr("sys.stdout", _Stream(stdout))
    if ci is not None:
        monkeypatch.setenv("CI", ci)
    assert init_cmd.is_interactive() is expected


CANDIDATES = [("jupyter", "a.ipynb", 16), ("python", "requirements.txt", 11)]
KNOWN = TEMPLATES


@pytest.mark.parametrize(
    ("answers", "picked"),
    [
        (["1"], "jupyter"),
        (["2"], "python"),
        (["r"], "r"),
        (["3", "2"], "python"),
        (["0", "zzz", "python"], "python"),
        ([" 2 "], "python"),
    ],
)
def test_pick_template_validates_and_asks_again(answers: list[str], picked: str) -> None:
    said: list[str] = []
    queue = list(answers)
    chosen = init_cmd.pick_template(CANDIDATES, KNOWN, lambda _: queue.pop(0), said.append)
    assert chosen == picked and queue == []
    assert said[1] == "  1. jupyter (a.ipynb)" and said[2] == "  2. python (requirements.txt)"
    if "3" in answers:
        assert "3 is not in the list: answer 1-2 or a template name" in said
    if "zzz" in answers:
        assert any(line.startswith("'zzz' is not a template") for line in said)


def test_pick_template_gives_up_after_three_answers() -> None:
    said: list[str] = []
    queue = ["9", "x", "-1"]
    with pytest.raises(UsageError, match=r"no template chosen after 3 answers.*--template"):
        init_cmd.pick_template(CANDIDATES, KNOWN, lambda _: queue.pop(0), said.append)
    assert queue == []


def _two_stacks(tmp_path: Path) -> Path:
    return _repo(tmp_path / "repo", {"requirements.txt": "numpy==2.1.3\n", "eda.ipynb": "{}"})


def test_prompt_at_a_terminal_reasks_on_a_bad_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _two_stacks(tmp_path)
    queue = ["zzz", "7", "2"]
    monkeypatch.setattr(init_cmd, "is_interactive", lambda: True)
    monkeypatch.setattr(init_cmd, "_ask", lambda _: queue.pop(0))
    assert main(["init", str(root), "--no-pin"]) == 0
    out = capsys.readouterr().out
    assert "'zzz' is not a template" in out and "7 is not in the list" in out
    assert "template: python (detected: requirements.txt)" in out
    assert _jsonc(root / ".devcontainer" / "devcontainer.json")["remoteUser"] == "vscode"


def test_prompt_gives_up_with_exit_2_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _two_stacks(tmp_path)
    before = _files(root)
    queue = ["a", "b", "c"]
    monkeypatch.setattr(init_cmd, "is_interactive", lambda: True)
    monkeypatch.setattr(init_cmd, "_ask", lambda _: queue.pop(0))
    assert main(["init", str(root), "--no-pin"]) == 2
    assert "no template chosen after 3 answers" in capsys.readouterr().err
    assert _files(root) == before


def test_real_prompt_reads_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _two_stacks(tmp_path)
    monkeypatch.setattr(init_cmd, "is_interactive", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO("9\npython\n"))
    assert main(["init", str(root), "--no-pin"]) == 0
    assert "template: python" in capsys.readouterr().out


def test_without_a_terminal_the_detected_template_is_used_and_init_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _two_stacks(tmp_path)
    monkeypatch.setattr(init_cmd, "is_interactive", lambda: False)

    def no_prompt(_: str) -> str:
        raise AssertionError("prompted without a terminal")

    monkeypatch.setattr(init_cmd, "_ask", no_prompt)
    assert main(["init", str(root), "--no-pin"]) == 0
    out = capsys.readouterr().out
    assert "template: jupyter (detected: eda.ipynb)" in out
    assert "also detected: python (requirements.txt); not asking" in out
    assert "--template" in out


def test_ci_never_prompts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _two_stacks(tmp_path)
    monkeypatch.setenv("CI", "true")
    monkeypatch.setattr("sys.stdin", _Stream(True))
    assert main(["init", str(root), "--no-pin"]) == 0
    assert "not asking" in capsys.readouterr().out


def test_list_templates_names_every_template_base_and_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from devcon.cli.app import main
    from devcon.scaffold import load_templates

    assert main(["init", str(tmp_path), "--list-templates"]) == 0
    out = capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []  # lists, writes nothing
    for template in load_templates().values():
        assert f"{template.id}: {template.description}" in out
        assert f"base: {template.image}:{template.tag}" in out
        for option in template.options:
            assert f"--{option.name.replace('_', '-')} {option.default} " in out
