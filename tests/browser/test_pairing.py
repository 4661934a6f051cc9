"""Pairing in the browser (issue 8): a program on the configured port that does not know the
secret receives no page and the badge shows nothing from it; an unpaired browser sends nothing."""

from __future__ import annotations

from tests.support.browser import emptor_frame, open_listing, shown
from tests.support.impostor import Impostor

LISTING = ("he.aliexpress.com", "/item/32993251330.html")


def test_an_impostor_on_the_port_receives_no_page_and_its_verdict_is_not_shown(emptor, site, service):
    with Impostor() as impostor:
        emptor.configure(impostor.url, service.secret)
        page = open_listing(emptor, site, *LISTING, state="not-our-service")
        badge = emptor_frame(page).locator(".badge").inner_text()
    assert "This is not your emptor service" in badge
    assert "Low risk" not in badge and "genuine" not in badge
    # Only challenges (the page's and the deadlines' refresh's), none answered as emptor would: no
    # page, no orders request ever followed.
    assert impostor.received and {(method, path) for method, path, _ in impostor.received} == {("GET", "/api/v1/pairing")}
    assert shown(page, "data-level") == "unknown"


def test_a_refusal_from_the_port_says_not_paired_in_emptors_own_words(emptor, site, service):
    with Impostor(status=401) as impostor:
        emptor.configure(impostor.url, service.secret)
        page = open_listing(emptor, site, *LISTING, state="not-paired")
        badge = emptor_frame(page).locator(".badge").inner_text()
    assert "emptor pair" in badge and "Trust me" not in badge
    assert all(path == "/api/v1/pairing" for _, path, _ in impostor.received)


def test_a_browser_without_a_code_sends_nothing_and_says_how_to_pair(emptor, site, service):
    service.recorder.analyze_requests.clear()
    emptor.configure(service.url, "")
    page = open_listing(emptor, site, *LISTING, state="not-paired")
    assert "emptor pair" in emptor_frame(page).locator(".badge").inner_text()
    assert service.recorder.analyze_requests == []


def test_the_popup_names_an_impostor(emptor, site, service):
    with Impostor() as impostor:
        emptor.configure(impostor.url, service.secret)
        open_listing(emptor, site, *LISTING, state="not-our-service")
        popup = emptor.extension_tab("popup/popup.html")
        popup.locator('#service[data-state="not-our-service"]').wait_for()
        assert "not your emptor service" in popup.locator("#service").inner_text()
