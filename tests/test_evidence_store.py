"""The evidence store (issue 10): content-addressed files, records in a hash chain, atomic and
immutable, deletion by tombstone, verification. Real files and a real SQLite database in the
test's own folder."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import sys
import threading

import pytest

from server import evidence
from server.evidence import Artifact, EvidenceError
from server.evidence import store as evidence_store
from server.store import connect, open_database
from server.store import evidence as evidence_table

PAGE = Artifact("page.html", b"<html><title>Listing</title></html>", "text/html")
SHOT = Artifact("screenshot-1.png", b"\x89PNG pretend", "image/png")
URL = "https://www.aliexpress.com/item/1005005939875273.html"


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "emptor.db")
    yield database
    database.close()


def save(db, data_dir, *artifacts, **fields):
    fields = {"kind": "listing", "url": URL, **fields}
    return evidence.save(db, data_dir, artifacts=list(artifacts or [PAGE]), **fields)


def object_files(data_dir) -> list:
    objects = evidence_store.objects_directory(data_dir)
    return sorted(path for path in objects.rglob("*") if path.is_file()) if objects.exists() else []


def without_guard(db):
    """Tampering from outside emptor: the triggers that refuse updates are dropped first."""
    db.execute("drop trigger evidence_records_immutable")
    db.execute("drop trigger evidence_records_never_deleted")


def test_a_record_stores_its_files_under_their_sha256_and_verifies(db, tmp_path):
    record = save(db, tmp_path, PAGE, SHOT, product_id="1005005939875273", order_id="8123",
                  locale={"country": "DE", "currency": "EUR"}, facts={"verdict": {"level": "high", "score": 71.5}},
                  browser_time="2026-12-01T10:00:00.123+01:00", user_agent="Mozilla/5.0")
    for artifact, given in zip(record["artifacts"], (PAGE, SHOT)):
        sha = hashlib.sha256(given.data).hexdigest()
        assert artifact == {"name": given.name, "sha256": sha, "size": len(given.data), "media_type": given.media_type}
        path = tmp_path / "evidence" / "objects" / sha[:2] / sha[2:]
        assert path.read_bytes() == given.data == evidence.read_artifact(tmp_path, sha)
    assert record["locale"] == {"country": "DE", "currency": "EUR", "language": None}
    assert evidence.records(db) == [record]
    assert evidence.verify(db, tmp_path) == []


def test_the_hash_is_sha256_of_the_documented_canonical_json_and_links_the_chain(db, tmp_path):
    first = save(db, tmp_path, facts={"b": 1, "a": [True, None, "é"]})
    second = save(db, tmp_path, SHOT, kind="order", order_id="8123")
    assert first["previous"] == "0" * 64 and second["previous"] == first["hash"]
    for record in (first, second):
        content = {key: value for key, value in record.items() if key != "hash"}
        assert set(content) == {"format", "id", "kind", "url", "product_id", "order_id", "captured_at", "browser_time",
                                "user_agent", "locale", "facts", "artifacts", "previous"}
        # With ASCII keys and whole numbers, RFC 8785 is Python's sorted, compact JSON in UTF-8.
        text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        assert record["hash"] == hashlib.sha256(text).hexdigest()


@pytest.mark.parametrize(("value", "written"), [
    (1.0, "1"), (3.8, "3.8"), (-0.5, "-0.5"), (1e21, "1e+21"), (1e20, "100000000000000000000"), (1e-7, "1e-7"),
    (1e-6, "0.000001"), (5e-324, "5e-324"), (1.5e300, "1.5e+300"), (123.456, "123.456"), (0.0, "0"),
    ({"€": 1, "😀": 2, "｡": 3}, '{"€":1,"😀":2,"｡":3}'),  # keys by UTF-16 code unit: U+FF61 after the surrogate pair
    ("a\"\\\n\x01\x7fé", '"a\\"\\\\\\n\\u0001\x7fé"'),
])
def test_canonical_json_is_rfc_8785(value, written):
    assert evidence.canonical(value) == written.encode("utf-8")


@pytest.mark.parametrize("facts", [{"x": float("nan")}, {"x": 2**53}, {"x": "\ud800"}, {"x": object()}, ["not", "an object"]])
def test_facts_a_verifier_could_not_read_alike_are_refused_and_nothing_is_written(db, tmp_path, facts):
    with pytest.raises(EvidenceError):
        save(db, tmp_path, facts=facts)
    assert evidence.records(db) == [] and object_files(tmp_path) == []


@pytest.mark.parametrize("fields", [
    {"kind": "receipt"}, {"url": "file:///etc/passwd"}, {"url": ""}, {"locale": {"region": "EU"}}, {"order_id": 8123},
])
def test_bad_fields_are_refused_before_anything_is_written(db, tmp_path, fields):
    with pytest.raises(EvidenceError):
        save(db, tmp_path, **fields)
    assert evidence.records(db) == [] and object_files(tmp_path) == []


def test_repeated_artifact_names_or_none_are_refused(db, tmp_path):
    with pytest.raises(EvidenceError, match="repeated"):
        save(db, tmp_path, PAGE, PAGE)
    with pytest.raises(EvidenceError, match="at least one"):
        evidence.save(db, tmp_path, kind="listing", url=URL, artifacts=[])


def test_writing_an_artifact_already_present_is_a_no_op(db, tmp_path):
    save(db, tmp_path)
    (path,) = object_files(tmp_path)
    before = path.stat()
    save(db, tmp_path)
    assert object_files(tmp_path) == [path]
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_failure_between_the_files_and_the_row_leaves_neither(db, tmp_path, monkeypatch):
    kept = save(db, tmp_path, SHOT)  # already present: the failed save must not take it away

    def failing_insert(db, row):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(evidence_table, "insert", failing_insert)
    with pytest.raises(sqlite3.OperationalError):
        save(db, tmp_path, PAGE, SHOT)
    monkeypatch.undo()
    assert evidence.records(db) == [kept]
    assert [path.name for path in object_files(tmp_path)] == [hashlib.sha256(SHOT.data).hexdigest()[2:]]
    assert evidence.verify(db, tmp_path) == []
    # The next record links to the last one committed.
    assert save(db, tmp_path)["previous"] == kept["hash"]


def test_a_crash_after_the_file_leaves_only_a_harmless_orphan_that_the_next_deletion_sweeps(db, tmp_path):
    record = save(db, tmp_path)
    sha = hashlib.sha256(b"crashed before its row").hexdigest()
    evidence_store._write_object(tmp_path, sha, b"crashed before its row")
    stray = evidence_store.object_path(tmp_path, sha).with_name(".tmp-0123456789abcdef")
    stray.write_bytes(b"half a file")
    assert evidence.verify(db, tmp_path) == []
    assert evidence.delete(db, tmp_path, [record["id"]]) == [record["id"]]
    assert object_files(tmp_path) == []


def test_records_cannot_be_changed_or_removed_only_tombstoned(db, tmp_path):
    record = save(db, tmp_path)
    for statement in ("update evidence_records set url = 'https://elsewhere.example/'",
                      "update evidence_records set facts = '{}'",
                      "update evidence_records set kind = 'tombstone', hash = 'x', deleted_at = 'now', url = null",
                      "delete from evidence_records"):
        with pytest.raises(sqlite3.IntegrityError, match="evidence records"):
            db.execute(statement)
    evidence.delete(db, tmp_path, [record["id"]])
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        db.execute("update evidence_records set deleted_at = '2000-01-01T00:00:00Z'")
    assert not [name for name in dir(evidence_table) if name.startswith(("update", "set", "replace"))]


def test_a_changed_byte_in_an_artifact_is_found(db, tmp_path):
    record = save(db, tmp_path, PAGE, SHOT)
    path = evidence_store.object_path(tmp_path, record["artifacts"][1]["sha256"])
    data = bytearray(path.read_bytes())
    data[3] ^= 1
    path.write_bytes(bytes(data))
    (problem,) = evidence.verify(db, tmp_path)
    assert record["id"] in problem and "screenshot-1.png" in problem and "changed" in problem


def test_a_missing_or_shortened_artifact_is_found(db, tmp_path):
    record = save(db, tmp_path, PAGE, SHOT)
    evidence_store.object_path(tmp_path, record["artifacts"][0]["sha256"]).unlink()
    (problem,) = evidence.verify(db, tmp_path)
    assert record["id"] in problem and "page.html" in problem and "missing" in problem


def test_a_changed_facts_field_in_the_database_is_found(db, tmp_path):
    record = save(db, tmp_path, facts={"verdict": {"level": "high"}})
    other = save(db, tmp_path, SHOT)
    without_guard(db)
    db.execute("update evidence_records set facts = ? where id = ?", ['{"verdict":{"level":"low"}}', record["id"]])
    (problem,) = evidence.verify(db, tmp_path)
    assert record["id"] in problem and "does not match its hash" in problem and other["id"] not in problem


def test_a_broken_link_is_found(db, tmp_path):
    first, second, third = (save(db, tmp_path, facts={"n": n}) for n in range(3))
    without_guard(db)
    db.execute("delete from evidence_records where id = ?", [second["id"]])  # a record taken out of the middle
    (problem,) = evidence.verify(db, tmp_path)
    assert third["id"] in problem and "chain is broken" in problem


def test_a_tampered_tombstone_hash_breaks_the_next_link(db, tmp_path):
    first, second = save(db, tmp_path), save(db, tmp_path, SHOT)
    evidence.delete(db, tmp_path, [first["id"]])
    without_guard(db)
    db.execute("update evidence_records set hash = ? where id = ?", ["f" * 64, first["id"]])
    (problem,) = evidence.verify(db, tmp_path)
    assert second["id"] in problem and "chain is broken" in problem


def test_tombstones_keep_the_chain_verifying_and_remove_the_files_no_one_else_names(db, tmp_path):
    first = save(db, tmp_path, PAGE, SHOT, order_id="8123")
    second = save(db, tmp_path, Artifact("page.html", b"<html>order</html>", "text/html"), SHOT,
                  kind="order", order_id="8123")
    third = save(db, tmp_path, Artifact("page.html", b"<html>other</html>", "text/html"))
    shot = evidence_store.object_path(tmp_path, second["artifacts"][1]["sha256"])

    assert evidence.delete(db, tmp_path, [first["id"]]) == [first["id"]]
    assert shot.exists(), "the second record still names the screenshot"
    assert not evidence_store.object_path(tmp_path, first["artifacts"][0]["sha256"]).exists()
    tombstone = evidence.records(db)[0]
    assert tombstone == {"id": first["id"], "kind": "tombstone", "previous": "0" * 64, "hash": first["hash"],
                         "deleted_at": tombstone["deleted_at"]}
    raw = next(db.query("select * from evidence_records where id = ?", [first["id"]]))
    assert {key for key, value in raw.items() if value is not None} == {"seq", "id", "kind", "previous", "hash", "deleted_at"}
    assert evidence.verify(db, tmp_path) == []

    fourth = save(db, tmp_path)
    assert fourth["previous"] == third["hash"]
    assert [r["id"] for r in evidence.select(db, order_id="8123")] == [second["id"]]
    evidence.delete(db, tmp_path, [second["id"]])
    assert not shot.exists()
    assert evidence.verify(db, tmp_path) == []

    everything = evidence.select(db, everything=True)
    assert [r["id"] for r in everything] == [third["id"], fourth["id"]]
    evidence.delete(db, tmp_path, [r["id"] for r in everything])
    assert object_files(tmp_path) == [] and evidence.select(db, everything=True) == []
    assert [r["kind"] for r in evidence.records(db)] == ["tombstone"] * 4
    assert evidence.verify(db, tmp_path) == []
    assert save(db, tmp_path)["previous"] == fourth["hash"]
    assert evidence.verify(db, tmp_path) == []


def test_select_takes_an_id_or_a_unique_prefix_of_eight(db, tmp_path):
    record = save(db, tmp_path)
    assert evidence.select(db, record_id=record["id"]) == [record]
    assert evidence.select(db, record_id=record["id"][:8]) == [record]
    for wrong in (record["id"][:7], "0" * 32, "%", "_" * 8):
        with pytest.raises(EvidenceError, match="no evidence record"):
            evidence.select(db, record_id=wrong)
    with pytest.raises(EvidenceError, match="order 77"):
        evidence.select(db, order_id="77")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_files_are_private_whatever_the_umask(tmp_path):
    previous = os.umask(0)
    try:
        data_dir = tmp_path / "emptor"
        database = open_database(data_dir / "emptor.db")
        record = save(database, data_dir)
        database.close()
    finally:
        os.umask(previous)
    path = evidence_store.object_path(data_dir, record["artifacts"][0]["sha256"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for directory in (data_dir, data_dir / "evidence", data_dir / "evidence" / "objects", path.parent):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory


def test_concurrent_writers_make_one_chain_in_insertion_order(db, tmp_path):
    errors = []

    def writer(number):
        connection = connect(tmp_path / "emptor.db")
        try:
            for turn in range(5):
                save(connection, tmp_path, Artifact("page.html", f"{number}-{turn}".encode(), "text/html"),
                     facts={"writer": number, "turn": turn})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    saved = evidence.records(db)
    assert len(saved) == 20 and evidence.verify(db, tmp_path) == []
    for writer_number in range(4):
        turns = [r["facts"]["turn"] for r in saved if r["facts"]["writer"] == writer_number]
        assert turns == list(range(5))
