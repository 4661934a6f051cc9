"""The order readers (server/marketplaces/aliexpress/orders.py) on the real order captures in
tests/fixtures/orders/ (tests/fixtures/SOURCES.md, section D) and on constructed cases.

Each real value is checked against the raw file read plainly here (json, a regular expression),
never against the reader's own output. No public capture shows an order detail still awaiting
delivery: those cases are built below from the documented fields (docs/sources.md, "Orders and
deadlines") on top of the real Completed detail, and are labelled CONSTRUCTED.
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from server.marketplaces.aliexpress import orders
from server.marketplaces.problems import NotAnOrderFeed, UnreadableInput

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "orders"
LIST_2025 = FIXTURES / "mtop_order_list_capture_2025.json"
LIST_2026 = FIXTURES / "mtop_order_list_2026_anon.json"
DETAIL = FIXTURES / "mtop_order_detail_completed_2026_anon.json"
TRACKING = FIXTURES / "mtop_tracking_querydetail_2026_anon.json"
REFUNDS = FIXTURES / "mtop_refund_list_2026_anon.json"
LEGACY = FIXTURES / "order_detail_legacy_2014_redacted.html"


def raw(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def plain_date(text: str) -> str:
    return dt.datetime.strptime(text, "%b %d, %Y").date().isoformat()


def plain_amount(format_price_info: str) -> float:
    _, whole, fraction = format_price_info.split("|")
    return float(f"{whole}.{fraction}")


def ms_iso(ms) -> str:
    return dt.datetime.fromtimestamp(int(ms) / 1000, tz=dt.timezone.utc).isoformat(timespec="seconds")


def list_components(body: dict) -> list[dict]:
    return [c["fields"] for c in body["data"]["data"].values() if c["tag"] == "pc_om_list_order"]


def detail_fields(body: dict, tag: str) -> dict:
    return next(c["fields"] for c in body["data"]["data"].values() if c["tag"] == tag)


# --- the order list ---------------------------------------------------------------------------


def _check_list_against_raw(reading, components):
    assert {o.order_id for o in reading.orders} == {f["orderId"] for f in components}
    by_id = {o.order_id: o for o in reading.orders}
    for f in components:
        order = by_id[f["orderId"]]
        assert order.placed_on == plain_date(f["orderDateText"])
        assert order.status == f["statusText"]
        assert order.store == f["storeName"]
        assert len(order.items) == len(f["orderLines"])
        for item, line in zip(order.items, f["orderLines"]):
            assert item.product_id == line["productId"] and item.quantity == line["quantity"]
            assert item.title == line["itemTitle"]
            assert item.price.amount == plain_amount(line["formatPriceInfo"])
            assert item.price.currency == line["currencyCode"]
            assert item.options == [(a["name"], a["text"]) for a in line.get("skuAttrs", [])]
        if "formatPriceInfo" in f:
            assert order.total.amount == plain_amount(f["formatPriceInfo"])
            assert order.total.currency == f["currencyCode"]
        else:
            assert order.total is None and "total" in order.missing
        # On its way: the Confirm received button. Over: the status code 9 (only the 2025 capture
        # keeps it). Neither: the feed does not say, and the reader does not read "Completed".
        confirm = any(b["type"] == "CONFIRM_GOODS" for b in f["buttons"])
        code = f.get("utParams", {}).get("args", {}).get("orderStatus")
        assert order.awaiting_receipt is (True if confirm else False if code == 9 else None)
        # The list shows neither tracking numbers nor a protection date: said, not guessed.
        assert order.tracking == [] and order.protection is None
        assert {"tracking", "protection_ends"} <= set(order.missing)


def test_order_list_2026_every_order_against_the_raw_feed():
    body = raw(LIST_2026)
    reading = orders.parse_order_list(LIST_2026.read_text(encoding="utf-8"))
    components = list_components(body)
    assert len(components) == 10 and len(reading.orders) == 10
    _check_list_against_raw(reading, components)
    # Display order is hierarchy.structure's, not the shuffled key order of data.data.
    shown = body["data"]["hierarchy"]["structure"]["pc_om_list_body_109702"]
    assert [o.order_id for o in reading.orders] == [body["data"]["data"][key]["fields"]["orderId"] for key in shown]
    assert reading.now == ms_iso(body["data"]["global"]["curTime"])
    awaiting = [o.order_id for o in reading.orders if o.awaiting_receipt]
    assert sorted(awaiting) == ["8214398062177351", "8214779947343229"]
    assert "orders[0].protection_ends" in reading.missing


def test_order_list_2025_capture_of_requests():
    captured = raw(LIST_2025)
    body = json.loads(next(e["body"] for e in captured if "trade.buyer.order.list" in e["url"]))
    reading = orders.parse_order_list(LIST_2025.read_text(encoding="utf-8"))
    components = list_components(body)
    assert len(reading.orders) == 3
    _check_list_against_raw(reading, components)
    expired = next(o for o in reading.orders if o.status == "Expired")
    assert expired.order_id == "100426841571559" and expired.total is None and "total" in expired.missing
    assert expired.status_code == "9"
    assert reading.now is None  # this capture keeps no global block


# --- the order detail -------------------------------------------------------------------------


def test_completed_detail_against_the_raw_feed():
    body = raw(DETAIL)
    info = detail_fields(body, "detail_simple_order_info_component")
    status = detail_fields(body, "detail_order_status_block")
    product = detail_fields(body, "detail_product_block")
    price = detail_fields(body, "detail_order_price_block")
    nodes = detail_fields(body, "detail_service_progress_bar")["nodes"]
    reading = orders.parse_order_detail(body)
    (order,) = reading.orders
    assert order.order_id == str(info["tradeOrderId"])
    assert order.placed_on == plain_date(info["orderCreatTime"])
    assert order.paid_on == plain_date(info["payTime"])
    assert order.shipped_on == plain_date(info["orderShipTime"])
    assert order.completed_on == plain_date(info["orderEndTime"])
    assert order.status == status["title"] == "Completed"
    assert order.status_code == str(body["data"]["global"]["orderStatus"])
    assert order.awaiting_receipt is False
    assert order.store == product["sellerVO"]["sellerName"]
    assert [i.product_id for i in order.items] == [p["productId"] for p in product["productVOList"]]
    assert order.items[0].price.amount == plain_amount(product["productVOList"][0]["formatPriceInfo"])
    assert order.total.amount == plain_amount(price["totalPrice"]["formatPriceInfo"])
    assert order.total.currency == price["totalPrice"]["currencyCode"] == "BRL"
    assert reading.now == ms_iso(body["data"]["global"]["curTime"])
    # The protection end is printed: the progress bar's last node, explicit, with its source.
    assert order.protection.ends_on == plain_date(nodes[-1]["time"]) == "2026-09-04"
    assert order.protection.kind == "explicit"
    assert "detail_service_progress_bar" in order.protection.source
    services = " ".join(s["content"] for s in detail_fields(body, "detail_order_services")["data"])
    assert "Refund if no delivery before Sep 4, 2026" in services
    assert reading.notes == []  # the two places agree
    assert order.tracking == [] and order.missing == ["tracking"]


# --- tracking ---------------------------------------------------------------------------------


def test_tracking_feed_against_the_raw_feed():
    body = raw(TRACKING)
    line = body["data"]["module"]["trackingDetailLineList"][0]
    reading = orders.parse_tracking(TRACKING.read_text(encoding="utf-8"))
    (order,) = reading.orders
    (package,) = order.tracking
    assert package.number == line["mailNo"]
    assert package.origin_number == line["originMailNo"]
    assert package.carrier == line["logisticsCpInfo"]["cpName"] == "J&T Express"
    assert package.service == line["logisticsCarrierName"]
    assert len(package.events) == len(line["detailList"]) == 26
    assert [e.code for e in package.events] == [e["trackingSecondCode"] for e in line["detailList"]]
    assert [e.at for e in package.events] == [ms_iso(e["time"]) for e in line["detailList"]]
    assert package.events[-1].code == "AE_ORDER_PLACED" and package.delivered is True
    assert order.order_id == re.search(r"tradeOrderId=(\d+)", line["etaInfo"]["tipsLink"]).group(1)
    fd = [t for t in body["data"]["module"]["fastDeliveryInfoDTO"]["fdContentList"] if t.startswith("Refund if no")]
    assert order.protection.ends_on == plain_date(fd[0].rsplit("before ", 1)[1]) == "2026-09-03"
    assert order.protection.kind == "explicit" and "fastDeliveryInfoDTO" in order.protection.source
    assert set(order.missing) == {"placed_on", "status", "items", "total"}


def test_tracking_names_the_same_order_as_the_detail_but_a_day_earlier_deadline():
    """A real disagreement between two captures of one order: reported, not reconciled."""
    detail = orders.parse_order_detail(raw(DETAIL)).orders[0]
    tracking = orders.parse_tracking(raw(TRACKING)).orders[0]
    assert tracking.order_id == detail.order_id
    assert (tracking.protection.ends_on, detail.protection.ends_on) == ("2026-09-03", "2026-09-04")


# --- the refund list --------------------------------------------------------------------------


def test_refund_list_against_the_raw_feed():
    body = raw(REFUNDS)
    lines = [(group, line) for group in body["data"]["module"]["items"] for line in group["reverseOrderLines"]]
    reading = orders.parse_refund_list(body)
    assert len(lines) == 3 and len(reading.orders) == 3
    for order, (group, line) in zip(reading.orders, lines):
        assert order.order_id == line["tradeOrderId"]
        assert order.store == group["shopName"]
        (refund,) = order.refunds
        assert refund.reverse_order_id == line["reverseOrderId"] and refund.kind == line["reverseType"]
        assert refund.status == line["reverseStatus"] and refund.opened_at == ms_iso(line["gmtCreate"])
        assert "issue/fastissue/Detail.htm" in refund.detail_url
        unit = line["aeItemDTO"]["itemUnitPrice"]
        assert order.items[0].price.amount == unit["cent"] / 100 and order.items[0].price.currency == unit["currency"]
        assert order.protection is None and "protection_ends" in order.missing and "placed_on" in order.missing


# --- the legacy order detail page -------------------------------------------------------------


def test_legacy_2014_detail_against_the_raw_page():
    html = LEGACY.read_text(encoding="utf-8")
    reading = orders.parse_legacy_detail(html)
    (order,) = reading.orders
    assert order.order_id == re.search(r'copy-order-num">(\d+)<', html).group(1)
    assert order.status_code == re.search(r'data-status="(\w+)"', html).group(1) == "WAIT_BUYER_CONFIRM_GOODS"
    assert order.status == "Awaiting Receipt" and order.awaiting_receipt is True
    (package,) = order.tracking
    assert package.number == re.search(r'<td class="no">(\w+)', html).group(1) == "RI002972278CN"
    assert package.carrier == re.search(r'logistics-name">([^<]+)<', html).group(1)
    shipping = re.search(r"Shipping Time</label>: <span>([\d-]+) ([\d:]+) </span>", html)
    assert order.shipped_on == f"{shipping.group(1)}T{shipping.group(2)}"
    placed = re.search(r"Order Date</label>: <span>([\d-]+) ([\d:]+) </span>", html)
    assert order.placed_on == f"{placed.group(1)}T{placed.group(2)}"
    assert order.total.amount == 13.77 and order.total.currency == "USD"
    assert "US $ 13.77" in html
    (item,) = order.items
    assert item.quantity == 1 and item.price.amount == 10.0
    assert ("Color", "Orange") in item.options and ("Size", "S") in item.options
    assert order.store == "Shenzhen VIP Price Store Technology co.,Ltd."
    # No printed date: computed from the page's own promise and its shipping time, and said so.
    days = int(re.search(r"Full refund if product is not received in (\d+) days", html).group(1))
    shipped = dt.date.fromisoformat(shipping.group(1))
    assert order.protection.ends_on == (shipped + dt.timedelta(days=days)).isoformat() == "2014-08-02"
    assert order.protection.kind == "computed"
    assert "60 days" in order.protection.basis and shipping.group(1) in order.protection.basis
    assert order.missing == []
    # The item table names another order number than the rest of the page: noted.
    assert any("164732391969956" in note for note in reading.notes)


def test_legacy_without_a_shipping_time_leaves_the_deadline_missing():
    html = re.sub(r"<li><label>Shipping Time</label>.*?</li>", "", LEGACY.read_text(encoding="utf-8"), flags=re.S)
    (order,) = orders.parse_legacy_detail(html).orders
    assert order.shipped_on is None and order.protection is None and "protection_ends" in order.missing


# --- CONSTRUCTED: an order detail still awaiting delivery ---------------------------------------


def constructed_awaiting_detail(refund_date: str | None = "Oct 1, 2026") -> dict:
    """CONSTRUCTED (no public capture shows this state). The real Completed detail, changed where
    the documented fields say an order on its way differs: status title "Awaiting delivery", the
    list feed's own CONFIRM_GOODS button (copied from the real 2026 list), no completion date, no
    ``global.orderStatus`` (its code for this state is not documented), and the guarantee dates
    moved to this order. ``refund_date=None`` drops the progress bar and services: no date shown."""
    body = copy.deepcopy(raw(DETAIL))
    confirm = next(b for f in list_components(raw(LIST_2026)) for b in f["buttons"] if b["type"] == "CONFIRM_GOODS")
    components = body["data"]["data"]
    for key, component in list(components.items()):
        fields = component["fields"]
        if component["tag"] == "detail_order_status_block":
            fields["title"] = "Awaiting delivery"
            fields.pop("reminder")
            fields["buttonVOList"] = [confirm] + [b for b in fields["buttonVOList"] if b["type"] == "TRACKING"]
        elif component["tag"] == "detail_simple_order_info_component":
            fields.pop("orderEndTime")
            fields.pop("orderEndTimeTile")
            fields.update(orderCreatTime="Sep 1, 2026", payTime="Sep 1, 2026", orderShipTime="Sep 2, 2026")
        elif component["tag"] == "detail_service_progress_bar":
            if refund_date is None:
                del components[key]
            else:
                fields["nodes"][-1]["time"] = refund_date
        elif component["tag"] == "detail_order_services":
            if refund_date is None:
                del components[key]
            else:
                fields["data"][0]["content"] = fields["data"][0]["content"].replace("Sep 4, 2026", refund_date)
    body["data"]["global"].pop("orderStatus")
    body["data"]["global"]["curTime"] = raw(LIST_2026)["data"]["global"]["curTime"]  # 2026-09-08
    return body


def test_constructed_awaiting_delivery_detail_has_its_explicit_deadline():
    reading = orders.parse_order_detail(constructed_awaiting_detail())
    (order,) = reading.orders
    assert order.status == "Awaiting delivery" and order.awaiting_receipt is True and order.status_code is None
    assert order.completed_on is None and order.shipped_on == "2026-09-02"
    assert order.protection.ends_on == "2026-10-01" and order.protection.kind == "explicit"
    assert reading.now.startswith("2026-09-08")


def test_constructed_awaiting_delivery_without_a_printed_date_reports_it_missing():
    (order,) = orders.parse_order_detail(constructed_awaiting_detail(refund_date=None)).orders
    assert order.awaiting_receipt is True and order.shipped_on == "2026-09-02"
    # A ship date alone is no rule: the new feeds state no "N days" to count, so nothing is computed.
    assert order.protection is None and "protection_ends" in order.missing


def test_disagreeing_dates_in_one_detail_are_noted():
    body = constructed_awaiting_detail()
    for component in body["data"]["data"].values():
        if component["tag"] == "detail_order_services":
            component["fields"]["data"][0]["content"] = "Refund if no delivery before Oct 3, 2026"
    reading = orders.parse_order_detail(body)
    assert reading.orders[0].protection.ends_on == "2026-10-01"
    assert len(reading.notes) == 1 and "2026-10-03" in reading.notes[0]


# --- due_within -------------------------------------------------------------------------------


def test_due_within_fires_for_the_constructed_awaiting_order_and_sorts_by_deadline():
    reading = orders.parse_order_detail(constructed_awaiting_detail())  # CONSTRUCTED, ends 2026-10-01
    sooner = orders.parse_order_detail(constructed_awaiting_detail("Sep 20, 2026")).orders[0]  # CONSTRUCTED
    now = dt.datetime.fromisoformat(reading.now)  # 2026-09-08, the server's own time
    assert orders.due_within(reading.orders + [sooner], 30, now) == [sooner, reading.orders[0]]
    assert orders.due_within(reading.orders + [sooner], 14, now) == [sooner]
    assert orders.due_within(reading.orders, 23, now) == reading.orders  # the last day counts
    assert orders.due_within(reading.orders, 22, now) == []
    assert orders.due_within(reading.orders, 30, "2026-10-02") == []  # already over


def test_due_within_is_quiet_for_a_completed_order_inside_the_window():
    reading = orders.parse_order_detail(raw(DETAIL))
    now = reading.now  # 2026-08-30; the printed end is 2026-09-04, five days on
    (order,) = reading.orders
    assert order.protection.ends_on == "2026-09-04" and order.awaiting_receipt is False
    assert orders.due_within(reading.orders, 7, now) == []


def test_due_within_is_quiet_without_a_date_and_for_list_orders():
    undated = orders.parse_order_detail(constructed_awaiting_detail(refund_date=None)).orders  # CONSTRUCTED
    listed = orders.parse_order_list(raw(LIST_2026)).orders
    assert orders.due_within(undated + listed, 365, "2026-09-08") == []


def test_due_within_keeps_an_order_whose_feed_does_not_say_it_is_over():
    tracking = orders.parse_tracking(raw(TRACKING)).orders  # ends 2026-09-03; receipt not stated
    assert orders.due_within(tracking, 7, dt.date(2026, 8, 30)) == tracking
    assert orders.due_within(tracking, 3, dt.date(2026, 8, 30)) == []


@pytest.mark.parametrize("days", [-1, 1.5, True, "7"])
def test_due_within_refuses_days_that_are_not_whole(days):
    with pytest.raises(ValueError):
        orders.due_within([], days, dt.date(2026, 1, 1))


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(("reader", "value", "expected"), [
    (orders.parse_order_list, LIST_2026.read_text(encoding="utf-8")[:5000], orders.LIST_API),
    (orders.parse_order_list, "", orders.LIST_API),
    (orders.parse_order_list, "[1, 2]", orders.LIST_API),
    (orders.parse_order_list, '"text"', orders.LIST_API),
    (orders.parse_order_detail, LIST_2026.read_text(encoding="utf-8"), orders.DETAIL_API),
    (orders.parse_order_list, DETAIL.read_text(encoding="utf-8"), orders.LIST_API),
    (orders.parse_tracking, REFUNDS.read_text(encoding="utf-8"), orders.TRACKING_API),
    (orders.parse_refund_list, '{"api": "mtop.aliexpress.buyer.reverse.queryreverseorderpagelistforbuyer", '
                               '"ret": ["SUCCESS::ok"], "data": {"module": {}}}', orders.REFUND_LIST_API),
    (orders.parse_order_list, '{"api": "mtop.aliexpress.trade.buyer.order.list", '
                              '"ret": ["FAIL_SYS_USER_VALIDATE::captcha"], "data": {}}', orders.LIST_API),
    (orders.parse_order_list, '{"api": "mtop.aliexpress.trade.buyer.order.list", "ret": ["SUCCESS::ok"], '
                              '"data": {"data": {"x": {"tag": "pc_om_list_body", "fields": {}}}}}', "pc_om_list_order"),
    (orders.parse_order_detail, '{"api": "mtop.aliexpress.trade.buyer.order.detail", "ret": ["SUCCESS::ok"], '
                                '"data": {"data": {}}}', "detail_order_status_block"),
    (orders.parse_legacy_detail, "<html><body>Not an order</body></html>", "TP_ProductTable"),
    (orders.parse_legacy_detail, "", orders.LEGACY_DETAIL),
    (orders.parse_feed, '{"api": "mtop.aliexpress.pdp.pc.query", "data": {}}', orders.LIST_API),
])
def test_garbled_or_foreign_input_is_refused_naming_what_was_expected(reader, value, expected):
    with pytest.raises(NotAnOrderFeed) as refused:
        reader(value)
    assert expected in refused.value.message
    assert refused.value.code == "not_an_order_feed" and isinstance(refused.value, UnreadableInput)


def test_a_capture_without_the_order_list_is_refused():
    captured = [e for e in raw(LIST_2025) if "order.list" not in e["url"]]
    with pytest.raises(NotAnOrderFeed, match="no answer"):
        orders.parse_order_list(captured)


def test_parse_feed_dispatches_on_the_feed_name():
    assert orders.parse_feed(DETAIL.read_text(encoding="utf-8")).source == orders.DETAIL_API
    assert orders.parse_feed(raw(REFUNDS)).source == orders.REFUND_LIST_API
    assert len(orders.parse_feed(LIST_2025.read_text(encoding="utf-8")).orders) == 3


def test_english_date_reads_only_what_it_knows():
    assert orders.english_date("Estimated delivery date: Aug 3, 2026") == "2026-08-03"
    assert orders.english_date("3 de ago. de 2026") is None
    assert orders.english_date("Feb 30, 2026") is None


def test_the_reader_is_pure_reading():
    """No web framework, no heuristics, no files, no network: only what the caller passes."""
    tree = ast.parse((ROOT / "server" / "marketplaces" / "aliexpress" / "orders.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    banned = ("flask", "werkzeug", "heuristics", "requests", "urllib.request", "socket", "os", "pathlib", "sqlite3")
    assert not [name for name in imported if name.split(".")[0] in banned or name in banned]
    assert "open(" not in (ROOT / "server" / "marketplaces" / "aliexpress" / "orders.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("value", ["²", 10**30, "9" * 40, "-5"])
def test_hostile_epoch_values_are_no_time(value):
    """Values a feed can carry that are digits to str.isdigit() or beyond any date: not a time,
    not a crash (the reader's callers catch only NotJSON)."""
    assert orders._ms_iso(value) is None


@pytest.mark.parametrize("text", ["x|²|1", "x|1|" + "9" * 5000, "x|1|2345", "x||5"])
def test_hostile_price_infos_are_no_price(text):
    assert orders._price_info(text, "BRL") is None
    assert orders._price_info("R$132,74|132|74", "BRL").amount == 132.74
