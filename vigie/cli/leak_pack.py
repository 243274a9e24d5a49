"""`vigie leak pack`: the breach-response pack (GDPR art. 33/34) of one organisation for one leak."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from vigie.cli.common import ConfigDir, DataDir, err_console, fail, runtime
from vigie.cli.leaks_cmd import leak_app
from vigie.core.files import write_private

__all__ = ["pack"]


@leak_app.command("pack")
def pack(
    leak_id: Annotated[str, typer.Argument(metavar="LEAK", help="The leak id (see `vigie leaks list`).")],
    org: Annotated[str, typer.Option("--org", help="The organisation whose pack to draft.")],
    lang: Annotated[str, typer.Option("--lang", help="fr or en.")] = "fr",
    fmt: Annotated[str, typer.Option("--format", help="md (Markdown) or pdf.")] = "md",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the pack here (mode 600); default: standard output.")] = None,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Draft the GDPR breach-response pack of an organisation for a leak (articles 33 and 34).

    The pack counts the organisation's own matched people and identifier types; it names no
    person. It holds the deadline (72 hours from the first alert), the likely consequences, the
    art. 34 decision, a checklist of measures, the DPO (`dpo:` in the organisation's file) and a
    draft letter to the people concerned. Review it before sending anything.

    Example:  vigie leak pack 3f9c2a7e1b4d --org example-org --lang fr --format pdf -o pack.pdf
    """
    from alerts.response import LANGS, Lang, build_pack, render_markdown, render_pdf
    from vigie import wiring

    if lang not in LANGS:
        fail(f"--lang {lang!r}: expected one of {', '.join(LANGS)}")
    if fmt not in ("md", "pdf"):
        fail(f"--format {fmt!r}: expected md or pdf")
    if fmt == "pdf" and output is None and sys.stdout.isatty():
        fail("--format pdf writes binary data: add -o pack.pdf (or redirect the output)")
    rt = runtime(config, data_dir)
    organisation = rt.config.organisations.get(org)
    if organisation is None:
        known = ", ".join(sorted(rt.config.organisations)) or "none"
        fail(f"unknown organisation {org!r} in {config / 'organisations'} (known: {known})")
    leaks = wiring.open_leak_store(rt.config, data_dir)
    try:
        leak = leaks.get(leak_id)
    finally:
        leaks.close()
    if leak is None:
        fail(f"no leak {leak_id!r} in {data_dir.resolve()}: `vigie leaks list` shows the leak ids")
    embedded = rt.config.global_config.alerts.outbox.backend == "sqlite"
    if embedded and not wiring.outbox_path(data_dir).exists():
        fail(f"no alerts database in {data_dir.resolve()}: the pack is drafted from {org}'s alerts")
    outbox = wiring.open_outbox(rt.config, data_dir)  # SQLite, or the shared PostgreSQL outbox
    try:
        # alerts raised before two leaks merged stay under the id they had then (now an alias)
        impact = next((i for i in (outbox.impact(org, lid) for lid in (leak.id, *leak.aliases)) if i), None)
    finally:
        outbox.close()
    if impact is None:
        fail(f"organisation {org!r} has no alert for leak {leak.id}: the pack is drafted from its own matched "
             "people (`vigie leaks list --org ORG` shows its leaks)")
    chosen: Lang = "fr" if lang == "fr" else "en"  # checked against LANGS above
    drafted = build_pack(leak, impact, organisation, chosen)
    data = render_markdown(drafted).encode() if fmt == "md" else render_pdf(drafted)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    write_private(output, data)
    err_console.print(f"wrote {output} ({fmt}, {lang}, {len(data)} bytes): a draft to review before sending",
                      highlight=False)
