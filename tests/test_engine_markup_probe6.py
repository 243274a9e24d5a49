"""What round 5 of the engine markup probe (Kunena 6, Postmill, wpForo 2; their pages in
tests/engine_pages/, crawled with their source.yaml alone by tests/test_engine_markup_probe.py)
found the product could not read, as its class rather than its one page:

- wpForo stores an upload under the upload time and the poster's name
  (`wp-content/uploads/wpforo/default_attachments/1764366131-clients.txt`), serves it as a static
  file with no Content-Disposition, and names it only in the link a reader sees
  (`<a class="wpforo-default-attachment" title="clients.txt"><i></i>&nbsp;clients.txt</a>`, no
  `download` attribute): the crawl named the file `1764366131-clients.txt`. The name the link
  shows (its text, else its title) is now the file's name when the server gives none and the
  `download` attribute neither, provided it is a file name of the URL's own type: a label, never
  a type (what is fetched is still decided by the URL's extension, then the server's name).

Cheap: `download_names` on small posts, no crawl (the probe's wpforo crawl is the end-to-end case).
"""

from __future__ import annotations

from parsel import Selector

from crawler.spiders.extract import download_names

BASE = "http://forum.example/communaute/bases-de-donnees/sujet/"


def _names(html: str, *urls: str) -> dict[str, str]:
    wanted = tuple("http://forum.example" + u for u in urls)
    got = dict(download_names(Selector(text=f"<div class='post'>{html}</div>"), BASE, wanted))
    return {k.removeprefix("http://forum.example"): v for k, v in got.items()}


def test_a_file_stored_under_another_name_is_named_as_its_link_shows_it() -> None:
    """wpForo's own markup, and the same class elsewhere: a name in the link's title only (the
    text an icon), a hash-stored upload named by its text, an upper-case extension, spaces and
    accents in the name, a name given by a second link to the same file."""
    got = _names(
        '<div id="wpfa-77" class="wpforo-attached-file"><a class="wpforo-default-attachment" '
        'href="/wp-content/uploads/wpforo/default_attachments/1764366131-clients.txt" target="_blank" '
        'title="clients.txt"><i class="fas fa-paperclip"></i>&nbsp;clients.txt</a></div>'
        '<a href="/files/2026/12/8c1f0e.csv" title="patients_clinique.csv"><i class="fa fa-file"></i></a>'
        '<a href="/uploads/default/original/1X/3f2a9c7d41.sql">export_mutuelle.sql</a>'
        '<a href="/pj/1764400000_listing.TXT">Listing Adhérents 2026.txt</a>'
        '<a href="/att/99/stored-99.zip"><img src="/icons/zip.png" alt=""></a> '
        '<a href="/att/99/stored-99.zip">base complète.zip</a>',
        "/wp-content/uploads/wpforo/default_attachments/1764366131-clients.txt", "/files/2026/12/8c1f0e.csv",
        "/uploads/default/original/1X/3f2a9c7d41.sql", "/pj/1764400000_listing.TXT", "/att/99/stored-99.zip")
    assert got == {
        "/wp-content/uploads/wpforo/default_attachments/1764366131-clients.txt": "clients.txt",
        "/files/2026/12/8c1f0e.csv": "patients_clinique.csv",
        "/uploads/default/original/1X/3f2a9c7d41.sql": "export_mutuelle.sql",
        "/pj/1764400000_listing.TXT": "Listing Adhérents 2026.txt",
        "/att/99/stored-99.zip": "base complète.zip",
    }


def test_what_no_link_names_keeps_its_stored_name() -> None:
    """No name: a link saying "Download" or the file's size beside its name, a name of another type
    than the URL's (a link saying `dump.exe` to a `.txt`, or `notes.txt` to a `.exe`: a label never
    makes a type), a path, the stored name itself, a URL with no extension, a link that is not one
    of the selected attachments. The `download` attribute still wins over the text."""
    got = _names(
        '<a href="/up/1-a.txt">Download</a>'
        '<a href="/up/2-b.txt">b.txt (1.2 KB)</a>'
        '<a href="/up/3-c.txt">dump.exe</a>'
        '<a href="/up/4-d.exe">notes.txt</a>'
        '<a href="/up/5-e.txt">../../etc/e.txt</a>'
        '<a href="/up/6-f.txt">6-f.txt</a>'
        '<a href="/up/7a9f3c">g.csv</a>'
        '<a href="/up/8-h.txt">h.txt</a>'
        '<a href="/up/9-i.txt" download="from-download.txt">from-text.txt</a>',
        "/up/1-a.txt", "/up/2-b.txt", "/up/3-c.txt", "/up/4-d.exe", "/up/5-e.txt", "/up/6-f.txt", "/up/7a9f3c",
        "/up/9-i.txt")
    assert got == {"/up/9-i.txt": "from-download.txt"}


def test_a_post_of_many_file_named_links_is_read_in_bounded_time() -> None:
    """A hostile post of 20,000 links named like files, none of them the attachment: each is judged
    by its text first and at most MAX_FILE_LINKS_PER_PAGE are made absolute; the attachment after
    them keeps its stored name rather than the post costing seconds."""
    import time

    links = "".join(f'<a href="/x/{i}.txt">n{i}.txt</a>' for i in range(20_000))
    started = time.process_time()
    got = _names(links + '<a href="/up/1-late.txt">late.txt</a>', "/up/1-late.txt")
    assert time.process_time() - started < 3.0
    assert got == {}


def test_a_link_with_an_attribute_name_lxml_cannot_give_back_is_still_named() -> None:
    # tests/fuzz.py (pages, spiders) found it in the suite: parsel's `attrib` reads every attribute
    # of the link and lxml raises on a name holding a control character, so the whole post's
    # reading failed; the names are read one by one (`root.get`), as the page's other links are
    for odd in ("b\x01r", "x\x1f", "d\x7fata"):
        stored = "/f/1764366131-clients.txt"
        html = f'<a href="{stored}" title="clients.txt" {odd}="1">clients.txt</a>' \
               f'<a href="/f/2" download="liste.csv" {odd}="1">liste</a>'
        assert _names(html, stored, "/f/2") == {stored: "clients.txt", "/f/2": "liste.csv"}
