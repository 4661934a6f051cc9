"""The shopper's account pages (issue 10) in Chromium, against the real service: an order page's
feed stores the order and its buyer-protection end; a checkout page is saved once per product and
variant, with the buyer's address redacted, and the popup says so.

The order detail page and the checkout are CONSTRUCTED (tests/support/account_pages.py says how);
the order feed the detail page receives is the REAL 2026 capture
(tests/fixtures/orders/mtop_order_detail_completed_2026_anon.json: order 8212313961591322,
protection ending 2026-09-04), and the old site's order page is the REAL 2014 one.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile

import pytest

from server.evidence import store, wacz
from tests.support.account_pages import BUYER, serve_account_pages
from tests.support.browser import module_browser, open_listing, wait_until
from tests.support.order_cases import DETAIL, ORDER_FIXTURES, REAL_ID

PRODUCT = "32993251330"  # the 2020 listing the fixture site serves
SKU = "12000023368692244"


@pytest.fixture(scope="module")
def browser():
    yield from module_browser()


@pytest.fixture
def account_site(site):
    paths = serve_account_pages(site)
    yield site
    for path in paths:
        site.routes.pop(path, None)


def _orders(service) -> dict:
    with sqlite3.connect(service.database) as db:
        db.row_factory = sqlite3.Row
        return {row["order_id"]: dict(row) for row in db.execute("select * from orders")}


def _records(service, kind: str) -> list[dict]:
    return [r for r in service.http.get("/api/v1/evidence").json()["records"] if r["kind"] == kind]


def test_an_order_page_stores_the_order_and_its_deadline_and_the_worker_copies_it(emptor, account_site, service):
    page = emptor.new_page()
    page.goto(account_site.url("www.aliexpress.com", f"/p/order/detail.html?orderId={REAL_ID}"))
    page.wait_for_selector(".order-block-title")  # the page received its feed
    stored = wait_until(lambda: _orders(service).get(REAL_ID, {}).get("protection_ends"), "the order stored")
    assert stored == "2026-09-04"
    order = _orders(service)[REAL_ID]
    assert order["protection_kind"] == "explicit" and order["source"] == "mtop.aliexpress.trade.buyer.order.detail"
    assert json.loads(order["product_ids"]) == ["1005745176332016"]
    # The worker's copy of the deadlines (which warns even when the service is down) has it too.
    copy = wait_until(
        lambda: next((o for o in (emptor.worker.evaluate(
            "async () => ((await chrome.storage.local.get('ordersCopy')).ordersCopy || {orders: []}).orders") or [])
            if o["order_id"] == REAL_ID), None),
        "the worker's copy of the order")
    assert copy["protection_ends"]["ends_on"] == "2026-09-04"
    # And the popup's account state for the tab says what was read.
    account = emptor.ask_worker({"type": "getTabVerdict"}, about=page)["account"]
    assert account["kind"] == "order" and account["orders"] == [
        {"order_id": REAL_ID, "status": order["status"], "protection_ends": "2026-09-04"}]


def test_the_old_site_s_order_page_is_read_from_its_markup(emptor, site, service):
    """The REAL 2014 order_detail.htm (redacted by its publisher) at its own address: no feed,
    the service reads the rendered page and computes the protection end from it."""
    site.routes["/order_detail.htm"] = ORDER_FIXTURES / "order_detail_legacy_2014_redacted.html"
    try:
        page = emptor.new_page()
        page.goto(site.url("trade.aliexpress.com", "/order_detail.htm?orderId=62386252923552"))
        ends = wait_until(lambda: _orders(service).get("62386252923552", {}).get("protection_ends"), "the order stored")
        assert ends == "2014-08-02" and _orders(service)["62386252923552"]["protection_kind"] == "computed"
    finally:
        site.routes.pop("/order_detail.htm", None)


def test_a_forged_feed_from_a_page_that_is_not_an_order_page_is_refused(emptor, site, service):
    listing = open_listing(emptor, site, "www.aliexpress.com", f"/item/{PRODUCT}.html", state="ok")
    before = _orders(service)
    # A listing's content script does not load account.js; a page script cannot send extension
    # messages at all. What the worker does with an order feed from a listing's tab is checked
    # through the content-script world, as if a compromised content script sent it.
    answer = emptor.in_content_script(listing, f"""chrome.runtime.sendMessage({{
        type: "orderFeed", source: "mtop.aliexpress.trade.buyer.order.detail", body: {json.dumps(json.dumps(DETAIL))} }})""")
    assert answer["ok"] is False and "order, tracking and checkout pages" in answer["message"]
    assert _orders(service) == before


def test_the_checkout_is_saved_once_with_the_listing_verdict_and_no_personal_data(emptor, account_site, service):
    listing = open_listing(emptor, account_site, "www.aliexpress.com", f"/item/{PRODUCT}.html", state="ok")
    checkout_url = account_site.url("www.aliexpress.com", f"/p/trade/confirm.html?objectId={PRODUCT}&skuId={SKU}&quantity=1")
    before = {r["id"] for r in _records(service, "checkout")}
    listing.goto(checkout_url)  # "Buy now" opens the confirm step in the same tab
    [saved] = wait_until(lambda: [r for r in _records(service, "checkout") if r["id"] not in before] or None,
                         "the checkout capture")
    record = service.http.get(f"/api/v1/evidence/{saved['id']}").json()
    assert record["product_id"] == PRODUCT and record["order_id"] is None
    assert record["facts"]["checkout"] == {"product_id": PRODUCT, "sku_id": SKU, "cart_ids": None}
    assert record["facts"]["verdict"]["level"]  # the listing's verdict at the moment of purchase
    assert record["facts"]["redaction"]["redacted"] is True
    assert [a["name"] for a in record["artifacts"]] == ["page.html"]  # no screenshot without the optional permission
    page_html = store.read_artifact(service.data_dir, record["artifacts"][0]["sha256"]).decode("utf-8")
    assert "Total €51.30" in page_html
    for value in BUYER.values():
        assert value not in page_html, f"{value!r} kept in the saved checkout page"

    # The popup says it happened (the worker notes it for the tab just after the service answers).
    def noted():
        account = emptor.ask_worker({"type": "getTabVerdict"}, about=listing)["account"] or {}
        return account if account.get("checkout") else None

    account = wait_until(noted, "the worker's note of the checkout")
    assert account["kind"] == "checkout" and account["checkout"]["recordId"] == saved["id"]

    # Back to the checkout of the same variant: not saved again.
    listing.reload()
    wait_until(lambda: (emptor.ask_worker({"type": "getTabVerdict"}, about=listing)["account"] or {})
               .get("checkout", {}).get("again"), "the worker's answer to the second checkout")
    assert [r for r in _records(service, "checkout") if r["id"] not in before] == [saved]


def test_the_popup_says_the_checkout_was_saved(emptor, account_site, service):
    listing = open_listing(emptor, account_site, "www.aliexpress.com", f"/item/{PRODUCT}.html", state="ok")
    listing.goto(account_site.url("www.aliexpress.com", f"/p/trade/confirm.html?objectId={PRODUCT}&skuId=42"))
    wait_until(lambda: (emptor.ask_worker({"type": "getTabVerdict"}, about=listing)["account"] or {}).get("checkout"),
               "the checkout capture")
    popup = emptor.extension_tab("popup/popup.html")  # beside the checkout, which stays the active tab
    popup.wait_for_selector("#account[data-checkout=saved]", state="attached")
    said = popup.text_content("#account")
    assert "saved" in said and "checkout" in said, said


def test_the_checkout_then_the_order_page_give_one_pack_that_verifies(emptor, account_site, service):
    """The whole path a dispute needs: the checkout of the product saved before the order exists,
    then the order page (its real feed names the product among the order's lines), then the
    order's pack, which holds the checkout capture and verifies."""
    ordered_product = "1005745176332016"  # the real order's line
    page = emptor.new_page()
    before = {r["id"] for r in _records(service, "checkout")}
    page.goto(account_site.url("www.aliexpress.com", f"/p/trade/confirm.html?objectId={ordered_product}&skuId=1"))
    [checkout] = wait_until(lambda: [r for r in _records(service, "checkout") if r["id"] not in before] or None,
                            "the checkout capture")
    page.goto(account_site.url("www.aliexpress.com", f"/p/order/detail.html?orderId={REAL_ID}"))
    wait_until(lambda: ordered_product in (_orders(service).get(REAL_ID, {}).get("product_ids") or ""), "the order's lines")
    exported = service.http.post("/api/v1/evidence/export", json={"order_id": REAL_ID})
    assert exported.status_code == 201, exported.text
    verified = wacz.verify(exported.json()["path"])
    assert verified.intact, verified.problems
    with zipfile.ZipFile(exported.json()["path"]) as archive:
        assert checkout["id"] in archive.read(wacz.REPORT_PATH).decode("utf-8")


def test_the_shopper_may_keep_their_name_and_address_in_saved_checkout_pages(emptor, account_site, service):
    options = emptor.extension_tab("options/options.html")
    options.check("#keepPersonalData")
    options.wait_for_selector("#personal-data-state.ok")
    try:
        page = emptor.new_page()
        page.goto(account_site.url("www.aliexpress.com", "/p/trade/confirm.html?objectId=1005000000000888&skuId=3"))
        [saved] = wait_until(lambda: [r for r in _records(service, "checkout") if r["product_id"] == "1005000000000888"] or None,
                             "the checkout capture")
        record = service.http.get(f"/api/v1/evidence/{saved['id']}").json()
        assert record["facts"]["redaction"]["redacted"] is False
        page_html = store.read_artifact(service.data_dir, record["artifacts"][0]["sha256"]).decode("utf-8")
        assert BUYER["name"] in page_html and BUYER["street"] in page_html
    finally:
        emptor.worker.evaluate("() => chrome.storage.local.remove('keepPersonalData')")
