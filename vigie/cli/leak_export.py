"""`vigie leak export`: one leak as a STIX 2.1 bundle or a MISP event, for a threat-intel platform."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, cast

import typer

from vigie.cli.common import ConfigDir, DataDir, err_console, fail, runtime
from vigie.cli.leaks_cmd import leak_app
from vigie.core.files import write_private

__all__ = ["export"]


@leak_app.command("export")
def export(
    leak_id: Annotated[str, typer.Argument(metavar="LEAK", help="The leak id (see `vigie leaks list`).")],
    fmt: Annotated[str, typer.Option("--format", help="stix (a STIX 2.1 bundle) or misp (a MISP event).")] = "stix",
    org: Annotated[str | None, typer.Option(
        "--org", help="Export for this organisation: its own figures and keyed tokens, and only a leak it is in.")
    ] = None,
    tlp: Annotated[str, typer.Option(
        "--tlp", help="TLP 2.0 marking: clear, green, amber, amber+strict or red.")] = "amber",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the export here (mode 600); default: standard output.")] = None,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Export a leak as a STIX 2.1 bundle or a MISP event (JSON), with a TLP marking.

    The export counts records, people and identifier types and lists the masked source URLs and
    the timeline; it holds no identifier of any person. With --org, it is the organisation's own
    export: its matched people and types, and the keyed tokens of its registered identifiers found
    in the leak (never another organisation's).

    Example:  vigie leak export 3f9c2a7e1b4d --format stix --org example-org --tlp amber+strict -o leak.json
    """
    from alerts.registry import Registry
    from vigie import wiring
    from vigie.intel import TLP_LEVELS, IntelError, IntelSource, Tlp
    from vigie.intel.misp import build_misp_event
    from vigie.intel.stix import build_stix_bundle

    if fmt not in ("stix", "misp"):
        fail(f"--format {fmt!r}: expected stix or misp")
    if tlp not in TLP_LEVELS:
        fail(f"--tlp {tlp!r}: expected one of {', '.join(TLP_LEVELS)}")
    rt = runtime(config, data_dir)
    with ExitStack() as stack:
        store = wiring.open_store(rt.config, data_dir)
        stack.callback(store.close)
        leaks = wiring.open_leak_store(rt.config, data_dir)
        stack.callback(leaks.close)
        outbox = wiring.open_outbox(rt.config, data_dir)  # SQLite, or the shared PostgreSQL outbox
        stack.callback(outbox.close)
        registry = Registry(wiring.registry_dir(data_dir))
        stack.callback(registry.close)
        intel = IntelSource(leaks=leaks, impacts=outbox, store=store, registry=registry,
                            organisations=rt.config.organisations)
        try:
            x = intel.export(leak_id, org=org, tlp=cast(Tlp, tlp))
        except IntelError as e:
            fail(str(e))
        text = build_stix_bundle(x).serialize(pretty=True) if fmt == "stix" else build_misp_event(x).to_json(indent=2)
    data = (text + "\n").encode()
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    write_private(output, data)
    err_console.print(f"{fmt.upper()} export of leak {x.leak.id} written to {output}", highlight=False)
