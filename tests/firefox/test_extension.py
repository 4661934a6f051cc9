"""The extension in Firefox ESR, on a real saved page, against the real service (issue 11): the
same verdict as in Chromium (tests/browser/test_extension.py, test_pairing.py)."""

from __future__ import annotations

from tests.support.browser import wait_until
from tests.support.firefox import open_listing, shown
from tests.support.fixtures import F2020, read_text
from tests.support.impostor import Impostor
from tests.support.live_server import service_report

HOST, PATH = "he.aliexpress.com", "/item/32993251330.html"
BADGE_WORDS = {"low": "Low risk", "medium": "Medium risk", "high": "High risk"}


def test_badge_and_panel_show_the_service_verdict(emptor, site, service):
    url = site.url(HOST, PATH)
    _, frame = open_listing(emptor, url, state="ok")
    expected = service_report(service, {"url": f"https://{HOST}{PATH}", "html": read_text(F2020)})
    badge = shown(frame)
    assert badge["level"] == expected["verdict"]["level"]
    assert badge["score"] == str(expected["verdict"]["score"])
    assert badge["badge"].startswith(BADGE_WORDS[expected["verdict"]["level"]])
    # The page came through the host proxy, and the extension sent it under its own address.
    assert ("GET", url) in emptor.proxy.seen
    assert service.recorder.analyze_requests[0]["body"]["url"] == url
    frame.click(".badge")
    frame.wait_for_selector(".panel:not([hidden])")
    codes = frame.evaluate("() => [...document.querySelectorAll('li.finding')].map((node) => node.dataset.code)")
    assert sorted(codes) == sorted(finding["code"] for finding in expected["findings"] + expected["trust"])


def test_an_impostor_on_the_port_receives_no_page_and_its_verdict_is_not_shown(emptor, site, service):
    """Firefox's own WebCrypto signs the requests and checks the answers (docs/api.md, "Pairing")."""
    with Impostor() as impostor:
        emptor.configure(impostor.url, service.secret)
        _, frame = open_listing(emptor, site.url(HOST, PATH), state="not-our-service")
        badge = shown(frame)
    assert "This is not your emptor service" in badge["badge"]
    assert badge["level"] == "unknown"
    assert impostor.received and {(method, path) for method, path, _ in impostor.received} == {("GET", "/api/v1/pairing")}


def test_the_harness_sees_an_uncaught_error_in_the_extensions_own_pages(firefox):
    """What every test's teardown relies on (conftest.py, ``emptor``): an error thrown in one of
    the extension's documents, outside any page the test reads, is reported."""
    page = firefox.extension_page("options/options.html")
    try:
        page.evaluate("() => { setTimeout(() => { throw new Error('thrown on purpose'); }); }")
        errors = wait_until(lambda: firefox.extension_errors(), "the error to be reported")
        assert len(errors) == 1 and errors[0].startswith(f"{firefox.origin}/options/options.html:")
        assert errors[0].endswith("Error: thrown on purpose")
    finally:
        firefox.extension_errors(clear=True)
        firefox.close_pages()
