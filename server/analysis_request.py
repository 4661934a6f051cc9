"""One analysis request, from the bytes sent to the report, without Flask.

The service runs it in a worker process that can be stopped (server/workers.py), or in the
request's own thread when ANALYSIS_WORKERS is 0. Everything here is a function of its
arguments: the request's bytes, the size limit, the moment, and where the history is read.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from dataclasses import dataclass

from heuristics.model import Listing

from . import jsontext
from .analysis import CAPTURES, HistoryLoader
from .analysis import analyze as run_analysis
from .config import MEGABYTE
from .marketplaces import Blob, PageInput
from .problems import InvalidRequest, TooLarge, UnsupportedMediaType

FIELDS = {"url", "html", "data", "reviews", "selected_sku_id", "record", "capture"}


@dataclass
class Outcome:
    report: bytes  # the report as the answer's JSON body
    to_record: Listing | None  # the listing whose prices the request may add to the history


def too_large(size: int, limit: int, after: str = "") -> TooLarge:
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


def decode_object(raw: bytes, encoding: str, limit: int) -> dict:
    """The JSON object a request body holds, or a problem saying exactly what is wrong."""
    return decode_json(raw, encoding, limit)


def decode_json(raw: bytes, encoding: str, limit: int, *, lists: bool = False) -> dict | list:
    """The JSON object (or, with ``lists``, the object or list) a request body holds, gunzipped
    within ``limit``; or a problem saying exactly what is wrong."""
    encoding = encoding.strip().lower()
    if encoding == "gzip":
        raw = _gunzip(raw, limit)
    elif encoding not in ("", "identity"):
        raise UnsupportedMediaType("unsupported_encoding", f"Content-Encoding {encoding!r} is not supported; send gzip or none.")
    if len(raw) > limit:
        raise too_large(len(raw), limit)
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
    if not isinstance(value, (dict, list) if lists else dict):
        raise InvalidRequest("not_object", f"The request body must be a JSON object{' or list' if lists else ''}, "
                             f"not a {type(value).__name__}.")
    return value


def page_from_request(body: dict) -> tuple[PageInput, bool, str]:
    """Validate the request object field by field; every error names the field."""
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise InvalidRequest("unknown_field", f"Unknown field(s): {', '.join(unknown)}.", field=unknown[0])
    url = body.get("url")
    if not isinstance(url, str) or not url.strip():
        raise InvalidRequest("missing_url", "The url field is required: the address of the page being analysed.", field="url")
    html = body.get("html")
    if html is not None and not isinstance(html, str):
        raise InvalidRequest("bad_html", "The html field must be a string.", field="html")
    data = body.get("data")
    data = [] if data is None else data
    if not isinstance(data, list):
        raise InvalidRequest("bad_data", "The data field must be a list of {source, body} objects.", field="data")
    blobs = []
    for index, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("source"), str) or "body" not in item:
            raise InvalidRequest("bad_data", f"data[{index}] must be an object with a source string and a body.", field="data")
        blobs.append(Blob(item["source"], item["body"]))
    reviews = body.get("reviews")
    reviews = [] if reviews is None else reviews
    if not isinstance(reviews, list):
        raise InvalidRequest("bad_reviews", "The reviews field must be a list of review feed pages.", field="reviews")
    sku = body.get("selected_sku_id")
    if sku is not None:
        if not isinstance(sku, str) or not re.fullmatch(r"[0-9]{1,20}", sku):
            raise InvalidRequest("bad_sku", "selected_sku_id must be a string of up to 20 digits.", field="selected_sku_id")
    record = body.get("record", True)
    if not isinstance(record, bool):
        raise InvalidRequest("bad_record", "record must be true or false.", field="record")
    capture = body.get("capture", "live")
    if capture not in CAPTURES:
        raise InvalidRequest("bad_capture", f"capture must be one of {', '.join(CAPTURES)}.", field="capture")
    page = PageInput(url=url.strip(), html=html, blobs=blobs, review_pages=reviews, selected_sku_id=sku)
    return page, record, capture


def run(raw: bytes, encoding: str, *, limit: int, now: dt.datetime, load_history: HistoryLoader | None,
        debug: bool = False) -> Outcome:
    """Decode, validate and analyse one request."""
    page, record, capture = page_from_request(decode_object(raw, encoding, limit))
    result = run_analysis(page, now=now, load_history=load_history, debug=debug, capture=capture)
    # Only a live page enters the history, dated by the service's clock: a saved page, or any
    # time written inside a page, could put prices anywhere in the past or the future.
    recordable = record and capture == "live" and result.extraction.status == "ok"
    return Outcome(report=jsontext.dumps_fast(result.report), to_record=result.extraction.listing if recordable else None)
