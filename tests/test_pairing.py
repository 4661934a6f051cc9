"""Pairing (issue 8): only a caller that knows the secret gets in, and every answer is signed, so
that a program that takes the port cannot pass off its own verdict. The real app and real secret
files; the signing in tests/support/pairing.py is written from docs/api.md, not from the service."""

from __future__ import annotations

import gzip
import json
import os
import stat
import time
from pathlib import Path

import pytest

from server import config, create_app, pairing
from server.problems import Busy
from tests.support.api import assert_error, price_rows
from tests.support.cli import run_emptor
from tests.support.fixtures import F2212, PAGE_URLS, read_text
from tests.support.pairing import TEST_SECRET, answer_signature, authorization

VECTOR = json.loads((Path(__file__).parent / "fixtures" / "pairing" / "vector.json").read_text())
ANALYZE = "/api/v1/analyze"
HISTORY = "/api/v1/products/aliexpress/1005003568989271/history"


def small_page() -> bytes:
    return json.dumps({"url": PAGE_URLS[F2212.name], "html": read_text(F2212)}).encode()


def send(client, method: str, path: str, body: bytes = b"", *, header: str | None, **headers):
    if header is not None:
        headers["Authorization"] = header
    if body:
        headers.setdefault("Content-Type", "application/json")
    return client.open(path, method=method, data=body, headers=headers, signed=False)


def test_the_service_signs_as_the_documented_vector():
    assert pairing.request_signature(VECTOR["secret"], VECTOR["method"], VECTOR["path_with_query"], VECTOR["ts"],
                                     VECTOR["nonce"], VECTOR["body"].encode()) == VECTOR["authorization"].rsplit("sig=", 1)[1]
    assert pairing.response_signature(VECTOR["secret"], VECTOR["nonce"], VECTOR["response_status"],
                                      VECTOR["response_body"].encode()) == VECTOR["response_signature"]
    header, _ = pairing.authorization_header(VECTOR["secret"], VECTOR["method"], VECTOR["path_with_query"],
                                             VECTOR["body"].encode(), now=int(VECTOR["ts"]), nonce=VECTOR["nonce"])
    assert header == VECTOR["authorization"]


@pytest.mark.parametrize("method,path", [("POST", ANALYZE), ("GET", HISTORY), ("GET", "/api/v1/rules")])
def test_every_paired_endpoint_refuses_an_unsigned_request(client, app, method, path):
    body = small_page() if method == "POST" else b""
    response = send(client, method, path, body, header=None)
    error = assert_error(response, 401, "unpaired")
    assert "emptor pair" in error["message"]
    assert "X-Emptor-Signature" not in response.headers  # 401 answers are not signed
    assert price_rows(app) == 0


@pytest.mark.parametrize("path", ["/", "/rules", "/api/v1/health"])
def test_the_open_pages_answer_anyone_and_are_not_signed(client, path):
    response = send(client, "GET", path, header=None)
    assert response.status_code == 200
    assert "X-Emptor-Signature" not in response.headers


def test_the_landing_page_says_how_to_pair_and_nothing_private(client):
    page = send(client, "GET", "/", header=None).get_data(as_text=True)
    assert "emptor pair" in page and 'href="/rules"' in page
    assert TEST_SECRET not in page and "database" not in page.lower()


def test_a_signed_request_is_answered_and_its_answer_signed(client, app):
    body = small_page()
    header, nonce = authorization(TEST_SECRET, "POST", ANALYZE, body)
    response = send(client, "POST", ANALYZE, body, header=header)
    assert response.status_code == 200
    assert response.headers["X-Emptor-Signature"] == answer_signature(TEST_SECRET, nonce, 200, response.get_data())
    assert price_rows(app) > 0


def test_error_answers_to_a_paired_caller_are_signed_too(client):
    header, nonce = authorization(TEST_SECRET, "POST", ANALYZE, b"[1]")
    response = send(client, "POST", ANALYZE, b"[1]", header=header)
    assert_error(response, 400, "not_object")
    assert response.headers["X-Emptor-Signature"] == answer_signature(TEST_SECRET, nonce, 400, response.get_data())


def test_the_signature_covers_the_bytes_sent_before_gzip_is_undone(client, app):
    packed = gzip.compress(small_page())
    header, _ = authorization(TEST_SECRET, "POST", ANALYZE, packed)
    assert send(client, "POST", ANALYZE, packed, header=header, **{"Content-Encoding": "gzip"}).status_code == 200
    header, _ = authorization(TEST_SECRET, "POST", ANALYZE, small_page())  # the inflated body: not what was sent
    assert_error(send(client, "POST", ANALYZE, packed, header=header, **{"Content-Encoding": "gzip"}), 401, "unpaired")


@pytest.mark.parametrize("change", ["secret", "method", "path", "query", "body", "nonce", "ts"])
def test_a_signature_for_anything_else_is_refused(client, app, change):
    body, path, method = small_page(), ANALYZE, "POST"
    ts, nonce = int(time.time()), "ab" * 16
    signed = {"secret": TEST_SECRET, "method": method, "path": path, "body": body, "ts": ts, "nonce": nonce}
    altered = {
        "secret": {"secret": "another-secret-of-enough-length"},
        "method": {"method": "PUT"},
        "path": {"path": "/api/v1/analyze/"},
        "query": {"path": ANALYZE + "?record=false"},
        "body": {"body": body.replace(b"aliexpress", b"aliexpresS")},
        "nonce": {"nonce": "cd" * 16},
        "ts": {"ts": ts - 1},
    }[change]
    signed.update(altered)
    header, _ = authorization(signed["secret"], signed["method"], signed["path"], signed["body"],
                              ts=signed["ts"], nonce=signed["nonce"])
    if change in ("nonce", "ts"):  # the header then names the real request's nonce and time
        header = header.replace(f"nonce={signed['nonce']}", f"nonce={nonce}").replace(f"ts={signed['ts']}", f"ts={ts}")
    assert_error(send(client, method, path, body, header=header), 401, "unpaired")
    assert price_rows(app) == 0


def test_a_replayed_request_is_refused(client):
    header, _ = authorization(TEST_SECRET, "GET", HISTORY, b"")
    assert send(client, "GET", HISTORY, header=header).status_code == 200
    error = assert_error(send(client, "GET", HISTORY, header=header), 401, "replayed_request")
    assert "nonce" in error["message"]


@pytest.mark.parametrize("offset,accepted", [(-121, False), (121, False), (-110, True), (110, True)])
def test_requests_more_than_120_s_from_the_service_clock_are_refused(client, offset, accepted):
    header, _ = authorization(TEST_SECRET, "GET", HISTORY, b"", ts=int(time.time()) + offset)
    response = send(client, "GET", HISTORY, header=header)
    if accepted:
        assert response.status_code == 200
    else:
        assert "clock" in assert_error(response, 401, "stale_request")["message"]


@pytest.mark.parametrize("header", [
    "Bearer " + TEST_SECRET,  # the old scheme: the secret itself on the wire
    "Emptor-HMAC-SHA256",
    "Emptor-HMAC-SHA256 ts={ts}, nonce=00112233445566778899, sig=",
    "Emptor-HMAC-SHA256 ts=now, nonce=00112233445566778899, sig=00",
    "Emptor-HMAC-SHA256 ts={ts}, nonce=0011, sig={sig}",  # a nonce under 16 hex characters
    "Emptor-HMAC-SHA256 ts={ts}, nonce=00112233445566778899AABB, sig={sig}",  # upper case
    "Emptor-HMAC-SHA256 ts={ts}, nonce=" + "0" * 65 + ", sig={sig}",
    "Emptor-HMAC-SHA256 ts=" + "9" * 40 + ", nonce=00112233445566778899, sig=00",
])
def test_malformed_authorization_is_a_clear_401(client, header):
    header = header.format(ts=int(time.time()), sig="0" * 64)
    error = assert_error(send(client, "GET", HISTORY, header=header), 401, "unpaired")
    assert "Traceback" not in error["message"]


def test_a_web_page_is_refused_before_it_is_asked_to_pair(client):
    header, _ = authorization(TEST_SECRET, "GET", HISTORY, b"")
    assert_error(send(client, "GET", HISTORY, header=header, Origin="https://www.aliexpress.com"), 403, "forbidden_origin")


def test_the_preflight_lets_the_extension_sign_and_read_the_signature(client):
    extension = "chrome-extension://" + "a" * 32
    preflight = client.options(ANALYZE, headers={"Origin": extension, "Access-Control-Request-Method": "POST",
                                                 "Access-Control-Request-Headers": "authorization,content-type"})
    assert preflight.status_code == 200
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].lower()
    answer = client.get(HISTORY, headers={"Origin": extension})
    assert "x-emptor-signature" in answer.headers["Access-Control-Expose-Headers"].lower()


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def file_paired_app(tmp_path):
    return create_app({"TESTING": True, "DATA_DIR": tmp_path / "data", "DATABASE": tmp_path / "data" / "emptor.db"})


def test_the_first_run_creates_a_private_secret_of_160_bits(tmp_path):
    app = file_paired_app(tmp_path)
    secret_file = tmp_path / "data" / "pairing-secret"
    secret = secret_file.read_text().strip()
    assert mode(secret_file) == 0o600 and mode(tmp_path / "data") == 0o700
    assert len(secret) == 32 and secret.isalnum() and secret == secret.lower()  # base32 of 20 random bytes
    assert app.extensions["emptor_pairing"].secrets.current() == secret
    assert file_paired_app(tmp_path).extensions["emptor_pairing"].secrets.current() == secret  # kept across starts
    assert pairing.new_secret() != pairing.new_secret()


def test_rotating_the_secret_unpairs_every_browser_at_once(tmp_path):
    app = file_paired_app(tmp_path)
    old = app.extensions["emptor_pairing"].secrets.current()
    client = app.test_client()
    header, _ = authorization(old, "GET", HISTORY, b"")
    assert client.get(HISTORY, headers={"Authorization": header}).status_code == 200
    new = pairing.rotate_secret(tmp_path / "data" / "pairing-secret")
    assert new != old and mode(tmp_path / "data" / "pairing-secret") == 0o600
    header, _ = authorization(old, "GET", HISTORY, b"")
    assert_error(client.get(HISTORY, headers={"Authorization": header}), 401, "unpaired")
    header, _ = authorization(new, "GET", HISTORY, b"")
    assert client.get(HISTORY, headers={"Authorization": header}).status_code == 200


def test_an_unreadable_secret_file_stops_the_service_with_the_way_out(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "pairing-secret").write_text("short\n")
    result = run_emptor("serve", "--port", "1", tmp_path=tmp_path / "data")
    assert result.returncode == 1
    assert "emptor pair --rotate" in result.stderr and "Traceback" not in result.stderr


def test_a_token_from_the_environment_is_used_and_never_echoed():
    assert config.load({"EMPTOR_TOKEN": "  " + TEST_SECRET + "\n"})["TOKEN"] == TEST_SECRET
    with pytest.raises(config.BadSetting) as refused:
        config.load({"EMPTOR_TOKEN": "hunter2"})
    assert "hunter2" not in str(refused.value) and "EMPTOR_TOKEN" in str(refused.value)


def test_the_nonce_ledger_is_bounded_and_forgets_what_has_expired():
    ledger = pairing.NonceLedger(limit=3)
    now = 1_000_000.0
    for nonce in ("a" * 16, "b" * 16, "c" * 16):
        assert ledger.accept(nonce, now, now)
    assert not ledger.accept("a" * 16, now, now)
    with pytest.raises(Busy):
        ledger.accept("d" * 16, now, now)  # full of nonces whose requests could still be replayed
    later = now + pairing.CLOCK_SKEW_SECONDS + 2  # their timestamps are now refused anyway
    assert ledger.accept("d" * 16, later, later)
    assert len(ledger) == 1


def test_emptor_pair_prints_the_code_and_rotate_replaces_it(tmp_path):
    first = run_emptor("pair", tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    code = first.stdout.strip()
    assert len(code) == 32 and "options page" in first.stderr
    assert run_emptor("pair", tmp_path=tmp_path).stdout.strip() == code
    rotated = run_emptor("pair", "--rotate", tmp_path=tmp_path)
    assert rotated.returncode == 0 and rotated.stdout.strip() not in ("", code)
    assert (tmp_path / "pairing-secret").read_text().strip() == rotated.stdout.strip()
    assert mode(tmp_path / "pairing-secret") == 0o600


def test_emptor_pair_will_not_rotate_a_secret_set_in_the_environment(tmp_path):
    shown = run_emptor("pair", tmp_path=tmp_path, env_extra={"EMPTOR_TOKEN": TEST_SECRET})
    assert shown.stdout.strip() == TEST_SECRET
    refused = run_emptor("pair", "--rotate", tmp_path=tmp_path, env_extra={"EMPTOR_TOKEN": TEST_SECRET})
    assert refused.returncode == 1 and "EMPTOR_TOKEN" in refused.stderr and TEST_SECRET not in refused.stderr
