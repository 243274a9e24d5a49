"""Who is asking: a bearer API token or the session cookie, turned into a `Principal`; CSRF; login.

- Bearer tokens (`Authorization: Bearer vgt_...`) are looked up by hash; they are exempt from
  CSRF (a browser never attaches them by itself).
- The session cookie holds an opaque random id; every state-changing request made with it must
  carry the session's CSRF token (`X-CSRF-Token`, or the `csrf_token` form field), and a present
  `Origin` or `Sec-Fetch-Site` must say same-origin.
- Login is throttled per account and per client address, and a browser the account logged in
  from before (its device cookie) per device instead (counters in web.sqlite3, so a restart
  keeps a lockout), and needs the TOTP code for accounts that have TOTP.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Request, Response
from loguru import logger

from vigie.config.schema import WebSettings
from vigie.web.data import WebData
from vigie.web.models import Principal
from vigie.web.problems import ProblemError
from vigie.web.users import User, WebDB, hash_secret

__all__ = ["COOKIE", "CSRF_HEADER", "DEVICE_COOKIE", "DEVICE_DAYS", "LoginResult", "login", "principal",
           "set_login_cookies", "step_up", "web_data"]

COOKIE = "vigie_session"
DEVICE_COOKIE = "vigie_device"  # a browser an account logged in from (login: a lockout of its own)
DEVICE_DAYS = 30.0
CSRF_HEADER = "X-CSRF-Token"
_SAFE = ("GET", "HEAD", "OPTIONS")
_ADDRESS_FACTOR = 4


def web_data(request: Request) -> WebData:
    data = request.app.state.data
    assert isinstance(data, WebData), "create_app stores the WebData in app.state.data"
    return data


def _unauthenticated() -> ProblemError:
    return ProblemError(401, "not logged in: POST /api/v1/session, or send Authorization: Bearer <token>",
                        headers={"WWW-Authenticate": "Bearer"})


def check_origin(request: Request) -> None:
    """Refuse a cross-site browser request (a page elsewhere posting with our cookie)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise ProblemError(403, f"cross-site request refused (Sec-Fetch-Site: {site})")
    origin = request.headers.get("origin")
    if origin == "null" and site == "same-origin":
        # our Referrer-Policy (no-referrer) makes browsers send `Origin: null` on form posts; the
        # browser-set Sec-Fetch-Site (a page cannot forge it) still says the post is our own
        return
    if origin is not None:
        own = f"{request.url.scheme}://{request.url.netloc}"
        parts = urlsplit(origin)
        if f"{parts.scheme}://{parts.netloc}" != own:
            raise ProblemError(403, "cross-origin request refused (Origin does not match this server)")


async def principal(request: Request) -> Principal:
    """The FastAPI dependency of every authenticated route."""
    data = web_data(request)
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        found = data.web_db.use_token(auth[7:].strip())
        if found is None:
            raise _unauthenticated()
        tok, user = found
        return Principal(name=user.name, role=tok.role, org=tok.org, may_reveal=False, via="token")
    sid = request.cookies.get(COOKIE)
    row = data.web_db.session(sid) if sid else None
    if row is None or sid is None:
        raise _unauthenticated()
    if request.method not in _SAFE:
        check_origin(request)
        sent = request.headers.get(CSRF_HEADER)
        if sent is None and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            field = form.get("csrf_token")
            sent = field if isinstance(field, str) else None
        # as bytes: compare_digest raises TypeError on a str with non-ASCII characters, and a
        # header is the client's to fill (a 500 instead of this 403 before)
        if not sent or not hmac.compare_digest(sent.encode("utf-8", "surrogatepass"), row.csrf.encode()):
            raise ProblemError(403, f"missing or wrong CSRF token: send the session's csrf_token as {CSRF_HEADER}")
    u = row.user
    return Principal(name=u.name, role=u.role, org=u.org, may_reveal=u.may_reveal, via="session", session_id=sid,
                     totp_at=row.totp_at)


def step_up(db: WebDB, settings: WebSettings, name: str, code: str) -> bool:
    """Re-verify the second factor inside a session (a reveal needs a recent one), throttled like
    a login under its own key: a stolen session cookie must not be enough to try every code
    until one fits (unthrottled, a million codes with three valid at a time fall in hours).
    Raises 429 with Retry-After while locked; False for a wrong code (counted)."""
    key = f"totp:{name}"
    wait = db.locked_for([key])
    if wait > 0:
        raise ProblemError(429, "too many wrong TOTP codes; wait before trying again",
                           headers={"Retry-After": str(int(wait) + 1)})
    if db.check_totp(name, code):
        db.clear_failures(key)
        return True
    db.record_failure([key], settings.login_max_failures, settings.lockout_seconds)
    logger.warning("wrong TOTP code in a session of {}", name)
    return False


@dataclass(frozen=True)
class LoginResult:
    user: User
    session_id: str
    csrf: str
    totp_verified: bool
    device: str  # the device cookie to set (DEVICE_COOKIE)


def set_login_cookies(request: Request, response: Response, res: LoginResult) -> None:
    """The session cookie and the device cookie of a login, for the API's and the pages' logins
    alike (HttpOnly; Secure over HTTPS or when configured; the device cookie SameSite=strict)."""
    data = web_data(request)
    secure = data.settings.secure_cookies or request.url.scheme == "https"
    response.set_cookie(COOKIE, res.session_id, max_age=int(data.settings.session_hours * 3600), path="/",
                        httponly=True, samesite="lax", secure=secure)
    response.set_cookie(DEVICE_COOKIE, res.device, max_age=int(DEVICE_DAYS * 86400), path="/", httponly=True,
                        samesite="strict", secure=secure)


def login(db: WebDB, settings: WebSettings, username: str, password: str, totp: str | None,
          client: str, device: str | None = None) -> LoginResult:
    """Check password (and TOTP when the account has it) under the lockout rules; a new session.

    Every failure gives the same 401 whatever was wrong (unknown user, password, code), so the
    answer does not tell which accounts exist. Lockouts answer 429 with Retry-After."""
    keys = [f"user:{username}", f"addr:{client}"]
    # a browser this account logged in from before (its device cookie) is held by its own lockout,
    # not the address's nor the account's: the address is everyone's behind a proxy, and every
    # local user's on loopback, so another user failing logins there kept every analyst out
    # (round 9); and anyone failing logins under an analyst's name kept that analyst out, one
    # failure each time the lock ended, the lock doubling up to a day (round 13)
    if device and db.known_device(device, username):
        keys = [f"device:{hash_secret(device)}"]
    wait = db.locked_for(keys)
    if wait > 0:
        raise ProblemError(429, "too many failed logins; wait before trying again",
                           headers={"Retry-After": str(int(wait) + 1)})
    user = db.check_password(username, password)
    ok = user is not None and (not user.has_totp or (totp is not None and db.check_totp(username, totp)))
    if user is None or not ok:
        # an address is shared by everyone behind a NAT or a proxy: it gets more room than an account
        db.record_failure(keys[:1], settings.login_max_failures, settings.lockout_seconds)
        if keys[1:]:
            db.record_failure(keys[1:], settings.login_max_failures * _ADDRESS_FACTOR, settings.lockout_seconds)
        logger.warning("web login failed for an account from {}", client)  # never the name typed: it may be a password
        raise ProblemError(401, "wrong user name, password or TOTP code")
    db.clear_failures(keys[0])  # (a device's login leaves the account's lockout, someone else's, as it is)
    sid, csrf = db.create_session(user.name, settings.session_hours, totp=user.has_totp)
    logger.info("web login: {} ({})", user.name, user.role)
    return LoginResult(user=user, session_id=sid, csrf=csrf, totp_verified=user.has_totp,
                       device=db.remember_device(user.name, DEVICE_DAYS, device))
