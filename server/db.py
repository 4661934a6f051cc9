"""The database connection a request uses (flaskr's get_db, with sqlite-utils).

Each of the server's threads keeps one connection for its life instead of opening one per
request: opening costs the pragmas, and closing the last connection to a WAL database
checkpoints it, which made every request pay for a checkpoint (2.7 % of the service's time in a
profile of the load benchmark, bench/load.py). waitress runs a fixed pool of threads, so the
connections are few.
"""

from __future__ import annotations

import threading

import sqlite_utils
from flask import Flask, current_app

from .store import connect, open_configured


class ThreadConnections:
    """One connection per thread to one database; a thread's connection closes when it ends."""

    def __init__(self, path):
        self.path = path
        self._local = threading.local()

    def get(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = connect(self.path)
        return db


def get_db() -> sqlite_utils.Database:
    """This thread's connection, opened on first use."""
    return current_app.extensions["emptor_db"].get()


def init_app(app: Flask) -> None:
    """Create and migrate the database once, at start-up."""
    open_configured(app.config).close()
    app.extensions["emptor_db"] = ThreadConnections(app.config["DATABASE"])
