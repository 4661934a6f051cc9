"""The ``evidence_records`` table: the hash chain of dispute evidence, in insertion order.

The only module that reads or writes this table. The record format, the hash and the files are
server/evidence/store.py's; this module only moves rows. A row is inserted once and changes only
into a tombstone (the migration's triggers refuse any other update and every delete).
"""

from __future__ import annotations

import sqlite_utils

TABLE = "evidence_records"
ZERO_HASH = "0" * 64
TOMBSTONE = "tombstone"

# Every column a record's content occupies; a tombstone sets them all to NULL.
CONTENT = ("format", "url", "product_id", "order_id", "captured_at", "browser_time", "user_agent", "locale", "facts", "artifacts")


def insert(db: sqlite_utils.Database, row: dict) -> None:
    """Append one record (its previous and hash already computed, inside the caller's write
    transaction so that nothing is appended in between)."""
    db.table(TABLE).insert(row)


def latest_hash(db: sqlite_utils.Database) -> str:
    """The hash the next record links to: the last record's, or 64 zeros for the first."""
    row = db.execute(f"select hash from {TABLE} order by seq desc limit 1").fetchone()
    return row[0] if row else ZERO_HASH


def rows(db: sqlite_utils.Database) -> list[dict]:
    """Every record and tombstone, in the chain's order."""
    return list(db.query(f"select * from {TABLE} order by seq"))


def matching(db: sqlite_utils.Database, record_id: str) -> list[dict]:
    """The live records whose id is ``record_id`` or starts with it."""
    pattern = record_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return list(
        db.query(
            f"select * from {TABLE} where kind != ? and (id = ? or id like ? escape '\\') order by seq",
            [TOMBSTONE, record_id, pattern],
        )
    )


def of_order(db: sqlite_utils.Database, order_id: str) -> list[dict]:
    return list(db.query(f"select * from {TABLE} where kind != ? and order_id = ? order by seq", [TOMBSTONE, order_id]))


def live(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query(f"select * from {TABLE} where kind != ? order by seq", [TOMBSTONE]))


def tombstone(db: sqlite_utils.Database, record_id: str, deleted_at: str) -> None:
    """Replace a record's content by a tombstone: its id, hash and link stay, nothing else."""
    assignments = ", ".join(f"{column} = null" for column in CONTENT)
    db.execute(f"update {TABLE} set kind = ?, deleted_at = ?, {assignments} where id = ?", [TOMBSTONE, deleted_at, record_id])
