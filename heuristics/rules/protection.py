"""PRT: the marketplace's own protections and badges (reasons to trust, not quality seals)."""

from __future__ import annotations

from ..model import Confidence, Severity, trust
from ..registry import rule
from .shipping import delivery_estimate


@rule("PRT001", "AliExpress Choice")
def choice_item(listing, context):
    """**What.** The item is part of AliExpress Choice (a reason to trust).

    **Why.** Choice is AliExpress's service standard since March 2023: faster delivery, a delivery
    guarantee and free returns where offered (docs/sources.md, "Choice"). It is a service promise,
    not a quality check, so it weighs as much as a top-rated store and no more, and it offsets
    only what that service makes good: a late or lost parcel (SHP002, SHP003) and an item not as
    described (the review findings but REV007), after PRT004 and PRT002 have offset their own
    (see "What a reason to trust offsets"). A weak store, the price, a counterfeit sign
    or reviews of another product are left as they are.

    **Evidence.** `choice`, from `choiceProduct` in the data or the Choice page template
    (`_d_c_.viewName = 'choiceDetail'`).

    **Example.** The 2026 pet-hair remover (F2607), a Choice item from a 94.5% store and no other
    risk: medium / high, −16 limited to 0, "It takes nothing off the score: no risk it answers (a
    late or lost parcel or an item not as described) was found here."
    """
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
    """**What.** Free returns are offered (a reason to trust).

    **Why.** A free return (15 days after receipt in AliExpress's programme, docs/sources.md) makes
    a disappointing purchase cheap to undo. So it offsets the risk of an item not as described
    (the review findings, REV006's failures included, but not REV007's reviews of another
    product) and nothing else: not a late parcel, a weak store, a bait price or a counterfeit.

    **Evidence.** `free_return`.

    **Example.** low / high, −8, limited to what the review findings add: 0 on F2607, which has none.
    """
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
    """**What.** The page shows buyer protection of at least {buyer_protection_days_min} days (a
    reason to trust).

    **Why.** Buyer protection refunds an order that does not arrive or is not as described, so it
    offsets a late or lost parcel (SHP002, SHP003) and an item not as described (the review
    findings but REV007), and nothing else. A protection period shown only as a template
    (`{{day}}-Day Buyer Protection`) is not counted: emptor does not guess the number.

    **Evidence.** `buyer_protection_days`, `threshold`.

    **Example.** F2020 renders "הגנת הקונה למשך 90 ימים" (90-day buyer protection): low / high, −8,
    all of it offsetting SHP003's 34-day delivery (+8).
    """
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
    """**What.** Delivery is guaranteed within a number of days or by a date, or a compensation is
    promised if it is late (AliExpress "Commitment"): a reason to trust.

    **Why.** A guarantee of {commitment_days_max} days or less, or one with compensation, is a
    specific promise (medium / high, −16); the ordinary "within 60 days or refund" ceiling is
    weaker (low / medium, −6). A guarantee shorter than the page's own delivery estimate (SHP003's
    estimate) is not counted: the page contradicts it (F2212 guarantees 25 days and estimates 72).
    It offsets a late or lost parcel (SHP002, SHP003), before Choice or buyer protection do, and
    nothing else.

    **Evidence.** `days`, `by_date`, `compensation`, `threshold_days`.

    **Example.** F2209: "Delivery is guaranteed within 60 days or the order is refunded." low /
    medium, −6, limited to 0: F2209 has no delivery risk. F2607's 35-day guarantee with a ￡1.00
    compensation, its estimate made 34 days (constructed): −16 limited to −8, SHP003's weight.
    """
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
