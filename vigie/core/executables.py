"""Programs Vigie runs by name (tor): only from where no untrusted local account can put its own.

Why: `tor.tor_binary` (default `tor`) is looked up on PATH. A PATH holding a directory another
account writes (an empty entry or `.`, the current directory, when Vigie starts from /tmp or a
shared directory; a group-writable `/usr/local/bin` whose group holds someone else; a home
directory another account can write) let that account put a `tor` there, and Vigie ran it with
its own rights: its keys, its data, its alerts (round 13 of the attacker's review). The program
found, and every directory above it, as found and as its symlinks resolve, must belong to a
trusted account (root, Vigie's own, `security.trusted_local_users`), and none may be writable by
an account that is not trusted (a world-writable directory only when sticky, as /tmp, and the
file's owner trusted: then no one else can replace it). The resolved path is what is run, never
the name again: a later change of PATH or of a symlink does not change what runs.
"""

from __future__ import annotations

import grp
import os
import pwd
import stat

from vigie.core.peers import PeerCheckError, TrustedPeers

__all__ = ["UntrustedExecutable", "trusted_executable", "untrusted_writer"]


class UntrustedExecutable(PeerCheckError):
    """A program found where an untrusted local account could have put or could replace it."""


def untrusted_writer(gid: int, peers: TrustedPeers) -> str | None:
    """An account of group `gid` (a member, or one whose primary group it is) that `peers` does
    not trust, by name; None when every one is trusted. A group the system cannot name is taken
    as holding an untrusted account. (Accounts are enumerated through NSS: a directory service
    that lists no accounts hides its users' primary groups.)"""
    try:
        members = set(grp.getgrgid(gid).gr_mem)
    except KeyError:
        return f"the unknown group {gid}'s members"
    for account in pwd.getpwall():
        if (account.pw_gid == gid or account.pw_name in members) and not peers.trusts(account.pw_uid):
            return account.pw_name
    for name in members:
        try:
            pwd.getpwnam(name)
        except KeyError:
            return name  # a member no account stands for here: not one we trust
    return None


def _check(path: str, peers: TrustedPeers, what: str, found: str, *, follow: bool) -> None:
    """`path` and each directory above it (`follow`: their symlinks followed, else each is
    judged as a link itself) against `peers`; raises UntrustedExecutable."""
    node, leaf = path, True
    while True:
        st = os.stat(node) if follow else os.lstat(node)
        if not peers.trusts(st.st_uid):
            raise UntrustedExecutable(f"{what} {found}: {node} belongs to uid {st.st_uid}, not a trusted local user; "
                                      "not run (install it from the system's packages, or name a program that root "
                                      "owns)")
        link = stat.S_ISLNK(st.st_mode)  # a symlink's own mode bits mean nothing
        if not link and st.st_mode & stat.S_IWOTH and (leaf or not st.st_mode & stat.S_ISVTX):
            raise UntrustedExecutable(f"{what} {found}: {node} is writable by every account; not run")
        if not link and st.st_mode & stat.S_IWGRP and (leaf or not st.st_mode & stat.S_ISVTX):
            if (who := untrusted_writer(st.st_gid, peers)) is not None:
                raise UntrustedExecutable(f"{what} {found}: {node} is writable by its group (gid {st.st_gid}), "
                                          f"whose account {who} is not a trusted local user; not run")
        parent = os.path.dirname(node)
        if parent == node:
            return
        node, leaf = parent, False


def trusted_executable(found: str, peers: TrustedPeers, what: str = "program") -> str:
    """The absolute, resolved path of `found` (`shutil.which`'s answer) to run, once no account
    `peers` does not trust can have put it there or replace it (see the module docstring);
    raises UntrustedExecutable. With the check disabled (`peers.enabled` false) the resolved
    path all the same."""
    absolute, resolved = os.path.abspath(found), os.path.realpath(found)
    if peers.enabled:
        try:
            _check(absolute, peers, what, found, follow=False)
            _check(resolved, peers, what, found, follow=True)
        except OSError as exc:  # a directory of the path that cannot be looked at: nothing is known
            raise UntrustedExecutable(f"{what} {found}: its path cannot be checked ({exc}); not run") from None
    return resolved
