"""A paste's files: read off the crawl's event loop, and opened with the password posted beside them.

One crawl of a paste source (`start_role: pastes`) on a real HTTP server on loopback:

- a paste that says "pass: …" next to a link to an encrypted 7z on the same site: the archive is
  downloaded as a forum's attachment is and opened with that password (the forum spider's
  `archive_passwords`, through `crawler.spiders._files`); a link to another host is not followed;
- a paste that is a slow PDF (a file drop's upload), and a paste the server answers only once the
  PDF was sent: read on the event loop, the PDF held every other response until its reader was
  done (the other paste came out after the PDF's pages); read on a thread, the other paste is read
  while the PDF still is.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import py7zr
import pytest
import yaml

from tests.fixtures.forum import crawl
from tests.test_documents import pdf

pytestmark = pytest.mark.slow

PASSWORD = "Zr7!pasteLeak"
PATIENTS = "nom;email\nMartin;claire.martin@exemple.fr\nDubois;jean.dubois@exemple.fr\n"


def _encrypted_7z() -> bytes:
    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w", password=PASSWORD, header_encryption=True) as archive:
        archive.writestr(PATIENTS, "patients.csv")
    return buffer.getvalue()


class PasteSite:
    """The pastes and files by path; `/p/3` is answered once `/p/2` (the PDF) was sent, plus a little."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, dict[str, str]]] = {}
        self.pdf_sent = threading.Event()
        self.hits: list[str] = []
        self.url = ""

    def serve(self) -> Iterator[PasteSite]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.hits.append(self.path)
                if self.path == "/p/3":
                    site.pdf_sent.wait(30)
                    time.sleep(0.3)
                body, headers = site.files.get(self.path, (b"not found", {"Content-Type": "text/plain"}))
                self.send_response(200 if self.path in site.files else 404)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                if self.path == "/p/2":
                    site.pdf_sent.set()

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()


@pytest.fixture
def site() -> Iterator[PasteSite]:
    s = PasteSite()
    yield from s.serve()


def _source(config: Path, site: PasteSite) -> Path:
    data = {"name": "pastes", "kind": "paste", "network": "direct", "schedule": {"interval": "1h"},
            "start_urls": [f"{site.url}/p/{n}" for n in (1, 2, 3)],
            "paste": {"start_role": "pastes", "paste_id_pattern": r"/p/(\d+)"},
            "attachments": {"extensions": ["txt", "csv", "pdf", "7z", "zip"]},
            "limits": {"delay_seconds": 0, "autothrottle": False, "concurrency": 4, "timeout_seconds": 30,
                       "retries": 0}}
    (config / "sources").mkdir(parents=True, exist_ok=True)
    (config / "sources" / "pastes.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (config / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    return config


def test_a_paste_s_files_are_read_off_the_event_loop_and_opened_with_its_password(site: PasteSite,
                                                                                 tmp_path: Path) -> None:
    text = (f"Base patients 2026\ndump: {site.url}/f/patients.7z\npass: {PASSWORD}\n"
            "miroir: http://files.example.onion/patients.7z\n")
    # slow enough to outlast the other paste's fetch on a fast host too (150 pages were read before
    # it on wave 21's machine, and the order below failed every time)
    slow = pdf([[f"ligne {k} de la page {p} dr.{p}@example.fr" for k in range(40)] for p in range(1500)])
    site.files.update({
        "/p/1": (text.encode(), {"Content-Type": "text/plain; charset=utf-8"}),
        "/f/patients.7z": (_encrypted_7z(), {"Content-Type": "application/x-7z-compressed"}),
        "/p/2": (slow, {"Content-Type": "application/pdf", "Content-Disposition": 'attachment; filename="cr.pdf"'}),
        "/p/3": (b"une autre paste: paul.simon@exemple.fr\n", {"Content-Type": "text/plain; charset=utf-8"}),
    })
    config = _source(tmp_path / "config", site)
    run = crawl(config, tmp_path / "data", "pastes", extra=["--no-index"], timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    files = {i["filename"]: i for i in run.items if i.get("filename")}
    # the linked archive, opened with the password beside it; its items say which paste gave it
    assert "claire.martin@exemple.fr" in files["patients.7z/patients.csv"]["body"], (sorted(files), run.stderr[-2000:])
    assert files["patients.7z/patients.csv"]["thread_url"] == f"{site.url}/p/1"
    assert "/f/patients.7z" in site.hits and not any("example.onion" in h for h in site.hits)
    assert PASSWORD not in run.stderr
    # the other paste was read while the PDF was: before its pages, not after them
    order = [i.get("filename") or i["post_id"] for i in run.items]
    pages = [n for n, name in enumerate(order) if str(name).startswith("cr.pdf/")]
    assert pages, order
    assert order.index("3") < pages[0], order
    read_at = {str(i.get("filename") or i["post_id"]): i["fetched_at"] for i in run.items}
    assert read_at["3"] < read_at[order[pages[0]]], read_at
