"""The per-thread "reference engine only" switch has a default every thread reads without an error
(issue 17, wave 20): `identifiers._native()`, `engine.core()` and `engine.native_module()` ask it on
every validator and recogniser call, and a bare `threading.local` raised and formatted an
AttributeError each time (2% of a dump post's instructions). tests/test_core_panic_fallback.py
checks that the switch stays per thread."""

from __future__ import annotations

import threading

from indexer import engine
from indexer import identifiers as ids


def test_a_thread_that_never_set_the_switch_reads_it_off_without_an_error() -> None:
    read: list[object] = []

    def fresh_thread() -> None:
        read.append(vars(ids.REFERENCE_ONLY).get("on", "unset"))  # nothing set on this thread
        read.append(ids.REFERENCE_ONLY.on)  # the class default, no AttributeError
        with engine.reference_only():
            read.append(ids.REFERENCE_ONLY.on)
        read.append(ids.REFERENCE_ONLY.on)

    t = threading.Thread(target=fresh_thread)
    t.start()
    t.join()
    assert read == ["unset", False, True, False]
