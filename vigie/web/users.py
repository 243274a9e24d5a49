"""`<data-dir>/web.sqlite3`: web users, sessions, API tokens, login counters and alert triage.

What is stored, and why in that form:
- passwords as argon2id hashes; TOTP secrets AES-GCM encrypted with the data key (bound to the
  user name), with the last accepted time step so a code is never accepted twice;
- sessions and API tokens only as SHA-256 of the random value the client holds: a copy of the
  database lets nobody log in;
- login failure counters per account and per client address, in the database so a restart
  does not reset a lockout;
- triage state and its history per alert, with the organisation copied in so that every read
  is filtered by organisation in SQL.
The file is created 0600 through `vigie.core.sqlite.connect`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from indexer.crypto import DataKey, decrypt_text, encrypt_text
from vigie.core.sqlite import connect, transaction
from vigie.web import WebError

__all__ = ["ROLES", "TRIAGE_STATES", "ApiToken", "NewToken", "Role", "SessionRow", "TriageEvent", "User",
           "UserError", "WebDB", "hash_secret", "role_of", "web_db_path"]

Role = Literal["org_member", "analyst", "operator"]
ROLES: tuple[str, ...] = get_args(Role)
TriageState = Literal["new", "acknowledged", "resolved", "false_positive"]
TRIAGE_STATES: tuple[str, ...] = get_args(TriageState)
WEB_DB_FILENAME = "web.sqlite3"
TOTP_STEP = 30

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    org TEXT,
    pw_hash TEXT NOT NULL,
    totp_enc BLOB,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    may_reveal INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name),
    csrf TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    totp_at REAL
);
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    user TEXT NOT NULL REFERENCES users(name),
    role TEXT NOT NULL,
    org TEXT,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    last_used_at REAL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS devices (
    id_hash TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name),
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_at REAL NOT NULL,
    locked_until REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS triage (
    alert_id TEXT PRIMARY KEY,
    org TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at REAL NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS triage_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id TEXT NOT NULL,
    org TEXT NOT NULL,
    state TEXT NOT NULL,
    note TEXT NOT NULL,
    by_user TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS triage_history_alert ON triage_history(org, alert_id, id);
"""

# a failure older than this no longer counts towards a lockout
_FAILURE_WINDOW_SECONDS = 3600.0


class UserError(WebError):
    """A user or token operation was refused (unknown user, a role without its organisation...)."""


def hash_secret(value: str) -> str:
    """What the database keeps of a session id or an API token: its SHA-256 (the values are
    256-bit random, so a fast hash is enough; a slow one would only slow every request)."""
    return hashlib.sha256(value.encode()).hexdigest()


def web_db_path(data_dir: Path) -> Path:
    return Path(data_dir) / WEB_DB_FILENAME


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    org: str | None
    has_totp: bool
    may_reveal: bool
    disabled: bool
    created_at: float


@dataclass(frozen=True)
class SessionRow:
    user: User
    csrf: str
    expires_at: float
    totp_at: float | None


@dataclass(frozen=True)
class ApiToken:
    id: str
    name: str
    user: str
    role: Role
    org: str | None
    created_at: float
    expires_at: float
    last_used_at: float | None
    revoked: bool


@dataclass(frozen=True)
class NewToken:
    """A token just created: `secret` is shown once and never stored."""

    token: ApiToken
    secret: str


@dataclass(frozen=True)
class TriageEvent:
    state: str
    note: str
    by: str
    at: float


_USER_COLS = "name, role, org, totp_enc IS NOT NULL, may_reveal, disabled, created_at"
_ROLE_BY_NAME: dict[str, Role] = {"org_member": "org_member", "analyst": "analyst", "operator": "operator"}


def role_of(value: str) -> Role:
    """A role name from the database or a request, checked (an unknown role is a bug or tampering)."""
    try:
        return _ROLE_BY_NAME[value]
    except KeyError:
        raise UserError(f"unknown role {value!r}; use one of {', '.join(ROLES)}") from None


def _user(row: tuple[Any, ...]) -> User:
    name, role, org, has_totp, may_reveal, disabled, created = row
    return User(name=name, role=role_of(role), org=org, has_totp=bool(has_totp), may_reveal=bool(may_reveal),
                disabled=bool(disabled), created_at=created)


def _token(row: tuple[Any, ...]) -> ApiToken:
    tid, name, user, role, org, created, expires, last_used, revoked = row
    return ApiToken(id=tid, name=name, user=user, role=role_of(role), org=org, created_at=created,
                    expires_at=expires, last_used_at=last_used, revoked=bool(revoked))


_TOKEN_COLS = "id, name, user, role, org, created_at, expires_at, last_used_at, revoked"
_DUMMY_HASH: str | None = None  # verified against when the user is unknown, so timing tells nothing


class WebDB:
    """The web's own database. One connection shared by the server's threads, under a lock."""

    def __init__(self, path: Path, data_key: DataKey) -> None:
        self.path = Path(path)
        self._key = data_key
        self.db = connect(self.path, foreign_keys=True)
        self.db.executescript(_SCHEMA)
        self._lock = threading.RLock()
        self._hasher = PasswordHasher()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock, transaction(self.db) as db:
            yield db

    def _one(self, sql: str, args: tuple[object, ...] = ()) -> tuple[Any, ...] | None:
        with self._lock:
            row: tuple[Any, ...] | None = self.db.execute(sql, args).fetchone()
            return row

    def _all(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self.db.execute(sql, args).fetchall())

    def close(self) -> None:
        with self._lock:
            self.db.close()

    # -- users -----------------------------------------------------------------------------

    def add_user(self, name: str, role: Role, password: str, *, org: str | None = None,
                 may_reveal: bool = False, totp: bool = False) -> str | None:
        """Create a user; returns the TOTP secret (base32) when `totp`, to show once.

        An organisation member must name its organisation (everything it sees is scoped by it);
        other roles have none. `may_reveal` is for analysts only and needs TOTP: a reveal
        decrypts a person's data, a password alone must not be enough."""
        role = role_of(role)
        if role == "org_member" and not org:
            raise UserError(f"user {name!r}: an org_member needs --org ORG (the organisation whose alerts it sees)")
        if role != "org_member" and org:
            raise UserError(f"user {name!r}: only org_member users have an organisation (--org); drop it")
        if may_reveal and role != "analyst":
            raise UserError(f"user {name!r}: only analysts may reveal; drop --may-reveal or use --role analyst")
        if may_reveal and not totp:
            raise UserError(f"user {name!r}: --may-reveal needs --totp (a reveal requires a second factor)")
        if len(password) < 12:
            raise UserError(f"user {name!r}: the password must have at least 12 characters")
        secret = pyotp.random_base32() if totp else None
        enc = encrypt_text(self._key, secret, associated=_totp_ad(name)) if secret else None
        try:
            with self._tx() as db:
                db.execute("INSERT INTO users (name, role, org, pw_hash, totp_enc, may_reveal, created_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (name, role, org, self._hasher.hash(password), enc, int(may_reveal), time.time()))
        except sqlite3.IntegrityError:
            raise UserError(f"user {name!r} already exists; pick another name") from None
        return secret

    def user(self, name: str) -> User | None:
        row = self._one(f"SELECT {_USER_COLS} FROM users WHERE name=?", (name,))
        return None if row is None else _user(row)

    def users(self) -> list[User]:
        return [_user(r) for r in self._all(f"SELECT {_USER_COLS} FROM users ORDER BY name")]

    def disable_user(self, name: str) -> None:
        """Disable an account: its sessions end and its tokens stop working now."""
        with self._tx() as db:
            if db.execute("UPDATE users SET disabled=1 WHERE name=?", (name,)).rowcount != 1:
                raise UserError(f"no user {name!r}; see `vigie users list`")
            db.execute("DELETE FROM sessions WHERE user=?", (name,))
            db.execute("UPDATE tokens SET revoked=1 WHERE user=?", (name,))

    def check_password(self, name: str, password: str) -> User | None:
        """The enabled user if the password is right, else None (same work either way)."""
        global _DUMMY_HASH
        row = self._one("SELECT pw_hash FROM users WHERE name=? AND disabled=0", (name,))
        if row is None:
            if _DUMMY_HASH is None:
                _DUMMY_HASH = self._hasher.hash(secrets.token_hex(16))
            try:
                self._hasher.verify(_DUMMY_HASH, password)
            except VerificationError:
                pass
            return None
        try:
            self._hasher.verify(row[0], password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        return self.user(name)

    def check_totp(self, name: str, code: str, now: float | None = None) -> bool:
        """Accept a code of the current step or one step either side, once: the step is stored
        and a code of that step or an earlier one is refused afterwards (replay)."""
        row = self._one("SELECT totp_enc, totp_last_step FROM users WHERE name=? AND disabled=0", (name,))
        if row is None or row[0] is None or not (code.isascii() and code.isdigit()):  # "١٢٣" is a digit too
            return False
        totp = pyotp.TOTP(decrypt_text(self._key, row[0], associated=_totp_ad(name)))
        step_now = int((time.time() if now is None else now) // TOTP_STEP)
        for step in (step_now - 1, step_now, step_now + 1):
            if step > row[1] and hmac.compare_digest(totp.at(step * TOTP_STEP), code):
                with self._tx() as db:  # compare-and-set: two concurrent logins cannot both use it
                    cur = db.execute("UPDATE users SET totp_last_step=? WHERE name=? AND totp_last_step<?",
                                     (step, name, step))
                return cur.rowcount == 1
        return False

    def totp_uri(self, name: str, secret: str, issuer: str = "Vigie") -> str:
        return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=issuer)

    # -- login throttling ------------------------------------------------------------------

    def locked_for(self, keys: list[str], now: float | None = None) -> float:
        """Seconds until the longest lockout among `keys` ends (0: not locked)."""
        now = time.time() if now is None else now
        if not keys:
            return 0.0
        marks = ",".join("?" * len(keys))
        row = self._one(f"SELECT MAX(locked_until) FROM login_failures WHERE key IN ({marks})", tuple(keys))
        return max(0.0, (row[0] or 0.0) - now) if row else 0.0

    def record_failure(self, keys: list[str], max_failures: int, lockout_seconds: float) -> None:
        """Count a failed login against each key; from `max_failures` on, lock it for
        `lockout_seconds * 2**(failures - max_failures)` (capped at a day)."""
        now = time.time()
        with self._tx() as db:
            for key in keys:
                row = db.execute("SELECT failures, last_at FROM login_failures WHERE key=?", (key,)).fetchone()
                failures = 1 if row is None or now - row[1] > _FAILURE_WINDOW_SECONDS else row[0] + 1
                locked = (now + min(86400.0, lockout_seconds * 2 ** (failures - max_failures))
                          if failures >= max_failures else 0.0)
                db.execute("INSERT INTO login_failures (key, failures, last_at, locked_until) VALUES (?, ?, ?, ?) "
                           "ON CONFLICT(key) DO UPDATE SET failures=excluded.failures, last_at=excluded.last_at, "
                           "locked_until=excluded.locked_until", (key, failures, now, locked))

    def clear_failures(self, key: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM login_failures WHERE key=?", (key,))

    # -- sessions --------------------------------------------------------------------------

    def create_session(self, user: str, hours: float, *, totp: bool) -> tuple[str, str]:
        """A new session: (the cookie value, the CSRF token). Only the cookie's hash is stored."""
        sid, csrf, now = secrets.token_urlsafe(32), secrets.token_urlsafe(32), time.time()
        with self._tx() as db:
            db.execute("DELETE FROM sessions WHERE expires_at<?", (now,))
            db.execute("INSERT INTO sessions (id_hash, user, csrf, created_at, expires_at, totp_at) "
                       "VALUES (?, ?, ?, ?, ?, ?)",
                       (hash_secret(sid), user, csrf, now, now + hours * 3600, now if totp else None))
        return sid, csrf

    def session(self, sid: str) -> SessionRow | None:
        row = self._one("SELECT s.csrf, s.expires_at, s.totp_at, " + ", ".join(
            f"u.{c}" if not c.startswith("totp_enc") else "u.totp_enc IS NOT NULL" for c in _USER_COLS.split(", "))
            + " FROM sessions s JOIN users u ON u.name=s.user WHERE s.id_hash=? AND s.expires_at>? AND u.disabled=0",
            (hash_secret(sid), time.time()))
        if row is None:
            return None
        return SessionRow(user=_user(row[3:]), csrf=row[0], expires_at=row[1], totp_at=row[2])

    def remember_device(self, user: str, days: float, old: str | None = None) -> str:
        """A browser `user` logged in from: a new device cookie (only its hash is stored), the
        one it brought (`old`) replaced. See `vigie.web.auth.login`."""
        token, now = secrets.token_urlsafe(32), time.time()
        with self._tx() as db:
            db.execute("DELETE FROM devices WHERE expires_at<?", (now,))
            if old:
                db.execute("DELETE FROM devices WHERE id_hash=?", (hash_secret(old),))
            db.execute("INSERT INTO devices (id_hash, user, expires_at) VALUES (?, ?, ?)",
                       (hash_secret(token), user, now + days * 86400))
        return token

    def known_device(self, token: str, user: str) -> bool:
        """Whether `token` is a device cookie `user` logged in with, still valid."""
        return self._one("SELECT 1 FROM devices WHERE id_hash=? AND user=? AND expires_at>?",
                         (hash_secret(token), user, time.time())) is not None

    def mark_totp(self, sid: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE sessions SET totp_at=? WHERE id_hash=?", (time.time(), hash_secret(sid)))

    def end_session(self, sid: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM sessions WHERE id_hash=?", (hash_secret(sid),))

    # -- API tokens ------------------------------------------------------------------------

    def create_token(self, user: str, expires_seconds: float, name: str = "") -> NewToken:
        """A bearer token for `user`, with the user's role and organisation, expiring."""
        u = self.user(user)
        if u is None or u.disabled:
            raise UserError(f"no enabled user {user!r}; see `vigie users list`")
        if expires_seconds <= 0:
            raise UserError("a token's expiry must be in the future (e.g. --expires 30d)")
        tid, secret, now = secrets.token_hex(8), "vgt_" + secrets.token_urlsafe(32), time.time()
        with self._tx() as db:
            db.execute("INSERT INTO tokens (id, hash, name, user, role, org, created_at, expires_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (tid, hash_secret(secret), name or f"{user}-{tid[:4]}", user, u.role, u.org, now,
                        now + expires_seconds))
        token = self.token(tid)
        assert token is not None
        return NewToken(token=token, secret=secret)

    def token(self, token_id: str) -> ApiToken | None:
        row = self._one(f"SELECT {_TOKEN_COLS} FROM tokens WHERE id=?", (token_id,))
        return None if row is None else _token(row)

    def tokens(self) -> list[ApiToken]:
        return [_token(r) for r in self._all(f"SELECT {_TOKEN_COLS} FROM tokens ORDER BY created_at")]

    def revoke_token(self, token_id: str) -> bool:
        with self._tx() as db:
            return db.execute("UPDATE tokens SET revoked=1 WHERE id=?", (token_id,)).rowcount == 1

    def use_token(self, secret: str) -> tuple[ApiToken, User] | None:
        """The live token (not revoked, not expired, its user enabled) and its user; records the use."""
        now = time.time()
        row = self._one(f"SELECT {_TOKEN_COLS} FROM tokens WHERE hash=? AND revoked=0 AND expires_at>?",
                        (hash_secret(secret), now))
        if row is None:
            return None
        token = _token(row)
        user = self.user(token.user)
        if user is None or user.disabled:
            return None
        with self._tx() as db:
            db.execute("UPDATE tokens SET last_used_at=? WHERE id=?", (now, token.id))
        return token, user

    # -- triage ----------------------------------------------------------------------------

    def triage_state(self, org: str, alert_ids: list[str]) -> dict[str, str]:
        if not alert_ids:
            return {}
        marks = ",".join("?" * len(alert_ids))
        return {a: s for a, s in self._all(
            f"SELECT alert_id, state FROM triage WHERE org=? AND alert_id IN ({marks})", (org, *alert_ids))}

    def set_triage(self, org: str, alert_id: str, state: str, note: str, by: str) -> None:
        if state not in TRIAGE_STATES:
            raise UserError(f"unknown triage state {state!r}; use one of {', '.join(TRIAGE_STATES)}")
        now = time.time()
        with self._tx() as db:
            db.execute("INSERT INTO triage (alert_id, org, state, updated_at, updated_by) VALUES (?, ?, ?, ?, ?) "
                       "ON CONFLICT(alert_id) DO UPDATE SET state=excluded.state, updated_at=excluded.updated_at, "
                       "updated_by=excluded.updated_by", (alert_id, org, state, now, by))
            db.execute("INSERT INTO triage_history (alert_id, org, state, note, by_user, at) VALUES (?, ?, ?, ?, ?, ?)",
                       (alert_id, org, state, note, by, now))

    def triage_history(self, org: str, alert_id: str) -> list[TriageEvent]:
        return [TriageEvent(state=s, note=n, by=b, at=a) for s, n, b, a in self._all(
            "SELECT state, note, by_user, at FROM triage_history WHERE org=? AND alert_id=? ORDER BY id",
            (org, alert_id))]


def _totp_ad(name: str) -> bytes:
    """The AES-GCM associated data of a TOTP secret: a ciphertext moved to another user fails."""
    return f"vigie-web-totp|{name}".encode()
