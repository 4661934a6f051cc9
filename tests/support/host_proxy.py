"""A local HTTP proxy that does for Firefox what ``--host-resolver-rules`` does for Chromium
(tests/support/browser.py, ``HOST_RULES``): a request to a mapped host goes to 127.0.0.1 on the
port its address names, and a request to any other host fails at once.

Firefox has no resolver rules switch; its proxy prefs (tests/support/firefox.py) send every
request through this proxy instead. Firefox never sends 127.0.0.1 through a proxy
(``network.proxy.allow_hijacking_localhost`` is off by default), so the extension still reaches
the emptor service directly. The same addresses work in both browsers: ``FixtureSite.url`` gives
``http://he.aliexpress.com:PORT/item/….html`` and PORT is the fixture site's.

Mapped hosts are patterns as the resolver rules write them (``*.aliexpress.com`` matches
``he.aliexpress.com``, not ``aliexpress.com``); tests/support/firefox.py takes Chromium's own
(``loopback_patterns``), so the two browsers reach the same hosts. Every request the proxy
is asked for, mapped or not, is kept in ``seen`` (method and absolute address), so such a test
can also tell a request the browser never made from one the proxy refused.
"""

from __future__ import annotations

import fnmatch
import http.client
import select
import socket
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from .served import Served


def loopback_patterns(host_rules: str) -> tuple[str, ...]:
    """The host patterns Chromium's ``--host-resolver-rules`` map to 127.0.0.1
    (``MAP *.aliexpress.com 127.0.0.1``), so that both browsers reach the same hosts."""
    rules = (rule.split() for rule in host_rules.split(","))
    return tuple(rule[1] for rule in rules if len(rule) == 3 and rule[0] == "MAP" and rule[2] == "127.0.0.1")

# Hop-by-hop headers (RFC 9110, section 7.6.1) belong to one connection and are not passed on.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
              "trailer", "transfer-encoding", "upgrade"}


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    patterns: tuple[str, ...] = ()
    seen: list[tuple[str, str]] = []

    def log_message(self, *args):  # keep test output clean
        pass

    def _mapped(self, host: str) -> bool:
        return any(fnmatch.fnmatchcase(host.lower(), pattern) for pattern in self.patterns)

    def _refuse(self, status: int, why: str) -> None:
        body = why.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def _forward(self):
        """An http request, in the absolute form a client sends a proxy: sent on to the mapped
        host's port on 127.0.0.1 with its own Host header, the answer passed back whole."""
        address = urlsplit(self.path)
        self.seen.append((self.command, self.path))
        if address.scheme != "http" or not address.hostname:
            return self._refuse(400, f"not a proxy request: {self.path}")
        if not self._mapped(address.hostname):
            return self._refuse(502, f"{address.hostname} is not mapped to this machine")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}
        upstream = http.client.HTTPConnection("127.0.0.1", address.port or 80, timeout=30)
        try:
            target = address.path or "/"
            upstream.request(self.command, target + (f"?{address.query}" if address.query else ""), body, headers)
            answer = upstream.getresponse()
            content = answer.read()
        except OSError as error:
            return self._refuse(502, f"{address.hostname}:{address.port or 80} on 127.0.0.1: {error}")
        finally:
            upstream.close()
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = _forward

    def do_CONNECT(self):
        """An https request: a tunnel to the mapped host's port on 127.0.0.1 (usually 443, where
        nothing listens, so it fails as the resolver rules' mapping does)."""
        host, _, port = self.path.rpartition(":")
        self.seen.append(("CONNECT", self.path))
        if not self._mapped(host):
            return self._refuse(502, f"{host} is not mapped to this machine")
        try:
            upstream = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
        except (OSError, ValueError) as error:
            return self._refuse(502, f"{self.path} on 127.0.0.1: {error}")
        self.send_response(200, "Connection established")
        self.end_headers()
        sockets = [self.connection, upstream]
        try:
            while True:
                readable, _, broken = select.select(sockets, [], sockets, 30)
                if broken or not readable:
                    break
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is self.connection else self.connection).sendall(data)
        finally:
            upstream.close()
            self.close_connection = True


class HostProxy(Served):
    """``with HostProxy() as proxy:`` proxies on ``proxy.port`` until the block ends."""

    def __init__(self, patterns):
        self.seen: list[tuple[str, str]] = []
        handler = type("Handler", (_ProxyHandler,), {"patterns": tuple(patterns), "seen": self.seen})
        super().__init__(handler)
