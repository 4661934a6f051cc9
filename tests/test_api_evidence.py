"""The evidence endpoints (docs/api.md, "Evidence"): uploads, records, listing, deletion, packs.

Each refusal is shown firing on the smallest bad request and quiet on the good one beside it; a
refused request stores nothing."""

from __future__ import annotations

import hashlib
import os
import stat
import struct
import time
import zlib
from pathlib import Path

import pytest

from server.evidence import MAX_PAGE_BYTES, MAX_SCREENSHOT_BYTES
from server.evidence import store as evidence_store
from server.store import open_database
from tests.support.api import assert_error
from tests.support.personal_data import FAKE, constructed_order_page

PAGE = b"<!doctype html><html><head><title>Listing</title></head><body>US $1.73</body></html>"
URL = "https://www.aliexpress.com/item/1005003568989271.html"


def png_bytes(width: int = 1, height: int = 1, extra: bytes = b"") -> bytes:
    """A real PNG image (one grey pixel row per line), built by hand."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + extra + chunk(b"IEND", b"")


SHOT = png_bytes(3, 2)


def upload(client, data: bytes, media_type: str = "text/html", name: str | None = None, headers=None, **kwargs):
    headers = {"Content-Type": media_type, **(headers or {})}
    if name is not None:
        headers["X-Emptor-Artifact-Name"] = name
    return client.post("/api/v1/evidence/artifacts", data=data, headers=headers, **kwargs)


def uploaded(client, data: bytes, media_type: str = "text/html") -> str:
    response = upload(client, data, media_type)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["sha256"]


def record_body(page_sha: str, shot_sha: str | None = None, **fields) -> dict:
    artifacts = [{"name": "page.html", "sha256": page_sha, "media_type": "text/html"}]
    if shot_sha:
        artifacts.append({"name": "screenshot-1.png", "sha256": shot_sha, "media_type": "image/png"})
    return {"kind": "listing", "url": URL, "product_id": "1005003568989271", "artifacts": artifacts, **fields}


def live_records(app) -> int:
    db = open_database(app.config["DATABASE"])
    try:
        return db.execute("select count(*) from evidence_records where kind != 'tombstone'").fetchone()[0]
    finally:
        db.close()


def objects(data_dir) -> list[Path]:
    root = evidence_store.objects_directory(data_dir)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.is_dir() else []


# --- end to end -------------------------------------------------------------------------------


def test_upload_record_list_export_verify_delete(client, app):
    data_dir = Path(app.config["DATA_DIR"])
    answer = upload(client, PAGE, "text/html; charset=utf-8", name="page.html")
    assert answer.status_code == 201
    assert answer.get_json() == {"sha256": hashlib.sha256(PAGE).hexdigest(), "size": len(PAGE),
                                 "media_type": "text/html", "name": "page.html"}
    page_sha = answer.get_json()["sha256"]
    shot_sha = uploaded(client, SHOT, "image/png")
    # Written content-addressed exactly where the store keeps artifacts, private.
    assert evidence_store.read_artifact(data_dir, shot_sha) == SHOT
    assert stat.S_IMODE(evidence_store.object_path(data_dir, shot_sha).stat().st_mode) == 0o600

    created = client.post("/api/v1/evidence", json=record_body(page_sha, shot_sha, order_id="8123456789012345",
                                                               facts={"verdict": "high", "score": 64},
                                                               locale={"country": "US", "currency": "USD", "language": "en"}))
    assert created.status_code == 201, created.get_data(as_text=True)
    record = created.get_json()
    assert record["format"] == "emptor-evidence/1" and record["kind"] == "listing"
    # Sizes come from the files, not from the caller.
    assert [(a["name"], a["size"]) for a in record["artifacts"]] == [("page.html", len(PAGE)), ("screenshot-1.png", len(SHOT))]
    assert record["hash"] == evidence_store.record_hash(record)
    second = client.post("/api/v1/evidence", json=record_body(page_sha, kind="order")).get_json()

    listed = client.get("/api/v1/evidence").get_json()["records"]
    assert [r["id"] for r in listed] == [second["id"], record["id"]]  # newest first
    assert "facts" not in listed[0]
    assert client.get(f"/api/v1/evidence/{record['id']}").get_json() == record

    exported = client.post("/api/v1/evidence/export", json={"product_id": "1005003568989271"})
    assert exported.status_code == 201, exported.get_data(as_text=True)
    pack = exported.get_json()
    path = Path(pack["path"])
    assert path.parent == data_dir / "exports" and path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert (pack["records"], pack["artifacts"]) == (2, 3)
    checked = client.post("/api/v1/evidence/verify", json={"path": pack["path"]}).get_json()
    assert checked == {"intact": True, "problems": [], "fingerprint": pack["fingerprint"], "created": pack["created"],
                       "records": 2}
    # A name alone is read inside the exports directory.
    assert client.post("/api/v1/evidence/verify", json={"path": path.name}).get_json()["intact"] is True

    assert client.delete(f"/api/v1/evidence/{record['id']}").get_json() == {"deleted": [record["id"]]}
    assert_error(client.get(f"/api/v1/evidence/{record['id']}"), 404, "unknown_evidence")
    # The screenshot only the deleted record named is gone; the page the other names stays.
    assert [p.parent.name + p.name for p in objects(data_dir)] == [page_sha]
    assert evidence_store.verify(open_database(app.config["DATABASE"]), data_dir) == []
    by_order = client.post("/api/v1/evidence", json=record_body(page_sha, order_id="8123456789012345")).get_json()
    assert client.delete("/api/v1/evidence?order=8123456789012345").get_json() == {"deleted": [by_order["id"]]}
    assert [r["id"] for r in client.get("/api/v1/evidence").get_json()["records"]] == [second["id"]]


def test_uploading_the_same_bytes_twice_is_one_file(client, app):
    assert uploaded(client, PAGE) == uploaded(client, PAGE)
    assert len(objects(app.config["DATA_DIR"])) == 1


def test_a_screenshot_may_be_larger_than_a_page(client):
    big = png_bytes(extra=struct.pack(">I", 20 * 1024 * 1024) + b"teXt" + bytes(20 * 1024 * 1024) + b"\0\0\0\0")
    assert MAX_PAGE_BYTES < len(big) < MAX_SCREENSHOT_BYTES
    assert upload(client, big, "image/png").status_code == 201


# --- upload refusals ---------------------------------------------------------------------------


def test_an_oversized_page_is_413_with_its_limit(client, app):
    body = assert_error(upload(client, b"<p>" + bytes(MAX_PAGE_BYTES)), 413, "request_too_large")
    assert "the limit is 16 MB" in body["message"]
    assert upload(client, b"<p>" + bytes(MAX_PAGE_BYTES - 3)).status_code == 201  # at the limit: quiet
    assert len(objects(app.config["DATA_DIR"])) == 1


def test_an_oversized_screenshot_is_413_with_its_limit(client, app):
    big = SHOT + bytes(MAX_SCREENSHOT_BYTES + 1 - len(SHOT))
    body = assert_error(upload(client, big, "image/png"), 413, "request_too_large")
    assert "the limit is 25 MB" in body["message"]
    assert objects(app.config["DATA_DIR"]) == []


def test_a_corrupt_png_is_422(client, app):
    damaged = bytearray(SHOT)
    damaged[20] ^= 0xFF  # inside the IHDR header: its checksum fails
    body = assert_error(upload(client, bytes(damaged), "image/png"), 422, "not_png")
    assert "checksum" in body["message"]
    assert_error(upload(client, PAGE, "image/png"), 422, "not_png")
    assert objects(app.config["DATA_DIR"]) == []
    assert upload(client, SHOT, "image/png").status_code == 201


@pytest.mark.parametrize("media_type", ["application/json", "image/tiff", "text/plain", ""])
def test_an_artifact_of_another_type_is_415(client, media_type):
    assert_error(upload(client, PAGE, media_type), 415, "unsupported_artifact_type")


def test_an_empty_artifact_and_a_bad_name_are_400(client):
    assert_error(upload(client, b""), 400, "empty_body")
    body = assert_error(upload(client, PAGE, name="../page.html"), 400, "bad_artifact_name")
    assert body["field"] == "X-Emptor-Artifact-Name"
    encoded = client.post("/api/v1/evidence/artifacts", data=PAGE,
                          headers={"Content-Type": "text/html", "Content-Encoding": "br"})
    assert_error(encoded, 415, "unsupported_encoding")


# --- record refusals ---------------------------------------------------------------------------


def test_an_unknown_sha256_is_422_naming_it_and_nothing_is_stored(client, app):
    page_sha = uploaded(client, PAGE)
    unknown = hashlib.sha256(b"never uploaded").hexdigest()
    response = client.post("/api/v1/evidence", json=record_body(page_sha, unknown))
    body = assert_error(response, 422, "unknown_artifact")
    assert unknown in body["message"] and body["field"] == "artifacts[1].sha256"
    assert live_records(app) == 0
    assert client.post("/api/v1/evidence", json=record_body(page_sha)).status_code == 201


@pytest.mark.parametrize("change, status, code", [
    ({"kind": "receipt"}, 400, "bad_kind"),
    ({"kind": "tombstone"}, 400, "bad_kind"),
    ({"url": None}, 400, "missing_url"),
    ({"url": "javascript:alert(1)"}, 400, "bad_url"),
    ({"artifacts": []}, 400, "bad_artifacts"),
    ({"artifacts": [{"name": "page.html", "sha256": "0" * 64}]}, 400, "bad_artifacts"),
    ({"artifacts": [{"name": "page.html", "sha256": "X" * 64, "media_type": "text/html"}]}, 400, "bad_artifacts"),
    ({"artifacts": [{"name": "page.pdf", "sha256": "0" * 64, "media_type": "application/pdf"}]}, 400, "bad_artifacts"),
    ({"artifacts": [{"name": "page.html", "sha256": "0" * 64, "media_type": ["text/html"]}]}, 400, "bad_artifacts"),
    ({"facts": [1, 2]}, 400, "bad_evidence"),
    ({"facts": {"n": 2**60}}, 400, "bad_evidence"),
    ({"locale": {"country": "US", "planet": "Earth"}}, 400, "bad_evidence"),
    ({"product_id": 7}, 400, "bad_evidence"),
    ({"colour": "red"}, 400, "unknown_field"),
])
def test_a_bad_record_is_refused_naming_the_problem(client, app, change, status, code):
    body = record_body(uploaded(client, PAGE))
    body.update(change)
    assert_error(client.post("/api/v1/evidence", json=body), status, code)
    assert live_records(app) == 0


def test_a_page_named_as_a_screenshot_is_422(client, app):
    page_sha = uploaded(client, PAGE)
    body = {"kind": "listing", "url": URL, "artifacts": [{"name": "shot.png", "sha256": page_sha, "media_type": "image/png"}]}
    assert_error(client.post("/api/v1/evidence", json=body), 422, "not_png")
    assert live_records(app) == 0


def test_bad_json_and_the_wrong_content_type_are_refused(client, app):
    headers = {"Content-Type": "application/json"}
    assert_error(client.post("/api/v1/evidence", data=b'{"kind": "listing",', headers=headers), 400, "not_json")
    assert_error(client.post("/api/v1/evidence", data=b"[]", headers=headers), 400, "not_object")
    assert_error(client.post("/api/v1/evidence", data=b'{"kind": "listing"}', headers={"Content-Type": "text/plain"}),
                 415, "not_json_content_type")
    assert_error(client.post("/api/v1/evidence/export", data=b"{", headers=headers), 400, "not_json")
    assert live_records(app) == 0


# --- pairing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method, path", [
    ("POST", "/api/v1/evidence/artifacts"), ("POST", "/api/v1/evidence"), ("GET", "/api/v1/evidence"),
    ("GET", "/api/v1/evidence/0123456789abcdef"), ("DELETE", "/api/v1/evidence/0123456789abcdef"),
    ("DELETE", "/api/v1/evidence?order=1"), ("POST", "/api/v1/evidence/export"), ("POST", "/api/v1/evidence/verify"),
    ("GET", "/api/v1/orders"), ("POST", "/api/v1/orders"),
])
def test_every_evidence_and_orders_endpoint_is_paired(client, app, method, path):
    response = client.open(path, method=method, data=PAGE, headers={"Content-Type": "text/html"}, signed=False)
    assert_error(response, 401, "unpaired")
    assert objects(app.config["DATA_DIR"]) == [] and live_records(app) == 0


# --- deletion and packs: refusals ---------------------------------------------------------------


def test_deleting_what_is_not_there(client):
    assert_error(client.delete("/api/v1/evidence/0123456789abcdef0123456789abcdef"), 404, "unknown_evidence")
    assert_error(client.delete("/api/v1/evidence?order=42"), 404, "unknown_evidence")
    body = assert_error(client.delete("/api/v1/evidence"), 400, "missing_order")
    assert body["field"] == "order"


@pytest.mark.parametrize("request_body, status, code", [
    ({}, 400, "bad_export"),
    ({"product_id": "1", "order_id": "2"}, 400, "bad_export"),
    ({"product_id": "../../etc"}, 400, "bad_export"),
    ({"product_id": 1005003568989271}, 400, "bad_export"),
    ({"seller": "x"}, 400, "unknown_field"),
    ({"product_id": "4000927436411"}, 404, "no_evidence"),
])
def test_a_bad_export_is_refused(client, app, request_body, status, code):
    assert_error(client.post("/api/v1/evidence/export", json=request_body), status, code)
    exports = Path(app.config["DATA_DIR"]) / "exports"
    assert not exports.exists() or list(exports.iterdir()) == []


def test_verify_reads_packs_in_the_exports_directory_only(client, app, tmp_path):
    data_dir = Path(app.config["DATA_DIR"])
    client.post("/api/v1/evidence", json=record_body(uploaded(client, PAGE), order_id="77"))
    pack = Path(client.post("/api/v1/evidence/export", json={"order_id": "77"}).get_json()["path"])
    outside = tmp_path / "elsewhere.wacz"
    outside.write_bytes(pack.read_bytes())
    (pack.parent / "link.wacz").symlink_to(outside)
    for path in (str(outside), "../emptor-test.db", str(data_dir / "emptor-test.db"), "/etc/passwd", "link.wacz",
                 str(pack.parent)):
        assert_error(client.post("/api/v1/evidence/verify", json={"path": path}), 403, "path_outside_exports")
    assert_error(client.post("/api/v1/evidence/verify", json={"path": "missing.wacz"}), 404, "no_such_pack")
    assert_error(client.post("/api/v1/evidence/verify", json={"path": 3}), 400, "bad_path")
    (pack.parent / "junk.wacz").write_bytes(b"not a zip")
    assert_error(client.post("/api/v1/evidence/verify", json={"path": "junk.wacz"}), 422, "not_a_pack")
    # A pack changed after it was written is found out.
    damaged = bytearray(pack.read_bytes())
    damaged[200] ^= 1  # inside the first member, the WARC
    pack.write_bytes(bytes(damaged))
    checked = client.post("/api/v1/evidence/verify", json={"path": str(pack)}).get_json()
    assert checked["intact"] is False and checked["problems"]


# --- pending uploads ------------------------------------------------------------------------------


def test_a_deletion_keeps_a_pending_upload_younger_than_an_hour_and_sweeps_older_ones(client, app):
    data_dir = Path(app.config["DATA_DIR"])
    kept = client.post("/api/v1/evidence", json=record_body(uploaded(client, PAGE))).get_json()
    waiting = uploaded(client, SHOT, "image/png")  # no record names it yet
    client.delete(f"/api/v1/evidence/{kept['id']}")  # the deletion sweeps
    assert [p.parent.name + p.name for p in objects(data_dir)] == [waiting]
    # An hour later its mark has expired: the next sweep removes it, and a record naming it is refused.
    old = time.time() - evidence_store.PENDING_SECONDS - 1
    os.utime(evidence_store.pending_directory(data_dir) / waiting, (old, old))
    evidence_store.sweep(open_database(app.config["DATABASE"]), data_dir)
    assert objects(data_dir) == [] and list(evidence_store.pending_directory(data_dir).iterdir()) == []
    body = record_body(uploaded(client, PAGE), waiting)
    assert_error(client.post("/api/v1/evidence", json=body), 422, "unknown_artifact")


def test_a_record_ends_the_wait_so_deleting_it_removes_the_file(client, app):
    data_dir = Path(app.config["DATA_DIR"])
    record = client.post("/api/v1/evidence", json=record_body(uploaded(client, PAGE))).get_json()
    assert list(evidence_store.pending_directory(data_dir).iterdir()) == []
    client.delete(f"/api/v1/evidence/{record['id']}")
    assert objects(data_dir) == []


def test_an_order_page_is_redacted_as_it_arrives_and_says_what_was(client):
    """CONSTRUCTED order page (tests/support/personal_data.py): named as an order page, the
    buyer's name, address, phones and e-mail are replaced before the file is stored, and the
    answer says what, for the record's facts; with X-Emptor-Redact: no it is kept as sent."""
    page = constructed_order_page().encode()
    response = upload(client, page, headers={"X-Emptor-Page-Kind": "order"})
    assert response.status_code == 201, response.get_data(as_text=True)
    answer = response.get_json()
    stored = evidence_store.read_artifact(client.application.config["DATA_DIR"], answer["sha256"]).decode()
    assert FAKE["name"] not in stored and FAKE["email"] not in stored and "[redacted: phone]" in stored
    assert answer["redaction"]["redacted"] is True
    assert {found["kind"] for found in answer["redaction"]["found"]} == {"name", "address", "phone", "email"}
    kept = upload(client, page, headers={"X-Emptor-Page-Kind": "order", "X-Emptor-Redact": "no"}).get_json()
    assert kept["sha256"] == hashlib.sha256(page).hexdigest() and kept["redaction"] == {"redacted": False, "found": []}


def test_a_listing_page_is_not_redacted_and_a_bad_page_kind_is_refused(client):
    listing = upload(client, b"<html>a listing</html>", headers={"X-Emptor-Page-Kind": "listing"}).get_json()
    assert listing["sha256"] == hashlib.sha256(b"<html>a listing</html>").hexdigest() and "redaction" not in listing
    for media_type, kind in (("text/html", "invoice"), ("image/png", "order")):
        data = SHOT if media_type == "image/png" else b"<html></html>"
        refused = upload(client, data, media_type, headers={"X-Emptor-Page-Kind": kind})
        assert refused.status_code == 400 and refused.get_json()["code"] == "bad_page_kind"
    latin1 = upload(client, "<html>café</html>".encode("latin-1"), headers={"X-Emptor-Page-Kind": "order"})
    assert latin1.status_code == 400 and latin1.get_json()["code"] == "not_utf8"


def test_an_upload_no_record_named_within_its_hour_goes_at_the_next_upload(client, app):
    """An abandoned save (perhaps an order page) does not wait for a deletion to be removed."""
    data_dir = Path(app.config["DATA_DIR"])
    abandoned = uploaded(client, SHOT, "image/png")
    old = time.time() - evidence_store.PENDING_SECONDS - 1
    os.utime(evidence_store.pending_directory(data_dir) / abandoned, (old, old))
    fresh = uploaded(client, PAGE)
    assert [p.parent.name + p.name for p in objects(data_dir)] == [fresh]


def test_open_folder_starts_the_opener_with_the_exports_folder_only(app, client, tmp_path):
    """FOLDER_OPENER is a real program here: a script that writes down what it was given."""
    said = tmp_path / "opened.txt"
    opener = tmp_path / "opener"
    opener.write_text(f'#!/bin/sh\nprintf "%s|" "$@" > {said}.part && mv {said}.part {said}\n')
    opener.chmod(0o700)
    app.config["FOLDER_OPENER"] = str(opener)
    answer = client.post("/api/v1/evidence/open-folder", json={"path": "/etc"})  # a body is ignored, not obeyed
    assert answer.status_code == 200, answer.get_data(as_text=True)
    exports = Path(app.config["DATA_DIR"]) / "exports"
    assert answer.get_json() == {"path": str(exports), "opener": str(opener)}
    deadline = time.monotonic() + 15
    while not said.exists():  # the opener runs on its own; wait for what it wrote
        assert time.monotonic() < deadline, "the opener never ran"
        time.sleep(0.02)
    assert said.read_text() == f"{exports}|"
    assert exports.is_dir() and stat.S_IMODE(exports.stat().st_mode) == 0o700


def test_open_folder_without_an_opener_says_so(app, client, tmp_path):
    app.config["FOLDER_OPENER"] = str(tmp_path / "no-such-program")
    refused = assert_error(client.post("/api/v1/evidence/open-folder"), 501, "no_folder_opener")
    assert "EMPTOR_FOLDER_OPENER" in refused["message"] and "exports" in refused["message"]
