"""Evidence packs: WACZ files that web-archive tools open, signed, and verified by emptor.

A pack is a WACZ 1.1.1 file (Webrecorder's "Web Archive Collection Zipped": WARC records in a zip
with ``datapackage.json`` and ``datapackage-digest.json``), so ReplayWeb.page opens the saved
pages, plus what a dispute needs beside them:

- ``archive/data.warc.gz``: per exported record, every ``text/html`` artifact as a ``response``
  record for the record's address (the page as it was saved), every artifact with a ``url`` of
  its own (the page's stylesheets and images, server/evidence/resources.py) as a ``response``
  record at that address with its media type, so that replaying the page finds what its
  ``<link>`` and ``<img>`` name, every other artifact (screenshots) as a ``resource`` record at
  ``urn:emptor:<record id>/<artifact name>``, and the record itself
  (server/evidence/store.py, its canonical JSON) as a ``resource`` at ``urn:emptor:record:<id>``;
  written by warcio, indexed by cdxj-indexer (``indexes/index.cdx``);
- ``pages/pages.jsonl``: the saved pages, as WACZ lists them;
- ``emptor/chain.json``: every record of the evidence chain up to the last one exported, in order,
  as ``{"id", "previous", "hash"}``, so that the chain verifies while records not exported (or
  deleted) appear as hashes only;
- ``report/index.html``: the offline report (what the signature proves; a timeline of the saves
  and the order's dates; what the seller promised beside what the order shows; emptor's verdict
  at purchase time; the deadlines and AliExpress's dispute steps; the drafted dispute statement
  when a reason is given (server/evidence/dispute.py); then each record: what was saved, when,
  what was redacted from it, the facts and verdict at that moment). Static HTML, no script,
  every value escaped;
- ``datapackage.json``: every file above with its SHA-256 and size; ``datapackage-digest.json``:
  the SHA-256 of ``datapackage.json`` and ``signedData``.

Signing is the WACZ Signing and Verification spec's anonymous mode, as ArchiveWeb.page signs:
an ECDSA P-384 key made on first use (``DATA_DIR/evidence-signing-key.pem``, private to the
user), ECDSA with SHA-256 over the UTF-8 bytes of the ``sha256:…`` hash string, the signature as
raw r||s in base64, the public key as SPKI DER in base64. The signature proves that the pack has
not changed since this key signed it, at the local clock's time; it is not a trusted timestamp.

:func:`verify` checks every file's hash and size, that no file is unlisted, the signature, the
chain's links, each exported record's hash against the chain and each artifact against its record.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from cdxj_indexer import CDXJIndexer
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from ..store import orders as orders_table
from . import dispute, redact, store
from .store import canonical, record_hash

WACZ_VERSION = "1.1.1"
SOFTWARE = "emptor"
KEY_FILE = "evidence-signing-key.pem"
CURVE = ec.SECP384R1()
SIGNATURE_HALF = 48  # bytes of r and of s for P-384
ZERO_HASH = "0" * 64

WARC_PATH = "archive/data.warc.gz"
INDEX_PATH = "indexes/index.cdx"
PAGES_PATH = "pages/pages.jsonl"
CHAIN_PATH = "emptor/chain.json"
REPORT_PATH = "report/index.html"
PACKAGE = "datapackage.json"
DIGEST = "datapackage-digest.json"


class PackError(ValueError):
    """A pack that cannot be read at all (not a zip, no datapackage)."""


# --- the key -----------------------------------------------------------------------------------


def load_or_create_key(data_dir) -> ec.EllipticCurvePrivateKey:
    """The signing key, made on first use in a file only the user can read (back it up to keep
    signing as the same key: docs/privacy.md, "Evidence")."""
    path = Path(data_dir) / KEY_FILE
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != CURVE.name:
            raise PackError(f"{path} is not an ECDSA P-384 key.")
        return key
    key = ec.generate_private_key(CURVE)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    return key


def public_key_b64(key: ec.EllipticCurvePrivateKey) -> str:
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


def fingerprint(public_key_base64: str) -> str:
    """SHA-256 of the public key's SPKI DER, as colon-separated hex: what the shopper reads out to
    someone who wants to check that a pack was signed by this emptor."""
    digest = hashlib.sha256(base64.b64decode(public_key_base64)).hexdigest()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def _sign(key: ec.EllipticCurvePrivateKey, hash_string: str) -> str:
    der = key.sign(hash_string.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)  # cryptography signs in DER; the spec wants raw r||s
    return base64.b64encode(r.to_bytes(SIGNATURE_HALF, "big") + s.to_bytes(SIGNATURE_HALF, "big")).decode()


def _signature_holds(public_key_base64: str, signature_base64: str, hash_string: str) -> bool:
    try:
        public_key = serialization.load_der_public_key(base64.b64decode(public_key_base64, validate=True))
        raw = base64.b64decode(signature_base64, validate=True)
    except (ValueError, TypeError):
        return False
    if not isinstance(public_key, ec.EllipticCurvePublicKey) or len(raw) != 2 * SIGNATURE_HALF:
        return False
    der = encode_dss_signature(int.from_bytes(raw[:SIGNATURE_HALF], "big"), int.from_bytes(raw[SIGNATURE_HALF:], "big"))
    try:
        public_key.verify(der, hash_string.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


# --- writing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportedPack:
    path: Path
    records: int
    artifacts: int
    fingerprint: str
    created: str


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _warc(records: list[dict], read_artifact: Callable[[str], bytes]) -> tuple[bytes, list[dict]]:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    pages = []
    for record in records:
        date = {"WARC-Date": record["captured_at"]}
        for artifact in record["artifacts"]:
            body = read_artifact(artifact["sha256"])
            address = _address(record, artifact)
            if address is not None:
                http_headers = StatusAndHeaders("200 OK", [("Content-Type", artifact["media_type"]),
                                                            ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(address, "response", payload=io.BytesIO(body),
                                                              length=len(body), http_headers=http_headers,
                                                              warc_headers_dict=date))
                if "url" not in artifact:  # the page, not one of its resources
                    pages.append({"id": record["id"], "url": record["url"], "ts": record["captured_at"],
                                  "title": f"{record['kind']} saved {record['captured_at']}"})
            else:
                writer.write_record(writer.create_warc_record(
                    f"urn:emptor:{record['id']}/{artifact['name']}", "resource", payload=io.BytesIO(body),
                    length=len(body), warc_content_type=artifact["media_type"], warc_headers_dict=date))
        described = canonical(record)  # with its hash: the chain's entry for it
        writer.write_record(writer.create_warc_record(
            f"urn:emptor:record:{record['id']}", "resource", payload=io.BytesIO(described), length=len(described),
            warc_content_type="application/json", warc_headers_dict=date))
    return buffer.getvalue(), pages


def _address(record: dict, artifact: dict) -> str | None:
    """The address an artifact is replayed at, as a WARC response: the page's own for its HTML,
    its own ``url`` for a stylesheet or image of the page; None for one kept as a resource
    (a screenshot)."""
    if isinstance(artifact.get("url"), str):
        return artifact["url"]
    if str(artifact.get("media_type", "")).startswith("text/html"):
        return record.get("url")
    return None


def _index(warc: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "data.warc.gz"
        source.write_bytes(warc)
        target = Path(scratch) / "index.cdx"
        CDXJIndexer(output=str(target), inputs=[str(source)], sort=True).process_all()
        return target.read_bytes()


def _e(value) -> str:
    return html.escape(str(value))


def _redaction_note(record: dict) -> str:
    """What was redacted from the record's page, as its facts say (server/evidence/redact.py)."""
    if record["kind"] == "listing":
        return ""
    found = record["facts"].get("redaction") if isinstance(record["facts"], dict) else None
    if not isinstance(found, dict):
        text = "No redaction is recorded for this page: it is kept as it was saved."
    elif not found.get("redacted"):
        text = "Not redacted: the shopper chose to keep the page whole."
    else:
        entries = [e for e in found.get("found") or [] if isinstance(e, dict)]
        text = f"Personal data redacted before saving: {redact.describe(entries)}."
    return f"<p class=redaction>{_e(text)}</p>"


def _timeline(records: list[dict], order: dict | None) -> list[tuple[str, str]]:
    events = [(r["captured_at"], f"{r['kind'].title()} page saved (record {r['id']})") for r in records]
    if order:
        for field, words in (("placed_on", "Order placed"), ("paid_on", "Order paid"), ("shipped_on", "Order shipped"),
                             ("completed_on", "Order completed")):
            if isinstance(order.get(field), str):
                events.append((order[field], words))
        protection = order.get("protection") if isinstance(order.get("protection"), dict) else {}
        if isinstance(protection.get("ends_on"), str):
            events.append((protection["ends_on"], "Buyer protection ends"))
    return sorted(events, key=lambda event: event[0])


def _dispute_sections(records: list[dict], created: str, reason: str | None) -> str:
    order = dispute.order_view(records)
    listing_record = dispute.purchase_listing(records, order)
    listing = dispute.listing_view(listing_record) if listing_record else None
    timeline = "".join(f"<li><b>{_e(when)}</b> {_e(what)}</li>" for when, what in _timeline(records, order))
    promised = "".join(f"<li>{_e(line)}</li>" for line in dispute.promises(listing)) if listing else ""
    promised = promised or "<li>No listing page with facts is in this pack.</li>"
    happened = "".join(f"<li>{_e(line)}</li>" for line in dispute.happenings(order))
    now = dt.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    verdict = (listing or {}).get("verdict") or {}
    if listing_record and verdict.get("level"):
        at_purchase = (f"{verdict['level']} risk" + (f", score {verdict['score']}" if verdict.get("score") is not None else "")
                       + f", as the listing saved {listing_record['captured_at']} was judged (record {listing_record['id']})")
    else:
        at_purchase = "No saved listing carries emptor's verdict."
    parts = [
        f"<section><h2>Timeline</h2><ul>{timeline}</ul></section>",
        "<section><h2>Promised and what happened</h2><table><tr><th>What the seller promised</th>"
        f"<th>What the order shows</th></tr><tr><td><ul>{promised}</ul></td><td><ul>{happened}</ul></td></tr></table>"
        f"<p>emptor's verdict at purchase time: {_e(at_purchase)}.</p></section>",
        f"<section><h2>Deadlines</h2><p>{_e(dispute.deadline(order, now))}</p><p>Dispute steps and time limits "
        f"({_e(dispute.TERMS_CAVEAT)}):</p><ol>" + "".join(f"<li>{_e(step)}</li>" for step in dispute.STEPS)
        + "</ol></section>",
    ]
    if reason is not None:
        statement = dispute.draft_statement(reason, records, now=now)
        parts.append(f"<section><h2>Dispute statement (draft)</h2><pre>{_e(statement)}</pre></section>")
    return "".join(parts)


def _report(records: list[dict], chain: list[dict], created: str, key_fingerprint: str,
            reason: str | None = None) -> bytes:
    """The offline report: plain HTML, no script, every value escaped."""
    rows = []
    for record in records:
        facts = html.escape(json.dumps(record["facts"], ensure_ascii=False, indent=2))
        artifacts = "".join(
            f"<li>{html.escape(a['name'])} ({html.escape(a['media_type'])}, {a['size']:,} bytes, sha256 {_e(a['sha256'])}"
            + (f", fetched from {_e(a['url'])}" if a.get("url") else "") + ")</li>"
            for a in record["artifacts"])
        rows.append(
            f"<section><h2>{html.escape(record['kind'].title())} saved {html.escape(record['captured_at'])}</h2>"
            f"<p>Address: {html.escape(record['url'])}<br>Product: {html.escape(str(record['product_id'] or '-'))}"
            f" · Order: {html.escape(str(record['order_id'] or '-'))}<br>Record {_e(record['id'])}, hash {_e(record['hash'])}</p>"
            f"{_redaction_note(record)}"
            f"<ul>{artifacts}</ul><h3>What the page showed (facts and verdict at that moment)</h3><pre>{facts}</pre></section>")
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><title>emptor evidence pack</title>"
        "<style>body{font:14px system-ui;max-width:60em;margin:2em auto}pre{white-space:pre-wrap;background:#f4f4f4;"
        "padding:1em}td{vertical-align:top}</style><h1>Evidence pack</h1>"
        f"<p>Made {html.escape(created)} (the local clock) with {SOFTWARE}. {len(records)} record(s) of a chain of "
        f"{len(chain)}.</p><p>Signed with the key whose fingerprint is <code>{key_fingerprint}</code>. The signature "
        "proves that this pack has not changed since that key signed it, at the local clock's time shown above; it is "
        "not a trusted timestamp, and it does not prove who saw the pages. <code>emptor evidence verify</code> checks "
        "it, every file's hash and the chain.</p>"
        + _dispute_sections(records, created, reason)
        + "".join(rows) + "</html>"
    ).encode("utf-8")


def _chain_upto(chain: list[dict], chosen: list[dict]) -> list[dict]:
    position = {c["id"]: n for n, c in enumerate(chain)}  # one pass, not a scan per record chosen
    last = max(position[r["id"]] for r in chosen)
    return [{"id": c["id"], "previous": c["previous"], "hash": c["hash"]} for c in chain[: last + 1]]


def write_pack(out: Path, chain: list[dict], chosen: list[dict], read_artifact: Callable[[str], bytes],
               key: ec.EllipticCurvePrivateKey, now: dt.datetime, reason: str | None = None) -> ExportedPack:
    """Write the pack for the ``chosen`` records (live records of ``chain``, which is every record
    and tombstone in order) to ``out``, atomically (a temporary file renamed into place); with a
    ``reason`` (server/evidence/dispute.py, REASONS) its report holds the drafted statement."""
    if reason is not None and reason not in dispute.REASONS:
        raise ValueError(f"the reason must be one of {', '.join(dispute.REASONS)}, not {reason!r}")
    if not chosen:
        raise PackError("No evidence matches: nothing to export.")
    created = _iso(now)
    warc, pages = _warc(chosen, read_artifact)
    public_key = public_key_b64(key)
    files = {
        WARC_PATH: warc,
        INDEX_PATH: _index(warc),
        PAGES_PATH: ("\n".join(json.dumps(line, ensure_ascii=False) for line in
                               [{"format": "json-pages-1.0", "id": "pages", "title": "Saved pages"}, *pages]) + "\n").encode(),
        CHAIN_PATH: json.dumps(_chain_upto(chain, chosen), indent=1).encode(),
        REPORT_PATH: _report(chosen, chain, created, fingerprint(public_key), reason),
    }
    package = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": "emptor evidence",
        "created": created,
        "software": SOFTWARE,
        "resources": [{"name": Path(path).name, "path": path, "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                       "bytes": len(data)} for path, data in files.items()],
    }
    package_bytes = json.dumps(package, indent=2).encode()
    package_hash = "sha256:" + hashlib.sha256(package_bytes).hexdigest()
    digest = {"path": PACKAGE, "hash": package_hash, "signedData": {
        "hash": package_hash, "created": created, "software": SOFTWARE,
        "signature": _sign(key, package_hash), "publicKey": public_key}}
    out = Path(out)
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    # Private from its first byte, whatever the umask (a pack holds order pages); never left behind.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            with zipfile.ZipFile(handle, "w") as pack:
                for path, data in files.items():
                    # The WARC is stored, not deflated: replay tools seek into it by offset.
                    pack.writestr(path, data,
                                  compress_type=zipfile.ZIP_STORED if path == WARC_PATH else zipfile.ZIP_DEFLATED)
                pack.writestr(PACKAGE, package_bytes, compress_type=zipfile.ZIP_DEFLATED)
                pack.writestr(DIGEST, json.dumps(digest, indent=2).encode(), compress_type=zipfile.ZIP_DEFLATED)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return ExportedPack(out, len(chosen), sum(len(r["artifacts"]) for r in chosen), fingerprint(public_key), created)


# --- verifying --------------------------------------------------------------------------------


@dataclass
class Verification:
    problems: list[str]
    fingerprint: str | None = None
    created: str | None = None
    records: int = 0

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(path) -> Verification:
    """Every check a pack can fail, each problem naming the file or record."""
    try:
        pack = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackError(f"{path} is not a zip file, so not an evidence pack ({exc}).") from None
    with pack:
        names = set(pack.namelist())
        if PACKAGE not in names or DIGEST not in names:
            raise PackError(f"{path} has no {PACKAGE} and {DIGEST}: it is not a WACZ evidence pack.")
        result = Verification(problems=[])
        files = {}
        for name in names:
            try:
                files[name] = pack.read(name)
            except (zipfile.BadZipFile, OSError, ValueError) as exc:  # a damaged member (its CRC fails)
                result.problems.append(f"{name}: cannot be read from the zip ({exc})")
        _check_package(files, result)
        _check_chain(files, result)
    return result


def _json(files: dict, name: str, result: Verification):
    try:
        return json.loads(files[name])
    except (KeyError, ValueError) as exc:
        result.problems.append(f"{name}: not readable JSON ({exc})")
        return None


def _check_package(files: dict, result: Verification) -> None:
    digest = _json(files, DIGEST, result) or {}
    package_bytes = files.get(PACKAGE, b"")
    package_hash = "sha256:" + hashlib.sha256(package_bytes).hexdigest()
    if digest.get("hash") != package_hash:
        result.problems.append(f"{PACKAGE}: its hash is not the one {DIGEST} gives")
    signed = digest.get("signedData") if isinstance(digest.get("signedData"), dict) else {}
    public_key = signed.get("publicKey")
    result.fingerprint = fingerprint(public_key) if isinstance(public_key, str) and _b64(public_key) else None
    result.created = signed.get("created")
    holds = _signature_holds(str(public_key), str(signed.get("signature")), str(signed.get("hash")))
    if signed.get("hash") != digest.get("hash") or not holds:
        result.problems.append(f"{DIGEST}: the signature does not hold for this pack")
    package = _json(files, PACKAGE, result) or {}
    listed = set()
    for resource in package.get("resources", []) if isinstance(package.get("resources"), list) else []:
        name = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(name, str):
            result.problems.append(f"{PACKAGE}: a resource without a path")
            continue
        listed.add(name)
        data = files.get(name)
        if data is None:
            result.problems.append(f"{name}: listed in {PACKAGE} but missing")
        elif resource.get("hash") != "sha256:" + hashlib.sha256(data).hexdigest() or resource.get("bytes") != len(data):
            result.problems.append(f"{name}: changed (its hash or size is not the one {PACKAGE} gives)")
    for name in sorted(set(files) - listed - {PACKAGE, DIGEST}):
        result.problems.append(f"{name}: in the pack but not listed in {PACKAGE}")


def _b64(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except ValueError:
        return False
    return True


def _check_chain(files: dict, result: Verification) -> None:
    chain = _json(files, CHAIN_PATH, result)
    if not isinstance(chain, list):
        return
    previous = ZERO_HASH
    by_id = {}
    for position, link in enumerate(chain):
        if not isinstance(link, dict) or not all(isinstance(link.get(k), str) for k in ("id", "previous", "hash")):
            result.problems.append(f"{CHAIN_PATH}: entry {position} is not a chain record")
            return
        if link["previous"] != previous:
            result.problems.append(f"{CHAIN_PATH}: record {link['id']} does not follow the one before it")
        previous = link["hash"]
        by_id[link["id"]] = link["hash"]
    records, artifacts = _warc_contents(files.get(WARC_PATH, b""), result)
    result.records = len(records)
    for record_id, record in records.items():
        if record_id not in by_id:
            result.problems.append(f"record {record_id}: not in the chain")
        elif record.get("hash") != by_id[record_id] or record_hash(record) != record.get("hash"):
            result.problems.append(f"record {record_id}: changed (its hash is not the chain's)")
        for artifact in record.get("artifacts", []):
            found = artifacts.get((record_id, artifact.get("name")))
            if found is None:
                result.problems.append(f"record {record_id}: artifact {artifact.get('name')} is missing")
            elif hashlib.sha256(found).hexdigest() != artifact.get("sha256") or len(found) != artifact.get("size"):
                result.problems.append(f"record {record_id}: artifact {artifact.get('name')} changed")


def _warc_contents(warc: bytes, result: Verification) -> tuple[dict, dict]:
    """The records (by id) and artifacts (by record id and name) the WARC holds."""
    records, pages, artifacts = {}, {}, {}
    try:
        for entry in ArchiveIterator(io.BytesIO(warc)):
            uri = entry.rec_headers.get_header("WARC-Target-URI") or ""
            body = entry.content_stream().read()
            if uri.startswith("urn:emptor:record:"):
                records[uri.rsplit(":", 1)[1]] = json.loads(body)
            elif uri.startswith("urn:emptor:"):
                record_id, _, name = uri[len("urn:emptor:"):].partition("/")
                artifacts[(record_id, name)] = body
            elif entry.rec_type == "response":
                # Each page hashed once, found by its address, time and hash: no scan per record.
                pages[(uri, entry.rec_headers.get_header("WARC-Date"), hashlib.sha256(body).hexdigest())] = body
    except Exception as exc:  # warcio raises many kinds on a damaged archive: each is the same finding
        result.problems.append(f"{WARC_PATH}: not a readable WARC ({type(exc).__name__})")
    # A page is the record's html artifact, at its address and time; a stylesheet or image, the
    # artifact at its own address and the record's time.
    for record_id, record in records.items():
        for artifact in record.get("artifacts", []) if isinstance(record.get("artifacts"), list) else []:
            address = _address(record, artifact) if isinstance(artifact, dict) else None
            if address is not None:
                match = pages.get((address, record.get("captured_at"), artifact.get("sha256")))
                if match is not None:
                    artifacts[(record_id, artifact["name"])] = match
                else:
                    artifacts.setdefault((record_id, artifact["name"]), b"")
    return records, artifacts


# --- from the store -----------------------------------------------------------------------------


def export_pack(db, data_dir, out, *, product_id: str | None = None, order_id: str | None = None,
                now: dt.datetime | None = None, reason: str | None = None) -> ExportedPack:
    """The pack of one product's evidence, or one order's: its own records and the listing pages
    and checkout captures saved for the products it names (what was promised when it was bought).

    :raises EvidenceError: no live record matches.
    """
    if (product_id is None) == (order_id is None):
        raise ValueError("name one product or one order")
    chain = store.records(db)
    live = [r for r in chain if r.get("kind") != "tombstone"]
    if order_id is not None:
        # The order's products: those its own records name and those its feeds' lines named. Their
        # listings and checkout captures are what was promised before it was bought.
        products = {r["product_id"] for r in live if r.get("order_id") == order_id and r.get("product_id")}
        products |= set(orders_table.product_ids(db, order_id))
        chosen = [r for r in live if r.get("order_id") == order_id
                  or (r["kind"] in ("listing", "checkout") and r.get("product_id") in products)]
        missing = f"order {order_id}"
    else:
        chosen = [r for r in live if r.get("product_id") == product_id]
        missing = f"product {product_id}"
    if not chosen:
        raise store.EvidenceError(f"no evidence is saved for {missing} (`emptor evidence list` shows what is).")
    key = load_or_create_key(data_dir)
    return write_pack(Path(out), chain, chosen, lambda sha256: store.read_artifact(data_dir, sha256), key,
                      now or dt.datetime.now(dt.timezone.utc), reason)
