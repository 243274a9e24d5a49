"""Shared pytest setup. Fixtures for real servers live in tests/fixtures/*.py, one module per
area, so that each area's fixtures can be reused by end-to-end tests."""

import pytest

pytest_plugins = [
    "tests.fixtures.es",
    "tests.fixtures.tor",
    "tests.fixtures.mail",
    "tests.fixtures.forum",
]


@pytest.fixture(scope="session", autouse=True)
def _loopback_only() -> None:
    """The suite runs only where nothing can leave the machine: a network namespace holding only
    loopback (scripts/test.sh does `unshare --net`). Plain `pytest` elsewhere stops here."""
    from vigie_kit.tornet import assert_loopback_only

    assert_loopback_only("the test suite (run it with scripts/test.sh)")

