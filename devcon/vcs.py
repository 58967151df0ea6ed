"""What the repository's version control says about a path (git, when there is one)."""

from __future__ import annotations

from pathlib import Path

_GIT_SECONDS = 5.0


def git_ignores(path: Path) -> bool | None:
    """Whether git ignores `path` (which need not exist): True or False from the
    repository's ignore rules, None when there is no git or no repository around it."""
    folder = path.absolute().parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    import shutil
    import subprocess

    git = shutil.which("git")
    if git is None or not _in_work_tree(folder):
        return None
    try:
        done = subprocess.run(
            [git, "-C", str(folder), "check-ignore", "-q", "--", str(path.absolute())],
            capture_output=True,
            timeout=_GIT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    # 0: ignored, 1: not ignored, 128: not a repository (or another fatal error)
    return {0: True, 1: False}.get(done.returncode)


def _in_work_tree(folder: Path) -> bool:
    """Whether a `.git` (folder, or file of a linked work tree) is in `folder` or above it:
    outside a repository there is nothing to ask git, and no process is started."""
    return any((parent / ".git").exists() for parent in (folder, *folder.parents))
