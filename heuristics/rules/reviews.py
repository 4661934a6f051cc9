"""REV: what the reviews read for a listing show (heuristics/reviews.py runs the tests once).

Each rule turns one test's result into a finding; every message says what sample it rests on.
"""

from __future__ import annotations

from ..model import Confidence, Severity, risk
from ..registry import rule
from ..reviews import FAIL, WARN


def review_test_rule(code: str, title: str, *, statuses=(FAIL,)):
    """Register ``explain(test, analysis)`` as the rule that speaks for review test ``code``: it
    is asked for a finding only when that test ran and ended in one of ``statuses``."""

    def register(explain):
        def check(listing, context):
            analysis = context.review_analysis
            test = analysis.tests.get(code) if analysis else None
            if test is None or test.status not in statuses:
                return None
            return explain(test, analysis)

        check.__name__, check.__doc__ = explain.__name__, explain.__doc__
        rule(code, title)(check)
        return explain

    return register


def _sample_confidence(analysis, default: Confidence) -> Confidence:
    """A sample AliExpress hand-picked, or a small one, cannot support a confident conclusion."""
    return Confidence.LOW if analysis.strength == "weak" else default


@review_test_rule("REV001", "Unnatural rating distribution", statuses=(FAIL, WARN))
def rating_distribution(test, analysis):
    shares = test.evidence["shares"]
    pattern = test.evidence["pattern"]
    if pattern == "too perfect":
        message = f"{shares['5']:.0%} of {test.evidence['count']} ratings are 5 stars: no real product pleases nearly everyone."
    elif pattern == "too uniform":
        message = f"The {test.evidence['count']} ratings are spread almost evenly over 1 to 5 stars; genuine ratings pile up at 5 with a tail at 1."
    else:
        message = f"Not one 1- or 2-star rating among {test.evidence['count']}: unusual for so many buyers."
    severity = Severity.MEDIUM if test.status == FAIL else Severity.LOW
    return risk(severity, Confidence.MEDIUM if test.status == FAIL else Confidence.LOW, message,
                basis=test.basis, **test.evidence)


@review_test_rule("REV002", "Duplicate review texts", statuses=(FAIL, WARN))
def duplicate_texts(test, analysis):
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
def review_burst(test, analysis):
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
def stock_texts(test, analysis):
    evidence = test.evidence
    return risk(
        Severity.LOW,
        Confidence.MEDIUM,
        f"{evidence['short_or_stock']} of {evidence['with_text']} review texts are a few words or a stock phrase "
        "(\"good\", \"все отлично\"): they say nothing about the product.",
        basis=test.basis, **evidence,
    )


@review_test_rule("REV005", "Reviews from one country")
def one_country(test, analysis):
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
def negative_follow_ups(test, analysis):
    evidence = test.evidence
    many = evidence["negative"] >= 2 or evidence["negative"] / max(1, evidence["follow_ups"]) >= 0.3
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
def switched_listing(test, analysis):
    evidence = test.evidence
    variants_differ = evidence["variant_match_share"] is not None and evidence["variant_match_share"] < 0.2
    return risk(
        Severity.HIGH,
        Confidence.HIGH if variants_differ else Confidence.MEDIUM,
        f"Only {evidence['mentioning_title']} of {evidence['substantive']} reviews mention anything in the title"
        + (", and the variants they bought are not this listing's" if variants_differ else "")
        + ": the reviews may belong to another product (a switched listing).",
        basis=test.basis, **evidence,
    )


@review_test_rule("REV008", "Ratings without text")
def rating_only(test, analysis):
    evidence = test.evidence
    return risk(
        Severity.LOW,
        Confidence.HIGH,
        f"{evidence['without_text']} of {evidence['reviews']} reviews read are stars without a word: they cannot be checked.",
        basis=test.basis, **evidence,
    )


@review_test_rule("REV009", "Reviews marked by AliExpress")
def marked_reviews(test, analysis):
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
