"""PRC: the price the shopper pays, against the listing's own history, its variants and what the
genuine product costs.

History is what emptor recorded about this listing before (server/store/prices.py); prices are
only compared within one country and currency, because AliExpress prices depend on both.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics

from .. import lexicon
from ..model import Confidence, Severity, risk
from ..phrasing import money, share_in_words
from ..registry import rule

_STORED_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def _moment(text: str) -> dt.datetime:
    """A stored timestamp (2022-12-20T18:36:11Z) as a UTC moment; fromisoformat after a shape
    check, several times quicker than strptime on a long history."""
    if not _STORED_MOMENT.fullmatch(text):
        raise ValueError(f"{text!r} is not a stored timestamp")
    return dt.datetime.fromisoformat(text)


def _recorded_moment(text) -> dt.datetime | None:
    """When a stored price was seen, or None for a stored time that is not one."""
    try:
        return _moment(text)
    except (TypeError, ValueError):
        return None


def _as_stored(moment: dt.datetime) -> str:
    """``moment`` written the way stored timestamps are; timestamps of that one shape compare in
    time order as text, which spares a parse per observation in every window below (the engine
    judges only at zone-aware moments)."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def headline_history(listing, context):
    """Recorded headline prices in the listing's own country and currency, oldest first,
    up to the moment being judged. A stored price that cannot be real (one recorded before
    emptor checked them, or written by another program) is left out: rules divide by these;
    so is a stored time that is not one. Worked out once per verdict: a listing watched for
    months has thousands of observations, and three rules read them."""
    currency = listing.price.currency or listing.locale.currency
    country = listing.locale.country
    return context.once(("headline_history", currency, country), lambda: _headline_history(context, currency, country))


def _headline_history(context, currency, country):
    history = context.history
    if history is None:
        return []
    now = _as_stored(context.now)
    points = [
        p
        for p in history.prices
        if p.sku_id is None
        and p.currency == currency
        and p.country == country
        and _recorded_moment(p.observed_at) is not None
        and p.observed_at <= now
        and context.reference.plausible_price(p.price, currency)
    ]
    return sorted(points, key=lambda p: p.observed_at)


def _since(context, days: int) -> str:
    return _as_stored(context.now - dt.timedelta(days=days))


def paid_price(listing) -> tuple[float | None, float]:
    """The lowest item price plus the default shipping (same currency), and the shipping part."""
    price = listing.price.min
    if price is None:
        return None, 0.0
    option = listing.shipping[0] if listing.shipping else None
    shipping = option.cost if option and option.cost and (option.currency in (None, listing.price.currency)) else 0.0
    return round(price + shipping, 2), shipping


@rule("PRC001", "Discount against a price never charged")
def unsupported_original_price(listing, context):
    """**What.** The page claims a discount from an "original" price that, in at least
    {history_min_days} days of recorded history (same country and currency), was never charged:
    every recorded price stayed below {fake_discount_margin:.0%} of it.

    **Why.** The discount percent is set by the seller against a list price the seller declares
    (docs/sources.md, "Prices"). CamelCamelCamel only calls a price a deal after five weeks of
    history (docs/sources.md, "Price history"); so does emptor.

    **Evidence.** `original_price`, `current_price`, `highest_recorded`, `history_days`,
    `observations`, `since`, `discount_percent` (the page's, or worked out from the two prices),
    `basis`.

    **Example.** "Was" 42.80 USD, sold at 40.04 and never above 40.04 in 60 days: medium / high, +16.
    """
    original, current, t = listing.price.original_min, listing.price.min, context.thresholds
    if original is None or current is None or current <= 0 or original <= current:
        return None
    points = headline_history(listing, context)
    if not points:
        return None
    first = _moment(points[0].observed_at)
    days = (context.now - first).days
    if days < t["history_min_days"]:
        return None  # too little history to say what the item really sold for
    highest = max([p.price for p in points] + [current])
    if highest >= original * t["fake_discount_margin"]:
        return None
    currency = listing.price.currency or ""
    discount = listing.price.discount_percent or round((1 - current / original) * 100)
    return risk(
        Severity.MEDIUM,
        Confidence.HIGH,
        f'The "was" price of {money(original, currency)} was never charged in {days} days of history: the highest '
        f"recorded price is {money(highest, currency)}, so the {discount:g}% discount is against a price nobody paid.",
        original_price=original,
        current_price=current,
        highest_recorded=highest,
        history_days=days,
        observations=len(points),
        since=points[0].observed_at,
        discount_percent=discount,
        currency=currency or None,
        basis=f"{len(points)} recorded prices in {listing.locale.country}/{currency} since {points[0].observed_at[:10]}",
    )


@rule("PRC002", "Price raised before a sale")
def raised_before_sale(listing, context):
    """**What.** Within the {raise_before_sale_days} days before the page, the price rose by at
    least {raise_before_sale_share:.0%} and the "sale" now brings it back no lower than it was
    before the rise (within {raise_before_sale_tolerance:.0%}).

    **Why.** Raising a price just before a sale makes the discount look real.

    **Evidence.** `price_before_rise`, `before_rise_on`, `raised_to`, `raised_on`, `current_price`.

    **Example.** 30.00 → 39.00 → "sale" 31.20 USD: medium / high, +16.
    """
    current, t = listing.price.min, context.thresholds
    discounted = (listing.price.discount_percent or 0) > 0 or (listing.price.original_min or 0) > (current or 0)
    if current is None or not discounted:
        return None
    since = _since(context, t["raise_before_sale_days"])
    window = [p for p in headline_history(listing, context) if p.observed_at >= since]
    if len(window) < 2:
        return None
    # The level before the rise: the lowest price recorded before the highest one.
    peak_index = max(range(len(window)), key=lambda i: window[i].price)
    before = window[: peak_index + 1]
    base = min(before, key=lambda p: p.price)
    peak = window[peak_index]
    rose = peak.price >= base.price * (1 + t["raise_before_sale_share"])
    no_lower_than_before = current >= base.price * (1 - t["raise_before_sale_tolerance"])
    if not (rose and no_lower_than_before):
        return None
    currency = listing.price.currency or ""
    return risk(
        Severity.MEDIUM,
        Confidence.HIGH,
        f"The price went from {money(base.price, currency)} ({base.observed_at[:10]}) up to {money(peak.price, currency)} "
        f"({peak.observed_at[:10]}) and the \"sale\" brings it to {money(current, currency)}: no lower than before the rise.",
        price_before_rise=base.price,
        before_rise_on=base.observed_at,
        raised_to=peak.price,
        raised_on=peak.observed_at,
        current_price=current,
        currency=currency or None,
        window_days=t["raise_before_sale_days"],
    )


@rule("PRC003", "Price above the recorded low")
def above_recorded_low(listing, context):
    """**What.** Today's price is at least {above_low_share:.0%} above the lowest price recorded in
    the last {above_low_days} days.

    **Why.** Not a risk of fraud, a risk of paying more than needed: the shopper has seen it cheaper.

    **Evidence.** `current_price`, `recorded_low`, `low_on`, `observations`.

    **Example.** 29.99 USD today, 22.50 on 2025-09-01: low / high, +8.
    """
    current, t = listing.price.min, context.thresholds
    if current is None:
        return None
    since = _since(context, t["above_low_days"])
    window = [p for p in headline_history(listing, context) if p.observed_at >= since]
    if not window:
        return None
    low = min(window, key=lambda p: p.price)
    if current < low.price * (1 + t["above_low_share"]):
        return None
    currency = listing.price.currency or ""
    return risk(
        Severity.LOW,
        Confidence.HIGH,
        f"It sold for {money(low.price, currency)} on {low.observed_at[:10]}; today's {money(current, currency)} is "
        f"{current / low.price - 1:.0%} more.",
        current_price=current,
        recorded_low=low.price,
        low_on=low.observed_at,
        currency=currency or None,
        window_days=t["above_low_days"],
        observations=len(window),
    )


def matching_floor(listing, reference):
    """The price-floor entry the title names as the product itself, with where it matched."""
    title = listing.title or ""
    for floor in reference.price_floors:
        for pattern in floor.patterns:
            match = re.search(pattern, title, re.IGNORECASE)
            if match and not lexicon.compatibility_before(title, match.start()):
                return floor, match.group(0)
    return None, None


@rule("PRC004", "Too cheap to be genuine")
def too_good_to_be_true(listing, context):
    """**What.** A branded product from the price-floor table, named as the item itself (not "case
    for …"), costs with shipping less than {too_good_share:.0%} of the genuine floor, converted to
    US dollars.

    **Why.** "AirPods Pro" at a tenth of the genuine price is a copy, whatever the photos show.

    **Evidence.** `product`, `matched`, `price_paid`, `shipping`, `currency`, `usd`,
    `usd_per_unit`, `rates_date`, `genuine_floor_usd`, `share_of_floor`, `floor_source`.

    **Example.** "AirPods Pro 2" for 15.99 + 2.00 EUR: 21.05 USD at 1.17 USD per EUR (rates of
    2025-06-30), 14% of the 150 USD floor: high / high, +32.
    """
    reference, t = context.reference, context.thresholds
    if not reference.price_floors or listing.seller.official:
        return None
    floor, matched = matching_floor(listing, reference)
    if floor is None:
        return None
    paid, shipping = paid_price(listing)
    if paid is None:
        return None
    converted = reference.to_usd(paid, listing.price.currency)
    if converted is None:
        return None
    usd, rate = converted
    share = usd / floor.floor_usd
    if share >= t["too_good_share"]:
        return None
    currency = listing.price.currency or "USD"
    conversion = (
        "" if currency == "USD" else f" (= {money(usd, 'USD')} at {rate:g} USD per {currency}, rates of {reference.rates_date})"
    )
    return risk(
        Severity.HIGH,
        Confidence.HIGH,
        f"\"{matched}\" for {money(paid, currency)} with shipping{conversion}: a genuine {floor.product} is not sold "
        f"new below about {money(floor.floor_usd, 'USD')}. At {share:.0%} of that it is almost certainly a copy.",
        product=floor.product,
        matched=matched,
        price_paid=paid,
        shipping=shipping,
        currency=currency,
        usd=round(usd, 2),
        usd_per_unit=rate,
        rates_date=reference.rates_date,
        genuine_floor_usd=floor.floor_usd,
        share_of_floor=round(share, 2),
        threshold=t["too_good_share"],
        floor_source=floor.source,
    )


def _per_item(variants):
    """The variants by item (one item sold from two warehouses is one), each item at its lowest
    price: ``{item key: variant}``."""
    items = {}
    for variant in variants:
        key = lexicon.item_key(variant.name)
        if key not in items or variant.price < items[key].price:
            items[key] = variant
    return items


def _same_place(a, b) -> bool:
    """Whether two variants ship from the same place (or either does not say)."""
    return a.ships_from is None or b.ships_from is None or a.ships_from == b.ships_from


@rule("PRC005", "Bait price from another variant")
def bait_variant(listing, context):
    """**What.** The headline (lowest) price comes from a variant that is not the item the title
    sells, at a small fraction of the variants that are:

    - an accessory or a part, named in any storefront language ("Case only", "Hat", "Cloak",
      "Only the cable", "solo", "sin batería", "чехол", "Hülle", "כבל", "ケースのみ"…:
      `heuristics/lexicon.py` ACCESSORY_WORDS, ONLY_WORDS, WITHOUT_WORDS) that the title does not
      name, costing less than {bait_accessory_share:.0%} of the median price of the other items
      (each item once, at its lowest price); a part the variant has besides the item ("With Box",
      "+ Cable") or leaves out ("No Box", "sin caja") does not make it one;
    - or one variant costing less than {bait_variant_share:.0%} of the next cheapest item (when at
      least {bait_variant_others_min} other prices exist).

    Not bait: variants that differ only in where they ship from (each is compared with items from
    its own warehouse, and one item from two warehouses is one item); quantities ("1 PC" against
    "16 PCS"), compared per piece as well, so a variant that is cheap because it is fewer pieces is
    never far below; and a low price {bait_shared_min} or more items share (not all of them
    accessories), which is a promotion (a new-user price), not a bait variant. When the rule fires
    and several variants share the low price (a hat in two colours), it says how many.

    **Why.** Shoppers compare headline prices; a cheap accessory variant makes an expensive listing
    look like a bargain. A headline no item of the title is sold at misleads whatever else the
    page shows, so no protection offsets this finding, and a part or accessory headlining the
    listing is high / high (+32): a medium risk on its own. A variant that is merely far below the
    others is as bad if it is a bait (high severity) but may be a smaller model or capacity sold
    honestly ("8GB" beside "128GB"), so its confidence is medium (+24): just under `medium` alone,
    `medium` with any other risk.

    **Evidence.** `variant`, `sku_id`, `variant_price`, `currency`, `variants_at_price` (items at
    the lowest price), then `accessory_words`, `items_median_price`, `items_compared`; or
    `next_cheapest`, `next_cheapest_variant`, `median_variant_price`, `ships_from`, and with
    quantities `quantity`, `unit_price`, `lowest_other_unit_price`.

    **Example.** The drill pen of 2024-01 headlined at 4.47 USD for "Only M8 chuck" while the other
    variants' median is 24.97 USD: high / high, +32. The 2026 pet-hair remover ("1 PC" 0.85,
    "2 PCS" 1.07 … "16 PCS" 3.89 GBP): one piece is the dearest per piece (16 cost 0.24 each), quiet.
    """
    t = context.thresholds
    priced = sorted((v for v in listing.variants if v.price is not None and v.price > 0), key=lambda v: v.price)
    if len(priced) < 2:
        return None
    cheapest, tolerance = priced[0], t["bait_headline_tolerance"]
    headline = listing.price.min
    if headline is not None and abs(headline - cheapest.price) > tolerance * headline:
        return None  # the headline price is not the cheapest variant's
    currency = listing.price.currency
    at_low = [v for v in priced if v.price <= cheapest.price * (1 + tolerance)]
    low_ids = {id(v) for v in at_low}
    sharing = len({lexicon.item_key(v.name) for v in at_low})
    title_words = set(lexicon.accessory_words(listing.title))

    def accessory(variant):
        return [w for w in lexicon.accessory_words(variant.name) if w not in title_words]

    words = accessory(cheapest)
    if words and all(accessory(v) for v in at_low):
        items = _per_item(v for v in priced if not accessory(v))
        typical = statistics.median(v.price for v in items.values()) if items else None
        if typical is not None and cheapest.price < t["bait_accessory_share"] * typical:
            shared = f" {sharing} variants share this price." if sharing > 1 else ""
            return risk(
                Severity.HIGH,
                Confidence.HIGH,
                f'The lowest price, {money(cheapest.price, currency)}, is for "{cheapest.name}" ({", ".join(words)}), '
                f"a part or an accessory rather than the item in the title; the other variants cost "
                f"{money(typical, currency)} (the median of {len(items)}).{shared}",
                variant=cheapest.name,
                sku_id=cheapest.sku_id,
                variant_price=cheapest.price,
                accessory_words=words,
                items_median_price=round(typical, 2),
                items_compared=len(items),
                variants_at_price=sharing,
                currency=currency,
                threshold=t["bait_accessory_share"],
            )
    if sharing >= t["bait_shared_min"]:
        return None  # a promotion on many items (a new-user price), not one bait variant
    own_key = lexicon.item_key(cheapest.name)
    others = _per_item(
        v for v in priced if lexicon.item_key(v.name) != own_key and _same_place(v, cheapest) and id(v) not in low_ids
    )
    if len({v.price for v in others.values()}) < t["bait_variant_others_min"]:
        return None
    following = min(others.values(), key=lambda v: v.price)
    if cheapest.price >= following.price * t["bait_variant_share"]:
        return None
    quantity = lexicon.quantity(cheapest.name) or 1
    units = {key: v.price / (lexicon.quantity(v.name) or 1) for key, v in others.items()}
    per_piece = quantity != 1 or any(lexicon.quantity(v.name) not in (None, 1) for v in others.values())
    lowest_unit = min(units.values())
    if per_piece and cheapest.price / quantity >= lowest_unit * t["bait_variant_share"]:
        return None  # fewer pieces, not a bait: per piece it is no bargain
    shared = f" {sharing} variants share this price." if sharing > 1 else ""
    per_piece_note = (
        f" Per piece it costs {money(cheapest.price / quantity, currency)}, against at least "
        f"{money(lowest_unit, currency)} for the others."
        if per_piece
        else ""
    )
    return risk(
        Severity.HIGH,
        Confidence.MEDIUM,
        f"The headline price {money(cheapest.price, currency)} comes from a variant (\"{cheapest.name}\") that costs less "
        f"than {share_in_words(t['bait_variant_share'])} of the next cheapest (\"{following.name}\", "
        f"{money(following.price, currency)}): check what that variant is.{shared}{per_piece_note}",
        variant=cheapest.name,
        sku_id=cheapest.sku_id,
        variant_price=cheapest.price,
        next_cheapest=following.price,
        next_cheapest_variant=following.name,
        median_variant_price=statistics.median([cheapest.price] + [v.price for v in others.values()]),
        variants_at_price=sharing,
        ships_from=cheapest.ships_from,
        currency=currency,
        threshold=t["bait_variant_share"],
        **(
            {"quantity": quantity, "unit_price": round(cheapest.price / quantity, 2),
             "lowest_other_unit_price": round(lowest_unit, 2)}
            if per_piece
            else {}
        ),
    )
