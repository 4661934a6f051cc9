"""`emptor scan FILE` on files as people save them (issue 9), each made from a real fixture
(tests/support/saved_files.py) and scanned by the real command: every case read, with what was
not read said in the report's errors (code "file"), and a control that the untouched file says
nothing of the kind."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from tests.support.cli import run_emptor
from tests.support.fixtures import F2020, F2209, F2212, F2607_DOM, PAGE_URLS, read_text
from tests.support.reports import VALIDATOR
from tests.support.saved_files import (
    LOG_LINE,
    cut_after_title,
    cut_inside_character,
    cut_inside_data,
    data_script,
    mhtml,
    utf16,
    with_log_line,
    without_ids,
    without_own_address,
)


def _scan(tmp_path, path, *args):
    result = run_emptor("scan", str(path), "--json", *args, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, VALIDATOR.schema)
    return report


def _verdict(report) -> tuple:
    return (report["page"]["status"], report["listing"]["product_id"], report["verdict"]["score"],
            [f["code"] for f in report["findings"]], [f["code"] for f in report["trust"]])


def _file_notes(report) -> list[str]:
    return [error["message"] for error in report["errors"] if error["code"] == "file"]


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    """The untouched fixtures' reports: what every damaged copy is held to, and the controls."""
    tmp = tmp_path_factory.mktemp("originals")
    return {path: _scan(tmp, path) for path in (F2020, F2212, F2209)}


def test_the_untouched_files_have_no_file_notes(originals):
    for report in originals.values():
        assert report["page"]["status"] == "ok" and _file_notes(report) == []


# --- stray text before the content -----------------------------------------------------------


@pytest.mark.parametrize("prefix, quoted", [
    (LOG_LINE + "\n", LOG_LINE),
    ("[2024-05-02 10:14] saved https://www.aliexpress.us/item/3256803382674519.html\n", "[2024-05-02 10:14] saved"),
    ("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n", "HTTP/1.1 200 OK"),
    ("Saved: ", "Saved:"),  # on the markup's own line
], ids=["log-line", "bracketed-log-line", "curl-i-headers", "same-line"])
def test_stray_text_before_a_page_is_skipped_and_said(tmp_path, originals, prefix, quoted):
    saved = tmp_path / "page.html"
    saved.write_bytes(prefix.encode() + F2212.read_bytes())
    report = _scan(tmp_path, saved)
    assert _verdict(report) == _verdict(originals[F2212])
    (note,) = _file_notes(report)
    assert note.startswith(f"{saved} starts with") and quoted in note and "skipped" in note


def test_a_byte_order_mark_is_not_stray_text(tmp_path, originals):
    saved = tmp_path / "page.html"
    saved.write_bytes(b"\xef\xbb\xbf" + F2212.read_bytes())
    report = _scan(tmp_path, saved)
    assert _verdict(report) == _verdict(originals[F2212]) and _file_notes(report) == []


def test_a_log_line_before_and_after_a_feed_is_skipped(tmp_path, originals):
    saved = tmp_path / "feed.json"
    saved.write_bytes(with_log_line(F2209.read_bytes()) + b"\nDONE in 1.2 s\n")
    report = _scan(tmp_path, saved)
    assert _verdict(report) == _verdict(originals[F2209])
    before, after = _file_notes(report)
    assert LOG_LINE in before and '"DONE in 1.2 s"' in after and "after its JSON ends" in after


# --- encodings ---------------------------------------------------------------------------------


@pytest.mark.parametrize("bom", [True, False], ids=["with-bom", "without-bom"])
@pytest.mark.parametrize("byteorder", ["little", "big"])
def test_a_utf16_page_is_read_whole(tmp_path, originals, bom, byteorder):
    saved = tmp_path / "page.html"
    saved.write_bytes(utf16(read_text(F2020), bom=bom, byteorder=byteorder))
    report = _scan(tmp_path, saved)
    assert _verdict(report) == _verdict(originals[F2020]) and _file_notes(report) == []
    assert report["listing"]["title"] == originals[F2020]["listing"]["title"]  # the Hebrew survives


def test_a_log_line_before_a_utf16_page_is_skipped(tmp_path, originals):
    """PowerShell's `tool > page.html` after a line the tool printed in UTF-8."""
    saved = tmp_path / "page.html"
    saved.write_bytes(with_log_line(utf16(read_text(F2212), bom=True)))
    report = _scan(tmp_path, saved)
    assert _verdict(report) == _verdict(originals[F2212])
    assert [LOG_LINE in note for note in _file_notes(report)] == [True]


def test_a_page_in_the_encoding_its_markup_declares(tmp_path, originals):
    """The 2020 Hebrew page re-saved in windows-1255, as its <meta charset> then says."""
    text = read_text(F2020).replace('charset="utf-8"', 'charset="windows-1255"', 1)
    assert 'charset="windows-1255"' in text
    saved = tmp_path / "page.html"
    saved.write_bytes(text.encode("windows-1255", "replace"))
    report = _scan(tmp_path, saved)
    assert report["listing"]["title"] == originals[F2020]["listing"]["title"]
    assert _verdict(report)[:2] == _verdict(originals[F2020])[:2]


def test_a_few_bytes_that_are_not_text_are_said_and_many_are_refused(tmp_path, originals):
    page = F2212.read_bytes()
    cut = page.index(b"<title>")
    stray = tmp_path / "stray.html"
    stray.write_bytes(page[:cut] + "<!-- café à la crème -->".encode("latin-1") + page[cut:])  # 3 Latin-1 bytes
    report = _scan(tmp_path, stray)
    assert _verdict(report) == _verdict(originals[F2212])
    (note,) = _file_notes(report)
    assert "3 bytes that are not UTF-8 text" in note and f"byte {cut + len('<!-- caf'):,}" in note
    garbage = tmp_path / "latin.html"
    garbage.write_bytes(b"<html><head><title>" + bytes(range(0x80, 0x100)) * 50 + b"</title></head></html>")
    refused = run_emptor("scan", str(garbage), tmp_path=tmp_path)
    assert refused.returncode == 1 and "is not UTF-8 text" in refused.stderr and refused.stdout == ""


# --- the page's data script on its own -------------------------------------------------------


def test_a_bare_runparams_script_is_read_as_the_page_reads_it(tmp_path, originals):
    saved = tmp_path / "runParams.js"
    saved.write_text(data_script(read_text(F2212)), encoding="utf-8")
    report = _scan(tmp_path, saved)
    assert _verdict(report) == _verdict(originals[F2212]) and _file_notes(report) == []
    assert report["page"]["sources"] == ["runParams"]


def test_the_script_is_recognised_by_its_content_whatever_its_name(tmp_path, originals):
    saved = tmp_path / "runParams.txt"
    saved.write_text(data_script(read_text(F2212)), encoding="utf-8")
    assert _verdict(_scan(tmp_path, saved)) == _verdict(originals[F2212])


def test_a_script_that_sets_no_page_variable_is_refused_by_name(tmp_path):
    saved = tmp_path / "analytics.js"
    saved.write_text('var GaData = {\n  pageType: "product"\n};\n', encoding="utf-8")
    result = run_emptor("scan", str(saved), tmp_path=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == (f"emptor: {saved} is JavaScript, but it sets none of the page variables emptor "
                                     "reads (runParams, _init_data_).")


def test_a_script_cut_short_says_so(tmp_path):
    script = data_script(read_text(F2212))
    saved = tmp_path / "runParams.js"
    saved.write_text(script[: len(script) // 2], encoding="utf-8")
    report = _scan(tmp_path, saved)
    assert report["page"]["status"] != "ok"
    (note,) = _file_notes(report)
    assert note.startswith(f"{saved} is cut off: it ends in the middle of its script")


# --- cut off ---------------------------------------------------------------------------------


def test_a_page_cut_after_its_title_names_the_readable_part(tmp_path):
    saved = tmp_path / "page.html"
    saved.write_text(cut_after_title(read_text(F2212)), encoding="utf-8")
    result = run_emptor("scan", str(saved), tmp_path=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "does not name its own address" in line and "--url" in line
    assert "is cut off right after the page's title (\"Unisex Glasses Windproof" in line


def test_a_page_cut_after_its_title_with_its_address_reports_what_is_missing(tmp_path):
    saved = tmp_path / "page.html"
    saved.write_text(cut_after_title(read_text(F2212)), encoding="utf-8")
    report = _scan(tmp_path, saved, "--url", PAGE_URLS[F2212.name])
    assert report["page"]["status"] != "ok" and report["verdict"]["score"] is None
    assert report["listing"]["product_id"] == "1005003568989271"
    (note,) = _file_notes(report)
    assert "cut off right after the page's title" in note and "only the part before the cut was read" in note


def test_a_page_cut_inside_its_product_data_says_which_data(tmp_path, originals):
    saved = tmp_path / "page.html"
    saved.write_text(cut_inside_data(read_text(F2212)), encoding="utf-8")
    report = _scan(tmp_path, saved)
    assert report["page"]["status"] != "ok"
    (note,) = _file_notes(report)
    assert "inside the script that holds the page's product data (runParams)" in note


def test_a_page_cut_between_the_bytes_of_a_character(tmp_path):
    saved = tmp_path / "page.html"
    saved.write_bytes(cut_inside_character(F2020.read_bytes()))
    report = _scan(tmp_path, saved)
    (note,) = _file_notes(report)
    assert note.startswith(f"{saved} is cut off")


def test_a_feed_cut_short_is_refused_saying_so(tmp_path):
    saved = tmp_path / "feed.json"
    saved.write_bytes(F2209.read_bytes()[:50_000])
    result = run_emptor("scan", str(saved), tmp_path=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert re.fullmatch(rf"emptor: {re.escape(str(saved))} is cut off: it ends in the middle of its JSON, after "
                        r"4\d,\d{3} characters\. JSON cut short cannot be read at all\.\n", result.stderr)


# --- Chrome's single-file save -----------------------------------------------------------------


def test_a_single_file_save_is_read_with_the_address_it_was_saved_from(tmp_path, originals):
    saved = tmp_path / "page.mhtml"
    saved.write_bytes(mhtml(without_own_address(read_text(F2020)), PAGE_URLS[F2020.name]))
    report = _scan(tmp_path, saved)
    assert _verdict(report) == _verdict(originals[F2020])
    assert report["page"]["url"] == PAGE_URLS[F2020.name] and _file_notes(report) == []


# --- never ok without a product id ------------------------------------------------------------


def test_a_feed_without_product_ids_is_not_judged(tmp_path, originals):
    saved = tmp_path / "feed.json"
    saved.write_text(json.dumps(without_ids(json.loads(read_text(F2209)))), encoding="utf-8")
    report = _scan(tmp_path, saved)
    assert report["listing"]["product_id"] is None
    assert report["page"]["status"] == "no_data" and report["verdict"] == {**report["verdict"], "level": "unknown",
                                                                           "score": None}
    assert [error["code"] for error in report["errors"]] == ["no_product_id"]
    assert originals[F2209]["page"]["status"] == "ok"  # the same feed with its ids is judged


def test_a_rendered_page_without_an_address_with_an_id_is_not_judged(tmp_path):
    """The 2026 rendered listing (read from its DOM alone) without its own links, given a --url
    that is the site, not the item: nothing names the product."""
    saved = tmp_path / "page.html"
    saved.write_text(without_own_address(read_text(F2607_DOM)), encoding="utf-8")
    report = _scan(tmp_path, saved, "--url", "https://www.aliexpress.com/")
    assert (report["page"]["status"], report["listing"]["product_id"]) == ("no_data", None)
    assert [error["code"] for error in report["errors"]] == ["no_product_id"]
    judged = _scan(tmp_path, saved, "--url", PAGE_URLS[F2607_DOM.name])  # the item's address names it
    assert (judged["page"]["status"], judged["listing"]["product_id"]) == ("ok", "1005010171981745")


def test_url_gives_a_page_the_address_it_does_not_name(tmp_path, originals):
    saved = tmp_path / "page.html"
    saved.write_text(without_own_address(read_text(F2212)), encoding="utf-8")
    refused = run_emptor("scan", str(saved), tmp_path=tmp_path)
    assert refused.returncode == 1 and "--url" in refused.stderr
    report = _scan(tmp_path, saved, "--url", PAGE_URLS[F2212.name])
    assert _verdict(report) == _verdict(originals[F2212])
