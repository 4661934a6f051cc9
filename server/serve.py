"""Serving the app: one process with threads, or several pre-forked worker processes.

Werkzeug's server is enough for one shopper's browser. ``--workers N`` (POSIX) forks N
processes that accept on one shared listening socket, so CPU-bound analyses of large pages run
in parallel instead of queueing behind the GIL (docs/performance.md measures both).
"""

from __future__ import annotations

import os
import signal
import socket

from flask import Flask
from werkzeug.serving import make_server


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve_forever(app: Flask, host: str, port: int, workers: int = 1) -> None:
    if workers <= 1 or not hasattr(os, "fork"):
        make_server(host, port, app, threaded=True).serve_forever()
        return
    sock = _listening_socket(host, port)
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # worker: serve on the shared socket until told to stop
            signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
            try:
                make_server(host, port, app, threaded=True, fd=sock.fileno()).serve_forever()
            finally:
                os._exit(0)
        children.append(pid)

    def stop(*_):
        for child in children:
            try:
                os.kill(child, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, lambda *_: (stop(), os._exit(0)))
    try:
        for _ in children:
            os.wait()
    except KeyboardInterrupt:
        stop()
    finally:
        sock.close()
