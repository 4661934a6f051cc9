"""`emptor serve` and `make run` on a port (issue 9): a taken port is said as such, without first
announcing a service that never listened; `make run PORT=…` serves on that port. Real sockets,
real processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

import httpx
import pytest

from tests.support.cli import EMPTOR, run_emptor, serving
from tests.support.fixtures import ROOT

ANNOUNCEMENT = "(database "  # "emptor 0.1.0 on http://127.0.0.1:8765 (database …); `emptor pair` prints …"


def _env(tmp_path) -> dict:
    env = {**os.environ, "EMPTOR_DATA_DIR": str(tmp_path)}
    env.pop("EMPTOR_DATABASE", None)
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_port_another_program_holds_is_said_without_claiming_to_run(tmp_path):
    with socket.socket() as holder:  # a plain listening socket: not an HTTP server, not emptor
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run_emptor("serve", "--port", str(port), tmp_path=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ANNOUNCEMENT not in result.stderr
    (line,) = result.stderr.splitlines()
    assert line == (f"emptor: port {port} on 127.0.0.1 is in use by another program; start this one on another "
                    f"port (emptor serve --port {port + 1}, or make run PORT={port + 1}).")


def test_a_port_another_emptor_holds_names_it(tmp_path):
    with serving([EMPTOR, "serve"], env=_env(tmp_path / "first")) as first:
        port = int(first.url.rsplit(":", 1)[1])
        result = run_emptor("serve", "--port", str(port), tmp_path=tmp_path / "second")
    assert result.returncode == 1 and ANNOUNCEMENT not in result.stderr
    assert result.stderr.startswith(f"emptor: emptor {_version()} is already running on http://127.0.0.1:{port}; use it, or ")


def test_a_free_port_is_announced_once_listening(tmp_path):
    """Control: the announcement comes, once the port is bound."""
    with serving([EMPTOR, "serve"], env=_env(tmp_path)) as served:
        assert httpx.get(f"{served.url}/api/v1/health", timeout=5).json()["ok"] is True
    assert f"emptor {_version()} on {served.url} {ANNOUNCEMENT}" in served.stderr
    assert "in use" not in served.stderr


def test_an_address_that_is_not_this_machines_is_said(tmp_path):
    result = run_emptor("serve", "--host", "192.0.2.1", "--port", str(_free_port()), tmp_path=tmp_path)  # TEST-NET-1
    assert result.returncode == 1 and ANNOUNCEMENT not in result.stderr and "exposes" not in result.stderr
    assert "192.0.2.1 is not an address of this machine" in result.stderr


def _version() -> str:
    from server import config

    return config.version()


# --- make run PORT=… ------------------------------------------------------------------------------


def _top_level(env: dict | None) -> dict:
    """``env`` as a shell's, not as `make test`'s: a make run inside make inherits MAKELEVEL and
    MAKEFLAGS and prints "make[1]: Entering directory" lines around its commands."""
    return {k: v for k, v in (os.environ if env is None else env).items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}


def _make(*args, env=None) -> str:
    """The commands `make run` would run (make -n), the install step taken as done (-o)."""
    result = subprocess.run(["make", "-n", "-o", ".venv/.installed-stamp", "run", *args], cwd=ROOT, env=_top_level(env),
                            capture_output=True, text=True, timeout=60, check=True)
    return result.stdout.strip().splitlines()[-1]


def test_make_run_takes_a_port_on_its_command_line():
    assert _make("PORT=8766") == ".venv/bin/emptor serve --port 8766"


def test_make_run_without_a_port_leaves_the_default_to_emptor():
    """Control: no --port, so `emptor serve`'s own default (server/config.py) applies; and a PORT
    other tools set in the environment is not taken for emptor's."""
    assert _make() == ".venv/bin/emptor serve"
    assert _make(env={**os.environ, "PORT": "3000"}) == ".venv/bin/emptor serve"


def test_make_run_serves_on_the_port_given(tmp_path):
    port = _free_port()
    process = subprocess.Popen(["make", "-o", ".venv/.installed-stamp", "run", f"PORT={port}"], cwd=ROOT,
                               env=_top_level(_env(tmp_path)), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)  # its own group: make and the emptor it starts stop together
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
                break
            except httpx.HTTPError:
                if process.poll() is not None:
                    pytest.fail(f"make run exited: {process.stderr.read()[-2000:]}")
                assert time.monotonic() < deadline, "make run did not serve within 30 s"
                time.sleep(0.1)
        assert health.json()["service"] == "emptor"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            # Seen once in a full run and never reproduced: say what the service had printed
            # ("emptor: stopped." or not) instead of leaving the processes behind.
            os.killpg(process.pid, signal.SIGKILL)
            _, said = process.communicate(timeout=10)
            pytest.fail(f"make run had not stopped 30 s after SIGTERM; it printed: {said[-2000:]}")
