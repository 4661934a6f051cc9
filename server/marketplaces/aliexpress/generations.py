"""Readers for the four shapes of AliExpress product data (docs/sources.md, "AliExpress page generations").

- Gen A (≈2019 → mid-2023): ``runParams.data`` with ``*Module`` blocks.
- Gen B (2022 "newDetail" SSR): ``_init_data_.data.data`` components keyed ``<type>_<n>``.
- Gen C (≈mid-2023 → 2024, and Choice pages' ``asyncPCDetail`` feed): ``*Component`` blocks.
- Gen D (2024+): the ``mtop.aliexpress.pdp.pc.query`` feed, ``data.result`` with UPPER_CASE blocks.

Each reader returns a :class:`Partial`: the listing fields it found, plus what only the data
knows (whether the item is still for sale, when the page was served). Gens C and D have no
public raw capture; their field names come from independent scrapers' code (marked 🔧 in the
anatomy notes) and are checked against the first real capture.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from heuristics.model import Badges, DeliveryGuarantee, Listing, Locale, Price, Rating, Seller

from ... import jsontext, textparse
from .shared import (
    CANNOT_DELIVER_KEYS,
    as_bool,
    as_dict,
    as_id,
    as_int,
    as_list,
    as_text,
    cannot_deliver_words,
    condition_holds,
    currency_code,
    free_returns_in_layouts,
    image_keys,
    language_from_locale,
    money_currency,
    new_listing,
    new_seller,
    opened_date,
    price_value,
    protection_days,
    rating_from_summary,
    shipping_from_layouts,
    specs_from,
    variants_from,
)


@dataclass
class Partial:
    listing: Listing
    generation: str
    source: str
    available: bool | None = None  # False when the data says the item is no longer for sale
    served_at: dt.datetime | None = None
    served_from: str | None = None  # which of the data's times served_at is (CAPTURE_TIME_SOURCES)
    # Strings in the page's own language that help read its rendered DOM (i18n maps).
    i18n: dict[str, str] = field(default_factory=dict)

    def has_product(self) -> bool:
        """Whether the data held any product at all (a feed can be valid JSON and empty)."""
        listing = self.listing
        return bool(listing.title or listing.price.min is not None or listing.seller.name or listing.variants)


# Where a page's capture time can come from, best first; the report names the one used
# (docs/api.md, "page.captured_from").
CAPTURE_TIME_SOURCES = ("trace_id", "current_time", "server_time")


def served_time(trace_id, **current_times) -> tuple[dt.datetime | None, str | None]:
    """When the data was served, and from what: the trace id's time (it names the server's own
    clock to the millisecond), else a current-time field (``userComponent.currentTime``: keyword
    ``current_time``; ``global.curTime``: ``server_time``) in epoch milliseconds."""
    moment = textparse.time_from_trace_id(trace_id)
    if moment is not None:
        return moment, "trace_id"
    for source, value in current_times.items():
        millis = as_int(value, maximum=10**14)
        if millis is not None and millis >= 10**12:
            return dt.datetime.fromtimestamp(millis / 1000, tz=dt.timezone.utc), source
    return None, None


def _page_words(i18n) -> dict[str, str]:
    """The strings of a shipping i18n map that help read the rendered page (dom.PageHints)."""
    mapped = as_dict(i18n)
    return {key: mapped[key] for key in ("FREE_SHIPPING", "TO_VIA", *CANNOT_DELIVER_KEYS) if isinstance(mapped.get(key), str)}


def _served_fields(trace_id, **current_times) -> dict:
    moment, source = served_time(trace_id, **current_times)
    return {"served_at": moment, "served_from": source}


def _price_from_ranges(currency, sale_min, sale_max, list_min, list_max, discount) -> Price:
    has_sale = sale_min is not None
    low = sale_min if has_sale else list_min
    high = (sale_max if sale_max is not None else sale_min) if has_sale else (list_max if list_max is not None else list_min)
    original_low = list_min if has_sale and list_min != sale_min else None
    original_high = list_max if has_sale and original_low is not None else None
    if discount is None and original_low and low is not None and original_low > low:
        discount = round((1 - low / original_low) * 100)
    return Price(
        currency=currency,
        min=low,
        max=high,
        original_min=original_low,
        original_max=original_high,
        discount_percent=float(discount) if discount is not None else None,
    )


def _price_block(block: dict, currency: str | None) -> Price:
    """``priceModule`` (Gen A) and ``price_*`` (Gen B) share one shape."""
    discount = textparse.parse_percent(block.get("discount"))
    return _price_from_ranges(
        currency,
        price_value(block.get("minActivityAmount")),
        price_value(block.get("maxActivityAmount")),
        price_value(block.get("minAmount")),
        price_value(block.get("maxAmount")),
        discount or None,
    )


def _block_currency(block: dict) -> str | None:
    return money_currency(block.get("minActivityAmount")) or money_currency(block.get("minAmount"))


def _store_module_seller(store: dict, *, name=None, store_id=None, positive_rate=None, top_rated=None) -> Seller:
    """``storeModule`` (Gen A, and Gen B's header copy of it); the keyword arguments are the
    page's other sources for the same facts, used when the module lacks them."""
    return new_seller(
        as_text(store.get("storeName")) or name,
        store_id=as_id(store.get("storeNum")) or as_id(store_id),
        positive_rate=textparse.parse_percent(store.get("positiveRate") or positive_rate),
        feedback_count=as_int(store.get("positiveNum")),
        followers=as_int(store.get("followingNumber")),
        opened=opened_date(store.get("formatOpenTime")) or opened_date(store.get("openTime")),
        top_rated=top_rated,
        country=as_text(store.get("countryCompleteName")),
    )


# --- Gen A ---------------------------------------------------------------------------------


def from_modules(data: dict) -> Partial:
    """``runParams.data`` with ``titleModule``, ``storeModule``, ``priceModule``… (F2020, F2212)."""
    common, title, store = as_dict(data.get("commonModule")), as_dict(data.get("titleModule")), as_dict(data.get("storeModule"))
    price, sku, env = as_dict(data.get("priceModule")), as_dict(data.get("skuModule")), as_dict(data.get("webEnv"))
    action, shipping = as_dict(data.get("actionModule")), as_dict(data.get("shippingModule"))
    protection = as_dict(data.get("buyerProtectionModule"))

    shown_id = as_id(common.get("productIdStr") or common.get("productId") or action.get("productId"))
    currency = _block_currency(price) or currency_code(common.get("currencyCode"))
    layouts = as_dict(shipping.get("generalFreightInfo")).get("originalLayoutResultList")
    options, guarantee, ship_to = shipping_from_layouts(layouts, cannot_deliver_words(shipping.get("i18nMap")))
    listing = new_listing(
        shown_id,
        title=as_text(title.get("subject")),
        category_id=as_id(action.get("categoryId") or common.get("categoryId")),
        locale=Locale(
            country=as_text(env.get("country") or ship_to or common.get("userCountryCode")),
            currency=currency,
            language=language_from_locale(as_text(env.get("locale") or env.get("lang"))),
        ),
        price=_price_block(price, currency),
        variants=variants_from(sku.get("skuPriceList"), sku.get("productSKUPropertyList")),
        shipping=options,
        specs=specs_from(as_dict(data.get("specsModule")).get("props")),
        seller=_store_module_seller(store, top_rated=as_bool(store.get("topRatedSeller"))),
        rating=rating_from_summary(title.get("feedbackRating")),
        orders=as_int(title.get("tradeCount"))
        if title.get("tradeCount") is not None
        else textparse.parse_count(title.get("formatTradeCount")),
        badges=Badges(
            choice=as_bool(common.get("choiceProduct")),
            free_return=free_returns_in_layouts(layouts),
            buyer_protection_days=protection_days(as_dict(protection.get("buyerProtection")).get("name")),
            delivery_guarantee=guarantee,
        ),
        image_keys=image_keys(as_dict(data.get("imageModule")).get("imagePathList")),
    )
    status = action.get("itemStatus")
    i18n = as_dict(shipping.get("i18nMap"))
    return Partial(
        listing=listing,
        generation="A",
        source="runParams",
        available=(status == 0) if isinstance(status, int) else None,
        **_served_fields(env.get("traceId")),
        i18n=_page_words(i18n),
    )


# --- Gen B ---------------------------------------------------------------------------------


def from_new_detail(init_data: dict) -> Partial:
    """``_init_data_`` = ``{data: {hierarchy, data: {"<type>_<n>": {type, fields}}, global}}`` (F2209nd).

    The numeric suffixes change between pages, so components are found by ``type``.
    """
    root = as_dict(init_data.get("data"))
    by_type: dict[str, dict] = {}
    for component in as_dict(root.get("data")).values():
        if isinstance(component, dict) and isinstance(component.get("type"), str):
            by_type.setdefault(component["type"], as_dict(component.get("fields")))

    header = as_dict(as_dict(by_type.get("headerInfo")).get("_for_header_info"))
    store = as_dict(header.get("storeModule"))
    recommend = by_type.get("storeRecommend", {})
    seo, title, price = by_type.get("seoTdk", {}), by_type.get("titleBanner", {}), by_type.get("price", {})
    sku, actions = by_type.get("sku", {}), by_type.get("actionButtons", {})
    shipping = by_type.get("shipping", {})
    protection = as_dict(by_type.get("buyerProtection", {}).get("buyerProtection"))

    shown_id = as_id(seo.get("productId") or actions.get("productId") or store.get("productId"))
    currency = _block_currency(price) or currency_code(shipping.get("tradeCurrency"))
    layouts = as_dict(shipping.get("generalFreightInfo")).get("originalLayoutResultList")
    options, guarantee, ship_to = shipping_from_layouts(layouts, cannot_deliver_words(shipping.get("i18n")))
    top_rated = as_bool(store.get("isTopRatedSeller"))
    if top_rated is None:
        top_rated = as_bool(recommend.get("topRatedSeller"))
    listing = new_listing(
        shown_id,
        title=as_text(title.get("subject")),
        category_id=as_id(actions.get("categoryId") or recommend.get("categoryId")),
        locale=Locale(
            country=ship_to,
            currency=currency,
            language=language_from_locale(as_text(by_type.get("description", {}).get("locale"))),
        ),
        price=_price_block(price, currency),
        variants=variants_from(sku.get("skuList"), sku.get("propertyList")),
        shipping=options,
        specs=specs_from(by_type.get("specsInfo", {}).get("specs")),
        seller=_store_module_seller(
            store,
            name=recommend.get("storeName"),
            store_id=recommend.get("storeNum"),
            positive_rate=recommend.get("sellerPositiveRate"),
            top_rated=top_rated,
        ),
        rating=Rating(),  # Gen B carries no rating summary (F2209); the review feed has it
        orders=textparse.parse_count(by_type.get("shareHeader", {}).get("formatTradeCount")),
        badges=Badges(
            free_return=free_returns_in_layouts(layouts),
            buyer_protection_days=protection_days(protection.get("name")),
            delivery_guarantee=guarantee,
        ),
        image_keys=image_keys(by_type.get("imageView", {}).get("imagePathList")),
    )
    status = actions.get("itemStatus")
    return Partial(
        listing=listing,
        generation="B",
        source="_init_data_",
        available=(status == 0) if isinstance(status, int) else None,
        **_served_fields(as_dict(root.get("global")).get("eagleeye_tracer_id"),
                         server_time=as_dict(root.get("global")).get("curTime")),
    )


# --- Gen C ---------------------------------------------------------------------------------


def _sku_rows(price_component: dict):
    rows = as_list(price_component.get("skuPriceList"))
    if rows:
        return rows
    raw = price_component.get("skuJson")  # the same list as a JSON string (F2310)
    if isinstance(raw, str):
        try:
            return as_list(jsontext.loads(raw))
        except jsontext.NotJSON:
            return []
    return []


def _free_return_c(promise: dict, freight: dict) -> bool | None:
    """Generation C says it three ways: the flag ``hasNoReasonFreeReturn``, a service line in
    ``sellerPromiseComponent`` and a line in the freight panel, each in the site's language."""
    flag = as_bool(promise.get("hasNoReasonFreeReturn"))
    if flag:
        return True
    titles = [as_text(as_dict(detail).get("title")) for detail in as_list(as_dict(promise.get("serviceDetails")).get("details"))]
    if any(textparse.says_free_return(title) for title in titles) or free_returns_in_layouts(
        freight.get("originalLayoutResultList")
    ):
        return True
    return flag


def from_components(data: dict, source: str = "runParams") -> Partial:
    """``runParams.data`` (or the ``asyncPCDetail`` feed's ``data.data``) with ``*Component`` blocks."""
    info, price = as_dict(data.get("productInfoComponent")), as_dict(data.get("priceComponent"))
    seller, store_feedback = as_dict(data.get("sellerComponent")), as_dict(data.get("storeFeedbackComponent"))
    tags, promise = as_dict(data.get("productTagComponent")), as_dict(data.get("sellerPromiseComponent"))
    freight = as_dict(data.get("webGeneralFreightCalculateComponent"))
    currency_component, site = as_dict(data.get("currencyComponent")), as_dict(data.get("siteInfoComponent"))
    orig, sale = as_dict(price.get("origPrice")), as_dict(price.get("discountPrice"))

    shown_id = as_id(info.get("idStr") or info.get("id"))
    currency = (
        money_currency(sale.get("minActivityAmount"))
        or money_currency(orig.get("minAmount"))
        or as_text(currency_component.get("currencyCode") or currency_component.get("baseCurrencyCode"))
    )
    options, guarantee, ship_to = shipping_from_layouts(freight.get("originalLayoutResultList"),
                                                         cannot_deliver_words(freight.get("i18nMap")))
    protection_detail = next(
        (days for detail in as_list(as_dict(promise.get("serviceDetails")).get("details"))
         if (days := protection_days(as_dict(detail).get("title"))) is not None),
        None,
    )
    discount = as_dict(data.get("promotionComponent")).get("discount")
    listing = new_listing(
        shown_id,
        title=as_text(info.get("subject")),
        category_id=as_id(info.get("categoryId")),
        locale=Locale(
            country=as_text(site.get("countryCode") or currency_component.get("countryCode") or ship_to),
            currency=currency,
            language=language_from_locale(as_text(site.get("language") or site.get("locale"))),
        ),
        price=_price_from_ranges(
            currency,
            price_value(sale.get("minActivityAmount")),
            price_value(sale.get("maxActivityAmount")),
            price_value(orig.get("minAmount")),
            price_value(orig.get("maxAmount")),
            textparse.parse_percent(discount) or None,
        ),
        variants=variants_from(_sku_rows(price), as_dict(data.get("skuComponent")).get("productSKUPropertyList")),
        shipping=options,
        specs=specs_from(as_dict(data.get("productPropComponent")).get("props")),
        seller=new_seller(
            seller.get("storeName"),
            store_id=as_id(seller.get("storeNum")),
            positive_rate=textparse.parse_percent(store_feedback.get("sellerPositiveRate")),
            feedback_count=as_int(store_feedback.get("sellerTotalNum")),
            followers=None,  # not in sellerComponent: only the store header shows it (F2310)
            opened=opened_date(seller.get("formatOpenTime")) or opened_date(seller.get("openTime")),
            top_rated=as_bool(seller.get("topRatedSeller")),
            country=as_text(seller.get("countryCompleteName")),
        ),
        rating=rating_from_summary(data.get("feedbackComponent")),
        orders=textparse.parse_count(as_dict(data.get("tradeComponent")).get("formatTradeCount")),
        badges=Badges(
            choice=as_bool(tags.get("choiceProduct")),
            free_return=_free_return_c(promise, freight),
            buyer_protection_days=protection_detail,
            delivery_guarantee=guarantee,
        ),
        image_keys=image_keys(as_dict(data.get("imageComponent")).get("imagePathList")),
    )
    trace = as_dict(as_dict(data.get("extraComponent")).get("envInfo")).get("traceId")
    return Partial(listing=listing, generation="C", source=source,
                   **_served_fields(trace, current_time=as_dict(data.get("userComponent")).get("currentTime")))


# --- Gen D ---------------------------------------------------------------------------------


# The service blocks of a 2026 listing name the programme the item is sold under
# ("sceneType"); ONLY_CHOICE is a Choice item (the real 2026 capture, tests/fixtures/pages/
# ali_1005010171981745_uk_GBP_dcState-pdp_2026-07.json, whose page shows the Choice badge).
CHOICE_SCENES = frozenset({"ONLY_CHOICE"})
_SERVICE_BLOCKS = ("DELIVERY_GUARANTEE_SERVICE", "AFTER_SALE_SERVICE_BLOCK")


def _pdp_price_rows(price: dict) -> dict[str, dict]:
    """Per-variant prices keyed by the sku id's string form. The 2026 feed keys them twice,
    ``skuIdStrPriceInfoMap`` and ``skuPriceInfoMap``; its sale price is a displayed string
    (``salePriceString`` "￡0.85") where older descriptions show a money object (``salePrice``)."""
    rows: dict[str, dict] = {}
    for key in ("skuPriceInfoMap", "skuIdStrPriceInfoMap"):
        for sku_id, info in as_dict(price.get(key)).items():
            if isinstance(info, dict) and as_id(sku_id):
                rows.setdefault(as_id(sku_id), info)
    return rows


def _sale_amount(info: dict):
    """What a variant sells for: the money object when there is one, else the displayed text."""
    sale = info.get("salePrice")
    if isinstance(sale, dict):
        return sale
    return as_text(info.get("salePriceString")) or as_text(info.get("salePriceLocal"))


def _pdp_sku_rows(sku: dict, price_rows: dict[str, dict]) -> list[dict]:
    """``SKU.skuPaths`` (a list in the 2026 feed, a map keyed by path in scrapers' notes) joined to
    the prices, in the row shape :func:`variants_from` reads. Only ``skuIdStr`` identifies a
    variant: the numeric ``skuId`` is past 2^53 and arrives rounded (two of the capture's five
    variants share one)."""
    paths = sku.get("skuPaths")
    entries = as_list(paths) or list(as_dict(paths).values())
    rows = []
    for path in entries:
        if not isinstance(path, dict):
            continue
        sku_id = as_id(path.get("skuIdStr") or path.get("skuId"))
        if sku_id is None:
            continue
        prices = price_rows.get(sku_id, {})
        rows.append({
            "skuIdStr": sku_id,
            "skuAttr": path.get("skuAttr") or path.get("path") or "",
            "skuStock": path.get("skuStock"),
            "skuVal": {"skuAmount": prices.get("originalPrice"), "skuActivityAmount": _sale_amount(prices)},
        })
    return rows


def _shows_free_shipping(layout: dict) -> bool:
    """Whether the option's own layout shows "Free shipping": its free-shipping block (named by
    ``medusaKey``, whatever the language of its text) with a display condition that holds. The
    2026 Choice listing says ``shippingFee: charge`` with a cost of ￡1.99 and shows "Free
    shipping", because the order meets the free-shipping threshold (￡0.00)."""
    facts = as_dict(layout.get("bizData"))
    for group in ("titleLayout", "tableContentLayout", "contentLayout"):
        for row in as_list(layout.get(group)):
            for block in as_list(row) if isinstance(row, list) else [row]:
                block = as_dict(block)
                key = (as_text(block.get("medusaKey")) or "").lower()
                if "freeshipping" in key and condition_holds(as_text(block.get("displayCondition")), facts):
                    return True
    return False


def _pdp_shipping(shipping_block: dict, served: dt.datetime | None, cannot_deliver: tuple[str, ...]):
    """Delivery options as the shopper saw them: free when the layout shows it free, and the
    estimate's dates ("Jul. 24" to "Jul. 29", no year) as days from the day the page was served."""
    options, guarantee, ship_to = [], None, None
    for layout in map(as_dict, as_list(shipping_block.get("originalLayoutResultList"))):
        read, its_guarantee, its_ship_to = shipping_from_layouts([layout], cannot_deliver)
        guarantee, ship_to = guarantee or its_guarantee, ship_to or its_ship_to
        if not read:
            continue
        (option,) = read
        options.append(option)
        biz = as_dict(layout.get("bizData"))
        if option.cost and _shows_free_shipping(layout):
            option.cost = 0.0
        if served is None:
            continue
        seen = served.date()
        earliest = textparse.next_date_from_day_month(as_text(biz.get("displayEtaMinDate")), seen)
        latest = textparse.next_date_from_day_month(as_text(biz.get("displayEtaMaxDate") or biz.get("deliveryDate")), seen)
        if option.min_days is None and earliest:
            option.min_days = (earliest - seen).days
        if option.max_days is None and latest:
            option.max_days = (latest - seen).days
        if option.delivery_date is None and latest:
            option.delivery_date = latest.isoformat()
    return options, guarantee, ship_to


def _service_texts(block: dict) -> list[str]:
    texts = [as_text(block.get(key)) for key in ("title", "shortTitle", "popupTitle")]
    texts += [as_text(as_dict(item).get("content")) for item in as_list(block.get("subContents"))]
    return [text for text in texts if text]


def _pdp_delivery_guarantee(block: dict, from_shipping: DeliveryGuarantee | None) -> DeliveryGuarantee | None:
    """The delivery promise ("Refund if no delivery in 35 days", "￡1.00 coupon code if delayed")
    with what the shipping options say of it."""
    days = next((days for text in _service_texts(block) if (days := textparse.refund_days(text))), None)
    if days is None and from_shipping is None:
        return None
    return DeliveryGuarantee(
        days=days if days is not None else (from_shipping.days if from_shipping else None),
        by_date=from_shipping.by_date if from_shipping else None,
        compensation=from_shipping.compensation if from_shipping else None,
    )


def from_pdp_result(result: dict, source: str = "mtop.aliexpress.pdp.pc.query") -> Partial:
    """The ``mtop.aliexpress.pdp.pc.query`` feed's ``data.result`` (2024+ client-rendered pages),
    which is also what the page keeps in ``window._d_c_.lifeCycleEventList[].data``."""
    global_data = as_dict(as_dict(result.get("GLOBAL_DATA")).get("globalData"))
    price, sku = as_dict(result.get("PRICE")), as_dict(result.get("SKU"))
    shop = as_dict(result.get("SHOP_CARD_PC"))
    seller_info = as_dict(shop.get("sellerInfo"))
    rating_block = as_dict(result.get("PC_RATING"))
    target = as_dict(price.get("targetSkuPriceInfo"))
    served, served_from = served_time(
        global_data.get("traceId"), current_time=global_data.get("currentTime"), server_time=global_data.get("curTime"))

    shown_id = as_id(global_data.get("productId") or as_dict(global_data.get("productInfo")).get("productId")
                     or price.get("productId"))
    sale_value = price_value(_sale_amount(target))
    original_value = price_value(target.get("originalPrice"))
    price_rows = _pdp_price_rows(price)
    currency = (
        money_currency(target.get("salePrice"))
        or money_currency(target.get("originalPrice"))
        or textparse.currency_of(as_text(target.get("salePriceString")))
        or next((code for info in price_rows.values() if (code := money_currency(info.get("originalPrice")))), None)
        or currency_code(global_data.get("currencyCode"))
    )

    variants = variants_from(_pdp_sku_rows(sku, price_rows), sku.get("skuProperties"))
    sale_prices = [v.price for v in variants if v.price is not None]
    original_prices = [v.original_price for v in variants if v.original_price is not None]
    shipping_words = as_dict(as_dict(global_data.get("i18n")).get("ShippingModule"))
    options, from_shipping, ship_to = _pdp_shipping(as_dict(result.get("SHIPPING")), served, cannot_deliver_words(shipping_words))
    positive = shop.get("sellerPositiveRate", shop.get("positiveRate"))
    if positive is None:
        positive = next(
            (benefit.get("value") for benefit in map(as_dict, as_list(shop.get("benefitInfoList")))
             if "%" in (as_text(benefit.get("value")) or "")),
            None,
        )
    after_sale = as_dict(result.get("AFTER_SALE_SERVICE_BLOCK"))
    scenes = {as_text(as_dict(as_dict(result.get(name)).get("params")).get("sceneType")) for name in _SERVICE_BLOCKS}
    buried = as_dict(global_data.get("buriedLogInfo")).get("buriedData")
    buried_choice = None
    if isinstance(buried, str):
        try:
            buried_choice = as_bool(as_dict(jsontext.loads(buried)).get("choice"))
        except jsontext.NotJSON:
            buried_choice = None
    choice = True if (scenes & CHOICE_SCENES or buried_choice) else None
    item_status = as_dict(global_data.get("offlineInfo")).get("itemStatus", global_data.get("itemStatus"))
    listing = new_listing(
        shown_id,
        title=as_text(as_dict(result.get("PRODUCT_TITLE")).get("text") or global_data.get("subject")),
        category_id=as_id(global_data.get("categoryId") or as_dict(global_data.get("productInfo")).get("categoryId")),
        locale=Locale(
            country=as_text(global_data.get("country") or ship_to or price.get("region")),
            currency=currency,
            language=language_from_locale(as_text(global_data.get("lang") or global_data.get("locale")
                                                  or global_data.get("localStr"))),
        ),
        price=_price_from_ranges(
            currency,
            min(sale_prices) if sale_prices else sale_value,
            max(sale_prices) if sale_prices else sale_value,
            min(original_prices) if original_prices else original_value,
            max(original_prices) if original_prices else original_value,
            None,
        ),
        variants=variants,
        shipping=options,
        specs=specs_from(as_dict(result.get("PRODUCT_PROP_PC")).get("showedProps")),
        seller=new_seller(
            shop.get("storeName") or global_data.get("storeName"),
            store_id=as_id(seller_info.get("storeNum") or global_data.get("storeId")),
            positive_rate=textparse.parse_percent(positive),
            feedback_count=as_int(shop.get("sellerTotalNum")),
            followers=None,
            # The date the page displays, not the epoch-like time behind it (issue 9).
            opened=opened_date(seller_info.get("formatOpenTime")) or opened_date(seller_info.get("openTime")),
            top_rated=as_bool(seller_info.get("topRatedSeller", shop.get("topRatedSeller"))),
            country=as_text(seller_info.get("countryCompleteName")),
        ),
        rating=Rating(
            average=textparse.parse_amount(as_text(rating_block.get("rating"))),
            count=as_int(rating_block.get("totalValidNum")),
        ),
        orders=textparse.parse_count(as_text(rating_block.get("otherText"))) or as_int(global_data.get("sales")),
        badges=Badges(
            choice=choice,
            free_return=True if (any(textparse.says_free_return(text) for text in _service_texts(after_sale))
                                 or free_returns_in_layouts(as_dict(result.get("SHIPPING")).get("originalLayoutResultList")))
            else None,
            delivery_guarantee=_pdp_delivery_guarantee(as_dict(result.get("DELIVERY_GUARANTEE_SERVICE")), from_shipping),
        ),
        image_keys=image_keys(as_dict(result.get("HEADER_IMAGE_PC")).get("imagePathList")),
    )
    return Partial(
        listing=listing,
        generation="D",
        source=source,
        available=(item_status == 0) if isinstance(item_status, int) and not isinstance(item_status, bool) else None,
        served_at=served,
        served_from=served_from,
        i18n=_page_words(shipping_words),
    )
