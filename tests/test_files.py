"""``plantracker.files.write_atomically``: all of the file or none of it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from plantracker import files
from plantracker.files import current_umask, new_file_mode, write_atomically


def _names(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def test_bytes_and_text_are_written_as_given(tmp_path: Path) -> None:
    write_atomically(tmp_path / "a.bin", b"\x00\xffbytes\r\n")
    write_atomically(tmp_path / "b.txt", "café\r\nline\n")
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\xffbytes\r\n"
    assert (tmp_path / "b.txt").read_bytes() == "café\r\nline\n".encode()  # UTF-8, ends kept
    assert _names(tmp_path) == ["a.bin", "b.txt"]  # no temporary file left behind


def test_a_string_path_and_a_relative_name_are_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_atomically("plain.txt", "here")
    write_atomically(str(tmp_path / "full.txt"), "there")
    assert (tmp_path / "plain.txt").read_text("utf-8") == "here"
    assert (tmp_path / "full.txt").read_text("utf-8") == "there"


def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path: Path) -> None:
    target = tmp_path / "new.txt"
    write_atomically(target, "x")
    assert target.stat().st_mode & 0o777 == 0o666 & ~current_umask()  # not mkstemp's 0600
    assert new_file_mode() == 0o666 & ~current_umask()


def test_a_new_file_follows_a_changed_umask(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        write_atomically(tmp_path / "private.txt", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "private.txt").stat().st_mode & 0o777 == 0o600


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "kept.txt"
    target.write_text("old", "utf-8")
    target.chmod(0o640)
    write_atomically(target, "new")
    assert target.read_text("utf-8") == "new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert _names(tmp_path) == ["kept.txt"]


def test_an_explicit_mode_is_applied_to_new_and_replaced_files(tmp_path: Path) -> None:
    target = tmp_path / "backup.json"
    write_atomically(target, "{}", mode=0o600)
    assert target.stat().st_mode & 0o777 == 0o600
    target.chmod(0o644)
    write_atomically(target, "[]", mode=0o600)
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.read_text("utf-8") == "[]"


def test_a_failure_while_writing_leaves_the_target_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "plan.yaml"
    target.write_text("old content", "utf-8")

    def broken(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", broken)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(target, "new content")
    assert target.read_text("utf-8") == "old content"
    assert _names(tmp_path) == ["plan.yaml"]


def test_an_interrupt_while_replacing_leaves_the_target_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"%PDF-old")

    def interrupted(source: str, destination: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, b"%PDF-new")
    assert target.read_bytes() == b"%PDF-old"
    assert _names(tmp_path) == ["report.pdf"]


def test_a_missing_folder_raises_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomically(tmp_path / "absent" / "plan.yaml", "x")
    assert _names(tmp_path) == []


def test_a_folder_as_target_raises_and_keeps_the_folder(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(OSError):
        write_atomically(tmp_path / "folder", "x")
    assert (tmp_path / "folder").is_dir()
    assert _names(tmp_path) == ["folder"]
