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


@migrations()
def create_evidence_records(db):
    """Dispute evidence (server/evidence/store.py documents the record format). ``seq`` is the
    chain's order, the insertion order; a row is never deleted and changes only once, into a
    tombstone that keeps its id, hash and link and nothing else: the triggers refuse anything
    else, whoever writes."""
    db.execute(
        """create table evidence_records (
            seq integer primary key autoincrement,
            id text not null unique,
            format text,      -- "emptor-evidence/1"
            kind text not null,
            url text,
            product_id text,
            order_id text,
            captured_at text,
            browser_time text,
            user_agent text,
            locale text,      -- canonical JSON object, or NULL
            facts text,       -- canonical JSON object (NULL only in a tombstone)
            artifacts text,   -- canonical JSON list of {name, sha256, size, media_type}
            previous text not null,
            hash text not null,
            deleted_at text   -- set only in a tombstone
        )"""
    )
    db.execute("create index evidence_records_order on evidence_records (order_id)")
    db.execute(
        """create trigger evidence_records_never_deleted before delete on evidence_records
           begin select raise(abort, 'evidence records are never deleted: they become tombstones'); end"""
    )
    db.execute(
        """create trigger evidence_records_immutable before update on evidence_records
           when not (old.kind != 'tombstone' and new.kind = 'tombstone' and new.seq = old.seq and new.id = old.id
                     and new.hash = old.hash and new.previous = old.previous and new.deleted_at is not null
                     and new.format is null and new.url is null and new.product_id is null and new.order_id is null
                     and new.captured_at is null and new.browser_time is null and new.user_agent is null
                     and new.locale is null and new.facts is null and new.artifacts is null)
           begin select raise(abort, 'evidence records are immutable'); end"""
    )


@migrations()
def create_orders(db):
    """The shopper's orders as read from the order feeds the extension captured
    (server/store/orders.py), one row per order id, updated as later feeds say more."""
    db.table("orders").create(
        {
            "order_id": str,
            "status": str,  # as the feed words it ("Awaiting delivery")
            "status_code": str,
            "awaiting_receipt": int,  # 1 on its way, 0 over, NULL: no feed said
            "placed_on": str,
            "store": str,
            "total_amount": float,
            "total_currency": str,
            "total_text": str,
            "tracking_number": str,
            "protection_ends": str,  # ISO date
            "protection_kind": str,  # "explicit" or "computed"
            "protection_source": str,
            "protection_basis": str,
            "source": str,  # the feed last read for it
            "updated_at": str,  # the service's clock, ISO 8601 UTC
        },
        pk="order_id",
        not_null={"updated_at"},
    )
    db.table("orders").create_index(["protection_ends"])


@migrations()
def add_order_products(db):
    """The products an order holds (a JSON list of product ids, as its feeds' lines name them), so
    that an order's evidence pack takes in what was saved of those products before it was bought:
    their listings and the checkout capture (server/evidence/wacz.py, export_pack)."""
    db.table("orders").add_column("product_ids", str)
