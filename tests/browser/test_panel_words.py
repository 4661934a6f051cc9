"""What the shopper reads in the panel (issue 9): evidence as labelled values with units, money
as the currency writes it, the fields a page lacks in words, and an end to "reading the reviews"
whatever the review feed answers. In real Chromium, on the real saved pages, against the real
service; the words themselves are checked on real reports in extension/tests/panel-words.test.js."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import open_listing, wait_for_reviews

LISTING_2020 = ("he.aliexpress.com", "/item/32993251330.html")  # EUR, shown for Israel; the page counts 2 ratings
LISTING_2022 = ("www.aliexpress.us", "/item/3256803382674519.html")  # USD: shipping 3.8 on an item from 1.73

# A name for programs in the panel's text: lowercase words joined by underscores (history_days,
# badges.free_return), or a field path.
RAW_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+\.[a-z_]+\b")


def _open_panel(emptor, site, listing, reviews=None):
    """The listing's frame with its panel open, once the review outcome (``reviews``, or any) is in."""
    page = open_listing(emptor, site, *listing, state="ok")
    frame = wait_for_reviews(page, reviews)
    frame.locator(".badge").click()
    frame.wait_for_selector(".panel:not([hidden])")
    return page, frame


def _reviews_sent(service) -> list[dict]:
    return [r for r in service.recorder.analyze_requests if r["body"].get("reviews")]


@pytest.mark.parametrize("listing, words", [
    (LISTING_2020, ["Not found on this page: Choice badge, free returns, delivery guarantee.",
                    "Positive feedback: 93.6%", "Flagged below: 95%", "Buyer protection: 90 days",
                    "Copy words found:", "In the description:"]),
    (LISTING_2022, ["Not found on this page: free returns, buyer protection.",
                    "Shipping: 3.80 USD", "Item price: 1.73 USD", "Shipping adds: 220% to the price",
                    "Store ratings: 1,528"]),
], ids=["2020-EUR", "2022-USD"])
def test_the_panel_reads_in_words(emptor, site, listing, words):
    page, frame = _open_panel(emptor, site, listing)
    frame.wait_for_selector("svg.price-chart", timeout=5000)
    text = frame.locator(".panel").inner_text()
    for expected in words:
        assert expected in text, expected
    assert "{" not in text and "}" not in text, text
    assert RAW_NAME.findall(text) == [], text
    # Each finding's evidence is a list of labelled values.
    for label in frame.locator("li.finding .evidence .name").all_inner_texts():
        assert label.endswith(":") and "_" not in label, label
    # The chart's prices are money too: two decimals and the currency's code.
    caption = frame.locator(".chart p.meta").first.inner_text()
    assert re.search(r"\d\.\d\d( ?[–-] ?\d+\.\d\d)? (EUR|USD) ", caption), caption


def test_a_feed_with_no_reviews_says_there_are_none(emptor, site, service):
    """The fixture site has no review capture for the 2020 page's product: its feed answers a real
    empty page. The service reads it (no review) and the panel says so, instead of waiting."""
    assert "32993251330" not in site.reviews
    page, frame = _open_panel(emptor, site, LISTING_2020, reviews="none")
    assert frame.locator(".reviews").inner_text() == (
        "No reviews to analyse: AliExpress's review feed returned none for this listing, "
        "although the page counts 2 ratings.")
    assert frame.locator(".reviews").get_attribute("data-reviews") == "none"
    assert frame.locator("table.review-tests").count() == 0  # nine tests "not run" would say nothing more
    sent = _reviews_sent(service)
    assert len(sent) == 1 and sent[0]["body"]["record"] is False


FAILURES = {
    "server-error": ((500, "application/json", b'{"error": "busy"}'),
                     "AliExpress's review feed answered with error 500", 0),
    "robot-check-html": ((200, "text/html; charset=utf-8", b"<html><body>Please slide to verify</body></html>"),
                         "AliExpress's review feed did not answer with reviews", 0),
    # JSON, but not a page of reviews: the service refuses it (bad_review_page).
    "not-a-review-page": ((200, "application/json", b'{"ret": ["FAIL_SYS_USER_VALIDATE::RGV587_ERROR"]}'),
                          "AliExpress's review feed did not answer with reviews", 1),
}


@pytest.mark.parametrize("failure", FAILURES, ids=list(FAILURES))
def test_a_feed_that_fails_says_why(emptor, site, service, review_feed_answers, failure):
    answer, reason, service_asked = FAILURES[failure]
    review_feed_answers(*answer)
    page, frame = _open_panel(emptor, site, LISTING_2020, reviews="failed")
    assert frame.locator(".reviews").inner_text() == f"The reviews could not be loaded ({reason})."
    assert len(_reviews_sent(service)) == service_asked
    # The verdict from the page stands.
    assert frame.locator("li.finding").count() > 0


def test_a_failure_is_not_kept_the_next_look_reads_the_feed_again(emptor, site, service, review_feed, review_feed_answers,
                                                                 monkeypatch):
    """A failure to load the reviews is not remembered (the worker keeps a page's answer for 60 s,
    but not a failure): the next look at the listing reads the feed again."""
    review_feed_answers(503, "text/plain", b"busy")
    page = open_listing(emptor, site, *LISTING_2020, state="ok")
    wait_for_reviews(page, "failed")
    monkeypatch.undo()  # the feed answers again, with the capture review_feed registered
    analyses = len(service.recorder.analyze_requests)
    page.reload(wait_until="load")
    frame = wait_for_reviews(page, "analysed")
    assert shown_reviews(frame).startswith("20 reviews analysed")
    # The feed was read again, once (the page's own verdict usually comes from the worker's cache;
    # a page serialised a little differently is asked of the service again).
    assert [bool(r["body"].get("reviews")) for r in service.recorder.analyze_requests[analyses:]][-1:] == [True]
    assert sum(bool(r["body"].get("reviews")) for r in service.recorder.analyze_requests[analyses:]) == 1


def _hold_the_review_feed(site, monkeypatch):
    """The review feed answers only once released (its real empty page, as for a product the
    fixture site has no capture of): ``(asked, release)``, ``asked`` counting the requests."""
    import threading

    asked, release = threading.Semaphore(0), threading.Event()
    empty_feed = site.server.RequestHandlerClass._reviews

    def held(handler, query):
        asked.release()
        release.wait(6)  # under the worker's 8 s for a review page
        return empty_feed(handler, query)

    monkeypatch.setattr(site.server.RequestHandlerClass, "_reviews", held)
    return asked, release


def test_a_settings_change_while_the_reviews_are_read_ends_the_wait(emptor, site, service, monkeypatch):
    """The shopper saves the options (another service, a new pairing) while the review feed is
    being read: the answer belongs to the service the settings replaced, so it is not shown, but
    the panel is told and does not stay at "reading the reviews"."""
    asked, release = _hold_the_review_feed(site, monkeypatch)
    try:
        page = open_listing(emptor, site, *LISTING_2020, state="ok")
        assert asked.acquire(timeout=15), "the worker never asked for the review feed"
        emptor.configure(service.url, service.secret)  # the options saved: a settings change
    finally:
        release.set()
    frame = wait_for_reviews(page, "failed")
    assert shown_reviews(frame) == ("The reviews could not be loaded (emptor's settings changed while they were read; "
                                    "reload the page to read them again).")


def test_a_listing_opened_after_the_settings_change_reads_its_own_reviews(emptor, site, service, monkeypatch):
    """The same listing opened in another tab after the change, while the reading begun before it
    still runs, does not wait for that reading (which ends with "settings changed", untrue of the
    new tab): it reads the feed itself."""
    asked, release = _hold_the_review_feed(site, monkeypatch)
    try:
        page = open_listing(emptor, site, *LISTING_2020, state="ok")
        assert asked.acquire(timeout=15), "the worker never asked for the review feed"
        emptor.configure(service.url, service.secret)
        page = open_listing(emptor, site, *LISTING_2020, state="ok")
        assert asked.acquire(timeout=15), "the listing opened again did not read the feed itself"
    finally:
        release.set()
    frame = wait_for_reviews(page, "none")
    assert shown_reviews(frame).startswith("No reviews to analyse")


def shown_reviews(frame) -> str:
    frame.locator(".badge").click()
    frame.wait_for_selector(".panel:not([hidden])")
    return frame.locator(".reviews").inner_text()
