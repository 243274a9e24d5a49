"""Every secret Vigie reads from a file (the match and data keys, the outbox DSN, the shared state
key) goes through one check, `vigie.core.files.read_private`: a regular file of this user (or
root), readable by its owner only, judged on the opened file. Another local process is in the
threat model: a key it planted or can read is a key it knows."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from alerts.outbox_pg import PgOutboxError, read_dsn_file
from vigie.core.files import PrivateFileError, random_key_file, read_private
from vigie.keys import KeyFileError, load_match_key

KEY_TEXT = "1:" + "0123456789abcdef" * 4 + "\n"


def _private(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    path.chmod(0o600)
    return path


def test_a_private_file_is_read(tmp_path: Path) -> None:
    assert read_private(_private(tmp_path / "k", b"secret")) == b"secret"


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o620, 0o602])
def test_group_or_other_access_is_refused_with_the_fix(tmp_path: Path, mode: int) -> None:
    path = _private(tmp_path / "k", b"secret")
    path.chmod(mode)
    with pytest.raises(PrivateFileError, match=f"chmod 600 {path}"):
        read_private(path)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can make a file of another user here")
def test_a_file_of_another_user_is_refused(tmp_path: Path) -> None:
    path = _private(tmp_path / "k", b"secret")
    os.chown(path, 65534, 65534)
    with pytest.raises(PrivateFileError, match="belongs to another user"):
        read_private(path)
    with pytest.raises(KeyFileError, match="belongs to another user"):
        load_match_key(path)
    with pytest.raises(PgOutboxError, match="belongs to another user"):
        read_dsn_file(path)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "k"
    os.mkfifo(fifo, 0o600)
    with pytest.raises(PrivateFileError, match="not a regular file"):
        read_private(fifo)  # a blocking open would hang here until someone writes


def test_links_are_followed_for_operators_files_not_for_vigies_own(tmp_path: Path) -> None:
    target = _private(tmp_path / "real", KEY_TEXT.encode())
    link = tmp_path / "link"
    link.symlink_to(target)
    assert read_private(link) == KEY_TEXT.encode()  # a mounted secret volume is made of links
    assert load_match_key(link).version == 1
    with pytest.raises(PrivateFileError, match="symbolic link"):
        read_private(link, follow_symlinks=False)
    with pytest.raises(PrivateFileError, match="symbolic link"):
        random_key_file(link, 32)  # Vigie's own key file is never a link


def test_a_huge_file_is_not_a_secret(tmp_path: Path) -> None:
    with pytest.raises(PrivateFileError, match="more than"):
        read_private(_private(tmp_path / "k", b"x" * (1 << 17)))


def test_the_callers_keep_their_own_errors_and_never_echo_the_content(tmp_path: Path) -> None:
    dsn = _private(tmp_path / "dsn", b"postgresql://vigie:S3cretPw@127.0.0.1:5432/vigie\n")
    assert read_dsn_file(dsn).endswith("/vigie")
    dsn.chmod(0o644)
    with pytest.raises(PgOutboxError) as got:
        read_dsn_file(dsn)
    assert "S3cretPw" not in str(got.value) and "chmod 600" in str(got.value)
    bad = _private(tmp_path / "bad.key", b"\xff\xfe S3cret")
    with pytest.raises(KeyFileError) as err:
        load_match_key(bad)
    assert "S3cret" not in str(err.value) and err.value.__cause__ is None
    with pytest.raises(KeyFileError, match="not a regular file"):
        load_match_key(tmp_path)  # a directory
