"""The ``seller_observations`` table: a store's track record as each page showed it.

A new row starts when any figure changes; otherwise the latest row's ``last_seen`` moves on.
The only module that touches this table.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from heuristics.model import Listing

from ..timefmt import iso
from .database import extend_or_insert

TABLE = "seller_observations"


def record(db: sqlite_utils.Database, listing: Listing, observed: dt.datetime) -> None:
    seller = listing.seller
    if not seller.store_id:
        return
    figures = {
        "name": seller.name,
        "positive_rate": seller.positive_rate,
        "feedback_count": seller.feedback_count,
        "followers": seller.followers,
        "opened": seller.opened,
        "top_rated": None if seller.top_rated is None else int(seller.top_rated),
    }
    key = {"marketplace": listing.marketplace, "store_id": seller.store_id}
    extend_or_insert(db, TABLE, key, figures, iso(observed))


def history(db: sqlite_utils.Database, marketplace: str, store_id: str) -> list[dict]:
    return [
        dict(row)
        for row in db.query(
            f"select * from {TABLE} where marketplace = ? and store_id = ? order by first_seen, id",
            [marketplace, store_id],
        )
    ]
