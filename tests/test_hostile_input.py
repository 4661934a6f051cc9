"""Hostile and malformed input: never a 500 or a traceback, never invalid JSON out, nothing stored.

Found by a review of the first version: huge integers, deep nesting, NaN/Infinity, fields of the
wrong type inside real page data, non-ASCII digits in ids, and a web page posting analyses.
"""

from __future__ import annotations

import copy
import gzip
import json
import math
import random

import pytest

from heuristics.model import as_dict
from server.marketplaces import MARKETPLACES, Blob, PageInput
from server.marketplaces.aliexpress import embedded
from server.marketplaces.problems import BadBlob
from tests.support.api import assert_error, price_rows
from tests.support.constructed import gen_c_run_params, gen_d_pdp_jsonp
from tests.support.fixtures import F2020, F2209, F2212, PAGE_URLS, read_text

ALIEXPRESS = MARKETPLACES["aliexpress"]

WRONG_VALUES = [5, -1, "x", "", [1], {}, None, True, 1e308, 10**400, float("inf"), float("nan"), "9" * 5000, "²"]


def _real_blobs():
    f2020 = embedded.find(read_text(F2020)).run_params
    f2212 = embedded.find(read_text(F2212)).run_params
    return [
        ("F2020 runParams", "runParams", {"data": f2020}),
        ("F2212 runParams", "runParams", {"data": f2212}),
        ("F2209 _init_data_", "_init_data_", json.loads(read_text(F2209))),
        ("gen C (constructed)", "runParams", gen_c_run_params()),
        ("gen D (constructed)", "mtop.aliexpress.pdp.pc.query", json.loads(gen_d_pdp_jsonp()[len("mtopjsonp3("):-1])),
    ]


def _paths(value, prefix=(), depth=0):
    """Every dict key down to depth 6 (lists: their first two items), skipping i18n text maps."""
    if depth > 6:
        return
    if isinstance(value, dict):
        for key, child in value.items():
            if key in ("i18nMap", "i18n"):
                continue
            yield prefix + (key,)
            yield from _paths(child, prefix + (key,), depth + 1)
    elif isinstance(value, list):
        for index, child in enumerate(value[:2]):
            yield prefix + (index,)
            yield from _paths(child, prefix + (index,), depth + 1)


def _replaced(body, path, new):
    body = copy.deepcopy(body)
    target = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return body


@pytest.mark.parametrize("label, source, body", _real_blobs(), ids=lambda v: v if isinstance(v, str) and " " in v else None)
def test_wrong_types_anywhere_in_real_page_data_never_crash(label, source, body):
    """Every field of real page data replaced by values of the wrong type, one at a time
    (a deterministic sample of 400 field/value pairs per capture)."""
    cases = [(path, value) for path in _paths(body) for value in WRONG_VALUES]
    for path, value in random.Random(20261126).sample(cases, min(400, len(cases))):
        page = PageInput(
            url="https://www.aliexpress.com/item/1005003568989271.html", blobs=[Blob(source, _replaced(body, path, value))]
        )
        try:
            extraction = ALIEXPRESS.extract(page)
        except BadBlob:
            continue
        # The listing must serialise as strict JSON: no NaN or Infinity can reach the report.
        json.dumps(as_dict(extraction.listing), allow_nan=False)
        listing = extraction.listing
        for number in (
            listing.price.min,
            listing.price.max,
            listing.seller.positive_rate,
            listing.seller.followers,
            listing.orders,
        ):
            assert number is None or (math.isfinite(number) and number >= 0), (label, path, value)


LISTING = "https://www.aliexpress.com/item/1.html"
HOSTILE_BODIES = [
    ("integer of 5,000 digits", '{"url": ' + "1" * 5000 + "}", "not_json"),
    ("deep nesting", '{"url": ' + "[" * 100000 + "]" * 100000 + "}", "not_json"),
    # Deep enough for Python's own recursion (a recursive check once answered 500 here), not
    # for the decoder's: refused by the depth limit.
    *[(f"nesting {depth} deep", '{"url": "' + LISTING + '", "data": ' + "[" * depth + "]" * depth + "}", "not_json")
      for depth in (65, 400, 990)],
    ("nested objects 500 deep", '{"url": "' + LISTING + '", "x": ' + '{"a": ' * 500 + "1" + "}" * 500 + "}", "not_json"),
    ("NaN", '{"url": NaN}', "not_json"),
    ("Infinity", '{"url": "https://www.aliexpress.com/item/1.html", "html": "<html></html>", "x": -Infinity}', "not_json"),
    ("lone surrogate", '{"url": "https://www.aliexpress.com/item/1.html", "html": "<html>\\ud800</html>"}', "bad_unicode"),
]


@pytest.mark.parametrize("label, text, code", HOSTILE_BODIES, ids=[b[0] for b in HOSTILE_BODIES])
def test_hostile_json_bodies(client, app, label, text, code):
    body = assert_error(client.post("/api/v1/analyze", data=text, content_type="application/json"), 400, code)
    if "deep" in label:
        assert "nested" in body["message"]
    assert price_rows(app) == 0


def test_real_data_is_far_from_the_depth_limit():
    """The limit (server/jsontext.py) leaves a wide margin over the deepest real data."""
    from server import jsontext
    from tests.support.fixtures import F2209

    deepest = 0
    stack = [(json.loads(read_text(F2209)), 1)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
        stack.extend((child, depth + 1) for child in children)
    assert deepest == 12 and jsontext.MAX_DEPTH >= 4 * (deepest + 3)


BLOB_BODIES = [
    ("huge integer in a blob", '{"data": {"titleModule": {"tradeCount": ' + "9" * 5000 + "}}}"),
    ("deep nesting in a blob", '{"data": ' + "[" * 50000 + "]" * 50000 + "}"),
    ("nesting 500 deep in a blob", '{"data": ' + "[" * 500 + "]" * 500 + "}"),
    ("NaN in a blob", '{"data": {"storeModule": {"positiveRate": NaN}}}'),
]


@pytest.mark.parametrize("label, text", BLOB_BODIES, ids=[b[0] for b in BLOB_BODIES])
def test_hostile_blob_strings(client, label, text):
    body = {"url": "https://www.aliexpress.com/item/1005003568989271.html", "data": [{"source": "runParams", "body": text}]}
    assert_error(client.post("/api/v1/analyze", json=body), 422, "bad_blob")


def test_hostile_review_page(client):
    body = {
        "url": PAGE_URLS[F2212.name],
        "html": read_text(F2212),
        "reviews": ['{"data": {"evaViewList": [' + "[" * 50000 + "]}}"],
    }
    assert_error(client.post("/api/v1/analyze", json=body), 422, "bad_review_page")


def test_impossible_numbers_in_page_data_are_read_as_missing(client):
    data = embedded.find(read_text(F2212)).run_params
    data["storeModule"]["positiveRate"] = "1e400%"
    data["storeModule"]["followingNumber"] = 1e300
    data["titleModule"]["tradeCount"] = -5
    data["priceModule"]["minActivityAmount"]["value"] = 1e300
    report = client.post(
        "/api/v1/analyze", json={"url": PAGE_URLS[F2212.name], "data": [{"source": "runParams", "body": {"data": data}}]}
    ).get_json()
    seller = report["listing"]["seller"]
    assert (seller["positive_rate"], seller["followers"], report["listing"]["orders"]) == (None, None, None)
    assert report["listing"]["price"]["min"] != 1e300
    assert "seller.positive_rate" in report["coverage"]["missing"]


@pytest.mark.parametrize("product_id", ["²", "١٢٣", "1" * 5000])
def test_odd_digits_in_history_ids(client, product_id):
    assert_error(client.get(f"/api/v1/products/aliexpress/{product_id}/history"), 400, "bad_product_id")


def test_odd_digits_in_page_ids_are_not_ids(client):
    data = embedded.find(read_text(F2212)).run_params
    data["commonModule"]["productIdStr"] = "²"
    data["commonModule"]["productId"] = "²"
    data["actionModule"]["productId"] = None
    report = client.post("/api/v1/analyze", json={"url": "https://www.aliexpress.com/item/1005003568989271.html",
                                                  "data": [{"source": "runParams", "body": {"data": data}}]}).get_json()
    assert report["listing"]["product_id"] == "1005003568989271"  # from the address instead


# --- cross-site requests ---------------------------------------------------------------------


def test_a_web_page_cannot_post_an_analysis_as_text_plain(client, app):
    """The "simple" cross-origin POST a web page can send without a preflight."""
    body = json.dumps({"url": PAGE_URLS[F2212.name], "html": read_text(F2212)})
    response = client.post("/api/v1/analyze", data=body, content_type="text/plain", headers={"Origin": "https://evil.example"})
    assert_error(response, 403, "forbidden_origin")
    assert_error(client.post("/api/v1/analyze", data=body, content_type="text/plain"), 415, "not_json_content_type")
    assert price_rows(app) == 0


def test_an_extension_origin_may_post(client):
    response = client.post("/api/v1/analyze", json={"url": PAGE_URLS[F2020.name], "html": read_text(F2020)},
                           headers={"Origin": "chrome-extension://abcdefghijklmnopabcdefghijklmnop"})
    assert response.status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.1.evil.example", "attacker.localhost.example"])
def test_dns_rebinding_host_is_refused(client, host):
    """A page on a domain made to resolve to 127.0.0.1 calls the service "same-origin"; its
    requests still name that domain in Host, and are refused."""
    response = client.post("/api/v1/analyze", json={"url": PAGE_URLS[F2020.name], "html": read_text(F2020)},
                           headers={"Host": host})
    assert_error(response, 403, "forbidden_host")
    assert_error(client.get("/api/v1/products/aliexpress/1/history", headers={"Host": host}), 403, "forbidden_host")


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost", "LOCALHOST:1", "[::1]:8765", "localhost.:8765"])
def test_loopback_hosts_are_answered(client, host):
    assert client.get("/api/v1/health", headers={"Host": host}).status_code == 200


def test_host_names_parse_with_and_without_ports():
    from server.callers import host_name

    assert host_name("[::1]:8765") == "::1"
    assert host_name("127.0.0.1:8765") == "127.0.0.1"
    assert host_name("::1") == "::1"
    assert host_name("Example.COM") == "example.com"
    assert host_name("localhost.:8765") == "localhost"


def test_serve_counts_every_127_address_as_loopback():
    from server.cli import _is_loopback

    assert _is_loopback("127.0.0.2") and _is_loopback("::1") and _is_loopback("localhost")
    assert not _is_loopback("0.0.0.0") and not _is_loopback("192.168.1.5") and not _is_loopback("example.com")


# --- transport edge cases --------------------------------------------------------------------


def test_chunked_body_over_the_limit_is_413(db_path):
    """A body without Content-Length (chunked, over real HTTP) that is too large is refused, not cut."""

    from server import create_app
    from tests.support.live_server import LiveServer

    app = create_app({"TESTING": True, "DATABASE": db_path, "MAX_REQUEST_BYTES": 1024})
    body = json.dumps({"url": "https://www.aliexpress.com/item/1.html", "html": "<html>" + "a" * 5000 + "</html>"}).encode()

    def chunks():
        for start in range(0, len(body), 700):
            yield body[start : start + 700]

    with LiveServer(app) as server:
        response = server.http.post("/api/v1/analyze", content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_truncated_gzip_and_trailing_bytes_are_bad_gzip(client):
    packed = gzip.compress(json.dumps({"url": PAGE_URLS[F2020.name], "html": read_text(F2020)}).encode())
    for data in (packed[: len(packed) // 2], packed + b"trailing"):
        assert_error(
            client.post("/api/v1/analyze", data=data, content_type="application/json", headers={"Content-Encoding": "gzip"}),
            400,
            "bad_gzip",
        )


@pytest.mark.parametrize("url", ["ftp://www.aliexpress.com/item/1.html", "javascript://www.aliexpress.com/item/1.html"])
def test_non_http_addresses_are_bad_urls(client, url):
    assert_error(client.post("/api/v1/analyze", json={"url": url, "html": "<html></html>"}), 400, "bad_url")


def test_a_relative_canonical_link_is_resolved_against_the_address(client):
    html = read_text(F2212).replace(
        'href="https://www.aliexpress.com/item/1005003568989271.html"', 'href="/item/1005003568989271.html"'
    )
    assert '<link rel="canonical" href="/item/' in html
    report = client.post("/api/v1/analyze", json={"url": PAGE_URLS[F2212.name], "html": html}).get_json()
    assert report["page"]["status"] == "ok"


def test_a_feed_with_no_product_on_a_product_address_is_no_data(client):
    body = {"url": "https://www.aliexpress.com/item/1005006180026951.html",
            "data": [{"source": "mtop.aliexpress.pdp.pc.query", "body": {"data": {"result": {"GLOBAL_DATA": {}}}}}]}
    report = client.post("/api/v1/analyze", json=body).get_json()
    assert report["page"]["status"] == "no_data"


@pytest.mark.parametrize("field, value", [("data", {}), ("data", ""), ("data", 0), ("reviews", {}), ("reviews", False)])
def test_falsy_values_of_the_wrong_type_are_refused(client, field, value):
    body = {"url": PAGE_URLS[F2020.name], "html": read_text(F2020), field: value}
    assert client.post("/api/v1/analyze", json=body).status_code == 400


HOSTILE_PRICES = [0.0, -5.0, 5e-324, 1e-7, 1e308, float("inf"), -float("inf"), 10**10 + 1.0]


def test_stored_prices_that_cannot_be_real_break_no_rule(app, client):
    """Whatever another program (or an older emptor) wrote into the history, every rule still runs
    on the product and none of them is misled: each hostile price is stored, then the real page of
    that product is judged."""
    from server.store import open_database

    db = open_database(app.config["DATABASE"])
    try:
        for day, price in enumerate(HOSTILE_PRICES, start=1):
            db.table("price_observations").insert({
                "marketplace": "aliexpress", "product_id": "1005003568989271", "sku_id": None, "country": "US",
                "currency": "USD", "price": price, "original_price": price, "observed_at": f"2022-12-{day:02d}T00:00:00Z",
            })
        db.table("price_observations").insert({
            "marketplace": "aliexpress", "product_id": "1005003568989271", "sku_id": None, "country": "US",
            "currency": "USD", "price": 1.5, "original_price": None, "observed_at": "not a time",
        })
        db.conn.commit()
    finally:
        db.close()
    body = {"url": PAGE_URLS[F2212.name], "html": read_text(F2212), "capture": "saved"}  # judged in 2022, as its golden
    report = client.post("/api/v1/analyze", json=body).get_json()
    assert report["errors"] == []  # DEBUG_RULES: a rule that raised would have failed the request
    assert not {f["code"] for f in report["findings"]} & {"PRC001", "PRC002", "PRC003"}
    assert report["verdict"]["score"] == 64  # the golden outcome of this page


@pytest.mark.parametrize("price, real", [(3.33, True), (0, False), (-1, False), (5e-324, False), (0.001, False), (1e11, False)])
def test_a_price_that_cannot_be_real_is_read_as_missing_and_not_recorded(client, price, real):
    """The sale price of a real generation C listing replaced by each value: an impossible one is
    read as missing (the list price, 6.13, is then the headline) and never recorded."""
    run_params = json.loads(json.dumps(gen_c_run_params()))
    run_params["data"]["priceComponent"]["discountPrice"]["minActivityAmount"] = {"currency": "USD", "value": price}
    body = {"url": "https://www.aliexpress.com/item/4000927436411.html", "data": [{"source": "runParams", "body": run_params}]}
    report = client.post("/api/v1/analyze", json=body).get_json()
    assert report["page"]["status"] == "ok"
    assert report["listing"]["price"]["min"] == (price if real else 6.13)
    series = client.get("/api/v1/products/aliexpress/4000927436411/history").get_json()["series"]
    assert (price in [row["price"] for row in series]) == real
