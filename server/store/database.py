"""Opening the SQLite file, and the write transaction every recording uses."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import threading
from pathlib import Path

import sqlite_utils

from ..problems import Busy
from .migrations import migrations

# How long a writer waits for another process (an `emptor scan --record`) to finish writing.
# Writers of one process queue on a lock instead (write_transaction), so this covers only the
# rare writer from outside; past it the request is answered 503, never 500.
BUSY_TIMEOUT_MS = 30_000


def connect(path: str | Path) -> sqlite_utils.Database:
    """A connection to an existing, migrated database (one per thread, server/db.py)."""
    db = sqlite_utils.Database(path)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit survives the
    # process being killed (tests/test_crash_safety.py) and the database cannot be corrupted;
    # only a power cut may lose the last observations, a fair price for not waiting on the disk
    # at every analysis (https://www.sqlite.org/pragma.html#pragma_synchronous).
    db.execute("PRAGMA synchronous = NORMAL")
    return db


PRIVATE_FILE = 0o600
PRIVATE_DIRECTORY = 0o700


def keep_private(path: Path) -> None:
    """Only the user may read or write ``path``: a shopping history is nobody else's business.
    SQLite gives the -wal and -shm files the database file's permissions; they are set here too
    in case an older emptor made them."""
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            os.chmod(file, PRIVATE_FILE)


def private_directory(directory: Path) -> None:
    """Create emptor's own data directory private to the user, or make it so (an older emptor
    created it readable by everyone). A directory someone else owns, a shared one (sticky, like
    /tmp) or the home directory is left as it is: the database file inside is private anyway."""
    directory.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
    status = directory.stat()
    shared = status.st_mode & stat.S_ISVTX or directory.resolve() == Path.home().resolve()
    if hasattr(os, "getuid") and status.st_uid == os.getuid() and not shared:
        os.chmod(directory, PRIVATE_DIRECTORY)


def open_database(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path``, private to the user, and bring its
    schema up to date.

    Called once when the service or a CLI command starts, not per request: switching the
    journal mode and migrating need the database to themselves.
    """
    if str(path) != ":memory:":
        file = Path(path)
        file.parent.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
        os.close(os.open(file, os.O_CREAT | os.O_RDWR, PRIVATE_FILE))  # created private, before SQLite opens it
        keep_private(file)
    db = connect(path)
    # WAL lets requests read the history while another request records a page; the mode is
    # stored in the file, so it is set once.
    if db.journal_mode != "wal" and str(path) != ":memory:":
        db.enable_wal()
    migrations.apply(db)
    if str(path) != ":memory:":
        keep_private(Path(path))
    return db


# One writer at a time per database file in this process: the service's threads queue here, in
# order, rather than in SQLite's busy handler, which polls with growing sleeps and gave up
# under 50 concurrent writers (issue 8: 3-6 % "database is locked").
_WRITERS: dict[str, threading.Lock] = {}
_WRITERS_GUARD = threading.Lock()


def _writer_lock(db: sqlite_utils.Database) -> threading.Lock:
    path = db.execute("PRAGMA database_list").fetchone()[2] or ":memory:"
    with _WRITERS_GUARD:
        return _WRITERS.setdefault(path, threading.Lock())


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database):
    """All-or-nothing writes, one writer at a time.

    Writers of this process take a lock in turn; the transaction then takes SQLite's write lock
    up front (BEGIN IMMEDIATE), waiting up to BUSY_TIMEOUT_MS for a writer of another process.
    A deferred transaction that reads and then writes could not wait for a concurrent writer:
    SQLite answers "database is locked" at once instead of applying the busy timeout. A writer
    of another process that holds the lock longer still is reported as :class:`~server.problems.Busy`
    (503). sqlite-utils' own writes inside become savepoints.
    """
    with _writer_lock(db):
        try:
            db.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            raise Busy("database_busy", f"Another program has been writing to emptor's database for over "
                       f"{BUSY_TIMEOUT_MS // 1000} s; try again.") from None
        try:
            yield db
        except BaseException:
            db.conn.rollback()
            raise
        else:
            db.conn.commit()


def extend_or_insert(db: sqlite_utils.Database, table: str, key: dict, values: dict, seen: str) -> None:
    """Keep one row per run of identical values: when the latest row for ``key`` has the same
    ``values``, widen its first_seen/last_seen to include ``seen``; otherwise start a new row.
    Used by the tables that record what a listing or a store looked like and since when."""
    where = " and ".join(f"[{column}] = ?" for column in key)
    latest = next(
        db.query(f"select * from [{table}] where {where} order by last_seen desc, id desc limit 1", list(key.values())),
        None,
    )
    if latest and all(latest[name] == value for name, value in values.items()):
        db.table(table).update(
            latest["id"], {"first_seen": min(latest["first_seen"], seen), "last_seen": max(latest["last_seen"], seen)}
        )
    else:
        db.table(table).insert({**key, **values, "first_seen": seen, "last_seen": seen})
