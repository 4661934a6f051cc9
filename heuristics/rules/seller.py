"""SEL: the seller's track record as the listing page shows it."""

from __future__ import annotations

import datetime as dt

from ..model import Confidence, Severity, risk, trust
from ..registry import rule


def _ratings_confidence(count: int | None, thresholds) -> Confidence:
    """A positive-feedback percent is only as sure as the number of ratings behind it."""
    if count is None:
        return Confidence.MEDIUM
    if count < thresholds["seller_feedback_few"]:
        return Confidence.LOW
    if count < thresholds["seller_feedback_some"]:
        return Confidence.MEDIUM
    return Confidence.HIGH


@rule("SEL001", "Low positive feedback")
def seller_positive_rate(listing, context):
    seller, t = listing.seller, context.thresholds
    rate = seller.positive_rate
    if rate is None or rate >= t["seller_positive_rate_medium"]:
        return None
    severity = Severity.HIGH if rate < t["seller_positive_rate_high"] else Severity.MEDIUM
    threshold = t["seller_positive_rate_high"] if severity is Severity.HIGH else t["seller_positive_rate_medium"]
    unhappy = round(100 - rate, 1)
    return risk(
        severity,
        _ratings_confidence(seller.feedback_count, t),
        f"Only {rate:g}% of this store's ratings are positive: about {unhappy:g} buyers in 100 "
        f"were unhappy (below {threshold:g}%).",
        positive_rate=rate,
        threshold=threshold,
        feedback_count=seller.feedback_count,
    )


@rule("SEL002", "Few seller ratings")
def seller_feedback_count(listing, context):
    count, t = listing.seller.feedback_count, context.thresholds
    if count is None or count >= t["seller_feedback_some"]:
        return None
    severity = Severity.MEDIUM if count < t["seller_feedback_few"] else Severity.LOW
    return risk(
        severity,
        Confidence.HIGH,
        f"The store's rating rests on only {count} ratings, too few to say much about it.",
        feedback_count=count,
        threshold=t["seller_feedback_few"] if severity is Severity.MEDIUM else t["seller_feedback_some"],
    )


@rule("SEL003", "New store")
def store_age(listing, context):
    opened, t = listing.seller.opened, context.thresholds
    if opened is None:
        return None
    age_days = (context.today - dt.date.fromisoformat(opened)).days
    if age_days < 0 or age_days >= t["store_age_days_medium"]:
        return None
    severity = Severity.MEDIUM if age_days < t["store_age_days_high"] else Severity.LOW
    months = age_days // 30
    return risk(
        severity,
        Confidence.HIGH,
        f"The store opened on {opened}, {months} months before this page was seen: "
        "it has little track record.",
        opened=opened,
        age_days=age_days,
        judged_on=context.today.isoformat(),
        threshold_days=t["store_age_days_high"] if severity is Severity.MEDIUM else t["store_age_days_medium"],
    )


@rule("SEL004", "Few store followers")
def store_followers(listing, context):
    followers, t = listing.seller.followers, context.thresholds
    if followers is None or followers >= t["store_followers_few"]:
        return None
    return risk(
        Severity.LOW,
        Confidence.MEDIUM,
        f"Only {followers} shoppers follow this store.",
        followers=followers,
        threshold=t["store_followers_few"],
    )


@rule("SEL005", "Top-rated seller")
def top_rated_seller(listing, context):
    if listing.seller.top_rated is not True:
        return None
    return trust(
        Severity.MEDIUM,
        Confidence.HIGH,
        "AliExpress marks this store as a Top-rated seller, a status it gives for sustained "
        "good ratings and service.",
        top_rated=True,
    )


@rule("SEL006", "Official brand store")
def official_store(listing, context):
    if listing.seller.official is not True:
        return None
    return trust(
        Severity.MEDIUM,
        Confidence.MEDIUM,
        f"\"{listing.seller.name}\" is named as the brand's official store on AliExpress.",
        store_name=listing.seller.name,
    )
