"""Opening the SQLite file, with its migrations applied."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from .migrations import migrations


def open_database(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    # WAL lets the extension's requests read history while another request records a page.
    db.enable_wal()
    db.execute("PRAGMA busy_timeout = 5000")
    migrations.apply(db)
    return db
