"""Where emptor keeps its data, and the service's limits, in one place.

Environment: ``EMPTOR_DATA_DIR`` moves the data directory, ``EMPTOR_DB`` the database file
alone. Both are read when the app or CLI starts, never at import time.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

MEGABYTE = 1024 * 1024

# Analysis requests carry a whole rendered page; the largest real listing pages are 1-2 MB
# (docs/performance.md), so 16 MB leaves room for blobs and review pages.
MAX_REQUEST_BYTES = 16 * MEGABYTE
# A fetched page or review feed larger than this is not a listing page.
MAX_FETCH_BYTES = 8 * MEGABYTE
FETCH_TIMEOUT_SECONDS = 15.0
FETCH_CONNECT_TIMEOUT_SECONDS = 5.0
MAX_REDIRECTS = 5
REVIEW_PAGES_TO_FETCH = 2

# Browser extensions call the service from these origins only (Chrome ids are 32 letters a-p,
# Firefox uses a per-install UUID).
EXTENSION_ORIGINS = (r"chrome-extension://[a-p]{32}", r"moz-extension://[0-9a-f-]{36}")

# The names a request may address the service by (server/callers.py); `emptor serve --host`
# adds the address it listens on.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def data_dir() -> Path:
    """The user's data directory for emptor (XDG on Linux, the platform's own elsewhere)."""
    configured = os.environ.get("EMPTOR_DATA_DIR")
    if configured:
        return Path(configured).expanduser()
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "emptor"
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local")) / "emptor"
    return Path(os.environ.get("XDG_DATA_HOME", home / ".local" / "share")) / "emptor"


def database_path() -> Path:
    configured = os.environ.get("EMPTOR_DB")
    return Path(configured).expanduser() if configured else data_dir() / "emptor.db"


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        return package_version("emptor")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout without install
        return "0.0.0"
