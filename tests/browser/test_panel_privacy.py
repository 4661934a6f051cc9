"""The panel keeps its secrets (issue 8): a script of the listing's own page cannot read what emptor
shows the shopper, neither the verdict, the score and the level nor the findings and the recorded
prices.

The badge and the panel render in emptor's frame, an extension page in an iframe, inside a closed
shadow root on a host element that carries no verdict (docs/extension.md, "The badge and the
panel"). Every check below runs as a page script would, in the page's own JavaScript world
(``page.evaluate``), while emptor's frame shows the verdict with the panel open; the first test
also checks that the frame does show what the page cannot read.
"""

from __future__ import annotations

import json
import re

from tests.support.browser import FRAME_PAGE, emptor_frame, open_listing, shown, wait_for_reviews
from tests.support.constructed import FETCH_PRODUCT

# Two high-risk saved pages with different findings (tests/support/reports.py, GOLDEN: five and a
# reason to trust, three and none, before the price rules read what other tests recorded), and a
# low-risk page with no finding and one reason to trust (the constructed 2024 page whose product
# feed the page fetches).
HIGH = ("he.aliexpress.com", "/item/32993251330.html")
HIGH_FEWER_FINDINGS = ("www.aliexpress.us", "/item/3256803382674519.html")
LOW = ("es.aliexpress.com", f"/item/{FETCH_PRODUCT}.html")

# Everything a page script can read from the element emptor adds, and the page's own text.
WHAT_THE_PAGE_READS = """() => {
    const host = document.getElementById('emptor-root');
    const box = host.getBoundingClientRect();
    return {
        attributes: Object.fromEntries([...host.attributes].map((a) => [a.name, a.value])),
        dataset: { ...host.dataset },
        shadowRoot: host.shadowRoot,
        children: host.childNodes.length,
        html: host.innerHTML,
        text: host.textContent,
        marked: document.querySelectorAll('[data-level], [data-score]').length,
        bodyText: document.body.innerText,
        documentText: document.documentElement.textContent,
        size: [box.width, box.height],
    };
}"""

# window.find(text, caseSensitive, backwards, wrapAround, wholeWord, searchInFrames): the page's
# text search, which finds text in a shadow root, even a closed one.
FIND = """(text) => {
    getSelection().removeAllRanges();
    return window.find(text, false, false, true, false, true);
}"""

# A fake verdict, posted to every frame the page can reach, in the shape the worker sends and
# bare; emptor's frame listens to no window "message" event.
FAKE_STATE = {"kind": "report", "report": {"page": {"status": "ok"}, "verdict": {"level": "low", "score": 1},
                                           "findings": [], "trust": [], "coverage": {"missing": []}, "listing": {}}}
POST_TO_EVERY_FRAME = """(fakes) => {
    for (let i = 0; i < window.frames.length; i++) {
        for (const fake of fakes) window.frames[i].postMessage(fake, '*');
    }
}"""


FAKES = [{"type": "frameState", "id": "forged", "state": FAKE_STATE}, FAKE_STATE,
         {"type": "resizeFrame", "open": False}, {"type": "setPanelOpen", "open": False}]


def _page_view(page) -> dict:
    return page.evaluate(WHAT_THE_PAGE_READS)


def _host_size(page) -> tuple[float, float]:
    return tuple(_page_view(page)["size"])


def _open_panel(page) -> None:
    """Click the badge in emptor's frame and wait for the iframe to take its open size."""
    closed = _host_size(page)
    emptor_frame(page).locator(".badge").click()
    emptor_frame(page).wait_for_selector(".panel:not([hidden])")
    page.wait_for_function("height => document.getElementById('emptor-root').getBoundingClientRect().height > height",
                           arg=closed[1])


def _sizes(emptor, site, listing, state="ok") -> dict:
    """The iframe's size as a page script reads it, before and after the panel opens."""
    page = open_listing(emptor, site, *listing, state=state)
    closed = _host_size(page)
    _open_panel(page)
    return {"level": shown(page, "data-level"), "findings": emptor_frame(page).locator("li.finding").count(),
            "closed": closed, "open": _host_size(page)}


def test_a_page_script_reads_no_verdict_from_the_page(emptor, site, service):
    page = open_listing(emptor, site, *HIGH, state="ok")
    frame = emptor_frame(page)
    _open_panel(page)
    frame.wait_for_selector("svg.price-chart", timeout=5000)
    score = shown(page, "data-score")
    label = frame.locator(".badge .label").inner_text()
    codes = frame.locator("li.finding").evaluate_all("nodes => nodes.map(n => n.dataset.code)")
    # What the shopper sees, in the frame: the level, the score, the findings and the prices.
    assert (shown(page, "data-level"), label) == ("high", f"High risk · {score}")
    assert "CNT001" in codes and "Price history" in frame.locator(".panel").text_content()
    assert frame.locator("svg.price-chart circle").count() >= 1

    seen = _page_view(page)
    # The host: an id and its placement, nothing else; no data attribute, no child, no text.
    assert set(seen["attributes"]) == {"id", "style"}
    declared = dict(re.findall(r"([\w-]+):\s*([^;]+);", seen["attributes"]["style"]))
    placement = {name: value for name, value in declared.items() if value != "initial"}  # the rest is `all: initial`
    assert set(placement) <= {"display", "position", "z-index", "top", "left", "right"}, placement
    assert seen["dataset"] == {} and seen["marked"] == 0
    assert seen["shadowRoot"] is None  # closed
    assert (seen["children"], seen["html"], seen["text"]) == (0, "", "")
    # The page's text, and the page's text search: nothing of emptor's.
    for text in (label, "High risk", "risk", "CNT001", "Reasons to trust", "Price history"):
        assert text not in seen["bodyText"] and text not in seen["documentText"], text
        assert page.evaluate(FIND, text) is False, text
    assert page.evaluate(FIND, "Smartphone") is True  # the same search finds the page's own title


def test_a_page_script_cannot_read_the_frame_even_holding_its_element(emptor, site):
    """The page cannot reach the iframe element (the shadow root is closed); the DevTools protocol
    hands it to the page's own world, to show that a script holding it still reads nothing."""
    page = open_listing(emptor, site, *HIGH, state="ok")
    _open_panel(page)
    iframe = emptor_frame(page).frame_element()  # an object of the page's main world
    page.evaluate("window.emptorPageWorld = true")
    seen = iframe.evaluate("""(iframe) => {
        let windowDocument;
        try {
            windowDocument = iframe.contentWindow.document.documentElement.outerHTML;
        } catch (error) {
            windowDocument = error.name;
        }
        let location;
        try {
            location = iframe.contentWindow.location.href;
        } catch (error) {
            location = error.name;
        }
        const listed = Array.from({ length: window.frames.length }, (_, i) => window.frames[i]);
        return { pageWorld: window.emptorPageWorld === true, contentDocument: iframe.contentDocument, windowDocument,
                 location, attributes: [...iframe.attributes].map((a) => a.name).sort(),
                 listedInFrames: listed.includes(iframe.contentWindow) };
    }""")
    assert seen["pageWorld"] is True
    assert seen["contentDocument"] is None  # cross-origin
    assert seen["windowDocument"] == "SecurityError"
    assert seen["location"] == "SecurityError"
    assert seen["attributes"] == ["src", "style", "title"]
    assert iframe.get_attribute("title") == "emptor"
    # (Chromium does not even list a frame inside a shadow root in window.frames.)
    assert seen["listedInFrames"] is False


def test_the_frames_size_says_only_whether_the_panel_is_open(emptor, site):
    high = _sizes(emptor, site, HIGH)
    fewer = _sizes(emptor, site, HIGH_FEWER_FINDINGS)
    low = _sizes(emptor, site, LOW)
    assert (high["level"], fewer["level"], low["level"]) == ("high", "high", "low")
    # (How many findings each has depends on the prices other tests recorded: the counts differ.)
    assert len({high["findings"], fewer["findings"], low["findings"]}) >= 2
    assert high["findings"] > low["findings"]
    assert high["closed"] == fewer["closed"] == low["closed"]
    assert high["open"] == fewer["open"] == low["open"]
    assert high["open"] != high["closed"]
    # A page without a verdict (no product data) has the same badge-sized frame.
    page = open_listing(emptor, site, "es.aliexpress.com", "/item/1005006180026951.html", state="no_data")
    assert _host_size(page) == high["closed"]


def test_a_fake_verdict_posted_to_the_frame_changes_nothing(emptor, site):
    page = open_listing(emptor, site, *HIGH, state="ok")
    frame = wait_for_reviews(page)  # the review outcome redraws the frame: it comes first
    _open_panel(page)
    before = (shown(page, "data-level"), shown(page, "data-score"), frame.locator(".badge").inner_text())
    size = _host_size(page)
    # Watch the frame from inside: every change to it, and every message that reaches its window.
    frame.evaluate("""() => {
        window.emptorChanges = [];
        window.emptorMessagesReceived = 0;
        window.addEventListener('message', () => { window.emptorMessagesReceived++; });
        new MutationObserver((records) => window.emptorChanges.push(...records.map((r) => r.type)))
            .observe(document.documentElement, { attributes: true, childList: true, subtree: true, characterData: true });
    }""")
    page.evaluate(POST_TO_EVERY_FRAME, FAKES)
    # window.frames does not reach it here: post also to the frame's own window, as a script
    # holding the iframe element could (see the test above).
    frame.frame_element().evaluate(
        "(iframe, fakes) => { for (const fake of fakes) iframe.contentWindow.postMessage(fake, '*'); }", FAKES)
    frame.wait_for_function("count => window.emptorMessagesReceived >= count", arg=len(FAKES))
    # The frame's own listeners, had it any, ran in the same dispatches (ours came last); what they
    # would have started runs in tasks and microtasks queued before this one.
    frame.evaluate("() => new Promise((resolve) => setTimeout(resolve, 0))")
    assert frame.evaluate("window.emptorChanges") == []
    assert (shown(page, "data-level"), shown(page, "data-score"), frame.locator(".badge").inner_text()) == before
    assert _host_size(page) == size  # the forged resize did nothing either


def test_only_emptors_frame_may_ask_for_the_price_history_or_resize_itself(emptor, site):
    """The recorded prices reach the frame straight from the service worker; the content script,
    which lives beside the page, is refused them, and cannot speak for the frame."""
    page = open_listing(emptor, site, *HIGH, state="ok")
    for message in ({"type": "getHistory", "marketplace": "aliexpress", "productId": "32993251330"},
                    {"type": "setPanelOpen", "open": True}):
        answer = emptor.in_content_script(page, f"chrome.runtime.sendMessage({json.dumps(message)})")
        assert answer == {"ok": False, "state": "error", "message": "Unknown or unauthorised message."}, message


def test_the_worker_knows_the_frame_by_its_sender(emptor, site):
    """What the dispatcher checks (background/dispatch.js): the content script loads the frame from
    this session's dynamic address (use_dynamic_url), yet the frame's messages carry the
    extension's own id and origin, its frame page's address, the listing's tab and a frame id."""
    emptor.worker.evaluate("""() => {
        globalThis.emptorSendersSeen = [];
        globalThis.emptorRecordSender = (message, sender) => {
            if (message && message.type === 'setPanelOpen') globalThis.emptorSendersSeen.push(sender);
        };
        chrome.runtime.onMessage.addListener(globalThis.emptorRecordSender);
    }""")
    try:
        page = open_listing(emptor, site, *HIGH, state="ok")
        _open_panel(page)
        senders = emptor.worker.evaluate("globalThis.emptorSendersSeen")
    finally:
        emptor.worker.evaluate("chrome.runtime.onMessage.removeListener(globalThis.emptorRecordSender)")
    loaded_from = emptor.in_content_script(page, "chrome.runtime.getURL('view/frame.html')")
    assert loaded_from.startswith("chrome-extension://") and loaded_from.endswith(FRAME_PAGE)
    assert emptor.extension_id not in loaded_from  # the per-session dynamic id
    page.bring_to_front()
    tab_id = emptor.worker.evaluate("async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0].id")
    assert len(senders) == 1
    sender = senders[0]
    assert sender["id"] == emptor.extension_id
    assert sender["url"] == f"{emptor.origin}{FRAME_PAGE}"
    assert sender["origin"] == emptor.origin
    assert sender["tab"]["id"] == tab_id and sender["frameId"] > 0
    assert emptor_frame(page).url == sender["url"]  # where the document is, whatever address loaded it
