"""A test leak site rendered by JavaScript, like a ransomware group's onion "blog".

The HTML the server sends holds no victim: `/app.js` fetches `/api/victims?page=N` (JSON) and
builds the list in the DOM, so only a browser (`render: browser`) sees the victims. Pages are
linked by `a.next`. With `wall=True` every page and the API answer a captcha page unless the
request carries the session cookie an operator would get by solving the captcha in Tor Browser
(`LeakSite.session_cookie`), which is how tests check cookie jars and wall detection.

Rendered DOM, one victim (the leaksite spider's selectors):
    <article class="victim" data-id="7"><h2 class="name">…</h2><a class="website" href="…">domain</a>
     <span class="country">FR</span><span class="sector">…</span>
     <time class="announced" datetime="2026-11-02">…</time><span class="status">announced|published</span>
     <span class="countdown" data-deadline="…">…</span><a class="files" href="/files/7">files</a></article>
    <a class="next" href="/?page=2">older</a>     (absent on the last page)
    <div id="state">ready</div>                    (written once the list is built)
The wall page: `<form id="captcha">… Prove you are human …</form>`.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

__all__ = ["LeakSite", "Victim", "make_victims"]

WALL_TEXT = "Prove you are human"
_SECTORS = ["healthcare", "software", "manufacturing", "education", "logistics", "legal"]
_WORDS = ["Clinique", "Santé", "Logiciel", "Médical", "Atlas", "Boréal", "Cobalt", "Delta", "Horizon", "Nova"]

_SHELL = """<!doctype html><html><head><meta charset="utf-8"><title>LockLeak blog</title>{extra_head}</head>
<body><h1>Leaked companies</h1><div id="victims"></div><nav id="pager"></nav><div id="state">loading</div>
<script src="/app.js"></script></body></html>"""

_APP_JS = """(async function () {
  const page = Number(new URLSearchParams(location.search).get("page") || "1");
  const r = await fetch("/api/victims?page=" + page, {credentials: "same-origin"});
  const data = await r.json();
  const box = document.getElementById("victims");
  for (const v of data.victims) {
    const a = document.createElement("article");
    a.className = "victim"; a.dataset.id = v.id;
    const add = (tag, cls, text, attrs) => { const e = document.createElement(tag); e.className = cls;
      e.textContent = text; for (const k in (attrs || {})) e.setAttribute(k, attrs[k]); a.appendChild(e); };
    add("h2", "name", v.name);
    add("a", "website", v.domain, {href: "http://" + v.domain + "/"});
    add("span", "country", v.country); add("span", "sector", v.sector);
    add("time", "announced", v.announced, {datetime: v.announced});
    add("span", "status", v.status);
    if (v.deadline) add("span", "countdown", "published on " + v.deadline, {"data-deadline": v.deadline});
    add("a", "files", "files", {href: "/files/" + v.id});
    box.appendChild(a);
  }
  if (data.next) { const n = document.createElement("a"); n.className = "next";
    n.href = "/?page=" + data.next; n.textContent = "older"; document.getElementById("pager").appendChild(n); }
  document.getElementById("state").textContent = "ready";
})();"""

_WALL = f"""<!doctype html><html><head><title>Checking your browser</title></head><body>
<form id="captcha" method="post" action="/captcha"><p>{WALL_TEXT}</p><img alt="captcha">
<input name="answer"><button>Enter</button></form></body></html>"""


@dataclass(frozen=True)
class Victim:
    id: int
    name: str
    domain: str
    country: str
    sector: str
    announced: str
    status: str
    deadline: str | None


def make_victims(count: int, start: date = date(2026, 11, 1)) -> list[Victim]:
    """Deterministic synthetic victims (organisation names, not people)."""
    out = []
    for i in range(count):
        name = f"{_WORDS[i % len(_WORDS)]} {_WORDS[(i * 3 + 1) % len(_WORDS)]} {i}"
        slug = name.lower().replace(" ", "-").replace("é", "e")
        published = i % 3 == 0
        announced = start + timedelta(days=i)
        out.append(Victim(id=i + 1, name=name, domain=f"{slug}.example", country="FR",
                          sector=_SECTORS[i % len(_SECTORS)], announced=announced.isoformat(),
                          status="published" if published else "announced",
                          deadline=None if published else (announced + timedelta(days=10)).isoformat()))
    return out


@dataclass
class LeakSite:
    """The site on 127.0.0.1:<free port>; use as a context manager. `requests` logs (path, walled)."""

    victims: list[Victim] = field(default_factory=lambda: make_victims(25))
    per_page: int = 10
    wall: bool = False
    cookie_name: str = "ll_session"
    cookie_value: str = field(default_factory=lambda: secrets.token_hex(16))
    requests: list[tuple[str, bool]] = field(default_factory=list)
    extra_head: str = ""  # markup added to <head> (the leak test refers to a clearnet name there)
    _server: ThreadingHTTPServer | None = None

    @property
    def session_cookie(self) -> tuple[str, str]:
        return self.cookie_name, self.cookie_value

    @property
    def address(self) -> tuple[str, int]:
        if self._server is None:
            raise RuntimeError("LeakSite is not started: use it as a context manager")
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.victims) // self.per_page))

    def walls_served(self) -> int:
        return sum(1 for _, walled in self.requests if walled)

    def page_json(self, page: int) -> dict[str, object]:
        chunk = self.victims[(page - 1) * self.per_page:page * self.per_page]
        return {"page": page, "victims": [v.__dict__ for v in chunk],
                "next": page + 1 if page < self.pages else None}

    def __enter__(self) -> LeakSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # quiet: tests read `requests`
                return

            def _send(self, status: int, body: str, ctype: str) -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                jar = self.headers.get("Cookie", "")
                walled = site.wall and f"{site.cookie_name}={site.cookie_value}" not in jar
                site.requests.append((parts.path, walled))
                if walled and parts.path != "/favicon.ico":
                    self._send(403 if parts.path.startswith("/api/") else 200, _WALL, "text/html; charset=utf-8")
                elif parts.path == "/":
                    self._send(200, _SHELL.replace("{extra_head}", site.extra_head), "text/html; charset=utf-8")
                elif parts.path == "/app.js":
                    self._send(200, _APP_JS, "application/javascript")
                elif parts.path == "/api/victims":
                    raw = parse_qs(parts.query).get("page", ["1"])[0]
                    page = int(raw) if raw.isdigit() and 1 <= int(raw) <= site.pages else 1
                    self._send(200, json.dumps(site.page_json(page)), "application/json")
                else:
                    self._send(404, "not found", "text/plain")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="leaksite", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
