"""The ``listing_facts`` table: what a listing was (title, seller, images) and since when.

A new row starts only when a fact changes, so a listing that swaps its product or seller
under the same address shows up as two rows. The only module that touches this table.
"""

from __future__ import annotations

import datetime as dt
import json

import sqlite_utils

from heuristics.model import Listing

from ..timefmt import iso
from .database import extend_or_insert

TABLE = "listing_facts"


def _facts(listing: Listing) -> dict:
    return {
        "title": listing.title,
        "seller_name": listing.seller.name,
        "store_id": listing.seller.store_id,
        "image_keys": json.dumps(listing.image_keys),
    }


def record(db: sqlite_utils.Database, listing: Listing, observed: dt.datetime) -> None:
    if listing.product_id:
        key = {"marketplace": listing.marketplace, "product_id": listing.product_id}
        extend_or_insert(db, TABLE, key, _facts(listing), iso(observed))


def history(db: sqlite_utils.Database, marketplace: str, product_id: str) -> list[dict]:
    if not db.table(TABLE).exists():
        return []
    rows = db.query(
        f"select * from {TABLE} where marketplace = ? and product_id = ? order by first_seen, id",
        [marketplace, product_id],
    )
    return [{**row, "image_keys": json.loads(row["image_keys"] or "[]")} for row in rows]
