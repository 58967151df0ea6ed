"""unpinned-package: packages without a version, in RUN lines and in context files."""

from __future__ import annotations

from pathlib import Path

from devcon.config import Settings
from devcon.dockerfile.parser import parse_dockerfile
from devcon.rules.base import DockerfileContext, Problem, Profile
from devcon.rules.unpinned_package import RULE
from devcon.validate import ValidateRequest, validate


def check(text: str, context: Path | None = None) -> list[Problem]:
    df = parse_dockerfile(text, "Dockerfile")
    assert RULE.dockerfile is not None
    return list(RULE.dockerfile(DockerfileContext(Path("Dockerfile"), df, Profile.DEV, context)))


def test_pip() -> None:
    (problem,) = check("FROM python:3\nRUN pip install numpy==2.1 'pandas>=2' requests\n")
    assert (problem.line, problem.column) == (2, 29)
    assert "`pandas>=2`, `requests`" in problem.message
    assert "`pandas==<version>`" in problem.message
    assert check("FROM python:3\nRUN pip install numpy==2.1 ./pkg -e . $EXTRA\n") == []


def test_pip_upgrading_itself_is_unpinned_too() -> None:
    (problem,) = check("FROM python:3\nRUN pip install --upgrade pip\n")
    assert "`pip`" in problem.message and "`pip==<version>`" in problem.message


def test_environment_markers_do_not_count_as_pins() -> None:
    assert len(check("FROM python:3\nRUN pip install 'x; python_version==\"3.8\"'\n")) == 1
    assert check("FROM python:3\nRUN pip install 'x==1; python_version>\"3.8\"'\n") == []


def test_apt_apk_conda_npm() -> None:
    assert len(check("FROM d\nRUN apt-get install -y curl git=1:2.39\n")) == 1
    assert check("FROM d\nRUN apt-get install -y curl=8 ./x.deb ${PKGS}\n") == []
    assert len(check("FROM a\nRUN apk add --no-cache --virtual .deps gcc\n")) == 1
    assert check("FROM a\nRUN apk add --no-cache --virtual .deps gcc=14 musl-dev~1.2\n") == []
    (problem,) = check("FROM c\nRUN conda install -y python=3.12 numpy==2 'scipy>=1,<2'\n")
    assert "`scipy>=1,<2`" in problem.message and "numpy" not in problem.message
    assert check("FROM c\nRUN conda install -y 'numpy 2.1.*' conda-forge::x=1 --file f.txt\n") == []
    (problem,) = check("FROM n\nRUN npm install -g typescript@5.4.2 eslint@^9 @types/node\n")
    assert "`eslint@^9`, `@types/node`" in problem.message
    assert check("FROM n\nRUN npm ci && npm install && yarn install && npm i -g x@1.2.3\n") == []


def test_requirements_file_through_copy(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("numpy==2.1\n# note\npandas>=2\n-r extra.txt\n")
    (tmp_path / "extra.txt").write_text("\nrich\n")
    text = (
        "FROM python:3\nCOPY requirements.txt extra.txt /tmp/\n"
        "RUN pip install -r /tmp/requirements.txt\n"
    )
    problems = check(text, tmp_path)
    where = sorted((p.path.name if p.path else "", p.line, p.column) for p in problems)
    assert where == [("extra.txt", 2, 1), ("requirements.txt", 3, 1)]
    assert all("has no exact version" in p.message for p in problems)


def test_constraints_pin_requirements(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("requests\nrich\n")
    (tmp_path / "constraints.txt").write_text("requests==2.32.3\n")
    text = (
        "FROM python:3\nWORKDIR /app\nCOPY . .\n"
        "RUN pip install -r requirements.txt -c constraints.txt\n"
    )
    (problem,) = check(text, tmp_path)
    assert problem.line == 2 and "`rich`" in problem.message


def test_file_not_in_the_image_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("requests\n")
    assert check("FROM python:3\nRUN pip install -r /tmp/requirements.txt\n", tmp_path) == []
    assert check("FROM python:3\nRUN pip install -r requirements.txt\n", None) == []


def test_environment_yml(tmp_path: Path) -> None:
    (tmp_path / "environment.yml").write_text(
        "name: x\ndependencies:\n  - python=3.12\n  - numpy\n  - pip\n  - pip:\n"
        "      - flask==3.1.0\n      - polars\n"
    )
    text = (
        "FROM c\nCOPY environment.yml* noop.txt /tmp/conda-tmp/\n"
        "RUN conda env update -n base -f /tmp/conda-tmp/environment.yml\n"
    )
    problems = check(text, tmp_path)
    assert sorted((p.line, p.column) for p in problems) == [(4, 5), (5, 5), (8, 9)]
    polars = next(p for p in problems if p.line == 8)
    assert "`polars==<version>`" in polars.message
    numpy = next(p for p in problems if p.line == 4)
    assert "`numpy=<version>`" in numpy.message


def test_bind_mount(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("requests\n")
    text = (
        "FROM python:3\n"
        "RUN --mount=type=bind,source=requirements.txt,target=/r.txt pip install -r /r.txt\n"
    )
    (problem,) = check(text, tmp_path)
    assert problem.path is not None and problem.path.name == "requirements.txt"


def test_through_validate(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    )
    (tmp_path / "requirements.txt").write_text("requests\n")
    settings = Settings(select=frozenset({"unpinned-package"}))
    result = validate(ValidateRequest(paths=(tmp_path / "Dockerfile",), settings=settings))
    assert [(Path(f.path).name, f.line) for f in result.findings] == [("requirements.txt", 1)]
