"""emptor's SQLite storage. Each table has exactly one module that touches it:

- ``price_observations`` → :mod:`.prices`
- ``listing_facts`` → :mod:`.listings`
- ``seller_observations`` → :mod:`.sellers`

Analysis stores facts and prices, never the page itself.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from heuristics.model import Listing

from . import listings, prices, sellers
from .database import connect, open_database, write_transaction


def record(db: sqlite_utils.Database, listing: Listing, observed: dt.datetime) -> int:
    """Store what an analysed listing showed, all or nothing; returns the price rows added."""
    with write_transaction(db):
        added = prices.record(db, listing, observed)
        listings.record(db, listing, observed)
        sellers.record(db, listing, observed)
    return added


__all__ = ["connect", "open_database", "record", "prices", "listings", "sellers"]
