"""The analysis report: one JSON document, described by docs/report.schema.json.

Ids are strings (they exceed JavaScript's 2^53); a value the page did not show is null.
"""

from __future__ import annotations

import datetime as dt

from heuristics import FAMILIES, Verdict
from heuristics.model import Finding, as_dict

from .marketplaces import Extraction
from .timefmt import iso

# 2: listing.locale (was context), errors[] as {code, message}, page.explanation,
# findings' family_name, review_feed_urls.
REPORT_VERSION = 2

# The fields whose presence says whether extraction worked. A layout change that loses one of
# them shows up here instead of silently lowering the risk.
COVERAGE_FIELDS = (
    "title",
    "locale.country",
    "locale.currency",
    "locale.language",
    "price.min",
    "price.original_min",
    "variants",
    "shipping",
    "specs",
    "seller.name",
    "seller.store_id",
    "seller.positive_rate",
    "seller.feedback_count",
    "seller.followers",
    "seller.opened",
    "seller.top_rated",
    "rating.average",
    "rating.count",
    "rating.histogram",
    "orders",
    "badges.choice",
    "badges.free_return",
    "badges.buyer_protection_days",
    "badges.delivery_guarantee",
    "image_keys",
)


def _lookup(listing: dict, dotted: str):
    value = listing
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def coverage(listing: dict) -> dict:
    found, missing = [], []
    for name in COVERAGE_FIELDS:
        value = _lookup(listing, name)
        (missing if value is None or value == [] else found).append(name)
    return {"found": found, "missing": missing}


def reviews_section(review_set, analysis) -> dict:
    """What the report says about the reviews read: the analysis when the page was judged,
    else only what was read (a blocked page's reviews are not analysed)."""
    section = {
        "pages": review_set.pages,
        "received": len(review_set.reviews),
        "duplicates_dropped": review_set.duplicates_dropped,
        "total": review_set.statistics.count if review_set.statistics else None,
        "source": review_set.source,
    }
    if analysis is None:
        return {**section, "analyzed": 0, "adjusted_rating": None, "suspicious": None, "basis": None, "tests": []}
    return {**section, **analysis.to_dict()}


def finding(found: Finding) -> dict:
    """A finding as the report gives it, with its family's name for grouping."""
    return {**found.to_dict(), "family_name": FAMILIES[found.code[:3]].name}


def build(
    extraction: Extraction,
    verdict: Verdict | None,
    judged_at: dt.datetime,
    *,
    version: str,
    explanation: str | None = None,
    review_feed_urls: list[str] | None = None,
    reviews: dict | None = None,
    errors: list[dict] | None = None,
    capture: str = "live",
) -> dict:
    """The report. ``explanation`` says what a page status other than ``ok`` means;
    ``review_feed_urls`` are where the listing's reviews can be read (the extension fetches them
    in the shopper's session and sends them back with the page)."""
    listing = as_dict(extraction.listing)
    return {
        "report_version": REPORT_VERSION,
        "emptor_version": version,
        "page": {
            "status": extraction.status,
            "generation": extraction.generation,
            "url": extraction.listing.url,
            "captured_at": iso(extraction.captured_at) if extraction.captured_at else None,
            "captured_from": extraction.captured_from if extraction.captured_at else None,
            "capture": capture,
            "sources": list(extraction.sources),
            "explanation": explanation,
        },
        "listing": listing,
        "verdict": {
            "level": verdict.level if verdict else "unknown",
            "score": verdict.score if verdict else None,
            "judged_at": iso(judged_at),
            "judged_at_from": "captured_at" if capture == "saved" and extraction.captured_at else "service_clock",
        },
        "findings": [finding(f) for f in verdict.findings] if verdict else [],
        "trust": [finding(f) for f in verdict.trust] if verdict else [],
        "coverage": coverage(listing),
        "review_feed_urls": list(review_feed_urls or []),
        "reviews": reviews,
        "errors": (list(verdict.errors) if verdict else []) + list(errors or []),
    }
