"""The database schema, as an ordered list of migrations (sqlite-utils 4's built-in system).

Never edit an applied migration: add a new one. ``Migrations.apply`` is idempotent and records
each applied step in ``_sqlite_migrations``.
"""

from __future__ import annotations

from sqlite_utils import Migrations

migrations = Migrations("emptor")


@migrations()
def create_observation_tables(db):
    db.table("price_observations").create(
        {
            "id": int,
            "marketplace": str,
            "product_id": str,
            "sku_id": str,  # NULL: the listing's headline price range, not one variant
            "country": str,
            "currency": str,
            "price": float,
            "original_price": float,
            "observed_at": str,  # ISO 8601 UTC
        },
        pk="id",
        not_null={"marketplace", "product_id", "price", "observed_at"},
    )
    db.table("price_observations").create_index(["marketplace", "product_id", "observed_at"])
    db.table("listing_facts").create(
        {
            "id": int,
            "marketplace": str,
            "product_id": str,
            "title": str,
            "seller_name": str,
            "store_id": str,
            "image_keys": str,  # JSON list of CDN-independent image keys
            "first_seen": str,
            "last_seen": str,
        },
        pk="id",
        not_null={"marketplace", "product_id", "first_seen", "last_seen"},
    )
    db.table("listing_facts").create_index(["marketplace", "product_id", "last_seen"])
    db.table("seller_observations").create(
        {
            "id": int,
            "marketplace": str,
            "store_id": str,
            "name": str,
            "positive_rate": float,
            "feedback_count": int,
            "followers": int,
            "opened": str,
            "top_rated": int,
            "first_seen": str,
            "last_seen": str,
        },
        pk="id",
        not_null={"marketplace", "store_id", "first_seen", "last_seen"},
    )
    db.table("seller_observations").create_index(["marketplace", "store_id", "last_seen"])
