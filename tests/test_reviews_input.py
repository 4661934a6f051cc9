"""Reading review pages: the live feed envelope, the capture wrapper, the retired HTML page."""

from __future__ import annotations

import json

import pytest

from server.marketplaces.aliexpress.review_pages import parse_pages
from server.marketplaces.problems import BadReviewPage
from tests.support.constructed import legacy_review_page, parsed_csv_reviews
from tests.support.fixtures import REVIEWS, live_review_page, read_text


def test_live_envelope_pages_are_read_and_deduplicated():
    capture = REVIEWS / "reviews_1005006717259012_2024-09.json"
    pages = [live_review_page(capture, n) for n in (1, 2, 3)] + [live_review_page(capture, 1)]
    review_set = parse_pages(pages)
    assert (len(review_set.reviews), review_set.duplicates_dropped, review_set.pages) == (60, 20, 4)
    assert review_set.statistics.count == 494 and review_set.statistics.histogram["5"] == 439
    first = review_set.reviews[0]
    assert (first.id, first.rating, first.country, first.date) == ("30072011607750988", 4, "US", "2024-04-25")
    assert first.text.startswith("Патрон") and first.translation.startswith("The cartridge")
    assert first.variant == "Color:1PC 2.0Ah Battery Plug Type:EU Ships From:CHINA"


def test_ids_stay_exact_strings_and_a_repeating_capture_is_deduplicated():
    review_set = parse_pages([json.loads(read_text(REVIEWS / "reviews_1005006717259012_2025-10b.json"))])
    assert (len(review_set.reviews), review_set.duplicates_dropped) == (46, 14)
    assert all(review.id.isdigit() and len(review.id) == 17 for review in review_set.reviews)


def test_follow_ups_and_platform_marks():
    review_set = parse_pages([json.loads(read_text(REVIEWS / "reviews_1005006717259012_2024-09.json"))])
    follow = [r for r in review_set.reviews if r.follow_up]
    assert len(follow) == 3 and {r.follow_up.days for r in follow} == {0, 8, 92}
    assert sum(1 for r in review_set.reviews if r.selected) == 59


@pytest.mark.parametrize(
    "name", ["reviews_4000927436411_2023-06_oldHTMLparsed.json", "reviews_4000927436411_2024-01_oldHTMLparsed.json"]
)
def test_the_retired_review_html_page(name):
    """Constructed page (tests/constructed.py) from a scraper's real parse of the retired page."""
    parsed = json.loads(read_text(REVIEWS / name))
    for review in parsed:
        review.setdefault("user", review.get("user_name"))
    review_set = parse_pages([legacy_review_page(parsed)])
    assert review_set.source == "legacy-html" and len(review_set.reviews) == len(parsed) == 20
    first = review_set.reviews[0]
    assert first.rating == int(parsed[0]["stars"]) and first.text == parsed[0]["text"].strip()
    assert first.date == "2023-06-01" if name.endswith("2023-06_oldHTMLparsed.json") else first.date == "2024-01-09"
    assert first.variant.startswith("Color:")


def test_the_csv_reviews_through_the_retired_page():
    """Constructed page from the third-party CSV's real rows."""
    review_set = parse_pages(
        [legacy_review_page(parsed_csv_reviews(read_text(REVIEWS / "reviews_4000155832668_2022-03_parsed.csv")))]
    )
    assert [r.country for r in review_set.reviews] == ["PE", "RU", "RU", "RU", "CZ", "DE", "KR"]
    assert sum(1 for r in review_set.reviews if not r.text) == 5


@pytest.mark.parametrize(
    "page, fragment",
    [
        ("<html><body>nothing here</body></html>", "not AliExpress's review page"),
        ('{"data": {"items": []}}', "expected data.evaViewList"),
        ('{"data": {"evaViewList": [', "not JSON"),
        (["a", "list"], "expected data.evaViewList"),
    ],
)
def test_pages_that_are_not_review_pages_are_refused(page, fragment):
    with pytest.raises(BadReviewPage) as raised:
        parse_pages([page])
    assert fragment in raised.value.message


def test_wrong_types_inside_review_items_are_read_as_missing():
    page = {"data": {"evaViewList": [
        {"evaluationIdStr": "1", "buyerEval": "100", "buyerFeedback": 5, "evalDate": 7, "buyerCountry": "Russia", "images": "x"},
        {"evaluationIdStr": "2", "buyerEval": 99, "buyerFeedback": ["x"], "buyerAddFbContent": {"a": 1}},
        {"evaluationId": None},
        "not a review",
    ]}}
    review_set = parse_pages([page])
    assert [(r.id, r.rating, r.text, r.date, r.country, r.images) for r in review_set.reviews] == [
        ("1", 5, "5", None, None, 0), ("2", None, "", None, None, 0)]
