"""`devcon init` on the bases users have (issue 14): every template and Dockerfile variant x
six bases, on the real engine and registry. init reads each base; an accepted init is built
(dev and prod targets), the dev image is run as devcontainer.json's remoteUser (the user
exists, `id -un` matches, it owns its home) and the prod image's CMD is checked to name a
module or script that is in the image; a refused init is exit 2 with nothing written.

The bases are busybox root filesystems standing for what users have; the user tools are the
host's real shadow utilities (with their libraries), busybox-style `adduser` is a small
script doing what busybox's does, and the package managers record their arguments.

What a base decides (whether init accepts it, and the user lines it renders) is the same for
every Dockerfile variant of a template; what a variant decides (its install lines, its CMD) is
the same on every base. So each template's default variant is built and run on every base that
accepts it, and every other variant is built and run on one base that accepts it
(BUILT_VARIANT_ON); on the other bases a variant's init must give the same outcome and the
same user lines as the default variant's built cell (the suite stays well under 15 minutes:
building all 76 cells took 8.5 minutes here, these 26 builds about half that).

The matrix (template/variant x base: ran, refused, and why) is written to
`init-matrix.txt` in pytest's temporary folder and printed at the end of the run.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from devcon.cli.app import main
from tests.harness import HarnessError
from tests.harness.engine import DockerEngine
from tests.harness.registry import Registry
from tests.harness.rootfs import File, fake_musl, make_rootfs_tar, os_release
from tests.integration.test_init import RECORDER, _host_binaries

pytestmark = [pytest.mark.engine, pytest.mark.registry]

SHADOW = ("/usr/sbin/useradd", "/usr/sbin/usermod", "/usr/sbin/groupmod")

# what busybox's adduser does with `-D [-H] [-u UID] [-s SHELL] NAME` (Debian's busybox-static
# has no adduser applet): a passwd and a group line, and the home unless -H
BUSYBOX_ADDUSER = r"""#!/bin/sh
set -e
home=1; uid=; shell=/bin/sh
while [ $# -gt 1 ]; do
  case "$1" in
    -D) ;;
    -H) home= ;;
    -u) uid="$2"; shift ;;
    -s) shell="$2"; shift ;;
    *) echo "adduser: unknown option $1" >&2; exit 1 ;;
  esac
  shift
done
name="$1"
[ -n "$uid" ] || uid=$(awk -F: 'BEGIN{m=999} $3>m && $3<60000 {m=$3} END{print m+1}' /etc/passwd)
if grep -q "^$name:" /etc/passwd; then echo "adduser: user '$name' in use" >&2; exit 1; fi
if awk -F: -v u="$uid" '$3 == u {f=1} END{exit !f}' /etc/passwd; then
  echo "adduser: uid '$uid' in use" >&2; exit 1
fi
echo "$name:x:$uid:$uid:Linux User,,,:/home/$name:$shell" >> /etc/passwd
echo "$name:x:$uid:" >> /etc/group
if [ -n "$home" ]; then mkdir -p "/home/$name"; chown "$uid:$uid" "/home/$name"; fi
"""

ROOT_ONLY = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
ROOT_GROUPS = "root:x:0:\nusers:x:100:\nstaff:x:50:\nnogroup:x:65534:\n"
SHADOW_ROOT = "root:*:19000:0:99999:7:::\n"


def _stubs(*tools: str, where: str = "usr/local/bin") -> dict[str, File]:
    return {f"{where}/{t}": File(RECORDER, mode=0o755) for t in tools}


def _debian(with_user: bool) -> dict[str, object]:
    files: dict[str, object] = {
        **_host_binaries((*SHADOW, "/bin/bash")),
        **_stubs("python", "pip", "uv", "R", "Rscript"),
        "etc/os-release": os_release(id="debian", version_id="12", id_like=None),
        "etc/group": ROOT_GROUPS,
        "etc/shadow": File(SHADOW_ROOT, mode=0o640),
        "etc/passwd": ROOT_ONLY,
    }
    if with_user:  # as ubuntu:24.04: the first user is `ubuntu`, uid 1000
        files["etc/passwd"] = ROOT_ONLY + "ubuntu:x:1000:1000:Ubuntu:/home/ubuntu:/bin/bash\n"
        files["etc/group"] = ROOT_GROUPS + "ubuntu:x:1000:\n"
        files["etc/shadow"] = File(SHADOW_ROOT + "ubuntu:*:19000:0:99999:7:::\n", mode=0o640)
        files["home/ubuntu"] = _dir(1000, 1000)
    return files


def _dir(uid: int, gid: int) -> object:
    from tests.harness.rootfs import Dir

    return Dir(uid=uid, gid=gid)


@dataclass(frozen=True)
class Base:
    name: str
    stands_for: str
    files: dict[str, object]
    changes: tuple[str, ...] = ()


PATH_ENV = "ENV PATH=/opt/conda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

BASES = (
    Base("debian-1000", "Debian/Ubuntu with a uid-1000 user (ubuntu:24.04)", _debian(True)),
    Base("debian", "Debian without a uid-1000 user (python:3.12-slim)", _debian(False)),
    Base(
        "alpine",
        "Alpine: musl, busybox adduser, no bash, no uid-1000 user (python:3.12-alpine)",
        {
            **fake_musl(),
            **_stubs("python", "pip", "uv"),
            "usr/sbin/adduser": File(BUSYBOX_ADDUSER, mode=0o755),
            "etc/os-release": os_release(id="alpine", version_id="3.20.3"),
            "etc/passwd": ROOT_ONLY,
            "etc/group": ROOT_GROUPS,
            "etc/shadow": File(SHADOW_ROOT, mode=0o640),
        },
    ),
    Base(
        "jupyter",
        "Jupyter Docker Stacks: jovyan uid 1000, USER jovyan, conda and jupyter",
        {
            **_host_binaries((*SHADOW, "/bin/bash")),
            **_stubs("python", "pip", "conda", "mamba", "jupyter", "uv", where="opt/conda/bin"),
            "etc/os-release": os_release(id="ubuntu", version_id="24.04", id_like="debian"),
            "etc/passwd": ROOT_ONLY + "jovyan:x:1000:100::/home/jovyan:/bin/bash\n",
            "etc/group": ROOT_GROUPS,
            "etc/shadow": File(SHADOW_ROOT + "jovyan:*:19000:0:99999:7:::\n", mode=0o640),
            "home/jovyan": _dir(1000, 100),
            "home/jovyan/work": _dir(1000, 100),
        },
        (PATH_ENV, 'CMD ["/bin/sh"]', "USER 1000"),
    ),
    Base(
        "conda",
        "miniforge: conda and mamba in /opt/conda, no uid-1000 user",
        {
            **_host_binaries((*SHADOW, "/bin/bash")),
            **_stubs("python", "pip", "conda", "mamba", "uv", where="opt/conda/bin"),
            "etc/os-release": os_release(id="ubuntu", version_id="22.04", id_like="debian"),
            "etc/passwd": ROOT_ONLY,
            "etc/group": ROOT_GROUPS,
            "etc/shadow": File(SHADOW_ROOT, mode=0o640),
        },
        (PATH_ENV, 'CMD ["/bin/sh"]'),
    ),
    Base(
        "bare",
        "busybox only: no useradd/adduser, no uid-1000 user, no python",
        {"etc/passwd": ROOT_ONLY, "etc/group": ROOT_GROUPS},
    ),
)

# (template, variant): the repository files that select the variant
CASES = {
    ("python", "default"): {"requirements.txt": "numpy==2.1.3\n"},
    ("python", "pyproject"): {"pyproject.toml": None},
    ("python", "uv"): {
        "pyproject.toml": None,
        "uv.lock": 'version = 1\nrequires-python = ">=3.11"\n',
    },
    ("cuda", "default"): {"requirements.txt": "torch==2.4.1\n"},
    ("cuda", "pyproject"): {"pyproject.toml": None},
    ("cuda", "uv"): {
        "pyproject.toml": None,
        "uv.lock": 'version = 1\nrequires-python = ">=3.11"\n',
    },
    ("jupyter", "default"): {"requirements.txt": "seaborn==0.13.2\n", "eda.ipynb": "{}"},
    ("jupyter", "pyproject"): {"pyproject.toml": None, "eda.ipynb": "{}"},
    ("conda", "default"): {
        "environment.yml": "name: base\nchannels:\n  - conda-forge\ndependencies:\n"
        "  - python=3.12\n  - numpy=2.1.3\n"
    },
    ("r", "default"): {
        "renv.lock": '{"R": {"Version": "4.4.1"}, "Packages": {}}\n',
        "main.R": "1\n",
    },
    ("minimal", "default"): {},
}

# where a non-default variant is built and run (every other accepting base: checked at init)
BUILT_VARIANT_ON = {"python": "debian-1000", "cuda": "debian", "jupyter": "jupyter"}
_USER_WORDS = ("useradd", "adduser", "usermod", "groupmod", "USER ", "WORKDIR ", "RISK")


def _user_lines(dockerfile: str) -> list[str]:
    """The lines of a generated Dockerfile that the base decides (its users, workdir, risk)."""
    return [line for line in dockerfile.splitlines() if any(w in line for w in _USER_WORDS)]


PYPROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "ds-repo"
version = "0.1.0"
dependencies = ["numpy==2.1.3"]
"""

# what each base is for each template: "ran" (init wrote, both targets built, dev ran as
# remoteUser), or "refused: <what the message names>" (exit 2, nothing written)
_DS = ("python", "cuda", "jupyter", "conda", "r")
EXPECTED: dict[tuple[str, str], str] = {}
for _t in (*_DS, "minimal"):
    for _b in ("debian-1000", "debian"):
        EXPECTED[_t, _b] = {"conda": "refused: conda", "jupyter": "refused: jupyter"}.get(_t, "ran")
    EXPECTED[_t, "alpine"] = "ran" if _t == "minimal" else "refused: musl"
    EXPECTED[_t, "jupyter"] = "refused: R" if _t == "r" else "ran"
    EXPECTED[_t, "conda"] = {"r": "refused: R", "jupyter": "refused: jupyter"}.get(_t, "ran")
    # the first thing it lacks
    EXPECTED[_t, "bare"] = {
        "minimal": "refused: useradd or adduser",
        "conda": "refused: conda",
        "r": "refused: R",
    }.get(_t, "refused: python")
# with the Alpine risk accepted, what the base itself lacks still decides
ALPINE_ALLOWED = {
    "python": "ran",
    "cuda": "ran",
    "jupyter": "refused: jupyter",
    "conda": "refused: conda",
    "r": "refused: R",
}

MATRIX: dict[tuple[str, str], str] = {}


def _record(path: Path, case: str, base: str, result: str) -> None:
    """One cell of the matrix; the file is rewritten whole each time (so it is current)."""
    MATRIX[case, base] = result
    lines = [f"{'template/variant':<20} {'base':<14} result"]
    lines += [f"{c:<20} {b:<14} {r}" for (c, b), r in sorted(MATRIX.items())]
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="session")
def matrix_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.getbasetemp() / "init-matrix.txt"
    yield path
    if path.is_file():
        print(f"\ninit matrix ({path}):\n{path.read_text()}")


@pytest.fixture(scope="module")
def bases(docker_engine: DockerEngine, registry: Registry) -> dict[str, str]:
    """Each base built once, pushed to the registry and removed from the engine's tags."""
    refs: dict[str, str] = {}
    work = Path(tempfile.mkdtemp(prefix="dc-matrix-", dir="/tmp"))
    try:
        for base in BASES:
            omit = ["home/vscode"]
            tarball = make_rootfs_tar(
                work / f"{base.name}.tar",
                extra_files=base.files,  # type: ignore[arg-type]
                omit=omit,
            )
            tag = f"devcon-test/matrix-{base.name}:1"
            if base.changes:
                docker_engine.import_rootfs(tarball, tag, changes=base.changes)
            else:
                docker_engine.import_rootfs(tarball, tag)
            refs[base.name] = registry.ref(tag)
            docker_engine.push(tag, refs[base.name])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return refs


def _repo(root: Path, template: str, variant: str) -> Path:
    root.mkdir(parents=True)
    for name, text in CASES[template, variant].items():
        (root / name).write_text(PYPROJECT if text is None else text)
    if "pyproject.toml" in CASES[template, variant]:
        package = root / "src" / "churn"
    else:
        package = root / "churn"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text("print('churn')\n")
    return root


def _jsonc(path: Path) -> dict[str, object]:
    lines = path.read_text().splitlines()
    text = "\n".join(line for line in lines if not line.strip().startswith("//"))
    data = json.loads(text)
    assert isinstance(data, dict)
    return data


def _cmd_problem(engine: DockerEngine, tag: str) -> str | None:
    """Why the prod image's CMD does not name something in the image (None: it does)."""
    config = json.loads(engine.docker("image", "inspect", tag, "--format", "{{json .Config}}"))
    cmd = config.get("Cmd") or []
    if not cmd:
        return "no CMD"
    if len(cmd) >= 3 and cmd[1] == "-m":  # python -m X: X's files are in the image
        module = cmd[2].replace(".", "/")
        script = (
            f'for d in "$PWD" "$PWD/src" /usr/local/lib/python3*/site-packages; do '
            f'[ -e "$d/{module}/__main__.py" ] || [ -e "$d/{module}.py" ] && exit 0; done; exit 1'
        )
    elif cmd[0] == "Rscript" and len(cmd) > 1:
        script = f'[ -e "{cmd[1]}" ] && command -v Rscript >/dev/null || exit 1'
    else:
        script = f'command -v "{cmd[0]}" >/dev/null'
    try:
        engine.docker("run", "--rm", "--user", "0", "--entrypoint", "sh", tag, "-c", script)
    except HarnessError:  # a non-zero exit
        return f"CMD {cmd} names nothing in the image"
    return None


def _run_as_remote_user(engine: DockerEngine, tag: str, user: str) -> None:
    config = json.loads(engine.docker("image", "inspect", tag, "--format", "{{json .Config}}"))
    assert config.get("User") == user, (tag, config.get("User"))
    out = engine.docker(
        "run", "--rm", "--user", user, tag, "sh", "-c", 'id -un; id -u; stat -c %u "$HOME"'
    ).split()
    assert out[0] == user and out[1] == out[2], (tag, out)


# The matrix runs on dockerd; on podman (the `docker_engine` fixture runs every integration
# test on both engines) only these cells: three default-variant builds (a uid-1000 Debian
# base, Alpine with busybox adduser, Debian without a uid-1000 user) and one refusal. The
# other cells build the same Dockerfiles on the same Docker API, and running them all twice
# would add about 5 minutes to the suite.
ON_PODMAN = {
    ("minimal", "default", "debian-1000"),
    ("minimal", "default", "alpine"),
    ("python", "default", "debian"),
    ("python", "default", "bare"),
}


def _case_ids() -> Iterator[object]:
    for template, variant in CASES:
        for base in BASES:
            engines = ("dockerd", "podman") if (template, variant, base.name) in ON_PODMAN else ()
            yield pytest.param(
                template,
                variant,
                base.name,
                id=f"{template}-{variant}-{base.name}",
                marks=pytest.mark.engines(*(engines or ("dockerd",))),
            )


@pytest.mark.parametrize(("template", "variant", "base"), list(_case_ids()))
def test_init_matrix(
    template: str,
    variant: str,
    base: str,
    bases: dict[str, str],
    matrix_file: Path,
    tmp_path: Path,
    docker_engine: DockerEngine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("DOCKER_HOST", docker_engine.host)
    case = f"{template}/{variant}"
    runs = [("", EXPECTED[template, base])]
    if base == "alpine" and template != "minimal":
        runs.append(("+allow", ALPINE_ALLOWED[template]))
    for extra, expected in runs:
        repo = _repo(tmp_path / f"ds-repo{extra}", template, variant)
        before = sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*"))
        args = ["init", str(repo), "--template", template, "--image", bases[base]]
        code = main(args + (["--allow-alpine"] if extra else []))
        out, err = capsys.readouterr()
        if expected.startswith("refused"):
            assert code == 2, (out, err)
            assert sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*")) == before
            assert err.count("\n") == 1 and expected.split(": ", 1)[1] in err, err
            assert "nothing was written" in err
            why = err.strip().split(" is ", 1)[-1] if " is Alpine" in err else err.strip()
            why = why.split(" has ", 1)[-1] if " has " in why else why
            _record(matrix_file, case, base + extra, "refused (exit 2): " + why.split(";")[0])
            continue
        assert code == 0, (out, err)
        user = _jsonc(repo / ".devcontainer" / "devcontainer.json")["remoteUser"]
        assert isinstance(user, str)
        if variant != "default" and BUILT_VARIANT_ON.get(template) != base:
            # the default variant's cell on this base was built and run: the same user lines
            default = _repo(tmp_path / f"default{extra}", template, "default")
            flags = ["--allow-alpine"] if extra else []
            assert main(["init", str(default), *args[2:], *flags]) == 0
            capsys.readouterr()
            dev_config = _jsonc(default / ".devcontainer" / "devcontainer.json")
            assert dev_config["remoteUser"] == user
            ours = (repo / ".devcontainer" / "Dockerfile").read_text()
            theirs = (default / ".devcontainer" / "Dockerfile").read_text()
            assert _user_lines(ours) == _user_lines(theirs), (ours, theirs)
            _record(
                matrix_file,
                case,
                base + extra,
                f"init ok as {user}: same user lines as {template}/default here (built), "
                f"variant built on {BUILT_VARIANT_ON[template]}",
            )
            continue
        name = f"devcon-test/matrix-{template}-{variant}-{base}{extra.replace('+', '-')}"
        docker_engine.build_target(repo, "dev", f"{name}:dev")
        docker_engine.build_target(repo, "prod", f"{name}:prod")
        _run_as_remote_user(docker_engine, f"{name}:dev", user)
        problem = _cmd_problem(docker_engine, f"{name}:prod")
        _record(
            matrix_file,
            case,
            base + extra,
            f"built dev+prod, dev ran as {user}" + (f"; {problem}" if problem else ", CMD ok"),
        )
        docker_engine.docker("rmi", f"{name}:dev", f"{name}:prod")
        if base == "alpine" and template != "minimal":
            assert "RISK" in (repo / ".devcontainer" / "Dockerfile").read_text()
        assert problem is None, problem
