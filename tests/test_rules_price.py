"""PRC and the new CNT rules: a firing and a non-firing case each.

Real history exists for one listing: 4000927436411 ("Mini Wireless Drill Electric Carving
Pen"), captured by a third-party scraper on 2024-01-10, 2025-03-20 and (as its US alias
2255800741121659) 2025-10-01 (tests/fixtures/scraped/). Its prices in USD make the real history
below; all three are assumed viewed from the US, which their USD prices suggest.
"""

from __future__ import annotations

import datetime as dt
import json

import heuristics
from heuristics.model import FactsSnapshot, Listing, ListingHistory, Price, PricePoint, Seller, Shipping, Variant
from server import reference
from server.marketplaces import MARKETPLACES, Blob, PageInput
from tests.support.constructed import gen_c_run_params, gen_d_pdp_jsonp
from tests.support.fixtures import F2020, F2212, FIXTURES, PAGE_URLS, read_text

ALIEXPRESS = MARKETPLACES["aliexpress"]

UTC = dt.timezone.utc
REFERENCE = reference.load()
SCRAPED = FIXTURES / "scraped"


def scraped(name):
    return json.loads(read_text(SCRAPED / name))


def pen_listing(when: str) -> Listing:
    """The drill pen as its page showed it: the 2024-01 generation C construction, with the
    headline price and "was" price the scraper recorded on ``when``."""
    listing = ALIEXPRESS.extract(
        PageInput(url="https://www.aliexpress.com/item/4000927436411.html", blobs=[Blob("runParams", gen_c_run_params())])
    ).listing
    listing.locale.country = "US"
    prices = {"2024-01-10": (4.47, 6.13), "2025-03-20": (4.90, 6.13), "2025-10-01": (5.62, 7.40)}
    listing.price.min, listing.price.original_min = prices[when]
    return listing


def pen_history(*dates) -> ListingHistory:
    """Real recorded prices of the pen (headline price, USD, US)."""
    points = {
        "2024-01-10": PricePoint("2024-01-10T12:00:00Z", None, "US", "USD", 4.47, 6.13),
        "2025-03-20": PricePoint("2025-03-20T12:00:00Z", None, "US", "USD", 4.90, 6.13),
    }
    return ListingHistory(prices=[points[d] for d in dates])


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=13, tzinfo=UTC)


def fired(listing, code, now, history=None):
    verdict = heuristics.analyze(listing, now, history=history, reference=REFERENCE, select=(code,), debug=True)
    return {f.code: f for f in verdict.findings}.get(code)


# --- PRC001 -------------------------------------------------------------------------------


def test_prc001_fires_on_the_real_history_of_a_was_price_never_charged():
    """2025-10-01: "was" 7.40 USD, but the recorded prices were 4.47 and 4.90 over 630 days."""
    finding = fired(pen_listing("2025-10-01"), "PRC001", at("2025-10-01"), pen_history("2024-01-10", "2025-03-20"))
    assert (finding.evidence["original_price"], finding.evidence["highest_recorded"]) == (7.40, 5.62)
    assert finding.evidence["history_days"] == 630


def test_prc001_quiet_with_too_little_history():
    """2024-01-10 judged with only that day's record: no basis for a verdict on the discount."""
    history = ListingHistory(prices=[PricePoint("2024-01-10T09:00:00Z", None, "US", "USD", 4.47, 6.13)])
    assert fired(pen_listing("2024-01-10"), "PRC001", at("2024-01-10"), history) is None


def test_prc001_quiet_when_history_is_in_another_currency():
    """The real 2023-06 capture priced the pen in INR: USD history cannot judge it."""
    listing = pen_listing("2024-01-10")
    listing.price = Price(currency="INR", min=417.33, original_min=522.09, max=1383.17)
    assert fired(listing, "PRC001", at("2025-03-20"), pen_history("2024-01-10")) is None


def test_prc001_quiet_when_the_was_price_was_charged():
    """Synthetic: the same history where the pen once sold at its 'was' price."""
    history = pen_history("2024-01-10", "2025-03-20")
    history.prices.append(PricePoint("2025-06-01T12:00:00Z", None, "US", "USD", 7.40, 7.40))
    assert fired(pen_listing("2025-10-01"), "PRC001", at("2025-10-01"), history) is None


# --- PRC002 -------------------------------------------------------------------------------


def test_prc002_quiet_on_the_real_history():
    """The real rise (4.90 → 5.62) took 195 days, not weeks before a sale."""
    assert fired(pen_listing("2025-10-01"), "PRC002", at("2025-10-01"), pen_history("2024-01-10", "2025-03-20")) is None


def test_prc002_fires_on_a_raise_before_a_sale():
    """Synthetic history: 4.90 on 09-05, raised to 6.90 on 09-20, 'sale' at 5.62 on 10-01."""
    history = ListingHistory(prices=[
        PricePoint("2025-09-05T12:00:00Z", None, "US", "USD", 4.90, 6.13),
        PricePoint("2025-09-20T12:00:00Z", None, "US", "USD", 6.90, 6.90),
    ])
    finding = fired(pen_listing("2025-10-01"), "PRC002", at("2025-10-01"), history)
    assert (finding.evidence["price_before_rise"], finding.evidence["raised_to"], finding.evidence["current_price"]) == (
        4.90,
        6.90,
        5.62,
    )


# --- PRC003 -------------------------------------------------------------------------------


def test_prc003_quiet_on_the_real_history():
    """The recorded lows (4.47, 4.90) are older than 90 days on 2025-10-01."""
    assert fired(pen_listing("2025-10-01"), "PRC003", at("2025-10-01"), pen_history("2024-01-10", "2025-03-20")) is None


def test_prc003_fires_well_above_a_recent_low():
    """Real 2025-03-20 price as history, judged against a synthetic 6.50 on 2025-04-15."""
    listing = pen_listing("2025-03-20")
    listing.price.min = 6.50
    finding = fired(listing, "PRC003", at("2025-04-15"), pen_history("2025-03-20"))
    assert finding.evidence["recorded_low"] == 4.90


def test_prc003_window_counts_its_first_second_and_nothing_after_the_verdict():
    """Windows compare stored timestamps as text (heuristics/rules/price.py, _as_stored): a low
    recorded exactly 90 days before the verdict is in the window, one a second earlier is not,
    and one recorded after the moment judged is never history."""
    listing = pen_listing("2025-03-20")
    listing.price.min = 6.50
    now = at("2025-06-18")
    start = (now - dt.timedelta(days=90)).strftime("%Y-%m-%dT%H:%M:%SZ")
    before = (now - dt.timedelta(days=90, seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    later = (now + dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def low_at(when):
        return ListingHistory(prices=[PricePoint(when, None, "US", "USD", 4.90, 6.13)])

    assert fired(listing, "PRC003", now, low_at(start)).evidence["low_on"] == start
    assert fired(listing, "PRC003", now, low_at(before)) is None
    assert fired(listing, "PRC003", now, low_at(later)) is None
    assert fired(listing, "PRC003", now.astimezone(dt.timezone(dt.timedelta(hours=8))), low_at(start)) is not None


def test_price_rules_read_a_long_history_once_per_verdict():
    """Three rules look at the headline history; it is filtered once, not once per rule."""

    class CountingHistory(ListingHistory):
        reads = 0

        def __getattribute__(self, name):
            if name == "prices":
                type(self).reads += 1
            return super().__getattribute__(name)

    history = CountingHistory(prices=[PricePoint(f"2025-0{m}-01T12:00:00Z", None, "US", "USD", 4.90, 6.13) for m in range(1, 10)])
    listing = pen_listing("2025-10-01")
    heuristics.analyze(listing, at("2025-10-01"), history=history, reference=REFERENCE, select=("PRC001", "PRC002", "PRC003"))
    assert CountingHistory.reads == 1


# --- PRC004 -------------------------------------------------------------------------------


def airpods_listing(
    price: float, currency: str = "EUR", title: str = "AirPods Pro 2 Wireless Earbuds ANC Bluetooth 5.3"
) -> Listing:
    """Synthetic: no fixture is a counterfeit branded product."""
    return Listing(
        "aliexpress",
        title=title,
        price=Price(currency=currency, min=price, max=price),
        shipping=[Shipping(method="AliExpress Standard Shipping", cost=2.0, currency=currency)],
        seller=Seller(name="Audio Tech Store", official=False),
    )


def test_prc004_fires_on_a_branded_product_at_a_fraction_of_its_genuine_price():
    finding = fired(airpods_listing(15.99), "PRC004", at("2025-10-01"))
    evidence = finding.evidence
    assert (evidence["product"], evidence["price_paid"], evidence["currency"]) == ("AirPods Pro", 17.99, "EUR")
    assert (evidence["usd_per_unit"], evidence["rates_date"], evidence["usd"]) == (1.17, "2025-06-30", 21.05)
    assert evidence["share_of_floor"] == 0.14 and "1.17 USD per EUR" in finding.message


def test_prc004_quiet_at_a_genuine_price():
    assert fired(airpods_listing(189.0, "USD"), "PRC004", at("2025-10-01")) is None


def test_prc004_quiet_on_compatibility_wording():
    """A case *for* AirPods Pro is not AirPods Pro."""
    assert (
        fired(airpods_listing(3.5, title="Silicone Case for AirPods Pro 2 Shockproof Cover"), "PRC004", at("2025-10-01")) is None
    )


def test_prc004_quiet_on_real_pages():
    """The 2020 iPhone SE (a 2016 model, not in the table) and the real ski goggles."""
    for path in (F2020, F2212):
        listing = ALIEXPRESS.extract(PageInput(url=PAGE_URLS[path.name], html=read_text(path))).listing
        assert fired(listing, "PRC004", at("2022-12-20")) is None


# --- PRC005 -------------------------------------------------------------------------------


def test_prc005_fires_on_the_real_part_headlining_the_pen():
    """Real 2024-01 variants: "Only M8 chuck" at 4.47 USD heads a drill-pen listing."""
    finding = fired(pen_listing("2024-01-10"), "PRC005", at("2024-01-10"))
    assert (finding.evidence["variant"], finding.evidence["variant_price"]) == ("Only M8 chuck", 4.47)
    assert finding.evidence["accessory_words"] == ["chuck", "only"]
    # 15 items (each colour and kit once, whichever warehouse), their median 24.97 USD
    assert (finding.evidence["items_compared"], finding.evidence["items_median_price"]) == (15, 24.97)
    assert finding.message.startswith('The lowest price, 4.47 USD, is for "Only M8 chuck"')


def test_prc005_quiet_on_the_real_iphone_variants():
    listing = ALIEXPRESS.extract(PageInput(url=PAGE_URLS[F2020.name], html=read_text(F2020))).listing
    assert fired(listing, "PRC005", at("2020-07-09")) is None


def test_prc005_fires_on_one_variant_far_below_the_others():
    """Synthetic variants: 1.99 against 24.99 and up."""
    listing = Listing("aliexpress", title="TWS Wireless Earbuds", price=Price(currency="USD", min=1.99, max=29.99),
                      variants=[Variant("1", "White", 1.99), Variant("2", "Black", 24.99), Variant("3", "Pink", 29.99)])
    finding = fired(listing, "PRC005", at("2025-10-01"))
    assert finding.evidence["next_cheapest"] == 24.99
    assert "less than half of the next cheapest" in finding.message


def test_prc005_message_quotes_its_threshold():
    listing = Listing("aliexpress", title="TWS Wireless Earbuds", price=Price(currency="USD", min=1.99, max=29.99),
                      variants=[Variant("1", "White", 1.99), Variant("2", "Black", 24.99), Variant("3", "Pink", 29.99)])
    verdict = heuristics.analyze(listing, at("2025-10-01"), select=("PRC005",), thresholds={"bait_variant_share": 0.25})
    assert "less than a quarter of the next cheapest" in verdict.findings[0].message


# --- CNT002 / CNT003 ----------------------------------------------------------------------


def real(path):
    return ALIEXPRESS.extract(PageInput(url=PAGE_URLS[path.name], html=read_text(path))).listing


def test_cnt002_fires_on_the_real_hebrew_description():
    finding = fired(real(F2020), "CNT002", at("2020-07-09"))
    assert finding.evidence["words"] == {"description": ["לא מקורי"]}
    assert finding.severity.name == "MEDIUM"


def test_cnt002_fires_high_in_the_title():
    """Synthetic title."""
    listing = Listing("aliexpress", title="1:1 Replica Luxury Watch Men Automatic")
    assert fired(listing, "CNT002", at("2025-10-01")).severity.name == "HIGH"


def test_cnt002_quiet_on_real_pages_without_such_words():
    assert fired(real(F2212), "CNT002", at("2022-12-20")) is None


def test_cnt003_fires_on_apple_from_a_store_that_is_not_apple():
    finding = fired(real(F2020), "CNT003", at("2020-07-09"))
    assert finding.evidence == {"brands": ["Apple", "iPhone"], "store_name": "Summer Technology Co.,Ltd.", "compatible_with": []}


def test_cnt003_quiet_on_compatibility_wording_and_official_stores():
    """The real drill title says "For Makita 18V Battery"; its store is official anyway."""
    drill = ALIEXPRESS.extract(PageInput(url="https://www.aliexpress.com/item/1005006717259012.html",
                                         blobs=[Blob("mtop.aliexpress.pdp.pc.query", gen_d_pdp_jsonp())])).listing
    assert fired(drill, "CNT003", at("2024-09-06")) is None
    drill.seller.official, drill.seller.name = False, "Tools Zone Store"
    assert fired(drill, "CNT003", at("2024-09-06")) is None  # still only "for Makita"


# --- CNT004 -------------------------------------------------------------------------------


def storage(title, price, variants=()):
    """Synthetic: no fixture sells storage."""
    return Listing("aliexpress", title=title, price=Price(currency="USD", min=price, max=price), variants=list(variants))


def test_cnt004_fires_on_a_16tb_ssd_for_30_dollars():
    finding = fired(storage("16TB SSD High Speed External Solid State Drive USB 3.1", 29.99), "CNT004", at("2025-10-01"))
    assert (finding.evidence["claimed_tb"], finding.evidence["usd_per_tb"]) == (16.0, 1.87)


def test_cnt004_judges_each_capacity_variant():
    variants = [Variant("1", "128GB", 3.2), Variant("2", "1TB", 7.5), Variant("3", "2TB", 9.9)]
    finding = fired(storage("USB Flash Drive Metal Pendrive 128GB 1TB 2TB", 3.2, variants), "CNT004", at("2025-10-01"))
    assert finding.evidence["variant"] == "2TB"


def test_cnt004_quiet_on_genuine_prices_enclosures_and_phones():
    assert fired(storage("Samsung 990 EVO 1TB NVMe M.2 SSD", 79.0), "CNT004", at("2025-10-01")) is None
    assert fired(storage("M.2 NVMe SSD Enclosure USB 3.2 supports up to 16TB", 12.0), "CNT004", at("2025-10-01")) is None
    assert fired(real(F2020), "CNT004", at("2020-07-09")) is None  # "16/64GB ROM" phone, not storage


# --- CNT005 -------------------------------------------------------------------------------


def test_cnt005_quiet_on_the_real_snapshots_of_one_store_with_two_numbers():
    """The pen's store shows as /store/120565 (2023) and /store/1100574830 (2024), same name."""
    listing = pen_listing("2025-10-01")
    history = ListingHistory(facts=[FactsSnapshot("2023-06-02T00:00:00Z", "2025-03-20T00:00:00Z", listing.title,
                                                  "Shop120565 Store", "120565", tuple(listing.image_keys))])
    assert fired(listing, "CNT005", at("2025-10-01"), history) is None


def test_cnt005_fires_when_the_product_was_swapped():
    """Synthetic: the pen's listing seen before as something else under the same address."""
    listing = pen_listing("2025-10-01")
    history = ListingHistory(
        facts=[
            FactsSnapshot(
                "2024-01-10T00:00:00Z",
                "2025-03-20T00:00:00Z",
                "Wireless Earbuds Pro ANC Bluetooth Headphones",
                "Shop120565 Store",
                "1100574830",
                ("Sold1", "Sold2", "Sold3"),
            )
        ]
    )
    finding = fired(listing, "CNT005", at("2025-10-01"), history)
    assert set(finding.evidence["changes"]) == {"title", "images"}
    assert finding.evidence["reviews"] == 36 and finding.severity.name == "HIGH"
