"""AliExpress orders: what the buyer's own order feeds and pages say, read and nothing more.

Pure reading: each reader takes what the caller passes (a feed's JSON text or decoded object, a
saved page's HTML), does no I/O and never guesses. Every reading returns the orders it found and,
on each order, the names of the fields it could not find (``missing``), so a caller can say "the
feed does not show this" instead of inventing it. docs/sources.md, "Orders and deadlines", gives
each feed's fields and the real captures in tests/fixtures/orders/.

The buyer-protection end (:class:`Deadline`) is either **explicit** (a date the feed prints:
"Refund if no delivery before Sep 4, 2026") or **computed** from a rule the page itself states
("Full refund if product is not received in 60 days", counted from the shipping time: the
seller-side order record shows the deadline is the ship time plus the promised days), with the
rule and the dates it used in ``basis``. Neither: ``protection_ends`` is missing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from selectolax.lexbor import LexborHTMLParser

from ... import textparse
from ..problems import NotAnOrderFeed
from .embedded import NotJSON, decode_body
from .shared import as_dict, as_list

LIST_API = "mtop.aliexpress.trade.buyer.order.list"
DETAIL_API = "mtop.aliexpress.trade.buyer.order.detail"
TRACKING_API = "mtop.ae.ld.querydetail"
REFUND_LIST_API = "mtop.aliexpress.buyer.reverse.queryreverseorderpagelistforbuyer"
LEGACY_DETAIL = "trade.aliexpress.com/order_detail.htm"

# The fields every order reading looks for; what it does not find is named in ``Order.missing``.
ORDER_FIELDS = ("order_id", "placed_on", "status", "items", "total", "tracking", "protection_ends")

# Legacy order status codes (the old site and the open platform's enum) that say the parcel is
# on its way and the buyer has not confirmed receipt, and the ones that say the order is over.
_AWAITING_CODES = {"WAIT_BUYER_ACCEPT_GOODS", "WAIT_BUYER_CONFIRM_GOODS", "SELLER_PART_SEND_GOODS"}
_FINISHED_CODES = {"FINISH"}
# ``global.orderStatus`` / ``utParams.args.orderStatus``: 9 is seen on Completed (and Expired)
# orders only; no capture shows the code of an order still on its way.
_FINISHED_STATUS_NUMBER = 9
_DELIVERED_CODES = {"AE_GTMS_SIGNED"}

_REFUND_BEFORE = re.compile(r"Refund if no delivery before ([A-Z][a-z]{2}[a-z]*\.? \d{1,2}, \d{4})")
_LEGACY_DAYS = re.compile(r"Full refund if (?:the )?(?:product|item|order) is not received in (\d+) days", re.I)
_LEGACY_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$")
_LEGACY_MONEY = re.compile(r"^(US|AU|CA|NZ|HK|SG)?\s*\$\s*([\d,]+(?:\.\d+)?)$")
_LEGACY_CURRENCY = {None: "USD", "US": "USD", "AU": "AUD", "CA": "CAD", "NZ": "NZD", "HK": "HKD", "SG": "SGD"}


# --- the data model ---------------------------------------------------------------------------


@dataclass
class Money:
    """An amount as a number, with its currency code and the text it was read from."""

    amount: float
    currency: str | None
    text: str


@dataclass
class OrderItem:
    title: str | None = None
    product_id: str | None = None
    sku_id: str | None = None
    line_id: str | None = None
    quantity: int | None = None
    price: Money | None = None  # the unit price the feed shows for the line
    options: list[tuple[str | None, str]] = field(default_factory=list)  # ("Color", "Orange"); None: unnamed


@dataclass
class TrackingEvent:
    code: str | None  # trackingSecondCode (AE_ORDER_PLACED … AE_GTMS_SIGNED): translated text aside
    at: str | None  # ISO time (UTC) from the event's epoch milliseconds
    name: str | None
    description: str | None
    stage: str | None = None  # fulfillStage (1100 … 1700)


@dataclass
class Tracking:
    number: str | None  # the last-mile tracking number (mailNo; the legacy page's "Tracking Number")
    carrier: str | None  # the company carrying it (logisticsCpInfo.cpName; the legacy logistics name)
    service: str | None = None  # AliExpress's name for the shipping method (logisticsCarrierName)
    origin_number: str | None = None  # AliExpress's own LP number (originMailNo)
    events: list[TrackingEvent] = field(default_factory=list)  # in the feed's order (newest first)
    delivered: bool | None = None  # a delivery event (AE_GTMS_SIGNED) is among the events


@dataclass
class Deadline:
    """When buyer protection ends: the last day a refund for non-delivery can be claimed."""

    ends_on: str  # ISO date
    kind: str  # "explicit" (the feed prints the date) or "computed" (from a rule the page states)
    source: str  # where it was read: the feed and field
    basis: str  # the text it was read from, or the rule and the dates used to compute it


@dataclass
class Refund:
    """A return or dispute case from the refund list."""

    reverse_order_id: str | None
    reverse_line_id: str | None
    order_line_id: str | None
    kind: str | None  # reverseType: RETURN …
    status: int | None  # reverseStatus: 2/3 in progress, 4 finished
    opened_at: str | None  # ISO time (UTC) of gmtCreate
    detail_url: str | None


@dataclass
class Order:
    source: str  # the feed or page read
    order_id: str | None = None
    placed_on: str | None = None  # ISO date (or date and time, legacy page, its own clock)
    paid_on: str | None = None
    shipped_on: str | None = None
    completed_on: str | None = None
    status: str | None = None  # the status as the page words it ("Awaiting delivery")
    status_code: str | None = None  # the feed's code ("9", "WAIT_BUYER_CONFIRM_GOODS")
    awaiting_receipt: bool | None = None  # on its way and not confirmed; None: the feed does not say
    store: str | None = None
    store_url: str | None = None
    items: list[OrderItem] = field(default_factory=list)
    total: Money | None = None
    tracking: list[Tracking] = field(default_factory=list)
    protection: Deadline | None = None
    refunds: list[Refund] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass
class OrdersReading:
    source: str
    orders: list[Order]
    now: str | None = None  # the server's time when it answered (``global.curTime``), ISO UTC
    missing: list[str] = field(default_factory=list)  # "orders[i].field" for every order's missing
    notes: list[str] = field(default_factory=list)  # disagreements inside the feed, said not settled


# --- small readers ----------------------------------------------------------------------------


def _str(value) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _ms_iso(value) -> str | None:
    """Epoch milliseconds (a number or digits) as an ISO UTC time."""
    text = _str(value)
    if text is None or not textparse.ASCII_DIGITS.fullmatch(text):  # str.isdigit() takes "²"
        return None
    try:
        return dt.datetime.fromtimestamp(int(text) / 1000, tz=dt.timezone.utc).isoformat(timespec="seconds")
    except (ValueError, OverflowError, OSError):  # beyond any date a feed can mean
        return None


def english_date(text: str | None) -> str | None:
    """"Jul 15, 2026" (the feeds' English dates) as "2026-07-15"; other wordings: None."""
    date = textparse.parse_english_date(text)
    return date.isoformat() if date else None


def _price_info(text: str | None, currency: str | None) -> Money | None:
    """``formatPriceInfo``: "R$132,74|132|74" (display|whole|fraction), free of locale separators."""
    parts = (text or "").split("|")
    # ASCII digits of bounded length: str.isdigit() takes "²", and int() refuses 4,300 digits.
    if len(parts) != 3 or not textparse.ASCII_DIGITS.fullmatch(parts[1]) or not re.fullmatch(r"[0-9]{0,3}", parts[2]):
        return None
    fraction = int(parts[2]) / 10 ** len(parts[2]) if parts[2] else 0
    return Money(round(int(parts[1]) + fraction, len(parts[2])), currency, parts[0])


def _legacy_money(text: str | None) -> Money | None:
    """The 2014 page's "US $ 13.77" / "$ 10.00"."""
    clean = " ".join((text or "").split())
    match = _LEGACY_MONEY.match(clean)
    if not match:
        return None
    return Money(float(match.group(2).replace(",", "")), _LEGACY_CURRENCY[match.group(1)], clean)


def _legacy_time(text: str | None) -> str | None:
    """"2014-05-31 10:51:32" as ISO, without a zone: the page does not say its clock's zone."""
    match = _LEGACY_TIME.match(" ".join((text or "").split()))
    if not match:
        return None
    y, mo, d, h, mi, s = match.groups()
    try:
        if h is None:
            return dt.date(int(y), int(mo), int(d)).isoformat()
        return dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0)).isoformat()
    except ValueError:
        return None


def _finish(order: Order) -> Order:
    values = {
        "order_id": order.order_id, "placed_on": order.placed_on, "status": order.status,
        "items": order.items, "total": order.total, "tracking": order.tracking,
        "protection_ends": order.protection,
    }
    order.missing = [name for name in ORDER_FIELDS if not values[name]]
    return order


def _reading(source: str, orders: list[Order], now: str | None = None, notes=None) -> OrdersReading:
    missing = [f"orders[{i}].{name}" for i, order in enumerate(orders) for name in order.missing]
    return OrdersReading(source, orders, now, missing, list(notes or []))


# --- the mtop envelope ------------------------------------------------------------------------


def _capture_body(value, api: str):
    """A browser tool's capture (a list of ``{url, status, body}``): the body of the entry that
    answered ``api``."""
    for entry in value:
        if isinstance(entry, dict) and api in str(entry.get("url", "")) and "body" in entry:
            return entry["body"]
    raise NotAnOrderFeed(f"expected {api}: the captured requests hold no answer from it.")


def _envelope(value, api: str) -> dict:
    """The mtop answer as an object, checked to be ``api``'s and successful.

    :raises NotAnOrderFeed: naming what was expected and what was found.
    """
    try:
        body = decode_body(value)
        if isinstance(body, list):
            body = decode_body(_capture_body(body, api))
    except NotJSON as exc:
        raise NotAnOrderFeed(f"expected {api} as JSON or JSONP: {exc}.") from None
    if not isinstance(body, dict):
        raise NotAnOrderFeed(f"expected {api}: a JSON object, got {type(body).__name__}.")
    found = body.get("api")
    if found != api:
        said = f"the feed {str(found)[:100]!r}" if isinstance(found, str) else "no feed name (\"api\")"
        raise NotAnOrderFeed(f"expected {api}, found {said}.")
    ret = [r for r in as_list(body.get("ret")) if isinstance(r, str)]
    if not any(r.startswith("SUCCESS") for r in ret):
        raise NotAnOrderFeed(f"expected a successful {api} answer, found {', '.join(ret)[:200] or 'no ret'} "
                             "(a robot check or a signed-out request answers like this).")
    if not isinstance(body.get("data"), dict):
        raise NotAnOrderFeed(f"expected {api} with a \"data\" object; it has none.")
    return body


def _components(body: dict, api: str, required: str) -> tuple[dict[str, list[dict]], dict]:
    """An Ultron answer's components grouped by ``tag`` in display order (``hierarchy``), and its
    ``global``. :raises NotAnOrderFeed: without components, or without one tagged ``required``."""
    data = body["data"]
    components = data.get("data")
    if not isinstance(components, dict):
        raise NotAnOrderFeed(f"expected {api} with components in data.data; there are none.")
    structure = as_dict(as_dict(data.get("hierarchy")).get("structure"))
    ordered = [key for children in structure.values() for key in as_list(children) if key in components]
    ordered += [key for key in components if key not in ordered]
    by_tag: dict[str, list[dict]] = {}
    for key in ordered:
        component = as_dict(components[key])
        tag = component.get("tag")
        if isinstance(tag, str):
            by_tag.setdefault(tag, []).append(component)
    if required not in by_tag:
        tags = ", ".join(sorted(by_tag))[:200] or "none"
        raise NotAnOrderFeed(f"expected {api} with a {required} component; found {tags}.")
    return by_tag, as_dict(data.get("global"))


def _fields(by_tag: dict[str, list[dict]], tag: str) -> dict:
    found = by_tag.get(tag)
    return as_dict(found[0].get("fields")) if found else {}


def _options(attrs) -> list[tuple[str, str]]:
    return [(a["name"], a["text"]) for a in map(as_dict, as_list(attrs))
            if isinstance(a.get("name"), str) and isinstance(a.get("text"), str)]


def _quantity(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _item(line: dict) -> OrderItem:
    currency = _str(line.get("currencyCode"))
    return OrderItem(
        title=_str(line.get("itemTitle")),
        product_id=_str(line.get("productId")),
        sku_id=_str(line.get("skuId")),
        line_id=_str(line.get("orderLineId")),
        quantity=_quantity(line.get("quantity")),
        price=_price_info(line.get("formatPriceInfo"), currency),
        options=_options(line.get("skuAttrs")),
    )


def _button_types(buttons) -> set[str]:
    return {b["type"] for b in map(as_dict, as_list(buttons)) if isinstance(b.get("type"), str)}


def _now(global_: dict) -> str | None:
    return _ms_iso(global_.get("curTime"))


# --- the order list ---------------------------------------------------------------------------


def parse_order_list(value) -> OrdersReading:
    """``mtop.aliexpress.trade.buyer.order.list``: one order per ``pc_om_list_order`` component.

    The list shows no protection date (its "Awaiting delivery" orders carry only the Confirm
    received and tracking buttons), nor tracking numbers: both are missing on every order.
    """
    body = _envelope(value, LIST_API)
    by_tag, global_ = _components(body, LIST_API, "pc_om_list_order")
    orders = []
    for component in by_tag["pc_om_list_order"]:
        f = as_dict(component.get("fields"))
        buttons = _button_types(f.get("buttons"))
        number = as_dict(as_dict(f.get("utParams")).get("args")).get("orderStatus")
        status_code = _str(number)
        if "CONFIRM_GOODS" in buttons:
            awaiting = True
        elif number == _FINISHED_STATUS_NUMBER:
            awaiting = False
        else:
            awaiting = None
        orders.append(_finish(Order(
            source=LIST_API,
            order_id=_str(f.get("orderId")),
            placed_on=english_date(f.get("orderDateText")),
            status=_str(f.get("statusText")),
            status_code=status_code,
            awaiting_receipt=awaiting,
            store=_str(f.get("storeName")),
            store_url=_str(f.get("storePageUrl")),
            items=[_item(as_dict(line)) for line in as_list(f.get("orderLines"))],
            total=_price_info(f.get("formatPriceInfo"), _str(f.get("currencyCode"))),
        )))
    return _reading(LIST_API, orders, _now(global_))


# --- the order detail -------------------------------------------------------------------------


def _detail_deadline(by_tag: dict[str, list[dict]]) -> tuple[Deadline | None, list[str]]:
    """The protection end the detail prints: the progress bar's last node ("Refund", with its
    date), else the services' "Refund if no delivery before <date>". Both read: a disagreement
    is noted, the progress bar kept."""
    found: list[Deadline] = []
    nodes = [as_dict(n) for n in as_list(_fields(by_tag, "detail_service_progress_bar").get("nodes"))]
    if nodes and english_date(nodes[-1].get("time")) and _str(nodes[-1].get("text")) == "Refund":
        last = nodes[-1]
        found.append(Deadline(english_date(last["time"]), "explicit",
                              f"{DETAIL_API}: detail_service_progress_bar.nodes[{len(nodes) - 1}]",
                              f"{last['text']} {last['time']}"))
    for component in by_tag.get("detail_order_services", []):
        for i, service in enumerate(as_list(as_dict(component.get("fields")).get("data"))):
            match = _REFUND_BEFORE.search(str(as_dict(service).get("content", "")))
            if match and english_date(match.group(1)):
                found.append(Deadline(english_date(match.group(1)), "explicit",
                                      f"{DETAIL_API}: detail_order_services.data[{i}].content", match.group(0)))
    notes = []
    if len({d.ends_on for d in found}) > 1:
        notes.append("the detail gives two protection ends: " + "; ".join(f"{d.ends_on} ({d.source})" for d in found))
    return (found[0] if found else None), notes


def parse_order_detail(value) -> OrdersReading:
    """``mtop.aliexpress.trade.buyer.order.detail``: one order, its components read by ``tag``;
    ``global.curTime`` is the server's "now"."""
    body = _envelope(value, DETAIL_API)
    by_tag, global_ = _components(body, DETAIL_API, "detail_order_status_block")
    status = _fields(by_tag, "detail_order_status_block")
    info = _fields(by_tag, "detail_simple_order_info_component")
    product = _fields(by_tag, "detail_product_block")
    total = as_dict(_fields(by_tag, "detail_order_price_block").get("totalPrice"))
    seller = as_dict(product.get("sellerVO"))
    lines = [as_dict(line) for line in as_list(product.get("productVOList"))]
    buttons = _button_types(status.get("buttonVOList"))
    for line in lines:
        buttons |= _button_types(line.get("buttonVOS"))
    number = global_.get("orderStatus")
    if "CONFIRM_GOODS" in buttons:
        awaiting = True
    elif number == _FINISHED_STATUS_NUMBER or english_date(info.get("orderEndTime")):
        awaiting = False
    else:
        awaiting = None
    protection, notes = _detail_deadline(by_tag)
    order = Order(
        source=DETAIL_API,
        order_id=_str(info.get("tradeOrderId")) or _str(status.get("orderId")),
        placed_on=english_date(info.get("orderCreatTime")),
        paid_on=english_date(info.get("payTime")),
        shipped_on=english_date(info.get("orderShipTime")),
        completed_on=english_date(info.get("orderEndTime")),
        status=_str(status.get("title")),
        status_code=_str(number),
        awaiting_receipt=awaiting,
        store=_str(seller.get("sellerName")),
        store_url=_str(seller.get("storeUrl")),
        items=[_item(line) for line in lines],
        total=_price_info(total.get("formatPriceInfo"), _str(total.get("currencyCode"))),
        protection=protection,
    )
    return _reading(DETAIL_API, [_finish(order)], _now(global_), notes)


# --- tracking ---------------------------------------------------------------------------------


def _package(line: dict) -> Tracking:
    events = []
    for event in map(as_dict, as_list(line.get("detailList"))):
        events.append(TrackingEvent(
            code=_str(event.get("trackingSecondCode")) or _str(event.get("trackingPrimaryCode")),
            at=_ms_iso(event.get("time")),
            name=_str(event.get("trackingName")),
            description=_str(event.get("trackingDetailDesc")),
            stage=_str(event.get("fulfillStage")),
        ))
    codes = {e.code for e in events} | {_str(as_dict(e).get("trackingPrimaryCode")) for e in as_list(line.get("detailList"))}
    return Tracking(
        number=_str(line.get("mailNo")),
        carrier=_str(as_dict(line.get("logisticsCpInfo")).get("cpName")),
        service=_str(line.get("logisticsCarrierName")),
        origin_number=_str(line.get("originMailNo")),
        events=events,
        delivered=bool(codes & _DELIVERED_CODES) if events else None,
    )


def _order_id_in_links(lines: list[dict]) -> str | None:
    """The order a tracking answer belongs to, as its own links name it (``tradeOrderId=``)."""
    for line in lines:
        link = _str(as_dict(line.get("etaInfo")).get("tipsLink"))
        if link:
            found = parse_qs(urlsplit(link).query).get("tradeOrderId")
            if found and found[0].isdigit():
                return found[0]
    return None


def parse_tracking(value) -> OrdersReading:
    """``mtop.ae.ld.querydetail``: one package per ``trackingDetailLineList`` entry, and the
    protection end its ``fastDeliveryInfoDTO`` prints ("Refund if no delivery before <date>")."""
    body = _envelope(value, TRACKING_API)
    module = body["data"].get("module")
    if not isinstance(module, dict) or not isinstance(module.get("trackingDetailLineList"), list):
        raise NotAnOrderFeed(f"expected {TRACKING_API} with data.module.trackingDetailLineList; it has none.")
    lines = [as_dict(line) for line in module["trackingDetailLineList"]]
    protection = None
    fast = as_dict(module.get("fastDeliveryInfoDTO"))
    for i, text in enumerate(as_list(fast.get("fdContentList"))):
        match = _REFUND_BEFORE.search(str(text))
        if match and english_date(match.group(1)):
            protection = Deadline(english_date(match.group(1)), "explicit",
                                  f"{TRACKING_API}: fastDeliveryInfoDTO.fdContentList[{i}]", match.group(0))
            break
    order = Order(source=TRACKING_API, order_id=_order_id_in_links(lines),
                  tracking=[_package(line) for line in lines], protection=protection)
    return _reading(TRACKING_API, [_finish(order)])


# --- the refund list --------------------------------------------------------------------------


def parse_refund_list(value) -> OrdersReading:
    """``mtop.aliexpress.buyer.reverse.queryreverseorderpagelistforbuyer``: one order per trade
    order named, with its returned lines as items and each case as a :class:`Refund`."""
    body = _envelope(value, REFUND_LIST_API)
    module = body["data"].get("module")
    if not isinstance(module, dict) or not isinstance(module.get("items"), list):
        raise NotAnOrderFeed(f"expected {REFUND_LIST_API} with data.module.items; it has none.")
    orders: dict[str, Order] = {}
    for group in map(as_dict, module["items"]):
        for line in map(as_dict, as_list(group.get("reverseOrderLines"))):
            order_id = _str(line.get("tradeOrderId"))
            order = orders.setdefault(order_id or f"#{len(orders)}", Order(source=REFUND_LIST_API, order_id=order_id))
            seller = as_dict(line.get("seller"))
            order.store = order.store or _str(group.get("shopName"))
            order.store_url = order.store_url or _str(seller.get("storeUrl"))
            item = as_dict(line.get("aeItemDTO"))
            unit = as_dict(item.get("itemUnitPrice"))
            order.items.append(OrderItem(
                title=_str(item.get("itemTitle")),
                product_id=_str(item.get("itemId")),
                line_id=_str(line.get("tradeOrderLineId")),
                quantity=_quantity(item.get("itemCount")),
                price=_price_info(as_dict(unit.get("formatPrice")).get("priceInfo"), _str(unit.get("currency"))),
                options=[(None, s["skuValue"]) for s in map(as_dict, as_list(item.get("skuDTOList")))
                         if isinstance(s.get("skuValue"), str)],
            ))
            detail = next((b.get("detailUrl") for b in map(as_dict, as_list(line.get("buttonDTOList")))
                           if b.get("type") == "view_details"), None)
            status = line.get("reverseStatus")
            order.refunds.append(Refund(
                reverse_order_id=_str(line.get("reverseOrderId")),
                reverse_line_id=_str(line.get("reverseOrderLineId")),
                order_line_id=_str(line.get("tradeOrderLineId")),
                kind=_str(line.get("reverseType")),
                status=status if isinstance(status, int) and not isinstance(status, bool) else None,
                opened_at=_ms_iso(line.get("gmtCreate")),
                detail_url=_str(detail),
            ))
    return _reading(REFUND_LIST_API, [_finish(o) for o in orders.values()])


# --- the legacy order detail page (trade.aliexpress.com/order_detail.htm, to 2021) ----------


def _text(node) -> str | None:
    return " ".join(node.text(separator=" ").split()) or None if node is not None else None


def parse_legacy_detail(html: str) -> OrdersReading:
    """The old site's rendered order detail page: status, items, money, dates, the tracking
    number, and the protection end computed from the page's own "Full refund if product is not
    received in N days" and its shipping time (or read from ``.order-reminder`` when present)."""
    if not isinstance(html, str) or not html.strip():
        raise NotAnOrderFeed(f"expected the saved {LEGACY_DETAIL} page (HTML); got nothing.")
    tree = LexborHTMLParser(html)
    table = tree.css_first("#TP_ProductTable")
    if table is None:
        raise NotAnOrderFeed(f"expected the saved {LEGACY_DETAIL} page: it has no #TP_ProductTable.")
    order_id = _text(tree.css_first(".copy-order-num"))
    if not (order_id or "").isdigit():
        flush = tree.css_first("a.flush-btn[orderId]")
        order_id = flush.attributes.get("orderid") if flush is not None else None
    body = table.css_first("tbody[data-status]")
    status_code = body.attributes.get("data-status") if body is not None else None
    items = []
    for row in table.css("tr.order-bd"):
        name = _text(row.css_first(".baobei-name"))
        labels = [_text(n) for n in row.css(".spec font")]
        values = [_text(n) for n in row.css(".spec .val")]
        quantity = re.match(r"\d+", _text(row.css_first("td.quantity")) or "")
        items.append(OrderItem(
            title=name,
            quantity=int(quantity.group(0)) if quantity else None,
            price=_legacy_money(_text(row.css_first("td.price"))),
            options=[(label.rstrip(":"), value) for label, value in zip(labels, values) if label and value],
        ))
    statuses = {_text(n) for n in table.css("td.trade-status")} - {None}
    times = {}
    for li in tree.css("#operate-pnl li"):
        label, span = _text(li.css_first("label")), _text(li.css_first("span"))
        if label and span:
            times[label] = _legacy_time(span)
    tracking = []
    for row in tree.css("#TP_ShippingTable tr.shipping-bd"):
        number = _text(row.css_first("td.no"))
        tracking.append(Tracking(number=number, carrier=_text(row.css_first(".logistics-name"))))
    order = Order(
        source=LEGACY_DETAIL,
        order_id=order_id,
        placed_on=times.get("Order Date"),
        paid_on=times.get("Payment Date"),
        shipped_on=times.get("Shipping Time"),
        status=sorted(statuses)[0] if len(statuses) == 1 else None,
        status_code=status_code,
        awaiting_receipt=True if status_code in _AWAITING_CODES else False if status_code in _FINISHED_CODES else None,
        store=_text(tree.css_first(".user-name-text a")),
        store_url=(tree.css_first(".user-name-text a").attributes.get("href")
                   if tree.css_first(".user-name-text a") is not None else None),
        items=items,
        total=_legacy_money(_text(tree.css_first("#tp-order-price-table td.order-price"))),
        tracking=[t for t in tracking if t.number],
    )
    order.protection = _legacy_deadline(tree, order)
    notes = []
    other_ids = {b.attributes.get("data-orderid") for b in table.css("tbody[data-orderid]")} - {order_id, None}
    if other_ids:
        notes.append(f"the item table names order {', '.join(sorted(other_ids))}, the rest of the page {order_id}")
    return _reading(LEGACY_DETAIL, [_finish(order)], notes=notes)


def _legacy_deadline(tree, order: Order) -> Deadline | None:
    reminder = _text(tree.css_first(".order-reminder"))
    match = re.search(r"does not arrive (?:on|by) (\d{4}-\d{2}-\d{2})", reminder or "")
    if match and _legacy_time(match.group(1)):
        return Deadline(match.group(1), "explicit", f"{LEGACY_DETAIL}: .order-reminder", match.group(0))
    promises = {m.group(0): int(m.group(1)) for node in tree.css("a.sp-icon[title]")
                if (m := _LEGACY_DAYS.search(node.attributes.get("title") or ""))}
    if len(set(promises.values())) != 1 or not order.shipped_on:
        return None  # no promise, promises that disagree, or no shipping time: not guessed
    (text, days), = list(promises.items())[:1]
    shipped = dt.date.fromisoformat(order.shipped_on[:10])
    ends = shipped + dt.timedelta(days=days)
    return Deadline(ends.isoformat(), "computed", f"{LEGACY_DETAIL}: a.sp-icon[title] and #operate-pnl Shipping Time",
                    f"shipping time {order.shipped_on[:10]} + {days} days (the page: \"{text}\"; buyer protection "
                    "counts from shipping)")


# --- any of them ------------------------------------------------------------------------------

_READERS = {LIST_API: parse_order_list, DETAIL_API: parse_order_detail,
            TRACKING_API: parse_tracking, REFUND_LIST_API: parse_refund_list}
ORDER_FEEDS = tuple(_READERS)


def parse_feed(value) -> OrdersReading:
    """Any of the order feeds, told apart by the name the answer gives itself (``api``)."""
    try:
        body = decode_body(value)
    except NotJSON as exc:
        raise NotAnOrderFeed(f"expected one of {', '.join(ORDER_FEEDS)} as JSON or JSONP: {exc}.") from None
    if isinstance(body, list):  # a browser tool's captured requests: the first order feed among them
        url = next((str(e.get("url")) for e in body if isinstance(e, dict) and any(a in str(e.get("url")) for a in _READERS)), "")
        api = next((a for a in _READERS if a in url), None)
        if api:
            return _READERS[api](body)
    api = body.get("api") if isinstance(body, dict) else None
    if api not in _READERS:
        said = f"{str(api)[:100]!r}" if isinstance(api, str) else "no feed name (\"api\")"
        raise NotAnOrderFeed(f"expected one of {', '.join(ORDER_FEEDS)}; found {said}.")
    return _READERS[api](body)


# --- deadlines --------------------------------------------------------------------------------


def _day(now: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(now, str):
        now = dt.datetime.fromisoformat(now)
    if isinstance(now, dt.datetime):
        return (now.astimezone(dt.timezone.utc) if now.tzinfo else now).date()
    return now


def due_within(orders: list[Order], days: int, now: dt.date | dt.datetime | str) -> list[Order]:
    """The orders whose buyer protection ends in the next ``days`` days (today, ``now``'s UTC
    date, through today + ``days``), soonest first. Orders known to be over (received, completed)
    are left out: confirming receipt ends the protection. An order whose feed does not say
    whether it is over stays in; one without a protection date cannot be placed and is left out
    (its ``missing`` names ``protection_ends``)."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError(f"days must be a whole number of days, 0 or more; got {days!r}")
    today = _day(now)
    last = today + dt.timedelta(days=days)
    due = [o for o in orders if o.protection is not None and o.awaiting_receipt is not False
           and today <= dt.date.fromisoformat(o.protection.ends_on) <= last]
    return sorted(due, key=lambda o: o.protection.ends_on)


__all__ = [
    "Deadline", "Money", "Order", "OrderItem", "OrdersReading", "Refund", "Tracking", "TrackingEvent",
    "ORDER_FEEDS", "due_within", "english_date", "parse_feed", "parse_legacy_detail", "parse_order_detail",
    "parse_order_list", "parse_refund_list", "parse_tracking",
]
