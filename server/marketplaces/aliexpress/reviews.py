"""Pages of AliExpress's review feed (``feedback.aliexpress.com/pc/searchEvaluation.do``).

Accepted shapes (fixtures/aliexpress/reviews/README.md): the live envelope
``{"data": {"evaViewList": [...], "productEvaluationStatistic": {...}, "totalNum", "totalPage"}}``,
and the capture wrapper ``{"reviews": [...], "evaluation_stats": {...}}``. Reviews are
de-duplicated by ``evaluationIdStr`` (one real capture repeats 12 of them); ids stay strings.
Judging the reviews is the review rules' job; this module only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from heuristics.model import Rating

from ...errors import BadInput
from .embedded import NotJSON, decode_body
from .shared import as_int, rating_from_summary


@dataclass
class ReviewSample:
    reviews: list[dict] = field(default_factory=list)
    statistics: dict | None = None
    pages: int = 0
    duplicates: int = 0
    total: int | None = None

    @property
    def rating(self) -> Rating:
        """The product's own star split, which the platform computes over all its reviews."""
        return rating_from_summary({**(self.statistics or {}), "totalValidNum": self.total}) if self.statistics else Rating()


def _page_parts(page, index: int) -> tuple[list, dict | None, int | None]:
    try:
        page = decode_body(page)
    except NotJSON as exc:
        raise BadInput("bad_reviews", f"reviews[{index}]: {exc}.", status=422) from None
    if isinstance(page, dict) and isinstance(page.get("data"), dict) and "evaViewList" in page["data"]:
        data = page["data"]
        stats = data.get("productEvaluationStatistic")
        return data.get("evaViewList") or [], stats if isinstance(stats, dict) else None, as_int(data.get("totalNum"))
    if isinstance(page, dict) and "reviews" in page and isinstance(page["reviews"], list):
        stats = page.get("evaluation_stats")
        stats = stats if isinstance(stats, dict) else None
        return page["reviews"], stats, as_int((stats or {}).get("totalNum"))
    raise BadInput(
        "bad_reviews",
        f"reviews[{index}] is not a page of AliExpress's review feed (expected data.evaViewList).",
        status=422,
    )


def parse_pages(pages) -> ReviewSample:
    sample = ReviewSample()
    seen: set[str] = set()
    for index, page in enumerate(pages):
        items, stats, total = _page_parts(page, index)
        sample.pages += 1
        if stats and sample.statistics is None:
            sample.statistics = stats
        if total is not None and sample.total is None:
            sample.total = total
        for item in items:
            if not isinstance(item, dict):
                continue
            review_id = str(item.get("evaluationIdStr") or item.get("evaluationId") or "")
            if review_id and review_id in seen:
                sample.duplicates += 1
                continue
            if review_id:
                seen.add(review_id)
            sample.reviews.append(item)
    return sample
