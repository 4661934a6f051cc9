"""Crash safety of evidence (as tests/test_crash_safety.py does for prices): a save the service
acknowledged survives the service being SIGKILLed, and the chain is never left half written.

The real ``emptor serve`` takes a burst of evidence saves from several threads, each an upload of
a page no other save used followed by the record naming it (``POST /api/v1/evidence/artifacts``,
then ``POST /api/v1/evidence``). At a random moment (seeded: the same delays on every run) the
service is killed with SIGKILL and restarted on the same data directory, five times. After each
kill the store is opened directly: every record answered 201 must be there exactly as answered,
its artifact on disk whole, the whole chain must verify (server/evidence.verify: every hash
recomputed, every link, every file), and every row must be a whole record or a tombstone.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import random
import threading
from dataclasses import dataclass, field

import httpx

from server import evidence
from server.evidence import store as evidence_store
from server.store import open_database
from tests.support.cli import EMPTOR, serving
from tests.support.crash import TLS, kill_during_traffic
from tests.support.pairing import PairedAuth

SECRET = "crash-safety-evidence-secret-0123456789"
ROUNDS = 5
WRITERS = 4
KILL_AFTER = (0.1, 0.8)  # seconds after the round's first acknowledged save
SEED = 8
URL = "https://www.aliexpress.com/item/1005003568989271.html"


@dataclass
class Saves:
    killing: threading.Event = field(default_factory=threading.Event)
    saved: threading.Event = field(default_factory=threading.Event)
    acknowledged: dict[str, dict] = field(default_factory=dict)  # record id → the record answered
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    numbers: itertools.count = field(default_factory=itertools.count)

    def one_save(self, client: httpx.Client) -> None:
        with self.lock:
            number = next(self.numbers)
        page = f"<!doctype html><title>save {number}</title><p>{'x' * 2000}</p>".encode()
        uploaded = client.post("/api/v1/evidence/artifacts", content=page, headers={"Content-Type": "text/html"})
        if uploaded.status_code != 201:
            self.failures.append(f"upload answered {uploaded.status_code}: {uploaded.text[:300]}")
            return
        body = {"kind": "listing", "url": URL, "product_id": "1005003568989271", "facts": {"number": number},
                "artifacts": [{"name": "page.html", "sha256": uploaded.json()["sha256"], "media_type": "text/html"}]}
        created = client.post("/api/v1/evidence", json=body)
        if created.status_code != 201:
            self.failures.append(f"record answered {created.status_code}: {created.text[:300]}")
            return
        record = created.json()
        with self.lock:
            self.acknowledged[record["id"]] = record
        self.saved.set()

    def run(self, client: httpx.Client) -> None:
        while True:
            try:
                self.one_save(client)
            except httpx.TransportError as exc:
                if not self.killing.is_set():
                    with self.lock:
                        self.failures.append(f"connection failed before the kill: {exc!r}")
                return
            except Exception as exc:  # an unsigned answer, or a bug here
                with self.lock:
                    self.failures.append(repr(exc))
                return


def test_sigkill_during_evidence_saves_loses_no_acknowledged_record_and_leaves_none_half(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "EMPTOR_DATA_DIR": str(data), "EMPTOR_TOKEN": SECRET}
    env.pop("EMPTOR_DATABASE", None)
    saves = Saves()
    rng = random.Random(SEED)
    for number in range(1, ROUNDS + 1):
        delay = rng.uniform(*KILL_AFTER)
        before = len(saves.acknowledged)
        kill_during_traffic(env, SECRET, [saves.run] * WRITERS, saves.saved, saves.killing, delay)
        assert saves.failures == [], f"round {number}: {saves.failures[:5]}"
        assert len(saves.acknowledged) > before, f"round {number}: no save was acknowledged"
        with contextlib.closing(open_database(data / "emptor.db")) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = {record["id"]: record for record in evidence.records(db)}
            problems = evidence.verify(db, data)
            rows = list(db.query("select * from evidence_records"))
        where = f"round {number} (killed after {delay:.2f} s)"
        assert problems == [], f"{where}: {problems[:5]}"
        lost = set(saves.acknowledged) - set(stored)
        assert not lost, f"{where}: {len(lost)} acknowledged records lost"
        changed = [rid for rid, record in saves.acknowledged.items() if stored[rid] != record]
        assert not changed, f"{where}: records not as answered: {changed[:5]}"
        for rid in saves.acknowledged:  # each artifact whole on disk (verify checked size and hash too)
            (artifact,) = stored[rid]["artifacts"]
            assert evidence_store.object_path(data, artifact["sha256"]).stat().st_size == artifact["size"]
        # No record is half: every row is a whole record (its hash recomputes) or a tombstone.
        for row in rows:
            record = evidence_store.record_of_row(row)
            assert row["kind"] == "tombstone" or evidence_store.record_hash(record) == row["hash"], f"{where}: {row['id']}"



def test_the_real_service_takes_a_screenshot_over_the_request_limit(tmp_path):
    """waitress (emptor serve) reads bodies up to the largest endpoint limit, a 25 MB screenshot;
    a page over 16 MB is still refused with the page limit."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    shot = b"\x89PNG\r\n\x1a\n" + header + chunk(b"teXt", bytes(20 * 1024 * 1024)) + chunk(b"IEND", b"")
    env = {**os.environ, "EMPTOR_DATA_DIR": str(tmp_path), "EMPTOR_TOKEN": SECRET}
    env.pop("EMPTOR_DATABASE", None)
    with serving([EMPTOR, "serve"], env=env) as served, \
            httpx.Client(base_url=served.url, auth=PairedAuth(SECRET), timeout=60, verify=TLS) as client:
        answer = client.post("/api/v1/evidence/artifacts", content=shot, headers={"Content-Type": "image/png"})
        assert answer.status_code == 201, answer.text[:300]
        assert answer.json()["size"] == len(shot)
        page = client.post("/api/v1/evidence/artifacts", content=b"<p>" + bytes(17 * 1024 * 1024),
                           headers={"Content-Type": "text/html"})
        assert page.status_code == 413 and "the limit is 16 MB" in page.json()["message"]
