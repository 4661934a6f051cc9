"""SHP: what shipping adds to the price, whether the parcel can be tracked, and how long it takes.

Every rule looks at the option the page shows first, which is the one the shopper gets unless
they pick another.
"""

from __future__ import annotations

import datetime as dt

from ..model import Confidence, Severity, risk
from ..phrasing import money
from ..registry import rule


def _default_option(listing):
    return listing.shipping[0] if listing.shipping else None


def delivery_estimate(option, today: dt.date) -> tuple[int | None, str | None]:
    """The longest delivery time the page shows for ``option``, in calendar days from ``today``,
    and where it comes from ("max_days" or "delivery_date").

    The two can disagree: F2212 says deliveryDayMax 44 (working days, per its etaTraceId) and
    delivery by 2023-03-02, 72 calendar days after the page was served. The later one counts.
    """
    candidates = []
    if option.max_days is not None:
        candidates.append((option.max_days, "max_days"))
    if option.delivery_date:
        candidates.append(((dt.date.fromisoformat(option.delivery_date) - today).days, "delivery_date"))
    return max(candidates) if candidates else (None, None)


@rule("SHP001", "Expensive shipping")
def shipping_cost(listing, context):
    """**What.** Shipping by the default option adds at least {shipping_share_low:.0%} (low) or
    {shipping_share_medium:.0%} (medium) to the lowest item price.

    **Why.** A cheap headline price with expensive shipping is a common way to look cheaper than
    other listings; the shopper pays both.

    When shipping costs more than the item itself the message says so, and when the page shows a
    threshold from which the option ships free ("free shipping over MXN 170") it says that too:
    the shopper may add items rather than pay the charge.

    **Evidence.** `shipping_cost`, `item_price`, `currency`, `share`, `method`, `more_than_item`,
    `free_over`. Prices in different currencies are not compared.

    **Example.** F2212: "Shipping costs 3.80 USD, more than the item itself (from 1.73 USD): it
    adds 220% to the price." medium / high, +16.
    """
    option, price, t = _default_option(listing), listing.price, context.thresholds
    if option is None or option.cost is None or not option.cost or price.min in (None, 0):
        return None
    if option.currency and price.currency and option.currency != price.currency:
        return None  # comparing across currencies would need a rate table (a later issue)
    share = option.cost / price.min
    if share < t["shipping_share_low"]:
        return None
    severity = Severity.MEDIUM if share >= t["shipping_share_medium"] else Severity.LOW
    currency = price.currency or option.currency or ""
    more_than_item = option.cost > price.min
    message = (
        f"Shipping costs {money(option.cost, currency)}, more than the item itself (from {money(price.min, currency)}): "
        if more_than_item
        else f"Shipping costs {money(option.cost, currency)} on an item from {money(price.min, currency)}: "
    ) + f"it adds {share:.0%} to the price."
    if option.free_over:
        message += f" It ships free on orders from {money(option.free_over, currency)}."
    return risk(
        severity,
        Confidence.HIGH,
        message,
        shipping_cost=option.cost,
        item_price=price.min,
        currency=currency or None,
        share=round(share, 2),
        method=option.method,
        more_than_item=more_than_item,
        free_over=option.free_over,
    )


@rule("SHP002", "Untracked shipping")
def untracked_shipping(listing, context):
    """**What.** The default shipping option has no tracking.

    **Why.** Without tracking, a parcel that never arrives is hard to prove in a dispute.

    **Evidence.** `method`, `tracked`.

    **Example.** medium / high, +16.
    """
    option = _default_option(listing)
    if option is None or option.tracked is not False:
        return None
    return risk(
        Severity.MEDIUM,
        Confidence.HIGH,
        f"The shipping method{' ' + repr(option.method) if option.method else ''} has no tracking: "
        "a missing parcel is hard to prove in a dispute.",
        method=option.method,
        tracked=False,
    )


@rule("SHP003", "Long delivery")
def long_delivery(listing, context):
    """**What.** The default option's delivery estimate is over {delivery_days_long} days (low) or
    over {delivery_guarantee_days} days (medium). The estimate is the later of the delivery days
    the data gives and the days from the capture to the delivery date the page shows: F2212 gives
    44 (working) days and a date 72 days away.

    **Why.** Past {delivery_guarantee_days} days the estimate exceeds AliExpress's delivery
    guarantee for most countries (docs/sources.md, "Buyer protection and delivery guarantees"), so
    protection may lapse before the parcel arrives.

    **Evidence.** `estimate_days` and its `basis` (`max_days` or `delivery_date`), both inputs
    (`max_days`, `delivery_date`), `judged_on`, `threshold_days`, `method`.

    **Example.** F2212: "Delivery is estimated at up to 72 days (by 2023-03-02); that is past
    AliExpress's 60-day delivery guarantee." medium / high, +16.
    """
    option, t = _default_option(listing), context.thresholds
    if option is None:
        return None
    days, basis = delivery_estimate(option, context.today)
    if days is None or days <= t["delivery_days_long"]:
        return None
    severity = Severity.MEDIUM if days > t["delivery_guarantee_days"] else Severity.LOW
    return risk(
        severity,
        Confidence.HIGH,
        f"Delivery is estimated at up to {days} days"
        + (f" (by {option.delivery_date})" if basis == "delivery_date" else "")
        + (
            f"; that is past AliExpress's {t['delivery_guarantee_days']}-day delivery guarantee."
            if severity is Severity.MEDIUM
            else "."
        ),
        estimate_days=days,
        basis=basis,
        max_days=option.max_days,
        delivery_date=option.delivery_date,
        judged_on=context.today.isoformat(),
        threshold_days=t["delivery_guarantee_days"] if severity is Severity.MEDIUM else t["delivery_days_long"],
        method=option.method,
    )


@rule("SHP004", "Does not ship to you")
def cannot_deliver(listing, context):
    """**What.** The page's default delivery option says, in the page's own words ("Can not
    deliver", "לא ניתן לשלוח"), that it cannot deliver to the shopper's country: high when no
    option the page shows can, medium when another one can.

    **Why.** An order that cannot be delivered ends, at best, in a refund weeks later; the page
    says so only in its shipping panel.

    **Evidence.** `country`, `options`, `deliverable_options`, `method`.

    **Example.** "The page says its delivery option cannot deliver to ES, and none of its 1
    options can: an order would not arrive." high / high, +32.
    """
    option = _default_option(listing)
    if option is None or option.deliverable is not False:
        return None
    others = [o for o in listing.shipping if o.deliverable is not False]
    country = listing.locale.country
    where = f"to {country}" if country else "to your country"
    if others:
        message = (f"The page says its default delivery option cannot deliver {where}; "
                   f"{len(others)} other option{'s' if len(others) > 1 else ''} can: choose one before ordering.")
    else:
        message = (f"The page says its delivery option cannot deliver {where}, and none of its "
                   f"{len(listing.shipping)} options can: an order would not arrive.")
    return risk(
        Severity.MEDIUM if others else Severity.HIGH,
        Confidence.HIGH,
        message,
        country=country,
        options=len(listing.shipping),
        deliverable_options=len(others),
        method=option.method,
    )
