"""alpine-data-science: compiled Python packages (or the toolchain to build them) on an
Alpine (musl) base image."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.dockerfile.context import context_file
from devcon.dockerfile.model import LocatedCommand, RunScript, Stage
from devcon.dockerfile.packages import pip_name, requirement_files, short_list
from devcon.dockerfile.shell import is_variable
from devcon.dockerfile.stages import chain, is_alpine
from devcon.rules.base import Category, DockerfileContext, Problem, Rule, RuleDoc

# Python packages made of compiled code (C, C++, Fortran, Rust). pip can install them on musl
# only from a musllinux wheel for that exact version, Python and CPU; otherwise it builds them
# from source (minutes to hours, a full toolchain and -dev libraries needed) or fails. Some
# now publish musllinux wheels (numpy since 1.25 in 2023, scipy and pandas since 2023, pyarrow
# since 2025), but not for older versions nor every CPU; torch and tensorflow publish none
# (torch has no sdist either, so pip finds nothing to install).
COMPILED_PACKAGES = frozenset(
    {
        "numpy",
        "pandas",
        "scipy",
        "scikit-learn",
        "sklearn",
        "scikit-image",
        "statsmodels",
        "matplotlib",
        "torch",
        "torchvision",
        "torchaudio",
        "tensorflow",
        "tensorflow-cpu",
        "jax",
        "jaxlib",
        "pyarrow",
        "polars",
        "opencv-python",
        "opencv-python-headless",
        "opencv-contrib-python",
        "opencv-contrib-python-headless",
        "lxml",
        "psycopg2",
        "grpcio",
        "grpcio-tools",
        "h5py",
        "tables",
        "numba",
        "llvmlite",
        "xgboost",
        "lightgbm",
        "catboost",
        "onnxruntime",
        "shapely",
        "pyproj",
        "gdal",
        "fiona",
        "rasterio",
    }
)
# apk packages that are a native build toolchain or the libraries scientific builds need.
TOOLCHAIN = frozenset(
    {
        "build-base",
        "gcc",
        "g++",
        "gfortran",
        "musl-dev",
        "python3-dev",
        "linux-headers",
        "openblas-dev",
        "lapack-dev",
        "hdf5-dev",
        "gdal-dev",
        "geos-dev",
        "proj-dev",
        "libxml2-dev",
        "libxslt-dev",
        "postgresql-dev",
        "libpq-dev",
        "cmake",
        "rust",
        "cargo",
    }
)
# toolchain packages that only make sense for scientific builds (reported even without pip)
_SCIENTIFIC = frozenset({"gfortran", "openblas-dev", "lapack-dev", "hdf5-dev"})


def _apk_name(spec: str) -> str:
    for sep in ("=", "~", ">", "<"):
        spec = spec.split(sep, 1)[0]
    return spec.lower()


def _compiled(requirement: str) -> bool:
    return pip_name(requirement) in COMPILED_PACKAGES


def _pip_finding(
    ctx: DockerfileContext, stages: list[Stage], script: RunScript, located: LocatedCommand
) -> Problem | None:
    package = located.package
    assert package is not None
    direct = [p for p in package.packages if not is_variable(p) and _compiled(p)]
    if direct:
        line, column = script.at_word(located, direct[0])
        names = [pip_name(p) for p in direct]
        return Problem(line, column, _message(names, stages[0]))
    files, _ = requirement_files(located.command)
    for name in files:
        source = context_file(ctx.context_dir, stages, script, located, name)
        if source is None:
            continue
        entries, _ = ctx.requirements.entries(source, "pip")
        found = list(dict.fromkeys(pip_name(e.text) for e in entries if _compiled(e.text)))
        if found:
            line, column = script.at_word(located, name)
            return Problem(line, column, _message(found, stages[0], f" (from `{name}`)"))
    return None


def _message(names: list[str], root: Stage, source: str = "") -> str:
    base = root.resolved_base or root.base
    return (
        f"{short_list(names)}{source} on the Alpine base `{base}`: musl cannot use manylinux "
        "(glibc) wheels, so pip needs a musllinux wheel for this exact version and CPU or "
        "compiles from source (slow, needs a toolchain); torch and tensorflow have no musl "
        "build at all; use a glibc base such as `python:3.12-slim`"
    )


def _toolchain_finding(
    script: RunScript, located: LocatedCommand, stage_uses_pip: bool, root: Stage
) -> Problem | None:
    package = located.package
    assert package is not None
    tools = [p for p in package.packages if _apk_name(p) in TOOLCHAIN]
    if not tools:
        return None
    if not stage_uses_pip and not any(_apk_name(t) in _SCIENTIFIC for t in tools):
        return None
    base = root.resolved_base or root.base
    line, column = script.at_word(located, tools[0])
    return Problem(
        line,
        column,
        f"build toolchain {short_list([_apk_name(t) for t in tools])} on the Alpine base "
        f"`{base}`: compiling Python packages against musl is slow and the packages that need "
        "it usually ship ready-made manylinux wheels for glibc; use a glibc base such as "
        "`python:3.12-slim`",
    )


def check(ctx: DockerfileContext) -> Iterator[Problem]:
    dockerfile = ctx.dockerfile
    for stage in dockerfile.stages:
        stages = chain(dockerfile, stage)
        if not is_alpine(stages[0]):
            continue
        scripts = [i.script for s in stages for i in s.instructions if i.keyword == "RUN"]
        uses_pip = any(
            c.package is not None
            and c.package.manager == "pip"
            and c.package.action in ("install", "upgrade")
            for script in scripts
            for c in script.commands
        )
        own = {id(i) for i in stage.instructions}
        for script in scripts:
            if id(script.instruction) not in own:
                continue  # reported with the stage that holds it
            problem = _run_finding(ctx, stages, script, uses_pip)
            if problem is not None:
                yield problem


def _run_finding(
    ctx: DockerfileContext, stages: list[Stage], script: RunScript, uses_pip: bool
) -> Problem | None:
    """The first compiled package or toolchain of a RUN: one finding per RUN."""
    for located in script.commands:
        package = located.package
        if package is None:
            continue
        problem: Problem | None = None
        if package.manager == "pip" and package.action in ("install", "upgrade"):
            problem = _pip_finding(ctx, stages, script, located)
        elif package.manager == "apk" and package.action == "add":
            problem = _toolchain_finding(script, located, uses_pip, stages[0])
        if problem is not None:
            return problem
    return None


_DOC = RuleDoc(
    what=(
        "For stages built on an Alpine image (`alpine`, or an image whose repository or "
        "tag names alpine, such as `python:3.12-alpine`), reports once per RUN: a "
        "`pip install` of a package made of compiled code (numpy, pandas, scipy, "
        "scikit-learn, matplotlib, torch, tensorflow, pyarrow, polars, opencv-python, "
        "lxml, psycopg2, grpcio, ...; the list is in the rule's module), named in the RUN "
        "or in a requirements file of the build context it installs from; or an `apk add` "
        "of a build toolchain (`build-base`, `gcc`, `g++`, `musl-dev`, `gfortran`, "
        "`openblas-dev`, ...) in a stage that also runs pip (the Fortran/BLAS/HDF5 "
        "packages are reported even without pip). Every stage built on Alpine is checked, "
        "not only the final one: a builder stage compiles just as slowly."
    ),
    why=(
        "Alpine's C library is musl, and the manylinux wheels most Python projects publish "
        "are built for glibc. Some (numpy since 1.25, scipy, pandas, pyarrow) now publish "
        "musllinux wheels too, but not for older versions nor every CPU, and torch or "
        "tensorflow publish none: pip then compiles from source (minutes to hours, with a "
        "toolchain and -dev libraries that bloat the image) or fails. Vendor binaries "
        "linked against glibc (CUDA, many CLI tools) do not run on musl at all. The image "
        "ends up larger and slower to build than a Debian-based slim image."
    ),
    example=(
        "FROM python:3.12-alpine\n"
        "RUN apk add --no-cache build-base gfortran openblas-dev\n"
        "RUN pip install --no-cache-dir numpy==2.1.3 pandas==2.2.3"
    ),
    fix=(
        "Use a glibc base image for Python data work: `python:3.12-slim` (Debian) installs "
        "these packages from ready-made wheels, with no compiler in the image."
    ),
)

RULE = Rule(
    "alpine-data-science",
    Category.REPRODUCIBILITY,
    "compiled Python packages or a build toolchain on an Alpine (musl) base",
    _DOC,
    dockerfile=check,
)
