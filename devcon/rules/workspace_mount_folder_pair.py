"""workspace-mount-folder-pair: workspaceMount or workspaceFolder set without the other."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.container_options import container_kind
from devcon.mounts import parse_mount
from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc

# The default mount is /workspaces/<the folder's (or its git root's) name>.
_DEFAULT_ROOT = "/workspaces/"


def _in_default_mount(path: str) -> bool:
    return path.startswith((_DEFAULT_ROOT, "${containerWorkspaceFolder}"))


def check(ctx: ConfigContext) -> Iterator[Problem]:
    value = ctx.value
    if container_kind(value) not in ("image", "dockerfile"):
        return  # compose: workspaceFolder alone is how it is used; no definition: not judged
    assert isinstance(value, dict)
    mount, folder = value.get("workspaceMount"), value.get("workspaceFolder")
    if isinstance(mount, str) and "workspaceFolder" not in value:
        target = parse_mount(mount).target if mount else None
        if target and _in_default_mount(target):
            return
        where = f"mounts the workspace at {target}" if target else "replaces the workspace mount"
        yield ctx.report_merged(
            ("workspaceMount",),
            f"`workspaceMount` {where}, but without `workspaceFolder` the tools open "
            "/workspaces/<folder name>, which it does not provide; set `workspaceFolder`"
            + (f' to "{target}"' if target else ""),
            key=True,
        )
    elif isinstance(folder, str) and "workspaceMount" not in value:
        if _in_default_mount(folder):
            return
        yield ctx.report_merged(
            ("workspaceFolder",),
            f'`workspaceFolder` is "{folder}", but without `workspaceMount` the workspace is '
            "still mounted at /workspaces/<folder name>, so the tools open a folder without "
            "the source; set `workspaceMount` "
            f'(e.g. "source=${{localWorkspaceFolder}},target={folder},type=bind")',
            key=True,
        )


_DOC = RuleDoc(
    what=(
        "For image and Dockerfile configs (not Docker Compose, where `workspaceFolder` is "
        "set alone), reports `workspaceMount` without `workspaceFolder` and "
        "`workspaceFolder` without `workspaceMount`; the spec says each requires the "
        "other. Not reported: a value inside the default mount, i.e. a path under "
        "`/workspaces/` (such as `/workspaces/${localWorkspaceFolderBasename}/src`) or "
        "built on `${containerWorkspaceFolder}`, since the default mount provides it."
    ),
    why=(
        "Without `workspaceMount` the tools mount the workspace at "
        "`/workspaces/<folder name>`; without `workspaceFolder` they open that same "
        "default path. Setting only one of them moves the mount or the opened folder but "
        "not the other, so the editor opens a folder that does not hold the source."
    ),
    example=(
        '{\n  "image": "mcr.microsoft.com/devcontainers/base:bookworm",\n'
        '  "workspaceFolder": "/src"\n}'
    ),
    fix=(
        '{\n  "image": "mcr.microsoft.com/devcontainers/base:bookworm",\n'
        '  "workspaceMount": "source=${localWorkspaceFolder},target=/src,type=bind",\n'
        '  "workspaceFolder": "/src"\n}'
    ),
)

RULE = Rule(
    "workspace-mount-folder-pair",
    Category.CORRECTNESS,
    "an image or Dockerfile config sets only one of workspaceMount and workspaceFolder",
    _DOC,
    config=check,
)
