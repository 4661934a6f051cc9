"""REV: what the reviews read for a listing show (heuristics/review_tests.py runs the tests once).

Each rule turns one test's result into a finding; every message says what sample it rests on.
"""

from __future__ import annotations

from ..model import Confidence, Severity, risk
from ..registry import rule
from ..review_tests import FAIL, WARN


def review_test_rule(code: str, title: str, *, statuses=(FAIL,)):
    """Register ``explain(test, analysis, thresholds)`` as the rule that speaks for review test
    ``code``: it is asked for a finding only when that test ran and ended in one of ``statuses``.
    The test's name is the rule's title; its documentation is ``explain``'s docstring."""

    def register(explain):
        def check(listing, context):
            analysis = context.review_analysis
            test = analysis.tests.get(code) if analysis else None
            if test is None or test.status not in statuses:
                return None
            return explain(test, analysis, context.thresholds)

        check.__name__, check.__doc__ = explain.__name__, explain.__doc__
        rule(code, title)(check)
        return explain

    return register


def _sample_confidence(analysis, default: Confidence) -> Confidence:
    """A sample AliExpress hand-picked, or a small one, cannot support a confident conclusion."""
    return Confidence.LOW if analysis.strength == "weak" else default


@review_test_rule("REV001", "Unnatural rating distribution", statuses=(FAIL, WARN))
def rating_distribution(test, analysis, t):
    """**What.** On AliExpress's statistics for all the product's reviews (or, without them, the
    reviews read): {reviews_perfect_share:.0%} or more five stars from at least
    {reviews_perfect_min} ratings ("too perfect"), all star shares within
    {reviews_flat_spread:.0%} of each other ("too uniform"), or not one 1- or 2-star rating among
    {reviews_no_low_end_min}.

    **Why.** Genuine ratings form a J-curve: most at five stars, a tail at one. The 494-review drill
    of the fixtures: 88.9% five stars, 2.2% one star.

    **Evidence.** `count`, `shares`, `pattern`, `basis`.

    **Example.** 150 ratings, 149 of them five stars: medium / medium, +12.
    """
    shares = test.evidence["shares"]
    pattern = test.evidence["pattern"]
    if pattern == "too perfect":
        message = f"{shares['5']:.0%} of {test.evidence['count']} ratings are 5 stars: no real product pleases nearly everyone."
    elif pattern == "too uniform":
        message = (f"The {test.evidence['count']} ratings are spread almost evenly over 1 to 5 stars; genuine ratings "
                   "pile up at 5 with a tail at 1.")
    else:
        message = f"Not one 1- or 2-star rating among {test.evidence['count']}: unusual for so many buyers."
    severity = Severity.MEDIUM if test.status == FAIL else Severity.LOW
    return risk(severity, Confidence.MEDIUM if test.status == FAIL else Confidence.LOW, message,
                basis=test.basis, **test.evidence)


@review_test_rule("REV002", "Duplicate review texts", statuses=(FAIL, WARN))
def duplicate_texts(test, analysis, t):
    """**What.** Reviews whose texts are the same or nearly the same ({reviews_shingle_words}-word
    shingles overlapping by {reviews_near_duplicate_jaccard:.0%} or more), compared through an
    inverted index so only reviews that share a shingle are compared. A review's own words are
    also compared with other reviews' translations (one text posted in two languages), never two
    translations with each other (machine translation makes texts alike). Fails when
    {reviews_duplicate_share:.0%} of the texts (and at least {reviews_duplicate_min_flagged}) are
    in such groups; one pair is a warning.

    **Why.** Copied texts are the plainest sign of bought reviews.

    **Evidence.** `with_text`, `duplicated`, `groups`, `largest_group`, `compared_pairs`, `share`.

    **Example.** 8 of 40 texts in two groups: medium / high, +16.
    """
    evidence = test.evidence
    severity = Severity.MEDIUM if test.status == FAIL else Severity.LOW
    return risk(
        severity,
        Confidence.HIGH if test.status == FAIL else Confidence.MEDIUM,
        f"{evidence['duplicated']} of {evidence['with_text']} review texts are the same or nearly the same as another "
        f"({evidence['groups']} group{'s' if evidence['groups'] != 1 else ''}): copied reviews are a sign of bought ones.",
        basis=test.basis, **evidence,
    )


@review_test_rule("REV003", "Burst of reviews")
def review_burst(test, analysis, t):
    """**What.** Days with more reviews than the sample's own daily rate would give with a
    probability under {reviews_burst_p:g} (a Poisson test, as ReviewMeta's "high-volume days"),
    holding at least {reviews_burst_share:.0%} of the dated reviews (and at least
    {reviews_burst_min_flagged} reviews).

    **Why.** Bought reviews arrive in batches.

    **Evidence.** `dated`, `days`, `per_day`, `burst_limit`, `burst_days`, `share`.

    **Example.** 15 of 40 reviews on 2025-03-02 where the rate is 0.3 a day: medium / medium, +12.
    """
    evidence = test.evidence
    days = ", ".join(f"{day} ({count})" for day, count in evidence["burst_days"].items())
    return risk(
        Severity.MEDIUM,
        _sample_confidence(analysis, Confidence.MEDIUM),
        f"{evidence['share']:.0%} of the dated reviews read were posted on a few days ({days}), far above "
        f"this listing's own rate of {evidence['per_day']} a day.",
        basis=test.basis, **evidence,
    )


@review_test_rule("REV004", "Short or stock review texts")
def stock_texts(test, analysis, t):
    """**What.** At least {reviews_generic_share:.0%} of the reviews with text (of at least
    {reviews_generic_min}) are under {reviews_short_words} words or a stock phrase in any
    storefront language ("good", "все отлично", "excelente").

    **Why.** They say nothing about the product, and farms write them.

    **Evidence.** `with_text`, `short_or_stock`, `share`.

    **Example.** 30 of 40 texts "Отлично!" or "good": low / medium, +6.
    """
    evidence = test.evidence
    return risk(
        Severity.LOW,
        Confidence.MEDIUM,
        f"{evidence['short_or_stock']} of {evidence['with_text']} review texts are a few words or a stock phrase "
        "(\"good\", \"все отлично\"): they say nothing about the product.",
        basis=test.basis, **evidence,
    )


@review_test_rule("REV005", "Reviews from one country")
def one_country(test, analysis, t):
    """**What.** {reviews_country_share:.0%} or more of the reviews read (at least
    {reviews_country_min}) come from one country that is not the country the page was shown for.

    **Why.** The feed favours the viewer's own country, so that is never flagged. Reviews bought in
    one market look like this; so does a product popular in one market, hence low / low.

    **Evidence.** `top_country`, `share`, `countries`, `viewer_country`.

    **Example.** 60 of 60 reviews from RU on a page shown for US (the 2025-10a capture): low / low, +4.
    """
    evidence = test.evidence
    return risk(
        Severity.LOW,
        Confidence.LOW,
        f"{evidence['share']:.0%} of the reviews read come from {evidence['top_country']}, although the page was "
        f"shown for {evidence['viewer_country'] or 'another country'}: reviews bought in one place look like this, "
        "though a product popular in one market does too.",
        basis=test.basis, **evidence,
    )


@review_test_rule("REV006", "Follow-ups turning negative")
def negative_follow_ups(test, analysis, t):
    """**What.** Buyers who added to their review later (`buyerAddFb…`) report a failure: "stopped
    working", "began to fail", "сломался", "dejó de funcionar"…, in the translation or their own
    words.

    **Why.** Reviews are written on arrival; follow-ups show how the product lasts.

    **Evidence.** `follow_ups`, `negative`, `examples` (stars, days later, text). Medium severity
    for {reviews_negative_follow_ups_many} or more, or {reviews_negative_follow_ups_share:.0%} of
    follow-ups; low for fewer.

    **Example.** The 2024-09 drill capture: a 5-star review, 92 days later: "After a certain time
    began to fail…": medium / medium (1 of 3 follow-ups), +12.
    """
    evidence = test.evidence
    share = evidence["negative"] / max(1, evidence["follow_ups"])
    many = evidence["negative"] >= t["reviews_negative_follow_ups_many"] or share >= t["reviews_negative_follow_ups_share"]
    example = evidence["examples"][0]
    when = f" {example['days_later']} days later" if example["days_later"] else ""
    return risk(
        Severity.MEDIUM if many else Severity.LOW,
        Confidence.MEDIUM,
        f"{evidence['negative']} of {evidence['follow_ups']} buyers who added to their review came back with a problem, "
        f"e.g. a {example['rating']}-star review added{when}: \"{example['text']}\".",
        basis=test.basis, **evidence,
    )


@review_test_rule("REV007", "Reviews about another product")
def switched_listing(test, analysis, t):
    """**What.** Fewer than {reviews_switch_share:.0%} of the reviews with
    {reviews_substantive_words} or more words mention anything in the title (a word sharing its
    first {reviews_stem_letters} letters, in the review's words or its translation); confidence is
    high when fewer than {reviews_switch_variant_share:.0%} of the buyers bought a variant this
    listing still has.

    **Why.** A switched listing keeps the reviews of what it sold before.

    **Evidence.** `substantive`, `mentioning_title`, `share`, `variant_match_share`.

    **Example.** The 2020 iPhone page with the drill's 60 reviews: none mentions the iPhone:
    high / high, +32.
    """
    evidence = test.evidence
    bought = evidence["variant_match_share"]
    variants_differ = bought is not None and bought < t["reviews_switch_variant_share"]
    return risk(
        Severity.HIGH,
        Confidence.HIGH if variants_differ else Confidence.MEDIUM,
        f"Only {evidence['mentioning_title']} of {evidence['substantive']} reviews mention anything in the title"
        + (", and the variants they bought are not this listing's" if variants_differ else "")
        + ": the reviews may belong to another product (a switched listing).",
        basis=test.basis, **evidence,
    )


@review_test_rule("REV008", "Ratings without text")
def rating_only(test, analysis, t):
    """**What.** {reviews_rating_only_share:.0%} or more of the reviews read (at least
    {reviews_rating_only_min}) are stars without a word.

    **Why.** A rating without text cannot be checked, and is the cheapest kind to buy.

    **Evidence.** `reviews`, `without_text`, `share`.

    **Example.** The 2025-10b capture: 51 of 60 without text: low / high, +8.
    """
    evidence = test.evidence
    return risk(
        Severity.LOW,
        Confidence.HIGH,
        f"{evidence['without_text']} of {evidence['reviews']} reviews read are stars without a word: they cannot be checked.",
        basis=test.basis, **evidence,
    )


@review_test_rule("REV009", "Reviews marked by AliExpress")
def marked_reviews(test, analysis, t):
    """**What.** {reviews_marked_share:.0%} or more of the reviews read are marked by AliExpress as
    imported from other sites (`thirdParty`, `independentSite`, `trendyol`) or AI-written
    (`aigc`). The counts, and the share AliExpress selected itself, are always reported in the
    test's evidence.

    **Why.** Reported as AliExpress marks them, not guessed at: imported reviews are not from this
    listing's buyers.

    **Evidence.** `selected_by_aliexpress`, `imported_from_other_sites`, `ai_generated`, `anonymous`.

    **Example.** 12 of 40 reviews imported from Trendyol: low / high, +8.
    """
    evidence = test.evidence
    return risk(
        Severity.LOW,
        Confidence.HIGH,
        f"AliExpress marks {evidence['imported_from_other_sites']} of the {evidence['reviews']} reviews read as imported "
        f"from other sites and {evidence['ai_generated']} as AI-written: they are not reviews of this listing's buyers.",
        basis=test.basis, **evidence,
    )


@rule("REV010", "Adjusted rating lower")
def adjusted_rating(listing, context):
    """**What.** Leaving out the suspicious reviews, the rating falls {reviews_adjusted_drop:g}
    stars or more below the rating shown.

    **Why.** ReviewMeta's adjusted rating: a rating that rests on suspicious reviews is not the
    product's.

    **Evidence.** `shown_rating`, `adjusted_rating`, `drop`, `rests_on`, `strength`. Confidence
    follows the strength of the sample (weak: low).

    **Example.** Shown 4.8, adjusted 4.1 on 64 reviews (moderate): medium / medium, +12.
    """
    analysis = context.review_analysis
    if not analysis or analysis.adjusted_rating is None or analysis.shown_rating is None:
        return None
    drop = round(analysis.shown_rating - analysis.adjusted_rating, 2)
    if drop < context.thresholds["reviews_adjusted_drop"]:
        return None
    confidence = {"weak": Confidence.LOW, "moderate": Confidence.MEDIUM, "strong": Confidence.HIGH}[analysis.strength]
    return risk(
        Severity.MEDIUM,
        confidence,
        f"Leaving out the suspicious reviews, the rating falls from {analysis.shown_rating:g} to "
        f"{analysis.adjusted_rating:g} stars (resting on {analysis.rests_on} reviews; {analysis.strength} evidence).",
        shown_rating=analysis.shown_rating,
        adjusted_rating=analysis.adjusted_rating,
        drop=drop,
        rests_on=analysis.rests_on,
        strength=analysis.strength,
        threshold=context.thresholds["reviews_adjusted_drop"],
    )
