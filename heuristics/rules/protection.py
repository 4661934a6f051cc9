"""PRT: the marketplace's own protections and badges (reasons to trust, not quality seals)."""

from __future__ import annotations

from ..model import Confidence, Severity, trust
from ..registry import rule
from .shipping import delivery_estimate


@rule("PRT001", "AliExpress Choice")
def choice_item(listing, context):
    if listing.badges.choice is not True:
        return None
    return trust(
        Severity.MEDIUM,
        Confidence.HIGH,
        "A Choice item: AliExpress's own service standard (faster delivery, delivery guarantee, "
        "free returns where offered). It is a service promise, not a quality check.",
        choice=True,
    )


@rule("PRT002", "Free returns")
def free_return(listing, context):
    if listing.badges.free_return is not True:
        return None
    return trust(
        Severity.LOW,
        Confidence.HIGH,
        "Free returns are offered, so a disappointing item can be sent back at no cost.",
        free_return=True,
    )


@rule("PRT003", "Buyer protection")
def buyer_protection(listing, context):
    days, t = listing.badges.buyer_protection_days, context.thresholds
    if days is None or days < t["buyer_protection_days_min"]:
        return None
    return trust(
        Severity.LOW,
        Confidence.HIGH,
        f"{days}-day buyer protection: a refund if the item does not arrive or is not as described.",
        buyer_protection_days=days,
        threshold=t["buyer_protection_days_min"],
    )


@rule("PRT004", "Delivery guarantee")
def delivery_guarantee(listing, context):
    guarantee, t = listing.badges.delivery_guarantee, context.thresholds
    if guarantee is None or (guarantee.days is None and guarantee.by_date is None):
        return None
    if guarantee.days is not None and listing.shipping:
        estimate, _ = delivery_estimate(listing.shipping[0], context.today)
        if estimate is not None and estimate > guarantee.days:
            return None  # the page's own estimate breaks the promise: not a reason to trust it
    promise = f"by {guarantee.by_date}" if guarantee.by_date else f"within {guarantee.days} days"
    evidence = {"days": guarantee.days, "by_date": guarantee.by_date, "compensation": guarantee.compensation}
    if guarantee.compensation or (guarantee.days is not None and guarantee.days <= t["commitment_days_max"]):
        return trust(
            Severity.MEDIUM,
            Confidence.HIGH,
            f"Delivery is guaranteed {promise}"
            + (f", with {guarantee.compensation} if it is late." if guarantee.compensation else "."),
            **evidence,
            threshold_days=t["commitment_days_max"],
        )
    return trust(
        Severity.LOW,
        Confidence.MEDIUM,
        f"Delivery is guaranteed {promise} or the order is refunded.",
        **evidence,
        threshold_days=t["commitment_days_max"],
    )
