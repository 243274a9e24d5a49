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
a ticket per thread, its first post the description, the others comments (every fourth a reply to
the one before, threaded as Trac threads them), as a tracker's life leaves them: after a ticket's
first comment a change of its fields alone (priority, owner: no comment, so no post, but a
change of the history and a comment number of its own), and every third ticket closed by its
last comment (Trac's default query lists open tickets only). A dump is written as Trac's wiki
writes preformatted text (`{{{` ... `}}}`), as a Trac user pastes one; two are attached to their
ticket as CSV files instead (Trac's `Attachment`, the post's first line its description: the
change history shows it as a change of its own, with no comment number). `python trac_site.py
comment N < post.json` (cwd = DIR) comments ticket N of the running site, now.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import datetime, timedelta
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


def _dump(body: str) -> str:
    """The dump site_content put in a post (between its fences), as the file its author attaches."""
    return body.split("```")[1].strip("\n") + "\n"


def populate() -> None:
    from trac.attachment import Attachment
    from trac.env import Environment
    from trac.ticket.model import Ticket

    site = json.load(sys.stdin)
    env = Environment(str(Path.cwd() / ENV))
    truth = []
    tickets = attached = 0
    for board in site["boards"]:
        for thread in board["threads"]:
            tickets += 1
            ticket, cnum, posts = None, 0, thread["posts"]
            for n, post in enumerate(posts):
                at = datetime.fromisoformat(post["date"])
                kind = "ticket"
                if ticket is None:
                    ticket = Ticket(env)
                    ticket.populate({"summary": thread["title"], "reporter": post["author"],
                                     "description": _wiki(post["body"]), "component": board["title"],
                                     "type": "defect", "status": "new", "priority": "major"})
                    ticket.insert(when=at)
                elif post["planted"] and attached < 2 and n > 1:  # a dump attached as a file, the post its description
                    attached += 1
                    name, data = f"export_{post['key']}.csv", _dump(post["body"]).encode()
                    attachment = Attachment(env, "ticket", ticket.id)
                    attachment.author, attachment.description = post["author"], post["excerpt"]
                    attachment.insert(name, io.BytesIO(data), len(data), t=at)
                    truth.append({"id": ticket.id * 1000 + n, "page_id": f"/raw-attachment/ticket/{ticket.id}/{name}",
                                  "key": post["key"], "author": post["author"], "thread": thread["title"],
                                  "board": board["title"], "thread_url": f"/ticket/{ticket.id}",
                                  "posted_at": at.isoformat(), "kind": "attachment", "files": [name]})
                    continue
                else:
                    kind = "reply" if n % 4 == 3 else "comment"
                    if n == len(posts) - 1 and n > 1 and tickets % 3 == 2:  # every third ticket closed by its last post
                        ticket["status"], ticket["resolution"], kind = "closed", "fixed", "closing"
                    cnum = ticket.save_changes(author=post["author"], comment=_wiki(post["body"]), when=at,
                                               replyto=str(cnum) if kind == "reply" else None)
                truth.append({"id": ticket.id * 1000 + n, "page_id": f"comment:{cnum}" if n else "comment:description",
                              "key": post["key"], "author": post["author"], "thread": thread["title"],
                              "board": board["title"], "thread_url": f"/ticket/{ticket.id}",
                              "posted_at": at.isoformat(), "kind": kind})
                if n == 1 and len(posts) > 2:  # a change of fields alone, no comment: no post
                    ticket["priority"], ticket["owner"] = "critical", post["author"]
                    ticket.save_changes(author=post["author"], comment="", when=at + timedelta(minutes=1))
    json.dump(truth, sys.stdout)


def comment(number: int) -> None:
    """A comment on ticket `number` of a running site, now (as Trac's own form saves one); its
    truth row on stdout."""
    from trac.env import Environment
    from trac.ticket.model import Ticket

    post = json.load(sys.stdin)
    ticket = Ticket(Environment(str(Path.cwd() / ENV)), number)
    cnum = ticket.save_changes(author=post["author"], comment=post["body"])
    at = ticket["changetime"]
    json.dump({"id": ticket.id * 1000 + cnum, "page_id": f"comment:{cnum}", "key": None, "author": post["author"],
               "thread": ticket["summary"], "board": ticket["component"], "thread_url": f"/ticket/{ticket.id}",
               "posted_at": at.replace(microsecond=0).isoformat(), "excerpt": post["body"].splitlines()[0],
               "kind": "comment"}, sys.stdout)


if __name__ == "__main__":
    if sys.argv[1] == "project":
        project(Path(sys.argv[2]), json.loads(sys.argv[3]))
    elif sys.argv[1] == "comment":
        comment(int(sys.argv[2]))
    else:
        populate()
