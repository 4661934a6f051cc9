"""The orders endpoints (docs/api.md, "Orders") on the real 2026 order captures in
tests/fixtures/orders/.

The service has no clock setting: ``due_within`` counts from its real clock. The real feeds' dates
(2026-07 to 2026-09) are fixed, so the case that must fire is CONSTRUCTED from the real Completed
detail with its dates moved relative to today (as tests/test_orders.py constructs its awaiting
order: status "Awaiting delivery", the list feed's own CONFIRM_GOODS button, no completion date,
no ``global.orderStatus``), and given another order id."""

from __future__ import annotations

import copy
import datetime as dt
import gzip
import json

import pytest

from server.store import open_database
from tests.support.api import assert_error
from tests.support.order_cases import DETAIL, LIST, ORDER_FIXTURES, REAL_ID, TRACKING, awaiting


def test_the_real_detail_feed_is_stored_with_its_deadline(client):
    answer = client.post("/api/v1/orders", json=DETAIL)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["source"] == "mtop.aliexpress.trade.buyer.order.detail"
    (order,) = body["orders"]
    assert order["order_id"] == REAL_ID and order["status"] == "Completed" and order["awaiting_receipt"] is False
    assert order["placed_on"] == "2026-07-15" and order["store"] == "Vega Store"
    assert order["total"] == {"amount": 132.74, "currency": "BRL", "text": "R$132,74"}
    assert order["protection_ends"]["ends_on"] == "2026-09-04" and order["protection_ends"]["kind"] == "explicit"
    assert "detail_service_progress_bar" in order["protection_ends"]["source"]
    assert order["tracking_number"] is None and order["missing"] == ["tracking"]
    assert body["missing"] == ["orders[0].tracking"]
    assert client.get("/api/v1/orders").get_json()["orders"] == [{k: v for k, v in order.items() if k != "missing"}]


def test_a_later_feed_adds_what_it_shows_and_keeps_the_rest(client, app):
    client.post("/api/v1/orders", json=DETAIL)
    (order,) = client.post("/api/v1/orders", json=TRACKING).get_json()["orders"]
    assert order["tracking_number"] == "AA000000000BR"
    assert order["store"] == "Vega Store" and order["status"] == "Completed"  # the tracking feed shows neither
    assert order["protection_ends"]["ends_on"] == "2026-09-03"  # the latest date read, with its own source
    assert "querydetail" in order["protection_ends"]["source"] or "mtop.ae.ld" in order["protection_ends"]["source"]
    listed = client.post("/api/v1/orders", json=LIST).get_json()["orders"]
    assert len(listed) == 10 and REAL_ID in [o["order_id"] for o in listed]
    db = open_database(app.config["DATABASE"])
    try:
        assert db.execute("select count(*) from orders").fetchone()[0] == 10
        row = db.execute("select protection_ends, tracking_number from orders where order_id = ?", [REAL_ID]).fetchone()
    finally:
        db.close()
    assert row == ("2026-09-03", "AA000000000BR")  # the list shows neither: both kept


def test_due_within_counts_from_the_service_clock(client):
    today = dt.datetime.now(dt.timezone.utc).date()
    client.post("/api/v1/orders", json=DETAIL)  # real: Completed, its protection long over
    client.post("/api/v1/orders", json=awaiting("8000000000000010", today + dt.timedelta(days=10)))  # CONSTRUCTED
    client.post("/api/v1/orders", json=awaiting("8000000000000003", today + dt.timedelta(days=3)))  # CONSTRUCTED
    client.post("/api/v1/orders", json=awaiting("8000000000000099", today - dt.timedelta(days=1)))  # CONSTRUCTED, over
    due = client.get("/api/v1/orders?due_within=10").get_json()
    assert due["today"] == today.isoformat() and due["due_within"] == 10
    assert [o["order_id"] for o in due["orders"]] == ["8000000000000003", "8000000000000010"]  # soonest first
    assert [o["order_id"] for o in client.get("/api/v1/orders?due_within=9").get_json()["orders"]] == ["8000000000000003"]
    assert client.get("/api/v1/orders?due_within=2").get_json()["orders"] == []
    assert len(client.get("/api/v1/orders").get_json()["orders"]) == 4
    # The real completed order is never due, however wide the window.
    assert REAL_ID not in [o["order_id"] for o in client.get("/api/v1/orders?due_within=365").get_json()["orders"]]


@pytest.mark.parametrize("days", ["-1", "366", "1.5", "seven", "", "1000", " 7"])
def test_due_within_must_be_a_whole_number_of_days_to_365(client, days):
    body = assert_error(client.get(f"/api/v1/orders?due_within={days}"), 400, "bad_due_within")
    assert body["field"] == "due_within"


@pytest.mark.parametrize("days", ["0", "365"])
def test_due_within_bounds_are_accepted(client, days):
    assert client.get(f"/api/v1/orders?due_within={days}").status_code == 200


def test_a_feed_that_is_not_an_order_feed_is_422_and_stores_nothing(client, app):
    refused = copy.deepcopy(DETAIL)
    refused["ret"] = ["FAIL_SYS_USER_VALIDATE::哎哟喂,被挤爆啦,请稍后重试"]
    assert_error(client.post("/api/v1/orders", json=refused), 422, "not_an_order_feed")
    assert_error(client.post("/api/v1/orders", json={"api": "mtop.aliexpress.pdp.pc.query"}), 422, "not_an_order_feed")
    assert_error(client.post("/api/v1/orders", json=[{"url": "https://example.com/", "body": {}}]), 422, "not_an_order_feed")
    assert client.get("/api/v1/orders").get_json()["orders"] == []


def test_a_captured_request_list_is_read(client):
    capture = [{"url": "https://acs.aliexpress.com/h5/mtop.aliexpress.trade.buyer.order.detail/1.0/", "status": 200,
                "body": DETAIL}]
    assert [o["order_id"] for o in client.post("/api/v1/orders", json=capture).get_json()["orders"]] == [REAL_ID]


def test_bad_bodies_are_refused(client):
    headers = {"Content-Type": "application/json"}
    assert_error(client.post("/api/v1/orders", data=b"{", headers=headers), 400, "not_json")
    assert_error(client.post("/api/v1/orders", data=b"", headers=headers), 400, "empty_body")
    assert_error(client.post("/api/v1/orders", data=b'"text"', headers=headers), 400, "not_order_feed_json")
    assert_error(client.post("/api/v1/orders", data=json.dumps(DETAIL), headers={"Content-Type": "text/plain"}),
                 415, "not_json_content_type")


def test_a_gzipped_list_that_expands_past_the_limit_is_refused_before_it_is_read(app, client):
    """A captured-requests list is gunzipped within the request limit, as an object is (the list
    form was once gunzipped whole before its size was known)."""
    limit = app.config["MAX_REQUEST_BYTES"]
    bomb = gzip.compress(b"[" + b" " * (limit + 1024) + b"]")
    assert len(bomb) < limit // 100
    refused = assert_error(client.post("/api/v1/orders", data=bomb, headers={"Content-Type": "application/json",
                                                                            "Content-Encoding": "gzip"}),
                           413, "request_too_large")
    assert refused["message"]
    listed = gzip.compress(json.dumps([{"url": "https://acs.aliexpress.com/h5/mtop.aliexpress.trade.buyer.order.detail/1.0/",
                                         "body": DETAIL}]).encode())
    answer = client.post("/api/v1/orders", data=listed, headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert answer.status_code == 200 and [o["order_id"] for o in answer.get_json()["orders"]] == [REAL_ID]


LEGACY_PAGE = (ORDER_FIXTURES / "order_detail_legacy_2014_redacted.html").read_bytes()


def test_the_old_site_s_rendered_order_page_is_read_with_its_computed_deadline(client):
    """The real 2014 order_detail.htm (its personal data redacted by its publisher): "Full refund if
    product is not received in 60 days" and its shipping time give the protection end."""
    answer = client.post("/api/v1/orders", data=LEGACY_PAGE, content_type="text/html; charset=utf-8")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    (order,) = answer.get_json()["orders"]
    assert order["order_id"] == "62386252923552" and order["status"] == "Awaiting Receipt"
    assert order["protection_ends"]["ends_on"] == "2014-08-02" and order["protection_ends"]["kind"] == "computed"
    assert "60 days" in order["protection_ends"]["basis"]


def test_a_rendered_page_that_is_not_an_order_page_or_not_utf8_gets_a_clear_error(client):
    stored = client.get("/api/v1/orders").get_json()["orders"]
    refused = assert_error(client.post("/api/v1/orders", data=b"<html><body>Sign in</body></html>",
                                       content_type="text/html"), 422, "not_an_order_feed")
    assert "#TP_ProductTable" in refused["message"]
    assert_error(client.post("/api/v1/orders", data=b"<html>\xff\xfe</html>", content_type="text/html"), 400, "not_utf8")
    assert_error(client.post("/api/v1/orders", data=LEGACY_PAGE, content_type="text/html",
                             headers={"Content-Encoding": "gzip"}), 415, "unsupported_encoding")
    assert client.get("/api/v1/orders").get_json()["orders"] == stored
