"""Issue 9: the page's language and country from every place that names them, and protections
(free returns, the delivery promise) wherever the page shows them, in the site's language.

Real pages where the fixtures have them (the 2026 rendered page's header and service panel, the
German removed-item page's header, the Spanish shell's address and site code); otherwise cases
constructed from a real page with one line added, labelled as such.
"""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from server.analysis import analyze
from server.marketplaces import MARKETPLACES, PageInput
from server.marketplaces.aliexpress import dom, embedded, generations, hosts
from server.marketplaces.aliexpress.shared import condition_holds, free_returns_in_layouts
from tests.support.capture_reader import raw_components
from tests.support.constructed import gen_c_run_params
from tests.support.fixtures import F2020, F2212, F2607_DOM, NOT_FOUND, PAGE_URLS, SHELL, read_text

ALIEXPRESS = MARKETPLACES["aliexpress"]


def extract(page: PageInput):
    return ALIEXPRESS.extract(page)


def listing_of(path, url=None):
    return extract(PageInput(url=url or PAGE_URLS[path.name], html=read_text(path)))


# --- language and country ---------------------------------------------------------------------


def test_the_2024_header_names_country_language_and_currency():
    """F2607dom's header: the UK flag, "EN/", "GBP" (the page's data is not in the saved page)."""
    locale = dom.locale_from_header(dom.parse(read_text(F2607_DOM)))
    assert (locale.country, locale.language, locale.currency) == ("UK", "en", "GBP")
    assert listing_of(F2607_DOM).listing.locale.country == "UK"


def test_a_page_without_the_header_claims_nothing_from_it():
    locale = dom.locale_from_header(dom.parse(read_text(F2212)))
    assert (locale.country, locale.language, locale.currency) == (None, None, None)


def test_a_removed_items_page_still_says_its_language_and_country():
    """F2510nf (de.aliexpress.com, "not found"): the header says DE, "DE/", EUR."""
    locale = listing_of(NOT_FOUND).listing.locale
    assert (locale.country, locale.language, locale.currency) == ("DE", "de", "EUR")


def test_the_shells_language_comes_from_its_site_code_and_address():
    """F2408, the Spanish client-rendered shell: no product data, no lang attribute, no header;
    its site code ("esp") and its address (es.aliexpress.com) both say Spanish."""
    extraction = listing_of(SHELL)
    assert extraction.status == "no_data" and extraction.listing.locale.language == "es"
    # The address alone (constructed: the same shell with its site code removed).
    html = read_text(SHELL).replace('"site":"esp"', '"site":"xxx"')
    page = PageInput(url=PAGE_URLS[SHELL.name], html=html)
    assert extract(page).listing.locale.language == "es"
    page = PageInput(url=PAGE_URLS[SHELL.name].replace("es.aliexpress.com", "www.aliexpress.com"), html=html)
    assert extract(page).listing.locale.language is None  # nothing names a language


@pytest.mark.parametrize(("url", "language"), [
    ("https://es.aliexpress.com/item/1.html", "es"), ("https://he.aliexpress.com/item/1.html", "he"),
    ("https://aliexpress.ru/item/1.html", "ru"), ("https://m.aliexpress.ru/item/1.html", "ru"),
    ("https://www.aliexpress.com/item/1.html", None), ("https://www.aliexpress.us/item/1.html", None),
    ("https://es.example.com/item/1.html", None), ("https://xx.aliexpress.com/item/1.html", None),
])
def test_language_of_a_storefront_address(url, language):
    assert hosts.language_of_host(url) == language


def test_site_codes_name_languages_only_where_seen():
    assert [hosts.language_of_site_code(code) for code in ("esp", "deu", "isr", "usa", "glo", "", None, 3)] == [
        "es", "de", "he", "en", None, None, None, None]


def test_the_pages_own_data_says_it_first():
    """F2212 (www.aliexpress.us, US/USD/en in its data): the defaults do not override the data."""
    locale = listing_of(F2212).listing.locale
    assert (locale.country, locale.currency, locale.language) == ("US", "USD", "en")


# --- protections where the page shows them -----------------------------------------------------


def test_the_2024_service_panel_shows_free_returns_and_the_delivery_promise():
    """F2607dom: "Free returns within 90 days"; "Refund if no delivery in 35 days" and "￡1.00
    coupon code if delayed" under "Fast delivery"."""
    badges = listing_of(F2607_DOM).listing.badges
    assert badges.free_return is True
    assert (badges.delivery_guarantee.days, badges.delivery_guarantee.compensation) == (35, "￡1.00")


def test_a_service_panel_without_those_lines_claims_neither():
    """Constructed: F2607dom with its returns title and refund lines reworded to other services."""
    html = (read_text(F2607_DOM).replace("Free returns within 90 days", "Security &amp; Privacy")
            .replace("Refund if no delivery in 35 days", "Tracking available"))
    badges = extract(PageInput(url=PAGE_URLS[F2607_DOM.name], html=html)).listing.badges
    assert badges.free_return is None and badges.delivery_guarantee is None


def run_params_of(path) -> dict:
    return embedded.find(read_text(path)).run_params


def with_layout_line(layouts: list, content: str, condition: str = "default=visible") -> list:
    layouts = copy.deepcopy(layouts)
    layouts[0].setdefault("additionLayout", []).append({"content": f"<span>{content}</span>", "displayCondition": condition})
    return layouts


@pytest.mark.parametrize("words", ["Free returns", "Devolución gratis", "Kostenlose Rückgabe", "Retour gratuit",
                                   "Devolução grátis", "Бесплатный возврат", "החזרה חינם"])
def test_generation_a_shipping_panel_line_in_the_sites_language(words):
    """Constructed: F2212's real shipping panel with one service line added, in each language."""
    data = run_params_of(F2212)
    info = data["shippingModule"]["generalFreightInfo"]
    assert generations.from_modules(data).listing.badges.free_return is None  # the real page shows none
    info["originalLayoutResultList"] = with_layout_line(info["originalLayoutResultList"], words)
    assert generations.from_modules(data).listing.badges.free_return is True


def test_a_line_the_page_does_not_show_is_not_a_promise():
    """Constructed: the line is in the layout, but its display condition does not hold."""
    layouts = run_params_of(F2212)["shippingModule"]["generalFreightInfo"]["originalLayoutResultList"]
    assert free_returns_in_layouts(with_layout_line(layouts, "Free returns", "tracking=hidden")) is None
    assert free_returns_in_layouts(with_layout_line(layouts, "Free returns", "tracking=visible")) is True


def test_generation_c_service_details_in_the_sites_language():
    """Constructed generation C (tests/support/constructed.py): the flag absent, the service line
    says it in Spanish."""
    data = gen_c_run_params()["data"]
    data["sellerPromiseComponent"] = {"serviceDetails": {"details": [{"title": "Devolución gratis en 15 días"}]}}
    assert generations.from_components(data).listing.badges.free_return is True
    data["sellerPromiseComponent"] = {"serviceDetails": {"details": [{"title": "Protección del comprador de 75 días"}]}}
    assert generations.from_components(data).listing.badges.free_return is None


def test_generation_d_freight_panel_line():
    """Constructed from F2607 without its after-sale block: the freight panel's own line counts."""
    components = copy.deepcopy(raw_components())
    del components["AFTER_SALE_SERVICE_BLOCK"]
    assert generations.from_pdp_result(components).listing.badges.free_return is None
    shipping = components["SHIPPING"]
    shipping["originalLayoutResultList"] = with_layout_line(shipping["originalLayoutResultList"], "Retour gratuit")
    assert generations.from_pdp_result(components).listing.badges.free_return is True


@pytest.mark.parametrize(("condition", "facts", "holds"), [
    (None, {}, True), ("default=visible", {}, True), ("shippingFee=free", {"shippingFee": "free"}, True),
    ("shippingFee=free", {"shippingFee": "charge"}, False),
    ("shippingFee=free||thresholdOverZero!=yes", {"shippingFee": "charge", "thresholdOverZero": "no"}, True),
    ("shippingFee=free||thresholdOverZero!=yes", {"shippingFee": "charge", "thresholdOverZero": "yes"}, False),
    ("tracking=visible&&shipFrom=CN", {"tracking": "visible", "shipFrom": "CN"}, True),
    ("tracking=visible&&shipFrom=CN", {"tracking": "visible", "shipFrom": "ES"}, False),
])
def test_display_conditions(condition, facts, holds):
    assert condition_holds(condition, facts) is holds


def test_the_real_capture_holds_the_conditions_it_shows():
    """F2607's own free-shipping block and its condition, as captured."""
    option = raw_components()["SHIPPING"]["originalLayoutResultList"][0]
    (block,) = option["titleLayout"][1]
    assert json.dumps(block["content"]).count("Free shipping") == 1
    assert condition_holds(block["displayCondition"], option["bizData"])


# --- the time a saved page is judged at ----------------------------------------------------------


def judged(service, body: dict) -> dict:
    response = service.http.post("/api/v1/analyze", json={**body, "record": False})
    assert response.status_code == 200, response.text
    return response.json()


def gen_c_saved(current_time_ms: int | None, opened_ms: int) -> dict:
    """Constructed generation C (tests/support/constructed.py), with no trace id: its store's
    opening time and, when given, the page's ``userComponent.currentTime``."""
    data = gen_c_run_params()["data"]
    data["sellerComponent"]["openTime"] = opened_ms
    if current_time_ms is not None:
        data["userComponent"] = {"currentTime": current_time_ms}
    return {"url": "https://www.aliexpress.com/item/4000927436411.html", "capture": "saved",
            "data": [{"source": "runParams", "body": {"data": data}}]}


CAPTURED_MS = 1715000000000  # 2024-05-06T12:53:20Z
FOUR_MONTHS_EARLIER_MS = CAPTURED_MS - 120 * 86_400_000


def test_a_saved_page_is_judged_at_its_current_time_field_and_says_so(live_service):
    """A store "opened 4 months ago" at capture is still judged new when the saved page is read
    years later: it is judged at the page's own current time, and the report says so."""
    report = judged(live_service, gen_c_saved(CAPTURED_MS, FOUR_MONTHS_EARLIER_MS))
    assert report["page"]["captured_at"] == "2024-05-06T12:53:20Z"
    assert report["page"]["captured_from"] == "current_time"
    assert (report["verdict"]["judged_at"], report["verdict"]["judged_at_from"]) == ("2024-05-06T12:53:20Z", "captured_at")
    assert "SEL003" in [f["code"] for f in report["findings"]]


def test_a_saved_page_without_any_time_is_judged_when_it_arrives_and_says_so(live_service):
    report = judged(live_service, gen_c_saved(None, FOUR_MONTHS_EARLIER_MS))
    assert (report["page"]["captured_at"], report["page"]["captured_from"]) == (None, None)
    assert report["verdict"]["judged_at_from"] == "service_clock"
    assert "SEL003" not in [f["code"] for f in report["findings"]]  # years old by now


def test_a_live_page_is_judged_at_the_service_clock_whatever_it_carries(live_service):
    body = {**gen_c_saved(CAPTURED_MS, FOUR_MONTHS_EARLIER_MS), "capture": "live"}
    report = judged(live_service, body)
    assert report["page"]["captured_from"] == "current_time"  # reported as the page says
    assert report["verdict"]["judged_at_from"] == "service_clock"
    assert "SEL003" not in [f["code"] for f in report["findings"]]


def test_the_trace_id_comes_before_a_current_time_field(live_service):
    """F2212 carries a trace id; a current-time field (constructed, a year later) does not replace it."""
    html = read_text(F2212)
    report = judged(live_service, {"url": PAGE_URLS[F2212.name], "html": html, "capture": "saved"})
    assert (report["page"]["captured_at"], report["page"]["captured_from"]) == ("2022-12-20T18:36:11Z", "trace_id")
    assert report["verdict"]["judged_at_from"] == "captured_at"
    assert generations.served_time("2103399116715613719752379e7fca", current_time=1703000000000)[1] == "trace_id"
    assert generations.served_time(None, current_time=1703000000000)[1] == "current_time"
    assert generations.served_time(None, current_time="not a time", server_time=1703000000000)[1] == "server_time"
    assert generations.served_time(None, current_time=17) == (None, None)  # not epoch milliseconds


# --- shipping the buyer cannot get ---------------------------------------------------------------


def test_an_option_showing_the_pages_own_cannot_deliver_words_is_not_deliverable():
    """Constructed: F2212's real shipping panel with its own i18n words for "Can not deliver"
    shown in the option (the page carries the words; no capture shows an unreachable option)."""
    data = run_params_of(F2212)
    words = data["shippingModule"]["i18nMap"]["CAN_NOT_DELIVER"]
    info = data["shippingModule"]["generalFreightInfo"]
    assert [o.deliverable for o in generations.from_modules(data).listing.shipping] == [None]
    info["originalLayoutResultList"] = with_layout_line(info["originalLayoutResultList"], words)
    assert [o.deliverable for o in generations.from_modules(data).listing.shipping] == [False]


def test_the_rendered_2020_page_in_hebrew_says_it_cannot_deliver():
    """Constructed: F2020's rendered shipping line replaced by the page's own Hebrew words for
    "cannot deliver" (its shipping i18n map: לא ניתן לשלוח); the verdict says so (SHP004)."""
    html = read_text(F2020).replace("אל United States באמצעות AliExpress Standard Shipping", "לא ניתן לשלוח")
    extraction = extract(PageInput(url=PAGE_URLS[F2020.name], html=html))
    assert extraction.listing.shipping[0].deliverable is False
    now = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
    report = analyze(PageInput(url=PAGE_URLS[F2020.name], html=html), now=now, capture="saved").report
    assert "SHP004" in [finding["code"] for finding in report["findings"]]
    assert extract(PageInput(url=PAGE_URLS[F2020.name], html=read_text(F2020))).listing.shipping[0].deliverable is None


def test_the_choice_tag_beside_the_store_name():
    """F2607dom's store card shows the Choice tag (the image its feed names as choiceIcon);
    constructed: the same page without it claims nothing."""
    assert listing_of(F2607_DOM).listing.badges.choice is True
    html = read_text(F2607_DOM).replace("store-info--choiceTag--mQInccN", "store-info--logo--x")
    assert extract(PageInput(url=PAGE_URLS[F2607_DOM.name], html=html)).listing.badges.choice is None


def test_the_rendered_2020_protection_blocks_in_the_sites_language():
    """F2020's real blocks: 90-day buyer protection and "החזר מקומי תוך 15 ימים" (a local return
    within 15 days, which does not say free: not read as free returns). Constructed: the same
    block saying "החזרה חינם" (free returns) is."""
    assert listing_of(F2020).listing.badges.free_return is None
    html = read_text(F2020).replace("החזר מקומי", "החזרה חינם", 1)
    assert extract(PageInput(url=PAGE_URLS[F2020.name], html=html)).listing.badges.free_return is True
