"""Serving the app on waitress, and stopping it gracefully.

waitress is a production WSGI server in pure Python (Linux, macOS and Windows alike): a bounded
pool of threads runs requests while one loop reads and writes the sockets. It has no handling of
SIGTERM of its own, so :func:`serve_forever` adds it: on SIGTERM or SIGINT the service stops
accepting connections, lets the requests already received finish and their answers reach the
client, closes idle keep-alive connections, and returns. Nothing bounds a request's time here:
the analysis bounds its own work (server/analysis.py).
"""

from __future__ import annotations

import signal
import threading
import time
from typing import Callable

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.wasyncore import dispatcher, loop

from .config import SERVE_THREADS
from .evidence import MAX_SCREENSHOT_BYTES

# How long a stop waits for requests in flight before closing anyway: longer than the slowest
# analysis the budget allows (server/analysis.py) with its answer's transfer.
DRAIN_SECONDS = 30.0
LOOP_SECONDS = 0.2  # how often the socket loop looks at the stop flag
RECV_BYTES = 256 * 1024
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _channels(socket_map: dict) -> list[HTTPChannel]:
    return [channel for channel in list(socket_map.values()) if isinstance(channel, HTTPChannel)]


def _busy(channel: HTTPChannel) -> bool:
    """A request received or being received, or an answer not yet sent."""
    return bool(channel.requests or channel.request is not None or channel.total_outbufs_len)


def serve_forever(app: Flask, host: str, port: int, *, threads: int = SERVE_THREADS,
                  ready: threading.Event | None = None, listening: Callable[[], None] | None = None) -> None:
    """Serve ``app`` until SIGTERM or SIGINT, then drain and return. The two signals are then
    blocked in the calling thread: the caller is expected to exit, and a process it started
    afterwards would inherit the block and ignore them.

    :param listening: called once the port is bound, before any request is served: a service
        announces itself only when it really listens (a port in use raises :class:`OSError` first).
    """
    # The largest body any endpoint takes: an evidence screenshot (25 MB) may exceed the
    # request limit; each endpoint checks its own limit again (server/api/requestbody.py).
    limit = max(app.config["MAX_REQUEST_BYTES"], MAX_SCREENSHOT_BYTES)
    server = create_server(
        app, host=host, port=port, threads=threads, ident="emptor",
        # A body over the limit is refused by waitress before it is read whole (its own plain 413;
        # the app's JSON 413 covers bodies up to the limit and gzip that inflates past it).
        max_request_body_size=limit + 1,
        # Request bodies stay in memory: waitress would otherwise spool bodies over 512 KB (every
        # rendered listing) to a temporary file, putting the page on disk and costing time.
        inbuf_overflow=limit + 1,
        # Read a page in a few large pieces instead of 8 KB ones: fewer turns of the socket loop.
        recv_bytes=RECV_BYTES,
        # The socket loop checks the stop flag this often.
        asyncore_loop_timeout=LOOP_SECONDS,
    )
    if listening is not None:
        listening()
    socket_map = server.map if hasattr(server, "map") else server._map
    # A plain flag, not a threading.Event: Event.set takes a lock that is not reentrant, and a
    # second signal arriving while the handler held it ran the handler again inside it and hung the
    # service for ever. Signals do come in pairs: `make run` passes a SIGTERM on to the service,
    # which has had its own from the process group; a second Ctrl-C does the same.
    stop_requested = False

    def stop(_signum, _frame):
        nonlocal stop_requested
        stop_requested = True

    for sig in STOP_SIGNALS:
        signal.signal(sig, stop)
    try:
        if ready is not None:
            ready.set()
        while not stop_requested:
            loop(timeout=LOOP_SECONDS, map=socket_map, count=1)
        _drain(socket_map)
    finally:
        server.task_dispatcher.shutdown(cancel_pending=False, timeout=1)
        for channel in list(socket_map.values()):
            channel.close()
        if "emptor_workers" in app.extensions:
            app.extensions["emptor_workers"].close()
        # Blocked in this thread from here on, not given back their previous handlers: serving is
        # the process's last act (`emptor serve`), and a late signal must neither end it before
        # "stopped." nor raise KeyboardInterrupt. Nor left to `stop`: the interpreter's exit gives
        # every signal with a Python handler its default action back, and changing a handler while
        # signals arrive prints CPython's "ignored due to race condition". A signal another
        # thread takes during the exit may still end the process, after "stopped.". (Windows has
        # no signal masks: there `stop` stays the handler.)
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)


def _drain(socket_map: dict) -> None:
    for listener in [d for d in list(socket_map.values()) if isinstance(d, BaseWSGIServer)]:
        dispatcher.close(listener)  # stop accepting; its wake-up trigger stays for the threads' answers
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline:
        # Read first: bytes a client sent before the stop are a request in flight, not idleness.
        loop(timeout=0, map=socket_map, count=1)
        channels = _channels(socket_map)
        if not channels:
            return
        for channel in channels:
            if not _busy(channel):
                channel.will_close = True  # an idle keep-alive connection: closed on the next turn
        loop(timeout=LOOP_SECONDS, map=socket_map, count=1)
