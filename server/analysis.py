"""The pipeline: a page in, an explained report out.

validate → pick the marketplace → extract → add review-feed figures → judge (at the page's own
capture time when it carries one) → report. Storing what was seen is the caller's choice
(:func:`server.store.record`), so the CLI can analyse a file without touching history.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable

import heuristics
from heuristics.model import Listing, ListingHistory, Reference, merge

from . import jsontext, reference, report
from .config import MAX_MARKUP_TAGS, REVIEW_PAGES_TO_FETCH, version
from .marketplaces import MARKETPLACES, Extraction, Marketplace, PageInput, for_url, host_of
from .marketplaces.problems import NoAddress, PageFromOtherSite
from .problems import InvalidRequest, UnreadableInput

# A rendered or served listing page always has tags in its first few kilobytes.
_HTML_SNIFF_BYTES = 4096
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


@dataclass
class Analysis:
    report: dict
    extraction: Extraction
    judged_at: dt.datetime


def check_html(html: str) -> None:
    """Refuse what is clearly not an HTML page, naming the problem."""
    if not html.strip():
        raise UnreadableInput("empty_html", "The page is empty: the html field holds no text.", field="html")
    head = html[:_HTML_SNIFF_BYTES]
    if "\x00" in head or len(_CONTROL_CHARACTERS.findall(head)) > len(head) // 100 + 2:
        raise UnreadableInput("binary_input", "The page is binary data, not HTML.", field="html")
    if "<" not in head or not any(
        tag in head.lower() for tag in ("<html", "<head", "<body", "<!doctype", "<div", "<script", "<meta")
    ):
        raise UnreadableInput("not_html", "The page is not HTML: no HTML tags in its first 4 KB.", field="html")
    tags = html.count("<")
    if tags > MAX_MARKUP_TAGS:
        raise UnreadableInput(
            "too_many_elements",
            f"The page has {tags:,} tags; emptor reads at most {MAX_MARKUP_TAGS:,}: the largest real listings have "
            "about 40,000, so this is not a listing.",
            field="html",
        )


def marketplace_for(page: PageInput, marketplace: Marketplace | None = None) -> Marketplace:
    """The marketplace of the page's address; for a saved page without one, of the address the
    page gives itself (the only case where the page is parsed twice)."""
    if page.url:
        return for_url(page.url)
    if marketplace is not None:
        return marketplace
    if page.html is not None:
        for candidate in MARKETPLACES.values():
            own = candidate.url_from_html(page.html)
            if own:
                return for_url(own)
    raise NoAddress("No address given, and the page does not name one (no canonical link or og:url).")


def check_own_address(marketplace: Marketplace, extraction: Extraction) -> None:
    """Refuse a page whose own canonical address is on another site than the one it was sent as."""
    if extraction.own_url and not marketplace.owns_host(host_of(extraction.own_url)):
        raise PageFromOtherSite(
            f"The page's own address is on {host_of(extraction.own_url)}, not {marketplace.name}: "
            "emptor only judges pages from the marketplace they claim to be."
        )


def drop_implausible_prices(listing: Listing, tables: Reference) -> None:
    """Read as missing any price that cannot be real (zero, negative, subnormal, astronomical for
    its currency): a page can show or post anything, and such a price must neither be judged nor
    enter the history."""
    currency = listing.price.currency or listing.locale.currency
    for name in ("min", "max", "original_min", "original_max"):
        if not tables.plausible_price(getattr(listing.price, name), currency):
            setattr(listing.price, name, None)
    for variant in listing.variants:
        for name in ("price", "original_price"):
            if not tables.plausible_price(getattr(variant, name), currency):
                setattr(variant, name, None)


# How a page reached emptor (docs/api.md): open in the browser now, or saved earlier.
CAPTURES = ("live", "saved")

ReviewFetcher = Callable[[Marketplace, Listing], tuple[list, list[dict]]]
HistoryLoader = Callable[[str, str], ListingHistory]


def analyze(
    page: PageInput,
    *,
    now: dt.datetime,
    marketplace: Marketplace | None = None,
    fetch_reviews: ReviewFetcher | None = None,
    load_history: HistoryLoader | None = None,
    debug: bool = False,
    capture: str = "live",
) -> Analysis:
    """Analyse one page.

    :param marketplace: known already (a saved feed file names none by address).
    :param fetch_reviews: called with the listing when the page is a product, to fetch the first
        review feed pages (the CLI's ``scan URL``); returns the pages and any fetch errors.
    :param load_history: ``(marketplace, product_id) -> ListingHistory``: what was recorded about
        the listing before, for the price and listing-change rules.
    :param debug: let a failing rule raise instead of being reported in ``errors``.
    :param capture: ``"live"``, a page open now, is judged at ``now`` whatever times it holds
        (a page script can write any date into a page); ``"saved"``, a page saved earlier, is
        judged at its own capture time when it carries one.
    """
    if capture not in CAPTURES:
        raise InvalidRequest("bad_capture", f"capture must be one of {', '.join(CAPTURES)}.", field="capture")
    if page.html is not None:
        check_html(page.html)
    if page.html is None and not page.blobs:
        raise InvalidRequest("no_page", "Send the page's html, its data blobs, or both.")
    marketplace = marketplace_for(page, marketplace)
    page.received_at = page.received_at or now
    extraction = marketplace.extract(page)
    jsontext.without_lone_surrogates(extraction.listing)  # it is stored and reported: text only
    check_own_address(marketplace, extraction)
    tables = reference.load()
    drop_implausible_prices(extraction.listing, tables)
    errors: list[dict] = list(extraction.errors)
    if fetch_reviews is not None and extraction.status == "ok":
        pages, fetch_errors = fetch_reviews(marketplace, extraction.listing)
        page.review_pages.extend(pages)
        errors.extend(fetch_errors)
    review_set = marketplace.parse_review_pages(page.review_pages) if page.review_pages else None
    if review_set is not None:
        jsontext.without_lone_surrogates(review_set)
    listing = extraction.listing
    if review_set and review_set.statistics and extraction.status == "ok" and listing.rating.histogram is None:
        # The product's own star split for all its reviews, when the page did not carry it.
        listing.rating = merge(review_set.statistics, listing.rating)
        extraction.sources.append("review-feed")
    judged_at = (extraction.captured_at or now) if capture == "saved" else now
    verdict = None
    if extraction.status == "ok":
        history = load_history(listing.marketplace, listing.product_id) if load_history and listing.product_id else None
        verdict = heuristics.analyze(
            listing, judged_at, reviews=review_set, history=history, reference=tables, debug=debug
        )
    reviews_report = None
    if review_set is not None:
        reviews_report = report.reviews_section(review_set, verdict.reviews if verdict else None)
    built = report.build(
        extraction,
        verdict,
        judged_at,
        version=version(),
        explanation=marketplace.explain_status(extraction.status),
        review_feed_urls=marketplace.review_feed_urls(listing, REVIEW_PAGES_TO_FETCH) if extraction.status == "ok" else [],
        reviews=reviews_report,
        errors=errors,
        capture=capture,
    )
    # Anything else the report quotes from the page (an error naming a blob, say) is text too.
    return Analysis(report=jsontext.without_lone_surrogates(built), extraction=extraction, judged_at=judged_at)
