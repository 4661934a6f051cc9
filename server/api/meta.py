"""GET /api/v1/health, GET /api/v1/pairing and GET /api/v1/rules: what the service is, that it is
the shopper's own, and what it checks."""

from __future__ import annotations

from flask import Blueprint, jsonify, url_for

from heuristics import FAMILIES, RULES, THRESHOLDS
from heuristics.scoring import CONFIDENCE_FACTOR, LEVELS, SEVERITY_POINTS

from ..config import version
from ..db import get_db
from . import PREFIX

bp = Blueprint("meta", __name__, url_prefix=PREFIX)


@bp.get("/health")
def health():
    """Is the service up, which version is it, and can it open its database."""
    get_db().execute("select 1")
    return jsonify({"ok": True, "service": "emptor", "version": version(), "rules": len(RULES)})


@bp.get("/pairing")
def pairing_check():
    """The extension's challenge: answered only to a signed request, and signed back
    (server/pairing.py), so a good answer shows the program on the port knows the secret."""
    return jsonify({"paired": True, "service": "emptor", "version": version()})


@bp.get("/rules")
def rules():
    """Every rule with its code, family and documentation link, and how scores are made."""
    return jsonify(
        {
            "rules": [
                {
                    "code": rule.code,
                    "title": rule.title,
                    "family": rule.family,
                    "family_name": FAMILIES[rule.family].name,
                    "since": rule.since,
                    "status": rule.status,
                    "doc_url": url_for("rules_page.rules_page", _external=True) + f"#{rule.code}",
                }
                for rule in sorted(RULES.values(), key=lambda r: r.code)
            ],
            "thresholds": [
                {"name": t.name, "default": t.default, "used_by": list(t.used_by), "help": t.help} for t in THRESHOLDS
            ],
            "scoring": {
                "severity_points": {s.name.lower(): p for s, p in SEVERITY_POINTS.items()},
                "confidence_factor": {c.name.lower(): f for c, f in CONFIDENCE_FACTOR.items()},
                "levels": [{"level": name, "from_score": bound} for name, bound in LEVELS],
            },
        }
    )
