"""base_facts without an engine or registry: /etc/passwd parsing, the PATH a tool is looked
for on, and tools found in merged layers (links followed, whiteouts honoured)."""

from __future__ import annotations

import io
import tarfile

import pytest

from devcon.base_facts import (
    DEFAULT_PATH,
    MAX_PATH_DIRS,
    MAX_USERS,
    BaseFacts,
    BaseUser,
    _InitQuestions,
    find_tool,
    parse_passwd,
    search_path,
)
from devcon.imagefiles import merged_lookup
from devcon.imagefs import MergedFS


def test_passwd_users_in_order() -> None:
    data = (
        b"root:x:0:0:root:/root:/bin/bash\n"
        b"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
        b"jovyan:x:1000:100::/home/jovyan:/bin/bash\n"
    )
    assert parse_passwd(data) == (
        BaseUser("root", 0, 0, "/root", "/bin/bash"),
        BaseUser("daemon", 1, 1, "/usr/sbin", "/usr/sbin/nologin"),
        BaseUser("jovyan", 1000, 100, "/home/jovyan", "/bin/bash"),
    )


def test_passwd_junk_lines_are_skipped() -> None:
    data = (
        b"# a comment\n"
        b"\n"
        b"+::::::\n"  # NIS
        b"-baduser:x:5:5::/:/bin/sh\n"
        b"short:x:1:1\n"
        b"toolong:x:1:1:a:b:c:d\n"
        b"neg:x:-1:1::/:/bin/sh\n"
        b"hex:x:0x10:1::/:/bin/sh\n"
        b"big:x:4294967296:1::/:/bin/sh\n"
        b"space name:x:7:7::/:/bin/sh\n"
        b":x:8:8::/:/bin/sh\n"
        b"\xff\xfe:x:9:9::/:/bin/sh\n"
        b"vscode:x:1000:1000:,,,:/home/vscode:/bin/sh\r\n"
        b"vscode:x:1001:1001::/other:/bin/sh\n"  # the first of a name wins
        b"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin"  # no final newline
    )
    users = parse_passwd(data)
    assert [(u.name, u.uid) for u in users] == [
        ("\ufffd\ufffd", 9),
        ("vscode", 1000),
        ("nobody", 65534),
    ]
    assert users[1].home == "/home/vscode" and users[1].shell == "/bin/sh"


def test_passwd_is_bounded() -> None:
    many = b"".join(b"u%d:x:%d:%d::/:/bin/sh\n" % (i, i, i) for i in range(MAX_USERS + 50))
    assert len(parse_passwd(many)) == MAX_USERS
    huge = b"root:x:0:0::/root:/bin/sh\n" + b"x" * (8 * 1024 * 1024) + b"\nlate:x:1:1::/:/bin/sh\n"
    assert [u.name for u in parse_passwd(huge)] == ["root"]


def test_search_path_takes_the_image_path_then_the_usual_dirs() -> None:
    env = [
        "LANG=C.UTF-8",
        "PATH=/usr/bin:/bin",  # overridden by the later PATH=
        "PATH=/opt/conda/bin:relative/bin::/usr/local/bin/../bin:/usr//sbin/:/home/x/.local/bin",
        42,
    ]
    path = search_path(env)
    assert path[:4] == ("/opt/conda/bin", "/usr/local/bin", "/usr/sbin", "/home/x/.local/bin")
    assert set(path) == {*DEFAULT_PATH, "/home/x/.local/bin"}
    assert len(path) == len(set(path))
    assert search_path(None) == DEFAULT_PATH


def test_search_path_is_bounded() -> None:
    env = ["PATH=" + ":".join(f"/p{i}" for i in range(10 * MAX_PATH_DIRS))]
    assert len(search_path(env)) == MAX_PATH_DIRS + len(DEFAULT_PATH)


def _layer(entries: dict[str, str | bytes | None]) -> io.BytesIO:
    """A layer tar: str = symlink target, bytes = a file, None = a directory."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, value in entries.items():
            info = tarfile.TarInfo(name)
            if value is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif isinstance(value, str):
                info.type = tarfile.SYMTYPE
                info.linkname = value
                tar.addfile(info)
            else:
                info.size = len(value)
                tar.addfile(info, io.BytesIO(value))
    buffer.seek(0)
    return buffer


def _tree(*layers: dict[str, str | bytes | None]) -> MergedFS:
    fs = MergedFS()
    for layer in layers:  # topmost first
        fs.add_layer(_layer(layer), lambda p: False, 1024)
    return fs


def test_tools_follow_links_merged_usr_and_busybox_applets() -> None:
    fs = merged_lookup(
        _tree(
            {
                "bin": "usr/bin",  # merged /usr
                "usr/bin/bash": b"ELF",
                "usr/sbin/adduser": "/bin/busybox",  # an applet, through the /bin link
                "usr/bin/busybox": b"ELF",
                "usr/local/bin/python": "python3",
                "usr/local/bin/python3": b"ELF",
                "usr/local/bin/pip": "missing-target",  # dangling: not a tool
                "usr/local/bin/R": None,  # a folder: not a tool
            }
        )
    )
    assert find_tool(fs, "bash", ("/bin",)) == "/bin/bash"
    assert find_tool(fs, "adduser", DEFAULT_PATH) == "/usr/sbin/adduser"
    assert find_tool(fs, "python", DEFAULT_PATH) == "/usr/local/bin/python"
    assert find_tool(fs, "pip", DEFAULT_PATH) is None
    assert find_tool(fs, "R", DEFAULT_PATH) is None
    # only on the folders asked
    assert find_tool(fs, "python", ("/usr/bin",)) is None


def test_a_whiteout_hides_a_lower_tool_and_questions_stay_open() -> None:
    top = {"usr/sbin/.wh.useradd": b"", "etc/os-release": b"ID=debian\n"}
    lower = {
        "usr/sbin/useradd": b"ELF",
        "usr/bin/bash": b"ELF",
        "etc/passwd": b"root:x:0:0::/root:/bin/sh\n",
        "lib/x86_64-linux-gnu/libc.so.6": b"ELF",
    }
    questions = _InitQuestions(frozenset({"bash", "useradd"}), DEFAULT_PATH)
    fs = MergedFS()
    lookup = merged_lookup(fs)
    fs.add_layer(_layer(top), questions.wanted, 1024)
    assert not questions.answered(lookup)
    fs.add_layer(_layer(lower), questions.wanted, 1024)
    assert not questions.answered(lookup)  # useradd is hidden: every layer must be read
    facts = questions.facts(lookup, "img", "registry", {"User": "1000"})
    assert facts.tools == {"bash"} and facts.where("bash") == "/usr/bin/bash"
    assert facts.libc == "glibc" and facts.distro_id == "debian"
    assert facts.users == (BaseUser("root", 0, 0, "/root", "/bin/sh"),)
    assert facts.config_user == "1000" and facts.lacks("useradd") and not facts.lacks("mamba")


def test_every_question_answered_in_the_top_layer() -> None:
    top = {
        "etc/os-release": b'ID=alpine\nVERSION_ID="3.20.3"\n',
        "etc/passwd": b"root:x:0:0::/root:/bin/ash\n",
        "lib/ld-musl-x86_64.so.1": b"ELF",
        "bin/busybox": b"ELF",
        "bin/sh": "busybox",
    }
    questions = _InitQuestions(frozenset({"sh"}), DEFAULT_PATH)
    fs = MergedFS()
    fs.add_layer(_layer(top), questions.wanted, 1024)
    assert questions.answered(merged_lookup(fs))
    facts = questions.facts(merged_lookup(fs), "img", "registry", {})
    assert facts.is_musl and facts.distro_version == "3.20.3" and facts.config_user is None


@pytest.mark.parametrize("name", ["", "a/b", "..", "x\x00"])
def test_a_tool_name_must_be_a_plain_name(name: str) -> None:
    from devcon.base_facts import _checked_tools

    with pytest.raises(ValueError):
        _checked_tools([name])


def test_lacks_only_when_the_reading_was_complete() -> None:
    facts = BaseFacts(
        image="i",
        source="registry",
        distro_id=None,
        distro_version=None,
        libc=None,
        users=(),
        tools=frozenset(),
        config_user=None,
        complete=False,
        asked=frozenset({"bash"}),
    )
    assert not facts.lacks("bash") and not facts.has("bash")
