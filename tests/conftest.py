"""Shared pytest setup. Fixtures for real servers live in tests/fixtures/*.py, one module per
area, so that each area's fixtures can be reused by end-to-end tests."""

import pytest

pytest_plugins = [
    "tests.fixtures.es",
    "tests.fixtures.tor",
    "tests.fixtures.mail",
    "tests.fixtures.forum",
]


# The servers a session fixture starts once (scripts/test.sh runs the suite on two pytest-xdist
# workers): every test that needs one is sent to the same worker (`--dist loadgroup`), so each
# server starts once per run, not once per worker. The first fixture a test names decides.
_SERVER_GROUPS = {"tor_network": "tor", "onion_site": "tor", "es_server": "elasticsearch"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        names = getattr(item, "fixturenames", ())
        group = next((g for f, g in _SERVER_GROUPS.items() if f in names), None)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session", autouse=True)
def _loopback_only() -> None:
    """The suite runs only where nothing can leave the machine: a network namespace holding only
    loopback (scripts/test.sh does `unshare --net`). Plain `pytest` elsewhere stops here."""
    from vigie_kit.tornet import assert_loopback_only

    assert_loopback_only("the test suite (run it with scripts/test.sh)")

