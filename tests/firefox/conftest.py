"""The Firefox tests' set-up: Debian's Firefox ESR with the unpacked extension (driven over
WebDriver BiDi: tests/support/firefox.py), the real emptor service on 127.0.0.1, and the fixture
site serving the real saved pages at the same real-looking addresses as in Chromium. Without
Firefox (or node's puppeteer-core) these tests are skipped locally, with a message saying so; under
CI (EMPTOR_REQUIRE_BROWSER=1, set by .ci/run) a missing Firefox is a failure, never a skip.

One Firefox serves the whole session: its launch and the extension's install take 4.5-10 s of
the run (docs/extension.md, "Tests")."""

from __future__ import annotations

import os

import pytest

from tests.support.browser import BROWSER_REQUIRED as REQUIRED
from tests.support.firefox import FIREFOX_SKIP_REASON as SKIP_REASON
from tests.support.firefox import find_firefox, firefox_extension
from tests.support.fixture_site import FixtureSite
from tests.support.live_server import recorded_service

FIREFOX = find_firefox()


def _is_firefox_test(item) -> bool:
    return "tests/firefox/" in str(item.fspath).replace(os.sep, "/")


def pytest_collection_modifyitems(config, items):
    if FIREFOX or REQUIRED:
        return
    for item in items:
        if _is_firefox_test(item):
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


def pytest_runtest_setup(item):
    if not FIREFOX and REQUIRED and _is_firefox_test(item):
        pytest.fail("Firefox is required (EMPTOR_REQUIRE_BROWSER=1) but it or puppeteer-core was not found", pytrace=False)


def pytest_terminal_summary(terminalreporter):
    if not FIREFOX and not REQUIRED:
        terminalreporter.write_line(SKIP_REASON, yellow=True, bold=True)


@pytest.fixture(scope="session")
def site():
    with FixtureSite() as fixture_site:
        yield fixture_site


@pytest.fixture(scope="session")
def service(tmp_path_factory):
    with recorded_service(tmp_path_factory.mktemp("firefox-service")) as server:
        yield server


@pytest.fixture(scope="session")
def firefox():
    if not FIREFOX:
        pytest.skip(SKIP_REASON)
    with firefox_extension(FIREFOX) as extension:
        yield extension


@pytest.fixture
def emptor(firefox, service):
    """The extension pointed at the live service, with a clean error log for each test."""
    firefox.configure(service.url, service.secret)
    firefox.extension_errors(clear=True)
    service.recorder.analyze_requests.clear()
    yield firefox
    firefox.close_pages()
    assert firefox.extension_errors() == [], "uncaught errors in the extension's own scripts"
