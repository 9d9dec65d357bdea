"""The files the bot writes under its data directory are written atomically: temporary file,
fsync, then link (a new file, never overwriting) or rename (a replacement); a disk fault leaves the old state."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from tno_bot.matrix import local_secrets
from tno_bot.matrix.local_secrets import PICKLE_KEY_FILE, pickle_key_of, replace_private_file, write_private_file


def only_files(directory) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def full_disk(monkeypatch):
    """The next fsync of a file fails as on a full disk (the data did not reach it)."""
    real = os.fsync

    def fsync(descriptor):
        if stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(descriptor)

    monkeypatch.setattr(local_secrets.os, "fsync", fsync)


def test_a_new_file_is_private_whole_and_never_overwritten(tmp_path):
    path = tmp_path / "recovery-key.txt"
    write_private_file(path, "EsT1 abcd\n")
    assert path.read_text(encoding="utf-8") == "EsT1 abcd\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.stat().st_nlink == 1
    with pytest.raises(FileExistsError):
        write_private_file(path, "another key\n")
    assert path.read_text(encoding="utf-8") == "EsT1 abcd\n"
    assert only_files(tmp_path) == ["recovery-key.txt"]  # no temporary file left


def test_a_new_file_that_cannot_be_written_does_not_appear(tmp_path, monkeypatch):
    full_disk(monkeypatch)
    with pytest.raises(OSError, match="No space left"):
        write_private_file(tmp_path / PICKLE_KEY_FILE, "key")
    assert only_files(tmp_path) == []


def test_a_replacement_is_whole_or_not_at_all(tmp_path, monkeypatch):
    path = tmp_path / "cross-signing.json"
    replace_private_file(path, '{"v": 1}')
    replace_private_file(path, '{"v": 2}')
    assert path.read_text(encoding="utf-8") == '{"v": 2}' and stat.S_IMODE(path.stat().st_mode) == 0o600
    full_disk(monkeypatch)
    with pytest.raises(OSError):
        replace_private_file(path, '{"v": 3}')
    assert path.read_text(encoding="utf-8") == '{"v": 2}'
    assert only_files(tmp_path) == ["cross-signing.json"]


def test_the_pickle_key_is_made_once_and_a_failed_write_is_retried_at_the_next_start(tmp_path, monkeypatch):
    with monkeypatch.context() as patch:
        full_disk(patch)
        with pytest.raises(OSError):
            pickle_key_of(tmp_path, None)
    assert only_files(tmp_path) == []  # no empty key left behind to be read as the key
    key = pickle_key_of(tmp_path, None)
    assert len(key) >= 40 and pickle_key_of(tmp_path, None) == key
    assert (tmp_path / PICKLE_KEY_FILE).read_text(encoding="utf-8") == key
    assert pickle_key_of(tmp_path, "given") == "given"


def test_every_file_the_bot_writes_goes_through_the_one_helper():
    """No other writer of files under the data directory: the sources that write files are the helper's."""
    from pathlib import Path

    package = Path(local_secrets.__file__).parents[1]
    writers = {"write_text(", "write_bytes(", "O_CREAT", "mkstemp(", "fdopen(", 'open("w', "open('w"}
    found = sorted(str(p.relative_to(package)) for p in package.rglob("*.py")
                   if any(w in p.read_text(encoding="utf-8") for w in writers))
    # the helper itself; the CLI's outputs (a path the operator names); the throwaway homeserver of the demo/tests
    assert found == ["cli.py", "homeserver.py", "i18n/catalogs.py", "matrix/local_secrets.py"]
