"""The breach-response pack (GDPR articles 33 and 34) of one organisation for one leak.

    pack = build_pack(leak, impact, org, "fr")   # decides: consequences, art. 34, measures, deadline
    text = render_markdown(pack)                 # or render_pdf(pack) -> bytes

Read by `vigie leak pack LEAK --org ORG --lang fr|en --format md|pdf`. See `pack.py` for what
the pack holds and what it never holds (any identifier, any other organisation's figures).
"""

from __future__ import annotations

from alerts.response.pack import LANGS, Lang, Pack, PackError, Sighting, build_pack
from alerts.response.render import RefusingFetcher, render_html, render_markdown, render_pdf

__all__ = ["LANGS", "Lang", "Pack", "PackError", "RefusingFetcher", "Sighting", "build_pack", "render_html",
           "render_markdown", "render_pdf"]
