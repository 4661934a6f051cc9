"""Evidence packs (issue 10, "Export and verify"): WACZ files with the saved pages as WARC records,
signed in the WACZ spec's anonymous mode, and verified: one changed byte in any kind of file is
named, every time. Real store, real files: the 2020 listing page and a real PNG (the README's
screenshot), saved as the shopper's evidence."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import stat
import sys
import zipfile

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from warcio.archiveiterator import ArchiveIterator

from server import evidence
from server.evidence import Artifact, wacz
from server.marketplaces.aliexpress import orders as reader
from server.store import open_database
from server.store import orders as orders_table
from tests.support.fixtures import F2020, PAGE_URLS, ROOT

PNG = (ROOT / "docs" / "screenshots" / "badge.png").read_bytes()
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.timezone.utc)
ORDER_URL = "https://www.aliexpress.com/p/order/detail.html?orderId=8212313961591322"


@pytest.fixture
def locker(tmp_path):
    """A store with three records: the 2020 listing with its screenshot, an order page of the same
    product, and another product's page (not exported with the first)."""
    db = open_database(tmp_path / "emptor.db")
    page = F2020.read_bytes()
    first = evidence.save(db, tmp_path, kind="listing", url=PAGE_URLS[F2020.name], product_id="32993251330",
                          artifacts=[Artifact("page.html", page, "text/html"), Artifact("screenshot-1.png", PNG, "image/png")],
                          facts={"verdict": {"level": "high", "score": 72}, "price": {"min": 51.3, "currency": "EUR"}}, now=NOW)
    other = evidence.save(db, tmp_path, kind="listing", url="https://www.aliexpress.com/item/1005005939875273.html",
                          product_id="1005005939875273", artifacts=[Artifact("page.html", b"<html>other</html>", "text/html")],
                          now=NOW + dt.timedelta(minutes=1))
    order = evidence.save(db, tmp_path, kind="order", url=ORDER_URL, product_id="32993251330", order_id="8212313961591322",
                          artifacts=[Artifact("page.html", b"<html>order</html>", "text/html")],
                          now=NOW + dt.timedelta(minutes=2))
    yield db, tmp_path, (first, other, order)
    db.close()


def export(db, data_dir, out, **which) -> wacz.ExportedPack:
    return wacz.export_pack(db, data_dir, out, now=NOW, **which)


def test_a_pack_holds_the_product_s_records_and_verifies(locker, tmp_path):
    db, data_dir, (first, other, order) = locker
    pack = export(db, data_dir, tmp_path / "pack.wacz", product_id="32993251330")
    assert (pack.records, pack.artifacts) == (2, 3)
    result = wacz.verify(pack.path)
    assert result.intact, result.problems
    assert (result.records, result.fingerprint, result.created) == (2, pack.fingerprint, "2026-12-01T12:00:00Z")
    with zipfile.ZipFile(pack.path) as archive:
        chain = json.loads(archive.read(wacz.CHAIN_PATH))
        # The record not exported (another product) is in the chain as its hash only.
        assert [link["id"] for link in chain] == [first["id"], other["id"], order["id"]]
        assert other["id"] not in archive.read(wacz.REPORT_PATH).decode()
        listed = {r["path"] for r in json.loads(archive.read(wacz.PACKAGE))["resources"]}
        assert set(archive.namelist()) == listed | {wacz.PACKAGE, wacz.DIGEST}
        assert archive.getinfo(wacz.WARC_PATH).compress_type == zipfile.ZIP_STORED


def test_the_saved_page_is_a_warc_response_at_its_address_and_time(locker, tmp_path):
    """What ReplayWeb.page replays: the page as an HTTP response at its own address, dated when it
    was saved, in the CDXJ index; the screenshot as a resource record."""
    db, data_dir, _ = locker
    pack = export(db, data_dir, tmp_path / "pack.wacz", product_id="32993251330")
    with zipfile.ZipFile(pack.path) as archive:
        entries = list(ArchiveIterator(io.BytesIO(archive.read(wacz.WARC_PATH))))
        index = archive.read(wacz.INDEX_PATH).decode()
        pages = [json.loads(line) for line in archive.read(wacz.PAGES_PATH).decode().splitlines()]
    responses = [e for e in entries if e.rec_type == "response"]
    assert responses[0].rec_headers.get_header("WARC-Target-URI") == PAGE_URLS[F2020.name]
    assert responses[0].rec_headers.get_header("WARC-Date") == "2026-12-01T12:00:00Z"
    assert responses[0].http_headers.get_statuscode() == "200"
    assert "com,aliexpress,he)/item/32993251330.html 20261201120000" in index
    assert pages[0]["format"] == "json-pages-1.0" and pages[1]["url"] == PAGE_URLS[F2020.name]
    shots = [e for e in entries if e.rec_type == "resource" and e.rec_headers.get_header("Content-Type") == "image/png"]
    assert len(shots) == 1


def test_the_signature_is_the_wacz_spec_s_anonymous_mode(locker, tmp_path):
    """ECDSA P-384 over the UTF-8 "sha256:…" string, raw r||s in base64, SPKI DER public key:
    checked here with the cryptography package directly, not with emptor's verifier."""
    db, data_dir, _ = locker
    pack = export(db, data_dir, tmp_path / "pack.wacz", product_id="32993251330")
    with zipfile.ZipFile(pack.path) as archive:
        digest = json.loads(archive.read(wacz.DIGEST))
        package = archive.read(wacz.PACKAGE)
    signed = digest["signedData"]
    assert digest["hash"] == signed["hash"] == "sha256:" + hashlib.sha256(package).hexdigest()
    raw = base64.b64decode(signed["signature"])
    assert len(raw) == 96
    key = serialization.load_der_public_key(base64.b64decode(signed["publicKey"]))
    assert isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp384r1"
    der = encode_dss_signature(int.from_bytes(raw[:48], "big"), int.from_bytes(raw[48:], "big"))
    key.verify(der, signed["hash"].encode(), ec.ECDSA(hashes.SHA256()))  # raises if it does not hold


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_the_key_is_made_once_private_and_signs_every_pack(locker, tmp_path):
    db, data_dir, _ = locker
    first = export(db, data_dir, tmp_path / "one.wacz", product_id="32993251330")
    second = export(db, data_dir, tmp_path / "two.wacz", order_id="8212313961591322")
    assert first.fingerprint == second.fingerprint and len(first.fingerprint.split(":")) == 32
    assert stat.S_IMODE((data_dir / wacz.KEY_FILE).stat().st_mode) == 0o600


def rewritten(pack, tmp_path, name: str, change) -> object:
    """The pack with one member changed by ``change(bytes) -> bytes``, everything else as it was."""
    out = tmp_path / f"changed-{name.replace('/', '_')}.wacz"
    with zipfile.ZipFile(pack) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, change(data) if info.filename == name else data)
    return out


def flip(offset_share: float):
    def change(data: bytes) -> bytes:
        at = int(len(data) * offset_share)
        return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]
    return change


@pytest.mark.parametrize("name", [wacz.WARC_PATH, wacz.INDEX_PATH, wacz.PAGES_PATH, wacz.CHAIN_PATH, wacz.REPORT_PATH,
                                  wacz.PACKAGE, wacz.DIGEST])
@pytest.mark.parametrize("where", [0.1, 0.5, 0.9])
def test_one_changed_byte_in_any_file_is_named(locker, tmp_path, name, where):
    db, data_dir, _ = locker
    pack = export(db, data_dir, tmp_path / "pack.wacz", product_id="32993251330")
    result = wacz.verify(rewritten(pack.path, tmp_path, name, flip(where)))
    assert not result.intact
    assert any(problem.startswith(name) for problem in result.problems), result.problems


def test_a_file_added_to_the_pack_is_named(locker, tmp_path):
    db, data_dir, _ = locker
    pack = export(db, data_dir, tmp_path / "pack.wacz", product_id="32993251330")
    with zipfile.ZipFile(pack.path, "a") as archive:
        archive.writestr("report/extra.html", b"<p>added later</p>")
    assert wacz.verify(pack.path).problems == ["report/extra.html: in the pack but not listed in datapackage.json"]


def test_a_record_changed_and_resigned_with_another_key_is_still_found(locker, tmp_path):
    """Someone who edits a record and rebuilds the pack with a key of their own: the files and the
    signature hold, but the record no longer hashes to the chain's hash, and the fingerprint is not
    this emptor's."""
    db, data_dir, (first, _other, _order) = locker
    honest = export(db, data_dir, tmp_path / "pack.wacz", product_id="32993251330")
    forged_facts = dict(first, facts={"verdict": {"level": "low", "score": 0}})
    chain = evidence.records(db)
    chosen = [forged_facts, *[r for r in chain if r["id"] != first["id"] and r.get("product_id") == "32993251330"]]
    forged = wacz.write_pack(tmp_path / "forged.wacz", chain, chosen,
                             lambda sha: evidence.read_artifact(data_dir, sha), ec.generate_private_key(ec.SECP384R1()), NOW)
    result = wacz.verify(forged.path)
    assert result.problems == [f"record {first['id']}: changed (its hash is not the chain's)"]
    assert result.fingerprint != honest.fingerprint


def test_what_is_not_a_pack_gets_a_clear_error(tmp_path):
    (tmp_path / "notes.wacz").write_text("not a zip")
    with pytest.raises(wacz.PackError, match="not a zip file"):
        wacz.verify(tmp_path / "notes.wacz")
    with zipfile.ZipFile(tmp_path / "empty.wacz", "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(wacz.PackError, match="not a WACZ evidence pack"):
        wacz.verify(tmp_path / "empty.wacz")


def test_nothing_to_export_is_an_error_and_writes_nothing(locker, tmp_path):
    db, data_dir, _ = locker
    with pytest.raises(evidence.EvidenceError, match="no evidence"):
        export(db, data_dir, tmp_path / "none.wacz", product_id="4000000000000")
    assert not (tmp_path / "none.wacz").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_a_pack_is_private_from_its_first_byte_whatever_the_umask(locker, tmp_path):
    """A pack holds order pages: written 0600 even under umask 0 (the CLI writes it anywhere)."""
    import os

    db, data_dir, _ = locker
    previous = os.umask(0)
    try:
        pack = export(db, data_dir, tmp_path / "open.wacz", product_id="32993251330")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(pack.path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_an_order_s_pack_takes_in_the_checkout_capture_of_a_product_its_feed_names(locker, tmp_path):
    """The extension saves the checkout page before the order exists (kind "checkout", keyed by
    product); once an order feed names the product in the order's lines, the order's pack holds it.
    The real 2026 order list names product 1005745176332016 in order 8212313961591322."""
    db, data_dir, (first, other, order) = locker
    checkout = evidence.save(db, data_dir, kind="checkout", product_id="1005745176332016",
                             url="https://www.aliexpress.com/p/trade/confirm.html?objectId=1005745176332016&skuId=1",
                             artifacts=[Artifact("page.html", b"<html>checkout</html>", "text/html")],
                             facts={"checkout": {"product_id": "1005745176332016", "sku_id": "1", "cart_ids": None}},
                             now=NOW + dt.timedelta(minutes=3))
    unrelated = evidence.save(db, data_dir, kind="checkout", product_id="1005000000000001",
                              url="https://www.aliexpress.com/p/trade/confirm.html?objectId=1005000000000001",
                              artifacts=[Artifact("page.html", b"<html>another checkout</html>", "text/html")],
                              now=NOW + dt.timedelta(minutes=4))
    before = export(db, data_dir, tmp_path / "before.wacz", order_id="8212313961591322")
    feed = json.loads((ROOT / "tests" / "fixtures" / "orders" / "mtop_order_list_2026_anon.json").read_text())
    orders_table.record(db, reader.parse_feed(feed).orders, "2026-12-01T12:05:00Z")
    assert orders_table.product_ids(db, "8212313961591322") == ["1005745176332016"]
    after = export(db, data_dir, tmp_path / "after.wacz", order_id="8212313961591322")
    assert after.records == before.records + 1
    with zipfile.ZipFile(after.path) as archive:
        report = archive.read(wacz.REPORT_PATH).decode()
    assert checkout["id"] in report and unrelated["id"] not in report
    assert wacz.verify(after.path).intact
