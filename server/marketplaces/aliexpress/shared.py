"""Pieces of AliExpress data that look the same in several page generations.

Field names are from research/ALIEXPRESS_ANATOMY.md §1; each function says which generations
use the shape it reads.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from heuristics.model import DeliveryGuarantee, Rating, Shipping, Spec, Variant

from ... import textparse

SHIPS_FROM_PROPERTY_ID = "200007763"  # the "Ships From" SKU property (ANATOMY §1.2)

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
    for url in urls or ():
        key = image_key(url if isinstance(url, str) else None)
        if key and key not in keys:
            keys.append(key)
    return keys


def as_text(value) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def as_int(value) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value)
    text = str(value).strip()
    return int(text) if text.isdigit() else None


def as_bool(value) -> bool | None:
    return value if isinstance(value, bool) else None


def money_value(amount) -> float | None:
    """``{"currency": "EUR", "formatedAmount": "€ 97,39", "value": 97.39}`` → 97.39."""
    if isinstance(amount, dict):
        value = amount.get("value")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        return textparse.parse_amount(amount.get("formatedAmount") or amount.get("formattedAmount"))
    if isinstance(amount, (int, float)) and not isinstance(amount, bool):
        return float(amount)
    if isinstance(amount, str):
        return textparse.parse_amount(amount)
    return None


def money_currency(amount) -> str | None:
    if isinstance(amount, dict):
        return as_text(amount.get("currency")) or textparse.currency_of(amount.get("formatedAmount"))
    return None


def rating_from_summary(summary) -> Rating:
    """``titleModule.feedbackRating`` (Gen A) / ``feedbackComponent`` (Gen C), including the
    misspelt ``evarageStar`` AliExpress actually sends."""
    if not isinstance(summary, dict):
        return Rating()
    average = summary.get("averageStar", summary.get("evarageStar"))
    average = textparse.parse_amount(str(average)) if average is not None else None
    names = ("one", "two", "three", "four", "five")
    counts = {str(i + 1): as_int(summary.get(f"{name}StarNum")) for i, name in enumerate(names)}
    histogram = counts if all(v is not None for v in counts.values()) else None
    return Rating(average=average, count=as_int(summary.get("totalValidNum")), histogram=histogram)


def _attribute_id(value) -> str | None:
    """An attribute id, or None for the -1 AliExpress gives seller-defined attributes (F2020)."""
    text = as_text(value)
    return text if text and text.isdigit() and int(text) > 0 else None


def specs_from(props) -> list[Spec]:
    """``specsModule.props`` / ``specsInfo.specs`` / ``productPropComponent.props``:
    ``[{attrName, attrValue, attrNameId?, attrValueId?}]``."""
    specs = []
    for prop in props or ():
        if not isinstance(prop, dict):
            continue
        name, value = as_text(prop.get("attrName")), as_text(prop.get("attrValue"))
        if name and value:
            specs.append(Spec(name, value, _attribute_id(prop.get("attrNameId")), _attribute_id(prop.get("attrValueId"))))
    return specs


def _property_values(property_list) -> dict[tuple[str, str], dict]:
    values = {}
    for prop in property_list or ():
        if not isinstance(prop, dict):
            continue
        prop_id = as_text(prop.get("skuPropertyId"))
        for value in prop.get("skuPropertyValues") or ():
            if isinstance(value, dict):
                value_id = as_text(value.get("propertyValueIdLong") or value.get("propertyValueId"))
                values[(prop_id, value_id)] = value
    return values


def variants_from(sku_list, property_list) -> list[Variant]:
    """Join ``skuPriceList`` rows to their property names (Gen A/B/C share this shape).

    ``skuAttr`` is ``"propId:valueId[#custom name];…"`` (ANATOMY §1.2); sku ids exceed 2^53, so
    the string form ``skuIdStr`` is kept.
    """
    values = _property_values(property_list)
    variants = []
    for row in sku_list or ():
        if not isinstance(row, dict):
            continue
        sku_id = as_text(row.get("skuIdStr") or row.get("skuId"))
        if not sku_id:
            continue
        names, ships_from, image = [], None, None
        for part in (row.get("skuAttr") or "").split(";"):
            if ":" not in part:
                continue
            prop_id, _, rest = part.partition(":")
            value_id, _, custom = rest.partition("#")
            value = values.get((prop_id, value_id), {})
            label = custom or value.get("propertyValueDisplayName") or value.get("propertyValueName")
            if prop_id == SHIPS_FROM_PROPERTY_ID:
                ships_from = as_text(value.get("skuPropertySendGoodsCountryCode")) or as_text(label)
            elif label:
                names.append(str(label))
            image = image or image_key(value.get("skuPropertyImagePath"))
        price_info = row.get("skuVal") or {}
        sale = money_value(price_info.get("skuActivityAmount"))
        regular = money_value(price_info.get("skuAmount"))
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
            value = json.loads(raw)
            return value if isinstance(value, dict) else {}
        except json.JSONDecodeError:
            return {}
    return raw if isinstance(raw, dict) else {}


def shipping_from_layouts(layouts) -> tuple[list[Shipping], DeliveryGuarantee | None, str | None]:
    """Delivery options from ``…originalLayoutResultList[].bizData`` (Gen A/B/C/D).

    Returns the options in page order, the delivery guarantee of the first one, and the ship-to
    country code the options were computed for.
    """
    options: list[Shipping] = []
    guarantee = None
    ship_to = None
    for layout in layouts or ():
        biz = layout.get("bizData") if isinstance(layout, dict) else None
        if not isinstance(biz, dict):
            continue
        ut = _ut_params(biz)
        currency = as_text(biz.get("displayCurrency") or biz.get("currency") or ut.get("currency"))
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
        guaranteed = as_int(biz.get("guaranteedDeliveryTime"))
        options.append(
            Shipping(
                method=as_text(biz.get("deliveryProviderName") or biz.get("company")),
                cost=cost,
                currency=currency,
                min_days=as_int(biz.get("deliveryDayMin")),
                max_days=as_int(biz.get("deliveryDayMax")),
                tracked=tracked,
                ships_from=as_text(biz.get("shipFromCode") or ut.get("shipFrom")),
                delivery_date=delivery_date,
                guaranteed_days=guaranteed,
            )
        )
        if guarantee is None and (guaranteed or biz.get("delayCompensationAmountDisplay")):
            guarantee = DeliveryGuarantee(
                days=guaranteed,
                compensation=as_text(biz.get("delayCompensationAmountDisplay")),
            )
        ship_to = ship_to or as_text(biz.get("shipToCode") or ut.get("shipToCountry"))
    return options, guarantee, ship_to


def protection_days(name) -> int | None:
    """"90-Day Buyer Protection" → 90. A template such as "{day}-Day Buyer Protection" is None:
    the page had not filled the number in, and emptor does not guess it."""
    text = as_text(name)
    if not text or "{" in text:
        return None
    match = re.search(r"\d{1,3}", text)
    return int(match.group(0)) if match else None


def opened_date(value) -> str | None:
    """A store's opening date: "Aug 4, 2014", "September 9, 2016" or epoch milliseconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        date = textparse.date_from_epoch_ms(value)
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) >= 12:
        date = textparse.date_from_epoch_ms(int(value.strip()))
    else:
        date = textparse.parse_english_date(as_text(value))
    return date.isoformat() if date else None


def is_official_store_name(name: str | None) -> bool | None:
    """AliExpress names brand-authorised stores "<Brand> Official Store"."""
    if not name:
        return None
    return bool(re.search(r"\bofficial\s+store\b", name, re.IGNORECASE))


def language_from_locale(locale: str | None) -> str | None:
    """"iw_IL" → "he" (Java still uses the retired code "iw" for Hebrew), "en_US" → "en"."""
    if not locale:
        return None
    language = re.split(r"[_-]", locale)[0].lower()
    return {"iw": "he", "in": "id", "ji": "yi"}.get(language, language) or None


def utc_date(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(dt.timezone.utc).date() if moment else None
