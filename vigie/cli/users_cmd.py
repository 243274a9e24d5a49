"""`vigie users`: web accounts and API tokens (`<data-dir>/web.sqlite3`).

Passwords are typed at a prompt or piped (`--password-stdin`), never given as an argument (it
would sit in the shell history and in `ps`). Token secrets and TOTP secrets are printed once.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from vigie.cli import app
from vigie.cli.common import ConfigDir, DataDir, console, fail, require_keys, runtime
from vigie.web.users import ROLES, UserError, WebDB, role_of, web_db_path

__all__ = ["parse_duration", "users_app"]

users_app = typer.Typer(help="Web users and API tokens.", no_args_is_help=True)
app.add_typer(users_app, name="users")

_DURATION = re.compile(r"^(\d+)([hdw])$")
_UNIT = {"h": 3600, "d": 86400, "w": 7 * 86400}


def parse_duration(text: str) -> float:
    m = _DURATION.match(text.strip())
    if not m or int(m.group(1)) == 0:
        raise typer.BadParameter(f"{text!r}: write a number and h, d or w, e.g. 30d", param_hint="--expires")
    return int(m.group(1)) * _UNIT[m.group(2)]


def _db(config: Path, data_dir: Path) -> WebDB:
    rt = runtime(config, data_dir)
    require_keys(rt, match=False, data=True)  # TOTP secrets are encrypted with the data key
    return WebDB(web_db_path(rt.data_dir), rt.data_key)


def _when(ts: float | None) -> str:
    return "-" if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option("--role", help=f"One of {', '.join(ROLES)}.")],
    org: Annotated[str | None, typer.Option("--org", help="The organisation (org_member only).")] = None,
    may_reveal: Annotated[bool, typer.Option("--may-reveal", help="Analysts: may reveal raw text (needs --totp).")
                          ] = False,
    totp: Annotated[bool, typer.Option("--totp", help="Require a TOTP code at login; prints its URI once.")] = False,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Add a web user (prompts for the password).

    Example:  vigie users add alice --role analyst --totp --may-reveal
    """
    try:
        role_name = role_of(role)
    except UserError as exc:
        fail(str(exc))
    password = sys.stdin.readline().rstrip("\n") if password_stdin else typer.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    db = _db(config, data_dir)
    try:
        rt_orgs = runtime(config, data_dir).config.organisations
        if org is not None and org not in rt_orgs:
            fail(f"no organisation {org!r} in the configuration; see config/organisations/")
        secret = db.add_user(name, role_name, password, org=org, may_reveal=may_reveal, totp=totp)
    except UserError as exc:
        fail(str(exc))
    finally:
        db.close()
    console.print(f"added {name} ({role_name}{', ' + org if org else ''})", highlight=False)
    if secret is not None:
        console.print("TOTP (add it to an authenticator app now; it is not shown again):", highlight=False)
        print(db.totp_uri(name, secret))


@users_app.command("list")
def list_users(config: ConfigDir = Path("config"), data_dir: DataDir = Path("data")) -> None:
    """List web users and API tokens.

    Example:  vigie users list
    """
    db = _db(config, data_dir)
    try:
        table = Table("user", "role", "org", "totp", "may reveal", "disabled")
        for u in db.users():
            table.add_row(u.name, u.role, u.org or "-", "yes" if u.has_totp else "no",
                          "yes" if u.may_reveal else "no", "yes" if u.disabled else "no")
        console.print(table)
        tokens = Table("token id", "name", "user", "expires", "last used", "revoked")
        for t in db.tokens():
            tokens.add_row(t.id, t.name, t.user, _when(t.expires_at), _when(t.last_used_at),
                           "yes" if t.revoked else "no")
        console.print(tokens)
    finally:
        db.close()


@users_app.command("token")
def token(
    name: Annotated[str, typer.Argument(help="The user the token acts as (its role and organisation).")],
    expires: Annotated[str, typer.Option("--expires", help="Lifetime: 12h, 30d, 8w.")] = "30d",
    label: Annotated[str, typer.Option("--name", help="A label to recognise the token by.")] = "",
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Create an API token for a user; the secret is printed once (only its hash is kept).

    Example:  vigie users token clinic-bot --expires 30d --name siem
    """
    seconds = parse_duration(expires)
    db = _db(config, data_dir)
    try:
        new = db.create_token(name, seconds, label)
    except UserError as exc:
        fail(str(exc))
    finally:
        db.close()
    console.print(f"token {new.token.id} for {name}, expires {_when(new.token.expires_at)}; the secret, shown once:",
                  highlight=False)
    print(new.secret)


@users_app.command("revoke-token")
def revoke_token(token_id: Annotated[str, typer.Argument(help="The token id from `vigie users list`.")],
                 config: ConfigDir = Path("config"), data_dir: DataDir = Path("data")) -> None:
    """Revoke an API token now.

    Example:  vigie users revoke-token 3f9a0c1d2b4e5f60
    """
    db = _db(config, data_dir)
    try:
        if not db.revoke_token(token_id):
            fail(f"no token {token_id!r}; see `vigie users list`")
    finally:
        db.close()
    console.print(f"revoked {token_id}")


@users_app.command("disable")
def disable(name: Annotated[str, typer.Argument(help="The user to disable.")],
            config: ConfigDir = Path("config"), data_dir: DataDir = Path("data")) -> None:
    """Disable a user: its sessions end and its tokens are revoked.

    Example:  vigie users disable bob
    """
    db = _db(config, data_dir)
    try:
        db.disable_user(name)
    except UserError as exc:
        fail(str(exc))
    finally:
        db.close()
    console.print(f"disabled {name}")
