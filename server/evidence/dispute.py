"""A dispute statement drafted from the saved evidence, and the facts the pack's report shows.

:func:`draft_statement` writes plain text in five parts (docs/evidence.md, "The dispute
statement"): what was promised (the listing records' facts: seller, price, delivery promise,
protections, emptor's verdict then), what happened (the order: status, dates, tracking, the
buyer-protection deadline), what is asked for the chosen reason, the saved artifacts cited by
record id, name, SHA-256 prefix and capture time, and AliExpress's dispute steps and time limits
with the days left. It states only what the records and the order hold; what they do not hold is
said to be missing, never guessed.

A listing record's facts are the analysis report (``{"listing": {...}, "verdict": {...}}``,
docs/report.schema.json) or the same keys at the top level; an order record's facts carry the
order as :func:`order_facts` writes it, under ``"order"``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from ..marketplaces.aliexpress.orders import Order

REASONS = {
    "not_received": "Item not received",
    "not_as_described": "Item not as described",
    "counterfeit": "Counterfeit item",
    "damaged": "Item arrived damaged",
}
HASH_PREFIX = 16

# AliExpress's dispute steps and time limits (docs/sources.md, "Disputes": its help and
# buyer-protection pages as of the research date, which vary by country and over time: the
# statement says to check the page).
TERMS_CAVEAT = "AliExpress's own terms as of the research date; check the page"
STEPS = (
    "Do not confirm receipt before the problem is settled: confirming ends buyer protection and releases "
    "the payment to the seller.",
    "Open the dispute from the order page (Open dispute) while buyer protection lasts. It can be opened from "
    "about the 11th day after shipment, and closes 15 days after the delivery countdown ends or after receipt "
    "is confirmed. Only one dispute can be opened per order; ask for protection to be extended from the order "
    "page if the parcel is still on its way.",
    "The seller has 5 days to answer; without an answer the refund is automatic.",
    "Negotiation with the seller lasts up to 15 days, after which the case goes to AliExpress's Case "
    "Management Team; you can escalate it yourself from the 3rd or 4th day after opening.",
    "If a return is agreed, ship it within 10 days.",
    "A refund reaches a card 3 to 20 business days after it is processed.",
)
_ASK = {
    "not_received": "The order has not reached me. I ask for a full refund, as buyer protection covers an order "
                    "not delivered within the promised time.",
    "not_as_described": "The item I received does not match the listing as it was when I bought it (the saved page "
                        "below). I ask for a refund, or a refund on return of the item.",
    "counterfeit": "The item I received is not the genuine product the listing described (the saved page below). "
                   "I ask for a full refund; buyer protection covers counterfeit items under Guaranteed Genuine.",
    "damaged": "The item arrived damaged. I ask for a refund, or a refund on return of the item.",
}
_ATTACH = {
    "not_received": "the tracking page, and the order page showing the promised delivery",
    "not_as_described": "photos or a video of the item as received, beside the saved listing",
    "counterfeit": "photos of the item, its packaging and markings, beside the saved listing",
    "damaged": "photos or a video of the damaged item and of the parcel as it arrived",
}


def order_facts(order: Order) -> dict:
    """The order as a record's facts hold it (``{"order": order_facts(o)}``): JSON, every field
    of orders.Order, ``missing`` included."""
    return dataclasses.asdict(order)


# --- reading records -------------------------------------------------------------------------------


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _live(records) -> list[dict]:
    return sorted((r for r in records if r.get("kind") not in (None, "tombstone")), key=lambda r: r["captured_at"])


def listing_view(record: dict) -> dict:
    """The listing facts of a listing record: the report's ``listing`` (or the facts themselves),
    with its ``verdict``."""
    facts = _dict(record.get("facts"))
    listing = dict(_dict(facts.get("listing")) or facts)
    listing["verdict"] = _dict(facts.get("verdict")) or None
    return listing


def order_view(records, order: Order | dict | None = None) -> dict | None:
    """The order as a dict: the one given, else the latest order record's ``facts["order"]``."""
    if isinstance(order, Order):
        return order_facts(order)
    if isinstance(order, dict):
        return order
    for record in reversed(_live(records)):
        found = _dict(_dict(record.get("facts")).get("order"))
        if record.get("kind") in ("order", "tracking") and found:
            return found
    return None


def purchase_listing(records, order: dict | None) -> dict | None:
    """The listing record that shows what was promised at purchase: the last one saved on or
    before the day the order was placed, else the first saved."""
    listings = [r for r in _live(records) if r.get("kind") == "listing"]
    if not listings:
        return None
    placed = str((order or {}).get("placed_on") or "")[:10]
    before = [r for r in listings if placed and r["captured_at"][:10] <= placed]
    return before[-1] if before else listings[0]


def _money(value, currency) -> str | None:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    return f"{value:.2f} {currency or ''}".strip()


def _delivery(option: dict) -> str:
    parts = [option.get("method") or "shipping"]
    cost = _money(option.get("cost"), option.get("currency"))
    if cost:
        parts.append("free" if option.get("cost") == 0 else cost)
    if option.get("min_days") or option.get("max_days"):
        parts.append(f"{option.get('min_days') or '?'} to {option.get('max_days') or '?'} days")
    if option.get("delivery_date"):
        parts.append(f"delivery by {option['delivery_date']}")
    if option.get("guaranteed_days"):
        parts.append(f"guaranteed within {option['guaranteed_days']} days")
    return "Delivery: " + ", ".join(str(p) for p in parts)


def promises(listing: dict) -> list[str]:
    """What the listing promised, one line each, from its facts; what it does not show is left out."""
    lines = []
    seller = _dict(listing.get("seller"))
    if seller.get("name"):
        store = f" (store {seller['store_id']})" if seller.get("store_id") else ""
        lines.append(f"Seller: {seller['name']}{store}")
    price = _dict(listing.get("price"))
    low, high = _money(price.get("min"), price.get("currency")), _money(price.get("max"), price.get("currency"))
    if low:
        lines.append(f"Price: {low}" + (f" to {high}" if high and high != low else ""))
    lines += [_delivery(_dict(option)) for option in _list(listing.get("shipping"))]
    badges = _dict(listing.get("badges"))
    shown = []
    if badges.get("buyer_protection_days"):
        shown.append(f"buyer protection {badges['buyer_protection_days']} days")
    guarantee = _dict(badges.get("delivery_guarantee"))
    if guarantee.get("days") or guarantee.get("by_date"):
        when = f"within {guarantee['days']} days" if guarantee.get("days") else f"by {guarantee['by_date']}"
        shown.append(f"delivery guarantee {when}" + (f" ({guarantee['compensation']} if late)"
                                                     if guarantee.get("compensation") else ""))
    if badges.get("choice"):
        shown.append("Choice")
    if badges.get("free_return"):
        shown.append("free return")
    if shown:
        lines.append("Protections shown: " + ", ".join(shown))
    verdict = _dict(listing.get("verdict"))
    if verdict.get("level"):
        score = f", score {verdict['score']}" if verdict.get("score") is not None else ""
        lines.append(f"emptor's verdict then: {verdict['level']} risk{score}")
    return lines


def happenings(order: dict | None) -> list[str]:
    """What the order shows happened, one line each."""
    if not order:
        return ["No order is saved with this evidence: the order's status, dates and tracking are not shown."]
    lines = []
    status = f', status "{order["status"]}"' if order.get("status") else ""
    lines.append(f"Order {order.get('order_id') or '(number not shown)'}{status}")
    for field, words in (("placed_on", "placed"), ("paid_on", "paid"), ("shipped_on", "shipped"),
                         ("completed_on", "completed")):
        if order.get(field):
            lines.append(f"{words.capitalize()} on {order[field]}")
    total = _dict(order.get("total"))
    if total.get("text"):
        lines.append(f"Total paid: {total['text']}")
    for package in map(_dict, _list(order.get("tracking"))):
        carrier = f" with {package['carrier']}" if package.get("carrier") else ""
        events = [_dict(e) for e in _list(package.get("events"))]
        latest = f"; latest event: {events[0].get('name') or events[0].get('code')}" if events else ""
        delivered = {True: "; the tracking shows a delivery", False: "; the tracking shows no delivery"}.get(
            package.get("delivered"), "")
        lines.append(f"Tracking {package.get('number') or '(no number)'}{carrier}{latest}{delivered}")
    if order.get("awaiting_receipt") is True:
        lines.append("Receipt has not been confirmed.")
    return lines


def deadline(order: dict | None, now: dt.datetime) -> str:
    """The buyer-protection end and the days left, or why it is not known."""
    protection = _dict((order or {}).get("protection"))
    if not protection.get("ends_on"):
        return ("Buyer protection end: not shown by the saved order; read it on the order page "
                "(\"Refund if no delivery before …\").")
    try:
        ends = dt.date.fromisoformat(str(protection["ends_on"])[:10])
    except ValueError:
        return f"Buyer protection end: the saved order gives {protection['ends_on']!r}, which is not a date."
    left = (ends - now.astimezone(dt.timezone.utc).date()).days
    when = (f"{left} days from today" if left > 1 else "tomorrow" if left == 1 else "today" if left == 0
            else f"passed {-left} days ago")
    how = "as the order shows it" if protection.get("kind") == "explicit" else "computed"
    return f"Buyer protection ends {protection['ends_on']} ({when}; {how}: {protection.get('basis') or '-'})."


def citations(records) -> list[str]:
    """Each saved artifact: record id, name, SHA-256 prefix, capture time."""
    lines = []
    for number, record in enumerate(_live(records), start=1):
        files = "; ".join(f"{a['name']} (sha256 {a['sha256'][:HASH_PREFIX]}…, {a['size']:,} bytes)"
                          for a in record.get("artifacts") or [])
        lines.append(f"[{number}] {record['kind']} page {record['url']}, saved {record['captured_at']}, "
                     f"record {record['id']}: {files}")
    return lines


def draft_statement(reason: str, records, order: Order | dict | None = None, *, now: dt.datetime) -> str:
    """A dispute statement for ``reason`` (one of REASONS), plain text.

    :raises ValueError: an unknown reason.
    """
    if reason not in REASONS:
        raise ValueError(f"the reason must be one of {', '.join(REASONS)}, not {reason!r}")
    order_dict = order_view(records, order)
    listing_record = purchase_listing(records, order_dict)
    out = [f"Dispute statement: {REASONS[reason]}",
           f"Order {(order_dict or {}).get('order_id') or '(not saved)'}. Drafted "
           f"{now.astimezone(dt.timezone.utc).strftime('%Y-%m-%d %H:%M')} UTC by emptor from saved evidence; "
           "read it through before sending.", ""]
    out.append("What was promised")
    if listing_record is None:
        out.append("- No listing page is saved with this evidence: what the listing promised is not shown.")
    else:
        listing = listing_view(listing_record)
        title = f' "{listing["title"]}"' if listing.get("title") else ""
        out.append(f"- The listing{title}, as saved {listing_record['captured_at']} (record {listing_record['id']}):")
        out += [f"  - {line}" for line in promises(listing)] or ["  - (its saved facts show no promises)"]
    out += ["", "What happened"]
    out += [f"- {line}" for line in happenings(order_dict)]
    out += ["", "What I ask", _ASK[reason]]
    tracking = [p for p in _list((order_dict or {}).get("tracking")) if _dict(p).get("delivered")]
    if reason == "not_received" and tracking:
        out.append("The tracking shows a delivery event, but the parcel did not reach me.")
    out.append(f"Attach as well: {_ATTACH[reason]}.")
    out += ["", "Evidence (files saved by emptor, each named by its SHA-256)"]
    out += [f"- {line}" for line in citations(records)] or ["- (none)"]
    out += ["", f"AliExpress's dispute steps and time limits ({TERMS_CAVEAT})"]
    out += [f"{number}. {step}" for number, step in enumerate(STEPS, start=1)]
    out += ["", deadline(order_dict, now)]
    return "\n".join(out) + "\n"


__all__ = ["REASONS", "STEPS", "TERMS_CAVEAT", "citations", "deadline", "draft_statement", "happenings",
           "listing_view", "order_facts", "order_view", "promises", "purchase_listing"]
