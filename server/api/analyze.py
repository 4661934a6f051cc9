"""POST /api/v1/analyze: judge the listing page the extension sends."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, request

from .. import analysis_request, store
from ..db import get_db
from . import PREFIX
from .requestbody import check_content_type, raw_body

bp = Blueprint("analyze", __name__, url_prefix=PREFIX)


@bp.post("/analyze")
def analyze():
    """Analyse a listing page: extraction, explained verdict, and (by default) price history."""
    check_content_type()
    raw, encoding = raw_body(), request.headers.get("Content-Encoding") or ""
    limit, now = current_app.config["MAX_REQUEST_BYTES"], dt.datetime.now(dt.timezone.utc)
    workers = current_app.extensions.get("emptor_workers")
    if workers is not None:
        outcome = workers.run(raw, encoding, limit, now)
    else:  # ANALYSIS_WORKERS = 0: in this thread, without a time budget
        outcome = analysis_request.run(
            raw, encoding, limit=limit, now=now, debug=current_app.config["DEBUG_RULES"],
            load_history=lambda marketplace, product_id: store.load_history(get_db(), marketplace, product_id),
        )
    if outcome.to_record is not None and current_app.config["RECORD_OBSERVATIONS"]:
        store.record(get_db(), outcome.to_record, now)
    return current_app.response_class(outcome.report, mimetype="application/json")
