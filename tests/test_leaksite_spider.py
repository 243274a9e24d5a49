"""The leaksite spider on a server-rendered victim listing of our own (loopback): rows read by
selector, pagination, countdowns, file trees read as listings, and the victims index merging the
same victim named twice (another spelling, its website instead of its domain).

The JavaScript leak site crawled with `render: browser` is B1's (`vigie_kit/leaksite.py`)."""

from __future__ import annotations

import html
import json
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from indexer.victims import VictimIndex, normalise_name, registrable_domain
from tests import cli_fork
from tests.fixtures.forum import crawl, test_keys_env


@dataclass
class Row:
    name: str
    site: str
    status: str = "announced"
    countdown: str = "2d 03h 10m"
    files: list[tuple[str, str]] = field(default_factory=list)


class ListingServer:
    """A leak site's victim listing, server-rendered: `/?page=N` (2 rows a page), `/files/<i>`."""

    def __init__(self, rows: list[Row], per_page: int = 2) -> None:
        self.rows, self.per_page = rows, per_page
        self.requests: list[str] = []
        self._httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/"

    def page(self, n: int) -> str:
        rows = self.rows[(n - 1) * self.per_page: n * self.per_page]
        out = []
        for i, r in enumerate(rows, start=(n - 1) * self.per_page):
            out.append(f'<article class="victim"><h2 class="name">{html.escape(r.name)}</h2>'
                       f'<a class="website" href="{r.site}">{html.escape(r.site)}</a><span class="country">FR</span>'
                       f'<span class="sector">healthcare</span><time class="announced" datetime="2026-11-02">2 nov'
                       f'</time><span class="status">{r.status}</span><span class="countdown">{r.countdown}</span>'
                       + (f'<a class="files" href="/files/{i}">files</a>' if r.files else "") + "</article>")
        more = f'<a class="next" href="/?page={n + 1}">older</a>' if n * self.per_page < len(self.rows) else ""
        return f"<html><body>{''.join(out)}{more}</body></html>"

    def tree(self, i: int) -> str:
        rows = "".join(f"<tr><td class='fname'>{html.escape(n)}</td><td class='fsize'>{s}</td></tr>"
                       for n, s in self.rows[i].files)
        return f"<html><body><table>{rows}</table></body></html>"

    def __enter__(self) -> ListingServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                server.requests.append(self.path)
                if parts.path.startswith("/files/"):
                    body = server.tree(int(parts.path.rsplit("/", 1)[1]))
                else:
                    body = server.page(int(parse_qs(parts.query).get("page", ["1"])[0]))
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._httpd is not None
        self._httpd.shutdown()
        self._httpd.server_close()


def leaksite_source(config: Path, url: str, name: str = "lockleak") -> None:
    """config/sources/<name>.yaml for the listing above."""
    (config / "sources").mkdir(parents=True, exist_ok=True)
    (config / "sources" / f"{name}.yaml").write_text(yaml.safe_dump({
        "name": name, "kind": "leaksite", "network": "direct", "start_urls": [url],
        "schedule": {"interval": "1h"}, "limits": {"delay_seconds": 0},
        "leaksite": {"rows": "article.victim", "name": ".name", "domain": "a.website::attr(href)",
                     "country": ".country", "sector": ".sector",
                     "announced": {"selector": "time.announced::attr(datetime)"},
                     "deadline": {"selector": ".countdown"}, "status": ".status",
                     "file_links": "a.files::attr(href)", "next_page": "a.next::attr(href)",
                     "file_tree": {"rows": "tr", "name": ".fname", "size": ".fsize"}},
    }), encoding="utf-8")
    if not (config / "vigie.yaml").exists():
        (config / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")


ROWS = [Row("Clinique du Parc S.A.S.", "https://www.clinique-du-parc.fr", files=[("patients.csv", "1.2 GB"),
                                                                                 ("rh/paie.xlsx", "40 MB")]),
        Row("Boulangerie Martin", "http://boulangerie-martin.fr"),
        Row("Atlas Logistique SARL", "atlas-logistique.com", status="PUBLISHED", countdown="-"),
        Row("CLINIQUE DU PARC", "clinique-du-parc.fr/contact")]  # the same victim, re-posted


@pytest.fixture
def listing() -> Iterator[ListingServer]:
    with ListingServer([Row(**r.__dict__) for r in ROWS]) as server:
        yield server


def test_normalisation() -> None:
    assert normalise_name("Clinique du Parc S.A.S.") == normalise_name("CLINIQUE  du parc") == "clinique du parc"
    assert normalise_name("Hôpital Saint-Éloi, SA") == "hopital saint eloi"
    assert normalise_name("SA") == "sa"  # a lone suffix is the whole name
    assert registrable_domain("https://mail.clinique.co.uk/x") == "clinique.co.uk"
    assert registrable_domain("www.clinique-du-parc.fr") == "clinique-du-parc.fr"
    assert registrable_domain("not a domain") is None


def test_listing_pages_trees_and_dedup(listing: ListingServer, tmp_path: Path) -> None:
    config, data = tmp_path / "config", tmp_path / "data"
    leaksite_source(config, listing.url)
    before = datetime.now(UTC)
    run = crawl(config, data, "lockleak")
    assert run.returncode == 0, run.stderr
    assert any("page=2" in r for r in listing.requests) and "/files/0" in listing.requests
    index = VictimIndex(data / "store.sqlite3")
    try:
        # the re-post may be stored first (the first row waits for its file tree): one victim either way
        victims = {v.name_norm: v for v in index.search()}
        assert set(victims) == {"clinique du parc", "boulangerie martin", "atlas logistique"}
        parc = victims["clinique du parc"]
        assert parc.name in ("Clinique du Parc S.A.S.", "CLINIQUE DU PARC")
        assert parc.domain == "clinique-du-parc.fr" and parc.country == "FR" and parc.sector == "healthcare"
        assert [(f.name, f.size) for f in parc.files] == [("patients.csv", "1.2 GB"), ("rh/paie.xlsx", "40 MB")]
        assert parc.status == "announced" and parc.announced_at == datetime(2026, 11, 2, tzinfo=UTC)
        assert parc.deadline_at is not None
        expected = before + timedelta(days=2, hours=3, minutes=10)
        assert abs((parc.deadline_at - expected).total_seconds()) < 120
        assert victims["atlas logistique"].status == "published"
        assert [v.id for v in index.search("clinique")] == [parc.id]
        assert [v.name for v in index.search("atlas-logistique.com")] == ["Atlas Logistique SARL"]
        assert index.count() == 3
    finally:
        index.close()
    cli = cli_fork.run([sys.executable, "-m", "vigie", "victims", "CLINIQUE du Parc", "--json", "--config",
                          str(config), "--data-dir", str(data)], capture_output=True, text=True, timeout=60,
                       env={**os.environ, **test_keys_env})
    assert cli.returncode == 0, cli.stderr
    (line,) = cli.stdout.splitlines()
    assert json.loads(line)["domain"] == "clinique-du-parc.fr"
    # the files were listed, never fetched: only the tree page was asked
    assert not any("patients.csv" in r for r in listing.requests)
    assert (data / "store.sqlite3").stat().st_mode & 0o777 == 0o600
