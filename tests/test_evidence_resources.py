"""A saved page keeps its look (issue 10): its stylesheets and product images are artifacts that
carry the address they were fetched from (server/evidence/resources.py), and a pack replays them
as WARC responses at those addresses, which `emptor evidence verify` checks like any artifact.

Real files throughout: the 2020 listing page, and real JPEG, PNG, GIF and WebP images
(tests/fixtures/images, CPython's test images)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from warcio.archiveiterator import ArchiveIterator

from server import evidence
from server.evidence import Artifact, resources, wacz
from server.evidence import store as evidence_store
from server.store import open_database
from tests.support.api import assert_error
from tests.support.fixtures import F2020, PAGE_URLS, ROOT

IMAGES = ROOT / "tests" / "fixtures" / "images"
JPEG, PNG, GIF, WEBP = ((IMAGES / f"python.{kind}").read_bytes() for kind in ("jpg", "png", "gif", "webp"))
CSS = b".product-title{font:700 24px/1.3 Arial;color:#191919}.price{color:#fd384f}\n"
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.timezone.utc)
PRODUCT = "32993251330"
PAGE_URL = PAGE_URLS[F2020.name]
CSS_URL = "https://assets.alicdn.com/g/ae-fe/pdp-pc/0.2.134/css/index.css"
JPEG_URL = "https://ae01.alicdn.com/kf/S842af8715d744a1582d33171b8308b13a.jpg_960x960.jpg"
WEBP_URL = "https://ae-pic-a1.aliexpress-media.com/kf/S61704a82fde248eda5f3516b2edfa4f07.jpg_220x220q75.jpg_.webp"


# --- the service's API -------------------------------------------------------------------------


def upload(client, data: bytes, media_type: str):
    return client.post("/api/v1/evidence/artifacts", data=data, headers={"Content-Type": media_type})


def uploaded(client, data: bytes, media_type: str) -> str:
    response = upload(client, data, media_type)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["sha256"]


@pytest.mark.parametrize("data, media_type", [(CSS, "text/css"), (JPEG, "image/jpeg"), (PNG, "image/png"),
                                              (GIF, "image/gif"), (WEBP, "image/webp")])
def test_each_kind_of_page_resource_is_accepted(client, data, media_type):
    answer = upload(client, data, media_type)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert answer.get_json()["sha256"] == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("data, media_type", [(PNG, "image/jpeg"), (JPEG, "image/webp"), (CSS, "image/gif"),
                                              (JPEG, "image/avif")])
def test_an_image_that_is_not_its_type_is_422_and_nothing_is_stored(client, app, data, media_type):
    body = assert_error(upload(client, data, media_type), 422, "not_image")
    assert media_type in body["message"]
    assert not (evidence_store.objects_directory(app.config["DATA_DIR"])).exists()


@pytest.mark.parametrize("media_type", sorted(resources.LIMITS))
def test_an_oversized_resource_is_413_with_its_limit(client, media_type):
    limit = resources.LIMITS[media_type]
    head = {"text/css": b"", "image/jpeg": JPEG[:16], "image/webp": WEBP[:16], "image/gif": GIF[:16],
            "image/avif": b"\x00\x00\x00\x1cftypavif"}[media_type]
    body = assert_error(upload(client, head + b"\x00" * (limit + 1 - len(head)), media_type), 413, "request_too_large")
    assert f"{limit // resources.MEGABYTE} MB" in body["message"]
    assert upload(client, head + b"\x00" * (limit - len(head)), media_type).status_code != 413


def resource_record(client, **artifact_fields) -> dict:
    page = uploaded(client, F2020.read_bytes(), "text/html")
    css = uploaded(client, CSS, "text/css")
    jpeg = uploaded(client, JPEG, "image/jpeg")
    return {"kind": "listing", "url": PAGE_URL, "product_id": PRODUCT, "artifacts": [
        {"name": "page.html", "sha256": page, "media_type": "text/html"},
        {"name": "style-1.css", "sha256": css, "media_type": "text/css", "url": CSS_URL},
        {"name": "image-1.jpg", "sha256": jpeg, "media_type": "image/jpeg", "url": JPEG_URL, **artifact_fields}]}


def test_a_record_keeps_each_resource_s_address_and_the_pack_replays_it_there(client, app):
    created = client.post("/api/v1/evidence", json=resource_record(client))
    assert created.status_code == 201, created.get_data(as_text=True)
    record = created.get_json()
    assert [a.get("url") for a in record["artifacts"]] == [None, CSS_URL, JPEG_URL]
    assert "url" not in record["artifacts"][0]  # left out, not null: the page's entry hashes as it always did
    assert record["hash"] == evidence_store.record_hash(record)
    pack = client.post("/api/v1/evidence/export", json={"product_id": PRODUCT}).get_json()
    assert client.post("/api/v1/evidence/verify", json={"path": pack["path"]}).get_json()["intact"] is True
    assert responses(pack["path"])[CSS_URL] == ("text/css", CSS)


@pytest.mark.parametrize("change, field, words", [
    ({"url": "ftp://ae01.alicdn.com/kf/a.jpg"}, "artifacts[2].url", "http(s)"),
    ({"url": "/kf/a.jpg"}, "artifacts[2].url", "absolute"),
    ({"url": ""}, "artifacts[2].url", "non-empty"),
    ({"url": 7}, "artifacts[2].url", "non-empty"),
    ({"url": "https://ae01.alicdn.com/" + "a" * 9000}, "artifacts[2].url", "limit is 8192"),
    ({"media_type": "text/html"}, "artifacts[2].url", "the page itself"),
    ({"origin": JPEG_URL}, "artifacts[2]", "exactly name, sha256 and media_type"),
])
def test_a_bad_resource_entry_is_400_naming_it_and_nothing_is_stored(client, app, change, field, words):
    body = resource_record(client, **change)
    answer = assert_error(client.post("/api/v1/evidence", json=body), 400, "bad_artifacts")
    assert answer["field"] == field and words in answer["message"], answer
    assert client.get("/api/v1/evidence").get_json()["records"] == []


def test_an_image_named_with_another_type_in_a_record_is_422(client):
    body = resource_record(client)
    body["artifacts"][2]["media_type"] = "image/webp"  # the file uploaded is a JPEG
    answer = assert_error(client.post("/api/v1/evidence", json=body), 422, "not_image")
    assert answer["field"] == "artifacts[2]"
    assert client.get("/api/v1/evidence").get_json()["records"] == []


# --- the store and the pack --------------------------------------------------------------------


@pytest.fixture
def saved(tmp_path):
    """The 2020 listing saved with a screenshot, a stylesheet and two product images, and a record
    saved the old way (no resources), whose hash must not have moved."""
    db = open_database(tmp_path / "emptor.db")
    old = evidence.save(db, tmp_path, kind="listing", url=PAGE_URL, product_id=PRODUCT,
                        artifacts=[Artifact("page.html", b"<html>before resources</html>", "text/html")], now=NOW)
    record = evidence.save(db, tmp_path, kind="listing", url=PAGE_URL, product_id=PRODUCT, artifacts=[
        Artifact("page.html", F2020.read_bytes(), "text/html"), Artifact("screenshot.png", PNG, "image/png"),
        Artifact("style-1.css", CSS, "text/css", CSS_URL), Artifact("image-1.jpg", JPEG, "image/jpeg", JPEG_URL),
        Artifact("image-2.webp", WEBP, "image/webp", WEBP_URL)], now=NOW + dt.timedelta(minutes=1))
    yield db, tmp_path, old, record
    db.close()


def test_a_record_without_resources_hashes_as_before_the_url_key_existed(saved):
    _db, _data_dir, old, _record = saved
    # Recomputed from the format's thirteen keys, written out here: no "url" key appears.
    keys = {key: old[key] for key in evidence_store.HASHED}
    assert all(set(a) == {"name", "sha256", "size", "media_type"} for a in old["artifacts"])
    assert old["hash"] == hashlib.sha256(evidence.canonical(keys)).hexdigest()


def responses(pack_path) -> dict:
    """The pack's WARC response records: address -> (Content-Type, body)."""
    with zipfile.ZipFile(pack_path) as archive:
        entries = ArchiveIterator(io.BytesIO(archive.read(wacz.WARC_PATH)))
        return {entry.rec_headers.get_header("WARC-Target-URI"): (entry.http_headers.get_header("Content-Type"),
                                                                 entry.content_stream().read())
                for entry in entries if entry.rec_type == "response"}


def test_each_resource_is_a_response_at_its_own_address_indexed_and_verified(saved, tmp_path):
    db, data_dir, _old, record = saved
    pack = wacz.export_pack(db, data_dir, tmp_path / "pack.wacz", product_id=PRODUCT, now=NOW)
    found = responses(pack.path)
    assert found[CSS_URL] == ("text/css", CSS)
    assert found[JPEG_URL] == ("image/jpeg", JPEG)
    assert found[WEBP_URL] == ("image/webp", WEBP)
    assert found[PAGE_URL][0] == "text/html"
    with zipfile.ZipFile(pack.path) as archive:
        index = archive.read(wacz.INDEX_PATH).decode()
        pages = [json.loads(line) for line in archive.read(wacz.PAGES_PATH).decode().splitlines()[1:]]
        warc = ArchiveIterator(io.BytesIO(archive.read(wacz.WARC_PATH)))
        uris = [entry.rec_headers.get_header("WARC-Target-URI") for entry in warc]
    # The CDXJ index finds each by its address (SURT form: host reversed), so replay resolves them.
    assert "com,alicdn,assets)/g/ae-fe/pdp-pc/0.2.134/css/index.css" in index
    assert "com,alicdn,ae01)/kf/s842af8715d744a1582d33171b8308b13a.jpg_960x960.jpg" in index
    # Pages list the saved pages only; the screenshot stays a resource of emptor's own.
    assert [p["url"] for p in pages] == [PAGE_URL, PAGE_URL]
    assert f"urn:emptor:{record['id']}/screenshot.png" in uris
    assert not any(uri.startswith(f"urn:emptor:{record['id']}/style") for uri in uris)
    result = wacz.verify(pack.path)
    assert result.intact, result.problems
    assert result.records == 2
    with zipfile.ZipFile(pack.path) as archive:
        assert f"fetched from {JPEG_URL}" in archive.read(wacz.REPORT_PATH).decode()


@pytest.mark.parametrize("name, body", [("style-1.css", CSS), ("image-1.jpg", JPEG), ("image-2.webp", WEBP)])
def test_a_changed_byte_in_a_stylesheet_or_image_is_named_by_verify(saved, tmp_path, name, body):
    """A pack rebuilt, and signed again, around one changed byte of a resource: every file and the
    signature hold, the record's hash holds, and verify names the resource that changed."""
    db, data_dir, _old, record = saved
    changed = body[:10] + bytes([body[10] ^ 0x01]) + body[11:]
    target = hashlib.sha256(body).hexdigest()
    chain = evidence.records(db)
    chosen = [r for r in chain if r.get("product_id") == PRODUCT]

    def read(sha256: str) -> bytes:
        return changed if sha256 == target else evidence.read_artifact(data_dir, sha256)

    forged = wacz.write_pack(tmp_path / "forged.wacz", chain, chosen, read, ec.generate_private_key(ec.SECP384R1()), NOW)
    assert wacz.verify(forged.path).problems == [f"record {record['id']}: artifact {name} changed"]


def test_a_changed_byte_in_the_archive_where_a_stylesheet_is_is_named(saved, tmp_path):
    db, data_dir, _old, _record = saved
    pack = wacz.export_pack(db, data_dir, tmp_path / "pack.wacz", product_id=PRODUCT, now=NOW)
    out = tmp_path / "flipped.wacz"
    with zipfile.ZipFile(pack.path) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == wacz.WARC_PATH:
                records = ArchiveIterator(io.BytesIO(data))
                offset = next(records.get_record_offset() for entry in records
                              if entry.rec_headers.get_header("WARC-Target-URI") == CSS_URL)
                data = data[:offset + 40] + bytes([data[offset + 40] ^ 0x01]) + data[offset + 41:]
            target.writestr(info, data)
    problems = wacz.verify(out).problems
    assert any(problem.startswith(wacz.WARC_PATH) for problem in problems), problems


def test_the_store_refuses_a_resource_address_that_is_not_one(tmp_path):
    db = open_database(tmp_path / "emptor.db")
    try:
        with pytest.raises(evidence.EvidenceError, match="the address of image-1.jpg is not one"):
            evidence.save(db, tmp_path, kind="listing", url=PAGE_URL, artifacts=[
                Artifact("page.html", b"<html></html>", "text/html"),
                Artifact("image-1.jpg", JPEG, "image/jpeg", "javascript:alert(1)")])
        assert evidence.records(db) == []
    finally:
        db.close()


# --- `emptor evidence save --resource` ----------------------------------------------------------


@pytest.fixture
def emptor(tmp_path):
    from click.testing import CliRunner

    from server.cli import cli

    def run(*args):
        return CliRunner().invoke(cli, list(args), env={"EMPTOR_DATA_DIR": str(tmp_path), "EMPTOR_DATABASE": None})

    return run


def test_the_cli_saves_a_page_with_its_stylesheet_and_images_and_the_pack_replays_them(emptor, tmp_path):
    (tmp_path / "index.css").write_bytes(CSS)
    saved = emptor("evidence", "save", "--url", PAGE_URL, "--page", str(F2020),
                   "--resource", CSS_URL, str(tmp_path / "index.css"),
                   "--resource", JPEG_URL, str(IMAGES / "python.jpg"),
                   "--resource", WEBP_URL, str(IMAGES / "python.webp"))
    assert saved.exit_code == 0, saved.output
    db = open_database(tmp_path / "emptor.db")
    try:
        [record] = evidence.records(db)
    finally:
        db.close()
    assert [(a["name"], a["media_type"], a.get("url")) for a in record["artifacts"]] == [
        ("page.html", "text/html", None), ("style-1.css", "text/css", CSS_URL),
        ("image-1.jpg", "image/jpeg", JPEG_URL), ("image-2.webp", "image/webp", WEBP_URL)]
    exported = emptor("evidence", "export", "--product", PRODUCT, "-o", str(tmp_path / "pack.wacz"))
    assert exported.exit_code == 0, exported.output
    assert responses(tmp_path / "pack.wacz")[WEBP_URL] == ("image/webp", WEBP)
    verified = emptor("evidence", "verify", str(tmp_path / "pack.wacz"))
    assert verified.exit_code == 0 and "is intact: 1 record" in verified.output, verified.output


def test_the_cli_refuses_a_resource_that_is_not_one_and_stores_nothing(emptor, tmp_path):
    (tmp_path / "notes.txt").write_text("not a stylesheet")
    (tmp_path / "big.css").write_bytes(b"a" * (resources.LIMITS["text/css"] + 1))
    cases = [
        (["--resource", "javascript:alert(1)", str(IMAGES / "python.jpg")], "not the address of a stylesheet or image"),
        (["--resource", JPEG_URL, str(tmp_path / "notes.txt")], "neither a stylesheet"),
        (["--resource", CSS_URL, str(tmp_path / "big.css")], "the limit for text/css is 2 MB"),
        (["--resource", CSS_URL, str(tmp_path / "missing.css")], "missing.css"),
    ]
    for extra, words in cases:
        result = emptor("evidence", "save", "--url", PAGE_URL, "--page", str(F2020), *extra)
        assert result.exit_code != 0 and words in result.output, (extra, result.output)
        assert "Traceback" not in result.output
    assert not (tmp_path / "emptor.db").exists() or emptor("evidence", "list").output.startswith("No evidence saved")
