"""`vigie source cookies NAME FILE`: hand a session solved by hand in Tor Browser to the crawler.

Creates the `source` sub-app when no other module has (vigie/cli/source_cmd.py may add more
commands to it).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from vigie.cli import app
from vigie.cli.common import EXIT_CONFIG, ConfigDir, DataDir, console, fail, require_keys, runtime

__all__ = ["source_app"]

source_app = typer.Typer(help="Operator actions on one crawled source.", no_args_is_help=True)
app.add_typer(source_app, name="source")


@source_app.command("cookies")
def cookies(
    name: Annotated[str, typer.Argument(help="The source's name (config/sources/NAME.yaml).")],
    cookie_file: Annotated[Path, typer.Argument(help="Netscape cookies.txt, or a browser extension's JSON export.",
                                                exists=True, dir_okay=False, readable=True)],
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Store a source's cookies (a captcha or login solved by hand), encrypted with the data key.

    Only the cookies for the source's own hosts are kept; they are sent by the HTTP and the
    browser fetchers of that source only. The file you exported is not changed: delete it
    yourself once imported (it holds a live session). `vigie status` shows the session's age
    and expiry; when the site's wall comes back the crawl stops and asks for fresh cookies.

    Example:  vigie source cookies lockleak ~/Downloads/cookies.txt
    """
    from crawler.cookies import CookieJar, cookie_jar_path, parse_cookies, save_jar
    from crawler.settings import source_hosts

    rt = runtime(config, data_dir)
    source = rt.config.sources.get(name)
    if source is None:
        fail(f"no source named {name!r} in {config}/sources/ (known: {', '.join(sorted(rt.config.sources)) or 'none'})",
             EXIT_CONFIG)
    require_keys(rt, match=False, data=True)
    parsed = parse_cookies(cookie_file.read_text(encoding="utf-8", errors="replace"))
    hosts = source_hosts(source)
    kept = tuple(c for c in parsed if any(c.matches(h) for h in hosts))
    if not kept:
        fail(f"none of the {len(parsed)} cookies in {cookie_file} is for the source's hosts "
             f"({', '.join(sorted(hosts))}): export the cookies of that site", EXIT_CONFIG)
    jar = CookieJar(source=name, cookies=kept, saved_at=time.time())
    if jar.expired():
        fail(f"the cookies in {cookie_file} have already expired: solve the site's wall again and export them",
             EXIT_CONFIG)
    path = cookie_jar_path(rt.ensure_data_dir(), name)
    save_jar(path, jar, rt.data_key)
    expires = jar.expires_at
    until = ("no expiry (session cookies)" if expires is None
             else f"expires {datetime.fromtimestamp(expires, UTC):%Y-%m-%d %H:%M}Z")
    console.print(f"[green]stored[/] {len(kept)} cookie(s) for source {name} ({len(parsed) - len(kept)} for other "
                  f"sites dropped), {until}, in {path} (encrypted, mode 600)")
