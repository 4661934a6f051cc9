"""The emptor command, run as a real process: reports, exit codes, history."""

from __future__ import annotations

import json
import os
import subprocess

import jsonschema
import pytest

from tests.support.cli import EMPTOR, run_emptor, serving
from tests.support.fixtures import EBAY, F2020, F2212, PAGE_URLS, PAGES, PUNISH, REVIEWS, live_review_page, read_text
from tests.support.pairing import TEST_SECRET, PairedAuth, answer_signature, authorization
from tests.support.reports import GOLDEN, VALIDATOR

run = run_emptor


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_scan_every_page_fixture_as_json(tmp_path, name):
    result = run("scan", str(PAGES / name), "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    VALIDATOR.validate(report)
    assert report["page"]["status"] == GOLDEN[name]["status"]
    assert report["verdict"]["level"] == GOLDEN[name]["level"]
    assert [f["code"] for f in report["findings"]] == GOLDEN[name]["findings"]


def test_scan_prints_a_readable_report_without_colours_when_piped(tmp_path):
    result = run("scan", str(F2020), tmp_path=tmp_path)
    assert result.returncode == 0
    assert "Verdict: HIGH risk, score 72" in result.stdout
    assert "CNT001" in result.stdout and "\x1b[" not in result.stdout
    assert "Reasons to trust" in result.stdout


def test_scan_with_reviews(tmp_path):
    review_file = tmp_path / "feed-page-1.json"
    review_file.write_text(json.dumps(live_review_page(REVIEWS / "reviews_1005006717259012_2024-09.json")))
    result = run(
        "scan",
        str(F2212),
        "--reviews",
        str(review_file),
        "--reviews",
        str(REVIEWS / "reviews_1005006717259012_2025-10b.json"),
        "--json",
        tmp_path=tmp_path,
    )
    report = json.loads(result.stdout)
    assert report["reviews"]["pages"] == 2
    # The first 20 of the 2024-09 capture plus the 60 items of 2025-10b, which hold only 46
    # distinct review ids (the capture repeats some); the two captures share none.
    assert (report["reviews"]["received"], report["reviews"]["duplicates_dropped"]) == (66, 14)


def test_record_then_history_dated_by_the_service_clock(tmp_path, marketplace_server):
    """A page fetched now is recorded at the service's clock, not at the time the page carries."""
    import datetime as dt

    host_map = ",".join(f"{host}={target}" for host, target in marketplace_server.items())
    address = "https://www.aliexpress.us/item/3256803382674519.html"
    env = {"EMPTOR_TEST_HOST_MAP": host_map}
    assert run("scan", address, env_extra=env, tmp_path=tmp_path).returncode == 0
    assert not (tmp_path / "emptor.db").exists()  # scanning without --record stores nothing
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    assert run("scan", address, "--record", env_extra=env, tmp_path=tmp_path).returncode == 0
    history = json.loads(run("history", "3256803382674519", "--json", tmp_path=tmp_path).stdout)
    assert history["product_id"] == "1005003568989271"
    (observed,) = {row["observed_at"] for row in history["series"]}
    assert before <= dt.datetime.fromisoformat(observed) <= dt.datetime.now(dt.timezone.utc)
    table = run("history", "1005003568989271", tmp_path=tmp_path)
    assert table.returncode == 0 and "(listing)" in table.stdout and "1.73 USD" in table.stdout


def test_a_saved_page_is_never_recorded(tmp_path):
    result = run("scan", str(F2212), "--record", tmp_path=tmp_path)
    assert result.returncode == 2 and "never a saved page" in result.stderr
    assert not (tmp_path / "emptor.db").exists()
    report = json.loads(run("scan", str(F2212), "--json", tmp_path=tmp_path).stdout)
    assert report["page"]["capture"] == "saved" and report["verdict"]["judged_at"] == "2022-12-20T18:36:11Z"


def test_scan_a_saved_jsonp_feed(tmp_path):
    """A generation D feed saved as the raw JSONP the page received (constructed, tests/constructed.py)."""
    from tests.support.constructed import gen_d_pdp_jsonp

    capture = tmp_path / "pdp-feed.txt"
    capture.write_text(gen_d_pdp_jsonp(), encoding="utf-8")
    result = run("scan", str(capture), "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["page"]["generation"], report["listing"]["product_id"]) == ("D", "1005006717259012")


def test_blocked_page_is_exit_0(tmp_path):
    result = run("scan", str(PUNISH), "--json", tmp_path=tmp_path)
    assert result.returncode == 0
    assert json.loads(result.stdout)["page"]["status"] == "blocked"
    readable = run("scan", str(PUNISH), tmp_path=tmp_path)
    assert "AliExpress showed a robot check instead of the listing, so emptor could not read it." in readable.stdout


@pytest.mark.parametrize(
    "make_input, fragment",
    [
        (lambda d: str(d / "missing.html"), "cannot read"),
        (lambda d: _write(d / "x.bin", b"\x89PNG\x00\x00binary"), "binary"),
        (lambda d: _write(d / "x.json", b'{"data": {"titleModule": {"sub'), "is cut off: it ends in the middle of its JSON"),
        (lambda d: _write(d / "x.json", b'{"data": {"titleModule": {"subject": x}}}'), "not valid JSON"),
        (lambda d: _write(d / "x.json", b'{"hello": "world"}'), "not a product feed"),
        (lambda d: _write(d / "x.html", b"plain words, no markup at all"), "not HTML"),
        (lambda d: str(EBAY), "not a supported marketplace"),
        (lambda d: _write(d / "big.html", b"<html>" + b"a" * (17 * 1024 * 1024)), "limit is 16 MB"),
        (lambda d: "https://www.amazon.com/dp/B0C1", "not a supported marketplace"),
        (lambda d: "http://www.aliexpress.com/item/1.html", "not an https address"),
    ],
    ids=[
        "missing",
        "binary",
        "truncated-json",
        "invalid-json",
        "unknown-json",
        "not-html",
        "other-site-page",
        "too-large",
        "other-site-url",
        "plain-http",
    ],
)
def test_unreadable_or_unsupported_input_is_exit_1_with_one_line(tmp_path, make_input, fragment):
    result = run("scan", make_input(tmp_path), tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("emptor: ") and fragment in lines[0], result.stderr


def _write(path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_a_review_file_that_is_not_a_feed_is_exit_1(tmp_path):
    result = run("scan", str(F2212), "--reviews", str(F2212), tmp_path=tmp_path)
    assert result.returncode == 1 and "is HTML but not AliExpress's review page" in result.stderr


def test_usage_errors_are_exit_2(tmp_path):
    assert run("scan", tmp_path=tmp_path).returncode == 2
    assert run("scan", str(F2212), "--no-such-flag", tmp_path=tmp_path).returncode == 2
    assert run("frobnicate", tmp_path=tmp_path).returncode == 2


@pytest.mark.parametrize("bad_id", ["abc", "²", "1" * 40])
def test_history_refuses_a_non_numeric_id_as_a_usage_error(tmp_path, bad_id):
    result = run("history", bad_id, tmp_path=tmp_path)
    assert result.returncode == 2 and "not a product id" in result.stderr and "Traceback" not in result.stderr


def test_scan_url_fetches_the_page_and_its_review_feed(tmp_path, marketplace_server):
    """A real CLI process fetching from a local stand-in for AliExpress (EMPTOR_TEST_HOST_MAP).

    The review feed served for this product is another product's real capture (no review file
    shares a product with a page fixture); this test checks fetching, not review content.
    """
    host_map = ",".join(f"{host}={target}" for host, target in marketplace_server.items())
    result = run("scan", "https://he.aliexpress.com/item/32993251330.html", "--json",
                 env_extra={"EMPTOR_TEST_HOST_MAP": host_map}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, VALIDATOR.schema)
    assert report["page"]["status"] == "ok" and report["verdict"]["level"] == "high"
    # The page says the product has 2 reviews: one page of the feed holds them (here it holds
    # another product's 20).
    assert report["reviews"]["pages"] == 1 and report["reviews"]["received"] == 20
    assert report["reviews"]["analyzed"] == 20 and report["reviews"]["adjusted_rating"] is not None


def test_scan_url_of_an_unreachable_host_is_exit_1(tmp_path):
    host_map = "www.aliexpress.com=http://127.0.0.1:9"  # the discard port: nothing listens
    result = run(
        "scan",
        "https://www.aliexpress.com/item/1005003568989271.html",
        env_extra={"EMPTOR_TEST_HOST_MAP": host_map},
        tmp_path=tmp_path,
    )
    assert result.returncode == 1 and "could not fetch" in result.stderr


def test_the_test_host_map_refuses_non_loopback_targets(tmp_path):
    result = run(
        "scan",
        "https://www.aliexpress.com/item/1.html",
        env_extra={"EMPTOR_TEST_HOST_MAP": "www.aliexpress.com=http://10.0.0.8:80"},
        tmp_path=tmp_path,
    )
    assert result.returncode == 1 and "loopback" in result.stderr


def test_scan_url_redirected_to_the_punish_page_is_blocked(tmp_path, marketplace_server):
    host_map = ",".join(f"{host}={target}" for host, target in marketplace_server.items())
    result = run("scan", "https://www.aliexpress.com/item/punished.html", "--json", "--record",
                 env_extra={"EMPTOR_TEST_HOST_MAP": host_map}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["page"]["status"] == "blocked" and report["verdict"]["level"] == "unknown"
    assert report["listing"]["product_id"] == "1005008204179129"
    assert report["reviews"] is None  # nothing is fetched for a page that was not read
    assert json.loads(run("history", "1005008204179129", "--json", tmp_path=tmp_path).stdout)["series"] == []


def test_scan_uses_colours_on_a_terminal(tmp_path):
    """Run under a pseudo-terminal: the verdict line is coloured (it is plain when piped)."""
    import pty

    env = {**os.environ, "EMPTOR_DATA_DIR": str(tmp_path)}
    controller, terminal = pty.openpty()
    process = subprocess.Popen([EMPTOR, "scan", str(F2212)], stdout=terminal, stderr=terminal, env=env)
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait(30)
    os.close(controller)
    assert process.returncode == 0
    assert b"\x1b[31m" in output and b"Verdict: HIGH risk" in output  # red for a high risk


def test_serve_answers_on_its_address_and_refuses_other_host_names(tmp_path):
    """`emptor serve` as a real process (waitress): its --host (another loopback address, so no
    exposure warning) is accepted as a Host name, a rebinding domain is refused, a request signed
    with the code `emptor pair` prints is answered and signed back, an unsigned one is not."""
    import httpx

    env = {**os.environ, "EMPTOR_DATA_DIR": str(tmp_path)}
    env.pop("EMPTOR_DATABASE", None)
    with serving([EMPTOR, "serve"], host="127.0.0.2", env=env) as served:
        base = served.url
        health = httpx.get(f"{base}/api/v1/health", timeout=5)
        assert health.status_code == 200 and health.json()["ok"] is True
        port = base.rsplit(":", 1)[1]
        rebound = httpx.get(f"{base}/api/v1/health", headers={"Host": f"evil.example:{port}"}, timeout=5)
        assert rebound.status_code == 403
        assert rebound.json()["code"] == "forbidden_host"
        code = run_emptor("pair", tmp_path=tmp_path).stdout.strip()
        assert httpx.get(f"{base}/api/v1/pairing", timeout=5).status_code == 401
        with httpx.Client(base_url=base, auth=PairedAuth(code), timeout=5) as paired:
            assert paired.get("/api/v1/pairing").json()["paired"] is True  # PairedAuth checked its signature
    assert "exposes your shopping history" not in served.stderr  # 127.0.0.0/8 is all loopback
    assert "emptor pair" in served.stderr


def test_sigterm_lets_a_request_in_flight_finish_and_refuses_new_connections(tmp_path):
    """A request half sent when SIGTERM arrives is still answered, and signed; new connections
    are refused from then on; the process exits 0. Each step waits for the event it needs."""
    import signal
    import socket

    env = {**os.environ, "EMPTOR_DATA_DIR": str(tmp_path), "EMPTOR_TOKEN": TEST_SECRET}
    env.pop("EMPTOR_DATABASE", None)
    body = json.dumps({"url": PAGE_URLS[F2212.name], "html": read_text(F2212), "record": True}).encode()
    path = "/api/v1/analyze"
    with serving([EMPTOR, "serve"], env=env) as served:
        host, port = "127.0.0.1", int(served.url.rsplit(":", 1)[1])
        header, nonce = authorization(TEST_SECRET, "POST", path, body)
        head = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
                f"Authorization: {header}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
        with socket.create_connection((host, port), timeout=30) as in_flight:  # closed on a failure too
            in_flight.sendall(head + body[: len(body) // 2])
            served.process.send_signal(signal.SIGTERM)
            _wait_until_refused(host, port, served.process)
            in_flight.sendall(body[len(body) // 2 :])
            answer = _read_all(in_flight)
        assert served.process.wait(30) == 0
    status_line, _, rest = answer.partition(b"\r\n")
    headers, _, payload = rest.partition(b"\r\n\r\n")
    assert status_line.startswith(b"HTTP/1.1 200"), answer[:300]
    assert json.loads(payload)["page"]["status"] == "ok"
    signature = next(line.split(b":", 1)[1].strip().decode() for line in headers.split(b"\r\n")
                     if line.lower().startswith(b"x-emptor-signature:"))
    assert signature == answer_signature(TEST_SECRET, nonce, 200, payload)
    assert "stopped" in served.stderr


def test_a_burst_of_stop_signals_stops_the_service(tmp_path):
    """Signals come in pairs and more: `make run` passes a SIGTERM on to the service, which has
    had its own from the process group, and a shopper may press Ctrl-C twice. Each must only ask
    for the stop, up
    to the process's exit. The handler once took a lock that is not reentrant, and a signal
    arriving inside it hung the service for ever (server/serve.py); signals after the handlers
    were restored ended it before "stopped.". This test caught both in most runs."""
    import signal
    import time

    env = {**os.environ, "EMPTOR_DATA_DIR": str(tmp_path)}
    env.pop("EMPTOR_DATABASE", None)
    with serving([EMPTOR, "serve"], env=env) as served:
        deadline = time.monotonic() + 30
        while served.process.poll() is None:
            if time.monotonic() > deadline:
                served.process.kill()
                pytest.fail("the service had not stopped 30 s into a burst of SIGTERM and SIGINT")
            for sig in (signal.SIGTERM, signal.SIGINT) * 50:
                served.process.send_signal(sig)  # nothing once it has exited
        # 0, or one of the signals if it reached another thread during the interpreter's own exit
        # (which gives signals their default action back), once the stop had been done and said.
        assert served.process.returncode in (0, -signal.SIGTERM, -signal.SIGINT)
    assert served.stderr.endswith("emptor: stopped.\n") and "Traceback" not in served.stderr


def _wait_until_refused(host: str, port: int, process) -> None:
    """Connect until the listening socket is closed (the event a graceful stop begins with)."""
    import socket
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            probe = socket.create_connection((host, port), timeout=5)
        except (ConnectionRefusedError, ConnectionResetError):  # reset: closed with this probe queued
            return
        probe.close()
        assert process.poll() is None, "the service exited before its request in flight was answered"
        time.sleep(0.05)
    raise AssertionError("the service still accepted connections 30 s after SIGTERM")


def _read_all(sock) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    sock.close()
    return b"".join(chunks)
