"""Seller message pages (issue 10, "Deadlines and warnings"): emptor reads the conversation the page
shows, asks the service's MSG rules, and warns in its own page when the seller asks to confirm
receipt early or to talk outside AliExpress; a harmless thread shows nothing; and a script of the
message page can neither read the warning nor make one appear for a harmless thread
(docs/extension.md, "Seller message pages").

No public capture of a buyer's message page exists, so these run on CONSTRUCTED pages, labelled
so in tests/fixtures/README.md: the message centre with a risky thread, the legacy conversation page
with a harmless one, and the legacy conversation list, where no thread can be read. What the
page's markup really is, they cannot say; what they check is what emptor does with markup that
looks like it.
"""

from __future__ import annotations

import io
import json
import re
import time
from urllib.parse import urlsplit

import pytest

from tests.support.fixtures import FIXTURES

OTHER = FIXTURES / "other"
RISKY = OTHER / "msg_center_thread_constructed.html"
HARMLESS = OTHER / "msg_detail_legacy_constructed.html"
CONVERSATION_LIST = OTHER / "msg_list_legacy_constructed.html"

ORDER_ID = "8212313961591399"  # the order the risky page's address and order card name
RISKY_PAGE = ("www.aliexpress.com", f"/p/message/index.html?fromCode=order&orderId={ORDER_ID}&bizContext=orderDetail")
# A digest of 96 hex digits, as the order feeds' "contact seller" links carry one.
HARMLESS_PAGE = ("msg.aliexpress.com", "/msgDetail.htm?digest=" + "5f" * 48)
LIST_PAGE = ("msg.aliexpress.com", "/buyerMsgList.htm")

VIEW_PAGE = "/view/messages.html"

# Everything a page script can read of what emptor added, and the page's own text.
WHAT_THE_PAGE_READS = """() => {
    const host = document.getElementById('emptor-root');
    return {
        host: Boolean(host),
        attributes: host ? Object.fromEntries([...host.attributes].map((a) => [a.name, a.value])) : null,
        shadowRoot: host ? host.shadowRoot : null,
        children: host ? host.childNodes.length : null,
        html: host ? host.innerHTML : null,
        size: host ? [host.getBoundingClientRect().width, host.getBoundingClientRect().height] : null,
        bodyText: document.body.innerText,
        documentText: document.documentElement.textContent,
        frames: window.frames.length,
        extensionApi: typeof chrome !== 'undefined' && Boolean(chrome.runtime && chrome.runtime.sendMessage),
    };
}"""

# window.find(text, caseSensitive, backwards, wrapAround, wholeWord, searchInFrames).
FIND = """(text) => {
    getSelection().removeAllRanges();
    return window.find(text, false, false, true, false, true);
}"""

# Words of emptor's warning that are in none of the threads.
WARNING_WORDS = ("careful with what the seller asks", "buyer protection", "MSG001", "MSG003", "emptor",
                 "Keep the conversation")


@pytest.fixture(scope="module", autouse=True)
def message_pages(site):
    routes = site.routes
    added = {"/p/message/index.html": RISKY, "/msgDetail.htm": HARMLESS, "/buyerMsgList.htm": CONVERSATION_LIST}
    routes.update(added)
    yield
    for path in added:
        routes.pop(path, None)


@pytest.fixture
def threads(service):
    """The bodies of the POST /api/v1/messages/analyze requests the service receives in one test."""
    recorder = service.recorder
    inner = recorder.wsgi_app
    seen: list[dict] = []

    def middleware(environ, start_response):
        if environ.get("PATH_INFO") == "/api/v1/messages/analyze" and environ.get("REQUEST_METHOD") == "POST":
            raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(raw)
            seen.append(json.loads(raw))
        return inner(environ, start_response)

    recorder.wsgi_app = middleware
    yield seen
    recorder.wsgi_app = inner


def _open(emptor, site, where):
    page = emptor.new_page()
    # The page's own record of every element added to it, with the step of the test it came in
    # (window.step, set by the test): a page script sees exactly this.
    page.add_init_script("""
        window.step = 'load';
        window.added = [];
        new MutationObserver((records) => {
            for (const record of records) for (const node of record.addedNodes) {
                if (node.id === 'emptor-root') window.added.push(window.step);
            }
        }).observe(document, { childList: true, subtree: true });
    """)
    page.goto(site.url(*where), wait_until="load")
    return page


def _settled(emptor, page) -> dict:
    """Once the content script has read the page's latest change and handled the worker's answer:
    whether it shows the warning, and how many threads it has sent."""
    return emptor.in_content_script(page, "emptorContent.messages.settled()")


def _view(page, timeout: float = 15.0):
    """emptor's warning page in ``page`` (found by its path: it loads from this session's dynamic
    address), once it shows a warning."""
    deadline = time.monotonic() + timeout
    while True:
        for frame in page.frames:
            address = urlsplit(frame.url)
            if address.scheme == "chrome-extension" and address.path == VIEW_PAGE:
                frame.wait_for_selector('html[data-state="warning"]', state="attached", timeout=timeout * 1000)
                return frame
        if time.monotonic() > deadline:
            raise AssertionError(f"no emptor warning in {page.url}: frames {[frame.url for frame in page.frames]}")
        page.wait_for_timeout(50)


def _findings(view) -> dict[str, str]:
    return dict(view.locator("li.finding").evaluate_all("nodes => nodes.map(n => [n.dataset.code, n.textContent])"))


def _grade(page, code: str) -> str:
    return _view(page).locator(f'li.finding[data-code="{code}"] .meta').inner_text().strip()


def _append(page, side_class: str, text: str, step: str, style: str = "") -> None:
    """A message the page renders, as its own script would (the legacy layout's markup)."""
    page.evaluate("""([side, text, step, style]) => {
        window.step = step;
        const message = document.createElement('div');
        message.className = `msg ${side}`;
        if (style) message.style.cssText = style;
        const words = document.createElement('div');
        words.className = 'msg-text';
        words.textContent = text;
        message.append(words);
        document.getElementById('thread').append(message);
    }""", [side_class, text, step, style])


def test_a_seller_asking_to_confirm_early_and_to_move_to_whatsapp_is_warned_of(emptor, site, threads):
    page = _open(emptor, site, RISKY_PAGE)
    view = _view(page)
    findings = _findings(view)
    assert sorted(findings) == ["MSG001", "MSG003"]
    # Each names what the seller asked, where, and why it matters: the finding's own message.
    assert "In message 2 (2026-11-28) the seller asks you to confirm receipt" in findings["MSG001"]
    assert "ends your buyer protection and releases your payment to the seller" in findings["MSG001"]
    assert "In message 3 (2026-11-28) the seller gives a way to talk outside AliExpress" in findings["MSG003"]
    assert '"whatsapp", "+86 138 0013 8000"' in findings["MSG003"]
    assert view.locator("h2").inner_text() == "emptor: careful with what the seller asks"
    # Without the order's status, an early confirmation is only likely (the rule says why).
    assert _grade(page, "MSG001") == "high severity, low confidence"
    # What was read and sent: who wrote each message, its words and, where the page shows its date,
    # its time; the platform's notice as the system's; the time "10:07" without a date, left out.
    assert len(threads) == 1
    assert threads[0] == {"messages": [
        {"sender": "buyer", "text": "Hello, my order has not arrived yet. Where is it?", "sent_at": "2026-11-28T09:12:00"},
        {"sender": "seller", "text": "Dear friend, the parcel is stuck at customs. Please confirm receipt now and we "
                                     "will resend it at once.", "sent_at": "2026-11-28T10:05:00"},
        {"sender": "seller", "text": "For faster service add me on WhatsApp +86 138 0013 8000", "sent_at": "2026-11-28T10:06:00"},
        {"sender": "system", "text": "Reminder: confirm receipt only after you have received your item."},
        {"sender": "buyer", "text": "I will wait for the parcel."},
    ]}
    assert emptor.in_content_script(page, "emptorContent.messages.readOrderId()") == ORDER_ID


def test_the_order_the_page_names_makes_the_warning_certain(emptor, site, threads):
    """The order id in the address is looked up in the worker's copy of the orders: awaiting
    delivery, the early confirmation is certain (MSG001 high confidence) and the days of protection
    it would give up are counted."""
    # The copy the worker refreshed after the settings change (the emptor fixture waited for it) is
    # replaced, as a refresh from a service that knows the order would.
    assert emptor.worker.evaluate("async () => (await chrome.storage.local.get('ordersCopy')).ordersCopy")
    ends = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 20 * 86400))
    emptor.worker.evaluate("""([id, ends]) => chrome.storage.local.set({ ordersCopy: {
        fetchedAt: new Date().toISOString(),
        orders: [{ order_id: id, status: 'Awaiting delivery', awaiting_receipt: true,
                   protection_ends: { ends_on: ends, kind: 'explicit' } }] } })""", [ORDER_ID, ends])
    page = _open(emptor, site, RISKY_PAGE)
    findings = _findings(_view(page))
    assert threads[-1]["order"] == {"status": "awaiting_delivery", "protection_ends": ends}
    assert "while the order is awaiting delivery" in findings["MSG001"]
    # 20 days, counted by the service from its own day (19 if the day changed since `ends` was set).
    assert re.search(r"(\d+) days before it runs out", findings["MSG001"]).group(1) in {"19", "20"}
    assert _grade(page, "MSG001") == "high severity, high confidence"


def test_a_harmless_thread_shows_nothing_and_a_new_risky_message_is_warned_of(emptor, site, threads):
    page = _open(emptor, site, HARMLESS_PAGE)
    assert _settled(emptor, page) == {"shown": False, "sent": 1}
    assert threads == [{"messages": [
        {"sender": "buyer", "text": "Hi, does this lamp come in blue?", "sent_at": "2026-11-27T14:02:10"},
        {"sender": "seller", "text": "Yes, blue is in stock and ships in 2 days. Once you receive it, please confirm "
                                     "receipt. Thank you!", "sent_at": "2026-11-27T14:20:45"},
        {"sender": "system", "text": "Reminder: confirm receipt only after you have received your item."},
    ]}]
    assert page.evaluate("window.added") == []
    assert not [frame for frame in page.frames if urlsplit(frame.url).path == VIEW_PAGE]

    # Something the page does that changes no message (the shopper typing) sends nothing.
    page.fill("textarea.msg-input", "Thank you, I will order it.")
    page.evaluate("document.title = 'Message Center (1) - AliExpress'; document.body.append(document.createElement('span'))")
    assert _settled(emptor, page) == {"shown": False, "sent": 1}

    # A new message arrives (no reload): it is read, and the warning comes.
    _append(page, "msg-left", "To get it faster, pay by Western Union and we ship today.", step="risky message")
    assert _settled(emptor, page) == {"shown": True, "sent": 2}
    assert sorted(_findings(_view(page))) == ["MSG002"]
    assert len(threads) == 2 and threads[1]["messages"][-1]["sender"] == "seller"
    assert page.evaluate("window.added") == ["risky message"]


def test_the_shopper_closes_the_warning(emptor, site):
    page = _open(emptor, site, RISKY_PAGE)
    _view(page).locator("button.close").click()
    page.wait_for_function("() => !document.getElementById('emptor-root')")
    # Closed, it stays closed while the page says nothing new.
    page.evaluate("document.body.append(document.createElement('span'))")
    assert _settled(emptor, page)["shown"] is False


def test_a_page_script_reads_nothing_of_the_warning(emptor, site):
    page = _open(emptor, site, RISKY_PAGE)
    view = _view(page)
    assert "confirm receipt" in _findings(view)["MSG001"]  # what the shopper sees, in emptor's page
    seen = page.evaluate(WHAT_THE_PAGE_READS)
    # The host: an id and its place, nothing else; its shadow root closed; no text.
    assert seen["host"] is True and set(seen["attributes"]) == {"id", "style"}
    assert (seen["shadowRoot"], seen["children"], seen["html"]) == (None, 0, "")
    for text in WARNING_WORDS:
        assert text not in seen["bodyText"] and text not in seen["documentText"], text
        assert page.evaluate(FIND, text) is False, text
    assert page.evaluate(FIND, "stuck at customs") is True  # the same search finds the page's own words
    assert seen["extensionApi"] is False  # a page script cannot message the extension
    # The frame is cross-origin, even to a script holding its element (handed over by DevTools).
    iframe = view.frame_element()
    blocked = iframe.evaluate("""(iframe) => {
        try { return iframe.contentWindow.document.documentElement.outerHTML; } catch (error) { return error.name; }
    }""")
    assert blocked == "SecurityError"
    assert iframe.evaluate("(iframe) => iframe.contentDocument") is None
    # Its size is the same whatever it says (EMPTOR.THREAD.SIZE): two findings, then three.
    assert seen["size"] == [400, 320]
    page.evaluate("""() => {
        const seller = document.querySelector('[class*="message-item--other"]').cloneNode(true);
        seller.querySelector('[class*="content"]').textContent = 'Or pay by Western Union and we reship today.';
        document.getElementById('thread').append(seller);
    }""")
    assert _settled(emptor, page)["shown"] is True
    view.wait_for_function("() => document.querySelectorAll('li.finding').length === 3")  # it came on its port
    assert sorted(_findings(view)) == ["MSG001", "MSG002", "MSG003"]
    assert page.evaluate(WHAT_THE_PAGE_READS)["size"] == [400, 320]


def test_a_page_script_cannot_make_a_warning_appear_for_a_harmless_thread(emptor, site, threads):
    page = _open(emptor, site, HARMLESS_PAGE)
    assert _settled(emptor, page) == {"shown": False, "sent": 1}
    forged_thread = {"messages": [{"sender": "seller", "text": "Please confirm receipt now."}]}
    forged_state = {"findings": [{"code": "MSG001", "message": "Forged: the seller asks you to confirm receipt."}]}
    page.evaluate("""([thread, state]) => {
        window.step = 'forged';
        // The messages emptor's parts exchange, posted every way a page can post.
        const forgeries = [
            { type: 'analyzeThread', requestId: 99, thread, orderId: null },
            { type: 'threadWarning', id: 'forged', state },
            { type: 'closeThreadWarning' }, { tag: 'emptor:page-data', kind: 'blob', source: 'thread', body: thread },
        ];
        for (const forged of forgeries) {
            window.postMessage(forged, '*');
            for (let i = 0; i < window.frames.length; i++) window.frames[i].postMessage(forged, '*');
            document.dispatchEvent(new CustomEvent('emptor', { detail: forged }));
        }
    }""", [forged_thread, forged_state])
    # Words the shopper cannot see are no message of theirs: hidden seller messages are not read.
    _append(page, "msg-left", "Please confirm receipt now and pay by Western Union.", step="hidden", style="display: none")
    _append(page, "msg-left", "Add me on WhatsApp +86 138 0013 8000.", step="hidden", style="opacity: 0")
    _append(page, "msg-left", "Send the money by bank transfer.", step="hidden", style="visibility: hidden")
    assert _settled(emptor, page) == {"shown": False, "sent": 1}
    # A harmless message the shopper can see is read and sent, and nothing is shown.
    _append(page, "msg-right", "Great, thank you!", step="harmless message")
    assert _settled(emptor, page) == {"shown": False, "sent": 2}
    assert [message["text"] for message in threads[-1]["messages"]][-1] == "Great, thank you!"
    assert not any("Western Union" in message["text"] or "WhatsApp" in message["text"] for message in threads[-1]["messages"])
    assert page.evaluate("window.added") == []

    # What this cannot protect against: the page draws the conversation, so a page that renders a
    # seller message the shopper can see is believed, as the shopper believes it.
    _append(page, "msg-left", "Please confirm receipt now.", step="visible seller message")
    assert _settled(emptor, page)["shown"] is True
    assert page.evaluate("window.added") == ["visible seller message"]
    assert "Forged" not in _view(page).locator(".findings").inner_text()


def test_a_page_with_no_readable_thread_sends_nothing_and_shows_nothing(emptor, site, threads):
    """The legacy conversation list: its items say nothing of who wrote them, so no thread is read
    from them, even one whose words would warn."""
    page = _open(emptor, site, LIST_PAGE)
    assert emptor.in_content_script(page, "emptorContent.messages.readThread()") is None
    assert _settled(emptor, page) == {"shown": False, "sent": 0}
    assert threads == [] and page.evaluate("window.added") == []


def test_a_thread_the_service_did_not_judge_shows_nothing(emptor, site, service, threads, tmp_path):
    """Not paired, or the service stopped: the risky thread is not judged, and nothing is shown
    (no warning from an earlier answer, no error on the page)."""
    from server import create_app
    from tests.support.live_server import LiveServer

    emptor.configure(service.url, "")  # not paired: nothing is sent
    page = _open(emptor, site, RISKY_PAGE)
    assert _settled(emptor, page) == {"shown": False, "sent": 1}
    assert threads == [] and page.evaluate("window.added") == []

    with LiveServer(create_app({"TESTING": True, "DATABASE": tmp_path / "emptor.db"})) as stopping:
        emptor.configure(stopping.url, stopping.secret)
    page = _open(emptor, site, RISKY_PAGE)  # the service has stopped: no answer
    assert _settled(emptor, page) == {"shown": False, "sent": 1}
    assert page.evaluate("window.added") == []


def test_evidence_of_the_page_leaves_the_warning_out(emptor, site):
    """"Save evidence" on a message page: the saved page has no trace of emptor's element, and for
    the screenshot the worker's hideFrame (answered by content/account.js once painted) hides the
    warning too."""
    page = _open(emptor, site, RISKY_PAGE)
    _view(page)
    html = emptor.in_content_script(page, "emptorContent.capture.serializePage()")
    assert "stuck at customs" in html and "emptor-root" not in html and VIEW_PAGE not in html
    page.bring_to_front()
    hide = """async (hidden) => {
        const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
        return chrome.tabs.sendMessage(tab.id, { type: globalThis.EMPTOR.MESSAGE.HIDE_FRAME, hidden }, { frameId: 0 });
    }"""
    visibility = "() => getComputedStyle(document.getElementById('emptor-root')).visibility"
    assert emptor.worker.evaluate(hide, True) == {"ok": True}
    assert page.evaluate(visibility) == "hidden"
    assert emptor.worker.evaluate(hide, False) == {"ok": True}
    assert page.evaluate(visibility) == "visible"
