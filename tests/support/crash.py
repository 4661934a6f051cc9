"""Killing the real `emptor serve` in the middle of traffic, for the crash-safety tests."""

from __future__ import annotations

import signal
import ssl
import threading
import time
from typing import Callable

import httpx

from .cli import EMPTOR, serving
from .pairing import PairedAuth

# The service is plain HTTP; httpx builds a TLS context for every client all the same, and loading
# the certificate store for every client of every round took seconds. One context serves them all.
TLS = ssl.create_default_context()


def kill_during_traffic(env: dict, secret: str, runners: list[Callable[[httpx.Client], None]],
                        started: threading.Event, killing: threading.Event, delay: float) -> None:
    """Start the service, run each runner in its own thread with its own paired client, wait for
    ``started`` (the round's first acknowledged write: a loaded machine is slow to start), let
    ``delay`` seconds pass (the random moment is the experiment), then SIGKILL the service: no
    drain, no checkpoint, no close. Every client must notice the service is gone."""
    killing.clear()
    started.clear()
    with serving([EMPTOR, "serve"], env=env) as served:
        clients, threads = [], []
        try:
            for runner in runners:
                clients.append(httpx.Client(base_url=served.url, auth=PairedAuth(secret), timeout=30, verify=TLS))
                threads.append(threading.Thread(target=runner, args=(clients[-1],), daemon=True))
                threads[-1].start()
            assert started.wait(60), "no write was acknowledged within 60 s of the service starting"
            time.sleep(delay)
        finally:
            killing.set()
            served.process.kill()
            served.process.wait(timeout=10)
            for thread in threads:
                thread.join(timeout=30)
            for client in clients:
                client.close()
        assert not any(thread.is_alive() for thread in threads), "a client did not notice the service was gone"
        assert served.process.returncode == -signal.SIGKILL
