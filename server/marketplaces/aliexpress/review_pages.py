"""AliExpress review pages, read into a :class:`heuristics.model.ReviewSet`.

Accepted (tests/fixtures/reviews/README.md; docs/sources.md, "The review feed"):

- pages of the live feed ``feedback.aliexpress.com/pc/searchEvaluation.do``:
  ``{"data": {"evaViewList": [...], "productEvaluationStatistic": {...}, "totalNum", "totalPage"}}``,
  as JSON or as its text;
- the capture wrapper ``{"reviews": [...], "evaluation_stats": {...}}`` of the same objects;
- the retired review HTML page ``feedback.aliexpress.com/display/productEvaluation.htm``.

Reviews are de-duplicated by ``evaluationIdStr`` (one real capture repeats 14 items); ids stay
strings. Every field is read defensively: a review page is as untrusted as a listing page.
"""

from __future__ import annotations

import hashlib
import re

from selectolax.lexbor import LexborHTMLParser

from heuristics.model import FollowUp, Rating, Review, ReviewSet

from ... import textparse
from ..problems import BadReviewPage
from .embedded import NotJSON, decode_body
from .shared import as_bool, as_dict, as_id, as_int, as_list, as_text, rating_from_summary

MAX_REVIEW_CHARS = 4000  # longer texts are cut: no review needs more to be judged


def _clip(text) -> str:
    value = as_text(text) or ""
    return value[:MAX_REVIEW_CHARS]


def _date(text) -> str | None:
    date = textparse.parse_english_date(as_text(text))
    return date.isoformat() if date else None


def review_from_feed(item: dict) -> Review | None:
    review_id = as_id(item.get("evaluationIdStr")) or as_id(item.get("evaluationId"))
    if review_id is None:
        return None
    stars = as_int(item.get("buyerEval"), maximum=100)
    rating = stars // 20 if stars and stars % 20 == 0 and 20 <= stars <= 100 else None
    text = _clip(item.get("buyerFeedback"))
    translation = _clip(item.get("buyerTranslationFeedback")) or None
    follow_text = _clip(item.get("buyerAddFbContent"))
    follow_up = None
    if follow_text:
        follow_up = FollowUp(
            days=as_int(item.get("buyerAddFbDays"), maximum=textparse.MAX_DAYS),
            text=follow_text,
            translation=_clip(item.get("buyerAddFbTranslation")) or None,
        )
    country = as_text(item.get("buyerCountry"))
    imported = any(as_bool(item.get(key)) for key in ("thirdParty", "independentSite", "trendyol"))
    return Review(
        id=review_id,
        rating=rating,
        text=text,
        translation=translation if translation != text else None,
        date=_date(item.get("evalDate")),
        country=country if country and re.fullmatch(r"[A-Z]{2}", country) else None,
        variant=as_text(item.get("skuInfo")),
        images=len(as_list(item.get("images"))),
        follow_up=follow_up,
        selected=as_bool(item.get("selectedReview")),
        ai_generated=as_bool(item.get("aigc")),
        imported=imported or (False if any(key in item for key in ("thirdParty", "independentSite", "trendyol")) else None),
        anonymous=as_bool(item.get("anonymous")),
        buyer=as_text(item.get("buyerName")),
    )


def _legacy_reviews(html: str) -> list[Review]:
    """The retired productEvaluation.htm page (docs/sources.md, "The review feed"; no raw capture survives, the
    selectors are scrapers'). Its reviews carry no ids, so one is made from their content."""
    tree = LexborHTMLParser(html)
    reviews = []
    for position, item in enumerate(tree.css(".feedback-item")):
        star = item.css_first(".star-view > span")
        width = re.search(r"width:\s*(\d+)%", (star.attributes.get("style") or "") if star else "")
        rating = (
            int(width.group(1)) // 20 if width and int(width.group(1)) % 20 == 0 and 20 <= int(width.group(1)) <= 100 else None
        )
        spans = item.css("dt.buyer-feedback > span")
        text = _clip(spans[0].text()) if spans else ""
        posted = spans[1].text() if len(spans) > 1 else None
        order = {}
        for part in item.css("div.user-order-info > span"):
            label = part.css_first("strong")
            name = (label.text() if label else "").strip().rstrip(":")
            order[name] = part.text().replace(label.text() if label else "", "").strip()
        user = item.css_first(".user-name > a") or item.css_first(".user-name")
        country = item.css_first(".user-country b")
        country_code = (country.text().strip().upper() if country else "") or None
        # The same buyer, minute and words is the same review shown twice (the 2024-01 capture has
        # one three times). Without words, masked names ("К***") collide, so the position on the
        # page tells such ratings apart.
        identity = (
            f"{'' if text else position}|{user.text() if user else ''}|{posted}|{rating}|{text}|{sorted(order.items())}".encode()
        )
        reviews.append(
            Review(
                id="legacy-" + hashlib.sha1(identity).hexdigest()[:16],
                rating=rating,
                text=text,
                date=_date(posted),
                country=country_code if country_code and re.fullmatch(r"[A-Z]{2}", country_code) else None,
                variant=" ".join(f"{name}:{value}" for name, value in order.items() if name.lower() != "logistics") or None,
                images=len(item.css(".pic-view-item img")),
                buyer=(user.text().strip() or None) if user else None,
            )
        )
    return reviews


def _page_parts(page, index: int) -> tuple[list[Review], Rating | None, str]:
    if isinstance(page, str) and page.lstrip().startswith("<"):
        if "feedback-item" not in page:
            raise BadReviewPage(
                f"reviews[{index}] is HTML but not AliExpress's review page (no .feedback-item).", field=f"reviews[{index}]"
            )
        return _legacy_reviews(page), None, "legacy-html"
    try:
        page = decode_body(page)
    except NotJSON as exc:
        raise BadReviewPage(f"reviews[{index}]: {exc}.", field=f"reviews[{index}]") from None
    if isinstance(page, dict) and isinstance(page.get("data"), dict) and "evaViewList" in page["data"]:
        data = page["data"]
        items, stats, total = (
            as_list(data.get("evaViewList")),
            as_dict(data.get("productEvaluationStatistic")),
            data.get("totalNum"),
        )
    elif isinstance(page, dict) and isinstance(page.get("reviews"), list):
        items, stats = page["reviews"], as_dict(page.get("evaluation_stats"))
        total = stats.get("totalNum")
    else:
        raise BadReviewPage(
            f"reviews[{index}] is not a page of AliExpress's review feed (expected data.evaViewList).",
            field=f"reviews[{index}]",
        )
    statistics = None
    if stats:
        statistics = rating_from_summary({**stats, "totalValidNum": stats.get("totalNum", total)})
    reviews = [review for review in (review_from_feed(item) for item in items if isinstance(item, dict)) if review]
    return reviews, statistics, "feed"


def parse_pages(pages) -> ReviewSet:
    review_set = ReviewSet()
    seen: set[str] = set()
    sources = set()
    for index, page in enumerate(pages):
        reviews, statistics, source = _page_parts(page, index)
        sources.add(source)
        review_set.pages += 1
        if statistics and review_set.statistics is None:
            review_set.statistics = statistics
        for review in reviews:
            if review.id in seen:
                review_set.duplicates_dropped += 1
                continue
            seen.add(review.id)
            review_set.reviews.append(review)
    review_set.source = "+".join(sorted(sources)) or "feed"
    return review_set
