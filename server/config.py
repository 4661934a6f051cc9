"""emptor's settings, declared in one place, and its fixed limits.

Every setting has a type, a default and a reason. :func:`load` reads them from the environment
(``EMPTOR_<NAME>``, parsed by the setting's own type: ``EMPTOR_MAX_REQUEST_BYTES=1048576`` is a
whole number, ``EMPTOR_DATA_DIR=~/x`` a path, and nothing is guessed from JSON), once, when the
app factory or a CLI command starts; never at import time. The app factory (server/app.py)
hands the result to Flask's config; tests pass their overrides to the factory, which accepts
only declared names (and Flask's own settings).
"""

from __future__ import annotations

import ipaddress
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

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

# Analysis budgets (server/workers.py), in processor time. The largest page a request can carry
# (16 MB of real listing markup, 337,000 tags) takes 0.34 s to analyse on the 2-core test
# machine, a 2 MB listing 45 ms (docs/performance.md): 2 s leaves a sixfold margin on the slowest
# machine measured, and stops a page of 40,000 nested elements (4 s and rising with the square
# of its depth) at half of its cost.
ANALYSIS_SECONDS = 2.0
# A worker's address space: the 15 MB page peaks at 233 MB resident; 1.5 GB leaves room for
# the interpreter's own mappings and refuses the 800 MB pages of tiny elements the audit built.
WORKER_MEMORY_BYTES = 1536 * MEGABYTE
# A worker that has grown past this after a request is replaced, so memory returns to the
# service's baseline after a heavy page (an idle worker holds about 60 MB).
WORKER_RECYCLE_BYTES = 200 * MEGABYTE
# More '<' than this is not a listing: the largest real rendered listing has 38,500 (2 MB); a
# 16 MB page of real listing markup has 337,000. Counted before parsing (0.8 ms per MB), so a
# page of millions of tiny elements never reaches the parser.
MAX_MARKUP_TAGS = 400_000

# `emptor serve` runs requests on this many threads; more queue (server/serve.py). The analyses
# run in ANALYSIS_WORKERS processes; 4 threads keep two of them busy while others read, record
# and answer: 141 answers/s with 2 threads, 184/s with 4, 189/s with 8 under 50 clients
# (docs/performance.md, "Under load").
SERVE_THREADS = 4

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


class BadSetting(ValueError):
    """A setting from the environment that its type cannot read; the message names both."""


# --- the types a setting can have: each reads the environment's text and checks a value given
# by a program (a test's overrides) ------------------------------------------------------------


def _path(value) -> str:
    if isinstance(value, (str, Path)) and str(value):
        return str(value) if str(value) == ":memory:" else str(Path(value).expanduser())
    raise ValueError("expected a file or directory path")


def _whole_number(value) -> int:
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ValueError("expected a whole number")


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _switch(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(f"expected one of {', '.join(_TRUE + _FALSE)}")


def _seconds(value) -> float:
    try:
        seconds = float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValueError("expected a number of seconds") from None
    if not 0 < seconds <= 600:
        raise ValueError("expected more than 0 and at most 600 seconds")
    return seconds


def _host_names(value) -> list[str] | None:
    """Comma-separated host names; None (from a program only) answers every name."""
    if value is None:
        return None
    names = [n.strip().lower() for n in value.split(",")] if isinstance(value, str) else list(value)
    if not names or not all(isinstance(n, str) and n for n in names):
        raise ValueError("expected comma-separated host names")
    return names


MIN_TOKEN_CHARACTERS = 16  # about 80 bits even in hex; `emptor pair` makes 32 characters


def _token(value) -> str | None:
    """A pairing secret given as text (its UTF-8 bytes are the key), or None for the file's."""
    if value is None:
        return None
    if isinstance(value, str) and len(value.strip()) >= MIN_TOKEN_CHARACTERS:
        return value.strip()
    raise ValueError(f"expected a secret of at least {MIN_TOKEN_CHARACTERS} characters")


def _loopback_map(value) -> dict[str, str]:
    """``"www.aliexpress.com=http://127.0.0.1:8123,…"``: marketplace hosts whose connections go to
    a local server (tests). Only loopback targets, so the map cannot send a fetch off the machine."""
    if isinstance(value, dict):
        value = ",".join(f"{host}={target}" for host, target in value.items())
    if not isinstance(value, str):
        raise ValueError("expected host=http://127.0.0.1:port pairs separated by commas")
    mapping = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        host, _, target = item.partition("=")
        target_host = urlsplit(target).hostname or ""
        try:
            loopback = ipaddress.ip_address(target_host).is_loopback
        except ValueError:
            loopback = target_host == "localhost"
        if not host.strip():
            raise ValueError(f"{item!r} names no host")
        if not loopback:
            raise ValueError(f"the target of {host.strip()} is not a loopback address")
        mapping[host.strip().lower()] = target
    return mapping


def _platform_data_dir(_settings: Mapping[str, Any]) -> str:
    """The user's data directory for emptor (XDG on Linux, the platform's own elsewhere)."""
    home = Path.home()
    if sys.platform == "darwin":
        return str(home / "Library" / "Application Support" / "emptor")
    if os.name == "nt":
        return str(Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local")) / "emptor")
    return str(Path(os.environ.get("XDG_DATA_HOME", home / ".local" / "share")) / "emptor")


def _program(value) -> str:
    if isinstance(value, str) and value.strip() and "\0" not in value:
        return value.strip()
    raise ValueError("expected the name or path of a program")


def _platform_folder_opener(_settings: Mapping[str, Any]) -> str:
    """The program that shows a folder in the shopper's file manager: the desktop's own opener."""
    if sys.platform == "darwin":
        return "open"
    if os.name == "nt":
        return "explorer"
    return "xdg-open"


@dataclass(frozen=True)
class Setting:
    name: str  # the key in Flask's config; the environment's is EMPTOR_<name>
    kind: Callable[[Any], Any]  # reads the environment's text, or checks a program's value
    default: Any  # a value, or a function of the settings declared before this one
    help: str
    secret: bool = False  # never repeated in an error message

    @property
    def variable(self) -> str:
        return f"EMPTOR_{self.name}"


SETTINGS = (
    Setting("DATA_DIR", _path, _platform_data_dir, "The directory emptor keeps its files in."),
    Setting("DATABASE", _path, lambda settings: str(Path(settings["DATA_DIR"]) / "emptor.db"),
            "The SQLite file of the price history (by default emptor.db in DATA_DIR)."),
    Setting("MAX_REQUEST_BYTES", _whole_number, MAX_REQUEST_BYTES,
            "The largest request body (and file for `emptor scan`), before and after decompression."),
    Setting("TOKEN", _token, None,
            "The pairing secret, instead of the one `emptor pair` keeps in DATA_DIR (tests, automation).",
            secret=True),
    Setting("ANALYSIS_WORKERS", _whole_number, 2,
            "Worker processes analysing pages, each stopped past its time budget (0: in the request's thread, no budget)."),
    Setting("ANALYSIS_SECONDS", _seconds, ANALYSIS_SECONDS,
            "The processor time one analysis may use before its worker is stopped and the page refused."),
    Setting("FOLDER_OPENER", _program, _platform_folder_opener,
            "The program that opens the evidence packs' folder for the popup's Open folder (run with the folder only)."),
    Setting("RECORD_OBSERVATIONS", _switch, True, "Whether analysed listings add to the price history."),
    Setting("ALLOWED_HOSTS", _host_names, lambda _settings: list(LOOPBACK_HOSTS),
            "The names a request's Host header may use (server/callers.py); `emptor serve --host` adds its own."),
    Setting("DEBUG_RULES", _switch, False, "Let a failing rule raise instead of being reported in the report's errors."),
    Setting("PROPAGATE_UNEXPECTED", _switch, False,
            "Let an unexpected exception reach the caller (tests) instead of answering 500 internal_error."),
    Setting("TEST_HOST_MAP", _loopback_map, lambda _settings: {},
            "Marketplace hosts whose fetches go to a local server instead (tests only; server/fetch.py)."),
)
DECLARED = {setting.name: setting for setting in SETTINGS}
# Variables that were renamed: set, they stop the program with the new name rather than be ignored.
RENAMED = {"EMPTOR_DB": "EMPTOR_DATABASE"}


def load(environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every setting: the override given, else ``EMPTOR_<NAME>`` from ``environ``, else the default.

    :raises BadSetting: a value its setting's type cannot read, or an override no setting has.
    """
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    for old, new in RENAMED.items():
        if old in environ:
            raise BadSetting(f"{old} is now called {new}; set that instead.")
    unknown = sorted(set(overrides) - set(DECLARED))
    if unknown:
        raise BadSetting(f"no such setting: {', '.join(unknown)} (server/config.py declares {', '.join(DECLARED)})")
    settings: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.name in overrides:
            value, origin = overrides[setting.name], f"the {setting.name} setting"
        elif setting.variable in environ:
            value, origin = environ[setting.variable], setting.variable
        else:
            settings[setting.name] = setting.default(settings) if callable(setting.default) else setting.default
            continue
        try:
            settings[setting.name] = setting.kind(value)
        except ValueError as exc:
            shown = "not accepted" if setting.secret else f"{value!r}"
            raise BadSetting(f"{origin} is {shown}: {exc}.") from None
    return settings


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        return package_version("emptor")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout without install
        return "0.0.0"
