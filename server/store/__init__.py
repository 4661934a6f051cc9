"""emptor's SQLite storage. Each table has exactly one module that touches it:

- ``price_observations`` → :mod:`.prices`
- ``listing_facts`` → :mod:`.listings`
- ``seller_observations`` → :mod:`.sellers`
- ``evidence_records`` → :mod:`.evidence` (dispute evidence, written by server/evidence/)
- ``orders`` → :mod:`.orders` (the shopper's orders, as the captured order feeds showed them)

Analysis stores facts and prices, never the page itself; only evidence the shopper saves keeps pages.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlite_utils

from heuristics.model import FactsSnapshot, Listing, ListingHistory, PricePoint

from . import listings, prices, sellers
from .database import connect, open_database, private_directory, write_transaction


def open_configured(settings) -> sqlite_utils.Database:
    """The database the settings name (server/config.py). emptor's own data directory is kept
    private to the user when the database is in it; the database file is private wherever it is."""
    database, data_dir = Path(settings["DATABASE"]), Path(settings["DATA_DIR"])
    if data_dir in database.parents:
        private_directory(data_dir)
    return open_database(database)


def load_history(db: sqlite_utils.Database, marketplace: str, product_id: str) -> ListingHistory:
    """What was recorded about a listing, for the rules that compare a page with its past."""
    return ListingHistory(
        prices=[PricePoint(*row) for row in prices.series_rows(db, marketplace, product_id)],
        facts=[
            FactsSnapshot(
                first_seen=row["first_seen"],
                last_seen=row["last_seen"],
                title=row["title"],
                seller_name=row["seller_name"],
                store_id=row["store_id"],
                image_keys=tuple(row["image_keys"]),
            )
            for row in listings.history(db, marketplace, product_id)
        ],
    )


def record(db: sqlite_utils.Database, listing: Listing, observed: dt.datetime) -> int:
    """Store what an analysed listing showed, all or nothing; returns the price rows added."""
    with write_transaction(db):
        added = prices.record(db, listing, observed)
        listings.record(db, listing, observed)
        sellers.record(db, listing, observed)
    return added


__all__ = ["connect", "open_database", "open_configured", "load_history", "record", "prices", "listings", "sellers"]
