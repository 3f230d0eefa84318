"""The fixture library lives in tests/fixtures/; this file only loads it."""

pytest_plugins = [
    "tests.fixtures.app",
    "tests.fixtures.factories",
    "tests.fixtures.browser",
]
