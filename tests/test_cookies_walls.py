"""Cookie jars (a session solved by hand) and walls: parsing the two export formats, the sealed
0600 jar, the HTTP middleware sending cookies to the source's host only, `vigie source cookies`
and `vigie status`, and on the private Tor network the captcha-walled JS leak site: passed only
with the jar, and without it the crawl stops at the first wall page and asks for attention."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler
from typer.testing import CliRunner

from crawler.cookies import (
    Cookie,
    CookieJar,
    CookieJarError,
    CookieJarMiddleware,
    cookie_jar_path,
    jar_info,
    load_jar,
    parse_cookies,
    save_jar,
)
from crawler.spiders._base import VigieSpider
from crawler.state import CrawlState
from indexer.crypto import DataKey
from tests.fixtures.forum import make_config, test_keys_env
from tests.test_browser_render import browser_fetch
from vigie.config.schema import SourceConfig
from vigie_kit.leaksite import WALL_TEXT, LeakSite
from vigie_kit.tornet import PrivateTorNetwork

FUTURE = int(time.time()) + 30 * 86400
NETSCAPE = (f"# Netscape HTTP Cookie File\n\n"
            f"#HttpOnly_abcd.onion\tFALSE\t/\tFALSE\t{FUTURE}\tsid\ts3cr3t-session\n"
            f".abcd.onion\tTRUE\t/forum\tFALSE\t0\tlang\tfr\n")
EDIT_THIS_COOKIE = json.dumps([
    {"domain": "abcd.onion", "hostOnly": True, "httpOnly": True, "name": "sid", "path": "/", "secure": False,
     "session": False, "expirationDate": FUTURE + 0.5, "value": "s3cr3t-session", "storeId": "0"},
    {"domain": ".abcd.onion", "hostOnly": False, "name": "lang", "path": "/", "session": True, "value": "fr"}])
KEY = DataKey(bytes(range(32)))


def test_netscape_and_extension_exports_parse_alike() -> None:
    for text in (NETSCAPE, EDIT_THIS_COOKIE, json.dumps({"cookies": json.loads(EDIT_THIS_COOKIE)})):
        cookies = {c.name: c for c in parse_cookies(text)}
        assert cookies["sid"].value == "s3cr3t-session" and cookies["sid"].http_only
        assert cookies["sid"].domain == "abcd.onion" and not cookies["sid"].include_subdomains
        assert int(cookies["sid"].expires or 0) == FUTURE
        assert cookies["lang"].expires is None and cookies["lang"].include_subdomains
    with pytest.raises(CookieJarError, match="7"):
        parse_cookies("abcd.onion\tFALSE\t/\tsid\n")
    with pytest.raises(CookieJarError, match="no cookie"):
        parse_cookies("# only a comment\n")


def test_jar_sealed_private_and_bound_to_its_source(tmp_path: Path) -> None:
    jar = CookieJar("lockleak", tuple(parse_cookies(NETSCAPE)), time.time())
    path = cookie_jar_path(tmp_path / "data", "lockleak")
    save_jar(path, jar, KEY)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert b"s3cr3t-session" not in path.read_bytes() and b"abcd" not in path.read_bytes()
    assert load_jar(path, KEY, "lockleak") == jar
    info = jar_info(path)
    assert info is not None and info.cookies == 2 and int(info.expires_at or 0) == FUTURE
    with pytest.raises(CookieJarError):  # another source's name: the jar does not open
        load_jar(path, KEY, "other")
    forged = path.read_bytes().replace(str(FUTURE).encode(), str(FUTURE + 86400 * 365).encode())
    path.write_bytes(forged)
    with pytest.raises(CookieJarError):  # an edited (unauthenticated) expiry is refused
        load_jar(path, KEY, "lockleak")
    assert load_jar(tmp_path / "none.jar", KEY, "lockleak") is None


def test_http_middleware_sends_the_jar_to_the_sources_host_only(tmp_path: Path) -> None:
    source = SourceConfig.model_validate({
        "name": "lockleak", "kind": "paste", "network": "tor", "start_urls": ["http://abcd.onion/"],
        "schedule": {"interval": "1h"}, "paste": {"paste_links": "a"}})
    secure = Cookie("tls", "only-https", "abcd.onion", secure=True)
    jar = CookieJar("lockleak", (*parse_cookies(NETSCAPE), secure), time.time())
    crawler = get_crawler(VigieSpider)
    spider = VigieSpider("lockleak", source=source, state=CrawlState(tmp_path / "s.sqlite3", "lockleak"), sink=None,
                         cookie_jar=jar)
    crawler.spider = spider
    mw = CookieJarMiddleware.from_crawler(crawler)

    def sent(url: str, **headers: str) -> str:
        request = Request(url, headers=headers)
        mw.process_request(request)
        return (request.headers.get(b"Cookie") or b"").decode()

    assert sent("http://abcd.onion/") == "sid=s3cr3t-session"
    assert sent("http://abcd.onion/forum/t/1") == "sid=s3cr3t-session; lang=fr"
    assert sent("http://sub.abcd.onion/forum/") == "lang=fr"  # only the cookie valid for subdomains
    assert sent("http://evil.onion/") == "" and sent("http://abcd.onion.evil.onion/") == ""
    assert "tls=" in sent("https://abcd.onion/")
    assert sent("http://abcd.onion/", Cookie="sid=set-by-site") == "sid=set-by-site"  # the site's own wins
    expired = CookieJar("lockleak", (Cookie("sid", "old", "abcd.onion", expires=time.time() - 5),), time.time())
    spider.cookie_jar = expired
    assert sent("http://abcd.onion/") == ""


def test_cli_stores_the_jar_and_status_shows_its_age_and_expiry(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from vigie.cli import app

    for k, v in test_keys_env.items():
        monkeypatch.setenv(k, v)
    config = make_config(tmp_path / "config", "http://abcd.onion", kind="paste", name="lockleak", network="tor")
    data = tmp_path / "data"
    exported = tmp_path / "cookies.json"
    exported.write_text(EDIT_THIS_COOKIE)
    runner = CliRunner()
    result = runner.invoke(app, ["source", "cookies", "lockleak", str(exported), "--config", str(config),
                                 "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "stored 2 cookie(s)" in " ".join(result.output.split())
    assert stat.S_IMODE(cookie_jar_path(data, "lockleak").stat().st_mode) == 0o600
    status = runner.invoke(app, ["status", "--json", "--config", str(config), "--data-dir", str(data)])
    assert status.exit_code == 0, status.output
    session = json.loads(status.output)["sessions"]["lockleak"]
    assert int(session["expires_at"]) == FUTURE and time.time() - session["saved_at"] < 60
    text = runner.invoke(app, ["status", "--config", str(config), "--data-dir", str(data)]).output
    assert "session lockleak: imported 0.0 days ago, expires" in text
    other = tmp_path / "other.txt"
    other.write_text(NETSCAPE.replace("abcd.onion", "elsewhere.onion"))
    refused = runner.invoke(app, ["source", "cookies", "lockleak", str(other), "--config", str(config),
                                  "--data-dir", str(data)])
    assert refused.exit_code != 0 and "none of the 2 cookies" in " ".join(refused.output.split())


# ------------------------------------------------------------------ the walled leak site over Tor
@pytest.fixture(scope="module")
def walled_onion(tor_network: PrivateTorNetwork):
    with LeakSite(wall=True) as site:
        yield site, tor_network.add_onion_service(site.address[1])


def _cookies_txt(tmp: Path, host: str, name: str, value: str, expires: int) -> str:
    path = tmp / "cookies.txt"
    path.write_text(f"{host}\tFALSE\t/\tFALSE\t{expires}\t{name}\t{value}\n")
    os.chmod(path, 0o600)
    return str(path)


@pytest.mark.tor
@pytest.mark.slow
def test_wall_passed_only_with_the_jar(walled_onion, tor_network: PrivateTorNetwork, tmp_path: Path) -> None:
    site, onion = walled_onion
    name, value = site.session_cookie
    spec = {"url": f"http://{onion}/", "socks": ["127.0.0.1", tor_network.socks_port], "source": "lockleak",
            "max_pages": 3, "wall_text": WALL_TEXT}

    walls_before = site.walls_served()
    stopped = browser_fetch(tmp_path, spec)
    assert stopped["pages"] == [] and stopped["finish"] == "session_expired"
    assert stopped["attention"].startswith("session expired at ")
    assert site.walls_served() - walls_before == 1  # stopped at the first wall page: never hammered

    before = len(site.requests)
    expired = browser_fetch(tmp_path, {**spec, "cookies_txt": _cookies_txt(tmp_path, onion, name, value,
                                                                           int(time.time()) - 60)})
    assert expired["attention"].startswith("session expired") and len(site.requests) == before  # not even asked

    walls_before = site.walls_served()
    passed = browser_fetch(tmp_path, {**spec, "cookies_txt": _cookies_txt(tmp_path, onion, name, value, FUTURE)})
    assert passed["attention"] is None
    assert [n for p in passed["pages"] for n in p["victims"]] == [v.name for v in site.victims]
    assert site.walls_served() == walls_before  # the page, its script and the JSON all carried the cookie
