"""Shared pytest setup. Fixtures for real servers live in tests/fixtures/*.py, one module per
area, so that each area's fixtures can be reused by end-to-end tests."""

import os
import sys
from pathlib import Path

import pytest

pytest_plugins = [
    "tests.fixtures.es",
    "tests.fixtures.tor",
    "tests.fixtures.mail",
    "tests.fixtures.forum",
    "tests.fixtures.engines",
]


# The servers a session fixture starts once (scripts/test.sh runs the suite on two pytest-xdist
# workers): every test that needs one is sent to the same worker (`--dist loadgroup`), so each
# server starts once per run, not once per worker. The first fixture a test names decides.
_SERVER_GROUPS = {"tor_network": "tor", "onion_site": "tor", "es_server": "elasticsearch"}
# tests that ask for the server at run time (`request.getfixturevalue`, a parametrised backend):
# their marker names it, the fixture names cannot (tests/test_store_contract.py's Elasticsearch
# cases were spread over three workers, each starting its own node: 160 s of setup)
_MARKER_GROUPS = {"elasticsearch": "elasticsearch"}


_SHARED_SCOPES = ("module", "class", "package")


def _shared_fixture_group(item: pytest.Item) -> str | None:
    """The tests of a module that use a module-scoped fixture (a demo run, a real engine's site
    and its crawls) go to one worker together, one group per parameter of such a fixture: else
    `--dist loadgroup` sends them one by one to both workers and each worker builds the fixture
    again (the demo ran twice, each real engine's site twice: ~3 minutes of the suite)."""
    info = getattr(item, "_fixtureinfo", None)
    module = getattr(getattr(item, "module", None), "__name__", None)
    if info is None or module is None:
        return None
    params = getattr(getattr(item, "callspec", None), "params", {})
    shared = sorted(name for name, defs in info.name2fixturedefs.items()
                    if defs and defs[-1].scope in _SHARED_SCOPES)
    if not shared:
        return None
    # no brackets in a group name: xdist takes the text after the last "@" as the group only when
    # no "]" follows it (a parametrised test's id ends with one)
    return module + "".join(f":{name}={params[name]}" for name in shared if name in params)


def _chooses_its_engines(item: pytest.Item) -> bool:
    """The test sets the detection engine itself, for every detection it runs: a parameter of an
    `eng` fixture (tests/test_detect_formats_round5.py and six more: `engine.set_engine(param)`
    before the test, VIGIE_ENGINE's back after; no module fixture, no subprocess in those files),
    or tests/test_engine_differential.py's `both` (the Python engine, then the core, on each
    input). VIGIE_ENGINE never reaches them: the first pass ran them on both engines already."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    if params.get("eng") in ("python", "native"):
        return True
    module = getattr(getattr(item, "module", None), "__name__", None)
    return module == "tests.test_engine_differential" and "both" in getattr(item, "fixturenames", ())


def _drop_engine_chosen(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`VIGIE_TEST_RERUN=1` (scripts/test.sh's second pass: the detection tests again, on the
    Python engine): deselect the tests that choose their engines themselves, which that pass
    would run exactly as the first did (~700 of its 8,200 tests, and the differential's fuzzed
    records)."""
    if os.environ.get("VIGIE_TEST_RERUN") != "1":
        return
    drop = [i for i in items if _chooses_its_engines(i)]
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = [i for i in items if not _chooses_its_engines(i)]


# tryfirst: xdist's worker reads the groups in its own pytest_collection_modifyitems
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _drop_engine_chosen(config, items)
    for item in items:
        names = getattr(item, "fixturenames", ())
        group = (next((g for f, g in _SERVER_GROUPS.items() if f in names), None)
                 or next((g for m, g in _MARKER_GROUPS.items() if item.get_closest_marker(m)), None)
                 or _shared_fixture_group(item))
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))


class _GroupsApplied:
    """Fails the run when xdist did not apply the groups: it names a grouped test's work unit by
    appending `@group` to the node id, and pytest 9.2 made the node id something it cannot extend,
    so for a while every server started once per worker and nothing said so."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        if not config.getvalue("loadgroup"):
            return
        lost = [i.nodeid for i in items if i.get_closest_marker("xdist_group") and "@" not in i.nodeid]
        if lost:
            raise pytest.UsageError(f"--dist loadgroup did not group {len(lost)} tests (e.g. {lost[0]}): "
                                    "pytest-xdist cannot extend this pytest's node ids; pin the pair that works "
                                    "(pyproject.toml)")


def _rewrite_tests_once(config: pytest.Config) -> None:
    """Write pytest's assertion-rewritten test modules to `__pycache__` once, in the xdist
    controller, before the workers start: where PYTHONDONTWRITEBYTECODE is set (this machine kind
    sets it; scripts/test.sh's compileall covers only plain modules) pytest rewrites every test
    module in every worker and keeps nothing, ~6.5 of the 15 CPU-s a collection costs, paid by
    the four workers of each pass. The same pytest functions a worker calls (`_rewrite_test`,
    `_write_pyc`), so a worker loads exactly what it would have rewritten; a pytest without them
    only loses the saving."""
    if hasattr(config, "workerinput") or not config.getoption("numprocesses", None) or not sys.dont_write_bytecode:
        return  # not the controller of an xdist run, or pytest writes its cache itself
    try:
        from _pytest.assertion import rewrite as rw

        state = config.stash[rw.assertstate_key]
    except (ImportError, AttributeError, KeyError):
        return
    here = Path(__file__).parent
    # what pytest rewrites here: test modules, conftest and the fixture plugins (pytest_plugins)
    for fn in sorted([*here.glob("test_*.py"), here / "conftest.py", *(here / "fixtures").glob("*.py")]):
        pyc = rw.get_cache_dir(fn) / (fn.name[:-3] + rw.PYC_TAIL)
        if rw._read_pyc(fn, pyc, state.trace) is not None:
            continue
        if not rw.try_makedirs(pyc.parent):
            return
        try:
            stat, co = rw._rewrite_test(fn, config)
        except (SyntaxError, ValueError, OSError):  # the worker's collection reports it, against that file
            continue
        rw._write_pyc(state, co, stat, pyc)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """`VIGIE_TEST_FILES` (scripts/test.sh's pass on the Python engine: the detection tests): only
    the test modules it names (space-separated, relative to the repository) are collected.
    Named as 123 arguments instead, they made pytest walk `tests/` again for each one: 10.2
    CPU-s of collection in each worker, 6.9 this way (the same 8,068 tests collected)."""
    only = _only_files(config)
    if only is None or collection_path.suffix != ".py" or not collection_path.name.startswith("test_"):
        return None
    return collection_path.resolve() not in only or None


def _only_files(config: pytest.Config) -> frozenset[Path] | None:
    names = os.environ.get("VIGIE_TEST_FILES", "").strip()
    if not names:
        return None
    cached: frozenset[Path] | None = getattr(config, "_vigie_only_files", None)
    if cached is None:
        cached = frozenset((config.rootpath / name).resolve() for name in names.split())
        config._vigie_only_files = cached  # type: ignore[attr-defined]
    return cached


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):  # only an xdist worker groups
        config.pluginmanager.register(_GroupsApplied(), "vigie-groups-applied")
    _rewrite_tests_once(config)


@pytest.fixture(scope="session", autouse=True)
def _loopback_only() -> None:
    """The suite runs only where nothing can leave the machine: a network namespace holding only
    loopback (scripts/test.sh does `unshare --net`). Plain `pytest` elsewhere stops here."""
    from vigie_kit.tornet import assert_loopback_only

    assert_loopback_only("the test suite (run it with scripts/test.sh)")

