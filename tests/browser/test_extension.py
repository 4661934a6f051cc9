"""The extension in real Chromium, on the real saved pages, against the real service."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import (
    FRAME_ROOT,
    ROOT_SELECTOR,
    emptor_frame,
    open_listing,
    shown,
    wait_for_reviews,
    wait_for_state,
)
from tests.support.capture_reader import assert_listing_matches, expected_from_capture, raw_components
from tests.support.constructed import LATE_PRODUCT, REAL_FEED_PRODUCT, gen_d_pdp_jsonp, real_pdp_envelope
from tests.support.fixtures import F2020, F2212, NOT_FOUND, PUNISH, SHELL, read_text
from tests.support.live_server import service_report


def panel_codes(frame) -> list[str]:
    return frame.locator("li.finding").evaluate_all("nodes => nodes.map(n => n.dataset.code)")


LISTINGS = [
    ("he.aliexpress.com", "/item/32993251330.html", F2020),
    ("www.aliexpress.us", "/item/3256803382674519.html", F2212),
]
# Every saved page the content script runs on (the store page has no product address).
ALL_PAGES = LISTINGS + [
    ("es.aliexpress.com", "/item/1005006180026951.html", SHELL),
    ("de.aliexpress.com", "/item/1005008204179129.html", NOT_FOUND),
    ("www.aliexpress.com", "/item/punished.html", PUNISH),
]


@pytest.mark.parametrize("host, path, fixture", LISTINGS, ids=[f.name for *_, f in LISTINGS])
def test_badge_and_panel_show_the_service_verdict(emptor, site, service, host, path, fixture):
    page = open_listing(emptor, site, host, path, state="ok")
    expected = service_report(service, {"url": f"https://{host}{path}", "html": read_text(fixture)})
    frame = emptor_frame(page)
    root = frame.locator(FRAME_ROOT)
    assert root.get_attribute("data-level") == expected["verdict"]["level"]
    assert root.get_attribute("data-score") == str(expected["verdict"]["score"])
    assert frame.locator(".badge").inner_text().startswith(
        {"low": "Low risk", "medium": "Medium risk", "high": "High risk"}[expected["verdict"]["level"]])
    frame.locator(".badge").click()
    frame.wait_for_selector(".panel:not([hidden])")
    # Grouped by family in the panel, so compare as sets; the trust reasons come after.
    codes = panel_codes(frame)
    assert sorted(codes) == sorted(f["code"] for f in expected["findings"] + expected["trust"])
    assert codes[-len(expected["trust"]):] == [f["code"] for f in expected["trust"]] or not expected["trust"]
    links = frame.locator("li.finding a.code").evaluate_all("nodes => nodes.map(n => n.href)")
    assert links == [f"{service.url}/rules#{code}" for code in codes]


@pytest.mark.parametrize("host, path, fixture", ALL_PAGES, ids=[f.name for *_, f in ALL_PAGES])
def test_stripped_page_plus_captured_data_gives_the_full_page_report(emptor, site, service, host, path, fixture):
    page = open_listing(emptor, site, host, path)
    # This page's first analysis (at the address it ended on): a listing before it may have had
    # its reviews analysed late.
    sent = _wait_for_analysis(service, 0, lambda body: body["url"] == page.url and not body.get("reviews"))
    bodies = re.findall(r"<script\b[^>]*>([\s\S]*?)</script>", sent["html"])
    assert bodies and all(not body or "window._d_c_ =" in body for body in bodies)  # only the template script kept
    assert "<style" not in sent["html"]
    if fixture in (F2020, F2212):
        assert [blob["source"] for blob in sent["data"]] == ["runParams"]  # the data the scripts held
        assert "csrfToken" not in str(sent["data"])
    from_extension = service_report(service, sent)
    # The full saved page, under the address the browser showed it at.
    full_page = service_report(service, {"url": sent["url"], "html": read_text(fixture)})
    for report in (from_extension, full_page):
        report.pop("emptor_version")
        report["verdict"].pop("judged_at")  # a page without a capture time is judged on arrival
    assert from_extension == full_page
    assert len(sent["html"]) < len(read_text(fixture))


@pytest.mark.parametrize(
    "host, path, state",
    [
        ("es.aliexpress.com", "/item/1005006180026951.html", "no_data"),
        ("de.aliexpress.com", "/item/1005008204179129.html", "not_found"),
        ("www.aliexpress.com", "/item/punished.html", "blocked"),
    ],
)
def test_pages_without_a_listing_get_no_risk_badge(emptor, site, service, host, path, state):
    page = open_listing(emptor, site, host, path, state=state)
    frame = emptor_frame(page)
    assert shown(page, "data-level") == "unknown"
    assert shown(page, "data-score") is None
    assert "risk" not in frame.locator(".badge").inner_text().lower()


# The page-world hook runs at document_start wherever the extension runs, before any page
# script, and wraps history.pushState; where it does not run, the page's function is native.
HOOKED = "() => !history.pushState.toString().includes('[native code]')"


def test_a_store_page_gets_no_badge_at_all(emptor, site):
    """The extension's scripts do not run on a store page (its content scripts share one list of
    listing addresses: tests/test_extension_contract.py)."""
    page = emptor.new_page()
    page.goto(site.url("yufanmodel.aliexpress.com", "/store/4682001"), wait_until="load")
    assert page.evaluate(HOOKED) is False
    assert page.locator(ROOT_SELECTOR).count() == 0
    listing = open_listing(emptor, site, "he.aliexpress.com", "/item/32993251330.html", state="ok")
    assert listing.evaluate(HOOKED) is True  # the same check, where the extension does run


@pytest.mark.parametrize("path", ["/item/1005006717259012.html", "/item/1005006717259013.html"], ids=["fetch", "jsonp"])
def test_2024_feed_captured_in_the_page_gives_a_verdict(emptor, site, service, path):
    """Constructed page (tests/browser/conftest.py): the real 2024 shell whose stand-in loader requests the
    generation D feed (constructed from real 2024-09 values) by fetch() or JSONP."""
    page = open_listing(emptor, site, "es.aliexpress.com", path, state="ok")
    # The analysis that carried the feed: on a loaded machine the feed can come after the content
    # script stopped waiting for it, and the page is judged again when it does (the next test).
    sent = _wait_for_analysis(service, 0, lambda body: body["data"])
    assert [blob["source"] for blob in sent["data"]] == ["mtop.aliexpress.pdp.pc.query"]
    report = service_report(service, sent)
    assert report["page"]["generation"] == "D"
    assert shown(page, "data-level") == report["verdict"]["level"]


def test_the_real_2026_feed_reaches_the_service_as_the_page_received_it(emptor, site, service):
    """Constructed page, real feed: the 2024 shell under the 2026 listing's address, whose
    stand-in loader requests the real components of F2607 by JSONP. The extension hands the
    service the feed exactly as the page received it (unwrapped from its JSONP callback, every
    component and value as served), and the verdict reads every field as
    tests/test_generation_d.py's independent reader of the raw capture does."""
    page = open_listing(emptor, site, "www.aliexpress.com", f"/item/{REAL_FEED_PRODUCT}.html", state="ok")
    sent = _wait_for_analysis(service, 0, lambda body: body["data"] and body["url"].endswith(f"/{REAL_FEED_PRODUCT}.html"))
    assert sent["data"] == [{"source": "mtop.aliexpress.pdp.pc.query", "body": real_pdp_envelope()}]
    report = service_report(service, sent)
    assert report["page"]["generation"] == "D" and report["errors"] == []
    assert_listing_matches(report["listing"], expected_from_capture(raw_components()))
    assert shown(page, "data-level") == report["verdict"]["level"]


def test_a_feed_that_comes_after_the_wait_is_judged_when_it_comes(emptor, site, service):
    """Constructed page: the real 2024 shell, whose feed the test requests only after the badge
    said the page had no product data yet (a slow page, or a loaded machine)."""
    page = open_listing(emptor, site, "es.aliexpress.com", f"/item/{LATE_PRODUCT}.html", state="no_data")
    page.evaluate("window.loadFeed()")
    wait_for_state(page, "ok")
    sent = _wait_for_analysis(service, 0, lambda body: body["data"])
    assert service_report(service, sent)["listing"]["product_id"] == LATE_PRODUCT


def test_price_history_chart_renders(emptor, site, service):
    page = open_listing(emptor, site, "he.aliexpress.com", "/item/32993251330.html", state="ok")
    frame = emptor_frame(page)
    frame.locator(".badge").click()
    frame.wait_for_selector("svg.price-chart", timeout=5000)
    series = service.http.get("/api/v1/products/aliexpress/32993251330/history").json()["series"]
    headline = [row for row in series if row["sku_id"] is None]
    assert headline
    assert frame.locator("svg.price-chart circle").count() == len(headline)


def test_price_chart_draws_the_price_rules_evidence(emptor, site, service):
    """A lower price recorded for the 2022 US listing three weeks ago (stored in the service's
    real database, as an earlier visit would have) makes PRC003 fire on the page open now; the
    chart draws its recorded low as a reference line."""
    import datetime as dt

    from server.marketplaces import MARKETPLACES, PageInput
    from server.store import open_database, record

    url = "https://www.aliexpress.us/item/3256803382674519.html"
    earlier = MARKETPLACES["aliexpress"].extract(PageInput(url=url, html=read_text(F2212))).listing
    earlier.price.min = round(earlier.price.min / 2, 2)
    earlier.variants = []
    record(open_database(service.database), earlier, dt.datetime.now(dt.timezone.utc) - dt.timedelta(weeks=3))

    page = open_listing(emptor, site, "www.aliexpress.us", "/item/3256803382674519.html", state="ok")
    frame = emptor_frame(page)
    frame.locator(".badge").click()
    frame.wait_for_selector("svg.price-chart", timeout=5000)
    assert "PRC003" in panel_codes(frame)
    mark = frame.locator('svg.price-chart line.chart-mark[data-code="PRC003"]')
    assert mark.count() == 1
    assert f"recorded low {earlier.price.min}" in frame.locator(".chart .marks").inner_text()
    # The line sits at the bottom of the chart: the recorded low is the lowest price drawn.
    dots = frame.locator("svg.price-chart circle").evaluate_all("cs => cs.map(c => Number(c.getAttribute('cy')))")
    assert float(mark.get_attribute("y1")) >= max(dots)


def test_service_down_state_says_how_to_start_it(browser, site, tmp_path):
    """A service that answered, then was stopped: the next analysis says how to start it."""
    from server import create_app
    from tests.support.live_server import LiveServer

    with LiveServer(create_app({"TESTING": True, "DATABASE": tmp_path / "emptor.db"})) as stopping:
        browser.configure(stopping.url, stopping.secret)
        page = browser.new_page()
        page.goto(site.url("he.aliexpress.com", "/item/32993251330.html"), wait_until="load")
        wait_for_state(page, "ok", timeout=20)
    browser.configure(stopping.url, stopping.secret)  # the same address, its cached answers forgotten
    page.reload(wait_until="load")
    frame = wait_for_state(page, "service-down", timeout=20)
    assert shown(page, "data-level") == "unknown"
    assert "make run" in frame.locator(".badge").inner_text()
    browser.close_pages()


def test_the_page_content_does_not_move(emptor, site):
    page = open_listing(emptor, site, "he.aliexpress.com", "/item/32993251330.html", state="ok")
    boxes = """() => ['h1.product-title-text', '.product-price-current', '.product-price'].map(selector => {
        const r = document.querySelector(selector).getBoundingClientRect();
        return [r.x, r.y, r.width, r.height];
    })"""
    with_badge = page.evaluate(boxes)
    page.evaluate("document.getElementById('emptor-root').remove()")
    without_badge = page.evaluate(boxes)
    for before, after in zip(with_badge, without_badge):
        assert all(abs(a - b) <= 1 for a, b in zip(before, after)), (before, after)


def test_reviews_fetched_in_the_browser_update_the_badge(emptor, site, service, review_feed):
    page = open_listing(emptor, site, "he.aliexpress.com", "/item/32993251330.html", state="ok")
    frame = emptor_frame(page)
    frame.locator(".badge").click()
    reviews = frame.locator(".reviews")
    # The page says the product has 2 reviews, so the report names one feed page (of 20).
    reviews.filter(has_text="20 reviews analysed").wait_for(timeout=10000)
    with_reviews = [r["body"] for r in service.recorder.analyze_requests if r["body"].get("reviews")]
    assert len(with_reviews) == 1 and len(with_reviews[0]["reviews"]) == 1
    rows = frame.locator("table.review-tests tbody tr")
    expected = service_report(service, with_reviews[0])
    assert rows.evaluate_all("rows => rows.map(r => [r.dataset.code, r.dataset.status])") == [
        [test["code"], test["status"]] for test in expected["reviews"]["tests"]]
    assert with_reviews[0]["record"] is False  # the prices were recorded by the first analysis


def test_switching_variant_or_address_analyses_again(emptor, site, service):
    page = open_listing(emptor, site, "he.aliexpress.com", "/item/32993251330.html", state="ok")
    first = len(service.recorder.analyze_requests)
    # The saved page's own scripts cannot run here, so the test plays their part: the shopper
    # picks a variant, the page shows its price and puts its id in the address.
    page.evaluate("document.querySelector('.product-price-current .product-price-value').textContent = '€ 128,72'")
    page.locator(".sku-property-item").first.click()
    # The click alone leads to a new analysis of the page as it now is (the review feed's second
    # analysis of the first page may arrive meanwhile).
    _wait_for_analysis(service, first, lambda body: "€ 128,72" in (body["html"] or ""))
    wait_for_state(page, "ok")
    after_click = len(service.recorder.analyze_requests)
    page.evaluate("history.pushState({}, '', location.pathname + '?sku_id=66869138704')")
    _wait_for_analysis(service, after_click, lambda body: body.get("selected_sku_id") == "66869138704")
    wait_for_state(page, "ok")


# The height of emptor's element on the page: its iframe's, closed or open.
HOST_HEIGHT = "() => document.getElementById('emptor-root').getBoundingClientRect().height"


def test_keyboard_opens_and_closes_the_panel(emptor, site):
    page = open_listing(emptor, site, "he.aliexpress.com", "/item/32993251330.html", state="ok")
    frame = emptor_frame(page)
    closed_height = page.evaluate(HOST_HEIGHT)
    frame.locator(".badge").focus()
    page.keyboard.press("Enter")
    frame.wait_for_selector(".panel:not([hidden])")
    assert frame.locator(".badge").get_attribute("aria-expanded") == "true"
    page.wait_for_function(f"() => ({HOST_HEIGHT})() > {closed_height}")  # the iframe took its open size
    # The reviews' outcome redraws the open panel (this listing's feed is not served: "failed"),
    # removing the button that had the focus: Escape still closes the panel, and the focus stays.
    wait_for_reviews(page)
    assert frame.evaluate("document.activeElement.className") == "close"
    page.keyboard.press("Escape")
    frame.wait_for_selector(".panel[hidden]", state="attached")
    assert frame.evaluate("document.activeElement.className") == "badge"
    page.wait_for_function(f"() => ({HOST_HEIGHT})() === {closed_height}")  # and its closed size again


# Keep every port emptor's frames open to the worker, to close them as the browser does when it
# stops an idle worker.
KEEP_FRAME_PORTS = """() => {
    globalThis.emptorFramePorts = [];
    globalThis.emptorKeepPort = (port) => globalThis.emptorFramePorts.push(port);
    chrome.runtime.onConnect.addListener(globalThis.emptorKeepPort);
}"""
CLOSE_FRAME_PORTS = "() => { for (const port of globalThis.emptorFramePorts) port.disconnect(); }"
STOP_KEEPING_PORTS = "() => chrome.runtime.onConnect.removeListener(globalThis.emptorKeepPort)"
# Every change to the frame's document from now on, and the panel scrolled down a little.
WATCH_THE_FRAME = """() => {
    window.emptorChanges = 0;
    window.emptorStatesReceived = 0;
    document.querySelector('.panel').scrollTop = 120;
    new MutationObserver((records) => { window.emptorChanges += records.length; })
        .observe(document.documentElement, { attributes: true, childList: true, subtree: true, characterData: true });
    // Count the states the frame's next port brings: its own listener runs in the same dispatch.
    const connect = chrome.runtime.connect;
    chrome.runtime.connect = function () {
        const port = connect.apply(chrome.runtime, arguments);
        port.onMessage.addListener(() => { window.emptorStatesReceived++; });
        return port;
    };
}"""


def test_the_frame_connects_again_when_its_port_closes_and_keeps_its_open_panel(emptor, site):
    """The browser stops an idle service worker, which closes the frame's port. The frame connects
    again at once and is sent the state on screen, which it does not draw again (the open panel
    keeps its place); what the content script shows next reaches it on the new port."""
    emptor.worker.evaluate(KEEP_FRAME_PORTS)
    try:
        page = open_listing(emptor, site, "he.aliexpress.com", "/item/32993251330.html", state="ok")
        frame = wait_for_reviews(page)  # the review outcome redraws the panel: it comes first
        frame.locator(".badge").click()
        frame.wait_for_selector("svg.price-chart", timeout=5000)
        frame.evaluate(WATCH_THE_FRAME)
        assert emptor.worker.evaluate("globalThis.emptorFramePorts.length") == 1
        emptor.worker.evaluate(CLOSE_FRAME_PORTS)
        _wait_for(lambda: emptor.worker.evaluate("globalThis.emptorFramePorts.length") == 2)  # connected again
    finally:
        emptor.worker.evaluate(STOP_KEEPING_PORTS)
    frame.wait_for_function("() => window.emptorStatesReceived >= 1", timeout=5000)  # the state on screen, again
    assert frame.evaluate("[window.emptorChanges, document.querySelector('.panel').scrollTop]") == [0, 120]
    page.evaluate("document.querySelector('.product-price-current .product-price-value').textContent = '€ 128,72'")
    page.locator(".sku-property-item").first.click()  # a new analysis: "loading", then its answer
    frame.wait_for_function("() => window.emptorChanges > 0", timeout=5000)
    wait_for_state(page, "ok")


def _contrast(rgb_text: str, rgb_background: str) -> float:
    def luminance(rgb):
        channels = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(rgb_text), luminance(rgb_background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_panel_is_readable_in_light_and_dark_themes(emptor, site, scheme):
    page = open_listing(emptor, site, "he.aliexpress.com", "/item/32993251330.html", state="ok", color_scheme=scheme)
    frame = emptor_frame(page)
    # The frame is a document of its own: it follows the shopper's theme as the page does.
    assert frame.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
    frame.locator(".badge").click()
    colours = frame.evaluate("""() => {
        const style = (sel) => getComputedStyle(document.querySelector(sel));
        return {panelText: style('.panel').color, panelBackground: style('.panel').backgroundColor,
                badgeText: style('.badge').color, badgeBackground: style('.badge').backgroundColor};
    }""")
    assert _contrast(colours["panelText"], colours["panelBackground"]) >= 7, colours
    assert _contrast(colours["badgeText"], colours["badgeBackground"]) >= 4.5, colours


def test_popup_shows_the_service_status_and_the_tab_verdict(emptor, site, service):
    listing = open_listing(emptor, site, "he.aliexpress.com", "/item/32993251330.html", state="ok")
    listing.bring_to_front()
    # Opened in a background tab, the popup asks about the active tab: the listing's.
    popup = emptor.extension_tab("popup/popup.html")
    popup.locator("#service").filter(has_text="running").wait_for()
    assert service.url in popup.locator("#service").inner_text()
    score = shown(listing, "data-score")
    verdict = popup.locator("#verdict")
    verdict.filter(has_text=f"High risk · {score}").wait_for(timeout=5000)
    assert "CNT001" in verdict.inner_text()


def _stored_verdict(emptor, page):
    page.bring_to_front()
    key = "tab:%d" % emptor.worker.evaluate(
        "async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0].id")
    return key, emptor.worker.evaluate("(key) => chrome.storage.session.get(key)", key).get(key)


def _wait_forgotten(emptor, key):
    import time

    deadline = time.monotonic() + 5
    while emptor.worker.evaluate("(key) => chrome.storage.session.get(key)", key):
        assert time.monotonic() < deadline, f"{key} was not forgotten"
        time.sleep(0.05)


def test_the_tab_verdict_outlives_the_worker(emptor, site):
    """Chrome stops an idle service worker and its memory with it; the tab's answer is kept in
    chrome.storage.session, which Chrome keeps for the browser session (stopping the worker
    itself is not possible from Playwright here, so the test reads where the popup's answer
    lives). It is forgotten when the tab loads another page and when it closes."""
    listing = open_listing(emptor, site, "he.aliexpress.com", "/item/32993251330.html", state="ok")
    key, stored = _stored_verdict(emptor, listing)
    assert str(stored["answer"]["report"]["verdict"]["score"]) == shown(listing, "data-score")
    assert set(stored["answer"]["report"]) == {"page", "verdict", "findings", "trust"}  # what the popup shows
    listing.goto(site.url("yufanmodel.aliexpress.com", "/store/4682001"), wait_until="load")  # no content script there
    _wait_forgotten(emptor, key)

    listing = open_listing(emptor, site, "he.aliexpress.com", "/item/32993251330.html", state="ok")
    key, stored = _stored_verdict(emptor, listing)
    assert stored is not None
    listing.close()
    _wait_forgotten(emptor, key)


def test_a_not_product_page_at_an_item_address_is_not_judged(emptor, site):
    page = open_listing(emptor, site, "www.aliexpress.com", "/item/4682001.html", state="not_product")
    assert shown(page, "data-level") == "unknown"
    assert "not a product listing" in emptor_frame(page).locator(".badge").inner_text()


def _post_capture(page, source, body):
    """What a page script can do: post a message that looks like the hook's capture."""
    page.evaluate(
        """([source, body]) => window.postMessage(
            { tag: 'emptor:page-data', kind: 'blob', source, body, path: location.pathname }, location.origin)""",
        [source, body],
    )


def _wait_for_analysis(service, since: int, matches, timeout=10.0) -> dict:
    """The first analysis request after the first ``since`` whose body ``matches``, once it arrives."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        found = [r["body"] for r in service.recorder.analyze_requests[since:] if matches(r["body"])]
        if found:
            return found[0]
        assert time.monotonic() < deadline, "the expected analysis request never came"
        time.sleep(0.05)


def test_a_forged_capture_about_another_product_does_not_change_the_verdict(emptor, site, service):
    """A page script posts a product feed of its own (here the constructed 2024 feed of product
    1005006717259012) as if the hook had captured it on the 2020 listing's page."""
    page = open_listing(emptor, site, "he.aliexpress.com", "/item/32993251330.html", state="ok")
    other = gen_d_pdp_jsonp()
    _post_capture(page, "mtop.aliexpress.pdp.pc.query", other)
    first = len(service.recorder.analyze_requests)
    page.locator(".sku-property-item").first.click()
    forged = {"source": "mtop.aliexpress.pdp.pc.query", "body": other}
    sent = _wait_for_analysis(service, first, lambda body: forged in body["data"])  # it was sent...
    wait_for_state(page, "ok")
    report = service_report(service, sent)
    alone = service_report(service, {**sent, "data": [blob for blob in sent["data"] if blob != forged]})
    assert report["verdict"]["score"] == alone["verdict"]["score"]  # ...and set aside by the service
    assert [error["code"] for error in report["errors"]] == ["data"]
    assert "describes product 1005006717259012" in report["errors"][0]["message"]
    assert shown(page, "data-score") == str(alone["verdict"]["score"])


def test_captured_data_the_service_cannot_read_costs_the_data_not_the_verdict(emptor, site, service):
    page = open_listing(emptor, site, "he.aliexpress.com", "/item/32993251330.html", state="ok")
    _post_capture(page, "mtop.aliexpress.pdp.pc.query", "mtopjsonp1({\"data\": ")  # cut off
    first = len(service.recorder.analyze_requests)
    page.locator(".sku-property-item").first.click()

    def sources(body):
        return [blob["source"] for blob in body["data"]] if not body.get("reviews") else None

    # Refused, then sent again without that blob: the page's own data kept.
    refused = _wait_for_analysis(service, first, lambda body: sources(body) == ["runParams", "mtop.aliexpress.pdp.pc.query"])
    retried = _wait_for_analysis(service, first, lambda body: sources(body) == ["runParams"])
    wait_for_state(page, "ok")
    assert retried["html"] == refused["html"]
    expected = service_report(service, retried)["verdict"]["score"]
    assert shown(page, "data-score") == str(expected)


STORED_REQUEST_ID = """async () => {
    const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
    const stored = (await chrome.storage.session.get(`tab:${tab.id}`))[`tab:${tab.id}`];
    return stored ? stored.requestId : null;
}"""

LATE_UPDATE = """async ([requestId, score]) => {
    const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
    const answer = { ok: true, service: null, report: { page: { status: "ok" }, verdict: { level: "low", score },
                     findings: [], trust: [], coverage: { missing: [] }, reviews: null, listing: {} } };
    await chrome.tabs.sendMessage(tab.id, { type: "reportUpdated", requestId, answer }).catch(() => {});
}"""

# Every score the badge shows from now on, as emptor's frame has it on its root element.
RECORD_SCORES = """() => {
    const root = document.documentElement;
    window.emptorScoresSeen = [];
    new MutationObserver(() => window.emptorScoresSeen.push(root.dataset.score || null))
        .observe(root, { attributes: true, attributeFilter: ["data-score"] });
}"""


def _stale_update_is_ignored(emptor, page, stale_id, current_id):
    """Send an update for ``stale_id``, then one for the id on screen: messages to a tab arrive in
    order, so once the second shows (score 2), the first has been handled, and it never showed."""
    frame = emptor_frame(page)
    frame.evaluate(RECORD_SCORES)
    emptor.worker.evaluate(LATE_UPDATE, [stale_id, 1])
    emptor.worker.evaluate(LATE_UPDATE, [current_id, 2])
    frame.wait_for_selector(f'{FRAME_ROOT}[data-score="2"]', state="attached", timeout=5000)
    assert "1" not in frame.evaluate("window.emptorScoresSeen")


def _move_to_another_listing(page, path, title):
    """What AliExpress's own scripts do on a client-side move (they cannot run on a saved page):
    change the address, then render the new product's title."""
    page.evaluate("""([path, title]) => {
        history.pushState({}, '', path);
        setTimeout(() => { document.querySelector('h1.product-title-text').textContent = title; }, 200);
    }""", [path, title])


def test_another_listing_opened_without_a_reload_is_not_judged_from_the_old_one(emptor, site, service):
    """After a move to another listing with history.pushState, nothing captured for the first
    listing is sent, and the page, whose canonical address still names the first listing, is
    not judged as the second."""
    page = open_listing(emptor, site, "he.aliexpress.com", "/item/32993251330.html", state="ok")
    first = len(service.recorder.analyze_requests)
    _move_to_another_listing(page, "/item/1005006717259012.html", "Another product")
    sent = _wait_for_analysis(service, first, lambda body: body["url"].endswith("/item/1005006717259012.html"))
    assert "Another product" in sent["html"]  # sent once the new title was on the page
    assert sent["data"] == []  # the first listing's runParams stayed behind
    report = service_report(service, sent)
    assert report["page"]["status"] == "no_data"
    assert [error["code"] for error in report["errors"]] == ["html"]
    wait_for_state(page, "no_data", timeout=5)
    assert shown(page, "data-score") is None


def test_a_page_script_cannot_record_prices_for_another_product_or_another_time(emptor, site, service):
    """Issue 8's attack: a script on the listing's page moves the address to another product with
    history.pushState and posts a product feed for it with invented prices. The extension sends
    it (the verdict is the page's own business) but marks it not to be recorded, so the other
    product's history stays empty; and the listing the tab did load is recorded once, at the
    service's clock."""
    import datetime as dt

    first_index = len(service.recorder.analyze_requests)
    page = open_listing(emptor, site, "he.aliexpress.com", "/item/32993251330.html", state="ok")
    loaded = _wait_for_analysis(service, first_index, lambda body: body["url"].endswith("/item/32993251330.html"))
    assert (loaded["capture"], loaded["record"]) == ("live", True)
    moved = len(service.recorder.analyze_requests)
    other_history = "/api/v1/products/aliexpress/1005006717259012/history"
    before = service.http.get(other_history).json()["series"]  # other tests of this session may have recorded it
    page.evaluate("history.pushState({}, '', '/item/1005006717259012.html')")
    _post_capture(page, "mtop.aliexpress.pdp.pc.query", gen_d_pdp_jsonp())
    forged = _wait_for_analysis(service, moved, lambda body: body["url"].endswith("/item/1005006717259012.html")
                                and body["data"])
    assert forged["record"] is False
    assert service_report(service, forged)["page"]["status"] == "ok"  # judged from the posted feed...
    assert service.http.get(other_history).json()["series"] == before  # ...not kept
    recorded = service.http.get("/api/v1/products/aliexpress/32993251330/history").json()["series"]
    now = dt.datetime.now(dt.timezone.utc)
    # This session's service clock, never the 2020 date the saved page carries (other tests of
    # the session's service may have recorded this listing earlier in the run).
    assert recorded and all(now - dt.timedelta(hours=1) <= dt.datetime.fromisoformat(row["observed_at"]) <= now
                            for row in recorded)
    assert sum(body["body"]["record"] for body in service.recorder.analyze_requests[first_index:]) == 1


def test_a_late_answer_for_a_previous_page_is_ignored(emptor, site, service):
    """Review updates carry the request id they answer; ids start at random in every document,
    so an update for the page the tab showed before (moved by pushState or by a full load) never
    replaces the verdict on screen."""
    page = open_listing(emptor, site, "he.aliexpress.com", "/item/32993251330.html", state="ok")
    page.bring_to_front()
    first_id = emptor.worker.evaluate(STORED_REQUEST_ID)
    assert isinstance(first_id, int)
    first = len(service.recorder.analyze_requests)
    _move_to_another_listing(page, "/item/1005006717259012.html", "Another product")
    _wait_for_analysis(service, first, lambda body: body["url"].endswith("/item/1005006717259012.html"))
    wait_for_state(page, "no_data", timeout=5)
    moved_id = emptor.worker.evaluate(STORED_REQUEST_ID)
    assert moved_id not in (None, first_id)
    _stale_update_is_ignored(emptor, page, first_id, moved_id)

    page.goto(site.url("www.aliexpress.us", "/item/3256803382674519.html"), wait_until="load")
    wait_for_state(page, "ok")
    second_id = emptor.worker.evaluate(STORED_REQUEST_ID)
    assert second_id not in (None, first_id, moved_id)
    # The update for the id on screen is shown: the check is on the id, nothing else.
    _stale_update_is_ignored(emptor, page, first_id, second_id)


def test_options_page_accepts_only_loopback_addresses_and_checks_the_pairing_code(emptor, service):
    options = emptor.new_page()
    options.goto(f"{emptor.origin}/options/options.html")
    options.fill("#serviceUrl", "http://example.com:8765")
    options.click("button[type=submit]")
    options.locator("#message.error").wait_for()
    assert emptor.worker.evaluate("chrome.storage.local.get('serviceUrl')")["serviceUrl"] == service.url
    options.fill("#serviceUrl", service.url + "/")
    options.fill("#token", "short")
    options.click("button[type=submit]")
    options.locator("#message.error", has_text="too short").wait_for()
    options.fill("#token", "a-code-this-service-never-made")
    options.click("button[type=submit]")
    options.locator("#message.error", has_text="does not accept this browser's pairing code").wait_for()
    options.fill("#token", f"  {service.secret[:16]} {service.secret[16:]}\n")  # pasted with spaces around and in it
    options.click("button[type=submit]")
    options.locator("#message.ok", has_text="Paired with emptor").wait_for()
    stored = emptor.worker.evaluate("chrome.storage.local.get(['serviceUrl', 'token'])")
    assert stored == {"serviceUrl": service.url, "token": service.secret}
    options.click("#test")
    options.locator("#message.ok", has_text="Paired with emptor").wait_for()


def test_the_secret_never_travels_and_the_service_proves_itself_first(emptor, site, service):
    seen = []
    original = service.recorder.wsgi_app

    def spy(environ, start_response):
        seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], environ.get("HTTP_AUTHORIZATION", "")))
        return original(environ, start_response)

    service.recorder.wsgi_app = spy
    try:
        # Settings saved again: the worker forgets that the service proved itself, so it must ask
        # again within this window (a deadlines refresh the fixture's own settings started may
        # still arrive first, already confirmed: only the page is required to follow a challenge).
        emptor.configure(service.url, service.secret)
        open_listing(emptor, site, "www.aliexpress.us", "/item/3256803382674519.html", state="ok")
    finally:
        service.recorder.wsgi_app = original
    paired = [(method, path) for method, path, header in seen if header]
    assert ("GET", "/api/v1/pairing") in paired and ("POST", "/api/v1/analyze") in paired, paired
    assert paired.index(("GET", "/api/v1/pairing")) < paired.index(("POST", "/api/v1/analyze")), paired
    assert all(header.startswith("Emptor-HMAC-SHA256 ts=") for _, _, header in seen if header)
    assert not any(service.secret in header for _, _, header in seen)


def test_the_worker_refuses_unknown_messages(emptor):
    options = emptor.new_page()
    options.goto(f"{emptor.origin}/options/options.html")
    reply = options.evaluate("chrome.runtime.sendMessage({type: 'deleteEverything'})")
    assert reply == {"ok": False, "state": "error", "message": "Unknown or unauthorised message."}


def test_a_service_of_another_version_is_pointed_out(emptor, site, service, monkeypatch):
    """Simulated: the running service reports another version (only one version exists here)."""
    import server.api.meta

    monkeypatch.setattr(server.api.meta, "version", lambda: "9.9.9")
    emptor.configure(service.url, service.secret)  # forget the cached health
    page = open_listing(emptor, site, "he.aliexpress.com", "/item/32993251330.html", state="ok")
    frame = emptor_frame(page)
    frame.locator(".badge").click()
    warning = frame.locator(".warning")
    warning.wait_for()
    assert "version 9.9.9" in warning.inner_text() and "0.1.0" in warning.inner_text()


SEND_TIMINGS = """chrome.runtime.sendMessage({ type: "reportTimings",
    timings: { blocks: [["serialize", 1.5]], captureMs: 0, firstVerdictAfterLoadMs: 12 } })"""


def test_timings_are_collected_only_when_make_bench_asks_for_them(emptor, site, service):
    """Off (what shoppers have), the worker keeps no timings, even those a content script sends;
    on (bench/extension.py turns it on), the content script times its first analysis and the
    worker keeps what it sends."""
    page = open_listing(emptor, site, "he.aliexpress.com", "/item/32993251330.html", state="ok")
    refused = emptor.in_content_script(page, SEND_TIMINGS)
    assert refused == {"ok": False, "state": "error", "message": "Timings are not being collected."}
    assert emptor.ask_worker({"type": "getTimings"}, about=page)["timings"] is None

    emptor.configure(service.url, service.secret, debug_timings=True)
    timed = open_listing(emptor, site, "www.aliexpress.us", "/item/3256803382674519.html", state="ok")
    timings = _wait_for(lambda: emptor.ask_worker({"type": "getTimings"}, about=timed)["timings"])
    assert {name for name, _ in timings["blocks"]} >= {"serialize", "render"}
    assert timings["firstVerdictAfterLoadMs"] is not None


def _wait_for(value, timeout=10.0):
    """``value()`` once it is truthy (polled: the event happens in the browser)."""
    import time

    deadline = time.monotonic() + timeout
    while not (result := value()):
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.05)
    return result
