"""Attacker's review, round 10: proxies named in the environment and a direct crawl.

`http_proxy`, `https_proxy` and `all_proxy` (any case) in the environment of `vigie crawl` or the
service: Scrapy's HttpProxyMiddleware took them for every request, so a `network: direct` crawl
went through that proxy, which resolved the source's names itself (round 9's pinning and its
refusal of local answers never ran) and could read or answer every page. Vigie now ignores them
for crawls: a direct source connects to its pinned addresses, a tor source to Tor's SOCKS port.

Real parts, loopback only: a site on 127.0.0.1, a "proxy" on 127.0.0.2 answering whatever it is
asked (as an HTTP proxy would, with its own content), a real `vigie crawl` run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.fixtures.forum import REPO, test_keys_env
from tests.test_attack_review_round9_dns import _Site


def _config(root: Path, port: int) -> Path:
    source: dict[str, Any] = {
        "name": "pastes", "kind": "paste", "network": "direct", "schedule": {"interval": "1h"},
        "start_urls": [f"http://127.0.0.1:{port}/p/{n}" for n in (1, 2)],
        "paste": {"start_role": "pastes", "paste_id_pattern": r"/p/(\d+)"},
        "limits": {"delay_seconds": 0, "autothrottle": False, "concurrency": 1, "timeout_seconds": 20,
                   "retries": 0},
        "allowed_addresses": ["127.0.0.1/32"]}
    (root / "sources").mkdir(parents=True, exist_ok=True)
    (root / "sources" / "pastes.yaml").write_text(yaml.safe_dump(source), encoding="utf-8")
    (root / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    return root


def test_a_proxy_in_the_environment_is_not_used_by_a_direct_crawl(tmp_path: Path) -> None:
    """Before the fix both pages went to the proxy (`GET http://127.0.0.1:PORT/p/1` seen on
    127.0.0.2) and the items held its text; now the proxy sees nothing and the site is read."""
    site = _Site("127.0.0.1", 0, "une paste: paul.simon@exemple.fr")
    proxy = _Site("127.0.0.2", 0, "du proxy: admin.interne@exemple.fr")
    try:
        config = _config(tmp_path / "config", site.port)
        data, out = tmp_path / "data", tmp_path / "items.jsonl"
        data.mkdir()
        env = {k: v for k, v in os.environ.items() if k.lower() not in {"no_proxy", "http_proxy", "https_proxy",
                                                                         "all_proxy"}}
        where = f"http://127.0.0.2:{proxy.port}"
        env |= {**test_keys_env, "http_proxy": where, "https_proxy": where, "all_proxy": where,
                "HTTP_PROXY": where, "HTTPS_PROXY": where, "ALL_PROXY": where}
        proc = subprocess.run([sys.executable, "-m", "vigie", "--log-level", "INFO", "crawl", "pastes",
                               "--config", str(config), "--data-dir", str(data), "-o", str(out), "--quiet",
                               "--no-index"], capture_output=True, text=True, timeout=180, cwd=REPO, env=env)
        items = [json.loads(line) for line in out.read_text().splitlines() if line] if out.exists() else []
    finally:
        site.close()
        proxy.close()
    assert proxy.seen == [], (proxy.seen, proc.stderr[-3000:])
    assert {"/p/1", "/p/2"} <= set(site.seen), (site.seen, proc.stderr[-3000:])
    assert sorted(i["post_id"] for i in items) == ["1", "2"], proc.stderr[-3000:]
    assert "paul.simon" in json.dumps(items) and "admin.interne" not in json.dumps(items)
