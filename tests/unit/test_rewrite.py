"""rewrite.write_all: all-or-nothing, through symlinks, new files removed on rollback,
interrupts cleaned up; apply_edits and text_at; fileio.atomic_write_bytes through symlinks."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from devcon import rewrite
from devcon.errors import InputError
from devcon.fileio import atomic_write_bytes, atomic_write_text
from devcon.rewrite import Edit, apply_edits, text_at, write_all


def _leftovers(folder: Path) -> list[str]:
    """Temporary files write_all may leave behind (new texts and backups)."""
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith((".devcon", ".devcon-old")))


def _failing_on(
    n: int, exc: BaseException, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[str, str]]:
    """Make the n-th rename write_all does raise `exc`; record every rename asked for."""
    calls: list[tuple[str, str]] = []
    real = rewrite._replace

    def fake(src: str, dst: str | Path) -> None:
        calls.append((str(src), str(dst)))
        if len(calls) == n:
            raise exc
        real(src, dst)

    monkeypatch.setattr(rewrite, "_replace", fake)
    return calls


@pytest.fixture
def three(tmp_path: Path) -> tuple[Path, Path, Path]:
    a = tmp_path / "a.txt"
    b = tmp_path / "sub" / "b.txt"
    b.parent.mkdir()
    a.write_bytes(b"a-old\r\n")
    b.write_bytes(b"b-old\n")
    os.chmod(a, 0o640)
    new = tmp_path / "devcontainer-lock.json"  # does not exist yet
    return a, b, new


def _changes(a: Path, b: Path, new: Path) -> list[tuple[Path, str, str]]:
    return [(a, "a-old\r\n", "a-new\r\n"), (b, "b-old\n", "b-new\n"), (new, "", "{}")]


def test_writes_every_file_keeping_modes(three: tuple[Path, Path, Path], tmp_path: Path) -> None:
    a, b, new = three
    write_all(_changes(a, b, new))
    assert a.read_bytes() == b"a-new\r\n" and b.read_bytes() == b"b-new\n"
    assert new.read_bytes() == b"{}"
    assert stat.S_IMODE(a.stat().st_mode) == 0o640
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("nth", [1, 2, 3])
def test_a_failed_rename_leaves_every_file_as_it_was(
    three: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nth: int
) -> None:
    a, b, new = three
    inode = a.stat().st_ino
    _failing_on(nth, OSError(28, "No space left on device", str(b)), monkeypatch)
    with pytest.raises(InputError, match="cannot write: No space left on device"):
        write_all(_changes(a, b, new))
    assert a.read_bytes() == b"a-old\r\n" and b.read_bytes() == b"b-old\n"
    assert stat.S_IMODE(a.stat().st_mode) == 0o640
    assert a.stat().st_ino == inode  # the very same file is back (renamed, not rewritten)
    assert not new.exists()  # a file that did not exist is removed, not left empty
    assert _leftovers(tmp_path) == []


def test_the_new_file_is_removed_when_a_later_rename_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As `devcon init` uses it: new files first ("" as their original), then a failure."""
    created = tmp_path / ".devcontainer" / "devcontainer.json"
    created.parent.mkdir()
    dockerfile = tmp_path / "Dockerfile"
    existing = tmp_path / "requirements.txt"
    existing.write_text("")  # an existing empty file stays, empty
    _failing_on(3, OSError(5, "Input/output error"), monkeypatch)
    with pytest.raises(InputError, match="no file was changed"):
        write_all([(created, "", "{}\n"), (dockerfile, "", "FROM x\n"), (existing, "", "y\n")])
    assert not created.exists() and not dockerfile.exists()
    assert existing.read_text() == ""
    assert _leftovers(tmp_path) == []


def test_keyboard_interrupt_during_renames_rolls_back_and_propagates(
    three: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, new = three
    _failing_on(2, KeyboardInterrupt(), monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        write_all(_changes(a, b, new))
    assert a.read_bytes() == b"a-old\r\n" and b.read_bytes() == b"b-old\n"
    assert not new.exists()
    assert _leftovers(tmp_path) == []


def test_keyboard_interrupt_while_staging_removes_the_temporary_files(
    three: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, new = three
    real: Callable[..., str] = rewrite._write_temp
    count = 0

    def interrupted(*args: object) -> str:
        nonlocal count
        count += 1
        if count == 3:  # a's and b's new texts (and their backups) are staged already
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(rewrite, "_write_temp", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_all(_changes(a, b, new))
    assert a.read_bytes() == b"a-old\r\n" and b.read_bytes() == b"b-old\n"
    assert not new.exists()
    assert _leftovers(tmp_path) == []


def test_an_unwritable_folder_is_input_error_and_changes_nothing(
    three: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    a, _, _ = three
    missing = tmp_path / "no-such-folder" / "x.json"
    with pytest.raises(InputError, match="cannot write"):
        write_all([(a, "a-old\r\n", "a-new\r\n"), (missing, "", "{}")])
    assert a.read_bytes() == b"a-old\r\n"
    assert _leftovers(tmp_path) == []


def test_a_restore_that_fails_is_named(
    three: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, new = three
    calls: list[str] = []
    real = rewrite._replace

    def fake(src: str, dst: str | Path) -> None:
        calls.append(str(dst))
        if len(calls) >= 2:  # b's rename fails, and so does putting a back
            raise OSError(30, "Read-only file system", str(dst))
        real(src, dst)

    monkeypatch.setattr(rewrite, "_replace", fake)
    with pytest.raises(InputError, match=f"could not put back: {a}"):
        write_all(_changes(a, b, new))
    assert _leftovers(tmp_path) == []


def test_symlinks_are_written_through_and_stay_links(tmp_path: Path) -> None:
    real = tmp_path / "shared" / "Dockerfile"
    real.parent.mkdir()
    real.write_text("FROM a:1\n")
    os.chmod(real, 0o600)
    link = tmp_path / "Dockerfile"
    link.symlink_to(os.path.relpath(real, tmp_path))
    write_all([(link, "FROM a:1\n", "FROM a:1@sha256:x\n")])
    assert link.is_symlink() and os.readlink(link) == os.path.relpath(real, tmp_path)
    assert real.read_text() == "FROM a:1@sha256:x\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []


def test_a_symlink_and_its_target_in_one_call(tmp_path: Path) -> None:
    real = tmp_path / "x.yml"
    real.write_text("old\n")
    link = tmp_path / "compose.yml"
    link.symlink_to(real)
    write_all([(link, "old\n", "new\n"), (real, "old\n", "new\n")])
    assert real.read_text() == "new\n" and link.is_symlink()
    with pytest.raises(InputError, match="two different new texts"):
        write_all([(link, "new\n", "a\n"), (real, "new\n", "b\n")])
    assert real.read_text() == "new\n"


def test_atomic_write_bytes_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.toml"
    real.write_text("old")
    link = tmp_path / ".devcon.toml"
    link.symlink_to(real)
    atomic_write_bytes(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    atomic_write_text(tmp_path / "fresh.txt", "a\n")
    assert (tmp_path / "fresh.txt").read_bytes() == b"a\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_apply_edits_and_text_at() -> None:
    text = "a\r\nFROM x:1 AS b\r\n"
    assert text_at(text, 2, 6, 3) == "x:1"
    assert text_at(text, 9, 1, 3) == "" and text_at(text, 2, 0, 3) == ""
    assert apply_edits(text, [Edit(2, 6, "x:1", "x:1@sha256:0")]) == (
        "a\r\nFROM x:1@sha256:0 AS b\r\n"
    )
    with pytest.raises(InputError, match="changed while devcon was working"):
        apply_edits(text, [Edit(2, 5, "x:1", "y")], "Dockerfile")
