"""REV rules: a firing and a non-firing case each, from the real review captures where they show
the pattern, synthetic (and labelled) where no capture does."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import heuristics
from heuristics.model import Listing, Rating, Review, ReviewSet
from server.marketplaces import MARKETPLACES, Blob, PageInput
from server.marketplaces.aliexpress.review_pages import parse_pages
from tests.support.constructed import gen_d_pdp_jsonp
from tests.support.fixtures import F2020, PAGE_URLS, REVIEWS, read_text

ALIEXPRESS = MARKETPLACES["aliexpress"]

UTC = dt.timezone.utc
NOW = dt.datetime(2025, 10, 16, tzinfo=UTC)


def capture(name: str) -> ReviewSet:
    return parse_pages([json.loads(read_text(REVIEWS / name))])


def drill_listing() -> Listing:
    """The drill the review captures are about: its page rebuilt as a generation D feed from the
    scraper's real 2024-09 values (tests/constructed.py), viewed from the US."""
    listing = ALIEXPRESS.extract(
        PageInput(
            url="https://www.aliexpress.com/item/1005006717259012.html",
            blobs=[Blob("mtop.aliexpress.pdp.pc.query", gen_d_pdp_jsonp())],
        )
    ).listing
    listing.locale.country = "US"
    return listing


def iphone_listing() -> Listing:
    return ALIEXPRESS.extract(PageInput(url=PAGE_URLS[F2020.name], html=read_text(F2020))).listing


def fired(listing, reviews, code, now=NOW):
    verdict = heuristics.analyze(listing, now, reviews=reviews, select=(code,), debug=True)
    return {f.code: f for f in verdict.findings}.get(code)


def with_reviews(review_set: ReviewSet, reviews: list[Review], **changes) -> ReviewSet:
    return dataclasses.replace(review_set, reviews=reviews, **changes)


# --- REV001 -------------------------------------------------------------------------------


def test_rev001_quiet_on_the_real_drill_statistics():
    """494 ratings, 88.9% five stars, 2.2% one star: a normal J-curve."""
    assert fired(drill_listing(), capture("reviews_1005006717259012_2024-09.json"), "REV001") is None


def test_rev001_fires_on_a_perfect_distribution():
    """Synthetic statistics: 149 of 150 ratings at five stars."""
    review_set = capture("reviews_1005006717259012_2024-09.json")
    review_set.statistics = Rating(average=5.0, count=150, histogram={"1": 0, "2": 0, "3": 0, "4": 1, "5": 149})
    finding = fired(drill_listing(), review_set, "REV001")
    assert finding.evidence["pattern"] == "too perfect" and finding.evidence["count"] == 150


def test_rev001_fires_on_a_flat_distribution():
    """Synthetic statistics: 40 ratings spread evenly."""
    review_set = capture("reviews_1005006717259012_2024-09.json")
    review_set.statistics = Rating(average=3.0, count=40, histogram={"1": 8, "2": 8, "3": 8, "4": 8, "5": 8})
    assert fired(drill_listing(), review_set, "REV001").evidence["pattern"] == "too uniform"


# --- REV002 -------------------------------------------------------------------------------


def test_rev002_quiet_on_real_reviews():
    finding = fired(drill_listing(), capture("reviews_1005006717259012_2024-09.json"), "REV002")
    assert finding is None


def test_rev002_fires_on_copied_texts():
    """Synthetic: six real texts copied into six other real reviews, with a few words changed."""
    review_set = capture("reviews_1005006717259012_2024-09.json")
    reviews = list(review_set.reviews)
    for i in range(6):
        source, target = reviews[i], reviews[30 + i]
        text = source.text.replace(",", "") + " спасибо"
        reviews[30 + i] = dataclasses.replace(target, text=text, translation=None)
    finding = fired(drill_listing(), with_reviews(review_set, reviews), "REV002")
    assert finding.evidence["duplicated"] == 12 and finding.evidence["groups"] == 6
    assert finding.severity.name == "MEDIUM"


def test_rev002_finds_one_text_posted_in_two_languages():
    """Synthetic: a review whose own (English) words are another review's translation."""
    review_set = capture("reviews_1005006717259012_2024-09.json")
    reviews = list(review_set.reviews)
    original = reviews[0]
    reviews[40] = dataclasses.replace(reviews[40], text=original.translation, translation=None)
    test = heuristics.review_tests.duplicate_test(reviews, heuristics.DEFAULTS)
    assert test.flagged == {original.id, reviews[40].id}


def test_rev002_never_pairs_two_translations():
    """Two different originals with the same machine translation are not duplicates."""
    review_set = capture("reviews_1005006717259012_2024-09.json")
    reviews = list(review_set.reviews)
    reviews[41] = dataclasses.replace(reviews[41], translation=reviews[1].translation)
    test = heuristics.review_tests.duplicate_test(reviews, heuristics.DEFAULTS)
    assert reviews[41].id not in test.flagged


# --- REV003 -------------------------------------------------------------------------------


def test_rev003_quiet_on_real_dates():
    """The 2024-09 capture has one day with 5 reviews (a warning in the tests), not a burst."""
    review_set = capture("reviews_1005006717259012_2024-09.json")
    assert fired(drill_listing(), review_set, "REV003") is None
    assert heuristics.review_tests.burst_test(review_set.reviews, heuristics.DEFAULTS).status == "warn"


def test_rev003_fires_on_a_burst():
    """Synthetic: 15 of the real reviews moved to one day."""
    review_set = capture("reviews_1005006717259012_2024-09.json")
    reviews = [dataclasses.replace(r, date="2024-06-01") if i < 15 else r for i, r in enumerate(review_set.reviews)]
    finding = fired(drill_listing(), with_reviews(review_set, reviews), "REV003")
    assert finding.evidence["burst_days"]["2024-06-01"] == 15
    assert finding.confidence.name == "LOW"  # the sample is AliExpress's own selection


# --- REV004 -------------------------------------------------------------------------------


def test_rev004_quiet_on_real_texts():
    assert fired(drill_listing(), capture("reviews_1005006717259012_2024-09.json"), "REV004") is None


def test_rev004_fires_on_stock_texts():
    """Synthetic: 40 of the real reviews' texts replaced by stock phrases in three languages."""
    review_set = capture("reviews_1005006717259012_2024-09.json")
    stock = ["Отлично!", "good", "Все отлично 👍", "excelente", "Спасибо"]
    reviews = [
        dataclasses.replace(r, text=stock[i % 5], translation=None) if i < 40 else r for i, r in enumerate(review_set.reviews)
    ]
    finding = fired(drill_listing(), with_reviews(review_set, reviews), "REV004")
    assert finding.evidence["short_or_stock"] == 40


# --- REV005 -------------------------------------------------------------------------------


def test_rev005_fires_on_the_real_all_russian_feed_for_a_us_viewer():
    finding = fired(drill_listing(), capture("reviews_1005006717259012_2025-10a.json"), "REV005")
    assert (finding.evidence["top_country"], finding.evidence["share"]) == ("RU", 1.0)
    assert (finding.severity.name, finding.confidence.name) == ("LOW", "LOW")


def test_rev005_quiet_when_the_feed_shows_the_viewer_s_own_country():
    listing = drill_listing()
    listing.locale.country = "RU"
    assert fired(listing, capture("reviews_1005006717259012_2025-10a.json"), "REV005") is None


def test_rev005_quiet_on_a_mixed_real_feed():
    assert fired(drill_listing(), capture("reviews_1005006717259012_2024-09.json"), "REV005") is None


# --- REV006 -------------------------------------------------------------------------------


def test_rev006_fires_on_the_real_follow_up_that_turned_negative():
    finding = fired(drill_listing(), capture("reviews_1005006717259012_2024-09.json"), "REV006")
    assert finding.evidence["negative"] == 1 and finding.evidence["follow_ups"] == 3
    assert finding.evidence["examples"][0]["days_later"] == 92
    assert "began to fail" in finding.message


def test_rev006_quiet_without_follow_ups():
    assert fired(drill_listing(), capture("reviews_1005006717259012_2025-10a.json"), "REV006") is None


# --- REV007 -------------------------------------------------------------------------------


def test_rev007_fires_when_the_reviews_describe_another_product():
    """A real page with another product's real reviews: what a switched listing looks like."""
    finding = fired(
        iphone_listing(), capture("reviews_1005006717259012_2024-09.json"), "REV007", now=dt.datetime(2024, 9, 6, tzinfo=UTC)
    )
    assert finding.evidence["mentioning_title"] == 0 and finding.evidence["variant_match_share"] == 0.0
    assert (finding.severity.name, finding.confidence.name) == ("HIGH", "HIGH")


def test_rev007_quiet_when_the_reviews_match_the_title():
    assert fired(drill_listing(), capture("reviews_1005006717259012_2024-09.json"), "REV007") is None


# --- REV008 -------------------------------------------------------------------------------


def test_rev008_fires_on_the_real_rating_only_feed():
    finding = fired(drill_listing(), capture("reviews_1005006717259012_2025-10b.json"), "REV008")
    assert {k: finding.evidence[k] for k in ("reviews", "without_text", "share")} == {
        "reviews": 46,
        "without_text": 37,
        "share": 0.8,
    }


def test_rev008_quiet_on_real_reviews_with_text():
    assert fired(drill_listing(), capture("reviews_1005006717259012_2024-09.json"), "REV008") is None


# --- REV009 -------------------------------------------------------------------------------


def test_rev009_quiet_and_transparent_on_real_marks():
    review_set = capture("reviews_1005006717259012_2024-09.json")
    assert fired(drill_listing(), review_set, "REV009") is None
    test = heuristics.review_tests.platform_marks_test(review_set.reviews, heuristics.DEFAULTS)
    assert test.evidence["selected_by_aliexpress"] == 59 and test.evidence["anonymous"] == 3


def test_rev009_fires_on_imported_reviews():
    """Synthetic: 15 of the real reviews marked as imported from another site."""
    review_set = capture("reviews_1005006717259012_2025-03.json")
    reviews = [dataclasses.replace(r, imported=True) if i < 15 else r for i, r in enumerate(review_set.reviews)]
    finding = fired(drill_listing(), with_reviews(review_set, reviews), "REV009")
    assert finding.evidence["imported_from_other_sites"] == 15


# --- REV010 and the adjusted rating -------------------------------------------------------


def test_rev010_quiet_and_adjusted_rating_on_real_reviews():
    review_set = capture("reviews_1005006717259012_2024-09.json")
    verdict = heuristics.analyze(drill_listing(), NOW, reviews=review_set, debug=True)
    analysis = verdict.reviews
    assert (analysis.shown_rating, analysis.sample_average, analysis.adjusted_rating) == (4.8, 4.98, 4.98)
    assert (analysis.rests_on, analysis.strength) == (60, "weak")  # 59 of 60 hand-picked by AliExpress
    assert "REV010" not in {f.code for f in verdict.findings}


def test_rev010_fires_when_suspicious_reviews_carry_the_rating():
    """Synthetic: the 2025-10a capture's reviews, of which 30 five-star ones share one text."""
    review_set = capture("reviews_1005006717259012_2025-10a.json")
    reviews = [
        dataclasses.replace(
            r, rating=5, text="Отличная дрель, мощная и удобная, всем рекомендую этого продавца", translation=None
        )
        if i < 30
        else dataclasses.replace(r, rating=2)
        for i, r in enumerate(review_set.reviews)
    ]
    review_set = with_reviews(review_set, reviews)
    finding = fired(drill_listing(), review_set, "REV010")
    assert finding.evidence["adjusted_rating"] == 2.0 and finding.evidence["rests_on"] == 30
    assert finding.evidence["shown_rating"] == 4.8  # the platform's own statistics


def test_review_tests_never_crash_on_any_script():
    reviews = [
        Review(id=str(i), rating=5, text=text, translation=None, date="2025-01-01", country="CN")
        for i, text in enumerate(
            ["很好很好很好", "مرحبا بالعالم الجميل جدا", "🔥🔥🔥🔥🔥", "\u202e\u0000 odd", "", "x" * 4000, "ไทย ไทย ไทย ไทย ไทย"]
            * 5
        )
    ]
    analysis = heuristics.analyze(drill_listing(), NOW, reviews=ReviewSet(reviews=reviews), debug=True).reviews
    assert analysis.analyzed == 35


def test_rev002_quiet_on_one_buyer_reviewing_an_order_of_several_items():
    """Real: the 2024-01 capture's buyer M***r posted one text for three colours on one day."""
    from tests.support.constructed import legacy_review_page

    parsed = json.loads(read_text(REVIEWS / "reviews_4000927436411_2024-01_oldHTMLparsed.json"))
    for review in parsed:
        review.setdefault("user", review.get("user_name"))
    review_set = parse_pages([legacy_review_page(parsed)])
    assert sum(1 for r in review_set.reviews if r.text.startswith("Ideal for model making")) == 3
    assert heuristics.review_tests.duplicate_test(review_set.reviews, heuristics.DEFAULTS).flagged == frozenset()


def test_each_review_test_is_named_by_the_rule_that_reports_it():
    """One name for each thing: the panel shows a test's name and links to its rule."""
    from heuristics.review_tests import analyze_reviews

    listing = ALIEXPRESS.extract(PageInput(url=PAGE_URLS[F2020.name], html=read_text(F2020))).listing
    review_set = ALIEXPRESS.parse_review_pages([json.loads(read_text(REVIEWS / "reviews_1005006717259012_2024-09.json"))])
    analysis = analyze_reviews(review_set, listing, heuristics.DEFAULTS)
    assert [(test["code"], test["name"]) for test in analysis.to_dict()["tests"]] == [
        (code, heuristics.RULES[code].title) for code in analysis.tests
    ]
    assert analysis.to_dict()["tests"][0]["name"] == "Unnatural rating distribution"
