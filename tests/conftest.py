"""Shared pytest setup. Fixtures for real servers live in tests/fixtures/*.py, one module per
area, so that each area's fixtures can be reused by end-to-end tests."""

pytest_plugins = [
    "tests.fixtures.es",
    "tests.fixtures.tor",
    "tests.fixtures.mail",
    "tests.fixtures.forum",
]
