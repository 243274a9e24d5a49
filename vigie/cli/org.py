"""`vigie org register|unregister|show`: the organisations' registered tokens."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from vigie.cli import app
from vigie.cli.common import ConfigDir, DataDir, console, err_console, fail, require_keys, runtime

if TYPE_CHECKING:
    from alerts.matcher import AlertMatcher
    from vigie.runtime import Runtime

__all__ = ["org_app"]

org_app = typer.Typer(help="Register organisations' hashed identifiers (tokens) for matching.",
                      no_args_is_help=True)
app.add_typer(org_app, name="org")


def _when(ts: float | None) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds") if ts else "never"


@org_app.command("register")
def register(
    org: Annotated[str, typer.Argument(metavar="ORG", help="Organisation id (config/organisations/ORG.yaml).")],
    prehash_file: Annotated[Path, typer.Argument(metavar="FILE", help="Output of `vigie hash` (type,prehash lines).")],
    retro_hunt: Annotated[bool, typer.Option(
        "--retro-hunt/--no-retro-hunt", help="Alert on fragments already stored.")] = True,
    hunt_all: Annotated[bool, typer.Option("--hunt-all", help="Retro-hunt every token of FILE, not only the new ones "
                                           "(to finish a hunt that was interrupted or skipped; idempotent).")] = False,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Apply the matching key to an organisation's pre-hashes and store the tokens (idempotent).

    The pre-hashes are read, keyed and dropped: only tokens are kept. Registering the same file
    again adds nothing. New tokens are then searched in the existing store (retro-hunt) and
    past fragments holding them raise alerts, once.

    Example:  vigie org register example-org prehashes.csv
    Example:  vigie org register example-org prehashes.csv --hunt-all   (finish an interrupted hunt)
    """
    from vigie import wiring
    rt = runtime(config, data_dir)
    require_keys(rt, match=True)
    if org not in rt.config.organisations:
        fail(f"no organisation {org!r} in {config}/organisations/; create "
             f"{config}/organisations/{org}.yaml first (see example-org.yaml)")
    if not prehash_file.is_file():
        fail(f"pre-hash file {prehash_file} does not exist; produce it with `vigie hash`")
    leaks = wiring.open_leak_store(rt.config, data_dir)  # a retro-hunt raises per-leak alerts, as a crawl does
    try:
        _register(rt, org, prehash_file, retro_hunt, hunt_all, data_dir, wiring.build_matcher(rt.config, data_dir,
                                                                                             leaks=leaks))
    finally:
        leaks.close()


def _register(rt: Runtime, org: str, prehash_file: Path, retro_hunt: bool, hunt_all: bool, data_dir: Path,
              matcher: AlertMatcher) -> None:
    from vigie import wiring
    with console.status("keying pre-hashes and storing tokens..."):
        result = matcher.registry.register_prehash_file(org, prehash_file, rt.match_key,
                                                        keep_new_tokens=retro_hunt)
    added = ", ".join(f"{t}: {n}" for t, n in sorted(result.added.items())) or "nothing new"
    console.print(f"{org}: {result.read} line(s) read, {result.added_total} new token(s) ({added})",
                  highlight=False)
    if retro_hunt and not result.added_total and not hunt_all:
        console.print("no new token, so no retro-hunt; if an earlier one was interrupted or skipped, "
                      "run again with --hunt-all", highlight=False)
    if retro_hunt and (result.added_total or hunt_all):
        from alerts.registry import file_tokens_hex
        from alerts.retrohunt import retro_hunt as hunt

        tokens = file_tokens_hex(prehash_file, rt.match_key) if hunt_all else result.iter_new_hex()
        store = wiring.open_store(rt.config, data_dir)
        try:
            store.flush()  # Elasticsearch: spooled and just-indexed fragments are searched too
            found, made = hunt(store, matcher, org, tokens)
        finally:
            store.close()
        console.print(f"retro-hunt: {found} stored fragment(s) hold these tokens, {made} new alert(s)",
                      highlight=False)


@org_app.command("unregister")
def unregister(
    org: Annotated[str, typer.Argument(metavar="ORG", help="Organisation id.")],
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Remove every token of an organisation (tokens other organisations share stay theirs).

    Example:  vigie org unregister example-org
    """
    from alerts.registry import Registry
    from vigie import wiring

    runtime(config, data_dir)
    registry = Registry(wiring.registry_dir(data_dir))
    if registry.org_info(org) is None:
        fail(f"organisation {org!r} has no registered tokens in {data_dir}")
    removed = registry.unregister(org)
    console.print(f"{org}: {removed} token(s) removed", highlight=False)


@org_app.command("show")
def show(
    org: Annotated[str, typer.Argument(metavar="ORG", help="Organisation id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Show how many tokens an organisation registered, by type, and when it last registered.

    Example:  vigie org show example-org --json
    """
    from alerts.registry import Registry
    from vigie import wiring

    rt = runtime(config, data_dir)
    info = Registry(wiring.registry_dir(data_dir)).org_info(org)
    if info is None:
        if as_json:
            print(json.dumps({"org": org, "registered": False, "counts": {}, "total": 0,
                              "last_registered_at": None}))
            return
        known = "" if org in rt.config.organisations else " (and it is not in the config)"
        err_console.print(f"{org}: no tokens registered{known}; use `vigie org register {org} FILE`")
        raise typer.Exit(1)
    if as_json:
        print(json.dumps({"org": org, "registered": True, "counts": info.counts, "total": info.total,
                          "last_registered_at": _when(info.last_registered_at),
                          "key_version": info.key_version}))
        return
    table = Table(title=f"{org}: {info.total} token(s), last registration {_when(info.last_registered_at)}",
                  title_justify="left")
    table.add_column("type")
    table.add_column("tokens", justify="right")
    for id_type, n in info.counts.items():
        table.add_row(id_type, str(n))
    console.print(table)
