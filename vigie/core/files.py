"""Writing a file that only its owner may read, whatever the umask and whatever was at its path
(another user's file or link, a readable file someone holds open): what every file Vigie writes
for an operator (exports, packs, `-o` items) must be; and reading a secret only from such a file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["FILE_MODE", "PrivateFileError", "open_private", "random_key_file", "read_private", "write_private"]

FILE_MODE = 0o600
_SECRET_MAX_BYTES = 1 << 16  # a key, a DSN: a few hundred bytes; a bigger file is not one of them


class PrivateFileError(PermissionError):
    """A file that holds a secret could have been planted or read by someone else: refused."""


def read_private(path: Path, *, follow_symlinks: bool = True) -> bytes:
    """The bytes of a file that holds a secret (a key, a DSN with a password), refused unless it
    is a regular file of this user (or root) that only its owner can read or write: whoever can
    read it holds the secret, and whoever planted it chose it (the database alerts go to, the key
    that seals the state). The checks are made on the opened file (fstat), so a file swapped
    between a check and the read is still seen; a FIFO is not waited on (O_NONBLOCK).

    `follow_symlinks=False` refuses a symbolic link (a file Vigie created itself is never one);
    operators' secrets may be links (a mounted secret volume), judged by the file they point to.
    Raises OSError when the file cannot be read, PrivateFileError (with the fix) when refused."""
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow_symlinks else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow_symlinks and os.path.islink(path):
            raise PrivateFileError(f"{path} is a symbolic link where Vigie keeps a file of its own: someone "
                                   "may have planted it; refused. Find out who made it, then delete it") from exc
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise PrivateFileError(f"{path} is not a regular file: refused (a secret is read from a file)")
        if st.st_uid not in (os.geteuid(), 0):
            raise PrivateFileError(f"{path} belongs to another user (uid {st.st_uid}), who may have planted it "
                                   "or can read it: refused; make it yours (chown) and keep it in a private directory")
        if st.st_mode & 0o077:
            raise PrivateFileError(f"{path} is readable or writable by group/others, who may have read or "
                                   f"replaced it: refused; run: chmod 600 {path}")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(_SECRET_MAX_BYTES + 1)
        if len(data) > _SECRET_MAX_BYTES:
            raise PrivateFileError(f"{path} holds more than {_SECRET_MAX_BYTES} bytes: not a key or a DSN, refused")
        return data
    finally:
        os.close(fd)


def _refuse(fd: int, path: Path, why: str) -> PrivateFileError:
    os.close(fd)
    return PrivateFileError(f"{path} {why}: refused (another local user could read what Vigie writes there); "
                            "write to a new path in a directory only you can write")


def open_private(path: Path, *, append: bool = False) -> int:
    """A descriptor to write `path` (an operator's `-o` file: plaintext items, a pack, an export)
    that only this user can read, whatever was at that path before. Without `append` the file is
    emptied; with it, writes go at its end.

    The path may sit in a directory other users write (/tmp): a file another user planted there
    stays theirs (they read it, or chmod it back, whatever mode Vigie gives it), a symbolic link
    they planted sends the write to a file they chose, and a file of ours that was readable may
    be held open by a reader who keeps reading. So nothing is truncated before it is judged on
    the opened file (fstat): a regular file must be this user's with one link (a readable one is
    replaced by a new file unless appending), a FIFO or a device (a pipe, /dev/null, a terminal)
    this user's or root's, and a symbolic link is followed only if this user or root made it."""
    path = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | (os.O_APPEND if append else 0)
    try:
        fd = os.open(path, flags, FILE_MODE)
    except OSError:
        link = os.lstat(path) if os.path.islink(path) else None
        if link is None:
            raise
        if link.st_uid not in (os.geteuid(), 0):
            raise PrivateFileError(f"{path} is a symbolic link of another user (uid {link.st_uid}): refused "
                                   "(it chooses where Vigie writes); write to a new path") from None
        fd = os.open(path, flags & ~os.O_NOFOLLOW, FILE_MODE)
    st = os.fstat(fd)
    if stat.S_ISREG(st.st_mode):
        if st.st_uid != os.geteuid():
            raise _refuse(fd, path, f"belongs to another user (uid {st.st_uid})")
        if st.st_nlink != 1:
            raise _refuse(fd, path, f"has {st.st_nlink} names (hard links)")
        if st.st_mode & 0o077 and not append:
            os.close(fd)  # someone may hold it open from when it was readable: a new file replaces it
            real = os.path.realpath(path)  # the file itself, not the link of ours that led to it
            os.unlink(real)
            fd = os.open(real, (flags | os.O_EXCL) & ~os.O_APPEND, FILE_MODE)
        os.fchmod(fd, FILE_MODE)  # O_CREAT's mode goes through the umask; an older file is narrowed
        if not append:
            os.ftruncate(fd, 0)
    elif stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
        if st.st_uid not in (os.geteuid(), 0):
            raise _refuse(fd, path, f"is a pipe or device of another user (uid {st.st_uid})")
    else:
        raise _refuse(fd, path, "is not a regular file, a pipe or a device")
    os.set_blocking(fd, True)
    return fd


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` with mode 0600, as `open_private` opens it."""
    fd = open_private(path)
    try:
        with os.fdopen(fd, "wb", closefd=False) as out:
            out.write(data)
    finally:
        os.close(fd)


def random_key_file(path: Path, size: int) -> bytes:
    """The random key held in `path`, created on first use (0600) atomically: written to a
    private temporary file, then linked into place, so that a concurrent process reads either no
    file or the whole key, and the first one to link wins. The caller checks the length (its
    error message says what to do with a wrong file).

    The key file may sit in a directory other users can write (a share every worker reads): the
    temporary file is created exclusively (no symlink or planted file followed), and the key file
    is read by `read_private` without following a link."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{os.urandom(6).hex()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
        try:
            os.fchmod(fd, FILE_MODE)
            os.write(fd, os.urandom(size))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            tmp.unlink()
    try:
        return read_private(path, follow_symlinks=False)
    except PrivateFileError as exc:
        raise PrivateFileError(f"{exc} (a key file: what it sealed starts from scratch if it is deleted)") from None
