"""A real HTTP server on 127.0.0.1, in a thread, for the tests' stand-ins (the fixture site, the
host proxy, the tracker page, an impostor service): ``with Stand(...) as stand:`` serves until the
block ends."""

from __future__ import annotations

import sys
import threading
from http.server import ThreadingHTTPServer


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that gave up or a browser closing a connection it no longer needs is expected;
        anything else fails loudly."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError, TimeoutError)):
            super().handle_error(request, client_address)


class Served:
    """``handler`` served on a free port of 127.0.0.1 (``port``) while in a ``with`` block."""

    def __init__(self, handler) -> None:
        self.server = QuietServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_port
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)
