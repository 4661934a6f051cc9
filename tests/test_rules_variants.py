"""PRC005, bait pricing from another variant (issue 9): accessory variants in any storefront
language are bait when they cost a small fraction of the items; variants that differ by
warehouse or by quantity, and a low price many items share, are not.

The real listings with variants: the 2024-01 drill pen (generation C construction of real
scraped values: "Only M8 chuck" 4.47 USD among kits up to 30.57), the 2026 pet-hair remover
(F2607: "1 PC" 0.85, "2 PCS" 1.07, "4 PCS" 1.63, "9 PCS" 2.64, "16 PCS" 3.89 GBP), the 2022-12
ski goggles (F2212: three colours from five warehouses, 1.73 to 4.05 USD) and the 2022-09 watch
set (F2209: 13.36 from seven warehouses, 24.62 from China). Constructed cases reuse those names
and prices with the one change their docstring names.
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest

import heuristics
from heuristics import lexicon
from heuristics.model import Listing, Price, Variant
from tests.support.fixtures import F2209, F2212, F2607
from tests.support.rule_cases import gen_c, real

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 7, 18, tzinfo=UTC)


def fired(listing, when=NOW, **thresholds):
    verdict = heuristics.analyze(listing, when, select=("PRC005",), thresholds=thresholds or None, debug=True)
    assert not verdict.errors, verdict.errors
    return next(iter(verdict.findings), None)


def listing_of(title, variants, currency="GBP"):
    """A listing with these variants, headlined at the cheapest (as AliExpress shows it)."""
    prices = [v.price for v in variants]
    return Listing("aliexpress", title=title, price=Price(currency=currency, min=min(prices), max=max(prices)),
                   variants=list(variants))


def pen_renamed(name):
    """Constructed: the real 2024-01 pen with its "Only M8 chuck" variants (4.47 USD, from China
    and Russia) named in another storefront language."""
    listing, when = gen_c()
    for variant in listing.variants:
        if variant.name == "Only M8 chuck":
            variant.name = name
    return listing, when


PET_HAIR_TITLE = "Pet Hair Remover Laundry Ball Dog Cat Hair Catcher Washer Lint Fur Remover Reusable"


# --- accessories, in every storefront language ----------------------------------------------


def test_prc005_fires_on_the_real_chuck_with_a_median_of_the_items():
    listing, when = gen_c()
    finding = fired(listing, when)
    assert finding.evidence["items_median_price"] == 24.97 and finding.evidence["variants_at_price"] == 1
    assert "the other variants cost 24.97 USD (the median of 15)" in finding.message


@pytest.mark.parametrize(
    "name, word",
    [
        ("Solo portabrocas M8", "solo"),  # es
        ("Sin motor, portabrocas M8", "sin"),  # es, "without the motor"
        ("Apenas mandril M8", "apenas"),  # pt
        ("Mandrin M8 seulement", "seulement"),  # fr
        ("Nur M8 Bohrfutter", "nur"),  # de
        ("Solo mandrino M8", "solo"),  # it
        ("Только патрон M8", "только"),  # ru
        ("רק ראש M8", "רק"),  # he
        ("Tylko uchwyt M8", "tylko"),  # pl
        ("Sadece M8 mandren", "sadece"),  # tr
        ("M8 チャックのみ", "のみ"),  # ja
        ("M8 척 단품", "단품"),  # ko
        ("Storage case", "case"),  # en, an accessory noun without "only"
        ("Cable only", "cable"),
    ],
)
def test_prc005_fires_on_an_accessory_variant_in_any_language(name, word):
    """Constructed: the real pen, its chuck variant named in the storefront languages."""
    listing, when = pen_renamed(name)
    finding = fired(listing, when)
    assert finding is not None and word in finding.evidence["accessory_words"], name


def test_prc005_fires_on_a_hat_and_says_how_many_variants_share_its_price():
    """Constructed: a pet costume with F2607's real prices: a hat in two colours at 0.85 GBP, the
    cloak at 1.07, the full costume at 2.64 and 3.89."""
    listing = listing_of("Halloween Pet Costume Witch Dress for Dogs Cats", [
        Variant("1", "Hat / Black", 0.85), Variant("2", "Hat / Purple", 0.85), Variant("3", "Cloak", 1.07),
        Variant("4", "Full costume / S", 2.64), Variant("5", "Full costume / M", 3.89),
    ])
    finding = fired(listing)
    assert finding.evidence["variants_at_price"] == 2 and finding.evidence["accessory_words"] == ["hat"]
    assert finding.evidence["items_median_price"] == 3.27  # (2.64 + 3.89) / 2, the cloak being an accessory
    assert finding.message.startswith('The lowest price, 0.85 GBP, is for "Hat / Black"')
    assert finding.message.endswith("2 variants share this price.")


def test_prc005_quiet_on_an_accessory_near_the_price_of_the_items():
    """Constructed: the pen's chuck at 14.00 USD, above half the items' median (24.97)."""
    listing, when = gen_c()
    for variant in listing.variants:
        if variant.name == "Only M8 chuck":
            variant.price = 14.00
    listing.price.min = 4.56  # the "105pcs" kit is now the cheapest
    assert fired(listing, when) is None


def test_prc005_quiet_when_an_item_shares_the_accessory_price():
    """Constructed: the pen's "Red" kit (11.86) priced like the chuck: the headline price buys the
    item too."""
    listing, when = gen_c()
    for variant in listing.variants:
        if variant.name == "Red":
            variant.price = 4.47
    assert fired(listing, when) is None


def test_prc005_quiet_when_the_title_sells_the_accessory():
    """Constructed: a case listing whose cheapest variant is the case alone, the others the case
    with a strap (F2607's prices)."""
    listing = listing_of("Silicone Case for AirPods Pro 2", [
        Variant("1", "Case only / Black", 0.85), Variant("2", "Case + Strap / Black", 1.07),
        Variant("3", "Case + Strap / Pink", 1.63),
    ])
    assert fired(listing) is None


@pytest.mark.parametrize(
    "name, words",
    [
        ("With Box", []), ("Without box", []), ("No Box", []), ("sin caja", []), ("без коробки", []),
        ("箱なし", []), ("박스 없음", []), ("kutu hariç", []), ("Case + Film", ["case"]), ("No.1", []),
        ("No Battery", ["no"]), ("Sin batería", ["sin"]), ("本体なし", ["なし"]), ("pil olmadan", ["olmadan"]),
        ("Green With 105pcs", []), ("1PC 2.0Ah Battery", []), ("Only M8 chuck", ["chuck", "only"]),
        ("Cloak", ["cloak"]), ("only the cable", ["cable", "only"]), ("Nur Hülle", ["hülle", "nur"]),
    ],
)
def test_accessory_words_tell_a_part_from_what_comes_with_the_item(name, words):
    """Variant names (real: "Green With 105pcs", "1PC 2.0Ah Battery", "No Battery", "Only M8
    chuck"; the others constructed): a part the item comes with, or without, is not the item's
    absence."""
    assert lexicon.accessory_words(name) == words


# --- quantities ---------------------------------------------------------------------------


def test_prc005_quiet_on_the_real_quantity_variants():
    """F2607: one piece at 0.85 GBP is the dearest per piece (16 at 3.89 is 0.24 each)."""
    listing, when = real(F2607)
    assert [lexicon.quantity(v.name) for v in sorted(listing.variants, key=lambda v: v.price)] == [1, 2, 4, 9, 16]
    assert fired(listing, when) is None


def test_prc005_quiet_when_fewer_pieces_explain_a_price_far_below():
    """Constructed: F2607 with "1 PC" at 0.40 GBP, under half the next cheapest (1.07 for two) but
    still dearer per piece than 16 at 3.89: fewer pieces, not a bait."""
    listing, when = real(F2607)
    (one,) = [v for v in listing.variants if v.name == "1 PC"]
    one.price = listing.price.min = 0.40
    assert fired(listing, when) is None
    for variant in listing.variants:  # the same prices without quantities would be far below
        variant.name = {"1 PC": "Blue"}.get(variant.name, f"Colour {variant.sku_id[-1]}")
    assert fired(listing, when) is not None


def test_prc005_fires_per_piece_when_one_piece_is_a_bait():
    """Constructed: F2607's "1 PC" at its real 0.85 GBP while two pieces cost 10.00 and four
    20.00: 0.85 a piece against 5.00."""
    listing, when = real(F2607)
    prices = {"2 PCS": 10.00, "4 PCS": 20.00, "9 PCS": 45.00, "16 PCS": 80.00}
    for variant in listing.variants:
        variant.price = prices.get(variant.name, variant.price)
    finding = fired(listing, when)
    evidence = finding.evidence
    assert (evidence["quantity"], evidence["unit_price"], evidence["lowest_other_unit_price"]) == (1, 0.85, 5.00)
    assert "Per piece it costs 0.85 GBP, against at least 5.00 GBP for the others." in finding.message


@pytest.mark.parametrize(
    "name, count",
    [("1 PC", 1), ("16 PCS", 16), ("Pack of 4", 4), ("3 pares", 3), ("5шт", 5), ("10 Stück", 10), ("2個", 2),
     ("4 pièces", 4), ("6 adet", 6), ("Green With 105pcs", None), ("Red", None), ("A1723 64G / Gold", None)],
)
def test_quantity_of_a_variant(name, count):
    assert lexicon.quantity(name) == count


# --- warehouses ---------------------------------------------------------------------------


def test_prc005_quiet_on_the_real_warehouse_variants():
    """F2212: "01" from Russia at 1.73 USD, from China at 4.05; F2209: 13.36 abroad, 24.62 from China."""
    for path in (F2212, F2209):
        listing, when = real(path)
        assert fired(listing, when) is None, path.name


def test_prc005_quiet_when_the_cheapest_differs_only_by_warehouse():
    """Constructed: F2212's real Chinese variants (01 4.05, 02 3.99, 03 3.96 USD) and its real
    "01" from Russia at 1.73, less than half the others: the same goggles from another
    warehouse, not a bait."""
    listing, when = real(F2212)
    listing.variants = [v for v in listing.variants if v.ships_from == "CN" or (v.ships_from, v.name) == ("RU", "01")]
    assert sorted(v.price for v in listing.variants) == [1.73, 3.96, 3.99, 4.05]
    assert fired(listing, when) is None
    compared_everywhere = copy.deepcopy(listing)
    for variant in compared_everywhere.variants:
        variant.ships_from = None  # without the warehouses it would be far below
    assert fired(compared_everywhere, when) is not None


def test_item_key_leaves_out_where_it_ships_from():
    assert lexicon.item_key("Red / China") == lexicon.item_key("Red / Spain warehouse") == "red"
    assert lexicon.item_key("US Plug") != lexicon.item_key("UK Plug")


# --- low prices shared by many items ------------------------------------------------------


def promotion(shared: int) -> Listing:
    """Constructed: F2209's real colours and prices (24.62 from China, 37.88 its "was" price),
    the first ``shared`` colours at a new-user price of 4.99 USD."""
    names = ["all Black", "Black white", "Coffee", "Brown", "Brown Face Brown", "Black-faced brown"]
    variants = [Variant(str(i), name, 4.99 if i < shared else (24.62 if i % 2 else 37.88), ships_from="CN")
                for i, name in enumerate(names)]
    return listing_of("6 Pcs/set Fashion Watch Men Luxury Gifts Set Sunglasses Belt Wrist Watch", variants, "USD")


def test_prc005_quiet_on_a_new_user_price_many_items_share():
    assert fired(promotion(3), dt.datetime(2022, 9, 25, tzinfo=UTC)) is None


def test_prc005_fires_and_says_how_many_share_a_price_far_below():
    finding = fired(promotion(2), dt.datetime(2022, 9, 25, tzinfo=UTC))
    assert finding.evidence["variants_at_price"] == 2 and finding.evidence["next_cheapest"] == 24.62
    assert "2 variants share this price." in finding.message
    assert finding.message.startswith('The headline price 4.99 USD comes from a variant ("all Black")')
