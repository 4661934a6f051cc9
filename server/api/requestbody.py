"""Reading a JSON request body safely: size caps, gzip, and errors that name the problem."""

from __future__ import annotations

import json
import zlib

from flask import current_app, request

from ..config import MEGABYTE
from ..errors import BadInput, TooLarge


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
        raise BadInput("bad_gzip", f"The body says Content-Encoding: gzip but does not decompress ({exc}).") from None
    if len(body) > limit or inflater.unconsumed_tail:
        raise TooLarge(
            "request_too_large",
            f"The request body is over {limit // MEGABYTE} MB after decompression; the limit is {limit // MEGABYTE} MB.",
        )
    return body


def json_object() -> dict:
    """The request's JSON object, or an :class:`APIError` saying exactly what is wrong."""
    limit = current_app.config["MAX_REQUEST_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(request.content_length, limit)
    raw = request.get_data(cache=False)
    encoding = (request.headers.get("Content-Encoding") or "").strip().lower()
    if encoding == "gzip":
        raw = _gunzip(raw, limit)
    elif encoding not in ("", "identity"):
        raise BadInput("unsupported_encoding", f"Content-Encoding {encoding!r} is not supported; send gzip or none.", status=415)
    if len(raw) > limit:
        raise _too_large(len(raw), limit)
    if not raw.strip():
        raise BadInput("empty_body", "The request body is empty; send a JSON object.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput("not_utf8", f"The request body is not UTF-8 text (byte {exc.start}).") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput("not_json", f"The request body is not valid JSON: {exc.msg} at character {exc.pos}.") from None
    if not isinstance(value, dict):
        raise BadInput("not_object", f"The request body must be a JSON object, not a {type(value).__name__}.")
    return value
