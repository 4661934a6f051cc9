"""Reading a JSON request body safely: size caps, gzip, and errors that name the problem."""

from __future__ import annotations

import re
import zlib

from flask import current_app, request

from .. import jsontext
from ..config import EXTENSION_ORIGINS, MEGABYTE
from ..problems import Forbidden, InvalidRequest, TooLarge, UnsupportedMediaType


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


def check_caller() -> None:
    """Only the extension and local programs may post.

    A web page can send a "simple" cross-origin POST (text/plain, no preflight) that CORS does
    not stop, only hides the answer of. So the body must be declared JSON, which makes browsers
    ask first (and flask-cors refuses web origins), and a browser request that says it comes
    from a web page is refused outright.
    """
    origin = request.headers.get("Origin")
    if origin and not any(re.fullmatch(pattern, origin) for pattern in EXTENSION_ORIGINS):
        raise Forbidden(
            "forbidden_origin",
            f"Requests from {origin} are not accepted; only the emptor extension and local programs may call the service.",
        )
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(
            "not_json_content_type", f"The Content-Type is {request.mimetype or 'missing'}; send application/json."
        )


def json_object() -> dict:
    """The request's JSON object, or a :class:`~server.problems.Problem` saying exactly what is wrong."""
    check_caller()
    limit = current_app.config["MAX_REQUEST_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(request.content_length, limit)
    # Read one byte past the limit: a chunked body (no Content-Length) that is too large is
    # then seen as too large instead of being cut off at the limit.
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise _too_large(len(raw), limit)
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
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRequest("not_utf8", f"The request body is not UTF-8 text (byte {exc.start}).") from None
    try:
        value = jsontext.loads(text)
    except jsontext.NotJSON as exc:
        raise InvalidRequest("not_json", f"The request body is not valid JSON: {exc}.") from None
    if not isinstance(value, dict):
        raise InvalidRequest("not_object", f"The request body must be a JSON object, not a {type(value).__name__}.")
    if jsontext.unpaired_surrogate(value):
        raise InvalidRequest(
            "bad_unicode", "The request holds a string with an unpaired surrogate escape (\\ud800…), which is not text."
        )
    return value
