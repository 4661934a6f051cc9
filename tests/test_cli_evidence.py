"""`emptor evidence save | list | delete | check` end to end, on real files in the test's folder."""

from __future__ import annotations

import struct
import zlib

import pytest
from click.testing import CliRunner

from server import evidence
from server.cli import cli
from server.evidence import store as evidence_store
from server.store import open_database
from tests.support.cli import run_emptor

LISTING = "https://www.aliexpress.us/item/3256805753560521.html"  # the US alias of 1005005939875273


def png(width=2, height=1, crc=None) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    ihdr = struct.pack(">I", 13) + b"IHDR" + header + struct.pack(">I", zlib.crc32(b"IHDR" + header) if crc is None else crc)
    pixels = zlib.compress(b"\x00" + b"\xff\x00\x00" * width * height)
    idat = struct.pack(">I", len(pixels)) + b"IDAT" + pixels + struct.pack(">I", zlib.crc32(b"IDAT" + pixels))
    return b"\x89PNG\r\n\x1a\n" + ihdr + idat + b"\x00\x00\x00\x00IEND\xaeB`\x82"


@pytest.fixture
def emptor(tmp_path):
    def run(*args, input=None):
        result = CliRunner().invoke(cli, list(args), input=input,
                                    env={"EMPTOR_DATA_DIR": str(tmp_path), "EMPTOR_DATABASE": None})
        return result

    return run


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "listing.html"
    path.write_text("<html><title>Listing</title></html>", encoding="utf-8")
    return path


def stored(tmp_path) -> list[dict]:
    db = open_database(tmp_path / "emptor.db")
    try:
        return evidence.records(db)
    finally:
        db.close()


def objects(tmp_path) -> list:
    directory = tmp_path / "evidence" / "objects"
    return sorted(path for path in directory.rglob("*") if path.is_file()) if directory.exists() else []


def test_save_list_check_as_a_real_process(tmp_path, page):
    shot = tmp_path / "shot.png"
    shot.write_bytes(png())
    saved = run_emptor("evidence", "save", "--url", LISTING, "--page", str(page), "--screenshot", str(shot),
                       tmp_path=tmp_path)
    assert saved.returncode == 0, saved.stderr
    record_id = saved.stdout.strip()
    (record,) = stored(tmp_path)
    assert record["id"] == record_id and record["kind"] == "listing" and record["product_id"] == "1005005939875273"
    assert [(a["name"], a["media_type"], a["size"]) for a in record["artifacts"]] == [
        ("page.html", "text/html", page.stat().st_size), ("screenshot-1.png", "image/png", shot.stat().st_size)]
    assert evidence.read_artifact(tmp_path, record["artifacts"][0]["sha256"]) == page.read_bytes()

    listed = run_emptor("evidence", "list", tmp_path=tmp_path)
    assert listed.returncode == 0
    line = next(line for line in listed.stdout.splitlines() if line.startswith(record_id))
    assert line.split() == [record_id, "listing", record["captured_at"], "1005005939875273", "2"]

    checked = run_emptor("evidence", "check", tmp_path=tmp_path)
    assert (checked.returncode, checked.stdout.strip()) == (0, "Evidence intact: 1 record, 2 files.")


def test_save_an_order_page_with_its_ids(emptor, tmp_path, page):
    result = emptor("evidence", "save", "--url", "https://www.aliexpress.com/p/order/detail.html?orderId=8123",
                    "--page", str(page), "--kind", "order", "--order", "8123", "--product", "1005005939875273")
    assert result.exit_code == 0, result.output
    (record,) = stored(tmp_path)
    assert (record["kind"], record["order_id"], record["product_id"]) == ("order", "8123", "1005005939875273")
    # An order page is redacted by default (this one holds no personal data to replace).
    assert record["facts"] == {"source": "emptor evidence save", "redaction": {"redacted": True, "found": []}}
    listed = emptor("evidence", "list")
    assert "1005005939875273 / order 8123" in listed.output


@pytest.mark.parametrize(("make", "said"), [
    (lambda: b"\xff\xd8\xff\xe0 a JPEG", "does not begin with the PNG signature"),
    (lambda: png(crc=0), "damaged"),
    (lambda: png(width=0), "gives no size"),
    (lambda: png()[:20], "ends before its IHDR header"),
])
def test_a_screenshot_that_is_not_a_png_is_refused_and_nothing_is_stored(emptor, tmp_path, page, make, said):
    shot = tmp_path / "shot.png"
    shot.write_bytes(make())
    result = emptor("evidence", "save", "--url", LISTING, "--page", str(page), "--screenshot", str(shot))
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "shot.png is not a PNG image" in result.output and said in result.output
    assert objects(tmp_path) == [] and not (tmp_path / "emptor.db").exists()


@pytest.mark.parametrize(("option", "limit"), [("--page", 16), ("--screenshot", 25)])
def test_files_over_the_limits_are_refused_before_they_are_read(emptor, tmp_path, page, option, limit):
    large = tmp_path / "large"
    with open(large, "wb") as file:
        file.truncate(limit * 1024 * 1024 + 1)  # sparse: nothing is written
    arguments = ["--page", str(page), "--screenshot", str(large)] if option == "--screenshot" else ["--page", str(large)]
    result = emptor("evidence", "save", "--url", LISTING, *arguments)
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert f"the limit is {limit} MB" in result.output
    assert objects(tmp_path) == []


def test_the_help_states_the_limits(emptor):
    result = emptor("evidence", "save", "--help")
    assert "16 MB" in result.output and "25 MB" in result.output


@pytest.mark.parametrize(("arguments", "said"), [
    (["--url", LISTING, "--page", "missing.html"], "cannot read missing.html"),
    (["--url", "ftp://example.com/x", "--page", "{page}"], "is not an http(s) address"),
    (["--url", LISTING, "--page", "{empty}"], "is empty"),
])
def test_bad_input_is_one_line_and_exit_1(emptor, tmp_path, page, arguments, said):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    arguments = [a.format(page=page, empty=empty) for a in arguments]
    result = emptor("evidence", "save", *arguments)
    assert result.exit_code == 1 and result.output.count("\n") == 1 and said in result.output, result.output
    assert objects(tmp_path) == []


@pytest.mark.parametrize("arguments", [
    ["--url", LISTING, "--page", "{page}", "--kind", "receipt"],
    ["--url", LISTING, "--page", "{page}", "--product", "4000927436411"],  # not the product the address shows
    ["--url", LISTING, "--page", "{page}", "--product", "abc"],
    ["--url", LISTING, "--page", "{page}", "--order", "8 1 2 3"],
    ["--page", "{page}"],
])
def test_usage_errors_are_exit_2(emptor, page, arguments):
    assert emptor("evidence", "save", *[a.format(page=page) for a in arguments]).exit_code == 2


def save_one(emptor, tmp_path, text, order=None):
    path = tmp_path / f"{text}.html"
    path.write_text(f"<html>{text}</html>", encoding="utf-8")
    result = emptor("evidence", "save", "--url", LISTING, "--page", str(path), *(["--order", order] if order else []))
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_delete_one_an_order_or_everything_with_confirmation(emptor, tmp_path):
    first, second, _third, fourth = (save_one(emptor, tmp_path, text, order)
                                    for text, order in (("a", None), ("b", "8123"), ("c", "8123"), ("d", None)))
    assert emptor("evidence", "delete").exit_code == 2
    assert emptor("evidence", "delete", first, "--all").exit_code == 2

    refused = emptor("evidence", "delete", "--order", "8123", input="n\n")
    assert refused.exit_code == 1 and "Delete the 2 records of order 8123 and their files?" in refused.output
    assert len([r for r in stored(tmp_path) if r["kind"] != "tombstone"]) == 4

    assert emptor("evidence", "delete", "--order", "8123", input="y\n").exit_code == 0
    deleted = emptor("evidence", "delete", first[:8], "--yes")
    assert deleted.exit_code == 0 and "Deleted 1 record" in deleted.output
    assert [r["kind"] for r in stored(tmp_path)] == ["tombstone"] * 3 + ["listing"]
    assert len(objects(tmp_path)) == 1

    listed = emptor("evidence", "list")
    assert fourth in listed.output and second not in listed.output and "3 deleted records" in listed.output

    unknown = emptor("evidence", "delete", first, "--yes")
    assert unknown.exit_code == 1 and f"no evidence record {first}" in unknown.output
    assert emptor("evidence", "delete", "--order", "8123", "--yes").exit_code == 1

    assert emptor("evidence", "delete", "--all", "--yes").exit_code == 0
    assert objects(tmp_path) == []
    assert emptor("evidence", "delete", "--all", "--yes").output == "No evidence to delete.\n"
    checked = emptor("evidence", "check")
    assert (checked.exit_code, checked.output) == (0, "Evidence intact: 0 records, 0 files, 4 tombstones.\n")


def test_check_names_every_problem_and_exits_1(emptor, tmp_path):
    first, second = save_one(emptor, tmp_path, "a"), save_one(emptor, tmp_path, "b")
    records = {r["id"]: r for r in stored(tmp_path)}
    for record_id in (first, second):
        path = evidence_store.object_path(tmp_path, records[record_id]["artifacts"][0]["sha256"])
        path.write_bytes(path.read_bytes() + b" ")
    result = emptor("evidence", "check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(first in line for line in lines) and any(second in line for line in lines)
    assert lines[-1] == "emptor: the evidence is not intact: 2 problems (above)."


def test_an_empty_store_lists_nothing_and_checks_intact(emptor):
    assert emptor("evidence", "list").output == "No evidence saved.\n"
    assert emptor("evidence", "check").output == "Evidence intact: 0 records, 0 files.\n"


def test_export_and_verify_a_pack(emptor, tmp_path, page):
    """Save, export the product's pack, verify it; then change one byte of the pack's WARC and the
    same command names the file and exits 1."""
    import zipfile

    shot = tmp_path / "shot.png"
    shot.write_bytes(png())
    assert emptor("evidence", "save", "--url", LISTING, "--page", str(page), "--screenshot", str(shot)).exit_code == 0
    pack = tmp_path / "dispute.wacz"
    exported = emptor("evidence", "export", "--product", "1005005939875273", "-o", str(pack))
    assert exported.exit_code == 0, exported.output
    assert "1 record, 2 files" in exported.output and "signed" in exported.output
    verified = emptor("evidence", "verify", str(pack))
    assert verified.exit_code == 0 and "is intact: 1 record" in verified.output
    changed = tmp_path / "changed.wacz"
    with zipfile.ZipFile(pack) as source, zipfile.ZipFile(changed, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "archive/data.warc.gz":
                data = data[:-20] + bytes([data[-20] ^ 1]) + data[-19:]
            target.writestr(info, data)
    refused = emptor("evidence", "verify", str(changed))
    assert refused.exit_code == 1 and "archive/data.warc.gz" in refused.output


@pytest.mark.parametrize(("args", "code", "said"), [
    (("export", "-o", "x.wacz"), 2, "name one product"),
    (("export", "--product", "1", "--order", "2", "-o", "x.wacz"), 2, "name one product"),
    (("export", "--product", "4000000000000", "-o", "x.wacz"), 1, "no evidence is saved for product 4000000000000"),
    (("verify", "missing.wacz"), 1, "does not exist"),
])
def test_export_and_verify_bad_input(emptor, tmp_path, args, code, said):
    result = emptor("evidence", *args)
    assert result.exit_code == code and said in result.output


def test_verify_refuses_what_is_not_a_pack(emptor, tmp_path):
    (tmp_path / "notes.wacz").write_text("hello")
    result = emptor("evidence", "verify", str(tmp_path / "notes.wacz"))
    assert result.exit_code == 1 and "not a zip file" in result.output


def test_an_order_page_saved_by_hand_is_redacted_unless_asked_not_to(emptor, tmp_path):
    """CONSTRUCTED order page (tests/support/personal_data.py)."""
    from tests.support.personal_data import FAKE, constructed_order_page

    page = tmp_path / "order.html"
    page.write_text(constructed_order_page(), encoding="utf-8")
    url = "https://www.aliexpress.com/p/order/detail.html?orderId=8212313961591322"
    saved = emptor("evidence", "save", "--url", url, "--page", str(page), "--kind", "order", "--order", "8212313961591322")
    assert saved.exit_code == 0, saved.output
    (record,) = stored(tmp_path)
    kept = evidence.read_artifact(tmp_path, record["artifacts"][0]["sha256"]).decode()
    assert FAKE["name"] not in kept and "[redacted: name]" in kept
    assert record["facts"]["redaction"]["redacted"] is True
    again = emptor("evidence", "save", "--url", url, "--page", str(page), "--kind", "order", "--no-redact")
    assert again.exit_code == 0
    newest = stored(tmp_path)[-1]
    assert FAKE["name"] in evidence.read_artifact(tmp_path, newest["artifacts"][0]["sha256"]).decode()
    assert newest["facts"]["redaction"] == {"redacted": False, "found": []}
