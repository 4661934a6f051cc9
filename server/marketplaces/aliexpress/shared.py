"""Pieces of AliExpress data that look the same in several page generations.

Field names: docs/sources.md, "AliExpress page generations"; each function says which generations
use the shape it reads.
"""

from __future__ import annotations

import datetime as dt
import re

from heuristics.model import MIN_PRICE, DeliveryGuarantee, Listing, Rating, Seller, Shipping, Spec, Variant

from ... import jsontext, textparse
from . import hosts

NAME = "aliexpress"

SHIPS_FROM_PROPERTY_ID = "200007763"  # the "Ships From" SKU property (docs/sources.md, "Product ids")

_IMAGE_KEY = re.compile(r"/kf/([A-Za-z0-9_.\-]+?)(?:/|\.(?:jpe?g|png|webp|avif|gif)|_|$)")


def image_key(url: str | None) -> str | None:
    """The CDN-independent key of an image: ``…/kf/<key>/…`` or ``…/kf/<key>.jpg`` (the same
    image is served from ae01.alicdn.com and ae-pic-a1.aliexpress-media.com)."""
    if not url:
        return None
    match = _IMAGE_KEY.search(url)
    return match.group(1) if match else None


def image_keys(urls) -> list[str]:
    keys: list[str] = []
    for url in as_list(urls):
        key = image_key(url if isinstance(url, str) else None)
        if key and key not in keys:
            keys.append(key)
    return keys


# Page data is untrusted: every reader goes through these, so a field of the wrong type or an
# absurd number becomes "not shown" (None) instead of an exception or a nonsense verdict.

def as_dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value) -> list:
    return value if isinstance(value, list) else []


def as_text(value) -> str | None:
    if value is None or isinstance(value, (bool, dict, list)):
        return None
    if isinstance(value, float) and textparse.finite(value) is None:
        return None
    text = str(value).strip()
    return text or None


def as_int(value, maximum: int = textparse.MAX_COUNT) -> int | None:
    """A whole number in 0..maximum, from a number or a string of ASCII digits."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        value = textparse.finite(value)
        value = None if value is None else int(value)
    elif isinstance(value, str):
        text = value.strip()
        value = int(text) if textparse.ASCII_DIGITS.fullmatch(text) else None
    elif not isinstance(value, int):
        value = None
    return value if value is not None and 0 <= value <= maximum else None


def as_bool(value) -> bool | None:
    return value if isinstance(value, bool) else None


def as_id(value) -> str | None:
    """A numeric id as a string (ids exceed 2^53, so they are never kept as numbers)."""
    text = as_text(value)
    return text if text and textparse.ASCII_DIGITS.fullmatch(text) and len(text) <= 20 else None


def money_value(amount) -> float | None:
    """``{"currency": "EUR", "formatedAmount": "€ 97,39", "value": 97.39}`` → 97.39."""
    if isinstance(amount, dict):
        value = textparse.sane_amount(amount.get("value"))
        if value is not None:
            return value
        text = amount.get("formatedAmount") or amount.get("formattedAmount")
        return textparse.parse_amount(text) if isinstance(text, str) else None
    if isinstance(amount, str):
        return textparse.parse_amount(amount)
    return textparse.sane_amount(amount)


def price_value(amount) -> float | None:
    """A price (not a cost: shipping can be free) read as :func:`money_value` reads it; under a
    cent it cannot be real and is read as not shown (heuristics/model.py, MIN_PRICE), so a page's
    headline falls back on the price it does show."""
    value = money_value(amount)
    return value if value is not None and value >= MIN_PRICE else None


def currency_code(*values) -> str | None:
    """The first value that is an ISO 4217 code ("USD")."""
    for value in values:
        code = as_text(value)
        if code and re.fullmatch(r"[A-Z]{3}", code):
            return code
    return None


def money_currency(amount) -> str | None:
    if isinstance(amount, dict):
        code = currency_code(amount.get("currency"))
        if code:
            return code
        text = amount.get("formatedAmount")
        return textparse.currency_of(text) if isinstance(text, str) else None
    return None


def rating_from_summary(summary) -> Rating:
    """``titleModule.feedbackRating`` (Gen A) / ``feedbackComponent`` (Gen C), including the
    misspelt ``evarageStar`` AliExpress actually sends."""
    if not isinstance(summary, dict):
        return Rating()
    average = textparse.parse_rating(summary.get("averageStar", summary.get("evarageStar")))
    names = ("one", "two", "three", "four", "five")
    counts = {str(i + 1): as_int(summary.get(f"{name}StarNum")) for i, name in enumerate(names)}
    histogram = counts if all(v is not None for v in counts.values()) else None
    return Rating(average=average, count=as_int(summary.get("totalValidNum")), histogram=histogram)


def _attribute_id(value) -> str | None:
    """An attribute id, or None for the -1 AliExpress gives seller-defined attributes (F2020)."""
    text = as_id(value)
    return text if text and int(text) > 0 else None


def specs_from(props) -> list[Spec]:
    """``specsModule.props`` / ``specsInfo.specs`` / ``productPropComponent.props``:
    ``[{attrName, attrValue, attrNameId?, attrValueId?}]``."""
    specs = []
    for prop in as_list(props):
        if not isinstance(prop, dict):
            continue
        name, value = as_text(prop.get("attrName")), as_text(prop.get("attrValue"))
        if name and value:
            specs.append(Spec(name, value, _attribute_id(prop.get("attrNameId")), _attribute_id(prop.get("attrValueId"))))
    return specs


def _property_values(property_list) -> dict[tuple[str, str], dict]:
    values = {}
    for prop in as_list(property_list):
        if not isinstance(prop, dict):
            continue
        prop_id = as_id(prop.get("skuPropertyId"))
        for value in as_list(prop.get("skuPropertyValues")):
            if isinstance(value, dict):
                value_id = as_id(value.get("propertyValueIdLong") or value.get("propertyValueId"))
                values[(prop_id, value_id)] = value
    return values


def variants_from(sku_list, property_list) -> list[Variant]:
    """Join ``skuPriceList`` rows to their property names (Gen A/B/C share this shape).

    ``skuAttr`` is ``"propId:valueId[#custom name];…"`` (docs/sources.md); sku ids exceed 2^53, so
    the string form ``skuIdStr`` is kept.
    """
    values = _property_values(property_list)
    variants = []
    for row in as_list(sku_list):
        if not isinstance(row, dict):
            continue
        sku_id = as_id(row.get("skuIdStr") or row.get("skuId"))
        if not sku_id:
            continue
        names, ships_from, image = [], None, None
        for part in (as_text(row.get("skuAttr")) or "").split(";"):
            if ":" not in part:
                continue
            prop_id, _, rest = part.partition(":")
            value_id, _, custom = rest.partition("#")
            value = values.get((prop_id, value_id), {})
            label = as_text(custom) or as_text(value.get("propertyValueDisplayName")) or as_text(value.get("propertyValueName"))
            if prop_id == SHIPS_FROM_PROPERTY_ID:
                ships_from = as_text(value.get("skuPropertySendGoodsCountryCode")) or label
            elif label:
                names.append(label)
            image = image or image_key(as_text(value.get("skuPropertyImagePath")))
        price_info = as_dict(row.get("skuVal"))
        sale = price_value(price_info.get("skuActivityAmount"))
        regular = price_value(price_info.get("skuAmount"))
        variants.append(
            Variant(
                sku_id=sku_id,
                name=" / ".join(names) or None,
                price=sale if sale is not None else regular,
                original_price=regular if sale is not None and regular != sale else None,
                stock=as_int(price_info.get("availQuantity", row.get("skuStock"))),
                ships_from=ships_from,
                image_key=image,
            )
        )
    return variants


def _ut_params(biz: dict) -> dict:
    raw = biz.get("utParams")
    if isinstance(raw, str):
        try:
            return as_dict(jsontext.loads(raw))
        except jsontext.NotJSON:
            return {}
    return as_dict(raw)


# The page's own words for an option that cannot deliver to the shopper's country: the keys of
# its shipping i18n map (every generation carries them: "Can not deliver" and "This Supplier/
# Shipping Company does not deliver to your selected Country/Region." on F2212, F2209 and F2607,
# "לא ניתן לשלוח" on F2020; CAN_NOE is the page's own spelling).
CANNOT_DELIVER_KEYS = ("CAN_NOT_DELIVER", "CAN_NOE_DELIVER_NOTE")
# The English words, for data that carries no i18n map.
CANNOT_DELIVER_WORDS = ("Can not deliver", "does not deliver to your selected Country/Region")


def cannot_deliver_words(i18n) -> tuple[str, ...]:
    """The page's words for "cannot deliver" from one of its i18n maps, then the English ones."""
    mapped = as_dict(i18n)
    own = tuple(text for key in CANNOT_DELIVER_KEYS if (text := as_text(mapped.get(key))))
    return own + CANNOT_DELIVER_WORDS


def says_cannot_deliver(texts, words: tuple[str, ...]) -> bool:
    folded = [" ".join(text.casefold().split()) for text in texts if text]
    return any(" ".join(word.casefold().split()) in text for word in words for text in folded)


def shipping_from_layouts(layouts, cannot_deliver: tuple[str, ...] = CANNOT_DELIVER_WORDS
                          ) -> tuple[list[Shipping], DeliveryGuarantee | None, str | None]:
    """Delivery options from ``…originalLayoutResultList[].bizData`` (Gen A/B/C/D).

    Returns the options in page order, the delivery guarantee of the first one, and the ship-to
    country code the options were computed for. An option whose panel shows the page's words for
    "cannot deliver" (``cannot_deliver``) is kept as not deliverable, even without data.
    """
    options: list[Shipping] = []
    guarantee = None
    ship_to = None
    for layout in as_list(layouts):
        biz = as_dict(as_dict(layout).get("bizData"))
        unreachable = says_cannot_deliver(_shown_texts(as_dict(layout)), cannot_deliver)
        if not biz:
            if unreachable:
                options.append(Shipping(deliverable=False))
            continue
        ut = _ut_params(biz)
        currency = currency_code(biz.get("displayCurrency"), biz.get("currency"), ut.get("currency"))
        if biz.get("shippingFee") == "free":
            cost = 0.0
        else:
            cost = money_value(biz.get("displayAmount"))
            if cost is None:
                cost = money_value(biz.get("formattedAmount"))
        tracking = biz.get("tracking")
        tracked = {"visible": True, "invisible": False}.get(tracking, as_bool(ut.get("trackingAvailable")))
        delivery_date = None
        iso = as_text(ut.get("deliveryDate"))
        if iso and re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
            delivery_date = iso
        else:
            for key in ("displayEtaMaxDate", "deliveryDate"):
                text = as_text(biz.get(key))
                if text and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                    delivery_date = text
                    break
        guaranteed = as_int(biz.get("guaranteedDeliveryTime"), textparse.MAX_DAYS)
        # "Free shipping over MXN 170": a threshold above zero that this order does not meet
        # (F2607's Choice option meets a ￡0.00 one: thresholdOverZero "no", shown as free).
        free_over = None
        if biz.get("thresholdOverZero") == "yes" and biz.get("meetLogisticsComposeThreshold") != "yes":
            threshold = money_value(biz.get("logisticsComposeThreshold"))
            free_over = threshold if threshold and threshold > 0 else None
        option = (
            Shipping(
                method=as_text(biz.get("deliveryProviderName") or biz.get("company")),
                cost=cost,
                currency=currency,
                min_days=as_int(biz.get("deliveryDayMin", ut.get("deliveryDayMin")), textparse.MAX_DAYS),
                max_days=as_int(biz.get("deliveryDayMax", ut.get("deliveryDayMax")), textparse.MAX_DAYS),
                tracked=tracked,
                ships_from=as_text(biz.get("shipFromCode") or ut.get("shipFrom")),
                delivery_date=delivery_date,
                guaranteed_days=guaranteed,
                free_over=free_over,
                deliverable=False if unreachable else None,
            )
        )
        if any(value is not None for name, value in vars(option).items() if name != "currency"):
            options.append(option)  # an option the data leaves empty (a currency at most) is no option
        if guarantee is None and (guaranteed or biz.get("delayCompensationAmountDisplay")):
            guarantee = DeliveryGuarantee(
                days=guaranteed,
                compensation=as_text(biz.get("delayCompensationAmountDisplay")),
            )
        ship_to = ship_to or as_text(biz.get("shipToCode") or ut.get("shipToCountry"))
    return options, guarantee, ship_to


def condition_holds(condition: str | None, facts: dict) -> bool:
    """A layout block's ``displayCondition`` ("shippingFee=free||thresholdOverZero!=yes"): the
    page shows the block when it holds for the option's ``bizData``. ``default=visible`` always
    holds. Alternatives are ``||``, conjunctions ``&&``."""
    if not condition:
        return True
    for alternative in condition.split("||"):
        terms = [term.strip() for term in alternative.split("&&") if term.strip()]
        if terms and all(_term_holds(term, facts) for term in terms):
            return True
    return False


def _term_holds(term: str, facts: dict) -> bool:
    negated = "!=" in term
    key, _, expected = term.partition("!=" if negated else "=")
    key, expected = key.strip(), expected.strip()
    if key == "default":
        return not negated
    actual = as_text(facts.get(key)) or ""
    return (actual != expected) if negated else (actual == expected)


def _shown_texts(layout: dict):
    """The words of every block an option's layout shows (its display condition holds), tags
    and styling removed."""
    facts = as_dict(layout.get("bizData"))
    for group, rows in layout.items():
        if not group.endswith("Layout") or not isinstance(rows, list):
            continue
        for row in rows:
            for block in (row if isinstance(row, list) else [row]):
                block = as_dict(block)
                content = as_text(block.get("content"))
                if content and condition_holds(as_text(block.get("displayCondition")), facts):
                    # [^<>]: a "<" never closed costs one pass, not a scan to the end per "<".
                    yield " ".join(re.sub(r"<[^<>]*>", " ", content).split())


def free_returns_in_layouts(layouts) -> bool | None:
    """True when a delivery option's panel shows free returns, in the site's language (the
    shipping panels of generations A to D carry service lines beside the delivery ones);
    None when none does: not shown is not "no free returns"."""
    for layout in as_list(layouts):
        if any(textparse.says_free_return(text) for text in _shown_texts(as_dict(layout))):
            return True
    return None


def protection_days(name) -> int | None:
    """"90-Day Buyer Protection" → 90. A template such as "{day}-Day Buyer Protection" is None:
    the page had not filled the number in, and emptor does not guess it."""
    text = as_text(name)
    if not text or "{" in text:
        return None
    match = re.search(r"(?<!\d)\d{1,3}(?!\d)", text)
    days = int(match.group(0)) if match else None
    return days if days else None


def opened_date(value) -> str | None:
    """A store's opening date: "Aug 4, 2014", "September 9, 2016", "2025-03-03 19:08:05" (the
    date as written: F2607's openTime) or epoch milliseconds (read in UTC). Where a page gives
    the displayed text too (``formatOpenTime``), readers pass that first: an epoch converted in
    UTC can land on the next day of the one the shopper was shown."""
    millis = as_int(value, maximum=10**14)
    if millis is not None and millis >= 10**11:
        date = textparse.date_from_epoch_ms(millis)
    else:
        text = as_text(value)
        written = re.match(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]|$)", text or "")
        try:
            date = dt.date(*map(int, written.groups())) if written else textparse.parse_english_date(text)
        except ValueError:
            date = None
    return date.isoformat() if date else None


def is_official_store_name(name: str | None) -> bool | None:
    """AliExpress names brand-authorised stores "<Brand> Official Store"."""
    if not name:
        return None
    return bool(re.search(r"\bofficial\s+store\b", name, re.IGNORECASE))


# Every reader builds its listing and seller through these two, so what follows from the page's
# own words is worked out once: the global id from the id shown, "official" from the store name.

def new_listing(shown_id: str | None = None, **fields) -> Listing:
    """An AliExpress listing; ``shown_id`` is the id as the page shows it (the US site's alias,
    say), from which the global id the history is keyed by follows."""
    return Listing(marketplace=NAME, product_id=hosts.global_product_id(shown_id), product_id_shown=shown_id, **fields)


def new_seller(name=None, **fields) -> Seller:
    """A store as the page shows it; whether it is an official brand store follows from its name."""
    store_name = as_text(name)
    return Seller(name=store_name, official=is_official_store_name(store_name), **fields)


# AliExpress's locales are Java's, which still use the retired codes for Hebrew, Indonesian and
# Yiddish: "iw_IL" is Hebrew.
JAVA_LANGUAGES = {"iw": "he", "in": "id", "ji": "yi"}


_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


def language_from_locale(locale: str | None) -> str | None:
    """"iw_IL" → "he", "en_US" → "en", "de-DE" → "de"; None for anything that is not an ISO 639
    code once the region is cut ("english", "x": a page can say anything)."""
    if not locale:
        return None
    language = re.split(r"[_-]", locale.strip())[0].lower()
    language = JAVA_LANGUAGES.get(language, language)
    return language if _LANGUAGE_CODE.fullmatch(language) else None


def locale_of_language(language: str | None) -> str:
    """The Java locale AliExpress's feeds ask for: "en" → "en_US", "de" → "de_DE", "he" → "iw_IL"."""
    if not language or language == "en":
        return "en_US"
    java = {standard: old for old, standard in JAVA_LANGUAGES.items()}.get(language, language)
    return f"{java}_{'IL' if language == 'he' else language.upper()}"

