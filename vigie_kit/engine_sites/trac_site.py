"""Make and populate a fresh Trac site (run by the engine venv's python).

Trac is an issue tracker: tickets, each a thread (its description by its reporter, then the
comments under it), filed under components (the boards), listed by its own ticket query (a
table, paged). `python trac_site.py project DIR` makes the environment with Trac's own
`trac-admin initenv` (SQLite) and its components with `trac-admin component add`, Trac's defaults
left as they are (dates relative, "10 months ago", the full date in the link's title in its default
format, "02/03/26 17:42:00"), but for its clock: UTC (`[trac] default_timezone`; unset, Trac
shows the server's own zone, the host's); the query's page of 5 tickets is asked for in the
start URL; `python trac_site.py populate < site.json > truth.json` (cwd = DIR) fills it through
Trac's own ticket model (`Ticket.insert`, `Ticket.save_changes` with the post's author and time):
a ticket per thread, its first post the description, the others comments. A dump is written as
Trac's wiki writes preformatted text (`{{{` ... `}}}`), as a Trac user pastes one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

ENV = "env"


def _admin(directory: Path, *args: str) -> None:
    admin = Path(sys.executable).parent / "trac-admin"
    subprocess.run([str(admin), str(directory / ENV), *args], check=True, stdout=subprocess.DEVNULL)


def project(directory: Path, boards: list[str]) -> None:
    _admin(directory, "initenv", "Vigie Trac", "sqlite:db/trac.db")
    for name in ("component1", "component2"):  # initenv's examples
        _admin(directory, "component", "remove", name)
    for name in boards:
        _admin(directory, "component", "add", name, "somebody")
    from trac.env import Environment

    env = Environment(str(directory / ENV))
    env.config.set("trac", "default_timezone", "UTC")
    env.config.set("logging", "log_type", "none")
    env.config.save()


def _wiki(body: str) -> str:
    """site_content's Markdown fences as Trac's wiki writes a preformatted block."""
    return body.replace("```", "{{{", 1).replace("```", "}}}", 1) if body.count("```") >= 2 else body


def populate() -> None:
    from trac.env import Environment
    from trac.ticket.model import Ticket

    site = json.load(sys.stdin)
    env = Environment(str(Path.cwd() / ENV))
    truth = []
    for board in site["boards"]:
        for thread in board["threads"]:
            ticket = None
            for n, post in enumerate(thread["posts"]):
                at = datetime.fromisoformat(post["date"])
                if ticket is None:
                    ticket = Ticket(env)
                    ticket.populate({"summary": thread["title"], "reporter": post["author"],
                                     "description": _wiki(post["body"]), "component": board["title"],
                                     "type": "defect", "status": "new", "priority": "major"})
                    ticket.insert(when=at)
                else:
                    ticket.save_changes(author=post["author"], comment=_wiki(post["body"]), when=at)
                truth.append({"id": ticket.id * 1000 + n, "page_id": f"comment:{n}" if n else "comment:description",
                              "key": post["key"], "author": post["author"], "thread": thread["title"],
                              "board": board["title"], "thread_url": f"/ticket/{ticket.id}",
                              "posted_at": at.isoformat(), "kind": "comment" if n else "ticket"})
    json.dump(truth, sys.stdout)


if __name__ == "__main__":
    if sys.argv[1] == "project":
        project(Path(sys.argv[2]), json.loads(sys.argv[3]))
    else:
        populate()
