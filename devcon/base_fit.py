"""What a template's Dockerfile says about users, for the base it will run on (issue 14).

`fit_base(...)` takes what init read of the base (`base_facts.BaseFacts`) and the template,
and returns the lines that depend on the base: the dev stage's user, the prod stage's
unprivileged user, `remoteUser`, the Jupyter working folder, the conda tool, comments put in
the Dockerfile and notes for the user. A base the template cannot work on is refused
(`BaseRefused`, exit 2) with what the base lacks and a base that would work; nothing is
written then.

- The dev user: the base's own user named as the template's (jovyan, vscode...), else its
  uid-1000 user (renamed to the template's user when the base has usermod, else used as it
  is), else a user created the way the base can (useradd, with bash when there is bash;
  busybox adduser), else the base is refused.
- Data-science templates (every template but minimal) on Alpine/musl are refused unless the
  request allows it; then the Dockerfile says why it is a risk.
- A base that could not be read (`Unread`) gets the portable form: shell that decides at
  build time, and a note saying the base was not inspected.

Pure: no I/O, no network; the facts are passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from devcon.base_facts import BaseFacts, BaseUser
from devcon.errors import UsageError
from devcon.hints import Hint, Text, hinted

#: uid of the dev user (the first user of a Linux host) and of prod's `app` user
DEV_UID = 1000
APP_UID = 10001
APP_USER = "app"

#: templates whose stack is data science (scientific wheels, compilers): all but minimal
_GENERAL = frozenset({"minimal"})

#: a template user that is only ever the base's own (never created): the name init creates
#: instead on a base without it
_ONLY_WHERE_IT_EXISTS = {"jovyan": "vscode"}

#: what a template's RUN lines run, as alternatives: each group needs one of its tools
_NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "python": (("python",), ("pip",)),
    "cuda": (("python",), ("pip",)),
    "jupyter": (("python",), ("pip",), ("jupyter",)),
    "conda": (("conda", "mamba", "micromamba"),),
    "r": (("R",),),
    "minimal": (),
}

#: the line that updates conda's base environment from environment.yml, per tool
_CONDA_UPDATE = {
    "conda": "conda env update -n base -f environment.yml \\\n"
    "    && conda clean -a -y",
    "mamba": "mamba env update -n base -f environment.yml \\\n"
    "    && mamba clean -a -y",
    "micromamba": "micromamba install -y -n base -f environment.yml \\\n"
    "    && micromamba clean -a -y",
}

#: a user name init may write into a Dockerfile unquoted
_SAFE_NAME = re.compile(r"[a-z_][a-z0-9_.-]{0,31}")
_SAFE_PATH = re.compile(r"/[A-Za-z0-9_./-]{0,200}")


@dataclass(frozen=True)
class Unread:
    """The base was not read: `reason` says why (shown in a note); None when the caller did
    not ask (no note)."""

    reason: str | None


@dataclass(frozen=True)
class BaseFit:
    """The base-dependent parts of the files init writes."""

    dev_user: str  # Dockerfile lines of the dev stage's user, ending with its USER
    prod_user: str  # Dockerfile lines of the prod stage's user, ending with its USER
    remote_user: str  # devcontainer.json's remoteUser
    home: str  # the dev user's home
    workdir: str  # the Jupyter template's working folder
    conda_update: str  # the RUN line that installs environment.yml (conda template)
    comments: tuple[str, ...]  # comment lines init puts above the base's FROM
    notes: tuple[str, ...]  # what the user should know
    inspected: bool  # facts were read (False: the portable form)


class BaseRefused(UsageError):
    """The template cannot work on this base (exit 2); nothing is written."""

    def __init__(self, message: Text, lacks: str) -> None:
        super().__init__(message)
        self.lacks = lacks


def is_data_science(template_id: str) -> bool:
    return template_id not in _GENERAL


def fit_base(
    template_id: str,
    user: str,
    facts: BaseFacts | Unread,
    *,
    image: str,
    suggested: str,
    allow_alpine: bool = False,
) -> BaseFit:
    """The base-dependent lines for `template_id` (dev user `user`) on the base `image`.

    `suggested` is a base that works for the template (its own default), named in refusals.
    Raises BaseRefused when the base lacks what the template needs."""
    if isinstance(facts, Unread):
        return _portable(template_id, user, facts.reason)
    comments: list[str] = []
    notes: list[str] = []
    if facts.is_musl and is_data_science(template_id):
        if not allow_alpine:
            raise BaseRefused(
                hinted(
                    f"base {image} is Alpine/musl: the {template_id} template is a "
                    "data-science stack, and on musl pip finds no manylinux wheels (numpy, "
                    "pandas, scipy... build from source, needing gcc and headers the base "
                    "does not have; no bash either); nothing was written. Use a "
                    f"glibc base such as {suggested} (",
                    Hint.INIT_USE_IMAGE,
                    "), or ",
                    Hint.INIT_ALLOW_ALPINE,
                ),
                lacks="glibc",
            )
        comments += [
            f"# RISK: this base is Alpine/musl, accepted on request. The {template_id} stack "
            "expects glibc:",
            "# on musl pip finds no manylinux wheels, so scientific packages build from source",
            "# (slow, and they need gcc and headers this base lacks; there is no bash). A "
            "glibc base",
            f"# such as {suggested} avoids it.",
        ]
        notes.append(
            f"{image} is Alpine/musl: accepted as asked; the Dockerfile says why it is a risk "
            "(and `devcon validate` may report alpine-data-science)"
        )

    conda_update = _CONDA_UPDATE["conda"]
    for group in _NEEDS.get(template_id, ()):
        found = [tool for tool in group if facts.has(tool)]
        if found:
            if template_id == "conda":
                conda_update = _CONDA_UPDATE[found[0]]
            continue
        names = " or ".join(group)
        if not all(facts.lacks(tool) for tool in group):  # not asked, or not read whole
            notes.append(
                f"{names} was not found in {image}, which was not read whole: the "
                f"{template_id} template's RUN lines need it"
            )
            continue
        raise BaseRefused(
            hinted(
                f"base {image} has no {names} on its PATH: the {template_id} template's RUN "
                f"lines need it; nothing was written. Use a base that has it, such as "
                f"{suggested} (",
                Hint.INIT_USE_IMAGE,
                ")" + (", or another template for this base" if template_id != "minimal" else ""),
            ),
            lacks=names,
        )

    if user in _ONLY_WHERE_IT_EXISTS and _usable(facts.user(user)) is None:
        user = _ONLY_WHERE_IT_EXISTS[user]
    root_first = _needs_root_line(facts)
    dev_lines, remote, home, dev_comment = _dev_user(template_id, user, facts, image, suggested)
    if root_first and not dev_lines[0].startswith("USER "):
        dev_lines = ["USER root", *dev_lines]
    jovyan = remote == "jovyan"
    workdir = f"{home}/work" if jovyan else "/workspace"
    if jovyan:  # the Jupyter stacks' user owns the environment: prod runs as it too
        prod_lines = [f"USER {remote}"]
    else:
        prod_lines = _prod_user(facts, remote)
        if root_first and not prod_lines[0].startswith("USER "):
            prod_lines = ["USER root", *prod_lines]
    return BaseFit(
        dev_user="\n".join([dev_comment, *dev_lines]),
        prod_user="\n".join(prod_lines),
        remote_user=remote,
        home=home,
        workdir=workdir,
        conda_update=conda_update,
        comments=tuple(comments),
        notes=tuple(notes),
        inspected=True,
    )


def _needs_root_line(facts: BaseFacts) -> bool:
    """The base's own USER is not root: creating users needs `USER root` first."""
    user = (facts.config_user or "").split(":", 1)[0]
    return user not in ("", "root", "0")


def _usable(user: BaseUser | None) -> BaseUser | None:
    """A base user init can name in a Dockerfile (a safe name and home, not root)."""
    if user is None or user.uid == 0:
        return None
    if not _SAFE_NAME.fullmatch(user.name) or not _SAFE_PATH.fullmatch(user.home):
        return None
    return user


def _owned_home(name: str, home: str) -> str:
    return f'mkdir -p {home} && chown "$(id -u {name}):$(id -g {name})" {home}'


def _dev_user(
    template_id: str, user: str, facts: BaseFacts, image: str, suggested: str
) -> tuple[list[str], str, str, str]:
    """(lines, remoteUser, home, comment) of the dev stage's user."""
    staff = template_id == "r"  # rocker lets the staff group install into the site library
    own = _usable(facts.user(user))
    if own is not None:
        comment = f"# the base's own user {user} (uid {own.uid}) is the dev user"
        return [f"USER {user}"], user, own.home, comment
    existing = _usable(facts.user_with_uid(DEV_UID))
    if existing is not None and facts.has("usermod"):
        home = f"/home/{user}"
        lines = [
            f"RUN usermod --login {user} --home {home} --move-home {existing.name} \\",
        ]
        if facts.has("groupmod"):
            lines.append(
                f"    && if grep -q '^{existing.name}:' /etc/group && ! grep -q '^{user}:' "
                f"/etc/group; then groupmod --new-name {user} {existing.name}; fi \\"
            )
        if staff:
            lines.append(
                f"    && if grep -q '^staff:' /etc/group; then usermod -a -G staff {user}; fi \\"
            )
        lines.append(f"    && {_owned_home(user, home)}")
        comment = (
            f"# the base's uid-{DEV_UID} user {existing.name} becomes {user} (usermod), not a "
            f"second uid-{DEV_UID} user"
        )
        return [*lines, f"USER {user}"], user, home, comment
    if existing is not None:
        comment = (
            f"# the base's uid-{DEV_UID} user {existing.name} is the dev user (the base has no "
            "usermod to rename it)"
        )
        return [f"USER {existing.name}"], existing.name, existing.home, comment
    home = f"/home/{user}"
    if facts.has("useradd"):
        shell = "/bin/bash" if facts.has("bash") else "/bin/sh"
        run = f"RUN useradd --create-home --uid {DEV_UID} --shell {shell} {user}"
        if staff and facts.has("usermod"):
            run += (
                f" \\\n    && if grep -q '^staff:' /etc/group; then usermod -a -G staff {user}; fi"
            )
        comment = f"# the dev user {user}, uid {DEV_UID}, created with useradd (shell {shell})"
        return [run, f"USER {user}"], user, home, comment
    if facts.has("adduser"):
        run = f"RUN adduser -D -u {DEV_UID} -s /bin/sh {user}"
        comment = (
            f"# the dev user {user}, uid {DEV_UID}, created with busybox adduser (no useradd; "
            "shell /bin/sh" + (")" if facts.has("bash") else ", no bash)")
        )
        return [run, f"USER {user}"], user, home, comment
    if not (facts.lacks("useradd") and facts.lacks("adduser")):  # not read whole
        portable = _portable(template_id, user, None)
        return portable.dev_user.splitlines()[1:], user, home, portable.dev_user.splitlines()[0]
    raise BaseRefused(
        hinted(
            f"base {image} has no useradd or adduser and no uid-{DEV_UID} user to use: the dev "
            f"container would run as root; nothing was written. Use a base that has one, "
            f"such as {suggested} (",
            Hint.INIT_USE_IMAGE,
            ")",
        ),
        lacks="useradd or adduser",
    )


def _prod_user(facts: BaseFacts, dev_user: str) -> list[str]:
    """The prod stage's unprivileged user: `app` (uid 10001), or the dev user when the base
    cannot create one."""
    if _usable(facts.user(APP_USER)) is not None:
        return [f"USER {APP_USER}"]
    uid = "" if facts.user_with_uid(APP_UID) else f" --uid {APP_UID}"
    if facts.has("useradd"):
        return [
            f"RUN useradd --no-create-home{uid} --shell /usr/sbin/nologin {APP_USER}",
            f"USER {APP_USER}",
        ]
    if facts.has("adduser"):
        busybox_uid = "" if facts.user_with_uid(APP_UID) else f" -u {APP_UID}"
        return [f"RUN adduser -D -H{busybox_uid} {APP_USER}", f"USER {APP_USER}"]
    return [f"USER {dev_user}"]


def _portable(template_id: str, user: str, reason: str | None) -> BaseFit:
    """Shell that decides at build time, for a base init could not read."""
    home = f"/home/{user}"
    staff = (
        f"; \\\n    if grep -q '^staff:' /etc/group; then usermod -a -G staff {user}; fi"
        if template_id == "r"
        else ""
    )
    dev = "\n".join(
        [
            "# the dev user, uid 1000: the base was not inspected, so the RUN line decides "
            "when it builds",
            *(["USER root"] if template_id == "jupyter" else []),
            "RUN set -e; \\",
            f"    if ! id -u {user} >/dev/null 2>&1; then \\",
            '        existing="$(awk -F: '
            f"'$3 == {DEV_UID} {{ print $1; exit }}' /etc/passwd)\"; \\",
            '        if [ -n "${existing}" ] && command -v usermod >/dev/null; then \\',
            f'            usermod --login {user} --home {home} --move-home "${{existing}}"; \\',
            '            if grep -q "^${existing}:" /etc/group '
            "&& command -v groupmod >/dev/null; then \\",
            f'                groupmod --new-name {user} "${{existing}}"; \\',
            "            fi; \\",
            "        elif command -v useradd >/dev/null; then \\",
            "            shell=/bin/sh; "
            "if command -v bash >/dev/null; then shell=/bin/bash; fi; \\",
            f'            useradd --create-home --uid {DEV_UID} --shell "$shell" {user}; \\',
            "        else \\",
            f"            adduser -D -u {DEV_UID} -s /bin/sh {user}; \\",
            "        fi; \\",
            "    fi; \\",
            f"    {_owned_home(user, home)}{staff}",
            f"USER {user}",
        ]
    )
    prod = "\n".join(
        [
            f"RUN id -u {APP_USER} >/dev/null 2>&1 \\",
            f"    || useradd --no-create-home --uid {APP_UID} --shell /usr/sbin/nologin "
            f"{APP_USER} 2>/dev/null \\",
            f"    || adduser -D -H -u {APP_UID} {APP_USER}",
            f"USER {APP_USER}",
        ]
    )
    if template_id == "jupyter":
        prod = "USER root\n" + prod
    return BaseFit(
        dev_user=dev,
        prod_user=prod,
        remote_user=user,
        home=home,
        workdir=f"{home}/work" if template_id == "jupyter" else "/workspace",
        conda_update=_CONDA_UPDATE["conda"],
        comments=(),
        notes=()
        if reason is None
        else (
            f"the base was not inspected ({reason}): the files use build-time checks for the "
            "user; the template's tools and the base's libc were not checked",
        ),
        inspected=False,
    )
