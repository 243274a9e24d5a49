"""The pack as Markdown (Jinja2 templates, one per language) and as PDF (that Markdown, as HTML,
through WeasyPrint). One text source for both formats, so the PDF never says something else.

Why the care with text: the timeline shows URLs seen on sites an attacker may control (masked,
but their shape is the attacker's), and the organisation's names come from its config. Every
value that reaches a template is Markdown-escaped (the environment's `finalize`), the Markdown
parser runs with raw HTML off, and the PDF renderer is given a URL fetcher that refuses every
URL: a crafted value can neither add a link or an image to the drafts nor make the renderer
connect anywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.resources import files
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from jinja2 import Environment, StrictUndefined
from jinja2.loaders import FunctionLoader
from markdown_it import MarkdownIt
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from alerts.response.pack import Pack
from vigie.core.text import md_escape  # the one Markdown escape (threat-intel notes use it too)

__all__ = ["RefusingFetcher", "md_escape", "render_html", "render_markdown", "render_pdf"]

_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
_TEMPLATES = files("alerts.response") / "templates"


class _Literal(str):
    """Template text we wrote (numbers and dates formatted by Babel): not escaped again."""

    __slots__ = ()


def _finalize(value: Any) -> Any:
    if isinstance(value, _Literal) or not isinstance(value, str):
        return value
    return md_escape(value)


def _load(name: str) -> str:
    return (_TEMPLATES / name).read_text(encoding="utf-8")


_ENV = Environment(loader=FunctionLoader(_load), undefined=StrictUndefined, finalize=_finalize,
                   autoescape=False, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


def _filters(pack: Pack) -> dict[str, Any]:
    locale = _LOCALES[pack.lang]

    def number(n: int) -> _Literal:
        return _Literal(format_decimal(n, locale=locale))

    def when(dt: datetime | None) -> _Literal:
        return _Literal(format_datetime(dt, "d MMMM y, HH:mm 'UTC'", tzinfo=UTC, locale=locale) if dt else "—")

    def day(dt: datetime | None) -> _Literal:
        return _Literal(format_date(dt, "long", locale=locale) if dt else "—")

    return {"number": number, "when": when, "day": day}


def render_markdown(pack: Pack) -> str:
    """The pack in its language, as Markdown (what `vigie leak pack --format md` writes)."""
    template = _ENV.get_template(f"pack.{pack.lang}.md.j2")
    helpers = _filters(pack)
    return template.render(pack=pack, **helpers)


_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_html(pack: Pack) -> str:
    """The Markdown as a standalone HTML page (raw HTML in values is shown, never parsed)."""
    body = _MD.render(render_markdown(pack))
    title = "Dossier de réponse à la violation" if pack.lang == "fr" else "Breach-response pack"
    return (f'<!DOCTYPE html>\n<html lang="{pack.lang}"><head><meta charset="utf-8">'
            f"<title>{title} {pack.leak_id}</title></head><body>\n{body}</body></html>\n")


class RefusingFetcher(URLFetcher):
    """Refuses every URL (http, file, data...): the pack needs no resource, and a value crafted
    by a crawled site must not make the renderer read a local file or connect out. `refused`
    keeps what was asked, for the tests."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=())
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        self.refused.append(url)
        raise ValueError(f"the breach-response pack loads no external resource (refused {url[:80]!r})")


def render_pdf(pack: Pack, *, fetcher: RefusingFetcher | None = None) -> bytes:
    """The pack as a PDF (A4), from the same Markdown; nothing is fetched."""
    fetcher = fetcher or RefusingFetcher()
    style = CSS(string=_load("pack.css"), url_fetcher=fetcher)
    document = HTML(string=render_html(pack), url_fetcher=fetcher, base_url=None)
    pdf = document.write_pdf(stylesheets=[style])
    if not isinstance(pdf, bytes):
        raise TypeError("WeasyPrint returned no PDF bytes")
    return pdf
