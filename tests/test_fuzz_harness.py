"""The fuzzing harness (tests/fuzz.py, run by scripts/test.sh under libFuzzer for 40 CPU-s per
target) fails on what it is there to find: a fuzzer whose check cannot fail would pass any run.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from crawler.attachments import ArchiveBombError, ExtractedFile, expand_attachment
from indexer import engine
from indexer.models import Fragment
from indexer.tokens import MatchKey
from tests import fuzz
from tests.fixtures.spider_output import spider_output
from tests.native_core import both_engines, require_native


def test_engine_target_stops_on_a_difference_or_a_panic() -> None:
    """The `engines` target, which scripts/test.sh runs under libFuzzer, fails on what it is
    there to find: its check passes when the engines agree, and raises when the core's fragments
    lose an identifier or when the core panicked (which detection hides by rerunning on the
    reference); its first byte picks the file-name hint."""
    require_native()
    body = (b"email;telephone;nom\nanne.martin@exemple.fr;06 12 34 56 78;Martin\n"
            b"luc.roux@exemple.fr;07 12 34 56 78;Roux\n")
    hints: list[object] = []

    def spy(data: bytes, key: MatchKey, **kw: object) -> tuple[list[Fragment], list[Fragment]]:
        hints.append(kw["filename"])
        return both_engines(data, key, **kw)

    fuzz.check_engines(bytes([1]) + body, run=spy)
    fuzz.check_engines(bytes([7]) + body, run=spy)  # 7 % 7: no hint
    assert hints == ["dump.csv", None]

    def dropped(data: bytes, key: MatchKey, **kw: object) -> tuple[list[Fragment], list[Fragment]]:
        ref, got = both_engines(data, key, **kw)
        assert got and len(got[0].identifiers) >= 2
        got[0] = dataclasses.replace(got[0], identifiers=got[0].identifiers[:-1])
        return ref, got

    with pytest.raises(AssertionError, match="identifier counts differ"):
        fuzz.check_engines(bytes([1]) + body, run=dropped)

    def panicked(data: bytes, key: MatchKey, **kw: object) -> tuple[list[Fragment], list[Fragment]]:
        engine.count_core_panic()
        return both_engines(data, key, **kw)

    with pytest.raises(AssertionError, match="the compiled core panicked"):
        fuzz.check_engines(bytes([1]) + body, run=panicked)


def test_attachment_target_passes_real_files_and_fails_on_a_broken_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    """The `attachments` target: every seed (real archives and workbooks) unpacks within the caps;
    a refusal through `AttachmentError` passes; any other exception, too many files, or bytes past
    the budget fail."""
    seeds = fuzz.attachment_seeds()
    assert len({s[0] for s in seeds}) == len(fuzz.NAMES) + len(fuzz.PARTS)  # every unpacker and part has a seed
    for data in seeds:
        if data[0] < len(fuzz.NAMES):
            assert expand_attachment(fuzz.NAMES[data[0]], data[1:], fuzz.LIMITS), fuzz.NAMES[data[0]]
        else:  # a workbook's or a document's part, zipped by the harness: the seed's table is read whole
            name, part = fuzz.PARTS[data[0] - len(fuzz.NAMES)]
            files = expand_attachment(name, fuzz._with_part(name, part, data[1:]), fuzz.LIMITS)
            assert any(f.data.count(b"\n") >= 5 for f in files), files
        fuzz.check_attachment(data)
    zipped = next(s for s in seeds if fuzz.NAMES[s[0]] == "leak.zip")
    fuzz.check_attachment(zipped[:40])  # cut short: AttachmentError, which the target accepts

    def unpack(files: list[ExtractedFile] | None = None, error: Exception | None = None) -> None:
        def fake(name: str, data: bytes, limits: object, skipped: object = None) -> list[ExtractedFile]:
            if error is not None:
                raise error
            return files or []
        monkeypatch.setattr(fuzz, "expand_attachment", fake)

    unpack(error=ArchiveBombError("refused"))
    fuzz.check_attachment(zipped)
    unpack(error=IndexError("a parser's own error"))
    with pytest.raises(IndexError):
        fuzz.check_attachment(zipped)
    unpack(files=[ExtractedFile(f"leak.zip/{i}.csv", b"x") for i in range(fuzz.LIMITS.max_files + 1)])
    with pytest.raises(AssertionError, match="files out of"):
        fuzz.check_attachment(zipped)
    unpack(files=[ExtractedFile("leak.zip/big.csv", b"x" * (fuzz.LIMITS.max_uncompressed_bytes + 1))])
    with pytest.raises(AssertionError, match="bytes unpacked"):
        fuzz.check_attachment(zipped)
    for name in ("leak.zip/a\nforged.csv", "leak.zip/x\u202e.csv", "leak.zip/../up.csv"):  # not a label
        unpack(files=[ExtractedFile(name, b"x")])
        with pytest.raises(AssertionError, match="a member named"):
            fuzz.check_attachment(zipped)


def test_date_target_passes_dates_and_fails_on_an_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    """The `dates` target: its seeds (dates as forums print them, a year-1 date, countdowns) pass;
    an exception from the date reader fails it, as would a date that is not UTC."""
    seeds = fuzz.date_seeds()
    for data in seeds:
        fuzz.check_date(data)
    paris = bytes([0x81]) + b"10/03/2026 14:05"

    def overflow(*args: object, **kw: object) -> None:
        raise OverflowError("date value out of range")

    monkeypatch.setattr(fuzz, "parse_date", overflow)
    with pytest.raises(OverflowError):
        fuzz.check_date(paris)
    local = datetime(2026, 3, 10, 14, 5, tzinfo=ZoneInfo("Europe/Paris"))
    monkeypatch.setattr(fuzz, "parse_date", lambda *a, **k: local)
    with pytest.raises(AssertionError):
        fuzz.check_date(paris)


def test_page_target_reads_the_demo_pages_and_fails_on_an_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    """The `pages` target: its seeds are the demo forum's pages, which the shipped sources read
    (posts with dates); an exception from extraction fails it."""
    seeds = fuzz.page_seeds()
    shipped = [s for s in seeds if fuzz.SOURCES[s[0]].startswith("example-")]  # written for the demo's markup
    read = [fuzz.extract_forum_page(fuzz._source(fuzz.SOURCES[s[0]]), s[1:], "http://f.onion/", fuzz.FETCHED)
            for s in shipped]
    assert sum(len(p.posts) for p in read) >= 6 and all(p.posted_at for page in read for p in page.posts)
    for data in seeds:
        fuzz.check_page(data)

    def broken(*args: object, **kw: object) -> None:
        raise ValueError("All strings must be XML compatible")

    monkeypatch.setattr(fuzz, "extract_forum_page", broken)
    with pytest.raises(ValueError):
        fuzz.check_page(seeds[0])


def test_spider_target_runs_every_spider_on_its_own_requests_and_fails_on_an_exception(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The `spiders` target: each page's meta is the one its spider gave the request, so the seeds
    (demo pages) are read as in a crawl: the thread page yields its posts, the leak site listing
    its victims, the channel its messages, the paste its text; a callback that raises fails the check."""
    from crawler.items import VictimItem, VigieItem

    pages, seeds = fuzz.spider_pages()
    assert len(pages) == len(seeds) == 8
    yielded = {p.what: spider_output(p.callback(fuzz.response(p, s[1:]))) for p, s in zip(pages, seeds, strict=True)}
    assert sum(isinstance(x, VigieItem) for x in yielded["forum thread"]) >= 3
    # one victim has a file tree: it is emitted once its tree is read, the other at once
    assert sum(isinstance(x, VictimItem) for x in yielded["leak site listing"]) == 1
    assert any(getattr(x, "url", "").endswith("/files/clinique-du-parc") for x in yielded["leak site listing"])
    assert sum(isinstance(x, VictimItem) for x in yielded["leak site file tree"]) == 1
    assert sum(isinstance(x, VigieItem) for x in yielded["channel page"]) == 5
    assert sum(isinstance(x, VigieItem) for x in yielded["paste"]) == 1
    for data in seeds:
        fuzz.check_spider_page(data)

    def broken(response: object) -> None:
        raise ValueError("Invalid IPv6 URL")

    monkeypatch.setattr(fuzz, "spider_pages", lambda: ((dataclasses.replace(pages[0], callback=broken), *pages[1:]),
                                                       seeds))
    with pytest.raises(ValueError, match="IPv6"):
        fuzz.check_spider_page(bytes([0]) + b"<html></html>")


def test_config_target_loads_the_shipped_config_and_fails_on_a_traceback_or_a_lineless_problem(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The `config` target: the shipped files (its seeds) pass; an exception from the loader, or a
    problem without its line, fails it."""
    from vigie.config.loader import ConfigProblem

    seeds = fuzz.config_seeds()
    assert {s[0] for s in seeds} == {0, 1, 2} and len(seeds) >= 5
    for data in seeds:
        fuzz.check_config(data)
    fuzz.check_config(bytes([1]) + b"name: x\nkind: forum\nforum: [\n")  # a syntax error is a problem: passes

    monkeypatch.setattr(fuzz, "check_config_dir", lambda *a, **k: (_ for _ in ()).throw(TypeError("unhashable")))
    with pytest.raises(TypeError):
        fuzz.check_config(seeds[0])
    monkeypatch.setattr(fuzz, "check_config_dir", lambda *a, **k: (None, [ConfigProblem("x.yaml", 0, "a", "b")]))
    with pytest.raises(AssertionError):
        fuzz.check_config(seeds[0])


def test_unveil_target_passes_the_probes_and_fails_on_a_bad_line_map_or_a_difference(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The `unveil` target: the blind probes' veiled posts (its seeds) pass; a line map that points
    past the post or back, a difference between the engines, or between `detect` and
    `detect_many`, fails it."""
    require_native()
    seeds = fuzz.unveil_seeds()
    assert len(seeds) >= 60
    veiled = [s for s in seeds if fuzz.unveil(s[1:].decode("utf-8", "replace")) is not None]
    assert len(veiled) >= 40, "the seeds must be posts unveiling rewrites"
    for data in veiled[:6]:
        fuzz.check_unveil(data)
    sample = veiled[0]
    real = fuzz.unveil

    monkeypatch.setattr(fuzz, "unveil", lambda t: (real(t) or (t, []))[0:1] + ([99] * 10_000,))
    with pytest.raises(AssertionError, match="lines mapped|line map"):
        fuzz.check_unveil(sample)
    monkeypatch.setattr(fuzz, "unveil", real)

    real_many = fuzz.detect_many
    monkeypatch.setattr(fuzz, "detect_many", lambda items, **kw: [[], [], []])  # the crawl's batch lost the post
    body = bytes([1]) + b"email;telephone\nanne.martin@exemple.fr;06 12 34 56 78\nluc.roux@exemple.fr;07 12 34 56 78\n"
    with pytest.raises(AssertionError, match="detect and detect_many"):
        fuzz.check_unveil(body)
    monkeypatch.setattr(fuzz, "detect_many", real_many)

    def dropped(data: bytes, key: MatchKey, **kw: object) -> tuple[list[Fragment], list[Fragment]]:
        ref, got = both_engines(data, key, **kw)
        return ref, got[1:]

    with pytest.raises(AssertionError, match="fragments"):
        fuzz.check_unveil(body, run=dropped)


def test_rar_target_walks_the_kit_archives_and_fails_on_another_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    """The `rar` target: the kit's RAR 4 and RAR 5 archives (its seeds) list their entries; a cut
    or corrupt one is refused with `RarError` (passes); any other exception, or a listing past
    the cap, fails it."""
    from crawler.rar import RarEntry, RarListing

    seeds = fuzz.rar_seeds()
    listed = [fuzz.rar_listing(fuzz.RAR_SIGNATURES[s[0] % 3] + s[1:], fuzz.RAR_ENTRIES) for s in seeds]
    assert {x.version for x in listed} == {4, 5} and sum(len(x.entries) for x in listed) >= 20
    for data in seeds:
        fuzz.check_rar(data)
        fuzz.check_rar(data[:40])
    monkeypatch.setattr(fuzz, "rar_listing", lambda data, n: (_ for _ in ()).throw(IndexError("a header")))
    with pytest.raises(IndexError):
        fuzz.check_rar(seeds[0])
    many = [RarEntry(k, "x.csv", 1, 0, "file", False) for k in range(fuzz.RAR_ENTRIES + 1)]
    monkeypatch.setattr(fuzz, "rar_listing", lambda data, n: RarListing(5, many))
    with pytest.raises(AssertionError):
        fuzz.check_rar(seeds[0])


def test_cpu_box_ends_after_its_budget_and_fails_a_slow_input() -> None:
    """scripts/test.sh boxes each target by CPU time, beside pytest (`--cpu-seconds`): fuzzing
    ends once the budget is spent and not before, every input before the end is checked, and an
    input that took more than `SLOW_INPUT` of CPU fails, as libFuzzer's -timeout fails it on a
    free core (at a low priority its wall-clock -timeout is longer)."""
    cpu = [100.0]
    seen: list[bytes] = []
    stopped: list[int] = []
    boxed = fuzz.cpu_boxed(seen.append, 30, clock=lambda: cpu[0], input_clock=lambda: cpu[0],
                           stop=stopped.append, every=0)
    boxed(b"a")  # the box starts at the first input, as -max_total_time does
    cpu[0] = 129.9
    boxed(b"b")
    assert seen == [b"a", b"b"] and not stopped
    cpu[0] = 130.0
    boxed(b"c")
    assert stopped == [0] and seen == [b"a", b"b"]

    def costs(data: bytes) -> None:  # an input of N bytes takes N CPU-s
        cpu[0] += len(data)

    slow = fuzz.cpu_boxed(costs, 1e9, clock=lambda: cpu[0], input_clock=lambda: cpu[0], stop=stopped.append, every=0)
    slow(b"x" * (fuzz.SLOW_INPUT - 1))
    with pytest.raises(AssertionError, match="a slow input"):
        slow(b"x" * (fuzz.SLOW_INPUT + 1))


def test_cpu_box_interrupts_an_input_stuck_past_its_cpu_time() -> None:
    """Beside pytest the fuzzers yield the CPU whole (scripts/test.sh: the session's group nice), so an
    input may wait minutes of wall clock: libFuzzer's wall-clock -timeout is only the run's cap, and a
    CPU-time timer fails an input stuck for `SLOW_INPUT` CPU-s while it runs: armed before each input,
    disarmed after it, even when the input fails."""
    import signal
    import time

    armed: list[float] = []
    boxed = fuzz.cpu_boxed(lambda data: None, 1e9, stop=lambda code: None, every=0, alarm=armed.append)
    boxed(b"a")
    assert armed == [fuzz.SLOW_INPUT + 1, 0]

    def fails(data: bytes) -> None:
        raise ValueError("the input's own failure")

    armed.clear()
    with pytest.raises(ValueError):
        fuzz.cpu_boxed(fails, 1e9, stop=lambda code: None, every=0, alarm=armed.append)(b"a")
    assert armed == [fuzz.SLOW_INPUT + 1, 0]

    previous = signal.getsignal(signal.SIGPROF)
    try:
        fuzz._cpu_alarm(0.05)  # the real timer: 50 ms of this process's CPU
        with pytest.raises(AssertionError, match="a slow input"):
            end = time.monotonic() + 30
            while time.monotonic() < end:  # a stuck input, in Python code
                pass
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
