"""Shared fixtures: real SQLite files, the real Flask app (in-process and on 127.0.0.1), and a
local HTTP server standing in for AliExpress, serving the real captured pages."""

from __future__ import annotations

import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.serving import make_server

from server import create_app

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = FIXTURES / "pages"
REVIEWS = FIXTURES / "reviews"

F2020 = PAGES / "ali_32993251330_he_runParams_2020-07.html"
F2212 = PAGES / "ali_3256803382674519_desktop_runParams_2022-12.html"
F2209 = PAGES / "ali_3256803246120444_initdata-newDetail_2022-09.json"
SHELL = PAGES / "ali_1005006180026951_desktop_es_CSRshell_2024-08.html"
NOT_FOUND = PAGES / "ali_1005008204179129_desktop_de_NOTFOUND_DCData_2025-10.html"
PUNISH = PAGES / "ali_1005008204179129_PUNISH_captcha_2025-07.html"
STORE = PAGES / "ali_store_4682001_desktop_2024-02.html"
EBAY = FIXTURES / "other" / "itm_298293090902_2026-07-09.html"

# The address each saved page was served at (from its own canonical/og:url/punish iframe).
PAGE_URLS = {
    F2020.name: "https://he.aliexpress.com/item/32993251330.html",
    F2212.name: "https://www.aliexpress.us/item/3256803382674519.html",
    F2209.name: "https://www.aliexpress.us/item/3256803246120444.html",
    SHELL.name: "https://es.aliexpress.com/item/1005006180026951.html",
    NOT_FOUND.name: "https://de.aliexpress.com/item/1005008204179129.html",
    PUNISH.name: "https://www.aliexpress.com/item/1005008204179129.html",
    STORE.name: "https://yufanmodel.aliexpress.com/store/4682001",
}


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def live_review_page(path: Path, page: int = 1, page_size: int = 20) -> dict:
    """Wrap a review capture in the live feed's envelope (fixtures/reviews/README.md)."""
    capture = json.loads(read_text(path))
    items = capture["reviews"]
    chunk = items[(page - 1) * page_size : page * page_size]
    total_pages = max(1, -(-len(items) // page_size))
    return {
        "data": {
            "evaViewList": chunk,
            "productEvaluationStatistic": capture["evaluation_stats"],
            "totalNum": capture["evaluation_stats"]["totalNum"],
            "totalPage": total_pages,
        }
    }


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "emptor-test.db"


@pytest.fixture
def app(db_path):
    return create_app({"TESTING": True, "DATABASE": db_path, "DEBUG_RULES": True})


@pytest.fixture
def client(app):
    return app.test_client()


class LiveServer:
    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@pytest.fixture
def live_service(app):
    """The real Flask app served over HTTP on 127.0.0.1 (werkzeug's threaded server)."""
    with LiveServer(app) as server:
        yield server


class FakeMarketplaceHandler(BaseHTTPRequestHandler):
    """Serves the real captured pages at AliExpress-shaped paths (a real HTTP server, not a mock).

    Routes: ``/item/<id>.html`` → the saved page for that id; ``/pc/searchEvaluation.do`` → the
    review capture for ``productId`` in the live envelope; plus a few misbehaving routes.
    """

    routes: dict[str, Path] = {}
    reviews: dict[str, Path] = {}

    def log_message(self, *args):  # keep test output clean
        pass

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        host = (self.headers.get("Host") or "").split(":")[0]
        if parts.path == "/pc/searchEvaluation.do":
            capture = self.reviews.get(query.get("productId", [""])[0])
            if capture is None:
                return self._send(200, b'{"data": {"evaViewList": [], "totalNum": 0, "totalPage": 0}}', "application/json")
            page = int(query.get("page", ["1"])[0])
            size = int(query.get("pageSize", ["20"])[0])
            body = json.dumps(live_review_page(capture, page, size)).encode()
            return self._send(200, body, "application/json;charset=UTF-8")
        if parts.path == "/redirect-off-site":
            return self._send(302, b"", headers={"Location": "https://evil.example/item/1.html"})
        if parts.path == "/item/302.html":
            return self._send(302, b"", headers={"Location": "/item/32993251330.html"})
        if parts.path == "/item/punished.html":
            return self._send(302, b"", headers={"Location": f"https://{host}/item/1005008204179129.html/_____tmd_____/punish?x5secdata=abc"})
        if "/_____tmd_____/punish" in parts.path:
            return self._send(200, PUNISH.read_bytes())
        if parts.path == "/item/9999999999.html":
            return self._send(200, b"<html>" + b"x" * (9 * 1024 * 1024) + b"</html>")
        if parts.path == "/item/8888888888.html":
            time.sleep(3)
            return self._send(200, b"<html></html>")
        if parts.path == "/item/5030000000.html":
            return self._send(503, b"busy")
        path = self.routes.get(parts.path)
        if path is None:
            return self._send(404, b"<html><body>no such page</body></html>")
        body = path.read_bytes()
        if "gzip" in (self.headers.get("Accept-Encoding") or ""):
            return self._send(200, gzip.compress(body), headers={"Content-Encoding": "gzip"})
        return self._send(200, body)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that gave up (the timeout test) is expected; anything else fails loudly."""
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@pytest.fixture
def marketplace_server():
    """A local stand-in for AliExpress serving real fixture files, and the host map pointing at it."""
    FakeMarketplaceHandler.routes = {
        "/item/32993251330.html": F2020,
        "/item/3256803382674519.html": F2212,
        "/item/1005006180026951.html": SHELL,
        "/item/1005008204179129.html": NOT_FOUND,
        "/store/4682001": STORE,
    }
    FakeMarketplaceHandler.reviews = {
        "32993251330": REVIEWS / "reviews_1005006717259012_2024-09.json",
    }
    server = QuietServer(("127.0.0.1", 0), FakeMarketplaceHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    hosts = ["www.aliexpress.com", "he.aliexpress.com", "www.aliexpress.us", "es.aliexpress.com",
             "de.aliexpress.com", "feedback.aliexpress.com", "yufanmodel.aliexpress.com"]
    try:
        yield {host: base for host in hosts}
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
