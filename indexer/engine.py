"""Which detection engine runs: the compiled core (`vigie_native`, Rust) or the pure-Python one.

The pure-Python engine is the reference: the compiled core either does a step exactly as it
does or hands the case back to it, and tests/test_engine_differential.py compares both on
whole fragments. The choice comes from the environment, so that every process that detects
(ingest, `vigie scan`, retro-hunt, the service's workers) follows it without plumbing:

    VIGIE_ENGINE=auto     the compiled core when it is installed, else Python (the default)
    VIGIE_ENGINE=native   the compiled core, or an error saying how to build it
    VIGIE_ENGINE=python   the reference engine only

`set_engine` switches in-process (the differential test runs both engines in one process).
"""

from __future__ import annotations

import importlib
import os
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from indexer import IndexerError
from indexer import identifiers as _ids
from indexer.identifiers import REFERENCE_ONLY as _REFERENCE_ONLY

__all__ = ["ABI", "ENGINES", "EngineError", "core", "core_panics", "engine_name", "found_list", "is_core_panic",
           "native_module", "native_tokenizer", "reference_only", "set_engine", "today"]

ENGINES = ("auto", "native", "python")
ABI = 18  # the vigie_native interface this code calls (vigie_native.ABI)


class EngineError(IndexerError, RuntimeError):
    """The requested detection engine cannot run."""


_state: dict[str, Any] = {"core": None, "module": None, "why": "not chosen yet", "panics": 0}
_PANIC_LOCK = threading.Lock()


def _import() -> tuple[Any | None, str]:
    try:
        vigie_native = importlib.import_module("vigie_native")  # optional: built by scripts/setup.sh
    except ImportError as e:
        return None, f"vigie_native is not installed ({e}); scripts/setup.sh builds it when cargo is present"
    if getattr(vigie_native, "ABI", None) != ABI:
        return None, (f"vigie_native has interface {getattr(vigie_native, 'ABI', None)}, this code needs {ABI}: "
                      "rebuild it with scripts/setup.sh")
    # a fragment's identifiers from the core (`Fragment.identifiers`) are a Sequence to isinstance too
    if hasattr(vigie_native, "Identifiers"):
        Sequence.register(vigie_native.Identifiers)
    return vigie_native, ""


def _hooks() -> dict[str, Any]:
    """The reference functions the core hands the cases it does not port to."""
    from collections import Counter

    from indexer import identifiers as ids
    from indexer.detect import extract as ex
    from indexer.detect.columns import role_of
    from indexer.detect.roles import region_of_country
    from indexer.detect.scan import scan, typed
    from indexer.models import Identifier
    from indexer.redact import mask_value

    return {
        "Identifier": Identifier, "mask_value": mask_value, "Counter": Counter, "cc_region": ids._CC_REGION,
        "canon_phone": ids.canon_phone, "role_of": role_of,
        "iban_rules": ids.iban_rules,
        "scan": scan, "scan_only": ex.scan_only, "other_role": ex.other_role, "phone": ex._phone,
        "national_id": ex._national_id, "typed": typed, "canon_nir": ids.canon_nir_py, "canon_iban": ids.canon_iban,
        "canon_card": ids.canon_card_py, "canon_dob": ids.canon_dob, "canon_luhn_id": ids.canon_luhn_id,
        "canon_name": ids.canon_name, "canon_address": ids.canon_address, "canon_credential": ids.canon_credential,
        "mask_free_text": ex.mask_free_text, "region_of_country": region_of_country, "login_iban": ex.login_iban,
        "email_domain": ids.email_domain,
    }


def set_engine(name: str | None = None) -> str:
    """Choose the engine (`VIGIE_ENGINE` when `name` is None); returns `engine_name()`."""
    want = (name or os.environ.get("VIGIE_ENGINE") or "auto").strip().lower()
    if want not in ENGINES:
        raise EngineError(f"VIGIE_ENGINE={want!r} is not an engine; use one of {', '.join(ENGINES)}")
    _state["core"] = _state["module"] = None
    native_tokenizer.cache_clear()
    from indexer import identifiers as ids

    ids._NATIVE[0] = None
    if want == "python":
        _state["why"] = "VIGIE_ENGINE=python"
        return engine_name()
    mod, why = _import()
    if mod is None:
        if want == "native":
            raise EngineError(f"VIGIE_ENGINE=native but {why}")
        _state["why"] = why
        return engine_name()
    _state["module"] = mod
    ids._NATIVE[0] = mod
    _state["why"] = ""
    return engine_name()


def core() -> Any | None:
    """The compiled core (a `vigie_native.Core`) when it is the engine, else None. Built on
    first use: its hooks are functions of `indexer.detect`, which imports this module."""
    if getattr(_REFERENCE_ONLY, "on", False):
        return None
    c = _state["core"]
    if c is None and _state["module"] is not None:
        c = _state["core"] = _state["module"].Core(_hooks())
    return c


def found_list() -> Any:
    """A new sink's found list: the compiled core's `vigie_native.Found` when the core is the
    engine (it appends identifiers as columns, not one tuple of four objects each, and
    `Core.build` takes the columns over; Python reads and writes it as the list it stands for),
    else a plain list."""
    mod = native_module()
    return [] if mod is None else mod.Found()


def native_module() -> Any | None:
    """The `vigie_native` module when the compiled core is the engine, else None (its
    functions that need no hooks)."""
    if getattr(_REFERENCE_ONLY, "on", False):
        return None
    return _state["module"]


def engine_name() -> str:
    """For `vigie doctor`: `native (Rust)` or `python (pure, because ...)`."""
    if _state["module"] is not None:
        return "native (Rust)"
    return f"python (pure, because {_state['why']})"


def is_core_panic(exc: BaseException) -> bool:
    """Whether `exc` is a panic of the compiled core (pyo3's `PanicException`, a BaseException
    that no `except Exception` catches): a bug in the core, never an answer about the input."""
    return type(exc).__name__ == "PanicException"


@contextmanager
def reference_only() -> Iterator[None]:
    """Run the pure-Python reference engine on this thread, whatever engine is chosen: what
    detection does with an input the compiled core crashed on, so that a bug in the core costs
    time, not a fragment. Other threads keep their engine."""
    was = getattr(_REFERENCE_ONLY, "on", False)
    _REFERENCE_ONLY.on = True
    try:
        yield
    finally:
        _REFERENCE_ONLY.on = was


def core_panics() -> int:
    """How many inputs this process detected with the reference engine after a core panic."""
    return int(_state["panics"])


def count_core_panic() -> None:
    with _PANIC_LOCK:
        _state["panics"] += 1


@lru_cache(maxsize=8)
def native_tokenizer(key: bytes) -> Any:
    """The compiled HMAC for one match key (keyed once)."""
    mod = _state["module"]
    if mod is None:
        raise EngineError("the native engine is not active: call set_engine('native') first")
    return mod.Tokenizer(key)


# (the date and year it was built for, the tuple, the monotonic time until which it holds)
_TODAY: list[Any] = [(None, None, None), None, float("-inf")]
_TODAY_HOLD = 60.0  # seconds a tuple is reused without reading the date, at most (never past midnight)


def today() -> tuple[int, int, tuple[int, int, int]]:
    """What `canon_dob` compares birth dates with, read the way it reads it (today's date, and
    `_ids._this_year()`; the core asks for it once per block, record or settle, ~4 times a dump
    post). The date is read again after a minute or at the local midnight, whichever comes
    first, or when `_this_year` would read the year again: reading it cost ~8k instructions a
    call (0.6M of the bench's 20 dump posts), one monotonic clock read ~1k."""
    m = time.monotonic()
    c = _TODAY
    if m < c[2] and m - _ids._YEAR[1] <= 3600 and c[0][2] == _ids._YEAR[0]:
        out: tuple[int, int, tuple[int, int, int]] = c[1]
        return out
    y = _ids._this_year()
    now = time.time()
    d = date.today()
    key = (d, y, _ids._YEAR[0])
    if c[0] != key:
        c[1] = (y, int(_ids._YEAR[0]), (d.year, d.month, d.day))
        c[0] = key
    nxt = datetime.combine(d + timedelta(days=1), datetime.min.time()).timestamp()  # the next local midnight
    c[2] = m + min(_TODAY_HOLD, nxt - now) if date.fromtimestamp(nxt - 1) == d else float("-inf")
    out = c[1]
    return out


def _init() -> None:
    try:
        set_engine()
    except EngineError:
        raise
    except Exception as e:  # a broken build must not stop Vigie: say why and run the reference
        _state["core"] = _state["module"] = None
        _state["why"] = f"vigie_native failed to load: {e}"


_init()
