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
    """**What.** The store's positive-feedback percent is below {seller_positive_rate_medium:g}% (medium)
    or below {seller_positive_rate_high:g}% (high).

    **Why.** The positive rate is AliExpress's own summary of every buyer's rating of the store.
    Established stores sit at 95-99%; under {seller_positive_rate_high:g}%, more than one buyer in ten
    was unhappy.

    **Evidence.** `positive_rate`, the `threshold` it fell below, `feedback_count`. Confidence
    follows the number of ratings: high from {seller_feedback_some}, medium from {seller_feedback_few}
    (or when the page does not say), low below.

    Below {seller_positive_rate_high:g}% the store is a medium risk at least, whatever else the page
    shows: from {seller_feedback_some} ratings this finding weighs 32; with fewer it weighs
    less, but SEL002 then adds that the rating rests on few ratings (24 + 8 or 16 + 16). When the
    page does not give the count, no SEL002 can speak, and every count it could be would make the
    two together weigh 32 or more: so the rate is then taken with high confidence (+32), not
    medium (+24, just under `medium`). No protection offsets this finding (see "What a reason to
    trust offsets").

    **Example.** F2212: "Only 86.6% of this store's ratings are positive: about 13.4 buyers in 100
    were unhappy (below 90%)." high / high, +32.
    """
    seller, t = listing.seller, context.thresholds
    rate = seller.positive_rate
    if rate is None or rate >= t["seller_positive_rate_medium"]:
        return None
    severity = Severity.HIGH if rate < t["seller_positive_rate_high"] else Severity.MEDIUM
    threshold = t["seller_positive_rate_high"] if severity is Severity.HIGH else t["seller_positive_rate_medium"]
    unhappy = round(100 - rate, 1)
    confidence = _ratings_confidence(seller.feedback_count, t)
    if severity is Severity.HIGH and seller.feedback_count is None:
        confidence = Confidence.HIGH  # whatever the count, this and SEL002 would weigh 32 or more
    return risk(
        severity,
        confidence,
        f"Only {rate:g}% of this store's ratings are positive: about {unhappy:g} buyers in 100 "
        f"were unhappy (below {threshold:g}%).",
        positive_rate=rate,
        threshold=threshold,
        feedback_count=seller.feedback_count,
    )


@rule("SEL002", "Few seller ratings")
def seller_feedback_count(listing, context):
    """**What.** The store's positive rate rests on fewer than {seller_feedback_some} ratings (low) or
    {seller_feedback_few} (medium).

    **Why.** A 100% rate from a dozen ratings says little; new or dormant stores and stores that
    were sold on ("gold" accounts) show it.

    **Evidence.** `feedback_count`, `threshold`. `feedback_count` is the count the page gives next
    to the rate: the positive ratings in generations A and B (`positiveNum`), all ratings in C and
    D (`sellerTotalNum`).

    **Example.** A store with 31 ratings: "The store's rating rests on only 31 ratings, too few to
    say much about it." medium / high, +16. With no rate and 0 ratings: "The store has no ratings
    yet: there is nothing to judge it by."
    """
    count, t = listing.seller.feedback_count, context.thresholds
    if count is None or count >= t["seller_feedback_some"]:
        return None
    severity = Severity.MEDIUM if count < t["seller_feedback_few"] else Severity.LOW
    return risk(
        severity,
        Confidence.HIGH,
        f"The store's rating rests on only {count} ratings, too few to say much about it."
        if count or listing.seller.positive_rate is not None
        else "The store has no ratings yet: there is nothing to judge it by.",
        feedback_count=count,
        threshold=t["seller_feedback_few"] if severity is Severity.MEDIUM else t["seller_feedback_some"],
    )


@rule("SEL003", "New store")
def store_age(listing, context):
    """**What.** The store opened less than {store_age_days_medium} days (low) or {store_age_days_high}
    days (medium) before the page was seen; medium too when it is under {store_age_days_medium} days
    old and its rating rests on fewer than {seller_feedback_few} ratings.

    **Why.** A young store has no track record to judge, and fly-by-night stores are young. A store
    under a year old with (almost) no ratings has none at all: it is a medium risk whatever the
    protections, which this finding (+16) and SEL002's few ratings (+16) make together;
    as a low finding (+8) the two would stay just under `medium`. No protection offsets it.

    **Evidence.** `opened`, `age_days`, `judged_on` (the capture day, not today), `threshold_days`,
    and `feedback_count` when the few ratings made it medium.

    **Example.** A store opened 2022-09-01 seen on 2022-12-20: "The store opened on 2022-09-01,
    3 months before this page was seen: it has little track record." medium / high, +16. The 2026
    Choice page's store opened 200 days before capture, without ratings (constructed, docs/rules.md
    "Reference cases"): "… 6 months before this page was seen, and it has no ratings yet: it has no
    track record to judge." medium / high, +16.
    """
    opened, t = listing.seller.opened, context.thresholds
    if opened is None:
        return None
    age_days = (context.today - dt.date.fromisoformat(opened)).days
    if age_days < 0 or age_days >= t["store_age_days_medium"]:
        return None
    count = listing.seller.feedback_count
    unrated = count is not None and count < t["seller_feedback_few"]
    months = age_days // 30
    if age_days < t["store_age_days_high"]:
        return risk(
            Severity.MEDIUM,
            Confidence.HIGH,
            f"The store opened on {opened}, {months} months before this page was seen: it has little track record.",
            opened=opened,
            age_days=age_days,
            judged_on=context.today.isoformat(),
            threshold_days=t["store_age_days_high"],
        )
    if unrated:
        return risk(
            Severity.MEDIUM,
            Confidence.HIGH,
            f"The store opened on {opened}, {months} months before this page was seen, and "
            + (f"its rating rests on only {count} ratings" if count or listing.seller.positive_rate is not None
               else "it has no ratings yet")
            + ": it has no track record to judge.",
            opened=opened,
            age_days=age_days,
            judged_on=context.today.isoformat(),
            threshold_days=t["store_age_days_medium"],
            feedback_count=count,
        )
    return risk(
        Severity.LOW,
        Confidence.HIGH,
        f"The store opened on {opened}, {months} months before this page was seen: it has little track record.",
        opened=opened,
        age_days=age_days,
        judged_on=context.today.isoformat(),
        threshold_days=t["store_age_days_medium"],
    )


@rule("SEL004", "Few store followers")
def store_followers(listing, context):
    """**What.** Fewer than {store_followers_few} shoppers follow the store.

    **Why.** Following is how returning buyers keep a store; very few followers mean few came back.
    It is a weak signal on its own, hence low severity and medium confidence.

    **Evidence.** `followers`, `threshold`.

    **Example.** "Only 37 shoppers follow this store." low / medium, +6.
    """
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
    """**What.** AliExpress marks the store as a Top-rated seller (a reason to trust).

    **Why.** The platform grants the status for sustained good ratings and service. It is the
    store's standing, not a protection, but it is limited the same way: it offsets what that
    service answers for, a late or lost parcel (SHP002, SHP003) and an item not as described (the
    review findings but REV007), never a weak rating, the price or a counterfeit sign.

    **Evidence.** `top_rated`.

    **Example.** The 2024-01 capture of store 1100574830 (Shop120565 Store): medium / high, −16,
    limited to 0: its only risk is the bait headline price (PRC005).
    """
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
    """**What.** The store is named "<Brand> Official Store" (a reason to trust).

    **Why.** AliExpress reserves that naming for stores the brand authorised, where counterfeits
    are least likely. Confidence is medium: the name is the only evidence on the page. It offsets
    an item not as described (the review findings but REV007): the brand's own store sells the
    item the brand describes. A counterfeit sign found on the page is evidence against the name,
    so it is not offset, nor is a weak rating or the price.

    **Evidence.** `store_name`.

    **Example.** PATUOPRO Official Store (2024-09): medium / medium, −12, offsetting the drill's
    one follow-up that "began to fail" (REV006, +12).
    """
    if listing.seller.official is not True:
        return None
    return trust(
        Severity.MEDIUM,
        Confidence.MEDIUM,
        f"\"{listing.seller.name}\" is named as the brand's official store on AliExpress.",
        store_name=listing.seller.name,
    )
