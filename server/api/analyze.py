"""POST /api/v1/analyze: judge the listing page the extension sends."""

from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, current_app, jsonify

from .. import store
from ..analysis import CAPTURES
from ..analysis import analyze as run_analysis
from ..db import get_db
from ..marketplaces import Blob, PageInput
from ..problems import InvalidRequest
from . import PREFIX
from .requestbody import json_object

bp = Blueprint("analyze", __name__, url_prefix=PREFIX)

_FIELDS = {"url", "html", "data", "reviews", "selected_sku_id", "record", "capture"}


def page_from_request(body: dict) -> tuple[PageInput, bool, str]:
    """Validate the request object field by field; every error names the field."""
    unknown = sorted(set(body) - _FIELDS)
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


@bp.post("/analyze")
def analyze():
    """Analyse a listing page: extraction, explained verdict, and (by default) price history."""
    page, record, capture = page_from_request(json_object())
    now = dt.datetime.now(dt.timezone.utc)
    result = run_analysis(
        page,
        now=now,
        load_history=lambda marketplace, product_id: store.load_history(get_db(), marketplace, product_id),
        debug=current_app.config["DEBUG_RULES"],
        capture=capture,
    )
    # Only a live page enters the history, dated by the service's clock: a saved page, or any
    # time written inside a page, could put prices anywhere in the past or the future.
    if record and capture == "live" and result.extraction.status == "ok" and current_app.config["RECORD_OBSERVATIONS"]:
        store.record(get_db(), result.extraction.listing, now)
    return jsonify(result.report)
