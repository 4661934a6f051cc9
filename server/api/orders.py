"""The shopper's orders (docs/api.md, "Orders"): a captured order feed in, the orders it shows
stored by order id; out, every order or those whose buyer protection ends soon."""

from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, current_app, jsonify, request

from ..analysis_request import decode_json
from ..db import get_db
from ..marketplaces.aliexpress import orders as reader
from ..problems import InvalidRequest, UnsupportedMediaType
from ..store import orders as table
from ..timefmt import iso
from . import PREFIX
from .requestbody import check_content_type, raw_body

bp = Blueprint("orders", __name__, url_prefix=PREFIX)

MAX_DUE_DAYS = 365


def _feed():
    """The feed the body holds: the feed's answer (a JSON object) or a browser tool's list of
    captured requests (a JSON list), read once, gunzipped within the request limit."""
    check_content_type()
    raw, encoding = raw_body(), request.headers.get("Content-Encoding") or ""
    try:
        return decode_json(raw, encoding, current_app.config["MAX_REQUEST_BYTES"], lists=True)
    except InvalidRequest as exc:
        if exc.code != "not_object":
            raise
        raise InvalidRequest("not_order_feed_json", "The body must be an order feed's JSON answer (an object) or a "
                             "list of captured requests.") from None


def _shown(row: dict, missing: list[str] | None = None) -> dict:
    order = {
        "order_id": row["order_id"],
        "status": row["status"],
        "awaiting_receipt": None if row["awaiting_receipt"] is None else bool(row["awaiting_receipt"]),
        "placed_on": row["placed_on"],
        "store": row["store"],
        "total": None if row["total_amount"] is None else
        {"amount": row["total_amount"], "currency": row["total_currency"], "text": row["total_text"]},
        "tracking_number": row["tracking_number"],
        "protection_ends": None if row["protection_ends"] is None else
        {"ends_on": row["protection_ends"], "kind": row["protection_kind"], "source": row["protection_source"],
         "basis": row["protection_basis"]},
        "source": row["source"],
        "updated_at": row["updated_at"],
    }
    if missing is not None:
        order["missing"] = missing
    return order


def _rendered_page() -> str:
    """A rendered order page (the old site's order_detail.htm) as UTF-8 text. text/html is not a
    content type a web page can send without the browser asking first (CORS), like JSON."""
    encoding = (request.headers.get("Content-Encoding") or "").strip().lower()
    if encoding not in ("", "identity"):
        raise UnsupportedMediaType("unsupported_encoding", f"Content-Encoding {encoding!r} is not accepted for an order "
                                   "page; send the page as it is.")
    raw = raw_body()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRequest("not_utf8", f"The page is not UTF-8 text (byte {exc.start}); send it as UTF-8.") from None


@bp.post("/orders")
def post_orders():
    """Read one captured order feed, or the old site's rendered order detail page, and store the
    orders it shows (by order id)."""
    if request.mimetype == "text/html":
        reading = reader.parse_legacy_detail(_rendered_page())
    else:
        reading = reader.parse_feed(_feed())
    stored = {row["order_id"]: row for row in table.record(get_db(), reading.orders, iso(dt.datetime.now(dt.timezone.utc)))}
    shown = [_shown(stored[order.order_id], order.missing) for order in reading.orders if order.order_id in stored]
    return jsonify({"source": reading.source, "orders": shown, "missing": reading.missing, "notes": reading.notes,
                    "feed_time": reading.now})


@bp.get("/orders")
def get_orders():
    """Every stored order, or (``?due_within=DAYS``) those whose protection ends within DAYS of
    the service's clock, soonest first."""
    days = request.args.get("due_within")
    rows = table.rows(get_db())
    if days is None:
        return jsonify({"orders": [_shown(row) for row in rows]})
    if not re.fullmatch(r"[0-9]{1,3}", days) or int(days) > MAX_DUE_DAYS:
        raise InvalidRequest("bad_due_within", f"due_within must be a whole number of days from 0 to {MAX_DUE_DAYS}.",
                             field="due_within")
    today = dt.datetime.now(dt.timezone.utc).date()
    by_id = {row["order_id"]: row for row in rows}
    due = reader.due_within([table.as_order(row) for row in rows], int(days), today)
    return jsonify({"today": today.isoformat(), "due_within": int(days), "orders": [_shown(by_id[o.order_id]) for o in due]})
