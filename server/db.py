"""The request's database connection (flaskr's get_db/close_db, with sqlite-utils)."""

from __future__ import annotations

import sqlite_utils
from flask import Flask, current_app, g

from .store import connect, open_configured


def get_db() -> sqlite_utils.Database:
    """The connection for this request, opened on first use and reused after."""
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
    return g.db


def close_db(exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_app(app: Flask) -> None:
    """Create and migrate the database once, at start-up, then close per-request connections."""
    open_configured(app.config).close()
    app.teardown_appcontext(close_db)
