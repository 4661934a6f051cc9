"""The ``seller_observations`` table: a store's track record as each page showed it.

A new row starts when any figure changes; otherwise the latest row's ``last_seen`` moves on.
The only module that touches this table.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from heuristics.model import Listing

from ..timefmt import iso

TABLE = "seller_observations"
FIGURES = ("name", "positive_rate", "feedback_count", "followers", "opened", "top_rated")


def record(db: sqlite_utils.Database, listing: Listing, observed: dt.datetime) -> None:
    seller = listing.seller
    if not seller.store_id:
        return
    seen = iso(observed)
    figures = {
        "name": seller.name,
        "positive_rate": seller.positive_rate,
        "feedback_count": seller.feedback_count,
        "followers": seller.followers,
        "opened": seller.opened,
        "top_rated": None if seller.top_rated is None else int(seller.top_rated),
    }
    latest = next(
        db.query(
            f"select * from {TABLE} where marketplace = ? and store_id = ? order by last_seen desc, id desc limit 1",
            [listing.marketplace, seller.store_id],
        ),
        None,
    )
    if latest and all(latest[name] == figures[name] for name in FIGURES):
        db.table(TABLE).update(
            latest["id"],
            {"first_seen": min(latest["first_seen"], seen), "last_seen": max(latest["last_seen"], seen)},
        )
        return
    db.table(TABLE).insert(
        {"marketplace": listing.marketplace, "store_id": seller.store_id, **figures, "first_seen": seen, "last_seen": seen}
    )


def history(db: sqlite_utils.Database, marketplace: str, store_id: str) -> list[dict]:
    return [
        dict(row)
        for row in db.query(
            f"select * from {TABLE} where marketplace = ? and store_id = ? order by first_seen, id",
            [marketplace, store_id],
        )
    ]
