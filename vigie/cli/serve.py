"""`vigie serve`: the web app and its API, on 127.0.0.1 unless the configuration allows more.

Why the bind rule: the app holds organisations' alerts and analysts' reveal right; it must not
appear on a network by accident. A non-loopback address needs `web.allow_remote: true` (set in
the container image's config, whose port compose publishes on 127.0.0.1 only, or behind a TLS
proxy). This module also plugs the service's status into the web (`ServiceOps`): the web and the
service are siblings and never import each other.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vigie.cli import EXIT_CONFIG, app
from vigie.cli.common import ConfigDir, DataDir, console, fail, require_keys, runtime

if TYPE_CHECKING:
    from vigie.config.loader import LoadedConfig
    from vigie.web.ops import OpsReport

__all__ = ["ServiceOps", "serve"]


class ServiceOps:
    """The operators' view, read from the service's database (`vigie.service.status.status_report`)."""

    def __init__(self, config: LoadedConfig, data_dir: Path) -> None:
        self.config = config
        self.data_dir = data_dir

    def report(self) -> OpsReport:
        from vigie.service.status import status_report
        from vigie.web.ops import OpsReport, OpsSource

        r = status_report(self.config, self.data_dir)
        known = {s.name: s for s in r.sources}
        sources: list[OpsSource] = []
        for name in sorted(self.config.sources):
            rec = known.get(name)
            run = rec.last_run if rec else None
            reasons: list[str] = []
            if run is None:
                reasons.append("never ran")
            elif run.outcome not in ("ok", "running"):
                reasons.append(f"last run: {run.outcome}" + (f" ({run.detail[:200]})" if run.detail else ""))
            if run is not None and run.errors:
                reasons.append(f"{run.errors} error(s) in the last run")
            sources.append(OpsSource(
                name=name, schedule=rec.schedule if rec else None, next_run_at=rec.next_run_at if rec else None,
                last_outcome=run.outcome if run else None, last_started_at=run.started_at if run else None,
                last_finished_at=run.finished_at if run else None, pages=run.pages if run else 0,
                items=run.items if run else 0, fragments=run.fragments if run else 0, errors=run.errors if run else 0,
                needs_attention=tuple(reasons)))
        return OpsReport(alive=r.alive, tor=r.tor, store=r.store, outbox=r.outbox, sources=sources)


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on (default: web.host, 127.0.0.1).")
                    ] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port (default: web.port, 8080).")] = None,
    allow_remote: Annotated[bool, typer.Option(
        "--allow-remote", help="Allow a non-loopback --host (as web.allow_remote does; compose uses it).")] = False,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Serve the web app and the /api/v1 API (accounts: `vigie users add`).

    A non-loopback --host is refused unless vigie.yaml sets `web.allow_remote: true` or --allow-remote
    is given.

    Example:  vigie serve --port 8080
    """
    import uvicorn

    from vigie import wiring
    from vigie.core.peers import is_loopback_host
    from vigie.intel import IntelSource
    from vigie.web.app import create_app
    from vigie.web.setup import close_web_data, open_web_data

    rt = runtime(config, data_dir)
    require_keys(rt, match=True, data=True)
    web = rt.config.global_config.web
    bind = host or web.host
    if not is_loopback_host(bind) and not (web.allow_remote or allow_remote):
        fail(f"refusing to listen on {bind}: not a loopback address. Set `web: {{allow_remote: true}}` in "
             "vigie.yaml if this is deliberate (behind a TLS proxy, or a container port published on 127.0.0.1)",
             EXIT_CONFIG)
    data = open_web_data(rt.config, rt.data_dir, rt.match_key, rt.data_key, ServiceOps(rt.config, rt.data_dir))
    leaks = wiring.open_leak_store(rt.config, rt.data_dir)
    intel = IntelSource(leaks=leaks, impacts=data.outbox, store=data.store, registry=data.registry,
                        organisations=data.organisations)  # TAXII 2.1 at /taxii2/ (vigie.web.taxii)
    try:
        console.print(f"Vigie web on http://{bind}:{port or web.port}/  (API: /api/v1/openapi.json, TAXII: /taxii2/)")
        uvicorn.run(create_app(data, intel), host=bind, port=port or web.port, log_config=None, access_log=False,
                    proxy_headers=False, server_header=False)
    finally:
        leaks.close()
        close_web_data(data)
