"""Dispute evidence: pages and screenshots kept as they were, content-addressed on disk, described
by records in SQLite that form an append-only hash chain.

Files
-----
Each artifact is stored once, named by the SHA-256 of its bytes (lowercase hex)::

    DATA_DIR/evidence/objects/<first 2 hex digits>/<other 62 hex digits>

Files are 0600 and the directories 0700 (server/store/database.py's private_directory). A file is
written to a temporary file beside it (``.tmp-…``), flushed to disk (fsync), renamed into place
and its directory flushed; only then is the record's row inserted, in the same write transaction
(server/store/database.py, write_transaction: one writer at a time). A failure before the row is
committed removes the files that save created; a crash in between leaves at most a file no record
names, which the next deletion sweeps away and which verification ignores. Writing an artifact
already present is a no-op.

Pending uploads (the service's ``POST /api/v1/evidence/artifacts``): :func:`upload` writes the
file first, its temporary file in ``DATA_DIR/evidence/pending/``, then, as a writer, marks it
pending (an empty file ``DATA_DIR/evidence/pending/<sha256>``, its modification time the upload's)
and renames it into place. A sweep keeps an object no live record names while its mark is younger
than PENDING_SECONDS (an hour), and removes marks and temporary files older than that;
:func:`save_uploaded` appends a record naming such files and removes their marks.

Record (format ``emptor-evidence/1``)
-------------------------------------
A record is a JSON object with exactly these keys (absent values are ``null``, never left out):

- ``format``: ``"emptor-evidence/1"``;
- ``id``: 32 lowercase hex digits (a random UUID);
- ``kind``: ``"listing"``, ``"order"``, ``"tracking"`` or ``"messages"``;
- ``url``: the page's address (http or https);
- ``product_id``, ``order_id``: strings or null;
- ``captured_at``: the service's clock, UTC, ``YYYY-MM-DDTHH:MM:SSZ``;
- ``browser_time``, ``user_agent``: as the caller gave them, or null;
- ``locale``: null or ``{"country": …, "currency": …, "language": …}`` (all three keys, each a
  string or null);
- ``facts``: a JSON object, whatever the caller gave (the pipeline's extracted facts and verdict;
  ``{}`` when none);
- ``artifacts``: a list, in the order saved, of ``{"media_type", "name", "sha256", "size"}``
  (names unique within the record; ``size`` in bytes); an artifact fetched from an address of
  its own, a stylesheet or an image of the page (server/evidence/resources.py), has a fifth key,
  ``url``, that address. An artifact without one has no ``url`` key at all (never ``null``), so
  the records saved before it existed hash exactly as they did;
- ``previous``: the ``hash`` of the record saved just before (tombstone or not), or 64 zeros
  for the first;
- ``hash``: see below; it is not part of what it hashes.

``hash`` is the lowercase hex SHA-256 of the UTF-8 bytes of the record's other thirteen keys
written as canonical JSON: RFC 8785 (JSON Canonicalization Scheme). That is, no whitespace at
all; object keys sorted by their UTF-16 code units; strings as ECMAScript's JSON.stringify writes
them (``\\"``, ``\\\\``, ``\\b``, ``\\f``, ``\\n``, ``\\r``, ``\\t``, other characters below U+0020 as
``\\u00xx`` in lowercase hex, everything else as itself, in UTF-8); numbers as ECMAScript's
Number.prototype.toString writes them (``1.0`` is ``1``, ``1e21`` is ``1e+21``, ``1e-7`` is
``1e-7``); ``true``, ``false``, ``null``. Saving refuses what such a verifier could not read the
same way: NaN, infinities, integers beyond ±(2^53 − 1) and strings that are not valid Unicode.
Any RFC 8785 library recomputes the hash; :func:`canonical` is this one.

In SQLite (server/store/evidence.py, table ``evidence_records``) the record is one row, its
``locale``, ``facts`` and ``artifacts`` held as their canonical JSON text, and ``seq`` the chain's
order (the insertion order).

Tombstone
---------
Deleting a record removes its artifacts (unless another live record names the same file) and
turns its row into a tombstone: ``{"id", "kind": "tombstone", "previous", "hash", "deleted_at"}``,
the hash being the deleted record's own and everything else gone. A tombstone's hash cannot be
recomputed; verification takes it as given and still checks that the next record's ``previous``
equals it, so the chain stays whole across deletions.

What verification proves, and what it cannot: every record's hash is recomputed, every link
checked, every artifact's size and SHA-256; a record changed, removed from the middle or
reordered breaks the chain. Records cut off the end leave a shorter chain that verifies: an
export (WACZ) that states the last hash anchors it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import re
import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import sqlite_utils

from ..store import evidence as table
from ..store.database import PRIVATE_FILE, private_directory, write_transaction
from ..timefmt import iso
from . import resources

FORMAT = "emptor-evidence/1"
# The page a record saved. "checkout" is the extension's capture at the confirm step (what was
# promised at the moment of purchase; docs/extension.md, "Checkout").
KINDS = ("listing", "order", "tracking", "messages", "checkout")
TOMBSTONE = table.TOMBSTONE
ZERO_HASH = table.ZERO_HASH
LOCALE_KEYS = ("country", "currency", "language")
# The keys a record's hash covers, in no particular order (canonical JSON sorts them).
HASHED = ("format", "id", "kind", "url", "product_id", "order_id", "captured_at", "browser_time", "user_agent",
          "locale", "facts", "artifacts", "previous")
TOMBSTONE_KEYS = ("id", "kind", "previous", "hash", "deleted_at")
MAX_SAFE_INTEGER = 2**53 - 1
MAX_TEXT = 8192  # an address, a user agent: longer is not one
_HEX64 = re.compile(r"[0-9a-f]{64}")
_TEMPORARY = ".tmp-"


class EvidenceError(ValueError):
    """Evidence that cannot be saved or a record that does not exist; the message says why."""


class MissingArtifact(EvidenceError):
    """A record names an artifact that was never uploaded (or whose upload expired)."""

    def __init__(self, message: str, sha256: str, index: int):
        super().__init__(message)
        self.sha256, self.index = sha256, index


@dataclass(frozen=True)
class Artifact:
    name: str  # e.g. "page.html", "screenshot-1.png"
    data: bytes
    media_type: str  # e.g. "text/html", "image/png"
    url: str | None = None  # where a stylesheet or image of the page was fetched from


# --- canonical JSON (RFC 8785) --------------------------------------------------------------


def canonical(value) -> bytes:
    """``value`` as RFC 8785 canonical JSON, UTF-8; ValueError for what it cannot represent."""
    try:
        return _encode(value).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("a string is not valid Unicode (a lone surrogate)") from None


def _encode(value) -> str:
    if value is None or value is True or value is False:
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise ValueError(f"the integer {value} is beyond ±(2^53 - 1), which other languages cannot read exactly")
        return str(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_encode(item) for item in value) + "]"
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise ValueError("an object key is not a string")
        try:
            keys = sorted(value, key=lambda key: key.encode("utf-16-be"))
        except UnicodeEncodeError:
            raise ValueError("an object key is not valid Unicode (a lone surrogate)") from None
        return "{" + ",".join(json.dumps(key, ensure_ascii=False) + ":" + _encode(value[key]) for key in keys) + "}"
    raise ValueError(f"a {type(value).__name__} is not JSON")


def _number(value: float) -> str:
    """ECMAScript's Number.prototype.toString of a finite number (RFC 8785, section 3.2.2.3)."""
    if not math.isfinite(value):
        raise ValueError(f"{value} is not a JSON number")
    if value == 0:
        return "0"
    sign, text = ("-" if value < 0 else ""), repr(abs(value))  # repr: the shortest digits that read back
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + int(exponent or 0)  # the value is 0.<digits> × 10^point
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    count = len(digits)
    if count <= point <= 21:
        return sign + digits + "0" * (point - count)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    power = point - 1
    return sign + digits[0] + ("." + digits[1:] if count > 1 else "") + "e" + ("+" if power >= 0 else "-") + str(abs(power))


def record_hash(record: dict) -> str:
    """The hash of a record (not a tombstone): SHA-256 of the canonical JSON of its HASHED keys."""
    return hashlib.sha256(canonical({key: record[key] for key in HASHED})).hexdigest()


# --- files ----------------------------------------------------------------------------------


def objects_directory(data_dir) -> Path:
    return Path(data_dir) / "evidence" / "objects"


def object_path(data_dir, sha256: str) -> Path:
    """Where the artifact with this SHA-256 is (whether or not it exists)."""
    if not _HEX64.fullmatch(sha256):
        raise ValueError(f"{sha256!r} is not a SHA-256")
    return objects_directory(data_dir) / sha256[:2] / sha256[2:]


def read_artifact(data_dir, sha256: str) -> bytes:
    return object_path(data_dir, sha256).read_bytes()


def _private_directories(data_dir, sha256: str) -> Path:
    data_dir = Path(data_dir)
    for directory in (data_dir, data_dir / "evidence", objects_directory(data_dir), objects_directory(data_dir) / sha256[:2]):
        private_directory(directory)
    return objects_directory(data_dir) / sha256[:2]


def _sync_directory(directory: Path) -> None:
    if os.name == "nt":  # pragma: no cover - Windows cannot open a directory; its renames are durable
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_object(data_dir, sha256: str, data: bytes) -> Path | None:
    """Store ``data`` under its hash, atomically; the path written, or None when it was there."""
    path = object_path(data_dir, sha256)
    if path.is_file() and path.stat().st_size == len(data):
        return None
    directory = _private_directories(data_dir, sha256)
    temporary = directory / f"{_TEMPORARY}{secrets.token_hex(8)}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
    try:
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(descriptor, PRIVATE_FILE)  # whatever the umask
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view):]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_directory(directory)
    return path


def _file_digest(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _referenced(db: sqlite_utils.Database) -> set[str]:
    return {artifact["sha256"] for row in table.live(db) for artifact in json.loads(row["artifacts"])}


PENDING_SECONDS = 3600  # how long an uploaded artifact waits for a record to name it


def pending_directory(data_dir) -> Path:
    return Path(data_dir) / "evidence" / "pending"


def _young(path: Path, now: float) -> bool:
    try:
        return now - path.stat().st_mtime < PENDING_SECONDS
    except FileNotFoundError:
        return False


def _pending(data_dir) -> set[str]:
    """The uploads still waiting for a record; marks and temporary files past PENDING_SECONDS
    are removed (the caller is the writer)."""
    directory, now, waiting = pending_directory(data_dir), time.time(), set()
    if not directory.is_dir():
        return waiting
    for file in directory.iterdir():
        if _young(file, now):
            if _HEX64.fullmatch(file.name):
                waiting.add(file.name)
        else:
            file.unlink(missing_ok=True)
    return waiting


def upload(db: sqlite_utils.Database, data_dir, data: bytes) -> tuple[str, int]:
    """Store one artifact before any record names it, pending for PENDING_SECONDS; its SHA-256
    and size. The bytes are written and flushed outside the write lock; marking and renaming
    into place happen as a writer, so that no sweep sees a file without its mark."""
    sha256 = hashlib.sha256(data).hexdigest()
    directory = pending_directory(data_dir)
    for folder in (Path(data_dir), directory.parent, directory):
        private_directory(folder)
    now = time.time()
    if any(not _young(file, now) for file in directory.iterdir()):
        # An upload no record named within its hour (an abandoned save, perhaps an order page):
        # gone at the next upload, not only at the next deletion.
        sweep(db, data_dir)
    temporary = directory / f"{_TEMPORARY}{secrets.token_hex(8)}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
    try:
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(descriptor, PRIVATE_FILE)
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view):]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        with write_transaction(db):
            mark = directory / sha256
            mark.touch(mode=PRIVATE_FILE)
            os.utime(mark)  # a mark already there restarts its hour
            _sync_directory(directory)
            path = object_path(data_dir, sha256)
            if path.is_file() and path.stat().st_size == len(data):
                temporary.unlink()
            else:
                objects = _private_directories(data_dir, sha256)
                os.replace(temporary, path)
                _sync_directory(objects)
    finally:
        temporary.unlink(missing_ok=True)
    return sha256, len(data)


def sweep(db: sqlite_utils.Database, data_dir) -> int:
    """Remove every object file no live record names and no pending upload holds, and
    temporary files a crash left; the number removed. Runs as a writer, so that no save can name
    a file while it is removed."""
    objects = objects_directory(data_dir)
    if not objects.is_dir():
        with write_transaction(db):
            _pending(data_dir)
        return 0
    removed = 0
    with write_transaction(db):
        keep = _referenced(db) | _pending(data_dir)
        for directory in sorted(objects.iterdir()):
            if not directory.is_dir():
                continue
            for file in sorted(directory.iterdir()):
                if file.name.startswith(_TEMPORARY) or directory.name + file.name not in keep:
                    file.unlink(missing_ok=True)
                    removed += 1
            if not any(directory.iterdir()):
                directory.rmdir()
    return removed


# --- records --------------------------------------------------------------------------------


def _text(name: str, value, *, required: bool = False, limit: int = MAX_TEXT) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise EvidenceError(f"{name} must be {'a non-empty text' if required else 'a non-empty text or nothing'}.")
    if len(value) > limit:
        raise EvidenceError(f"{name} is {len(value)} characters long; the limit is {limit}.")
    return value


def _url(url) -> str:
    _text("the address", url, required=True)
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise EvidenceError(f"{url!r} is not an http(s) address.")
    return url


def _locale(locale) -> dict | None:
    if locale is None:
        return None
    if not isinstance(locale, dict) or set(locale) - set(LOCALE_KEYS):
        raise EvidenceError(f"the locale must be an object with only the keys {', '.join(LOCALE_KEYS)}.")
    return {key: _text(f"the locale's {key}", locale.get(key), limit=64) for key in LOCALE_KEYS}


def _artifact_url(name: str, url) -> dict:
    """The ``url`` key of an artifact fetched from an address, or nothing (the key left out, so
    that an artifact without one hashes as before the key existed)."""
    if url is None:
        return {}
    why = resources.url_problem(url)
    if why:
        raise EvidenceError(f"the address of {name} is not one: {why}.")
    return {"url": url}


def _artifacts(artifacts) -> list[dict]:
    if not artifacts:
        raise EvidenceError("a record needs at least one artifact (the page).")
    described, names = [], set()
    for artifact in artifacts:
        name = _text("an artifact's name", artifact.name, required=True, limit=200)
        if "/" in name or "\\" in name or name in names:
            raise EvidenceError(f"the artifact name {name!r} is {'repeated' if name in names else 'not a plain file name'}.")
        names.add(name)
        _text(f"the media type of {name}", artifact.media_type, required=True, limit=200)
        if not isinstance(artifact.data, (bytes, bytearray)):
            raise EvidenceError(f"{name} holds no bytes.")
        sha256 = hashlib.sha256(artifact.data).hexdigest()
        described.append({"name": name, "sha256": sha256, "size": len(artifact.data), "media_type": artifact.media_type,
                          **_artifact_url(name, artifact.url)})
    return described


def _draft(*, kind, url, artifacts, product_id, order_id, browser_time, user_agent, locale, facts, now,
           describe=_artifacts) -> dict:
    if kind not in KINDS:
        raise EvidenceError(f"the kind must be one of {', '.join(KINDS)}, not {kind!r}.")
    facts = {} if facts is None else facts
    if not isinstance(facts, dict):
        raise EvidenceError("the facts must be a JSON object.")
    record = {
        "format": FORMAT,
        "id": uuid.uuid4().hex,
        "kind": kind,
        "url": _url(url),
        "product_id": _text("the product id", product_id, limit=64),
        "order_id": _text("the order id", order_id, limit=64),
        "captured_at": iso(now or dt.datetime.now(dt.timezone.utc)),
        "browser_time": _text("the browser's time", browser_time, limit=64),
        "user_agent": _text("the user agent", user_agent),
        "locale": _locale(locale),
        "facts": facts,
        "artifacts": describe(artifacts),
    }
    try:
        canonical(record)
    except ValueError as exc:
        raise EvidenceError(f"the record cannot be written as canonical JSON: {exc}.") from None
    # What is stored is what canonical JSON reads back as (1.0 becomes 1), so the hash a verifier
    # recomputes from the stored text is the one computed now.
    record["facts"] = json.loads(canonical(facts))
    return record


def _row(record: dict) -> dict:
    row = {key: record[key] for key in (*HASHED, "hash")}
    for key in ("locale", "facts", "artifacts"):
        row[key] = None if record[key] is None else canonical(record[key]).decode("utf-8")
    return row


def record_of_row(row: dict) -> dict:
    """A row as the record it stores (a tombstone has TOMBSTONE_KEYS only); ValueError when its
    JSON columns cannot be read."""
    if row["kind"] == TOMBSTONE:
        return {key: row[key] for key in TOMBSTONE_KEYS}
    record = {key: row[key] for key in (*HASHED, "hash")}
    for key in ("locale", "facts", "artifacts"):
        record[key] = None if row[key] is None else json.loads(row[key])
    return record


def save(db: sqlite_utils.Database, data_dir, *, kind: str, url: str, artifacts: list[Artifact],
         product_id: str | None = None, order_id: str | None = None, browser_time: str | None = None,
         user_agent: str | None = None, locale: dict | None = None, facts: dict | None = None,
         now: dt.datetime | None = None) -> dict:
    """Store the artifacts and append their record to the chain, all or nothing; the record.

    :raises EvidenceError: the input is not a record (nothing is written).
    """
    record = _draft(kind=kind, url=url, artifacts=artifacts, product_id=product_id, order_id=order_id,
                    browser_time=browser_time, user_agent=user_agent, locale=locale, facts=facts, now=now)
    with write_transaction(db):
        created: list[Path] = []
        try:
            for artifact, described in zip(artifacts, record["artifacts"]):
                path = _write_object(data_dir, described["sha256"], bytes(artifact.data))
                if path is not None:
                    created.append(path)
            record["previous"] = table.latest_hash(db)
            record["hash"] = record_hash(record)
            table.insert(db, _row(record))
        except BaseException:
            # Still the only writer: no other record can have named these files meanwhile.
            for path in created:
                path.unlink(missing_ok=True)
            raise
    return record


def _uploaded(data_dir):
    """Describe artifacts given as ``{"name", "sha256", "media_type"}`` of files already
    uploaded: the size (and the hash, checked) read from the file."""

    def describe(artifacts) -> list[dict]:
        if not isinstance(artifacts, list) or not artifacts:
            raise EvidenceError("a record needs at least one artifact (the page).")
        described, names = [], set()
        for index, artifact in enumerate(artifacts):
            if not isinstance(artifact, dict) or set(artifact) - {"url"} != {"name", "sha256", "media_type"}:
                raise EvidenceError(f"artifact {index} must be an object with exactly name, sha256 and media_type "
                                    "(and url, for a stylesheet or image of the page).")
            name = _text("an artifact's name", artifact["name"], required=True, limit=200)
            if "/" in name or "\\" in name or name in names:
                raise EvidenceError(f"the artifact name {name!r} is {'repeated' if name in names else 'not a plain file name'}.")
            names.add(name)
            _text(f"the media type of {name}", artifact["media_type"], required=True, limit=200)
            sha256 = artifact["sha256"]
            if not isinstance(sha256, str) or not _HEX64.fullmatch(sha256):
                raise EvidenceError(f"the sha256 of {name} is not 64 lowercase hex digits.")
            path = object_path(data_dir, sha256)
            found = _file_digest(path) if path.is_file() else None
            if found is None or found[0] != sha256:
                raise MissingArtifact(f"no artifact with sha256 {sha256} was uploaded (or its upload is over an hour "
                                      f"old): upload {name} first.", sha256, index)
            described.append({"name": name, "sha256": sha256, "size": found[1], "media_type": artifact["media_type"],
                              **_artifact_url(name, artifact.get("url"))})
        return described

    return describe


def save_uploaded(db: sqlite_utils.Database, data_dir, *, kind: str, url: str, artifacts: list[dict],
                  product_id: str | None = None, order_id: str | None = None, browser_time: str | None = None,
                  user_agent: str | None = None, locale: dict | None = None, facts: dict | None = None,
                  now: dt.datetime | None = None) -> dict:
    """Append the record of artifacts already stored by :func:`upload` (named by SHA-256; their
    sizes read from the files), all or nothing; the record. Their pending marks are removed, so
    that deleting the record removes the files.

    :raises MissingArtifact: an artifact no file holds (nothing is written).
    :raises EvidenceError: the input is not a record (nothing is written).
    """
    record = _draft(kind=kind, url=url, artifacts=artifacts, product_id=product_id, order_id=order_id,
                    browser_time=browser_time, user_agent=user_agent, locale=locale, facts=facts, now=now,
                    describe=_uploaded(data_dir))
    with write_transaction(db):
        for index, artifact in enumerate(record["artifacts"]):
            path = object_path(data_dir, artifact["sha256"])  # a sweep may have run since it was read
            if not path.is_file() or path.stat().st_size != artifact["size"]:
                raise MissingArtifact(f"the artifact with sha256 {artifact['sha256']} was removed meanwhile (its upload "
                                      "was over an hour old): upload it again.", artifact["sha256"], index)
        record["previous"] = table.latest_hash(db)
        record["hash"] = record_hash(record)
        table.insert(db, _row(record))
        for artifact in record["artifacts"]:
            (pending_directory(data_dir) / artifact["sha256"]).unlink(missing_ok=True)
    return record


def records(db: sqlite_utils.Database) -> list[dict]:
    """Every record and tombstone, in the chain's order (the format above)."""
    return [record_of_row(row) for row in table.rows(db)]


MIN_PREFIX = 8


def select(db: sqlite_utils.Database, *, record_id: str | None = None, order_id: str | None = None,
           everything: bool = False) -> list[dict]:
    """The live records one deletion would remove: one (its id, or a unique prefix of at least
    MIN_PREFIX characters), an order's, or all.

    :raises EvidenceError: no such record or order, or a prefix several ids share.
    """
    if sum((record_id is not None, order_id is not None, everything)) != 1:
        raise ValueError("name one record, one order, or everything")
    if everything:
        return [record_of_row(row) for row in table.live(db)]
    if order_id is not None:
        found = table.of_order(db, order_id)
        if not found:
            raise EvidenceError(f"no evidence is saved for order {order_id}.")
        return [record_of_row(row) for row in found]
    found = table.matching(db, record_id)
    exact = [row for row in found if row["id"] == record_id]
    if exact:
        return [record_of_row(exact[0])]
    if not found or len(record_id) < MIN_PREFIX:
        raise EvidenceError(f"no evidence record {record_id} (`emptor evidence list` shows their ids).")
    if len(found) > 1:
        raise EvidenceError(f"{record_id} begins {len(found)} record ids; give more of the id.")
    return [record_of_row(found[0])]


def delete(db: sqlite_utils.Database, data_dir, record_ids: list[str], now: dt.datetime | None = None) -> list[str]:
    """Turn these records into tombstones, then remove the files no remaining record names; the
    ids deleted (ids already deleted or unknown are skipped)."""
    deleted_at = iso(now or dt.datetime.now(dt.timezone.utc))
    deleted = []
    with write_transaction(db):
        live = {row["id"] for row in table.live(db)}
        for record_id in record_ids:
            if record_id in live:
                table.tombstone(db, record_id, deleted_at)
                live.discard(record_id)
                deleted.append(record_id)
    # The rows first: a crash now leaves files no record names, removed by the next sweep.
    sweep(db, data_dir)
    return deleted


# --- verification ---------------------------------------------------------------------------


def _short(hash_: str | None) -> str:
    return f"{hash_[:12]}…" if isinstance(hash_, str) and len(hash_) > 12 else repr(hash_)


def _artifact_problems(data_dir, record_id: str, artifacts, checked: dict) -> list[str]:
    problems = []
    for artifact in artifacts:
        name, sha256, size = artifact.get("name"), artifact.get("sha256"), artifact.get("size")
        where = f"record {record_id}: artifact {name} (sha256 {_short(sha256)})"
        if not isinstance(sha256, str) or not _HEX64.fullmatch(sha256):
            problems.append(f"{where} names no valid SHA-256")
            continue
        if sha256 not in checked:
            path = object_path(data_dir, sha256)
            checked[sha256] = _file_digest(path) if path.is_file() else None
        found = checked[sha256]
        if found is None:
            problems.append(f"{where} is missing: no file {object_path(data_dir, sha256)}")
        elif found[0] != sha256:
            problems.append(f"{where} has changed: its file's SHA-256 is now {_short(found[0])}")
        elif found[1] != size:
            problems.append(f"{where} is {found[1]} bytes, not the {size} its record says")
    return problems


def _record_problems(data_dir, row: dict, checked: dict) -> list[str]:
    record_id = row["id"]
    if row["kind"] == TOMBSTONE:
        if _HEX64.fullmatch(row["hash"] or ""):
            return []
        return [f"tombstone {record_id}: its hash {_short(row['hash'])} is not a SHA-256"]
    try:
        record = record_of_row(row)
        recomputed = record_hash(record)
    except (ValueError, TypeError, KeyError) as exc:
        return [f"record {record_id}: its stored content cannot be read ({exc})"]
    problems = []
    if recomputed != row["hash"]:
        problems.append(f"record {record_id}: its content does not match its hash (changed since it was saved)")
    if not isinstance(record["artifacts"], list) or not all(isinstance(a, dict) for a in record["artifacts"]):
        return [*problems, f"record {record_id}: its artifacts are not a list of objects"]
    return problems + _artifact_problems(data_dir, record_id, record["artifacts"], checked)


def verify(db: sqlite_utils.Database, data_dir) -> list[str]:
    """Check the whole store: every record's hash recomputed, every link, every artifact file's
    size and SHA-256. The problems found, each naming its record or artifact; [] when intact."""
    problems: list[str] = []
    checked: dict[str, tuple[str, int] | None] = {}
    previous = ZERO_HASH
    for row in table.rows(db):
        if row["previous"] != previous:
            problems.append(f"record {row['id']}: the chain is broken before it: it names {_short(row['previous'])} "
                            f"as the previous record's hash, which is {_short(previous)}")
        problems += _record_problems(data_dir, row, checked)
        previous = row["hash"]
    return problems
