"""Reading a JSON request body safely: size caps, gzip, and errors that name the problem."""

from __future__ import annotations

import zlib

from flask import current_app, g, request

from .. import jsontext
from ..config import MEGABYTE
from ..problems import InvalidRequest, TooLarge, UnsupportedMediaType


def _too_large(size: int, limit: int, after: str = "") -> TooLarge:
    return TooLarge(
        "request_too_large",
        f"The request body is {size / MEGABYTE:.1f} MB{after}; the limit is {limit // MEGABYTE} MB.",
    )


def _gunzip(raw: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        body = inflater.decompress(raw, limit + 1)
    except zlib.error as exc:
        raise InvalidRequest("bad_gzip", f"The body says Content-Encoding: gzip but does not decompress ({exc}).") from None
    if len(body) > limit or inflater.unconsumed_tail:
        raise TooLarge(
            "request_too_large",
            f"The request body is over {limit // MEGABYTE} MB after decompression; the limit is {limit // MEGABYTE} MB.",
        )
    if not inflater.eof:
        raise InvalidRequest("bad_gzip", "The gzip body is truncated: it ends before the gzip stream does.")
    if inflater.unused_data:
        raise InvalidRequest("bad_gzip", f"The gzip body has {len(inflater.unused_data)} bytes after the end of its gzip stream.")
    return body


def check_content_type() -> None:
    """The body must be declared JSON: a web page can send a "simple" cross-origin POST
    (text/plain, no preflight) that CORS does not stop, only hides the answer of; declaring JSON
    makes browsers ask first, and flask-cors refuses web origins (server/callers.py refuses
    their requests outright)."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(
            "not_json_content_type", f"The Content-Type is {request.mimetype or 'missing'}; send application/json."
        )


def raw_body() -> bytes:
    """The body as sent (before any gzip is undone), read once and at most the size limit: the
    signature check (server/pairing.py) and the JSON reader below share it."""
    if "raw_body" in g:
        return g.raw_body
    limit = current_app.config["MAX_REQUEST_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(request.content_length, limit)
    # Read one byte past the limit: a chunked body (no Content-Length) that is too large is
    # then seen as too large instead of being cut off at the limit. A declared length is read as
    # such: asking for the whole limit makes Werkzeug allocate 16 MB for every request.
    wanted = limit + 1 if request.content_length is None else request.content_length
    raw = request.stream.read(wanted)
    if len(raw) > limit:
        raise _too_large(len(raw), limit)
    g.raw_body = raw
    return raw


def json_object() -> dict:
    """The request's JSON object, or a :class:`~server.problems.Problem` saying exactly what is wrong."""
    check_content_type()
    limit = current_app.config["MAX_REQUEST_BYTES"]
    raw = raw_body()
    encoding = (request.headers.get("Content-Encoding") or "").strip().lower()
    if encoding == "gzip":
        raw = _gunzip(raw, limit)
    elif encoding not in ("", "identity"):
        raise UnsupportedMediaType("unsupported_encoding", f"Content-Encoding {encoding!r} is not supported; send gzip or none.")
    if len(raw) > limit:
        raise _too_large(len(raw), limit)
    if not raw.strip():
        raise InvalidRequest("empty_body", "The request body is empty; send a JSON object.")
    try:
        value = jsontext.loads_body(raw)
    except jsontext.NotUTF8 as exc:
        raise InvalidRequest("not_utf8", f"The request body is not UTF-8 text (byte {exc.position}).") from None
    except jsontext.LoneSurrogate:
        raise InvalidRequest(
            "bad_unicode", "The request holds a string with an unpaired surrogate escape (\\ud800…), which is not text."
        ) from None
    except jsontext.NotJSON as exc:
        raise InvalidRequest("not_json", f"The request body is not valid JSON: {exc}.") from None
    if not isinstance(value, dict):
        raise InvalidRequest("not_object", f"The request body must be a JSON object, not a {type(value).__name__}.")
    return value
