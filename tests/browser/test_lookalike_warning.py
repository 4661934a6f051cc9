"""Lookalike shops (issue 11) in Chromium with the unpacked extension: a top-level navigation to a
host that imitates AliExpress is replaced by emptor's warning page before the shop's page is
used, naming the domain it imitates; official addresses and an unrelated shop load as they are;
"Go to aliexpress.com" goes there; "open it anyway" reaches the page once and the warning does not
come back for that host; with no service answering, the extension's own check still warns.

The lookalike hosts resolve to the fixture site through --host-resolver-rules
(tests/support/browser.py), which serves them one constructed page (LANDING, labelled).
"""

from __future__ import annotations

import dataclasses
import re
import socket
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Error as PlaywrightError

from server import domains
from tests.support.browser import wait_for_replaced_url

LANDING_PATH = "/lookalike-landing.html"
# Constructed, not captured: the page a lookalike shop would show, with a mark the test can find.
LANDING = (b"<!doctype html><html><head><title>Shop</title></head>"
           b"<body><h1 id='landing'>Constructed page for the lookalike test</h1></body></html>", "text/html; charset=utf-8")


@pytest.fixture
def shop(site):
    site.routes[LANDING_PATH] = LANDING
    yield site
    site.routes.pop(LANDING_PATH, None)


@pytest.fixture
def lookalike(emptor, service):
    """The session browser with no "open it anyway" left from another test, and the host names the
    service is asked about recorded."""
    emptor.worker.evaluate("() => chrome.storage.session.clear()")
    asked = []
    inner = service.recorder.wsgi_app

    def recording(environ, start_response):
        if environ.get("PATH_INFO") == "/api/v1/domain-check" and environ.get("REQUEST_METHOD") == "GET":
            asked.append(parse_qs(environ.get("QUERY_STRING", "")))
        return inner(environ, start_response)

    service.recorder.wsgi_app = recording
    emptor.asked = asked
    yield emptor
    service.recorder.wsgi_app = inner


# For a function run in the worker that waits for chrome.storage.session to change (the next
# change, or the deadline of a failing run).
NEXT_CHANGE = """
const nextChange = (deadline) => new Promise((resolve) => {
    const once = () => { chrome.storage.session.onChanged.removeListener(once); resolve(); };
    chrome.storage.session.onChanged.addListener(once);
    setTimeout(once, Math.max(0, deadline - Date.now()));
});
"""


def with_next_change(function: str) -> str:
    return f"async (arg) => {{ {NEXT_CHANGE} return ({function})(arg); }}"


def warning_url(emptor) -> re.Pattern:
    return re.compile(re.escape(f"{emptor.origin}/view/lookalike.html?id=") + r"[0-9a-f-]{36}$")


def open_address(emptor, url: str):
    """Navigate a new tab to ``url`` as a typed address: the extension may replace the
    navigation, which Playwright reports as aborted."""
    page = emptor.new_page()
    try:
        page.goto(url, wait_until="commit")
    except PlaywrightError as error:
        assert "ERR_ABORTED" in str(error), error
    return page


def wait_for_address(page, url) -> None:
    wait_for_replaced_url(page, url)


def wait_for_warning(emptor, page):
    wait_for_address(page, warning_url(emptor))
    # The warning shows at once from the extension's own check; the service's answer follows.
    page.wait_for_selector("html[data-state='warning']:not([data-source='pending'])", state="attached", timeout=15000)
    return {
        "title": page.inner_text("h1#title"),
        "host": page.inner_text("#host"),
        "imitates": page.inner_text("#imitates"),
        "go": page.inner_text("#go"),
        "reasons": page.eval_on_selector_all("#reasons li", "items => items.map(item => item.dataset.code)"),
        "source": page.get_attribute("html", "data-source"),
    }


def test_a_lookalike_shop_is_replaced_by_the_warning_and_only_its_host_is_asked_about(lookalike, shop):
    page = open_address(lookalike, shop.url("aliexpress-sale.shop", LANDING_PATH + "?q=secret-search"))
    shown = wait_for_warning(lookalike, page)
    assert shown["title"] == "This is not AliExpress"
    assert shown["host"] == "aliexpress-sale.shop"
    assert shown["imitates"] == "aliexpress.com"
    assert shown["go"] == "Go to aliexpress.com"
    assert shown["reasons"] == ["brand_keyword"]
    assert shown["source"] == "service"
    # The service was asked about the host name alone: no path, no query, no port.
    assert lookalike.asked == [{"domain": ["aliexpress-sale.shop"]}]
    assert page.locator("#landing").count() == 0


def test_a_homoglyph_host_names_the_domain_it_imitates(lookalike, shop):
    page = open_address(lookalike, shop.url("xn--liexpress-zyh.com", LANDING_PATH))
    shown = wait_for_warning(lookalike, page)
    assert shown["imitates"] == "aliexpress.com"
    assert "\u0430liexpress.com" in shown["host"] and "xn--liexpress-zyh.com" in shown["host"]
    assert shown["reasons"] == ["homoglyph", "punycode"]


def test_official_addresses_and_an_unrelated_shop_load_without_a_warning(lookalike, shop):
    for url, mark in [(shop.url("www.aliexpress.com", "/item/32993251330.html"), "body"),
                      (shop.url("unrelated-shop.test", LANDING_PATH), "#landing")]:
        page = lookalike.new_page()
        page.goto(url, wait_until="load")
        page.wait_for_selector(mark, state="attached")
        assert page.url == url
    # Neither host looked like a brand, so neither was sent to the service.
    assert lookalike.asked == []


def test_go_to_aliexpress_opens_the_real_site(lookalike, shop):
    page = open_address(lookalike, shop.url("aliexpress-sale.shop", LANDING_PATH))
    wait_for_warning(lookalike, page)
    with page.expect_request("https://aliexpress.com/") as request:
        page.click("#go")
    assert request.value.is_navigation_request()


def test_open_anyway_reaches_the_page_once_and_does_not_loop(lookalike, shop):
    url = shop.url("aliexpress-sale.shop", LANDING_PATH)
    page = open_address(lookalike, url)
    wait_for_warning(lookalike, page)
    page.click("#proceed")
    page.wait_for_url(url)
    page.wait_for_selector("#landing")
    # The same host again, in another tab: the shopper already chose, no warning this session.
    again = lookalike.new_page()
    again.goto(url, wait_until="load")
    again.wait_for_selector("#landing")
    assert again.url == url
    # Another lookalike host is still warned about.
    other = open_address(lookalike, shop.url("aliexpres.com", LANDING_PATH))
    assert wait_for_warning(lookalike, other)["reasons"] == ["typo"]


def test_the_warning_page_without_its_record_opens_nothing(lookalike):
    page = lookalike.new_page()
    page.goto(f"{lookalike.origin}/view/lookalike.html?id=00000000-0000-0000-0000-000000000000")
    page.wait_for_selector("html[data-state='expired']", state="attached")
    assert page.locator("main.warning").is_hidden()


def test_with_no_service_answering_the_extension_still_warns(lookalike, service, shop):
    with socket.socket() as probe:  # a port nothing listens on: the service is not running
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    lookalike.configure(f"http://127.0.0.1:{free}", service.secret)
    page = open_address(lookalike, shop.url("xn--liexpress-zyh.com", LANDING_PATH))
    shown = wait_for_warning(lookalike, page)
    assert shown["source"] == "extension"
    assert shown["imitates"] == "aliexpress.com"
    assert shown["reasons"] == ["homoglyph", "punycode"]
    assert lookalike.asked == []


def test_the_same_address_opened_again_at_once_is_warned_again(lookalike, shop):
    """A second navigation to the lookalike in the same tab, seconds after the first (a Back press
    onto a page that redirects, an opener setting the address again), is a new navigation: it is
    warned again, not let through as the first one's commit would be."""
    url = shop.url("aliexpress-sale.shop", LANDING_PATH)
    page = open_address(lookalike, url)
    wait_for_warning(lookalike, page)
    first = page.url
    try:
        page.goto(url, wait_until="commit")
    except PlaywrightError as error:
        assert "ERR_ABORTED" in str(error), error
    wait_for_address(page, lambda address: address != first and bool(warning_url(lookalike).match(address)))
    assert page.evaluate("() => location.href") != first
    assert page.locator("#landing").count() == 0


def test_a_label_that_is_not_valid_punycode_does_not_hide_the_lookalike(lookalike, shop):
    """Chromium opens an ASCII host whose "xn--" label does not decode (whatwg/url issues 760 and
    821); the extension judges the other labels all the same."""
    page = open_address(lookalike, shop.url("xn--zz.aliexpress-sale.shop", LANDING_PATH))
    wait_for_address(page, warning_url(lookalike))
    assert page.locator("#landing").count() == 0


def test_a_redirect_to_a_lookalike_shop_is_caught_when_it_commits(lookalike, shop, monkeypatch):
    """A link on an ordinary site that the server redirects to a lookalike host: the browser
    reports no new navigation for a redirect, so the warning comes from onCommitted."""
    target = shop.url("aliexpress-sale.shop", LANDING_PATH)
    handler = shop.server.RequestHandlerClass
    monkeypatch.setattr(handler, "MISBEHAVING", {
        **handler.MISBEHAVING, "/out": lambda self: self._send(302, b"", headers={"Location": target})})
    page = open_address(lookalike, shop.url("unrelated-shop.test", "/out"))
    shown = wait_for_warning(lookalike, page)
    assert shown["host"] == "aliexpress-sale.shop" and shown["imitates"] == "aliexpress.com"


def test_a_host_the_service_knows_as_official_opens_after_all(lookalike, shop, monkeypatch):
    """The service's lists are newer than the extension's copy and name the host official: the
    warning the local check raised gives way, the page opens, and the host is not asked about
    again this session."""
    lists = domains.official()
    monkeypatch.setattr(domains, "official", lambda: dataclasses.replace(lists, hosts=lists.hosts | {"aliexpress-sale.shop"}))
    url = shop.url("aliexpress-sale.shop", LANDING_PATH)
    page = open_address(lookalike, url)
    # The warning's record, once the service has answered: the warning gave way to the page.
    records = lookalike.worker.evaluate(with_next_change("""async () => {
        const deadline = Date.now() + 15000;  // a bound on a failing run, not a wait for success
        for (;;) {
            const changed = nextChange(deadline);  // listening before reading: no change is missed
            const all = await chrome.storage.session.get(null);
            const found = Object.entries(all).filter(([k, r]) => k.startsWith("lookalike:") && r.cleared).map(([, r]) => r);
            if (found.length || Date.now() > deadline) return found;
            await changed;
        }
    }"""))
    assert [(r["host"], r["verdict"]["source"], r["verdict"]["lookalike"]) for r in records] == [
        ("aliexpress-sale.shop", "service", False)]
    wait_for_address(page, url)
    page.wait_for_selector("#landing")
    assert lookalike.asked == [{"domain": ["aliexpress-sale.shop"]}]
    again = lookalike.new_page()
    again.goto(url, wait_until="load")
    again.wait_for_selector("#landing")
    assert lookalike.asked == [{"domain": ["aliexpress-sale.shop"]}]


def wait_until_removed(emptor, key: str) -> None:
    """Wait for the worker to remove ``key`` from chrome.storage.session (the change event, not a
    time)."""
    emptor.worker.evaluate(with_next_change("""async (key) => {
        const deadline = Date.now() + 15000;  // a bound on a failing run, not a wait for success
        for (;;) {
            const changed = nextChange(deadline);
            if (!(key in await chrome.storage.session.get(key))) return;
            if (Date.now() > deadline) throw new Error(`${key} is still kept`);
            await changed;
        }
    }"""), key)

def test_closing_the_tab_forgets_its_warning(lookalike, shop):
    page = open_address(lookalike, shop.url("aliexpres.com", LANDING_PATH))
    wait_for_warning(lookalike, page)
    key = "lookalike:" + page.url.split("id=")[1]
    assert lookalike.worker.evaluate("async (key) => key in await chrome.storage.session.get(key)", key)
    page.close()
    wait_until_removed(lookalike, key)


def test_a_tab_closed_while_the_service_is_asked_keeps_no_address(lookalike, shop, monkeypatch):
    """The shopper closes the warning before the service has answered (it may take up to the 2 s
    the extension waits): the warning's record, with the address, was removed with the tab and is
    not written back when the answer comes (docs/privacy.md: kept until its tab closes)."""
    import threading

    asked, release, answered = threading.Event(), threading.Event(), threading.Event()
    check = domains.check

    def held(text):
        if text == "aliexpres.com":
            asked.set()
            release.wait(10)
            answered.set()
        return check(text)

    monkeypatch.setattr(domains, "check", held)
    try:
        page = open_address(lookalike, shop.url("aliexpres.com", LANDING_PATH))
        assert asked.wait(15), "the service was never asked"
        wait_for_address(page, warning_url(lookalike))
        key = "lookalike:" + page.url.split("id=")[1]
        page.close()
        wait_until_removed(lookalike, key)
    finally:
        release.set()
    assert answered.wait(15)
    # Another warning, answered by the service in full, comes after the first answer has reached
    # the worker (its request is sent only after the first was answered, in a later navigation).
    later = open_address(lookalike, shop.url("aliexpress-sale.shop", LANDING_PATH))
    assert wait_for_warning(lookalike, later)["source"] == "service"
    kept = lookalike.worker.evaluate("async () => Object.values(await chrome.storage.session.get(null))"
                                     ".filter((r) => r && r.url).map((r) => r.host)")
    assert kept == ["aliexpress-sale.shop"]
