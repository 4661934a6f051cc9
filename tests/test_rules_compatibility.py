"""CNT003 (issue 9): compatibility is not a brand claim. A list of what an item fits ("para
iPhone, Samsung, Xiaomi, Huawei", "for X / Y / Z", "compatible with", "apto para"), in every
storefront language, never makes the brand-in-a-non-brand-store rule fire; a brand the title
sells as the item still does.

Real titles: F2020 ("מקורי Apple iPhone SE …", a claim) and the 2024-09 drill ("… Power Tools
For Makita 18V Battery", compatibility). The other titles are constructed in the shape of real
AliExpress titles, in the storefront languages, and sold by the drill's store renamed "Tools Zone
Store" (not a brand's store), as in tests/test_rules_price.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

import heuristics
from heuristics import lexicon
from heuristics.model import Listing, Price, Seller, Shipping
from server import reference
from tests.support.fixtures import F2020
from tests.support.rule_cases import real

UTC = dt.timezone.utc
NOW = dt.datetime(2025, 10, 1, tzinfo=UTC)


def cnt003(title, store="Tools Zone Store"):
    listing = Listing("aliexpress", title=title, seller=Seller(name=store, official=False))
    verdict = heuristics.analyze(listing, NOW, select=("CNT003",), debug=True)
    assert not verdict.errors, verdict.errors
    return next(iter(verdict.findings), None)


COMPATIBILITY_LISTS = [
    # (language, title, the brands it names as what the item fits)
    ("es", "Funda de silicona para iPhone, Samsung, Xiaomi, Huawei", ["Huawei", "Samsung", "iPhone"]),
    ("es", "Cable USB C apto para iPhone 15 Pro Max, Samsung Galaxy S24 y Huawei P30", ["Galaxy", "Huawei", "Samsung", "iPhone"]),
    ("es", "Cargador rápido compatible con Apple y Samsung", ["Apple", "Samsung"]),
    ("en", "Tempered Glass Screen Protector for iPhone / Samsung / Huawei", ["Huawei", "Samsung", "iPhone"]),
    ("en", "Charging Cable compatible with Apple, Samsung & Huawei phones", ["Apple", "Huawei", "Samsung"]),
    ("en", "Watch Band for Apple Watch Series 9 8 7 and Samsung Galaxy Watch 6", ["Apple", "Galaxy", "Samsung"]),
    ("en", "Battery Adapter for Makita 18V to DeWalt 20V Milwaukee Bosch", ["Bosch", "DeWalt", "Makita", "Milwaukee"]),
    ("en", "Wireless Charger Stand, iPhone-compatible", ["iPhone"]),
    ("pt", "Capa compatível com iPhone 15 e Samsung Galaxy A54", ["Galaxy", "Samsung", "iPhone"]),
    ("pt", "Película para iPhone, Samsung e Motorola", ["Samsung", "iPhone"]),
    ("fr", "Coque pour iPhone 15, Samsung et Huawei", ["Huawei", "Samsung", "iPhone"]),
    ("fr", "Chargeur compatible avec Apple et Samsung", ["Apple", "Samsung"]),
    ("de", "Hülle für iPhone 15 und Samsung Galaxy S24", ["Galaxy", "Samsung", "iPhone"]),
    ("de", "Ladekabel kompatibel mit Apple, Samsung und Huawei", ["Apple", "Huawei", "Samsung"]),
    ("it", "Custodia per iPhone 15 e Samsung Galaxy", ["Galaxy", "Samsung", "iPhone"]),
    ("ru", "Чехол для iPhone 15, Samsung и Huawei", ["Huawei", "Samsung", "iPhone"]),
    ("ru", "Кабель совместим с Apple и Samsung", ["Apple", "Samsung"]),
    ("he", "כיסוי עבור iPhone 15 ו Samsung", ["Samsung", "iPhone"]),
    ("he", "כבל טעינה תואם ל-iPhone ו-Samsung", ["Samsung", "iPhone"]),
    ("pl", "Etui do iPhone 15 i Samsung Galaxy", ["Galaxy", "Samsung", "iPhone"]),
    ("tr", "iPhone 15 ve Samsung için kılıf", ["Samsung", "iPhone"]),
    ("tr", "Samsung ile uyumlu şarj kablosu", ["Samsung"]),
    ("ko", "iPhone 15 Pro 호환 케이스", ["iPhone"]),
    ("ja", "iPhone 15 Pro / Samsung Galaxy 対応 ケース", ["Galaxy", "Samsung", "iPhone"]),
    ("nl", "Hoesje voor iPhone 15 en Samsung", ["Samsung", "iPhone"]),
]


@pytest.mark.parametrize(
    "language, title, brands", COMPATIBILITY_LISTS, ids=[f"{c[0]}-{i}" for i, c in enumerate(COMPATIBILITY_LISTS)]
)
def test_cnt003_quiet_on_every_brand_of_a_compatibility_list(language, title, brands):
    assert cnt003(title) is None, title
    assert sorted(lexicon.compatibility_brands(title)) == sorted(brands)


def test_cnt003_quiet_on_the_real_drill_title():
    drill = (
        "10mm Electric Brushless Drill 2-Speed Self-locking Cordless Drill Screwdriver 60-100Nm Torque Power Tools "
        "For Makita 18V Battery"
    )
    assert cnt003(drill) is None


CLAIMS = [
    # (title, the brands claimed, the brands named as what the item fits)
    ("Original Apple AirPods Pro 2 Wireless Earbuds for iPhone Samsung", ["AirPods", "Apple"], ["Samsung", "iPhone"]),
    ("Shoes for Men Nike Air Max Running", ["Nike"], []),  # "for Men" says who, not what it fits
    ("Nike Air Max Running Shoes for Men", ["Nike"], []),
    ("20W Charger for iPhone Original Apple USB C Fast Charging", ["Apple"], ["iPhone"]),
    ("Dyson V15 Cordless Vacuum Cleaner for Home", ["Dyson"], []),
    ("Funda para iPhone 15 - Samsung Galaxy S24 Ultra Original", ["Galaxy", "Samsung"], ["iPhone"]),  # " - " ends the list
    ("Gift for Father Rolex Watch Men Automatic", ["Rolex"], []),
]


@pytest.mark.parametrize("title, claimed, fits", CLAIMS)
def test_cnt003_fires_on_a_brand_sold_as_the_item(title, claimed, fits):
    """Constructed titles: the brand is the item, whatever else the title fits."""
    finding = cnt003(title)
    assert finding is not None, title
    assert (finding.evidence["brands"], finding.evidence["compatible_with"]) == (claimed, fits)


def test_cnt003_fires_on_the_real_hebrew_original_iphone():
    listing, when = real(F2020)
    finding = heuristics.analyze(listing, when, select=("CNT003",)).findings[0]
    assert finding.evidence["brands"] == ["Apple", "iPhone"] and finding.evidence["compatible_with"] == []


def test_cnt003_quiet_in_the_brand_s_own_store():
    assert cnt003("Nike Air Max Running Shoes for Men", store="Nike Sports Store") is None


def test_a_very_long_title_is_judged_quickly():
    """Each brand looks for its list within 80 words and separators (no real list is longer), so a
    hostile title of 10,000 brands costs linear time; brands that far from the "for" count."""
    import time

    title = "Case for " + ", ".join(["iPhone", "Samsung"] * 5000)
    started = time.process_time()
    finding = cnt003(title)
    assert time.process_time() - started < 2.0
    assert finding.evidence["compatible_with"] == ["Samsung", "iPhone"]
    assert cnt003(title[:200]) is None


def test_prc004_quiet_on_a_compatibility_list_naming_airpods():
    """Constructed: a cable "para iPhone 15, Samsung y AirPods Pro" at 3.50 EUR is no copy of
    AirPods Pro (PRC004 reads the same lexicon)."""
    listing = Listing(
        "aliexpress",
        title="Cable de carga USB C para iPhone 15, Samsung y AirPods Pro",
        price=Price(currency="EUR", min=3.5, max=3.5),
        shipping=[Shipping(method="AliExpress Standard Shipping", cost=2.0, currency="EUR")],
        seller=Seller(name="Audio Tech Store", official=False),
    )
    verdict = heuristics.analyze(listing, NOW, reference=reference.load(), select=("PRC004",))
    assert verdict.findings == []
    listing.title = "AirPods Pro 2 Wireless Earbuds for iPhone, Samsung"
    verdict = heuristics.analyze(listing, NOW, reference=reference.load(), select=("PRC004",))
    assert [f.code for f in verdict.findings] == ["PRC004"]
