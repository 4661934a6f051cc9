"""Extraction on every page fixture: values as the page shows them."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from heuristics.model import as_dict
from server.marketplaces import MARKETPLACES, Blob, PageInput
from server.marketplaces.problems import BadBlob
from tests.support.constructed import gen_c_run_params, gen_d_pdp_jsonp, rendered_2024_page
from tests.support.fixtures import EBAY, F2020, F2209, F2212, NOT_FOUND, PAGE_URLS, PUNISH, SHELL, STORE, read_text

ALIEXPRESS = MARKETPLACES["aliexpress"]

UTC = dt.timezone.utc


def extract_file(path, **extra):
    if path.suffix == ".json":
        blob = ALIEXPRESS.blob_from_capture(read_text(path))
        return ALIEXPRESS.extract(PageInput(url=PAGE_URLS[path.name], blobs=[blob], **extra))
    return ALIEXPRESS.extract(PageInput(url=PAGE_URLS[path.name], html=read_text(path), **extra))


def test_2022_12_us_page_generation_a():
    extraction = extract_file(F2212)
    listing = extraction.listing
    assert (extraction.status, extraction.generation) == ("ok", "A")
    # The US site shows the alias 3256803382674519 = global id + 2^51.
    assert listing.product_id == "1005003568989271"
    assert listing.product_id_shown == "3256803382674519"
    assert listing.title.startswith("Unisex Glasses Windproof Outdoor Sport Eyewear")
    assert (listing.locale.country, listing.locale.currency, listing.locale.language) == ("US", "USD", "en")
    assert (listing.price.min, listing.price.max, listing.price.original_min, listing.price.original_max) == (
        1.73,
        4.05,
        2.55,
        5.95,
    )
    assert listing.price.discount_percent == 32
    seller = listing.seller
    assert (seller.name, seller.store_id, seller.positive_rate, seller.feedback_count, seller.followers) == (
        "Car Accessories Zone Store", "1101366561", 86.6, 1528, 1905)
    assert (seller.opened, seller.top_rated, seller.official) == ("2019-12-09", False, False)
    assert (listing.rating.average, listing.rating.count) == (5.0, 3)
    assert listing.rating.histogram == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 3}
    assert listing.orders == 12
    assert listing.badges.choice is False
    # The data has only the template "{day}-Day Buyer Protection": null, not guessed.
    assert listing.badges.buyer_protection_days is None
    assert len(listing.variants) == 15
    # Sku ids exceed 2^53 and must stay exact strings.
    assert listing.variants[0].sku_id == "12000026321052630"
    assert (listing.variants[0].price, listing.variants[0].original_price, listing.variants[0].ships_from) == (2.94, 4.32, "ES")
    option = listing.shipping[0]
    assert (option.method, option.cost, option.currency, option.max_days, option.tracked) == (
        "Seller's Shipping Method - US", 3.8, "USD", 44, True)
    assert option.delivery_date == "2023-03-02"
    assert extraction.captured_at == dt.datetime(2022, 12, 20, 18, 36, 11, 975000, tzinfo=UTC)


def test_2020_hebrew_rendered_page_generation_a_with_dom():
    extraction = extract_file(F2020)
    listing = extraction.listing
    assert extraction.sources == ["runParams", "dom-2020"]
    assert listing.product_id == listing.product_id_shown == "32993251330"
    assert listing.title.startswith("מקורי Apple iPhone SE")
    assert (listing.locale.country, listing.locale.currency, listing.locale.language) == ("US", "EUR", "he")
    assert (listing.price.min, listing.price.max, listing.price.original_min, listing.price.discount_percent) == (
        97.39,
        128.72,
        162.32,
        40,
    )
    seller = listing.seller
    assert (seller.name, seller.store_id, seller.positive_rate, seller.feedback_count, seller.followers, seller.opened) == (
        "Summer Technology Co.,Ltd.", "1392990", 93.6, 526, 70532, "2014-08-04")
    assert (listing.rating.average, listing.rating.count, listing.orders) == (5.0, 2, 6)
    assert len(listing.variants) == 16
    # The condition is matched by attribute id, whatever the page's language.
    condition = next(s for s in listing.specs if s.name_id == "200000649")
    assert (condition.name, condition.value, condition.value_id) == ("מצב הפריט", "משומש", "349885")
    # The rendered DOM says "הגנת הקונה למשך 90 ימים" where the data has a {day} template.
    assert listing.badges.buyer_protection_days == 90
    # Free shipping in Hebrew ("שילוח חינם"), the carrier read with the page's own "to … via …".
    option = listing.shipping[0]
    assert (option.method, option.cost, option.currency) == ("AliExpress Standard Shipping", 0.0, "EUR")
    assert option.delivery_date == "2020-08-12"
    assert listing.badges.choice is None  # the page predates Choice
    assert extraction.captured_at == dt.datetime(2020, 7, 9, 1, 1, 35, 975000, tzinfo=UTC)
    assert listing.image_keys[0] == "HTB1.DiLM7voK1RjSZFDq6xY3pXam"


def test_2022_09_new_detail_generation_b():
    extraction = extract_file(F2209)
    listing = extraction.listing
    assert (extraction.status, extraction.generation, extraction.sources) == ("ok", "B", ["_init_data_"])
    assert (listing.product_id, listing.product_id_shown) == ("1005003432435196", "3256803246120444")
    assert listing.title.startswith("6 Pcs/set Fashion Watch Men Luxury Gifts Set")
    assert (listing.price.min, listing.price.max, listing.price.original_min, listing.price.original_max) == (
        13.36,
        24.62,
        20.55,
        37.88,
    )
    assert listing.price.discount_percent == 35
    seller = listing.seller
    assert (seller.name, seller.store_id, seller.positive_rate, seller.followers, seller.opened) == (
        "Joan Yu Store", "1101222680", 92.9, 4476, "2016-09-09")
    assert listing.rating.average is None  # Gen B carries no rating summary
    assert listing.orders == 3
    option = listing.shipping[0]
    assert (option.method, option.cost, option.guaranteed_days, option.ships_from) == (
        "AliExpress Standard Shipping",
        3.73,
        60,
        "CN",
    )
    assert listing.badges.delivery_guarantee.days == 60
    assert len(listing.shipping) == 4
    assert extraction.captured_at.date() == dt.date(2022, 9, 25)


@pytest.mark.parametrize(
    "path, status, product_id",
    [
        (SHELL, "no_data", "1005006180026951"),
        (NOT_FOUND, "not_found", "1005008204179129"),
        (PUNISH, "blocked", "1005008204179129"),
        (STORE, "not_product", None),
    ],
)
def test_triage_of_pages_without_a_listing(path, status, product_id):
    extraction = extract_file(path)
    assert extraction.status == status
    assert extraction.listing.product_id == product_id
    assert extraction.listing.title is None and extraction.listing.seller.name is None


def test_punish_page_dates_itself_from_x5secdata():
    assert extract_file(PUNISH).captured_at == dt.datetime.fromtimestamp(1752767154, tz=UTC)


def test_generation_c_component_run_params():
    """Constructed input (tests/constructed.py): documented Gen C field names, real 2024-01 values."""
    data = gen_c_run_params()
    extraction = ALIEXPRESS.extract(
        PageInput(url="https://www.aliexpress.com/item/4000927436411.html", blobs=[Blob("runParams", data)])
    )
    listing = extraction.listing
    assert (extraction.status, extraction.generation) == ("ok", "C")
    assert listing.product_id == "4000927436411"
    assert listing.title.startswith("Mini Wireless Drill Electric Carving Pen")
    assert (listing.seller.name, listing.seller.store_id, listing.seller.top_rated) == ("Shop120565 Store", "1100574830", True)
    assert listing.seller.opened == "2013-03-17"  # openTime 1363482351000 ms
    assert (listing.seller.positive_rate, listing.seller.feedback_count) == (96.8, 4744)
    assert (listing.rating.average, listing.rating.count) == (4.9, 36)
    assert listing.rating.histogram == {"1": 0, "2": 0, "3": 0, "4": 3, "5": 33}
    assert listing.orders == 170
    assert listing.badges.choice is False
    # The SKU list arrives as a JSON string (priceComponent.skuJson).
    assert len(listing.variants) == len(json.loads(data["data"]["priceComponent"]["skuJson"]))
    assert {v.ships_from for v in listing.variants} == {"CN", "RU"}
    assert (listing.price.min, listing.price.original_max) == (min(v.price for v in listing.variants), 41.88)


def test_generation_d_pdp_feed_as_raw_jsonp():
    """Constructed input (tests/constructed.py): documented Gen D field names, real 2024-09 values."""
    extraction = ALIEXPRESS.extract(
        PageInput(
            url="https://www.aliexpress.com/item/1005006717259012.html",
            html=read_text(SHELL).replace("1005006180026951", "1005006717259012"),
            blobs=[Blob("mtop.aliexpress.pdp.pc.query", gen_d_pdp_jsonp())],
        )
    )
    listing = extraction.listing
    assert (extraction.status, extraction.generation) == ("ok", "D")
    assert listing.product_id == "1005006717259012"
    assert (listing.price.min, listing.price.original_min) == (40.04, 42.8)
    assert (listing.seller.name, listing.seller.store_id, listing.seller.positive_rate) == (
        "PATUOPRO Official Store",
        "1102818328",
        97.2,
    )
    assert listing.seller.official is True
    assert (listing.rating.average, listing.rating.count, listing.orders) == (4.8, 494, 2000)
    assert listing.shipping[0].cost == 0.0 and listing.shipping[0].delivery_date == "2024-10-04"
    assert listing.variants[0].name == "1PC 2.0Ah Battery"
    assert extraction.captured_at.date() == dt.date(2024, 9, 6)


def test_rendered_2024_dom_with_hashed_classes():
    """Constructed input (tests/support/constructed.py): docs/sources.md's selectors, real 2024-09 values."""
    extraction = ALIEXPRESS.extract(
        PageInput(
            url="https://www.aliexpress.com/item/1005006717259012.html",
            html=rendered_2024_page(),
            received_at=dt.datetime(2024, 9, 6, tzinfo=UTC),
        )
    )
    listing = extraction.listing
    assert (extraction.status, extraction.generation) == ("ok", "dom-2024")
    assert listing.title.startswith("10mm Electric Brushless Drill")
    assert (listing.price.min, listing.price.original_min, listing.price.discount_percent, listing.price.currency) == (
        40.04,
        42.8,
        6,
        "USD",
    )
    assert (listing.seller.name, listing.seller.store_id, listing.seller.positive_rate, listing.seller.followers) == (
        "PATUOPRO Official Store", "1102818328", 97.2, 2292)
    assert (listing.rating.average, listing.rating.count, listing.orders) == (4.8, 494, 2000)
    assert any(s.name == "Brand Name" and s.value == "PATUOPRO" for s in listing.specs)
    assert listing.shipping[0].delivery_date == "2024-10-04"
    assert listing.image_keys[0] == "Sab4cf830d63149b7acf4b95773a75fe2k"


def test_rendered_2024_dom_reads_thousands_in_the_page_language():
    """Constructed page as above, with followers and sales in a locale that groups with dots."""
    html = (
        rendered_2024_page().replace("<strong>2292</strong>", "<strong>2.292</strong>").replace("2,000+ sold", "2.000+ vendidos")
    )
    listing = ALIEXPRESS.extract(PageInput(url="https://www.aliexpress.com/item/1005006717259012.html", html=html)).listing
    assert (listing.seller.followers, listing.orders) == (2292, 2000)


def test_msite_feed_with_component_blocks():
    """Constructed and unverified: no public capture shows the mobile feed's keys (docs/sources.md);
    emptor reads it with whichever known shape its blocks match, here Gen C components."""
    blob = Blob(
        "mtop.aliexpress.itemdetail.msite", {"api": "mtop.aliexpress.itemdetail.msite", "data": gen_c_run_params()["data"]}
    )
    extraction = ALIEXPRESS.extract(PageInput(url="https://m.aliexpress.com/item/4000927436411.html", blobs=[blob]))
    assert (extraction.status, extraction.generation, extraction.sources) == ("ok", "C", ["mtop.aliexpress.itemdetail.msite"])
    assert extraction.listing.seller.name == "Shop120565 Store"


def test_saved_raw_jsonp_feed_is_recognised():
    blob = ALIEXPRESS.blob_from_capture(gen_d_pdp_jsonp())
    assert blob.source == "mtop.aliexpress.pdp.pc.query"


def test_async_pc_detail_without_api_name_is_recognised():
    blob = ALIEXPRESS.blob_from_capture(json.dumps({"data": {"data": gen_c_run_params()["data"]}}))
    assert blob.source == "mtop.aliexpress.itemdetail.pc.asyncPCDetail"


def _strip_scripts(html: str) -> str:
    """What the extension sends: the serialized DOM without script bodies and styles."""
    html = re.sub(r"(<script\b[^>]*>).*?(</script>)", r"\1\2", html, flags=re.DOTALL | re.IGNORECASE)
    return re.sub(r"<style\b[^>]*>.*?</style>", "", html, flags=re.DOTALL | re.IGNORECASE)


@pytest.mark.parametrize("path", [F2020, F2212], ids=lambda p: p.name)
def test_stripped_page_plus_run_params_blob_equals_full_page(path):
    html = read_text(path)
    full = extract_file(path)
    run_params = {"data": json.loads(json.dumps(_run_params_of(html)))}
    stripped = ALIEXPRESS.extract(
        PageInput(url=PAGE_URLS[path.name], html=_strip_scripts(html), blobs=[Blob("runParams", run_params)])
    )
    assert "window.runParams" not in _strip_scripts(html)
    assert as_dict(stripped.listing) == as_dict(full.listing)
    assert (stripped.status, stripped.generation, stripped.captured_at) == (full.status, full.generation, full.captured_at)


def _run_params_of(html: str) -> dict:
    from server.marketplaces.aliexpress import embedded

    return embedded.find(html).run_params


def test_truncated_blob_is_refused_with_its_index_and_source():
    text = read_text(F2209)[:5000]
    with pytest.raises(BadBlob) as raised:
        ALIEXPRESS.extract(PageInput(url=PAGE_URLS[F2209.name], blobs=[Blob("_init_data_", text)]))
    assert raised.value.code == "bad_blob"
    assert "data[0] (_init_data_)" in raised.value.message
    assert raised.value.field == "data[0]"


def test_data_from_a_source_emptor_does_not_read_is_set_aside():
    """Not refused: a page script can post data under any name, and a refusal would cost the
    extension a whole request for each."""
    page = PageInput(url=PAGE_URLS[F2212.name], html=read_text(F2212), blobs=[Blob("window.secret", {})])
    extraction = ALIEXPRESS.extract(page)
    assert extraction.status == "ok"
    assert extraction.errors == [{"code": "data", "field": "data[0]", "message": extraction.errors[0]["message"]}]
    assert extraction.errors[0]["message"].startswith("data[0].source is 'window.secret', which emptor does not read")


def test_mtop_captcha_answer_is_blocked():
    answer = {"api": "mtop.aliexpress.pdp.pc.query", "ret": ["FAIL_SYS_USER_VALIDATE::哎哟喂,被挤爆啦"], "data": {"url": "https://www.aliexpress.com/_____tmd_____/punish"}}
    extraction = ALIEXPRESS.extract(
        PageInput(
            url="https://www.aliexpress.com/item/1005006180026951.html", blobs=[Blob("mtop.aliexpress.pdp.pc.query", answer)]
        )
    )
    assert extraction.status == "blocked"
    assert extraction.listing.product_id == "1005006180026951"


def test_choice_template_marks_choice():
    # The shell re-addressed to the constructed product, as its own page would be.
    html = (
        read_text(SHELL)
        .replace("viewName = 'newDetail'", "viewName = 'choiceDetail'")
        .replace("1005006180026951", "4000927436411")
    )
    extraction = ALIEXPRESS.extract(
        PageInput(
            url="https://www.aliexpress.com/item/4000927436411.html",
            html=html,
            blobs=[
                Blob(
                    "mtop.aliexpress.itemdetail.pc.asyncPCDetail",
                    {"data": {"data": gen_c_run_params()["data"] | {"productTagComponent": {}}}},
                )
            ],
        )
    )
    assert extraction.status == "ok"
    assert extraction.listing.badges.choice is True


def test_ebay_page_names_its_own_host():
    assert ALIEXPRESS.url_from_html(read_text(EBAY)).startswith("https://www.ebay.")


def _run_params_blob(path):
    return Blob("runParams", {"data": json.loads(json.dumps(_run_params_of(read_text(path))))})


def test_captured_data_about_another_product_is_set_aside():
    """A blob whose product id is not the address's (a listing changed without a reload, or a
    page script posting data of its own) is ignored and reported, not judged as this product:
    the 2020 page is judged from its own rendered DOM alone."""
    own_html = _strip_scripts(read_text(F2020))
    alone = ALIEXPRESS.extract(PageInput(url=PAGE_URLS[F2020.name], html=own_html))
    mixed = ALIEXPRESS.extract(PageInput(url=PAGE_URLS[F2020.name], html=own_html, blobs=[_run_params_blob(F2212)]))
    assert alone.status == "ok" and alone.listing.title
    assert as_dict(mixed.listing) == as_dict(alone.listing)
    assert mixed.errors == [{"code": "data", "field": "data[0]",
                             "message": "data[0] (runParams) describes product 1005003568989271, "
                             "not the page's product 32993251330; it was ignored."}]
    assert alone.errors == []


def test_captured_data_naming_no_product_is_set_aside():
    """Without its ids the 2022 page's data would otherwise be merged as the 2020 product's."""
    blob = _run_params_blob(F2212)
    data = blob.body["data"]
    for module, keys in (("commonModule", ("productId", "productIdStr")), ("actionModule", ("productId",)),
                         ("storeModule", ("productId",)), ("pageModule", ("productId",))):
        for key in keys:
            data.get(module, {}).pop(key, None)
    own_html = _strip_scripts(read_text(F2020))
    alone = ALIEXPRESS.extract(PageInput(url=PAGE_URLS[F2020.name], html=own_html))
    mixed = ALIEXPRESS.extract(PageInput(url=PAGE_URLS[F2020.name], html=own_html, blobs=[blob]))
    assert as_dict(mixed.listing) == as_dict(alone.listing)
    assert mixed.errors[0]["message"].startswith("data[0] (runParams) names no product")


def test_a_page_still_showing_another_listing_is_not_judged():
    """After a move to another listing without a reload, the rendered page still shows (and
    names, in its canonical address) the first one: it is not judged as the new product."""
    moved = ALIEXPRESS.extract(PageInput(url="https://he.aliexpress.com/item/1005006717259012.html",
                                         html=_strip_scripts(read_text(F2020))))
    assert moved.status == "no_data"
    assert moved.listing.product_id == "1005006717259012" and moved.listing.title is None
    assert moved.errors == [{"code": "html", "message": "The page's own address names product 32993251330, not "
                             "1005006717259012: it still shows another listing, so its content was ignored."}]
    # With the new listing's own data captured, that data is judged.
    from tests.support.constructed import gen_d_pdp_jsonp

    with_feed = ALIEXPRESS.extract(PageInput(url="https://he.aliexpress.com/item/1005006717259012.html",
                                             html=_strip_scripts(read_text(F2020)),
                                             blobs=[Blob("mtop.aliexpress.pdp.pc.query", gen_d_pdp_jsonp())]))
    assert with_feed.status == "ok" and with_feed.generation == "D"
    assert with_feed.listing.product_id == "1005006717259012"


def test_the_us_alias_address_is_the_same_product():
    """The US site shows global id + 2^51; its page's own address may use either form."""
    extraction = extract_file(F2212)
    assert extraction.status == "ok" and extraction.errors == []


def test_matching_captured_data_is_not_set_aside():
    own = {"data": json.loads(json.dumps(_run_params_of(read_text(F2020))))}
    extraction = ALIEXPRESS.extract(PageInput(url=PAGE_URLS[F2020.name], blobs=[Blob("runParams", own)]))
    assert extraction.status == "ok"
    assert extraction.errors == []


def test_a_page_cut_off_at_a_product_address_is_missing_its_data_not_a_non_product():
    """F2212 cut right after its title (a saved file that stopped there): at its product address
    the data is missing (no_data), where a complete page without product data is not a product;
    the same cut page at a store address stays not_product."""
    html = read_text(F2212)
    cut = html[: html.index("</title>") + len("</title>")]
    assert ALIEXPRESS.extract(PageInput(url=PAGE_URLS[F2212.name], html=cut)).status == "no_data"
    assert ALIEXPRESS.extract(PageInput(url=PAGE_URLS[STORE.name], html=cut)).status == "not_product"
    assert ALIEXPRESS.extract(PageInput(url=PAGE_URLS[F2212.name], html=html)).status == "ok"
