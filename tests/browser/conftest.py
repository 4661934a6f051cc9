"""The browser tests' set-up: Debian's Chromium with the unpacked extension, the real emptor
service on 127.0.0.1, and the fixture site serving the real saved pages at real-looking
addresses. Without Chromium these tests are skipped locally, with a message saying so; under CI
(EMPTOR_REQUIRE_BROWSER=1, set by .ci/run) a missing Chromium is a failure, never a skip."""

from __future__ import annotations

import os

import pytest

from tests.support.browser import BROWSER_REQUIRED as REQUIRED
from tests.support.browser import BROWSER_SKIP_REASON as SKIP_REASON
from tests.support.browser import extension_browser, find_chromium
from tests.support.constructed import SHELL_FEEDS, SHELLS_REQUESTING_FEEDS
from tests.support.fixture_site import FixtureSite
from tests.support.fixtures import REVIEWS, STORE
from tests.support.live_server import recorded_service

CHROMIUM = find_chromium()


def pytest_collection_modifyitems(config, items):
    if CHROMIUM or REQUIRED:
        return
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


def pytest_runtest_setup(item):
    if not CHROMIUM and REQUIRED and "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
        pytest.fail("Chromium is required (EMPTOR_REQUIRE_BROWSER=1) but was not found", pytrace=False)


@pytest.fixture(scope="session")
def site():
    routes = {
        **{f"/item/{product}.html": page for product, page in SHELLS_REQUESTING_FEEDS.items()},
        # A store page under a product address: the service says not_product.
        "/item/4682001.html": STORE,
    }
    feeds = dict(SHELL_FEEDS)
    with FixtureSite(routes=routes, feeds=feeds) as fixture_site:
        yield fixture_site


@pytest.fixture
def review_feed(site):
    """Serve a real review capture as the review feed of the 2020 page's product, for one test.

    It is another product's capture (no review file shares a product with a page fixture), so
    the reviews do not match the title: the tests check that the extension fetches the feed
    and updates the badge, and the service duly reports the mismatch (REV007)."""
    site.reviews["32993251330"] = REVIEWS / "reviews_1005006717259012_2024-09.json"
    yield site.reviews["32993251330"]
    site.reviews.clear()


@pytest.fixture
def review_feed_answers(site, monkeypatch):
    """Make the review feed answer every request with ``(status, content_type, body)``, for one
    test: a feed that fails (a server error, a robot check's HTML, JSON that holds no reviews).
    Without it, the fixture site answers a product it has no capture for with a real empty feed
    page (no review in it), as AliExpress does."""

    def answer_with(status: int, content_type: str, body: bytes):
        monkeypatch.setattr(site.server.RequestHandlerClass, "_reviews",
                            lambda handler, query: handler._send(status, body, content_type))

    yield answer_with
    monkeypatch.undo()


@pytest.fixture(scope="session")
def service(tmp_path_factory):
    with recorded_service(tmp_path_factory.mktemp("service")) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip(SKIP_REASON)
    with extension_browser(CHROMIUM) as extension:
        yield extension


@pytest.fixture
def emptor(browser, service):
    """The extension pointed at the live service, with a clean error log for each test."""
    browser.configure(service.url, service.secret)
    browser.extension_errors.clear()
    service.recorder.analyze_requests.clear()
    yield browser
    browser.close_pages()
    assert browser.extension_errors == [], "errors from the extension's own scripts"
