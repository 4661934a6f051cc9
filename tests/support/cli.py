"""The `emptor` command as a real process, with its data directory in a test's own folder."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

EMPTOR = str(Path(sys.executable).with_name("emptor"))


def run_emptor(*args, env_extra=None, tmp_path=None, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "EMPTOR_DATA_DIR": str(tmp_path), **(env_extra or {})}
    env.pop("EMPTOR_DATABASE", None)
    return subprocess.run([EMPTOR, *args], capture_output=True, text=True, env=env, timeout=60, **kwargs)


@dataclass
class Served:
    process: subprocess.Popen
    url: str
    stderr: str = ""  # what the service printed, once it has stopped


@contextlib.contextmanager
def serving(command: list[str], *, host: str = "127.0.0.1", env: dict | None = None, cwd=None, start_timeout: float = 30):
    """Run ``command --host HOST --port PORT`` (an ``emptor serve``) on a free port until the block
    ends, then stop it with SIGTERM; yields a :class:`Served` once its health endpoint answers."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([*command, "--host", host, "--port", str(port)], env=env, cwd=cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://{host}:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                httpx.get(f"{base}/api/v1/health", timeout=1)
                break
            except httpx.HTTPError:
                if process.poll() is not None:
                    raise AssertionError(f"{command} exited: {process.stderr.read()[-2000:]}") from None
                assert time.monotonic() < deadline, f"{command} did not start within {start_timeout} s"
                time.sleep(0.1)
        served = Served(process, base)
        yield served
    finally:
        process.terminate()
        try:
            # Longer than the stop's bounded drain (server/serve.py, DRAIN_SECONDS: 30 s).
            _, stderr = process.communicate(timeout=45)
        except subprocess.TimeoutExpired:
            process.kill()  # not left running after the test
            _, stderr = process.communicate(timeout=10)
            # Chained, not `from None`: a failure of the test itself stays in the report.
            raise AssertionError(f"{command} had not stopped 45 s after SIGTERM; it printed: {stderr[-2000:]}")
        if "served" in locals():
            served.stderr = stderr
