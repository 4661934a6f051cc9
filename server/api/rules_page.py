"""GET /rules: the rules page, so the extension can link each finding to /rules#CODE."""

from __future__ import annotations

from flask import Blueprint, Response

from .. import rules_doc

bp = Blueprint("rules_page", __name__)


@bp.get("/rules")
def rules_page():
    """The rules documentation as HTML, built from the rule registry; every rule code is an anchor."""
    return Response(rules_doc.html(), mimetype="text/html")
