"""A local stand-in for AliExpress that answers slowly, or never, for the fetch deadline tests.

A real HTTP server on 127.0.0.1 (no mocks); ``host_map`` points www.aliexpress.com at it. The
server side waits to simulate slowness; every wait ends as soon as the client hangs up (recorded
in ``hung_up``, which the tests wait for) or the site closes, so no handler outlives its test.

Routes, with their query parameters:

- ``/page``: a small page.
- ``/chain?hops=N&delay=S``: waits S seconds, then redirects to the chain with one hop fewer;
  with no hops left, to ``/page``.
- ``/redirect?to=URL``: redirects to URL.
- ``/trickle-body?bytes=N&interval=S``: headers at once, then the N-byte body one byte every S seconds.
- ``/stall-body?delay=S``: waits S seconds, sends headers and the start of the body, then nothing.
- ``/no-headers``: reads the request and never answers.
- ``/trickle-headers?interval=S``: sends the status line, then one byte of a header every S
  seconds, never finishing the headers.
"""

from __future__ import annotations

import select
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

PAGE = b"<html><body>the end of the road</body></html>"
# However a client behaves, a misbehaving route gives up after this long, so that a fetch that
# ignores its deadline fails its test instead of hanging the run.
LONGEST_MISBEHAVIOUR_SECONDS = 20.0


class _SlowHandler(BaseHTTPRequestHandler):
    released: threading.Event  # set when the site closes
    hung_up: threading.Event  # set when a client dropped a connection before the answer was complete

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        parts = urlsplit(self.path)
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        route = self.ROUTES.get(parts.path)
        try:
            if route is None:
                self._answer(404, b"no such page")
            else:
                route(self, query)
        except (BrokenPipeError, ConnectionResetError):
            self.hung_up.set()

    def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _pause(self, seconds: float) -> bool:
        """Wait ``seconds``; False, at once, if the client hangs up or the site closes meanwhile."""
        until = time.monotonic() + seconds
        while (left := until - time.monotonic()) > 0:
            if self.released.is_set():
                return False
            # A short slice, so that closing the site is noticed too.
            readable, _, _ = select.select([self.connection], [], [], min(left, 0.1))
            if readable and not self.connection.recv(1, socket.MSG_PEEK):
                self.hung_up.set()
                return False
        return not self.released.is_set()

    def _page(self, query: dict) -> None:
        self._answer(200, PAGE)

    def _chain(self, query: dict) -> None:
        hops, delay = int(query["hops"]), float(query.get("delay", 0))
        if not self._pause(delay):
            return
        target = f"/chain?{urlencode({'hops': hops - 1, 'delay': delay})}" if hops > 1 else "/page"
        self._answer(302, b"", {"Location": target})

    def _redirect(self, query: dict) -> None:
        self._answer(302, b"", {"Location": query["to"]})

    def _trickle_body(self, query: dict) -> None:
        size, interval = int(query["bytes"]), float(query["interval"])
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        started = time.monotonic()
        for sent in range(size):
            # No pause after the last byte: a client done reading may hang up, and that is no drop.
            if sent and (time.monotonic() - started > LONGEST_MISBEHAVIOUR_SECONDS or not self._pause(interval)):
                return
            self.wfile.write(b"x")

    def _stall_body(self, query: dict) -> None:
        if not self._pause(float(query["delay"])):
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.write(b"<html><body>")
        self._pause(LONGEST_MISBEHAVIOUR_SECONDS)

    def _no_headers(self, query: dict) -> None:
        self._pause(LONGEST_MISBEHAVIOUR_SECONDS)

    def _trickle_headers(self, query: dict) -> None:
        interval = float(query["interval"])
        self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        started = time.monotonic()
        while time.monotonic() - started < LONGEST_MISBEHAVIOUR_SECONDS:
            self.wfile.write(b"x")
            if not self._pause(interval):
                return

    ROUTES = {
        "/page": _page,
        "/chain": _chain,
        "/redirect": _redirect,
        "/trickle-body": _trickle_body,
        "/stall-body": _stall_body,
        "/no-headers": _no_headers,
        "/trickle-headers": _trickle_headers,
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class SlowSite:
    """Start the server in a thread; ``host_map`` points www.aliexpress.com at it."""

    def __init__(self):
        handler = type("Handler", (_SlowHandler,), {"released": threading.Event(), "hung_up": threading.Event()})
        self.server = _Server(("127.0.0.1", 0), handler)
        self.hung_up = handler.hung_up
        self._released = handler.released
        self.host_map = {"www.aliexpress.com": f"http://127.0.0.1:{self.server.server_port}"}
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> "SlowSite":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._released.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)
