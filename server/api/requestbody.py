"""Reading a request body safely: the declared type, and the raw bytes read once within the
size limit (decoding them is server/analysis_request.py's, which runs in a worker process)."""

from __future__ import annotations

from flask import current_app, g, request

from ..analysis_request import decode_object, too_large
from ..problems import UnsupportedMediaType


def check_content_type() -> None:
    """The body must be declared JSON: a web page can send a "simple" cross-origin POST
    (text/plain, no preflight) that CORS does not stop, only hides the answer of; declaring JSON
    makes browsers ask first, and flask-cors refuses web origins (server/callers.py refuses
    their requests outright)."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(
            "not_json_content_type", f"The Content-Type is {request.mimetype or 'missing'}; send application/json."
        )


def body_limit() -> int:
    """The largest body this request may carry: MAX_REQUEST_BYTES, unless its view declares its
    own limit as a ``body_limit`` function (an evidence upload: 25 MB for a screenshot)."""
    view = current_app.view_functions.get(request.endpoint or "")
    own = getattr(view, "body_limit", None)
    return own() if own is not None else current_app.config["MAX_REQUEST_BYTES"]


def raw_body() -> bytes:
    """The body as sent (before any gzip is undone), read once and at most the size limit: the
    signature check (server/pairing.py) and the analysis share it."""
    if "raw_body" in g:
        return g.raw_body
    limit = body_limit()
    if limit >= (current_app.config["MAX_CONTENT_LENGTH"] or 0):
        request.max_content_length = limit + 1  # Werkzeug's own cap, raised for this request only
    if request.content_length is not None and request.content_length > limit:
        raise too_large(request.content_length, limit)
    # Read one byte past the limit: a chunked body (no Content-Length) that is too large is
    # then seen as too large instead of being cut off at the limit. A declared length is read as
    # such: asking for the whole limit makes Werkzeug allocate 16 MB for every request.
    wanted = limit + 1 if request.content_length is None else request.content_length
    raw = request.stream.read(wanted)
    if len(raw) > limit:
        raise too_large(len(raw), limit)
    g.raw_body = raw
    return raw


def json_object() -> dict:
    """The request's JSON object, for the endpoints that read one in the service itself (not in
    an analysis worker): declared JSON, within the size limit, decoded with every problem named."""
    check_content_type()
    return decode_object(raw_body(), request.headers.get("Content-Encoding") or "", current_app.config["MAX_REQUEST_BYTES"])
