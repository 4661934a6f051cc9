"""Shared fixtures: real SQLite files, the real Flask app (in-process and on 127.0.0.1), and a
local HTTP server standing in for AliExpress, serving the real captured pages."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from server import create_app
from tests.support.fixture_site import FixtureSite
from tests.support.fixtures import REVIEWS
from tests.support.live_server import LiveServer
from tests.support.pairing import TEST_SECRET, SignedClient


def pytest_configure(config):
    # No test may read or write the shopper's own emptor directory (its database, its pairing
    # secret): anything that does not name a directory gets a throwaway one.
    os.environ["EMPTOR_DATA_DIR"] = tempfile.mkdtemp(prefix="emptor-tests-")
    os.environ.pop("EMPTOR_DATABASE", None)
    os.environ.pop("EMPTOR_TOKEN", None)


def pytest_report_header(config):
    from tests.support.browser import BROWSER_REQUIRED, BROWSER_SKIP_REASON, find_chromium

    chromium = find_chromium()
    if chromium:
        return f"browser tests: {chromium}"
    return BROWSER_SKIP_REASON + (" (EMPTOR_REQUIRE_BROWSER=1: they FAIL instead)" if BROWSER_REQUIRED else "")


def pytest_terminal_summary(terminalreporter):
    from tests.support.browser import BROWSER_REQUIRED, BROWSER_SKIP_REASON, find_chromium

    if not find_chromium() and not BROWSER_REQUIRED:
        terminalreporter.write_line(BROWSER_SKIP_REASON, yellow=True, bold=True)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "emptor-test.db"


@pytest.fixture
def app(db_path):
    app = create_app({"TESTING": True, "DATABASE": db_path, "DATA_DIR": db_path.parent, "TOKEN": TEST_SECRET,
                      "DEBUG_RULES": True, "PROPAGATE_UNEXPECTED": True})
    app.test_client_class = SignedClient
    return app


@pytest.fixture
def client(app):
    """A paired client: every request signed, every answer's signature checked (tests/support/pairing.py)."""
    return app.test_client()


@pytest.fixture
def live_service(app):
    """The real Flask app served over HTTP on 127.0.0.1 (werkzeug's threaded server)."""
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def marketplace_server():
    """A local stand-in for AliExpress serving real fixture files; yields the host map to it.

    The review feed it serves for 32993251330 is another product's real capture (no review file
    shares a product with a page fixture): tests using it check fetching, not review content.
    """
    with FixtureSite(reviews={"32993251330": REVIEWS / "reviews_1005006717259012_2024-09.json"}) as site:
        yield site.host_map
