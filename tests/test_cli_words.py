"""What `emptor scan` says, in its own words (issue 9): errors name the file or argument at fault,
never the API's fields; the report shows no JSON, field paths or internal names, evidence comes
with units, money with two decimals, missing details in words; the [severity/confidence]
notation is explained once; --json stays the report. Real files, the real command."""

from __future__ import annotations

import ast
import json
import re

import pytest

from server import cli as emptor_cli
from server.report import COVERAGE_FIELDS
from tests.support.cli import run_emptor
from tests.support.fixtures import EBAY, F2020, F2209, F2212, PAGE_URLS, PAGES, PUNISH, REVIEWS, ROOT, live_review_page, read_text
from tests.support.reports import GOLDEN
from tests.support.saved_files import without_ids, without_own_address

# Words of the API that a person running the command never typed.
API_WORDS = re.compile(r"html field|url field|data\[\d+\]|reviews\[\d+\]|evaViewList|\.feedback-item|selected_sku_id")


def _write(path, data) -> str:
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return str(path)


# --- errors: one line, naming the file or the argument ----------------------------------------


@pytest.mark.parametrize("make, args, expected", [
    (lambda d: _write(d / "page.html", b""), (), "{0} is empty."),
    (lambda d: _write(d / "page.html", b"  \n\n\t"), (), "{0} is empty."),
    (lambda d: _write(d / "page.html", b"words, and no markup at all"), (),
     "{0} is not HTML, nor a product feed or page script emptor knows: it has no markup in its first 4 KB."),
    (lambda d: _write(d / "page.html", "<html>" + "<a>" * 400_001), (), "{0} has 400,002 tags; emptor reads at most"),
    (lambda d: _write(d / "page.html", without_own_address(read_text(F2212))), (),
     "{0} does not name its own address (no canonical link or og:url), so emptor cannot tell which listing it is; "
     "give the address it was saved from with --url."),
    (lambda d: str(EBAY), (), "{0} is a page of www.ebay.com, which is not a supported marketplace"),
    (lambda d: str(EBAY), ("--url", "https://www.aliexpress.com/item/1005003568989271.html"),
     "{0}'s own address is on www.ebay.com, not aliexpress"),
    (lambda d: str(F2020), ("--reviews", str(F2212)),
     f"{F2212} is HTML but not AliExpress's review page."),
    (lambda d: str(F2020), ("--reviews", "{d}/feed.json"),
     "{d}/feed.json is not a page of AliExpress's review feed."),
], ids=["empty", "blank", "not-html", "too-many-tags", "no-address", "other-site", "other-site-under-url",
        "review-file-html", "review-file-json"])
def test_errors_name_the_file_not_the_field(tmp_path, make, args, expected):
    (tmp_path / "feed.json").write_text('{"data": {"items": []}}', encoding="utf-8")
    target = make(tmp_path)
    args = [arg.replace("{d}", str(tmp_path)) for arg in args]
    result = run_emptor("scan", target, *args, tmp_path=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("emptor: " + expected.format(target, d=tmp_path)), line
    assert not API_WORDS.search(line)


def test_the_service_says_the_same_in_its_own_terms(client):
    """Control: the API, whose caller sent fields, still names them (the CLI translates only at
    its boundary)."""
    answer = client.post("/api/v1/analyze", json={"url": PAGE_URLS[F2212.name], "html": " "})
    assert answer.get_json()["message"] == "The page is empty: the html field holds no text."


@pytest.mark.parametrize("args, fragment", [
    (("--url", "not an address"), "Invalid value for --url: 'not an address' is not an address"),
    (("--url", "https://www.amazon.com/dp/B0C1"), "Invalid value for --url: www.amazon.com is not a supported marketplace"),
])
def test_a_bad_url_option_is_a_usage_error(tmp_path, args, fragment):
    result = run_emptor("scan", str(F2212), *args, tmp_path=tmp_path)
    assert result.returncode == 2 and fragment in result.stderr and "Traceback" not in result.stderr


def test_url_goes_with_a_file_not_with_an_address(tmp_path):
    result = run_emptor("scan", PAGE_URLS[F2212.name], "--url", PAGE_URLS[F2212.name], tmp_path=tmp_path)
    assert result.returncode == 2 and "--url names the address of a saved file" in result.stderr


# --- what was left out, in the report's words and the command's ------------------------------


def test_data_about_another_product_is_said_of_the_file_and_url(tmp_path):
    other = PAGE_URLS[F2212.name]  # another listing than the feed's
    human = run_emptor("scan", str(F2209), "--url", other, tmp_path=tmp_path)
    assert human.returncode == 0
    assert (f"{F2209} describes product 1005003432435196, not 1005003568989271, the product --url names; "
            "its content was ignored.") in human.stdout
    assert not API_WORDS.search(human.stdout)
    report = json.loads(run_emptor("scan", str(F2209), "--url", other, "--json", tmp_path=tmp_path).stdout)
    assert [(error["code"], error.get("field")) for error in report["errors"]] == [("data", "data[0]")]  # --json: the report
    control = run_emptor("scan", str(F2209), tmp_path=tmp_path)
    assert "Left out of the verdict" not in control.stdout


def test_a_page_whose_own_address_is_another_product_is_said_of_the_file(tmp_path):
    human = run_emptor("scan", str(F2212), "--url", PAGE_URLS[F2209.name], tmp_path=tmp_path)
    assert (f"{F2212}'s own address names product 1005003568989271, not 1005003432435196, the product --url "
            "names; its content was ignored.") in human.stdout
    control = run_emptor("scan", str(F2212), "--url", PAGE_URLS[F2212.name], tmp_path=tmp_path)
    assert "Left out of the verdict" not in control.stdout and "Verdict: HIGH risk, score 64" in control.stdout


def test_a_feed_without_product_ids_says_why_it_was_not_judged(tmp_path):
    saved = tmp_path / "feed.json"
    saved.write_text(json.dumps(without_ids(json.loads(read_text(F2209)))), encoding="utf-8")
    human = run_emptor("scan", str(saved), tmp_path=tmp_path)
    assert human.returncode == 0
    assert "Verdict: not judged" in human.stdout
    assert f"{saved} names no product id, so emptor cannot tell which listing it describes; it was not judged." in human.stdout
    assert "has not loaded its product data" not in human.stdout  # the precise reason, not the status's
    assert "names no product id" not in run_emptor("scan", str(F2209), tmp_path=tmp_path).stdout


# --- the report in words ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_the_report_shows_no_json_field_paths_or_internal_names(tmp_path, name):
    page = PAGES / name
    human = run_emptor("scan", str(page), tmp_path=tmp_path)
    assert human.returncode == 0
    lines = human.stdout.splitlines()
    title = json.loads(run_emptor("scan", str(page), "--json", tmp_path=tmp_path).stdout)["listing"]["title"]
    ours = [line for line in lines if line != title]  # the page's own title is quoted as it is
    for line in ours:
        assert not re.search(r"[{}]|\"[a-z_]+\":|\b(?:badges|seller|locale|price|rating)\.\w+|\b[a-z]+_[a-z_]+\b", line), line
    assert not any(line.startswith("Page: ") and re.search(r"\b(?:ok|no_data|not_found|not_product)\b", line)
                   for line in lines)


def test_money_has_two_decimals_and_its_currency_after_it(tmp_path):
    human = run_emptor("scan", str(F2212), tmp_path=tmp_path).stdout
    assert "Shipping costs 3.80 USD" in human and "1.73 USD" in human  # the rule's message (heuristics/phrasing.py)
    assert "Evidence: shipping: 3.80 USD; item price: 1.73 USD; shipping adds: 220% to the price" in human
    amounts = re.findall(r"(\d[\d,]*(?:\.\d+)?) USD", human)
    assert amounts and all(re.fullmatch(r"\d[\d,]*\.\d\d", amount) for amount in amounts), amounts


def test_evidence_is_labelled_values_with_units(tmp_path):
    human = run_emptor("scan", str(F2020), tmp_path=tmp_path).stdout
    assert "Evidence: positive feedback: 93.6%; flagged below: 95%; store ratings: 526" in human
    assert ("Evidence: estimated delivery: 34 days; estimate from: the delivery date shown; delivery date shown: "
            "2020-08-12; judged on: 2020-07-09; flagged above: 30 days; shipping method: AliExpress Standard Shipping") in human
    assert "Evidence: buyer protection: 90 days; counts from: 60 days" in human


def test_review_evidence_in_words(tmp_path):
    """The review tests' evidence (shares by star, busy days, examples…) read from real feeds."""
    feed = tmp_path / "feed-page-1.json"
    feed.write_text(json.dumps(live_review_page(REVIEWS / "reviews_1005006717259012_2024-09.json")), encoding="utf-8")
    args = ("scan", str(F2212), "--reviews", str(feed), "--reviews", str(REVIEWS / "reviews_1005006717259012_2025-10b.json"))
    human = run_emptor(*args, tmp_path=tmp_path).stdout
    report = json.loads(run_emptor(*args, "--json", tmp_path=tmp_path).stdout)
    assert any(f["code"].startswith("REV") for f in report["findings"])
    evidence = [line for line in human.splitlines() if line.strip().startswith("Evidence:")]
    assert len(evidence) == len([f for f in report["findings"] + report["trust"] if f["evidence"]])
    for line in evidence:
        assert not re.search(r"[{}\[\]]|\b[a-z]+_[a-z_]+\b", line), line


def test_missing_details_are_named_in_words(tmp_path):
    human = run_emptor("scan", str(F2020), tmp_path=tmp_path).stdout
    assert ("Found 22 of the 25 details emptor looks for. Not found on this page: Choice badge, free returns, "
            "delivery guarantee.") in human
    report = json.loads(run_emptor("scan", str(F2020), "--json", tmp_path=tmp_path).stdout)
    assert report["coverage"]["missing"] == ["badges.choice", "badges.free_return", "badges.delivery_guarantee"]


def test_the_notation_is_explained_once_when_reasons_are_shown(tmp_path):
    human = run_emptor("scan", str(F2020), tmp_path=tmp_path).stdout
    assert human.count("[severity/confidence]") == 1
    assert human.index("[severity/confidence]") < human.index("Risks:")
    assert len(re.findall(r"\[(?:low|medium|high)/(?:low|medium|high)\]", human)) == 6
    blocked = run_emptor("scan", str(PUNISH), tmp_path=tmp_path).stdout  # no reasons, nothing to explain
    assert "[severity/confidence]" not in blocked and "Verdict: not judged" in blocked


# --- the tables ---------------------------------------------------------------------------------


def test_every_coverage_field_has_a_name():
    assert set(emptor_cli.COVERAGE_LABELS) == set(COVERAGE_FIELDS)


def test_the_cli_and_the_panel_name_coverage_fields_alike():
    """One set of names for the shopper: the panel's (extension/lib/labels.js, COVERAGE) and the
    command's must say the same, until the report carries them."""
    script = (ROOT / "extension" / "lib" / "labels.js").read_text(encoding="utf-8")
    table = re.search(r"const COVERAGE = \{(.*?)\};", script, re.DOTALL).group(1)
    panel = {key: label for key, label in re.findall(r'^\s*"?([\w.]+)"?: "([^"]+)",', table, re.MULTILINE)}
    assert panel == emptor_cli.COVERAGE_LABELS


def _evidence_names() -> set[str]:
    """Every evidence name a rule gives: the keyword arguments of its risk()/trust() call (and the
    keys of a dict spread into it), and the keys of the review tests' evidence dicts."""
    names = set()
    for path in (ROOT / "heuristics").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("risk", "trust"):
                for keyword in node.keywords:
                    if keyword.arg:
                        names.add(keyword.arg)
                    for inner in ast.walk(keyword.value):
                        if isinstance(inner, ast.Dict):
                            names.update(k.value for k in inner.keys if isinstance(k, ast.Constant))
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                if isinstance(target, ast.Name) and target.id == "evidence" and isinstance(node.value, ast.Dict):
                    names.update(k.value for k in node.value.keys if isinstance(k, ast.Constant))
                if isinstance(target, ast.Subscript) and getattr(target.value, "id", None) == "evidence":
                    if isinstance(target.slice, ast.Constant):
                        names.add(target.slice.value)
    return names


def test_every_evidence_name_a_rule_gives_has_words():
    names = _evidence_names()
    assert len(names) > 60, "the scan found too few names to be looking in the right place"
    assert sorted(names - set(emptor_cli.EVIDENCE)) == []


@pytest.mark.parametrize("code, evidence, expected", [
    ("CNT005", {"changes": {"title": {"was": "Mini Drill", "now": "Earbuds Pro", "similarity": 0.1},
                            "images": {"shared": 1, "was": 6, "now": 5}}, "last_seen": "2025-03-20T10:00:00Z", "reviews": 36},
     "what changed: title before \u201cMini Drill\u201d, now \u201cEarbuds Pro\u201d (10% of the words in common); "
     "photos: 1 kept of 6 before, 5 now; last seen: 2025-03-20 10:00 UTC; reviews kept: 36"),
    ("REV003", {"dated": 60, "days": 30, "per_day": 2.0, "burst_limit": 8, "burst_days": {"2025-01-02": 20},
                "share": 0.33},
     "dated reviews: 60; period covered: 30 days; usual rate: 2 a day; busy-day limit: 8 reviews; "
     "busy days: 2025-01-02 (20 reviews); share on busy days: 33%"),
    ("REV006", {"follow_ups": 4, "negative": 1, "examples": [{"rating": 1, "days_later": 14, "text": "stopped working"}]},
     "follow-ups: 4; follow-ups reporting a problem: 1; examples: \u201cstopped working\u201d (1 star, 14 days later)"),
    ("PRC004", {"price_paid": 17.99, "currency": "EUR", "usd": 21.05, "usd_per_unit": 1.17, "threshold": 0.25,
                "sku_id": "12000026321052630"},
     "price with shipping: 17.99 EUR; in US dollars: 21.05 USD; exchange rate: 1.17 USD per EUR; "
     "flagged below: 25% of the genuine price"),
    ("XYZ001", {"some_new_count": 3, "flag": True}, "some new count: 3; flag: yes"),
])
def test_evidence_in_words(code, evidence, expected):
    assert emptor_cli.evidence_in_words(code, evidence) == expected
