"""Dispute evidence over HTTP (docs/api.md, "Evidence"): artifacts uploaded as raw bytes, records
naming them, listing, deletion, and WACZ packs written into DATA_DIR/exports and verified there.

The store (server/evidence/store.py) does the work; this blueprint reads requests and turns the
store's refusals into the API's problems."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import subprocess
import threading
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, request

from ..db import get_db
from ..evidence import MAX_PAGE_BYTES, MAX_SCREENSHOT_BYTES, png, redact, resources, wacz
from ..evidence import store as evidence
from ..problems import Forbidden, InvalidRequest, NotFound, Unavailable, UnreadableInput, UnsupportedMediaType
from ..store.database import private_directory
from . import PREFIX
from .requestbody import json_object, raw_body

bp = Blueprint("evidence", __name__, url_prefix=PREFIX)

# What an artifact may be, and the largest of each (the same limits as `emptor evidence save`): the
# page, a screenshot, and the page's stylesheets and images (server/evidence/resources.py).
ARTIFACT_LIMITS = {"text/html": MAX_PAGE_BYTES, "image/png": MAX_SCREENSHOT_BYTES, **resources.LIMITS}
NAME_HEADER = "X-Emptor-Artifact-Name"
# An order, tracking or checkout page is redacted of the buyer's personal data as it arrives,
# unless the shopper opted out (server/evidence/redact.py; docs/privacy.md, "Redaction").
PAGE_KIND_HEADER = "X-Emptor-Page-Kind"
REDACT_HEADER = "X-Emptor-Redact"
RECORD_FIELDS = ("kind", "url", "product_id", "order_id", "browser_time", "user_agent", "locale", "facts", "artifacts")
EXPORTS = "exports"
_PLAIN_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _data_dir() -> Path:
    return Path(current_app.config["DATA_DIR"])


def _only(body: dict, fields) -> None:
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise InvalidRequest("unknown_field", f"Unknown field(s): {', '.join(unknown)}.", field=unknown[0])


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- artifacts --------------------------------------------------------------------------------


def _upload_limit() -> int:
    return ARTIFACT_LIMITS.get(request.mimetype, current_app.config["MAX_REQUEST_BYTES"])


@bp.post("/evidence/artifacts")
def upload_artifact():
    """One artifact's raw bytes, stored content-addressed and pending until a record names it."""
    media_type = request.mimetype
    if media_type not in ARTIFACT_LIMITS:
        raise UnsupportedMediaType("unsupported_artifact_type", f"The Content-Type is {media_type or 'missing'}; an "
                                   f"artifact is one of {', '.join(ARTIFACT_LIMITS)}.")
    encoding = (request.headers.get("Content-Encoding") or "").strip().lower()
    if encoding not in ("", "identity"):
        raise UnsupportedMediaType("unsupported_encoding", f"Content-Encoding {encoding!r} is not accepted for an "
                                   "artifact; send its bytes as they are.")
    name = request.headers.get(NAME_HEADER)
    if name is not None and (not name.strip() or len(name) > 200 or "/" in name or "\\" in name):
        raise InvalidRequest("bad_artifact_name", f"{NAME_HEADER} must be a plain file name of up to 200 characters.",
                             field=NAME_HEADER)
    data = raw_body()
    if not data:
        raise InvalidRequest("empty_body", "The request body is empty; send the artifact's bytes.")
    if media_type == "image/png":
        why = png.problem(data)
        if why:
            raise UnreadableInput("not_png", f"The screenshot is not a PNG image: {why}.")
    why = resources.image_problem(data[:64], media_type)
    if why:
        raise UnreadableInput("not_image", f"The artifact is not the {media_type} image its Content-Type says: {why}.")
    data, redaction = _redacted(data, media_type)
    sha256, size = evidence.upload(get_db(), _data_dir(), data)
    answer = {"sha256": sha256, "size": size, "media_type": media_type, "name": name}
    if redaction is not None:
        answer["redaction"] = redaction  # for the record's facts: the pack's report says what was redacted
    return jsonify(answer), 201


upload_artifact.body_limit = _upload_limit  # server/api/requestbody.py reads it


def _redacted(data: bytes, media_type: str) -> tuple[bytes, dict | None]:
    """The page with the buyer's personal data replaced when it is an order, tracking or checkout
    page (named by PAGE_KIND_HEADER) and the shopper did not opt out (REDACT_HEADER: no), and what
    the record's facts say of it (None for a page of another kind, or none named)."""
    page_kind = (request.headers.get(PAGE_KIND_HEADER) or "").strip().lower() or None
    if page_kind is None:
        return data, None
    if media_type != "text/html" or page_kind not in redact.PAGE_KINDS:
        raise InvalidRequest("bad_page_kind", f"{PAGE_KIND_HEADER} names a page's kind ({', '.join(redact.PAGE_KINDS)}) "
                             "and goes with a text/html artifact.", field=PAGE_KIND_HEADER)
    if page_kind not in redact.REDACTED_PAGES:
        return data, None
    if (request.headers.get(REDACT_HEADER) or "").strip().lower() == "no":
        return data, redact.redaction_facts([], redacted=False)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRequest("not_utf8", f"The page is not UTF-8 text (byte {exc.start}), so its personal data "
                             f"cannot be redacted; send it as UTF-8, or {REDACT_HEADER}: no.") from None
    redacted, found = redact.redact_page(text, page_kind)
    return redacted.encode("utf-8"), redact.redaction_facts(found, redacted=True)


# --- records ----------------------------------------------------------------------------------


def _check_resource_url(artifact: dict, where: str) -> None:
    """The address a stylesheet or image of the page was fetched from, when it has one."""
    if "url" not in artifact:
        return
    if artifact["media_type"] not in resources.MEDIA_TYPES:
        raise InvalidRequest("bad_artifacts", f"{where}.url goes with a stylesheet or an image of the page "
                             f"({', '.join(resources.MEDIA_TYPES)}), not {artifact['media_type']}: the page "
                             "itself is at the record's url.", field=f"{where}.url")
    why = resources.url_problem(artifact["url"])
    if why:
        raise InvalidRequest("bad_artifacts", f"{where}.url is not the address of a resource: {why}.",
                             field=f"{where}.url")


def _check_image_file(media_type: str, sha256: str, where: str) -> None:
    """An artifact named as an image must be that image on disk (a file not there is the store's
    to refuse: unknown_artifact)."""
    path = evidence.object_path(_data_dir(), sha256)
    if not media_type.startswith("image/") or not path.is_file():
        return
    with open(path, "rb") as file:
        head = file.read(64)
    if media_type == "image/png" and png.problem(head):
        raise UnreadableInput("not_png", f"{where} is named image/png but its file is not a PNG image: "
                              f"{png.problem(head)}.", field=where)
    why = resources.image_problem(head, media_type)
    if why:
        raise UnreadableInput("not_image", f"{where} is named {media_type} but its file is not that image: {why}.",
                              field=where)


def _check_artifacts(artifacts) -> None:
    """The artifacts' shape and media types; an image named must be that image on disk; a
    stylesheet or image of the page may carry the address it was fetched from (``url``)."""
    if not isinstance(artifacts, list) or not artifacts:
        raise InvalidRequest("bad_artifacts", "artifacts must be a non-empty list of {name, sha256, media_type}.",
                             field="artifacts")
    for index, artifact in enumerate(artifacts):
        where = f"artifacts[{index}]"
        if not isinstance(artifact, dict) or set(artifact) - {"url"} != {"name", "sha256", "media_type"}:
            raise InvalidRequest("bad_artifacts", f"{where} must be an object with exactly name, sha256 and media_type, "
                                 "and url for a stylesheet or image of the page.", field=where)
        if not isinstance(artifact["media_type"], str) or artifact["media_type"] not in ARTIFACT_LIMITS:
            raise InvalidRequest("bad_artifacts", f"{where}.media_type must be one of {', '.join(ARTIFACT_LIMITS)}.",
                                 field=f"{where}.media_type")
        _check_resource_url(artifact, where)
        sha256 = artifact["sha256"]
        if not isinstance(sha256, str) or not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise InvalidRequest("bad_artifacts", f"{where}.sha256 must be 64 lowercase hex digits.", field=f"{where}.sha256")
        _check_image_file(artifact["media_type"], sha256, where)


@bp.post("/evidence")
def create_record():
    """A record naming uploaded artifacts, appended to the chain: 201 and the record."""
    body = json_object()
    _only(body, RECORD_FIELDS)
    if body.get("kind") not in evidence.KINDS:
        raise InvalidRequest("bad_kind", f"kind must be one of {', '.join(evidence.KINDS)}.", field="kind")
    if not isinstance(body.get("url"), str) or not body["url"].strip():
        raise InvalidRequest("missing_url", "The url field is required: the address of the page saved.", field="url")
    try:
        parts = urlsplit(body["url"])
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidRequest("bad_url", "url must be an absolute http(s) address with a host.", field="url")
    _check_artifacts(body.get("artifacts"))
    try:
        record = evidence.save_uploaded(get_db(), _data_dir(), **{key: body.get(key) for key in RECORD_FIELDS})
    except evidence.MissingArtifact as exc:
        raise UnreadableInput("unknown_artifact", _sentence(str(exc)), field=f"artifacts[{exc.index}].sha256") from None
    except evidence.EvidenceError as exc:
        raise InvalidRequest("bad_evidence", _sentence(str(exc))) from None
    return jsonify(record), 201


@bp.get("/evidence")
def list_records():
    """The live records, newest first, without their facts (GET one for those)."""
    live = evidence.select(get_db(), everything=True)
    return jsonify({"records": [{key: value for key, value in record.items() if key != "facts"} for record in reversed(live)]})


def _one(record_id: str) -> dict:
    try:
        return evidence.select(get_db(), record_id=record_id)[0]
    except evidence.EvidenceError:
        raise NotFound("unknown_evidence", f"No live evidence record has the id {record_id[:64]}.") from None


@bp.get("/evidence/<record_id>")
def get_record(record_id: str):
    return jsonify(_one(record_id))


@bp.delete("/evidence/<record_id>")
def delete_record(record_id: str):
    """Tombstone one record and remove the files no other record (or pending upload) holds."""
    record = _one(record_id)
    return jsonify({"deleted": evidence.delete(get_db(), _data_dir(), [record["id"]])})


@bp.delete("/evidence")
def delete_order():
    """Tombstone every record of one order (``?order=ID``)."""
    order_id = request.args.get("order")
    if not order_id:
        raise InvalidRequest("missing_order", "Name the order whose evidence to delete: ?order=ID.", field="order")
    try:
        chosen = evidence.select(get_db(), order_id=order_id)
    except evidence.EvidenceError:
        raise NotFound("unknown_evidence", f"No evidence is saved for order {order_id[:64]}.") from None
    return jsonify({"deleted": evidence.delete(get_db(), _data_dir(), [record["id"] for record in chosen])})


# --- packs ------------------------------------------------------------------------------------


def _exports() -> Path:
    directory = _data_dir() / EXPORTS
    private_directory(_data_dir())
    private_directory(directory)
    return directory


@bp.post("/evidence/export")
def export():
    """Write one product's or one order's pack into DATA_DIR/exports; where, and what it holds."""
    body = json_object()
    _only(body, ("product_id", "order_id"))
    if len(body) != 1:
        raise InvalidRequest("bad_export", "Name exactly one of product_id or order_id.")
    (field, value), = body.items()
    if not isinstance(value, str) or not _PLAIN_ID.fullmatch(value):
        raise InvalidRequest("bad_export", f"{field} must be up to 64 letters, digits, '-' or '_'.", field=field)
    now = dt.datetime.now(dt.timezone.utc)
    out = _exports() / f"emptor-{field.split('_')[0]}-{value}-{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}.wacz"
    try:
        pack = wacz.export_pack(get_db(), _data_dir(), out, now=now, **{field: value})
    except evidence.EvidenceError as exc:
        raise NotFound("no_evidence", _sentence(str(exc))) from None
    return jsonify({"path": str(pack.path), "records": pack.records, "artifacts": pack.artifacts,
                    "fingerprint": pack.fingerprint, "created": pack.created}), 201


@bp.post("/evidence/open-folder")
def open_folder():
    """Show DATA_DIR/exports in the shopper's file manager (the popup's Open folder: an extension
    cannot open a local folder). The program is FOLDER_OPENER, given the folder and nothing from
    the request; it is started, not waited for."""
    folder = _exports()
    opener = current_app.config["FOLDER_OPENER"]
    try:
        process = subprocess.Popen([opener, str(folder)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        raise Unavailable("no_folder_opener", f"The folder {folder} could not be opened: {opener!r} did not start "
                          f"({exc.strerror or type(exc).__name__}). Open it by hand, or set EMPTOR_FOLDER_OPENER.") from None
    # Reaped when it ends (a file manager may run on), so that no finished opener lingers.
    threading.Thread(target=process.wait, name="folder-opener", daemon=True).start()
    return jsonify({"path": str(folder), "opener": opener})


@bp.post("/evidence/verify")
def verify():
    """Verify a pack in DATA_DIR/exports (no other path: the service reads no file it did not write)."""
    body = json_object()
    _only(body, ("path",))
    given = body.get("path")
    if not isinstance(given, str) or not given.strip() or "\x00" in given:
        raise InvalidRequest("bad_path", "path must be the path of a pack in the exports directory.", field="path")
    exports = _exports().resolve()
    candidate = Path(given) if Path(given).is_absolute() else exports / given
    resolved = candidate.resolve()
    if resolved.parent != exports:
        raise Forbidden("path_outside_exports", f"Only packs in {exports} can be verified.")
    if not resolved.is_file():
        raise NotFound("no_such_pack", f"There is no pack {resolved.name} in {exports}.")
    try:
        result = wacz.verify(resolved)
    except wacz.PackError as exc:
        raise UnreadableInput("not_a_pack", _sentence(str(exc))) from None
    return jsonify({"intact": result.intact, "problems": result.problems, "fingerprint": result.fingerprint,
                    "created": result.created, "records": result.records})
