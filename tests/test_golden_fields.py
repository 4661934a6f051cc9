"""Golden fields (issue 9): every real page fixture through the whole pipeline, held field by
field to what its raw capture says.

The expected values are not emptor's output: tests/support/capture_reader.py reads each raw
capture on its own, with ``json`` and ``re`` only (the embedded ``window.runParams`` /
``_init_data_`` / ``window._d_c_`` JSON found by string search and decoded with
``json.JSONDecoder.raw_decode``; the rendered pages read with a few regular expressions), from
where docs/sources.md, "AliExpress page generations", says each generation keeps each field. Each
page is sent as a saved page (``"capture": "saved"``) to ``POST /api/v1/analyze`` on the real
service on 127.0.0.1, the way tests/test_golden.py sends it. A field the capture does not hold
must be null in the report: emptor may not invent it.

The pages without product data (the shell, the anti-bot page, the removed item, a store) are
held to what the raw page says instead: its own marks of what it is, the product id in its own
address, its locale and the time it carries.
"""

from __future__ import annotations

import re

import pytest

from server.marketplaces import MARKETPLACES
from tests.support.capture_reader import (
    GOLDEN_FIELDS,
    choice_tag_image,
    disagreements,
    image_key,
    raw_components,
    read_not_found,
    read_page,
    read_punish,
    read_shell,
    read_store,
    report_fields,
    served_at_ms,
)
from tests.support.fixtures import (
    F2020,
    F2209,
    F2212,
    F2607,
    F2607_DOM,
    NOT_FOUND,
    PAGE_URLS,
    PAGES,
    PUNISH,
    SHELL,
    STORE,
    read_text,
)
from tests.support.reports import VALIDATOR

PRODUCT_PAGES = [F2020, F2212, F2209, F2607, F2607_DOM]
PAGES_WITHOUT_PRODUCT_DATA = [SHELL, NOT_FOUND, PUNISH, STORE]


def saved_page_request(path) -> dict:
    """A fixture as a saved page (tests/test_golden.py sends them the same way): a saved feed is
    recognised by its shape, as `emptor scan FILE.json` recognises it."""
    if path.suffix == ".json":
        blob = MARKETPLACES["aliexpress"].blob_from_capture(read_text(path))
        return {"url": PAGE_URLS[path.name], "data": [{"source": blob.source, "body": blob.body}], "capture": "saved"}
    return {"url": PAGE_URLS[path.name], "html": read_text(path), "capture": "saved"}


def analyzed(live_service, path) -> dict:
    response = live_service.http.post("/api/v1/analyze", json=saved_page_request(path))
    assert response.status_code == 200, response.text
    report = response.json()
    VALIDATOR.validate(report)
    return report


def served_at(text: str) -> str:
    """The time a page carries: its server's trace id (8 hex digits, then epoch milliseconds),
    else the aplus script's ``ali_apache_id`` (docs/sources.md, "AliExpress page generations")."""
    trace = re.search(r'\\?"(?:traceId|eagleeye_tracer_id)\\?"\s*:\s*\\?"[0-9a-f]{8}(\d{13})', text)
    if trace:
        return served_at_ms(trace.group(1))
    return served_at_ms(re.search(r"ali_apache_id=(?:\d+\.){4}(\d{13})\.", text).group(1))


def test_every_page_fixture_is_held_to_its_capture():
    assert sorted(p.name for p in PRODUCT_PAGES + PAGES_WITHOUT_PRODUCT_DATA) == sorted(p.name for p in PAGES.iterdir())


@pytest.mark.parametrize("path", PRODUCT_PAGES, ids=lambda p: p.name)
def test_the_listing_agrees_with_the_raw_capture_field_by_field(live_service, path):
    expected = read_page(path)
    assert sorted(expected) == sorted(GOLDEN_FIELDS)
    report = analyzed(live_service, path)
    assert report["page"]["status"] == "ok" and report["errors"] == []
    assert report["page"]["captured_at"] == served_at(read_text(path))
    assert disagreements(report["listing"], expected) == []


def test_the_rendered_choice_tag_is_the_feeds_choice_icon():
    """Why F2607dom's store-card tag means Choice: it is the very image the same listing's feed
    (F2607) names ``GLOBAL_DATA.globalData.choiceIcon``, beside ``productTagInfo.mergeChoice``."""
    global_data = raw_components()["GLOBAL_DATA"]["globalData"]
    assert global_data["productTagInfo"]["mergeChoice"] is True
    assert image_key(choice_tag_image(read_text(F2607_DOM))) == image_key(global_data["choiceIcon"])
    assert choice_tag_image(read_text(F2020)) is None


def only_set(listing: dict) -> dict:
    """The golden fields a report's listing fills."""
    return {name: value for name, value in report_fields(listing).items() if value is not None}


def test_the_anti_bot_page(live_service):
    raw = read_punish(read_text(PUNISH))
    assert raw["punish"] and raw["address"] == PAGE_URLS[PUNISH.name]
    report = analyzed(live_service, PUNISH)
    assert report["page"]["status"] == "blocked"
    assert (report["page"]["captured_at"], report["page"]["captured_from"]) == (raw["served_at"], "punish_token")
    assert only_set(report["listing"]) == {"product_id": raw["product_id"], "product_id_shown": raw["product_id"]}
    assert report["verdict"]["score"] is None and report["review_feed_urls"] == []


def test_the_removed_item(live_service):
    raw = read_not_found(read_text(NOT_FOUND))
    assert raw["not_found"] and raw["message"] == "Sorry, the page you requested can not be found"
    assert raw["html_lang"] == raw["locale"]["language"]
    report = analyzed(live_service, NOT_FOUND)
    assert report["page"]["status"] == "not_found"
    assert report["page"]["captured_at"] == raw["served_at"]
    assert report["listing"]["locale"] == raw["locale"]
    # Its og:title still names the removed item; no offer is shown, so nothing else is set.
    assert {name: value for name, value in only_set(report["listing"]).items() if name != "title"} == {
        "product_id": raw["product_id"], "product_id_shown": raw["product_id"],
        "locale.country": raw["locale"]["country"], "locale.language": raw["locale"]["language"],
    }
    assert report["verdict"]["score"] is None and report["review_feed_urls"] == []


def test_the_client_rendered_shell(live_service):
    raw = read_shell(read_text(SHELL))
    # No product data: an empty runParams and a DCData of the template's strings and images only.
    assert raw["run_params_empty"] and raw["csr"]
    assert set(raw["dc_data_keys"]) <= {"extParams", "features", "i18nMap", "imagePathList", "name", "showLongImage",
                                        "showMainImage", "summImagePathList"}
    assert (raw["site"], raw["host"], raw["aplus_id"]) == ("esp", "es.aliexpress.com", "")
    report = analyzed(live_service, SHELL)
    assert report["page"]["status"] == "no_data" and report["page"]["captured_at"] is None
    assert only_set(report["listing"]) == {"product_id": raw["product_id"], "product_id_shown": raw["product_id"],
                                           "locale.language": "es"}


def test_the_store_page(live_service):
    raw = read_store(read_text(STORE))
    assert not raw["names_an_item"] and raw["canonical"] == PAGE_URLS[STORE.name]
    assert raw["canonical"].endswith("/store/" + raw["store_id"])
    report = analyzed(live_service, STORE)
    assert report["page"]["status"] == "not_product"
    assert report["listing"]["url"] == raw["canonical"] and only_set(report["listing"]) == {}
