"""Generation D held to the first real capture (F2607, tests/fixtures/SOURCES.md section E).

The expected values are read from the raw capture by tests/support/capture_reader.py, written
from the capture's own structure with nothing but ``json`` and ``re``: not emptor's readers, and
not copied from emptor's output. The capture goes through the whole pipeline twice: as a
saved file (`emptor scan`) and as the extension sends a captured feed (`POST /api/v1/analyze`
with the JSONP text of `mtop.aliexpress.pdp.pc.query`, on the real service on 127.0.0.1).
"""

from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner

from server.cli import cli
from server.marketplaces.aliexpress import generations
from server.textparse import refund_days, says_free_return
from tests.support.capture_reader import assert_listing_matches, expected_from_capture, raw_components
from tests.support.fixtures import F2607, PAGE_URLS


def test_the_capture_is_what_section_e_describes():
    """The independent reader's view, against the catalogue's description of the capture: a
    Choice item, 4.4 from 62 ratings, £0.85 for one piece and £3.89 for sixteen (sold out)."""
    expected = expected_from_capture(raw_components())
    assert expected["choice"] and expected["rating"] == {"average": 4.4, "count": 62}
    assert (expected["price"]["min"], expected["price"]["max"]) == (0.85, 3.89)
    assert ("12000051397283934", "16 PCS", 3.89, 4.17, 0) in expected["variants"]
    assert len(expected["variants"]) == 5 and expected["seller"]["opened"] == "2025-03-03"


def test_scan_reads_every_field_the_saved_feed_holds():
    """`emptor scan` on the saved `window._d_c_`: every field the capture carries, as the
    capture says it; the report's coverage misses only what the capture does not hold."""
    result = CliRunner().invoke(cli, ["scan", str(F2607), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["page"]["status"] == "ok" and report["page"]["generation"] == "D"
    expected = expected_from_capture(raw_components())
    assert_listing_matches(report["listing"], expected)
    assert report["page"]["captured_at"] == expected["captured"].strftime("%Y-%m-%dT%H:%M:%SZ")
    # Not in the capture: followers (only the store header shows them), the rating's star
    # split (PC_RATING has none) and a buyer-protection period (no block names one).
    assert sorted(report["coverage"]["missing"]) == ["badges.buyer_protection_days", "rating.histogram",
                                                    "seller.followers"]


def test_the_captured_feed_over_http_as_the_extension_sends_it(live_service):
    """The same components as the `mtop.aliexpress.pdp.pc.query` answer the page fetches, in the
    JSONP text the extension captures, through the real service."""
    jsonp = "mtopjsonp2(" + json.dumps({"api": "mtop.aliexpress.pdp.pc.query", "ret": ["SUCCESS::调用成功"],
                                        "data": {"result": raw_components()}}, ensure_ascii=False) + ")"
    response = live_service.http.post("/api/v1/analyze", json={
        "url": PAGE_URLS[F2607.name], "data": [{"source": "mtop.aliexpress.pdp.pc.query", "body": jsonp}], "capture": "saved",
    })
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["page"]["status"] == "ok" and report["errors"] == []
    assert_listing_matches(report["listing"], expected_from_capture(raw_components()))


def test_a_variant_is_known_by_its_string_id_not_its_rounded_number():
    """Two of the capture's variants carry the same numeric skuId (past 2^53, rounded); each
    keeps its own id, price and stock."""
    paths = raw_components()["SKU"]["skuPaths"]
    assert len({path["skuId"] for path in paths}) < len(paths)  # the rounding is in the capture
    listing = generations.from_pdp_result(raw_components()).listing
    assert len({v.sku_id for v in listing.variants}) == len(paths)


# --- shipping as shown -------------------------------------------------------------------------


def with_shipping_facts(**facts) -> dict:
    components = copy.deepcopy(raw_components())
    components["SHIPPING"]["originalLayoutResultList"][0]["bizData"].update(facts)
    return components


def test_free_shipping_is_read_as_the_page_shows_it():
    """`shippingFee: charge` with a cost of ￡1.99, and the layout's "Free shipping" block shown
    because its condition (`shippingFee=free||thresholdOverZero!=yes`) holds: free."""
    (option,) = generations.from_pdp_result(raw_components()).listing.shipping
    assert option.cost == 0.0


def test_a_charge_is_read_when_the_free_shipping_block_is_not_shown():
    """Constructed from the real capture: a threshold above zero not met, so the page shows the
    charge and not the free-shipping block."""
    (option,) = generations.from_pdp_result(with_shipping_facts(thresholdOverZero="yes")).listing.shipping
    assert option.cost == 1.99


def test_delivery_days_come_from_the_dates_shown_when_the_numbers_are_missing():
    """Constructed: the same option without utParams' day counts; "Jul. 24" to "Jul. 29" seen
    on 2026-07-18 (the trace id's date) is 6 to 11 days."""
    components = with_shipping_facts(utParams="{}")
    (option,) = generations.from_pdp_result(components).listing.shipping
    assert (option.min_days, option.max_days, option.delivery_date) == (6, 11, "2026-07-29")


# --- the programme, the returns and the store's date ---------------------------------------------


def test_choice_comes_from_the_service_blocks_programme():
    components = copy.deepcopy(raw_components())
    assert generations.from_pdp_result(components).listing.badges.choice is True
    for name in ("DELIVERY_GUARANTEE_SERVICE", "AFTER_SALE_SERVICE_BLOCK"):
        components[name]["params"]["sceneType"] = "GENERAL"
    components["GLOBAL_DATA"]["globalData"]["buriedLogInfo"]["buriedData"] = '{"choice":false}'
    assert generations.from_pdp_result(components).listing.badges.choice is None  # not shown: not claimed either way


def test_the_store_opening_is_the_date_the_page_displays():
    """Constructed from the real capture: an opening time whose UTC date is the next day (a store
    opened late in the evening in China) while the page displays the day the shopper sees."""
    components = copy.deepcopy(raw_components())
    seller = components["SHOP_CARD_PC"]["sellerInfo"]
    seller["openTime"] = 1741039685000  # 2025-03-03T22:08:05Z: 2025-03-04 in China, "Mar 3, 2025" shown
    assert generations.from_pdp_result(components).listing.seller.opened == "2025-03-03"
    del seller["formatOpenTime"]
    assert generations.from_pdp_result(components).listing.seller.opened == "2025-03-03"  # the epoch, read in UTC


@pytest.mark.parametrize("text", [
    "Free returns within 90 days", "Free Return", "Devolución gratis", "Devoluciones gratuitas en 90 días",
    "Retour gratuit", "Kostenlose Rückgabe", "Devolução grátis", "Бесплатный возврат", "החזרה חינם",
])
def test_free_returns_in_the_sites_languages(text):
    assert says_free_return(text)


@pytest.mark.parametrize("text", ["Returns accepted within 15 days", "Devolución en 15 días", "Return shipping paid by buyer",
                                  "Free shipping", "Livraison gratuite", "Kostenloser Versand"])
def test_returns_without_the_free_promise_are_not_free_returns(text):
    assert not says_free_return(text)


def test_refund_days_only_from_a_refund_promise():
    assert refund_days("Refund if no delivery in 35 days") == 35
    assert refund_days("Reembolso si no se entrega en 45 días") == 45
    assert refund_days("Fast delivery") is None
    assert refund_days("Delivery in 35 days") is None  # no refund promised


def test_the_store_opening_as_written_when_no_display_text():
    """Constructed from F2607 without ``formatOpenTime``: its own ``openTime`` "2025-03-03 19:08:05"
    is read as the date written; a malformed one is not a date."""
    components = copy.deepcopy(raw_components())
    seller = components["SHOP_CARD_PC"]["sellerInfo"]
    del seller["formatOpenTime"]
    assert generations.from_pdp_result(components).listing.seller.opened == "2025-03-03"
    seller["openTime"] = "2025-13-03 19:08:05"
    assert generations.from_pdp_result(components).listing.seller.opened is None


def test_a_free_shipping_threshold_not_met_is_reported_with_the_charge():
    """Constructed from F2607: a threshold above zero ("free shipping over ￡10.00") the order does
    not meet: the option costs ￡1.99 and ships free from ￡10.00."""
    components = with_shipping_facts(thresholdOverZero="yes", meetLogisticsComposeThreshold="no",
                                     logisticsComposeThreshold="￡10.00")
    (option,) = generations.from_pdp_result(components).listing.shipping
    assert (option.cost, option.free_over) == (1.99, 10.0)
    (met,) = generations.from_pdp_result(raw_components()).listing.shipping
    assert (met.cost, met.free_over) == (0.0, None)  # the real capture: a ￡0.00 threshold, met


def test_an_option_the_data_leaves_empty_is_not_reported():
    """Constructed from F2607: a second delivery option whose bizData holds nothing but its currency."""
    components = copy.deepcopy(raw_components())
    components["SHIPPING"]["originalLayoutResultList"].append({"bizData": {"displayCurrency": "GBP"}})
    assert len(generations.from_pdp_result(components).listing.shipping) == 1
