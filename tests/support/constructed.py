"""Inputs for the page generations that have no public raw capture.

Generation C (component runParams, mid-2023 → 2024), generation D (the 2024+
``mtop.aliexpress.pdp.pc.query`` feed) and the 2024+ rendered DOM were never published raw
(tests/fixtures/SOURCES.md, "Not available anywhere public"). These builders use the field names and
selectors docs/sources.md documents (from independent scrapers' code) and
fill them with the real values a third-party scraper recorded from the live pages on a known
date (tests/fixtures/scraped/). They are constructed, not captured: the first real capture of
each generation replaces them.
"""

from __future__ import annotations

import json

from .fixtures import F2607, FIXTURES, SHELL, read_text

SCRAPED = FIXTURES / "scraped"


def _scraped(name: str) -> dict:
    return json.loads((SCRAPED / name).read_text(encoding="utf-8"))


# --- Generation C: values from product_4000927436411-req_2024-01_runParams-components-derived.json


GEN_C_SOURCE = "product_4000927436411-req_2024-01_runParams-components-derived.json"


def gen_c_run_params() -> dict:
    """``{"data": {...Component...}}`` as window.runParams held it in 2023-24."""
    scraped = _scraped(GEN_C_SOURCE)
    rows = [
        {
            "skuAttr": variant["name"],  # the scraper kept skuAttr verbatim as "name"
            "skuIdStr": str(variant["sku"]),
            "skuId": variant["sku"],
            "skuVal": {
                "availQuantity": variant["available"],
                "skuAmount": {"currency": variant["currency"], "value": variant["full_price"]},
                "skuActivityAmount": {"currency": variant["currency"], "value": variant["discount_price"]},
            },
        }
        for variant in scraped["variants"]
    ]
    full = [v["full_price"] for v in scraped["variants"]]
    sale = [v["discount_price"] for v in scraped["variants"]]
    seller = scraped["seller"]
    return {
        "data": {
            "productInfoComponent": {"id": 4000927436411, "idStr": "4000927436411", "subject": scraped["name"]},
            "priceComponent": {
                "origPrice": {
                    "minAmount": {"currency": "USD", "value": min(full)},
                    "maxAmount": {"currency": "USD", "value": max(full)},
                },
                "discountPrice": {
                    "minActivityAmount": {"currency": "USD", "value": min(sale)},
                    "maxActivityAmount": {"currency": "USD", "value": max(sale)},
                },
                # Gen C ships the SKU list as a JSON string (F2310; docs/sources.md).
                "skuJson": json.dumps(rows),
            },
            "skuComponent": {
                "productSKUPropertyList": [
                    {
                        "skuPropertyId": 200007763,
                        "skuPropertyName": "Ships From",
                        "skuPropertyValues": [
                            {"propertyValueId": 201336100, "propertyValueName": "China", "skuPropertySendGoodsCountryCode": "CN"},
                            {
                                "propertyValueId": 201336103,
                                "propertyValueName": "Russian Federation",
                                "skuPropertySendGoodsCountryCode": "RU",
                            },
                        ],
                    }
                ]
            },
            "sellerComponent": {
                "storeName": seller["name"],
                "storeNum": seller["id"],
                "storeURL": seller["url"],
                "openTime": seller["started_on"],
                "topRatedSeller": seller["is_top_rated"],
                "countryCompleteName": seller["country"],
            },
            # The 2024-01 scrape lost the positive rate when it moved to storeFeedbackComponent;
            # these are the same store's figures from its 2023-06 capture (96.8%, 4744).
            "storeFeedbackComponent": {"sellerPositiveRate": "96.8", "sellerTotalNum": 4744},
            "feedbackComponent": scraped["feedback"],  # verbatim in the scrape
            "productTagComponent": {"choiceProduct": False},
            "tradeComponent": {"formatTradeCount": scraped["total_orders"]},
            "imageComponent": {"imagePathList": scraped["images"]},
            "productPropComponent": {"props": [{"attrName": k, "attrValue": v} for k, v in scraped["specification"].items()]},
            "currencyComponent": {"currencyCode": "USD"},
        }
    }


# --- Generation D: values from product_1005006717259012_2024-09_DOM-derived.json (and the
# same product's review feed statistics of that day for the rating: 4.8 from 494 reviews).

GEN_D_SOURCE = "product_1005006717259012_2024-09_DOM-derived.json"


def gen_d_pdp_jsonp() -> str:
    """The raw JSONP text of an ``mtop.aliexpress.pdp.pc.query`` response, as a page hook sees it."""
    scraped = _scraped(GEN_D_SOURCE)
    info, pricing, seller = scraped["info"], scraped["pricing"], scraped["seller"]
    sku_id = "12000038020000001"  # no real sku id survives in the scrape; the shape needs one
    result = {
        "GLOBAL_DATA": {
            "globalData": {
                "productId": str(info["productId"]),
                "subject": info["name"],
                "storeId": str(seller["id"]),
                # A trace id in Alibaba's format (server IP, epoch ms of 2024-09-06, counter).
                "traceId": "2101c5a417256000000001234e0a7b",
            }
        },
        "PRODUCT_TITLE": {"text": info["name"]},
        "PRICE": {
            "targetSkuPriceInfo": {
                "salePrice": {"currency": "USD", "value": pricing["price"]},
                "originalPrice": {"currency": "USD", "value": pricing["originalPrice"]},
                "salePriceString": f"US ${pricing['price']}",
            },
            "skuPriceInfoMap": {
                sku_id: {
                    "salePrice": {"currency": "USD", "value": pricing["price"]},
                    "originalPrice": {"currency": "USD", "value": pricing["originalPrice"]},
                }
            },
        },
        "SKU": {
            "skuProperties": [
                {
                    "skuPropertyId": 14,
                    "skuPropertyName": "Color",
                    # the variant name as the same day's reviews name it ("Color:1PC 2.0Ah Battery")
                    "skuPropertyValues": [{"propertyValueId": 193, "propertyValueDisplayName": "1PC 2.0Ah Battery"}],
                }
            ],
            "skuPaths": {"14:193": {"skuIdStr": sku_id, "path": "14:193", "skuStock": 120}},
        },
        "SHOP_CARD_PC": {
            "storeName": seller["name"],
            "sellerPositiveRate": seller["info"]["positiveFeedback"],
            "sellerInfo": {"storeNum": str(seller["id"])},
        },
        "PC_RATING": {"rating": "4.8", "totalValidNum": info["reviews"], "otherText": "2,000+ sold"},
        "SHIPPING": {
            "originalLayoutResultList": [
                {
                    "bizData": {
                        "deliveryProviderName": "AliExpress Selection Standard",
                        "shippingFee": "free",
                        "displayCurrency": "USD",
                        "tracking": "visible",
                        "utParams": json.dumps({"deliveryDate": "2024-10-04", "shipToCountry": "US"}),
                    }
                }
            ]
        },
        "PRODUCT_PROP_PC": {"showedProps": [{"attrName": s["name"], "attrValue": s["value"]} for s in scraped["specifications"]]},
        "HEADER_IMAGE_PC": {"imagePathList": info["media"]},
    }
    envelope = {"api": "mtop.aliexpress.pdp.pc.query", "v": "1.0", "ret": ["SUCCESS::调用成功"], "data": {"result": result}}
    return "mtopjsonp3(" + json.dumps(envelope, ensure_ascii=False) + ")"


# --- 2024+ rendered DOM, same product and values as generation D.


def rendered_2024_page() -> str:
    """A rendered 2024+ product page: ``data-pl`` attributes and hashed CSS-module classes.

    The markup follows the selectors of docs/sources.md; the hashes are made up (real ones change
    every release, which is why emptor matches class prefixes).
    """
    scraped = _scraped(GEN_D_SOURCE)
    info, pricing, seller = scraped["info"], scraped["pricing"], scraped["seller"]
    specs = "".join(
        f'<div class="specification--prop--Jh28bKu"><div class="specification--title--SfH3sA8"><span>{s["name"]}</span></div>'
        f'<div class="specification--desc--Dxx6W0W"><span>{s["value"]}</span></div></div>'
        for s in scraped["specifications"]
    )
    images = "".join(f'<div class="slider--img--K0YbWW2"><img src="{url}"></div>' for url in info["media"])
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<link rel="canonical" href="https://www.aliexpress.com/item/{info["productId"]}.html">
<title>{info["name"]} - AliExpress</title></head><body>
<div id="root"><div class="pdp-page-wrap"><div class="pdp-body pdp-wrap">
<div class="image-view--wrap--ewraVkn">{images}</div>
<div class="pdp-info-right">
<div class="title--wrap--UUHae_g"><h1 data-pl="product-title" data-tticheck="true">{info["name"]}</h1></div>
<div class="reviewer--wrap--sPGWrNq"><div class="reviewer--rating--xrWWFzx"><strong>4.8</strong></div>
<a class="reviewer--reviews--cx7Zs_V" href="#nav-review">{info["reviews"]} Reviews</a>
<span class="reviewer--sold--ytPeoEy">2,000+ sold</span></div>
<div class="price--wrap--tA4MDk4"><div class="price--current--I3Zeidd">
<span class="price--currentPriceText--V8_y_b5 pdp-comp-price-current">US ${pricing["price"]}</span></div>
<div class="price--original--wEueRiZ"><span class="price--originalText--gxVO5_d">US ${pricing["originalPrice"]:.2f}</span>
<span class="price--discount--Y9uG2LK">{pricing["discount"]}</span></div></div>
<div class="shipping--wrap--Dhb61O7"><div class="dynamic-shipping">
<div class="dynamic-shipping-line dynamic-shipping-contentLayout">
<strong>Delivery: <span>{scraped["shipping"]["delivery"]}</span></strong></div>
</div></div>
<div class="store-detail--wrap--u2qWqTZ"><a data-pl="store-name" href="{seller["link"]}?spm=a2g0o">{seller["name"]}</a>
<div class="store-info--wrap--eX7zPE6"><strong>{seller["info"]["positiveFeedback"]}</strong><span>Positive feedback</span>
<strong>{seller["info"]["followers"]}</strong><span>Followers</span></div></div>
</div></div>
<div id="nav-specification"><ul class="specification--list--GZuXzRX">{specs}</ul></div>
</div></div></body></html>"""


# --- the retired review HTML page (productEvaluation.htm) ------------------------------------


def legacy_review_page(reviews: list[dict]) -> str:
    """The retired review page, rebuilt from reviews a scraper parsed out of it.

    No raw copy of productEvaluation.htm survives; its markup here follows the selectors
    docs/sources.md gives (from scrapfly's parser, "The review feed"), and the values are the
    real parsed reviews (tests/fixtures/reviews/*_oldHTMLparsed.json, *_parsed.csv).
    ``reviews`` items: text, post_time, stars, order_info ({"Color:": …}), user, country, images.
    """
    from html import escape

    items = []
    for review in reviews:
        order = "".join(
            f"<span><strong>{escape(name)}</strong>{escape(value)}</span>" for name, value in review.get("order_info", {}).items()
        )
        images = "".join(f'<li class="pic-view-item"><img src="{escape(url)}"></li>' for url in review.get("images", []))
        country = f'<div class="user-country"><b>{escape(review["country"])}</b></div>' if review.get("country") else ""
        user = escape(review.get("user") or "")
        items.append(
            f'<div class="feedback-item clearfix"><div class="fb-user-info"><span class="user-name"><a>{user}</a></span>'
            f"{country}</div>"
            f'<div class="fb-main"><div class="f-rate-info"><span class="star-view">'
            f'<span style="width:{int(review["stars"] * 20)}%"></span></span></div>'
            f'<div class="user-order-info">{order}</div>'
            f'<div class="f-content"><dl class="buyer-review"><dt class="buyer-feedback">'
            f'<span>{escape(review.get("text") or "")}</span><span class="r-time-new">{escape(review["post_time"])}</span>'
            f'</dt></dl><ul class="util-clearfix">{images}</ul></div></div></div>'
        )
    return (
        f'<html><body><div class="customer-reviews">({len(reviews)})</div>'
        f'<div id="transction-feedback">{"".join(items)}</div></body></html>'
    )



def parsed_csv_reviews(text: str) -> list[dict]:
    """Rows of the third-party CSV (Username, Country, Score, Content, Date) as parsed reviews."""
    import csv
    import io

    return [
        {"user": row["Username"], "country": row["Country"], "stars": float(row["Score"]), "text": row["Content"],
         "post_time": row["Date"], "images": [row["Links"]] if row.get("Links") else []}
        for row in csv.DictReader(io.StringIO(text))
    ]


# --- the 2024+ shell requesting its feed (browser tests) ----------------------------------

# Constructed 2024+ pages: the real client-rendered shell, plus a small
# script standing in for the page's own feed request (its real loader is on a CDN that tests
# cannot reach). It asks for the product feed by fetch() or by JSONP, as AliExpress's loader does.
FEED_PATH = "/h5/mtop.aliexpress.pdp.pc.query/1.0/"
# The JSONP page is another product (the service ignores captured data about a product other
# than the address's), so its feed is served at its own path with its own product id.
JSONP_FEED_PATH = "/h5/mtop.aliexpress.pdp.pc.query/2.0/"
FETCH_PRODUCT, JSONP_PRODUCT = "1005006717259012", "1005006717259013"
# A shell whose feed comes only when the test says so (window.loadFeed()), long after the
# content script stopped waiting for it: its own product and feed path, like the JSONP page's.
LATE_PRODUCT, LATE_FEED_PATH = "1005006717259014", "/h5/mtop.aliexpress.pdp.pc.query/3.0/"
# The real 2026 listing (F2607), whose shell requests the real components as its feed by JSONP.
REAL_FEED_PRODUCT, REAL_FEED_PATH = "1005010171981745", "/h5/mtop.aliexpress.pdp.pc.query/4.0/"


def real_pdp_envelope() -> dict:
    """The real 2026 components (F2607) as the answer of ``mtop.aliexpress.pdp.pc.query``: the
    components are the capture's; the envelope (api, ret, data.result) is the documented one,
    constructed."""
    (event,) = json.loads(read_text(F2607))["state"]["lifeCycleEventList"]
    return {"api": "mtop.aliexpress.pdp.pc.query", "v": "1.0", "ret": ["SUCCESS::调用成功"], "data": {"result": event["data"]}}


def real_pdp_jsonp() -> str:
    """:func:`real_pdp_envelope` as the JSONP text the page's loader receives."""
    return "mtopjsonp4(" + json.dumps(real_pdp_envelope(), ensure_ascii=False) + ")"


def shell_requesting_feed(how: str) -> bytes:
    product = {"fetch": FETCH_PRODUCT, "jsonp": JSONP_PRODUCT, "late": LATE_PRODUCT, "real": REAL_FEED_PRODUCT}[how]
    if how == "fetch":
        loader = f'<script>fetch("{FEED_PATH}?productId={product}&type=originaljson").then(r => r.text())</script>'
    elif how == "late":
        loader = f'<script>window.loadFeed = () => fetch("{LATE_FEED_PATH}?productId={product}").then(r => r.text());</script>'
    else:
        callback, path = ("mtopjsonp4", REAL_FEED_PATH) if how == "real" else ("mtopjsonp3", JSONP_FEED_PATH)
        loader = (
            f"<script>window.{callback} = function (payload) {{ window.__feed = payload; }};"
            f'var s = document.createElement("script"); s.src = "{path}?productId={product}&callback={callback}";'
            "document.head.appendChild(s);</script>"
        )
    html = read_text(SHELL).replace("1005006180026951", product)
    return html.replace("</body>", loader + "</body>").encode()



# The constructed pages by product id, and the feeds they request by path (the fixture site's routes).
SHELLS_REQUESTING_FEEDS = {
    FETCH_PRODUCT: lambda: shell_requesting_feed("fetch"),
    JSONP_PRODUCT: lambda: shell_requesting_feed("jsonp"),
    LATE_PRODUCT: lambda: shell_requesting_feed("late"),
    REAL_FEED_PRODUCT: lambda: shell_requesting_feed("real"),
}
SHELL_FEEDS = {
    FEED_PATH: gen_d_pdp_jsonp(),
    JSONP_FEED_PATH: gen_d_pdp_jsonp().replace(FETCH_PRODUCT, JSONP_PRODUCT),
    LATE_FEED_PATH: gen_d_pdp_jsonp().replace(FETCH_PRODUCT, LATE_PRODUCT),
    REAL_FEED_PATH: real_pdp_jsonp(),
}
