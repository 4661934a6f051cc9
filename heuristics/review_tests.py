"""The review tests, ReviewMeta style: each is explained, says what sample it rests on, and flags
the reviews it finds suspicious; an adjusted rating down-weights those reviews.

Know the sample. The feed's first pages are chosen and ordered by AliExpress (its "selected"
reviews first, often from the viewer's own country), so a 60-review sample can be nearly all
5 stars while the product's own statistics say 89%. Distribution tests therefore use the
platform's statistics for all reviews; sample-based tests say what they rest on, and the
adjusted rating is called weak when the sample is small or curated.

Everything here is linear or near-linear in the number of reviews: duplicate texts are found
through an inverted index of word shingles, so only reviews that share a shingle are compared.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Mapping

from . import lexicon
from .model import Listing, Rating, Review, ReviewSet
from .registry import RULES

PASS, WARN, FAIL, SKIPPED = "pass", "warn", "fail", "skipped"


@dataclass
class ReviewTest:
    """One test's result. It is reported by the rule of the same code, whose title is its name."""

    code: str
    status: str  # pass | warn | fail | skipped
    basis: str  # the sample the result rests on, in words
    evidence: dict = field(default_factory=dict)
    flagged: frozenset = frozenset()  # ids of the reviews this test finds suspicious

    @property
    def name(self) -> str:
        return RULES[self.code].title

    def to_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "status": self.status, "basis": self.basis,
                "evidence": dict(self.evidence), "flagged": len(self.flagged)}


@dataclass
class ReviewAnalysis:
    analyzed: int
    basis: dict
    tests: dict[str, ReviewTest]
    suspicious: int
    shown_rating: float | None
    sample_average: float | None
    adjusted_rating: float | None
    rests_on: int
    strength: str  # weak | moderate | strong: how far the conclusions can be trusted

    def to_dict(self) -> dict:
        return {
            "analyzed": self.analyzed,
            "basis": dict(self.basis),
            "shown_rating": self.shown_rating,
            "sample_average": self.sample_average,
            "adjusted_rating": self.adjusted_rating,
            "rests_on": self.rests_on,
            "suspicious": self.suspicious,
            "strength": self.strength,
            "tests": [test.to_dict() for test in self.tests.values()],
        }


# --- text ----------------------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str | None) -> list[str]:
    if not text:
        return []
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _shingles(tokens: list[str], size: int) -> frozenset:
    return frozenset(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def _stem(token: str, t) -> str:
    """A crude stem that works across inflected languages: the first letters."""
    return token[: t["reviews_stem_letters"]]


# --- the tests -----------------------------------------------------------------------------


def _poisson_tail(k: int, lam: float) -> float:
    """P(X >= k) for X ~ Poisson(lam)."""
    if k <= 0:
        return 1.0
    term = math.exp(-lam)
    cumulative = term
    for i in range(1, k):
        term *= lam / i
        cumulative += term
    return max(0.0, 1.0 - cumulative)


def distribution_test(statistics: Rating | None, sample_histogram: dict, t) -> ReviewTest:
    """REV001: the star distribution against the usual J-curve, on all the product's reviews."""
    histogram, basis = None, None
    if statistics and statistics.histogram and statistics.count:
        histogram, basis = statistics.histogram, f"AliExpress's statistics for all {statistics.count} reviews"
    elif sum(sample_histogram.values()) >= t["reviews_distribution_min"]:
        histogram, basis = sample_histogram, f"the {sum(sample_histogram.values())} reviews read"
    if not histogram:
        return ReviewTest("REV001", SKIPPED, "no star counts for the product")
    total = sum(histogram.values())
    if total < t["reviews_distribution_min"]:
        return ReviewTest("REV001", SKIPPED, f"{basis}: too few to judge a distribution", {"count": total})
    shares = {star: round(histogram.get(star, 0) / total, 3) for star in "12345"}
    evidence = {"count": total, "shares": shares}
    if shares["5"] >= t["reviews_perfect_share"] and total >= t["reviews_perfect_min"]:
        return ReviewTest("REV001", FAIL, basis, {**evidence, "pattern": "too perfect"})
    spread = max(shares.values()) - min(shares.values())
    if spread <= t["reviews_flat_spread"]:
        return ReviewTest("REV001", FAIL, basis, {**evidence, "pattern": "too uniform"})
    if shares["1"] + shares["2"] == 0 and total >= t["reviews_no_low_end_min"]:
        return ReviewTest("REV001", WARN, basis, {**evidence, "pattern": "no 1- or 2-star reviews"})
    return ReviewTest("REV001", PASS, basis, evidence)


def _same_order(a, b) -> bool:
    """One buyer reviewing several items of one order the same day repeats one text for each
    (the 2024-01 capture: "M***r", three colours, one text): that is not copying."""
    return bool(a.buyer and a.buyer == b.buyer and a.date and a.date == b.date)


def _shingled_texts(reviews, t) -> list[tuple[int, bool, frozenset]]:
    """``(review index, is a translation, shingles)`` for every text long enough to compare."""
    size, documents = t["reviews_shingle_words"], []
    for index, review in enumerate(reviews):
        original = words(review.text)
        if len(original) >= t["reviews_duplicate_min_words"]:
            documents.append((index, False, _shingles(original, size)))
        translated = words(review.translation)
        if review.translation and translated != original and len(translated) >= t["reviews_duplicate_min_words"]:
            documents.append((index, True, _shingles(translated, size)))
    return documents


def _pairs_sharing_a_shingle(documents, t) -> set[tuple[int, int]]:
    """Pairs of documents that share a shingle, from an inverted index: only these can be alike."""
    postings: dict[tuple, list[int]] = defaultdict(list)
    for doc, (_, _, shingles) in enumerate(documents):
        for shingle in shingles:
            postings[shingle].append(doc)
    candidates: set[tuple[int, int]] = set()
    for docs in postings.values():
        if len(docs) > t["reviews_shingle_max_postings"]:
            continue  # a stock phrase shared by many reviews says nothing about any pair
        candidates.update((a, b) for i, a in enumerate(docs) for b in docs[i + 1 :])
    return candidates


def _copied_groups(reviews, documents, candidates, t) -> list[list[int]]:
    """Groups of reviews linked by near-identical texts (union-find over the alike pairs)."""
    parent = list(range(len(reviews)))

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in candidates:
        (ra, ta, sa), (rb, tb, sb) = documents[a], documents[b]
        if ra == rb or (ta and tb) or _same_order(reviews[ra], reviews[rb]):
            continue
        if len(sa & sb) / len(sa | sb) >= t["reviews_near_duplicate_jaccard"]:
            parent[root(ra)] = root(rb)
    groups = defaultdict(list)
    for index in range(len(reviews)):
        groups[root(index)].append(index)
    return [members for members in groups.values() if len(members) > 1]


def duplicate_test(reviews, t) -> ReviewTest:
    """REV002: the same or nearly the same text in several reviews (word shingles, inverted index).

    Each review is compared by its buyer's own words; a review's words are also compared with
    other reviews' translations, so one text posted in two languages is caught, but two
    translations are never compared with each other (machine translation makes texts alike).
    """
    documents = _shingled_texts(reviews, t)
    candidates = _pairs_sharing_a_shingle(documents, t)
    groups = _copied_groups(reviews, documents, candidates, t)
    flagged = frozenset(reviews[i].id for members in groups for i in members)
    with_text = sum(1 for r in reviews if len(words(r.text)) >= t["reviews_duplicate_min_words"])
    basis = f"the {with_text} reviews read with {t['reviews_duplicate_min_words']} or more words"
    evidence = {"with_text": with_text, "duplicated": len(flagged), "groups": len(groups),
                "largest_group": max((len(g) for g in groups), default=0), "compared_pairs": len(candidates)}
    if with_text < 2:
        return ReviewTest("REV002", SKIPPED, basis, evidence)
    share = len(flagged) / with_text
    evidence["share"] = round(share, 2)
    failed = share >= t["reviews_duplicate_share"] and len(flagged) >= t["reviews_duplicate_min_flagged"]
    return ReviewTest("REV002", FAIL if failed else WARN if flagged else PASS, basis, evidence, flagged)


def _burst_limit(rate: float, t) -> int:
    """The smallest count a day would reach by chance less often than ``reviews_burst_p`` (ReviewMeta)."""
    limit = t["reviews_burst_day_min"]
    while _poisson_tail(limit, rate) >= t["reviews_burst_p"]:
        limit += 1
    return limit


def burst_test(reviews, t) -> ReviewTest:
    """REV003: many reviews on a few days, against the sample's own daily rate (Poisson)."""
    dates = [dt.date.fromisoformat(r.date) for r in reviews if r.date]
    if len(dates) < t["reviews_burst_min"]:
        return ReviewTest("REV003", SKIPPED, f"only {len(dates)} dated reviews read")
    span = (max(dates) - min(dates)).days + 1
    rate = len(dates) / span
    limit = _burst_limit(rate, t)
    burst_days = {day: count for day, count in Counter(dates).items() if count >= limit}
    flagged = frozenset(r.id for r in reviews if r.date and dt.date.fromisoformat(r.date) in burst_days)
    share = len(flagged) / len(dates)
    basis = f"{len(dates)} dated reviews read, {min(dates)} to {max(dates)}"
    evidence = {"dated": len(dates), "days": span, "per_day": round(rate, 2), "burst_limit": limit,
                "burst_days": {day.isoformat(): count for day, count in sorted(burst_days.items())}, "share": round(share, 2)}
    failed = share >= t["reviews_burst_share"] and len(flagged) >= t["reviews_burst_min_flagged"]
    # Only a failed test down-weights reviews: one busy day is worth reporting, not discounting.
    return ReviewTest(
        "REV003", FAIL if failed else WARN if burst_days else PASS, basis, evidence, flagged if failed else frozenset()
    )


def _is_short_or_stock(review: Review, t) -> bool:
    return (
        len(words(review.text)) < t["reviews_short_words"]
        or lexicon.is_generic(review.text)
        or lexicon.is_generic(review.translation or "")
    )


def generic_test(reviews, t) -> ReviewTest:
    """REV004: very short or stock texts ("good", "все отлично") among the reviews with text."""
    with_text = [r for r in reviews if r.text.strip()]
    flagged = frozenset(r.id for r in with_text if _is_short_or_stock(r, t))
    basis = f"the {len(with_text)} reviews read that have text"
    if len(with_text) < t["reviews_generic_min"]:
        return ReviewTest("REV004", SKIPPED, basis, {"with_text": len(with_text)})
    share = len(flagged) / len(with_text)
    evidence = {"with_text": len(with_text), "short_or_stock": len(flagged), "share": round(share, 2)}
    failed = share >= t["reviews_generic_share"]
    return ReviewTest("REV004", FAIL if failed else PASS, basis, evidence, flagged if failed else frozenset())


def country_test(reviews, viewer_country: str | None, t) -> ReviewTest:
    """REV005: one buyer country far beyond what the feed's own filtering explains.

    The feed favours the viewer's own country, so a dominant viewer country is expected and
    never flagged; a dominant *other* country is a weak signal of reviews bought in one place.
    """
    countries = Counter(r.country for r in reviews if r.country)
    total = sum(countries.values())
    basis = f"the {total} reviews read that name a country" + (f" (viewer in {viewer_country})" if viewer_country else "")
    if total < t["reviews_country_min"]:
        return ReviewTest("REV005", SKIPPED, basis, {"with_country": total})
    top, count = countries.most_common(1)[0]
    share = count / total
    evidence = {
        "top_country": top,
        "share": round(share, 2),
        "countries": dict(countries.most_common(5)),
        "viewer_country": viewer_country,
    }
    failed = share >= t["reviews_country_share"] and top != viewer_country
    return ReviewTest("REV005", FAIL if failed else PASS, basis, evidence)


def follow_up_test(reviews, t) -> ReviewTest:
    """REV006: follow-ups that turn negative ("stopped working after two weeks")."""
    follow_ups = [r for r in reviews if r.follow_up and r.follow_up.text.strip()]
    negative = [r for r in follow_ups
                if lexicon.negative_follow_up(r.follow_up.text) or lexicon.negative_follow_up(r.follow_up.translation or "")]
    basis = f"the {len(follow_ups)} follow-ups among the {len(reviews)} reviews read"
    examples = [{"rating": r.rating, "days_later": r.follow_up.days, "text": _quote(r.follow_up.translation or r.follow_up.text)}
                for r in negative[:3]]
    evidence = {"follow_ups": len(follow_ups), "negative": len(negative), "examples": examples}
    if not follow_ups:
        return ReviewTest("REV006", SKIPPED, basis, evidence)
    return ReviewTest("REV006", FAIL if negative else PASS, basis, evidence)


def _title_stems(title: str | None, t) -> set[str]:
    """The stems of the title's content words: long enough, no numbers, no stop words."""
    return {
        _stem(token, t)
        for token in words(title)
        if len(token) >= t["reviews_title_word_letters"]
        and not any(ch.isdigit() for ch in token)
        and not lexicon.is_stopword(token)
    }


def _variant_stems(name: str | None, t) -> set[str]:
    return {_stem(token, t) for token in words(name) if len(token) >= t["reviews_variant_word_letters"]}


def switched_listing_test(reviews, listing: Listing, t) -> ReviewTest:
    """REV007: reviews that describe another product than the title (a switched listing).

    A review "mentions the product" when one of its words (original or translation) shares a
    stem with a title word; variant names bought (skuInfo) are compared with today's variants.
    """
    title = _title_stems(listing.title, t)
    substantive = [r for r in reviews if len(words(r.text)) >= t["reviews_substantive_words"]]
    basis = (f"the {len(substantive)} reviews read with {t['reviews_substantive_words']} or more words, "
             f"against {len(title)} title words")
    if len(title) < t["reviews_switch_title_words"] or len(substantive) < t["reviews_switch_min"]:
        return ReviewTest("REV007", SKIPPED, basis, {"title_words": len(title), "substantive": len(substantive)})
    mentioning = {r.id for r in substantive if title & {_stem(w, t) for w in words(r.text) + words(r.translation)}}
    share = len(mentioning) / len(substantive)
    variant_names = set().union(*(_variant_stems(v.name, t) for v in listing.variants))
    bought = [r for r in reviews if r.variant]
    matching_variants = [r for r in bought if variant_names & _variant_stems(r.variant, t)]
    variant_share = round(len(matching_variants) / len(bought), 2) if bought and variant_names else None
    evidence = {"substantive": len(substantive), "mentioning_title": len(mentioning), "share": round(share, 2),
                "variant_match_share": variant_share}
    if share < t["reviews_switch_share"]:
        return ReviewTest("REV007", FAIL, basis, evidence, frozenset(r.id for r in substantive if r.id not in mentioning))
    return ReviewTest("REV007", PASS, basis, evidence)


def rating_only_test(reviews, t) -> ReviewTest:
    """REV008: reviews with stars and no words."""
    basis = f"the {len(reviews)} reviews read"
    if len(reviews) < t["reviews_rating_only_min"]:
        return ReviewTest("REV008", SKIPPED, basis, {"reviews": len(reviews)})
    empty = [r for r in reviews if not r.text.strip()]
    share = len(empty) / len(reviews)
    evidence = {"reviews": len(reviews), "without_text": len(empty), "share": round(share, 2)}
    return ReviewTest("REV008", FAIL if share >= t["reviews_rating_only_share"] else PASS, basis, evidence)


def platform_marks_test(reviews, t) -> ReviewTest:
    """REV009: what AliExpress itself says about its reviews, reported as it says it."""
    imported = frozenset(r.id for r in reviews if r.imported)
    generated = frozenset(r.id for r in reviews if r.ai_generated)
    evidence = {
        "reviews": len(reviews),
        "selected_by_aliexpress": sum(1 for r in reviews if r.selected),
        "imported_from_other_sites": len(imported),
        "ai_generated": len(generated),
        "anonymous": sum(1 for r in reviews if r.anonymous),
    }
    basis = f"AliExpress's own marks on the {len(reviews)} reviews read"
    if not reviews:
        return ReviewTest("REV009", SKIPPED, basis, evidence)
    share = len(imported | generated) / len(reviews)
    evidence["imported_or_generated_share"] = round(share, 2)
    return ReviewTest("REV009", FAIL if share >= t["reviews_marked_share"] else PASS, basis, evidence, imported | generated)


# --- the whole analysis: run the tests, weigh each review, say how far it can be trusted ----

QUOTE_CHARS = 160  # a follow-up quoted in the evidence is cut to about two lines of the panel


def _quote(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run_tests(review_set: ReviewSet, listing: Listing, t: Mapping) -> dict[str, ReviewTest]:
    reviews = review_set.reviews
    rated = [r for r in reviews if r.rating]
    sample_histogram = {star: sum(1 for r in rated if str(r.rating) == star) for star in "12345"}
    tests = [
        distribution_test(review_set.statistics, sample_histogram, t),
        duplicate_test(reviews, t),
        burst_test(reviews, t),
        generic_test(reviews, t),
        country_test(reviews, listing.locale.country, t),
        follow_up_test(reviews, t),
        switched_listing_test(reviews, listing, t),
        rating_only_test(reviews, t),
        platform_marks_test(reviews, t),
    ]
    return {test.code: test for test in tests}


def suspicious_reviews(tests: dict[str, ReviewTest]) -> tuple[frozenset, frozenset]:
    """The ids of the reviews to discard (in a duplicate group, a burst, or marked as imported or
    AI-written by AliExpress) and of those to count for less (very short or stock texts)."""
    discarded = tests["REV002"].flagged | tests["REV003"].flagged | tests["REV009"].flagged
    return discarded, tests["REV004"].flagged - discarded


def review_weights(rated, discarded: frozenset, down_weighted: frozenset, t) -> list[float]:
    """What each rated review counts for in the adjusted rating, ReviewMeta style."""
    return [0.0 if r.id in discarded else t["reviews_stock_text_weight"] if r.id in down_weighted else 1.0 for r in rated]


def strength(rests_on: int, sample: int, curated: int, t) -> str:
    """How far conclusions from the sample can be trusted: weak when few reviews remain or when
    AliExpress hand-picked much of the sample, moderate, or strong."""
    if rests_on < t["reviews_weak_below"] or (sample and curated / sample >= t["reviews_curated_share"]):
        return "weak"
    return "moderate" if rests_on < t["reviews_strong_from"] else "strong"


def sample_basis(review_set: ReviewSet, curated: int, strength_of_sample: str) -> dict:
    """What the sample is, in numbers and one sentence, for the report."""
    reviews, statistics = review_set.reviews, review_set.statistics
    dates = sorted(r.date for r in reviews if r.date)
    if strength_of_sample == "weak" and curated:
        note = ("The feed's first pages are chosen and ordered by AliExpress; most of these reviews are its own "
                "selection, so conclusions from them are weak.")
    elif strength_of_sample == "weak":
        note = "Few reviews were read, so conclusions from them are weak."
    else:
        note = "A sample of the product's reviews, as the feed served it."
    return {
        "sample": len(reviews),
        "pages": review_set.pages,
        "source": review_set.source,
        "duplicates_dropped": review_set.duplicates_dropped,
        "selected_by_aliexpress": curated,
        "with_text": sum(1 for r in reviews if r.text.strip()),
        "countries": dict(Counter(r.country for r in reviews if r.country).most_common(5)),
        "dated_from": dates[0] if dates else None,
        "dated_to": dates[-1] if dates else None,
        "statistics_total": statistics.count if statistics else None,
        "note": note,
    }


def analyze_reviews(review_set: ReviewSet, listing: Listing, t: Mapping) -> ReviewAnalysis:
    """The tests, the weight of each review, the adjusted rating and how far it can be trusted."""
    reviews = review_set.reviews
    tests = run_tests(review_set, listing, t)
    discarded, down_weighted = suspicious_reviews(tests)
    rated = [r for r in reviews if r.rating]
    weights = review_weights(rated, discarded, down_weighted, t)
    weight_sum = sum(weights)
    curated = sum(1 for r in reviews if r.selected)
    rests_on = sum(1 for weight in weights if weight > 0)
    how_strong = strength(rests_on, len(reviews), curated, t)
    statistics = review_set.statistics
    return ReviewAnalysis(
        analyzed=len(reviews),
        basis=sample_basis(review_set, curated, how_strong),
        tests=tests,
        suspicious=len(discarded | down_weighted),
        shown_rating=statistics.average if statistics and statistics.average is not None else listing.rating.average,
        sample_average=round(sum(r.rating for r in rated) / len(rated), 2) if rated else None,
        adjusted_rating=round(sum(w * r.rating for w, r in zip(weights, rated)) / weight_sum, 2) if weight_sum else None,
        rests_on=rests_on,
        strength=how_strong,
    )
