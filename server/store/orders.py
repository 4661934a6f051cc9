"""The ``orders`` table: the shopper's orders as the captured order feeds showed them.

The only module that reads or writes this table. One row per order id; a later feed updates the
fields it shows and leaves the others as an earlier feed gave them (the list feed shows no
protection date, the detail feed does: reading the list afterwards keeps the date). What the
feeds say is server/marketplaces/aliexpress/orders.py's to read; this module only moves rows.
"""

from __future__ import annotations

import json

import sqlite_utils

from ..marketplaces.aliexpress.orders import Deadline, Money, Order
from .database import write_transaction

TABLE = "orders"


def _row(order: Order) -> dict:
    tracking = next((t.number for t in order.tracking if t.number), None)
    protection = order.protection
    return {
        "status": order.status,
        "status_code": order.status_code,
        "awaiting_receipt": None if order.awaiting_receipt is None else int(order.awaiting_receipt),
        "placed_on": order.placed_on,
        "store": order.store,
        "total_amount": order.total.amount if order.total else None,
        "total_currency": order.total.currency if order.total else None,
        "total_text": order.total.text if order.total else None,
        "tracking_number": tracking,
        "protection_ends": protection.ends_on if protection else None,
        "protection_kind": protection.kind if protection else None,
        "protection_source": protection.source if protection else None,
        "protection_basis": protection.basis if protection else None,
    }


def record(db: sqlite_utils.Database, orders: list[Order], updated_at: str) -> list[dict]:
    """Store the orders read (those with an id), all or nothing; their rows as now stored."""
    stored = []
    with write_transaction(db):
        for order in orders:
            if not order.order_id:
                continue
            new = {key: value for key, value in _row(order).items() if value is not None}
            if order.protection is not None:  # the date and where it came from go together
                new.update({key: value for key, value in _row(order).items() if key.startswith("protection_")})
            if order.total is not None:
                new.update({key: value for key, value in _row(order).items() if key.startswith("total_")})
            new.update(source=order.source, updated_at=updated_at)
            # The products of every feed that showed the order's lines (the list and the detail
            # feed both do; a tracking feed shows none and leaves them as they were).
            products = {item.product_id for item in order.items if item.product_id}
            if products:
                new["product_ids"] = json.dumps(sorted(products | set(product_ids(db, order.order_id))))
            # upsert sets only the columns given: what this feed did not show stays as it was.
            db.table(TABLE).upsert({"order_id": order.order_id, **new}, pk="order_id")
            stored.append(db.table(TABLE).get(order.order_id))
    return stored


def product_ids(db: sqlite_utils.Database, order_id: str) -> list[str]:
    """The products the order's feeds named, or [] (no feed showed its lines, or no such order)."""
    row = next(db.query(f"select product_ids from {TABLE} where order_id = ?", [order_id]), None)
    return json.loads(row["product_ids"]) if row and row["product_ids"] else []


def rows(db: sqlite_utils.Database) -> list[dict]:
    """Every stored order, the soonest protection end first, then those without one (newest
    update first)."""
    return list(db.query(f"select * from {TABLE} order by protection_ends is null, protection_ends, updated_at desc, order_id"))


def as_order(row: dict) -> Order:
    """A row as the reader's Order (for orders.due_within)."""
    protection = None
    if row["protection_ends"]:
        protection = Deadline(row["protection_ends"], row["protection_kind"] or "", row["protection_source"] or "",
                              row["protection_basis"] or "")
    total = None
    if row["total_amount"] is not None:
        total = Money(row["total_amount"], row["total_currency"], row["total_text"] or "")
    return Order(source=row["source"] or "", order_id=row["order_id"], placed_on=row["placed_on"], status=row["status"],
                 status_code=row["status_code"],
                 awaiting_receipt=None if row["awaiting_receipt"] is None else bool(row["awaiting_receipt"]),
                 store=row["store"], total=total, protection=protection)
