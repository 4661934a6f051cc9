"""A local stand-in for AliExpress that serves the real captured pages (a real HTTP server).

Used by the tests (fetching, the CLI, the browser extension), `make screenshots` and the
extension benchmark. Pages are served at the paths AliExpress uses, so with a host map (httpx)
or ``--host-resolver-rules`` (Chromium) they load at real-looking addresses such as
``http://he.aliexpress.com:PORT/item/32993251330.html``. Every route returns a real fixture file,
except the few misbehaving routes the fetch tests need and the labelled constructed pages.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .fixtures import F2020, F2212, NOT_FOUND, PUNISH, SHELL, STORE, live_review_page
from .served import Served

HOSTS = ("www.aliexpress.com", "he.aliexpress.com", "www.aliexpress.us", "es.aliexpress.com", "de.aliexpress.com",
         "feedback.aliexpress.com", "yufanmodel.aliexpress.com", "acs.aliexpress.com")


class FixtureHandler(BaseHTTPRequestHandler):
    """Routes: ``routes`` maps a path to a saved page (or a callable returning bytes, or a
    ``(body, content type)`` pair);
    ``/pc/searchEvaluation.do`` answers with the review capture registered for ``productId``."""

    routes: dict[str, object] = {}
    reviews: dict[str, Path] = {}
    feeds: dict[str, str] = {}  # mtop feed path -> raw response text (constructed, labelled by the caller)

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

    def _feed(self, text: str, query: dict):
        """A product feed answers only for the product it describes (the saved 2024 shell's own
        prefetch script asks for its product too, at the first feed path, naming it inside the
        mtop ``data`` parameter), and, as a JSONP endpoint does, calls the callback the request
        names."""
        described = re.search(r'"productId": "(\d+)"', text)
        asked = " ".join(value for values in query.values() for value in values)
        if described and described.group(1) not in asked:
            return self._send(404, b'{"ret": ["FAIL_BIZ_NOT_FOUND"]}', "application/json")
        callback = query.get("callback", [""])[0]
        if callback and re.fullmatch(r"[\w$]+", callback):
            text = re.sub(r"^[\w$]+\(", callback + "(", text)
        return self._send(200, text.encode(), "application/json;charset=UTF-8")

    def _reviews(self, query: dict):
        capture = self.reviews.get(query.get("productId", [""])[0])
        if capture is None:
            return self._send(200, b'{"data": {"evaViewList": [], "totalNum": 0, "totalPage": 0}}', "application/json")
        page = int(query.get("page", ["1"])[0])
        size = int(query.get("pageSize", ["20"])[0])
        return self._send(200, json.dumps(live_review_page(capture, page, size)).encode(), "application/json;charset=UTF-8")

    def _slowly(self):
        time.sleep(3)  # longer than the fetch tests' 1 s timeout: the client gives up first
        return self._send(200, b"<html></html>")

    # The routes the fetch tests need, which misbehave as real servers do.
    MISBEHAVING = {
        "/redirect-off-site": lambda self: self._send(302, b"", headers={"Location": "https://evil.example/item/1.html"}),
        "/item/302.html": lambda self: self._send(302, b"", headers={"Location": "/item/32993251330.html"}),
        # AliExpress sends a robot check to the same host; relative, so it works on any port.
        "/item/punished.html": lambda self: self._send(
            302, b"", headers={"Location": "/item/1005008204179129.html/_____tmd_____/punish?x5secdata=abc"}
        ),
        "/item/9999999999.html": lambda self: self._send(200, b"<html>" + b"x" * (9 * 1024 * 1024) + b"</html>"),
        "/item/8888888888.html": _slowly,
        "/item/5030000000.html": lambda self: self._send(503, b"busy"),
    }

    def do_GET(self):
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if parts.path == "/pc/searchEvaluation.do":
            return self._reviews(query)
        for feed_path, text in self.feeds.items():
            if parts.path.startswith(feed_path):
                return self._feed(text, query)
        if parts.path in self.MISBEHAVING:
            return self.MISBEHAVING[parts.path](self)
        if "/_____tmd_____/punish" in parts.path:
            return self._send(200, PUNISH.read_bytes())
        route = self.routes.get(parts.path)
        if route is None:
            return self._send(404, b"<html><body>no such page</body></html>")
        if isinstance(route, tuple):  # (body, content type): a feed answer a test serves
            return self._send(200, route[0], route[1])
        body = route() if callable(route) else Path(route).read_bytes()
        if "gzip" in (self.headers.get("Accept-Encoding") or ""):
            return self._send(200, gzip.compress(body), headers={"Content-Encoding": "gzip"})
        return self._send(200, body)


DEFAULT_ROUTES = {
    "/item/32993251330.html": F2020,
    "/item/3256803382674519.html": F2212,
    "/item/1005006180026951.html": SHELL,
    "/item/1005008204179129.html": NOT_FOUND,
    "/store/4682001": STORE,
}


class FixtureSite(Served):
    """Start the server in a thread; ``host_map`` points every AliExpress host at it."""

    def __init__(self, routes=None, reviews=None, feeds=None):
        handler = type("Handler", (FixtureHandler,), {
            "routes": {**DEFAULT_ROUTES, **(routes or {})},
            "reviews": dict(reviews or {}),
            "feeds": dict(feeds or {}),
        })
        super().__init__(handler)
        # Live mappings: a test may serve a review feed or a feed response for its own duration.
        self.reviews = handler.reviews
        self.feeds = handler.feeds
        self.routes = handler.routes  # a test may serve a page of its own (constructed, labelled)
        self.base = f"http://127.0.0.1:{self.port}"
        self.host_map = {host: self.base for host in HOSTS}

    def url(self, host: str, path: str) -> str:
        """A real-looking address on this server (for a browser using --host-resolver-rules)."""
        return f"http://{host}:{self.port}{path}"

