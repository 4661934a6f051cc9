"""The ``price_observations`` table: every price a listing was seen at, per variant and locale.

The only module that reads or writes this table.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from heuristics.model import Listing

from ..timefmt import iso, parse

TABLE = "price_observations"

# The extension re-analyses a page when the shopper switches variant or comes back to it; an
# unchanged price seen again within this window adds no information to the history.
REPEAT_WINDOW = dt.timedelta(hours=1)


def _rows(listing: Listing, observed_at: str) -> list[dict]:
    base = {
        "marketplace": listing.marketplace,
        "product_id": listing.product_id,
        "country": listing.locale.country,
        "currency": listing.price.currency or listing.locale.currency,
        "observed_at": observed_at,
    }
    rows = []
    if listing.price.min is not None:
        rows.append({**base, "sku_id": None, "price": listing.price.min, "original_price": listing.price.original_min})
    for variant in listing.variants:
        if variant.price is not None:
            rows.append({**base, "sku_id": variant.sku_id, "price": variant.price, "original_price": variant.original_price})
    return rows


def record(db: sqlite_utils.Database, listing: Listing, observed: dt.datetime) -> int:
    """Add the listing's current prices; returns how many rows were added."""
    if not listing.product_id:
        return 0
    rows = _rows(listing, iso(observed))
    if not rows:
        return 0
    latest = {}
    for row in db.query(
        f"""select sku_id, country, currency, price, original_price, max(observed_at) as observed_at
            from {TABLE} where marketplace = ? and product_id = ?
            group by sku_id, country, currency""",
        [listing.marketplace, listing.product_id],
    ):
        latest[(row["sku_id"], row["country"], row["currency"])] = row
    fresh = []
    for row in rows:
        previous = latest.get((row["sku_id"], row["country"], row["currency"]))
        if (
            previous
            and previous["price"] == row["price"]
            and previous["original_price"] == row["original_price"]
            and abs(parse(row["observed_at"]) - parse(previous["observed_at"])) < REPEAT_WINDOW
        ):
            continue
        fresh.append(row)
    if fresh:
        db.table(TABLE).insert_all(fresh)
    return len(fresh)


# The columns of an observation, in PricePoint's order (heuristics/model.py).
COLUMNS = ("observed_at", "sku_id", "country", "currency", "price", "original_price")


def series_rows(db: sqlite_utils.Database, marketplace: str, product_id: str) -> list[tuple]:
    """Every observation of a product, oldest first, as tuples in COLUMNS order: read for every
    analysis of a listing, whose history may hold thousands of rows, so no dict per row."""
    if not db.table(TABLE).exists():
        return []
    return db.execute(
        f"""select {", ".join(COLUMNS)}
            from {TABLE} where marketplace = ? and product_id = ?
            order by observed_at, sku_id is not null, sku_id""",
        [marketplace, product_id],
    ).fetchall()


def series(db: sqlite_utils.Database, marketplace: str, product_id: str) -> list[dict]:
    """Every observation of a product, oldest first, as the history endpoint returns it."""
    return [dict(zip(COLUMNS, row)) for row in series_rows(db, marketplace, product_id)]
