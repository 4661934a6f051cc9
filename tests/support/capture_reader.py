"""An independent reader of the real 2026 generation D capture (F2607), for the tests that hold
emptor's readers to it: written from the capture's own structure with nothing but ``json`` and
``re``, not from emptor's readers, and not copied from emptor's output."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from .fixtures import F2607, read_text


def raw_components() -> dict:
    dump = json.loads(read_text(F2607))
    assert dump["window_key"] == "_d_c_"
    (event,) = dump["state"]["lifeCycleEventList"]
    return event["data"]


def displayed_amount(text: str) -> float:
    """"￡0.85" → 0.85 (the capture's prices are all written with a point)."""
    return float(re.sub(r"[^0-9.]", "", text))


def expected_from_capture(c: dict) -> dict:
    """What the capture says, field by field, read the plain way."""
    global_data = c["GLOBAL_DATA"]["globalData"]
    prices = c["PRICE"]["skuIdStrPriceInfoMap"]
    paths = c["SKU"]["skuPaths"]
    shop, seller = c["SHOP_CARD_PC"], c["SHOP_CARD_PC"]["sellerInfo"]
    option = c["SHIPPING"]["originalLayoutResultList"][0]
    biz, ut = option["bizData"], json.loads(option["bizData"]["utParams"])
    sale = {sku: displayed_amount(info["salePriceString"]) for sku, info in prices.items()}
    was = {sku: info["originalPrice"]["value"] for sku, info in prices.items()}
    shown_free = any("Free shipping" in block["content"] for row in option["titleLayout"] for block in row)
    keys = []
    for url in c["HEADER_IMAGE_PC"]["imagePathList"]:
        key = re.search(r"/kf/(S[0-9A-Za-z]+)\.", url).group(1)
        if key not in keys:
            keys.append(key)
    return {
        "product_id": global_data["productId"],
        "title": c["PRODUCT_TITLE"]["text"],
        "category_id": global_data["categoryId"],
        "locale": {"country": biz["shipToCode"], "currency": global_data["currencyCode"],
                   "language": global_data["localStr"].split("_")[0]},
        "price": {"currency": global_data["currencyCode"], "min": min(sale.values()), "max": max(sale.values()),
                  "original_min": min(was.values()), "original_max": max(was.values())},
        "variants": sorted(
            (path["skuIdStr"], path["skuAttr"].split("#")[1], sale[path["skuIdStr"]], was[path["skuIdStr"]], path["skuStock"])
            for path in paths
        ),
        "seller": {
            "name": shop["storeName"], "store_id": str(seller["storeNum"]),
            "positive_rate": float(shop["sellerPositiveRate"]), "feedback_count": shop["sellerTotalNum"],
            "opened": dt.datetime.strptime(seller["formatOpenTime"], "%b %d, %Y").date().isoformat(),
            "top_rated": seller["topRatedSeller"], "country": seller["countryCompleteName"],
        },
        "rating": {"average": float(c["PC_RATING"]["rating"]), "count": c["PC_RATING"]["totalValidNum"]},
        "orders": int(c["PC_RATING"]["otherText"].split()[0]),
        "choice": c["DELIVERY_GUARANTEE_SERVICE"]["params"]["sceneType"] == "ONLY_CHOICE",
        "free_return": c["AFTER_SALE_SERVICE_BLOCK"]["shortTitle"] == "Free returns",
        "guarantee_days": biz["guaranteedDeliveryTime"],
        "compensation": biz["delayCompensationAmountDisplay"],
        "shipping": {"method": biz["deliveryProviderName"], "cost": 0.0 if shown_free else None,
                     "min_days": ut["deliveryDayMin"], "max_days": ut["deliveryDayMax"],
                     "delivery_date": ut["deliveryDate"], "ships_from": biz["shipFromCode"],
                     "tracked": biz["tracking"] == "visible", "guaranteed_days": biz["guaranteedDeliveryTime"]},
        "specs": [(prop["attrName"], prop["attrValue"]) for prop in c["PRODUCT_PROP_PC"]["showedProps"]],
        "image_keys": keys,
        # The trace id's digits after the server's 8 hex digits: epoch milliseconds.
        "captured": dt.datetime.fromtimestamp(int(global_data["traceId"][8:21]) / 1000, tz=dt.timezone.utc),
    }


def assert_listing_matches(listing: dict, expected: dict) -> None:
    for name in ("product_id", "title", "category_id", "locale", "orders", "image_keys"):
        assert listing[name] == expected[name], name
    assert {k: listing["price"][k] for k in expected["price"]} == expected["price"]
    assert sorted((v["sku_id"], v["name"], v["price"], v["original_price"], v["stock"])
                  for v in listing["variants"]) == expected["variants"]
    assert {k: listing["seller"][k] for k in expected["seller"]} == expected["seller"]
    assert {k: listing["rating"][k] for k in expected["rating"]} == expected["rating"]
    badges = listing["badges"]
    assert (badges["choice"], badges["free_return"]) == (expected["choice"], expected["free_return"])
    assert badges["delivery_guarantee"]["days"] == expected["guarantee_days"]
    assert badges["delivery_guarantee"]["compensation"] == expected["compensation"]
    (option,) = listing["shipping"]
    assert {k: option[k] for k in expected["shipping"]} == expected["shipping"]
    assert [(s["name"], s["value"]) for s in listing["specs"]] == expected["specs"]


# --- every page fixture (issue 9): what each raw page says, read the plain way ------------------
#
# One reader per page shape (docs/sources.md, "AliExpress page generations"), each written from
# the capture's own structure with ``json`` and ``re`` only: the embedded JSON is found by string
# search and decoded with ``json.JSONDecoder.raw_decode``, the rendered markup is read with a few
# regular expressions. Each field comes with where it lives in the capture, so that a
# disagreement names its evidence. ``None`` means the capture does not hold the field.

ALIAS_OFFSET = 2**51  # docs/sources.md, "Product ids": the US site's alias is the global id + 2^51

# The listing fields the golden tests compare, flattened.
GOLDEN_FIELDS = (
    "product_id", "product_id_shown", "title", "currency", "locale.country", "locale.language",
    "price.min", "price.max", "price.original_min", "price.original_max", "variants.count", "variants.ids",
    "seller.name", "seller.store_id", "seller.positive_rate", "seller.feedback_count", "seller.opened",
    "rating.average", "rating.count", "orders", "badges.choice", "badges.free_return",
    "badges.buyer_protection_days", "badges.delivery_guarantee.days", "shipping.count", "shipping[0].cost",
)


def found(value, where: str) -> tuple:
    return (value, where)


def absent(why: str = "not in the capture") -> tuple:
    return (None, why)


def decode_after(text: str, marker: str, start: int = 0):
    """The JSON value that begins at the first ``{`` after ``marker``."""
    at = text.index(marker, start) + len(marker)
    return json.JSONDecoder().raw_decode(text, text.index("{", at))[0]


def run_params_data(html: str) -> dict:
    """``window.runParams = { data: {…} }``: the object literal's key is bare JavaScript, its value JSON."""
    return decode_after(html, "data:", html.index("window.runParams = {"))


def global_id(shown: str) -> str:
    return str(int(shown) - ALIAS_OFFSET) if int(shown) >= ALIAS_OFFSET else shown


def canonical_id(html: str) -> str:
    """The global id in the page's ``<link rel="canonical">`` (also inside a JSON string)."""
    return re.search(r'<link rel=\\?"canonical\\?" href=\\?"[^"\\]*/item/(\d+)\.html', html).group(1)


def percent(text: str) -> float:
    """"93.6%" → 93.6."""
    return float(text.rstrip("%"))


def opened_as_shown(text: str) -> str:
    """"Aug 4, 2014" or "September 9, 2016" → an ISO date."""
    for form in ("%b %d, %Y", "%B %d, %Y"):
        try:
            return dt.datetime.strptime(text, form).date().isoformat()
        except ValueError:
            pass
    raise ValueError(text)


def language_of(locale: str) -> str:
    """"iw_IL" → "he": AliExpress keeps Java's retired code for Hebrew (docs/sources.md, "The review feed")."""
    language = locale.split("_")[0]
    return {"iw": "he"}.get(language, language)


def _shows_free_shipping(option: dict) -> bool:
    return any("Free shipping" in block.get("content", "") for row in option.get("titleLayout", []) for block in row)


def layout_shipping(options: list, where: str) -> dict:
    """The delivery options of ``originalLayoutResultList`` (generations A, B and D): the first
    option's cost as its layout shows it ("Free shipping"), else its ``bizData.displayAmount``."""
    first = options[0]["bizData"]
    cost = 0.0 if _shows_free_shipping(options[0]) else first["displayAmount"]
    return {
        "shipping.count": found(len(options), f"{where}.originalLayoutResultList ({len(options)} options)"),
        "shipping[0].cost": found(cost, f"{where}.originalLayoutResultList[0]: displayAmount {first['displayAmount']}, "
                                        f"shippingFee {first['shippingFee']!r}, free shown: {_shows_free_shipping(options[0])}"),
        "badges.delivery_guarantee.days": found(first.get("guaranteedDeliveryTime"),
                                                f"{where}.originalLayoutResultList[0].bizData.guaranteedDeliveryTime"),
    }


def _prices(block: dict, where: str) -> dict:
    """``minActivityAmount``… (generations A and B): the sale range, then the "original" range."""
    keys = {"price.min": "minActivityAmount", "price.max": "maxActivityAmount",
            "price.original_min": "minAmount", "price.original_max": "maxAmount"}
    return {name: found(block[key]["value"], f"{where}.{key}.value") for name, key in keys.items()}


def _variant_ids(ids: list, where: str) -> dict:
    return {"variants.count": found(len(ids), where), "variants.ids": found(sorted(ids), where)}


def _days_in_template(template: str, shown: str | None) -> int | None:
    """The number a rendered line puts in its template's ``{day}`` ("90-Day Buyer Protection")."""
    if not shown:
        return None
    match = re.fullmatch(re.escape(template).replace(re.escape("{day}"), r"(\d+)"), shown.strip())
    return int(match.group(1)) if match else None


def _rendered_2020_protection(data: dict, html: str) -> tuple:
    template = data["buyerProtectionModule"]["buyerProtection"]["name"]
    title = re.search(r'class="buyer-pretection-title[^"]*">([^<]*)<', html)
    days = _days_in_template(template, title.group(1) if title else None)
    if days is None:
        return absent(f"buyerProtectionModule.buyerProtection.name is the template {template!r}, no rendered title fills it")
    return found(days, f".buyer-pretection-title {title.group(1)!r} (template {template!r})")


def _rendered_2020_shipping(html: str, i18n: dict) -> dict:
    """The 2019-2022 layout shows the chosen delivery option only: "Free shipping" in the page's
    own words (``shippingModule.i18nMap.FREE_SHIPPING``) or a price."""
    shown = [html_text(text) for text in re.findall(r'<div class="product-shipping-price"><span class="bold">(.*?)</span>', html)]
    cost = 0.0 if shown[0] == i18n["FREE_SHIPPING"] else displayed_amount(shown[0])
    return {
        "shipping.count": found(len(shown), ".product-shipping-price (the rendered option)"),
        "shipping[0].cost": found(cost, f".product-shipping-price {shown[0]!r} (FREE_SHIPPING is {i18n['FREE_SHIPPING']!r})"),
        "badges.delivery_guarantee.days": absent("the rendered option shows an estimated date, no guarantee"),
    }


def html_text(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).replace("&nbsp;", " ").replace("&amp;", "&").split())


def _module_seller(store: dict, where: str) -> dict:
    count = store.get("positiveNum")
    return {
        "seller.name": found(store["storeName"], f"{where}.storeName"),
        "seller.store_id": found(str(store["storeNum"]), f"{where}.storeNum"),
        "seller.positive_rate": found(percent(store["positiveRate"]), f"{where}.positiveRate {store['positiveRate']!r}"),
        # The count beside the rate: positive ratings in A and B (docs/rules.md, SEL002).
        "seller.feedback_count": found(count, f"{where}.positiveNum")
        if count is not None else absent(f"{where} has no positiveNum"),
        "seller.opened": found(opened_as_shown(store["openTime"]), f"{where}.openTime {store['openTime']!r}"),
    }


def read_generation_a(html: str) -> dict:
    """``window.runParams.data`` with ``…Module`` blocks (F2020, F2212); what the data leaves as a
    template (F2020's buyer protection, its shipping) is read from the rendered page when it is one."""
    data = run_params_data(html)
    common, title, store, env = data["commonModule"], data["titleModule"], data["storeModule"], data["webEnv"]
    rating, price = title["feedbackRating"], data["priceModule"]
    shipping, shown = data["shippingModule"], str(common.get("productIdStr") or common["productId"])
    assert canonical_id(html) == global_id(shown)  # the US alias is the global id + 2^51
    fields = {
        "product_id": found(canonical_id(html), "<link rel=canonical>"),
        "product_id_shown": found(shown, "commonModule.productId"),
        "title": found(title["subject"], "titleModule.subject"),
        "currency": found(price["minActivityAmount"]["currency"], "priceModule.minActivityAmount.currency"),
        "locale.country": found(env["country"], "webEnv.country"),
        "locale.language": found(language_of(env["locale"]), f"webEnv.locale {env['locale']!r}"),
        **_prices(price, "priceModule"),
        **_variant_ids([sku["skuIdStr"] for sku in data["skuModule"]["skuPriceList"]], "skuModule.skuPriceList[].skuIdStr"),
        **_module_seller(store, "storeModule"),
        "rating.average": found(float(rating["averageStar"]), "titleModule.feedbackRating.averageStar"),
        "rating.count": found(rating["totalValidNum"], "titleModule.feedbackRating.totalValidNum"),
        "orders": found(title["tradeCount"], "titleModule.tradeCount"),
        "badges.choice": found(common["choiceProduct"], "commonModule.choiceProduct")
        if "choiceProduct" in common else absent("commonModule has no choiceProduct"),
        "badges.free_return": absent("no free-return flag or words"),
        "badges.buyer_protection_days": _rendered_2020_protection(data, html),
    }
    if "generalFreightInfo" in shipping:
        options = shipping["generalFreightInfo"]["originalLayoutResultList"]
        fields.update(layout_shipping(options, "shippingModule.generalFreightInfo"))
    else:
        fields.update(_rendered_2020_shipping(html, shipping["i18nMap"]))
    return fields


def read_generation_b(text: str) -> dict:
    """``_init_data_``: components found by ``type`` (F2209)."""
    by_type = {component["type"]: component["fields"] for component in json.loads(text)["data"]["data"].values()}
    seo, price, title = by_type["seoTdk"], by_type["price"], by_type["titleBanner"]
    options = by_type["shipping"]["generalFreightInfo"]["originalLayoutResultList"]
    protection = by_type["buyerProtection"]["buyerProtection"]["name"]
    assert canonical_id(seo["canonicalTag"]) == global_id(seo["productId"])  # the US alias is the global id + 2^51
    fields = {
        "product_id": found(canonical_id(seo["canonicalTag"]), "seoTdk.canonicalTag"),
        "product_id_shown": found(seo["productId"], "seoTdk.productId"),
        "title": found(title["subject"], "titleBanner.subject"),
        "currency": found(price["minActivityAmount"]["currency"], "price.minActivityAmount.currency"),
        "locale.country": found(options[0]["bizData"]["shipToCode"], "shipping…originalLayoutResultList[0].bizData.shipToCode"),
        "locale.language": found(language_of(by_type["description"]["locale"]), "description.locale"),
        **_prices(price, "price"),
        **_variant_ids([sku["skuIdStr"] for sku in by_type["sku"]["skuList"]], "sku.skuList[].skuIdStr"),
        **_module_seller(by_type["headerInfo"]["_for_header_info"]["storeModule"], "headerInfo._for_header_info.storeModule"),
        "rating.average": absent("no rating block (reviews holds only labels)"),
        "rating.count": absent("no rating block (reviews holds only labels)"),
        "orders": found(int(by_type["shareHeader"]["formatTradeCount"]), "shareHeader.formatTradeCount"),
        "badges.choice": absent("productTag is empty"),
        "badges.free_return": absent("no free-return flag or words"),
        "badges.buyer_protection_days": absent(f"buyerProtection.name is the template {protection!r}"),
        **layout_shipping(options, "shipping.generalFreightInfo"),
    }
    return fields


def read_generation_d(components: dict) -> dict:
    """The 2026 components (F2607), through :func:`expected_from_capture`, plus the options' count."""
    e = expected_from_capture(components)
    options = components["SHIPPING"]["originalLayoutResultList"]
    fields = {
        "product_id": found(e["product_id"], "GLOBAL_DATA.globalData.productId"),
        "product_id_shown": found(e["product_id"], "GLOBAL_DATA.globalData.productId"),
        "title": found(e["title"], "PRODUCT_TITLE.text"),
        "currency": found(e["price"]["currency"], "GLOBAL_DATA.globalData.currencyCode"),
        "locale.country": found(e["locale"]["country"], "SHIPPING…[0].bizData.shipToCode"),
        "locale.language": found(e["locale"]["language"], "GLOBAL_DATA.globalData.localStr"),
        **{f"price.{key}": found(e["price"][key], "PRICE.skuIdStrPriceInfoMap (salePriceString, originalPrice)")
           for key in ("min", "max", "original_min", "original_max")},
        **_variant_ids([variant[0] for variant in e["variants"]], "SKU.skuPaths[].skuIdStr"),
        "seller.name": found(e["seller"]["name"], "SHOP_CARD_PC.storeName"),
        "seller.store_id": found(e["seller"]["store_id"], "SHOP_CARD_PC.sellerInfo.storeNum"),
        "seller.positive_rate": found(e["seller"]["positive_rate"], "SHOP_CARD_PC.sellerPositiveRate"),
        # All ratings in C and D (docs/rules.md, SEL002).
        "seller.feedback_count": found(e["seller"]["feedback_count"], "SHOP_CARD_PC.sellerTotalNum"),
        "seller.opened": found(e["seller"]["opened"], "SHOP_CARD_PC.sellerInfo.formatOpenTime"),
        "rating.average": found(e["rating"]["average"], "PC_RATING.rating"),
        "rating.count": found(e["rating"]["count"], "PC_RATING.totalValidNum"),
        "orders": found(e["orders"], "PC_RATING.otherText"),
        "badges.choice": found(e["choice"], "DELIVERY_GUARANTEE_SERVICE.params.sceneType"),
        "badges.free_return": found(e["free_return"], "AFTER_SALE_SERVICE_BLOCK.shortTitle"),
        "badges.buyer_protection_days": absent("no block names a buyer-protection period"),
        **layout_shipping(options, "SHIPPING"),
    }
    return fields


def _first(pattern: str, html: str) -> str:
    return re.search(pattern, html).group(1)


def ship_to(html: str) -> tuple[str, str, str]:
    """The 2024+ header's ship-to setting: the flag's country class, "EN/" and the currency."""
    return re.search(r'country-flag-y2023 ([A-Z]{2})"></span><div[^>]*><span[^>]*>([A-Z]{2})/</span><b>([A-Z]{3})', html).groups()


def choice_tag_image(html: str) -> str | None:
    """The image of the rendered store card's ``store-info--choiceTag--*`` element, if any."""
    tag = re.search(r'<img class="store-info--choiceTag--[^"]*" src="([^"]+)"', html)
    return tag.group(1) if tag else None


def image_key(url: str) -> str:
    """".../kf/Sd0319….../232x98.png_.avif" → "Sd0319…": the key of an AliExpress image."""
    return re.search(r"/kf/([A-Za-z0-9]+)", url).group(1)


def read_rendered_2024(html: str) -> dict:
    """The rendered 2024+ "pdp-pc" page (F2607dom), read with a few regular expressions over its
    markup: ``data-pl`` attributes and CSS-module classes matched by prefix."""
    country, language, currency = ship_to(html)
    store = re.search(r'<a href="//www\.aliexpress\.com/store/(\d+)"[^>]*data-pl="store-name">([^<]+)</a>', html)
    rating = re.search(r'<strong>&nbsp;&nbsp;([\d.]+)&nbsp;&nbsp;</strong></a>'
                       r'<a class="reviewer--reviews--[^"]*"[^>]*>(\d+) Reviews', html)
    current = _first(r'class="price-default--current--[^"]*"[^>]*>([^<]+)<', html)
    original = _first(r'class="price-default--original--[^"]*"[^>]*><bdi>([^<]+)</bdi>', html)
    options = re.findall(r'<div class="dynamic-shipping">((?:<div class="dynamic-shipping-line[^"]*">.*?</div>)+)</div>', html)
    first_option = html_text(options[0])
    choice_tag = choice_tag_image(html)
    guarantee = re.search(r">Refund if no delivery in (\d+) days<", html)
    picker = re.findall(r'data-sku-col="(\d+-\d+)"', html)
    fields = {
        "product_id": found(canonical_id(html), "<link rel=canonical>"),
        "product_id_shown": found(canonical_id(html), "<link rel=canonical>"),
        "title": found(_first(r'<h1 data-pl="product-title"[^>]*>([^<]+)</h1>', html), 'h1[data-pl="product-title"]'),
        "currency": found(currency, "the header's ship-to setting"),
        "locale.country": found(country, "the header's flag class"),
        "locale.language": found(language.lower(), "the header's ship-to setting"),
        # Only the chosen variant's price is shown.
        "price.min": found(displayed_amount(current), f"price-default--current {current!r}"),
        "price.max": found(displayed_amount(current), f"price-default--current {current!r}"),
        "price.original_min": found(displayed_amount(original), f"price-default--original {original!r}"),
        "price.original_max": found(displayed_amount(original), f"price-default--original {original!r}"),
        "variants.count": absent(f"the picker shows {len(picker)} values (data-sku-col), without SKU ids or prices"),
        "variants.ids": absent(f"the picker shows {len(picker)} values (data-sku-col), without SKU ids or prices"),
        "seller.name": found(store.group(2), 'a[data-pl="store-name"]'),
        "seller.store_id": found(store.group(1), 'a[data-pl="store-name"] href'),
        "seller.positive_rate": found(float(_first(r"<strong>([\d.]+)%</strong><span> Positive Feedback", html)),
                                      "store-info--desc: '…% Positive Feedback'"),
        "seller.feedback_count": absent("the store card shows followers, not a ratings count"),
        "seller.opened": absent("the store card shows no opening date"),
        "rating.average": found(float(rating.group(1)), "reviewer--rating <strong>"),
        "rating.count": found(int(rating.group(2)), "reviewer--reviews '… Reviews'"),
        "orders": found(int(_first(r'class="reviewer--sold--[^"]*">(\d+) sold<', html)), "reviewer--sold '… sold'"),
        # The store card's Choice tag: the image the feed names GLOBAL_DATA.globalData.choiceIcon.
        "badges.choice": found(True, f"img.store-info--choiceTag src {choice_tag!r}")
        if choice_tag else absent("no Choice tag on the page"),
        "badges.free_return": found(True, "shipping--title 'Free returns within 90 days'")
        if re.search(r">Free returns within \d+ days<", html) else absent(),
        "badges.buyer_protection_days": absent("the service panel names no buyer-protection period"),
        "badges.delivery_guarantee.days": found(int(guarantee.group(1)), "shipping--descText 'Refund if no delivery in … days'"),
        "shipping.count": found(len(options), ".dynamic-shipping blocks"),
        "shipping[0].cost": found(0.0 if "Free shipping" in first_option else displayed_amount(first_option),
                                  f".dynamic-shipping {first_option!r}"),
    }
    return fields


def read_page(path) -> dict:
    """Every golden field of a product page fixture, from its raw capture."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json" and '"window_key": "_d_c_"' in text:
        (event,) = json.loads(text)["state"]["lifeCycleEventList"]
        return read_generation_d(event["data"])
    if path.suffix == ".json":
        return read_generation_b(text)
    if re.search(r"window\.runParams = \{\s*data:", text):
        return read_generation_a(text)
    return read_rendered_2024(text)


def report_fields(listing: dict) -> dict:
    """The same golden fields of a report's ``listing`` (an empty list is "none")."""
    seller, rating, price, badges, shipping = (listing[key] for key in ("seller", "rating", "price", "badges", "shipping"))
    variants = sorted(variant["sku_id"] for variant in listing["variants"])
    fields = {
        "product_id": listing["product_id"], "product_id_shown": listing["product_id_shown"], "title": listing["title"],
        "currency": price["currency"], "orders": listing["orders"],
        "variants.count": len(variants) or None, "variants.ids": variants or None,
        "shipping.count": len(shipping) or None, "shipping[0].cost": shipping[0]["cost"] if shipping else None,
        "badges.delivery_guarantee.days": (badges["delivery_guarantee"] or {}).get("days"),
    }
    blocks = (("locale", listing["locale"]), ("price", price), ("seller", seller), ("rating", rating), ("badges", badges))
    for block, values in blocks:
        fields.update({f"{block}.{key}": value for key, value in values.items() if f"{block}.{key}" in GOLDEN_FIELDS})
    return {name: fields[name] for name in GOLDEN_FIELDS}


def disagreements(listing: dict, expected: dict) -> list[str]:
    """Every golden field where the report's listing differs from the capture, with the evidence."""
    shown = report_fields(listing)
    return [f"{name}: the capture says {value!r} ({where}); emptor says {shown[name]!r}"
            for name, (value, where) in expected.items() if shown[name] != value]


# --- the pages without product data ---------------------------------------------------------------


def served_at_ms(epoch_ms: str) -> str:
    return dt.datetime.fromtimestamp(int(epoch_ms) / 1000, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_punish(html: str) -> dict:
    """The anti-bot page (F2507p): its iframe asks the punish service about the item's address;
    ``x5secdata`` carries the epoch seconds at which it was served, just before ``a-``
    (docs/sources.md, "The anti-bot page")."""
    iframe = _first(r'<iframe src="([^"]*/_____tmd_____/punish\?[^"]*)"', html).replace("&amp;", "&")
    seconds = _first(r"x5secdata=[0-9a-z]*?(\d{10})a-", iframe)
    return {
        "punish": "/_____tmd_____/punish" in iframe and "x5secdata=" in iframe and "#bx-pu-qrcode-wrap" in html,
        "product_id": _first(r"/item/(\d+)\.html/_____tmd_____/punish", iframe),
        "address": "https:" + _first(r"^(//[^/:]+)", iframe) + "/item/" + _first(r"/item/(\d+)\.html", iframe) + ".html",
        "served_at": served_at_ms(seconds + "000"),
    }


def read_not_found(html: str) -> dict:
    """The removed item's rendered page (F2510nf)."""
    country, language, currency = ship_to(html)
    return {
        "not_found": re.search(r'<div class="not-found--wrap--[^"]*">', html) is not None,
        "message": html_text(_first(r'<div class="not-found--desc--[^"]*">(.*?)</div>', html)),
        "product_id": _first(r'<meta property="og:url" content="//[^"]*/item/(\d+)\.html', html),
        "og_title": _first(r'<meta property="og:title" content="([^"]*)"', html),
        "html_lang": _first(r'<html[^>]* lang="([a-z]+)"', html),
        "locale": {"country": country, "currency": currency, "language": language.lower()},
        "served_at": served_at_ms(_first(r"ali_apache_id=(?:\d+\.){4}(\d{13})\.", html)),
    }


def read_shell(html: str) -> dict:
    """The 2024+ client-rendered shell (F2408): ``window.runParams`` is empty and ``_d_c_.DCData``
    holds only the template's strings and images; the item is named by its address."""
    dc_data = decode_after(html, "window._d_c_.DCData = ")
    return {
        "run_params_empty": re.search(r"window\.runParams = \{\s*\};", html) is not None,
        "csr": "window._d_c_.isCSR = true;" in html,
        "dc_data_keys": sorted(dc_data),
        "site": dc_data["extParams"]["site"],
        "host": dc_data["extParams"]["host"],
        "product_id": _first(r'<meta content="//[^"]*/item/(\d+)\.html[^"]*" property="og:url"', html),
        # Its aplus id is empty: the shell carries no time.
        "aplus_id": _first(r'"exparams","userid=&aplus&ali_beacon_id=&ali_apache_id=([^&]*)&', html),
    }


def read_store(html: str) -> dict:
    """A store's home page (no product): its canonical address and page config."""
    return {
        "canonical": _first(r'<link rel="canonical" href="([^"]+)"', html),
        "store_id": _first(r"storeId: '(\d+)'", html),
        "names_an_item": re.search(r'<link rel="canonical" href="[^"]*/item/', html) is not None,
    }


# --- the review captures (issue 9): the adjusted rating worked out by hand ----------------------
#
# The review goldens (tests/test_golden_reviews.py) derive what they expect from the raw review
# captures here: the stars of each distinct review, which reviews the tests must leave out or
# count for less and why, and the arithmetic of the adjusted rating (heuristics/review_tests.py,
# ``analyze_reviews``; ReviewMeta's method, docs/sources.md, "ReviewMeta's methods"). The rules'
# documented thresholds are read from heuristics/thresholds.py; the computation is this file's own.


@dataclass(frozen=True)
class CapturedReview:
    stars: int | None
    text: str
    translation: str
    date: dt.date | None
    buyer: str | None
    selected: bool = False
    marks: tuple = ()  # AliExpress's own marks: AI-written ("aigc") or imported from another site


IMPORT_MARKS = ("thirdParty", "independentSite", "trendyol")


def feed_reviews(capture: dict) -> list[CapturedReview]:
    """Items of the review feed (``{"reviews": [...]}``), one per ``evaluationIdStr``: a capture
    may repeat an item (tests/fixtures/reviews/README.md)."""
    reviews, seen = [], set()
    for item in capture["reviews"]:
        if item["evaluationIdStr"] in seen:
            continue
        seen.add(item["evaluationIdStr"])
        reviews.append(CapturedReview(
            stars=item["buyerEval"] // 20, text=item.get("buyerFeedback") or "",
            translation=item.get("buyerTranslationFeedback") or "",
            date=dt.datetime.strptime(item["evalDate"], "%d %b %Y").date(), buyer=item.get("buyerName"),
            selected=bool(item.get("selectedReview")),
            marks=tuple(key for key in ("aigc", *IMPORT_MARKS) if item.get(key)),
        ))
    return reviews


def parsed_reviews(rows: list[dict]) -> list[CapturedReview]:
    """Reviews a scraper parsed from the retired review page (``*_oldHTMLparsed.json``, and the
    CSV's rows in the same shape). The same buyer, minute, stars, words and order is one review
    shown twice; ratings without words are told apart by their place on the page."""
    reviews, seen = [], set()
    for place, row in enumerate(rows):
        key = (row.get("user") or row.get("user_name"), row["post_time"], row["stars"], row["text"],
               tuple(sorted((row.get("order_info") or {}).items()))) if row["text"] else place
        if key in seen:
            continue
        seen.add(key)
        reviews.append(CapturedReview(
            stars=int(row["stars"]), text=row["text"] or "", translation="",
            date=dt.datetime.strptime(row["post_time"], "%d %b %Y %H:%M").date(),
            buyer=(row.get("user") or row.get("user_name") or "").strip() or None,
        ))
    return reviews


def csv_rows(text: str) -> list[dict]:
    import csv
    import io

    return [{"user": row["Username"], "post_time": row["Date"], "stars": float(row["Score"]), "text": row["Content"]}
            for row in csv.DictReader(io.StringIO(text))]


def read_review_capture(path) -> tuple[list[CapturedReview], dict | None, int]:
    """A review fixture's distinct reviews, its feed statistics (if any) and its raw item count."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".csv":
        rows = csv_rows(text)
        return parsed_reviews(rows), None, len(rows)
    capture = json.loads(text)
    if isinstance(capture, list):
        return parsed_reviews(capture), None, len(capture)
    return feed_reviews(capture), capture["evaluation_stats"], len(capture["reviews"])


_WORDS, _LETTER_RUNS = re.compile(r"\w+"), re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    return _WORDS.findall(unicodedata.normalize("NFKC", text or "").casefold())


def longest_stock_phrase() -> int:
    """Words in the longest stock phrase REV004 knows ("everything is fine"): a text with more
    words than this cannot be one, whatever the list holds."""
    from heuristics.lexicon import GENERIC_TEXTS

    return max(len(_LETTER_RUNS.findall(phrase)) for phrase in GENERIC_TEXTS)


def poisson_tail(k: int, rate: float) -> float:
    """P(X >= k) for X ~ Poisson(rate)."""
    return 1.0 - sum(math.exp(-rate) * rate**i / math.factorial(i) for i in range(k))


def busiest_days(reviews: list[CapturedReview], t) -> dict:
    """REV003 by hand: a day is a burst when chance would give it as many reviews less often than
    ``reviews_burst_p`` at the sample's own daily rate; only a failed test leaves reviews out."""
    dates = [review.date for review in reviews if review.date]
    if len(dates) < t["reviews_burst_min"]:
        return {"dated": len(dates), "judged": False, "days": {}, "on_burst_days": [], "failed": False}
    rate = len(dates) / ((max(dates) - min(dates)).days + 1)
    limit = t["reviews_burst_day_min"]
    while poisson_tail(limit, rate) >= t["reviews_burst_p"]:
        limit += 1
    days = {day: n for day, n in Counter(dates).items() if n >= limit}
    on_days = [i for i, review in enumerate(reviews) if review.date in days]
    failed = len(on_days) / len(dates) >= t["reviews_burst_share"] and len(on_days) >= t["reviews_burst_min_flagged"]
    return {"dated": len(dates), "judged": True, "rate": rate, "limit": limit, "days": days, "on_burst_days": on_days,
            "failed": failed}


def _shingles(tokens: list[str], size: int) -> set:
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def _same_order(a: CapturedReview, b: CapturedReview) -> bool:
    """One buyer reviewing several items of one order on one day: not copying (REV002)."""
    return bool(a.buyer and a.buyer == b.buyer and a.date and a.date == b.date)


def alike_texts(reviews: list[CapturedReview], t) -> list[tuple[int, int, float, bool]]:
    """REV002 by hand, every pair compared: two reviews are alike when the Jaccard index of their
    word shingles reaches ``reviews_near_duplicate_jaccard``, comparing a buyer's own words with
    the other's words or translation (never two translations). The last item of each pair says
    whether one buyer reviewed one order (not copying: such pairs are kept)."""
    size, least = t["reviews_shingle_words"], t["reviews_duplicate_min_words"]
    texts = [(words(r.text), words(r.translation) if r.translation != r.text else []) for r in reviews]
    if sum(1 for own, _ in texts if len(own) >= least) < 2:
        return []
    alike = []
    for i, j in itertools.combinations(range(len(reviews)), 2):
        (own_i, tr_i), (own_j, tr_j) = texts[i], texts[j]
        pairs = [(a, b) for a, b in ((own_i, own_j), (own_i, tr_j), (tr_i, own_j)) if len(a) >= least and len(b) >= least]
        best = max((len(_shingles(a, size) & _shingles(b, size)) / len(_shingles(a, size) | _shingles(b, size))
                    for a, b in pairs), default=0.0)
        if best >= t["reviews_near_duplicate_jaccard"]:
            alike.append((i, j, best, _same_order(reviews[i], reviews[j])))
    return alike


def short_or_stock(reviews: list[CapturedReview], t) -> dict:
    """REV004 by hand, without the stock-phrase list: a text is surely short under
    ``reviews_short_words`` words; it can only be a stock phrase with at most as many words as the
    longest one. The test fails (and its texts count ``reviews_stock_text_weight``) at
    ``reviews_generic_share`` of the texts; when the bounds cannot decide, the capture needs the list."""
    with_text = [i for i, r in enumerate(reviews) if r.text.strip()]
    longest = longest_stock_phrase()
    surely = [i for i in with_text if len(words(reviews[i].text)) < t["reviews_short_words"]]
    maybe = [i for i in with_text if i in surely or len(_LETTER_RUNS.findall(reviews[i].text.casefold())) <= longest
             or (reviews[i].translation and len(_LETTER_RUNS.findall(reviews[i].translation.casefold())) <= longest)]
    share = t["reviews_generic_share"]
    if len(with_text) < t["reviews_generic_min"] or len(maybe) < share * len(with_text):
        counted_less = []
    elif len(surely) >= share * len(with_text) and maybe == surely:
        counted_less = surely
    else:
        raise AssertionError("the bounds cannot decide REV004 for this capture: it needs the stock-phrase list")
    return {"with_text": len(with_text), "at_most": len(maybe), "surely": len(surely), "counted_less": counted_less}


@dataclass
class HandComputation:
    reviews: list
    marked: list
    alike: list
    bursts: dict
    stock: dict
    left_out: set
    weights: list  # Fraction per rated review, in order
    adjusted: Fraction | None
    rests_on: int
    curated: int
    strength: str

    @property
    def rated(self) -> list:
        return [r for r in self.reviews if r.stars]

    @property
    def adjusted_rating(self) -> float | None:
        """Rounded to two places, half to even (the exact mean, not its binary float)."""
        return None if self.adjusted is None else float(round(self.adjusted, 2))

    @property
    def plain_mean(self) -> Fraction:
        return Fraction(sum(r.stars for r in self.rated), len(self.rated))


def hand_compute(reviews: list[CapturedReview], t) -> HandComputation:
    """Which reviews are left out (a near-duplicate text, a failed burst, AliExpress's own AI or
    import mark) or counted for less (short or stock texts, when REV004 fails), and the weighted
    mean of the stars that remain."""
    marked = [i for i, r in enumerate(reviews) if r.marks]
    alike = alike_texts(reviews, t)
    bursts = busiest_days(reviews, t)
    stock = short_or_stock(reviews, t)
    copied = {i for a, b, _, one_order in alike if not one_order for i in (a, b)}
    left_out = set(marked) | copied | set(bursts["on_burst_days"] if bursts["failed"] else [])
    half = Fraction(str(t["reviews_stock_text_weight"]))
    weights = [Fraction(0) if i in left_out else half if i in stock["counted_less"] else Fraction(1)
               for i, r in enumerate(reviews) if r.stars]
    rated = [r for r in reviews if r.stars]
    total = sum(weights)
    rests_on = sum(1 for w in weights if w > 0)
    curated = sum(1 for r in reviews if r.selected)
    weak = rests_on < t["reviews_weak_below"] or (reviews and curated / len(reviews) >= t["reviews_curated_share"])
    return HandComputation(
        reviews=reviews, marked=marked, alike=alike, bursts=bursts, stock=stock, left_out=left_out, weights=weights,
        adjusted=sum(w * r.stars for w, r in zip(weights, rated)) / total if total else None,
        rests_on=rests_on, curated=curated,
        strength="weak" if weak else "moderate" if rests_on < t["reviews_strong_from"] else "strong",
    )


def _stars_sum(reviews) -> str:
    counts = Counter(r.stars for r in reviews if r.stars)
    terms = " + ".join(f"{n}×{star}★" for star, n in sorted(counts.items(), reverse=True))
    return f"{terms} = {sum(r.stars for r in reviews if r.stars)}"


def _number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(float(value))


def explain(hand: HandComputation, t, shown: float | None = None) -> list[str]:
    """The hand computation in words: what the adjusted rating rests on and why; with the rating
    the feed shows, whether REV010 (adjusted rating lower) speaks."""
    n, b = len(hand.reviews), hand.bursts
    if not b["judged"]:
        burst = f"bursts not judged ({b['dated']} dated < {t['reviews_burst_min']})"
    elif b["days"]:
        days, on = ", ".join(f"{day} ({count})" for day, count in sorted(b["days"].items())), len(b["on_burst_days"])
        burst = (f"burst {days} at {b['limit']}+ a day against {b['rate']:.2f}: {on} of {b['dated']} = {on / b['dated']:.0%}, "
                 f"{'left out' if b['failed'] else 'kept'} (fails from {t['reviews_burst_share']:.0%} "
                 f"and {t['reviews_burst_min_flagged']} reviews)")
    else:
        burst = f"no day reaches {b['limit']} reviews"
    copied = sum(1 for *_, one_order in hand.alike if not one_order)
    one_order = sum(1 for *_, same in hand.alike if same)
    alike = f"{copied} pairs of alike texts" + (f" ({one_order} more from one buyer's one order, kept)" if one_order else "")
    share = hand.curated / n if n else 0
    weight_sum = _number(sum(hand.weights, Fraction(0)))
    weighted_sum = _number(sum((w * r.stars for w, r in zip(hand.weights, hand.rated)), Fraction(0)))
    if hand.rests_on < t["reviews_weak_below"]:
        reason = f"only {hand.rests_on} reviews"
    elif share >= t["reviews_curated_share"]:
        reason = f"{hand.curated} of {n} chosen by AliExpress"
    else:
        reason = f"{hand.rests_on} reviews, {hand.curated} chosen by AliExpress"
    return [
        f"{n} reviews: {_stars_sum(hand.reviews)} stars",
        f"left out: {len(hand.left_out)} ({len(hand.marked)} marked by AliExpress; "
        f"{alike}; {burst})",
        f"counted half: {len(hand.stock['counted_less'])} (at most {hand.stock['at_most']} of "
        f"{hand.stock['with_text']} texts short or stock)",
        f"adjusted: {weighted_sum} / {weight_sum} = {hand.adjusted_rating}; {hand.strength} ({reason})",
    ] + ([] if shown is None or hand.adjusted is None else [
        f"REV010: shown {shown:g} - adjusted {hand.adjusted_rating:g} = {round(shown - hand.adjusted_rating, 2):g}, "
        + ("raised" if round(shown - hand.adjusted_rating, 2) >= t["reviews_adjusted_drop"] else "silent")
    ])
