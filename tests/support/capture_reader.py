"""An independent reader of the real 2026 generation D capture (F2607), for the tests that hold
emptor's readers to it: written from the capture's own structure with nothing but ``json`` and
``re``, not from emptor's readers, and not copied from emptor's output."""

from __future__ import annotations

import datetime as dt
import json
import re

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
