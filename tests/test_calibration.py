"""The reference cases the weights were calibrated on (docs/rules.md, "Reference cases").

The issue asks for an official brand store with Choice, a strong history and consistent
reviews to come out low. No fixture is a Choice listing, so that case is built from real
values and labelled: the PATUOPRO drill as its page showed it on 2024-09-06 (the scraper's
values, tests/constructed.py), its own real reviews of that day, Choice added, and five weeks
of price history in which its "was" price was charged.
"""

from __future__ import annotations

import datetime as dt
import json

import heuristics
from heuristics.model import ListingHistory, PricePoint
from server import reference
from server.marketplaces import MARKETPLACES, Blob, PageInput
from server.marketplaces.aliexpress.review_pages import parse_pages
from tests.support.constructed import gen_d_pdp_jsonp
from tests.support.fixtures import F2020, PAGE_URLS, REVIEWS, read_text

ALIEXPRESS = MARKETPLACES["aliexpress"]

CAPTURED = dt.datetime(2024, 9, 6, 5, 20, tzinfo=dt.timezone.utc)


def official_choice_drill():
    listing = ALIEXPRESS.extract(PageInput(url="https://www.aliexpress.com/item/1005006717259012.html",
                                           blobs=[Blob("mtop.aliexpress.pdp.pc.query", gen_d_pdp_jsonp())])).listing
    listing.badges.choice = True  # constructed: no fixture is a Choice listing
    history = ListingHistory(prices=[
        PricePoint(f"2024-{month:02d}-{day:02d}T10:00:00Z", None, "US", "USD", price, 42.80)
        for month, day, price in [(7, 20, 42.80), (7, 27, 42.80), (8, 3, 42.80), (8, 17, 40.04), (8, 31, 40.04)]
    ])
    reviews = parse_pages([json.loads(read_text(REVIEWS / "reviews_1005006717259012_2024-09.json"))])
    return listing, history, reviews


def test_an_official_store_with_choice_history_and_consistent_reviews_is_low():
    listing, history, reviews = official_choice_drill()
    verdict = heuristics.analyze(listing, CAPTURED, reviews=reviews, history=history, reference=reference.load(), debug=True)
    assert verdict.level == "low", [(f.code, f.weight) for f in verdict.findings + verdict.trust]
    assert {f.code for f in verdict.trust} == {"SEL006", "PRT001"}
    # One of its three follow-ups says it began to fail: reported, and outweighed.
    assert [f.code for f in verdict.findings] == ["REV006"]


def test_the_2020_original_iphone_that_is_used_is_at_least_medium():
    listing = ALIEXPRESS.extract(PageInput(url=PAGE_URLS[F2020.name], html=read_text(F2020))).listing
    verdict = heuristics.analyze(listing, dt.datetime(2020, 7, 9, tzinfo=dt.timezone.utc), reference=reference.load(), debug=True)
    assert verdict.level in ("medium", "high") and "CNT001" in {f.code for f in verdict.findings}


def test_reviews_of_another_product_alone_reach_medium():
    listing, history, reviews = official_choice_drill()
    listing.title = "Wireless Earbuds Bluetooth 5.3 Noise Cancelling Headphones"
    listing.seller.official = False
    listing.badges.choice = None
    verdict = heuristics.analyze(listing, CAPTURED, reviews=reviews, history=history, reference=reference.load(), debug=True)
    assert "REV007" in {f.code for f in verdict.findings}
    assert verdict.level in ("medium", "high")
