"""Buyer-protection warnings and the popup's deadlines and evidence (issue 10) in Chromium, against
the real service's orders and evidence API.

Each test runs its own service with its own data directory (the export writes into it, and the
warning test stops the service). The orders are the real 2026 detail feed (Completed, its
protection long over) and two orders CONSTRUCTED from it near today, as tests/test_api_orders.py
builds them (``awaiting``): one ending in 3 days, one in 8.

The alarm is not waited for: the test creates the worker's alarm again with a tiny delay, so the
browser fires it and the worker's own listener runs, then reads ``chrome.notifications.getAll()``
in the service worker.
"""

from __future__ import annotations

import datetime as dt
import socket
import time
from pathlib import Path

import pytest

from server import create_app
from server.evidence import wacz
from tests.support.browser import module_browser
from tests.support.live_server import LiveServer
from tests.support.order_cases import DETAIL, REAL_ID, awaiting

SOON = "8000000000000003"  # CONSTRUCTED: ends in 3 days
LATER = "8000000000000008"  # CONSTRUCTED: ends in 8 days
PRODUCT = "32993251330"
PREFIX = "emptor-deadline:"


@pytest.fixture(scope="module")
def browser():
    """This module's own browser, closed when the module ends: the session's would stay open, and
    test_evidence_capture.py, which runs next, starts a browser of its own (Playwright's sync API
    allows one at a time)."""
    yield from module_browser()


def _browser_day(browser) -> dt.date:
    """Today as the extension counts days: the browser's local day (lib/deadlines.js, localDay),
    which is not the UTC day on a machine in another time zone."""
    return dt.date.fromisoformat(browser.worker.evaluate("() => globalThis.emptorLib.localDay()"))


@pytest.fixture
def own_service(tmp_path, browser):
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "DATABASE": tmp_path / "data" / "emptor.db"})
    server = LiveServer(app).__enter__()
    server.data_dir = Path(tmp_path / "data")
    server.running = True
    server.today = today = _browser_day(browser)
    for feed in (DETAIL, awaiting(SOON, today + dt.timedelta(days=3)), awaiting(LATER, today + dt.timedelta(days=8))):
        assert server.http.post("/api/v1/orders", json=feed).status_code == 200
    yield server
    if server.running:
        server.__exit__(None, None, None)


@pytest.fixture
def emptor_here(browser, own_service):
    browser.configure(own_service.url, own_service.secret)
    browser.extension_errors.clear()
    yield browser
    browser.settle_deadline_work()  # a check still running would write after the clearing
    browser.worker.evaluate("""async () => {
        for (const id of Object.keys(await chrome.notifications.getAll())) await chrome.notifications.clear(id);
        await chrome.storage.local.clear();
    }""")
    browser.close_pages()
    assert browser.extension_errors == [], "errors from the extension's own scripts"


def _copy_holds(emptor, order_ids, timeout=15.0):
    deadline = time.monotonic() + timeout
    while True:
        copy = emptor.worker.evaluate("async () => (await chrome.storage.local.get('ordersCopy')).ordersCopy || null")
        if copy and set(order_ids) <= {o["order_id"] for o in copy["orders"]}:
            return copy
        assert time.monotonic() < deadline, f"the worker's copy: {copy}"
        time.sleep(0.1)


# A warning of a deadline long past: every finished check forgets it (lib/deadlines.js,
# keptWarnings) as it writes its memory, its last step, so its absence says a check has finished.
FINISHED_MARK = "check-finished-mark:2000-01-01"


def _after_a_check(emptor, trigger: str, timeout=15.0) -> None:
    """Run ``trigger`` (JavaScript in the worker that starts a deadline check) and wait until that
    check has finished: no notification can come from it after this returns.

    The checks already queued finish first: one that read the remembered warnings before the mark
    was set would write them back without it (so the mark would say nothing about the trigger's
    check), and would write back what the test clears next (the CI run of 2026-12-02 failed so: the
    alarm's check found the 3-day order already warned)."""
    emptor.settle_deadline_work()
    emptor.worker.evaluate(f"""async () => {{
        const key = globalThis.EMPTOR.DEADLINES.WARNED_KEY;
        const warned = (await chrome.storage.local.get(key))[key] || {{}};
        await chrome.storage.local.set({{ [key]: {{ ...warned, {FINISHED_MARK!r}: new Date().toISOString() }} }});
    }}""")
    emptor.worker.evaluate(trigger)
    deadline = time.monotonic() + timeout
    while True:
        warned = _warned(emptor)
        if FINISHED_MARK not in warned:
            emptor.settle_deadline_work()
            return
        assert time.monotonic() < deadline, "no deadline check finished"
        time.sleep(0.1)


# Have the browser fire the worker's deadline alarm now (its listener makes the periodic one again).
FIRE_ALARM = "() => chrome.alarms.create(globalThis.EMPTOR.DEADLINES.ALARM, { when: Date.now() + 50 })"


def _warned(emptor) -> list[str]:
    return emptor.worker.evaluate(
        "async () => Object.keys((await chrome.storage.local.get(globalThis.EMPTOR.DEADLINES.WARNED_KEY))"
        "[globalThis.EMPTOR.DEADLINES.WARNED_KEY] || {})")


def _notifications(emptor, expected) -> list[str]:
    """The worker's notifications, which must be exactly ``expected`` (order ids): called once the
    checks that could raise them have finished (``_after_a_check``)."""
    shown = emptor.worker.evaluate("async () => Object.keys(await chrome.notifications.getAll())")
    orders = sorted(key[len(PREFIX):].split(":")[0] for key in shown if key.startswith(PREFIX))
    assert orders == sorted(expected), f"notifications: {shown}, expected orders {expected}"
    return shown


def _alarm_done(emptor, timeout=15.0):
    """Wait for the alarm to have fired and the listener to have made the periodic alarm again."""
    deadline = time.monotonic() + timeout
    while True:
        alarm = emptor.worker.evaluate("() => chrome.alarms.get(globalThis.EMPTOR.DEADLINES.ALARM)")
        if alarm and alarm.get("periodInMinutes") == 360:
            return alarm
        assert time.monotonic() < deadline, f"the alarm: {alarm}"
        time.sleep(0.1)


def test_the_alarm_warns_from_the_copy_once_per_order_even_with_the_service_stopped(emptor_here, own_service):
    emptor = emptor_here
    _after_a_check(emptor, "() => chrome.storage.local.set({ warnDays: 5 })")
    copy = _copy_holds(emptor, [SOON, LATER, REAL_ID])  # refreshed when the settings changed
    assert next(o for o in copy["orders"] if o["order_id"] == SOON)["protection_ends"]["ends_on"]

    # Clear what the settings change raised (its check has finished), then let the alarm do it.
    emptor.worker.evaluate("""async () => {
        for (const id of Object.keys(await chrome.notifications.getAll())) await chrome.notifications.clear(id);
        await chrome.storage.local.remove('deadlineWarnings');
    }""")
    _after_a_check(emptor, FIRE_ALARM)
    [key] = _notifications(emptor, [SOON])  # 3 days: warned; 8 days: not yet; the completed order: never
    _alarm_done(emptor)
    shown = emptor.worker.evaluate("async () => await chrome.notifications.getAll()")
    assert key in shown
    warned = emptor.worker.evaluate("async () => (await chrome.storage.local.get('deadlineWarnings')).deadlineWarnings")
    assert list(warned) == [key[len(PREFIX):]]
    ends_on = key.rsplit(":", 1)[1]
    assert ends_on == (own_service.today + dt.timedelta(days=3)).isoformat()

    # The service stops. The shopper dismisses the warning; the next alarm does not repeat it.
    own_service.__exit__(None, None, None)
    own_service.running = False
    emptor.worker.evaluate(f"() => chrome.notifications.clear({key!r})")
    _after_a_check(emptor, FIRE_ALARM)
    _alarm_done(emptor)
    _notifications(emptor, [])

    # Warn 10 days before: the order ending in 8 days warns, from the copy alone.
    _after_a_check(emptor, "() => chrome.storage.local.set({ warnDays: 10 })")
    _after_a_check(emptor, FIRE_ALARM)
    _alarm_done(emptor)
    [later] = _notifications(emptor, [LATER])
    assert later.startswith(f"{PREFIX}{LATER}:")
    assert _copy_holds(emptor, [SOON, LATER, REAL_ID])  # kept although the refresh failed

    # (The settings change checked the copy at once.) With what was raised forgotten, the alarm
    # alone, the service still stopped, warns of both from the copy.
    emptor.worker.evaluate("""async () => {
        for (const id of Object.keys(await chrome.notifications.getAll())) await chrome.notifications.clear(id);
        await chrome.storage.local.remove('deadlineWarnings');
    }""")
    _after_a_check(emptor, FIRE_ALARM)
    _alarm_done(emptor)
    _notifications(emptor, [SOON, LATER])


def test_the_notification_says_the_order_the_store_and_the_date(emptor_here):
    """What the notification says, read through the same code the worker uses to raise it."""
    emptor = emptor_here
    _copy_holds(emptor, [SOON])
    said = emptor.worker.evaluate("""async () => {
        const { dueWarnings, localDay, warningText } = globalThis.emptorLib;
        const { ordersCopy } = await chrome.storage.local.get('ordersCopy');
        return dueWarnings(ordersCopy.orders, { today: localDay(), warnDays: 5 }).map(warningText);
    }""")
    [text] = said
    assert text["title"] == "Buyer protection ends in 3 days"
    assert f"Order {SOON} from " in text["message"] and "buyer protection ends on " in text["message"]


def _save_evidence(service, *, product_id=None, order_id=None, url):
    page = f"<!DOCTYPE html><html><body>{product_id or order_id}</body></html>".encode()
    artifact = service.http.post("/api/v1/evidence/artifacts", content=page,
                                 headers={"Content-Type": "text/html", "X-Emptor-Artifact-Name": "page.html"})
    assert artifact.status_code == 201, artifact.text
    record = {"kind": "order" if order_id else "listing", "url": url, "product_id": product_id, "order_id": order_id,
              "artifacts": [{"name": "page.html", "sha256": artifact.json()["sha256"], "media_type": "text/html"}]}
    answer = service.http.post("/api/v1/evidence", json=record)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_the_popup_lists_orders_by_deadline_and_the_evidence_and_exports_a_pack(emptor_here, own_service):
    emptor = emptor_here
    listing = _save_evidence(own_service, product_id=PRODUCT, url=f"https://www.aliexpress.com/item/{PRODUCT}.html")
    ordered = _save_evidence(own_service, order_id=SOON, url=f"https://www.aliexpress.com/p/order/detail.html?orderId={SOON}")
    popup = emptor.extension_tab("popup/popup.html")
    popup.wait_for_selector("#deadlines li[data-order-id]", timeout=15000)
    rows = popup.eval_on_selector_all("#deadlines li[data-order-id]",
                                      "rows => rows.map(r => [r.dataset.orderId, r.dataset.state, r.textContent])")
    assert [row[:2] for row in rows] == [[SOON, "due"], [LATER, "due"], [REAL_ID, "over"]], rows
    assert "ends in 3 days" in rows[0][2] and "Vega Store" in rows[0][2]
    assert popup.eval_on_selector(f'#deadlines li[data-order-id="{REAL_ID}"]', "e => getComputedStyle(e).color") != \
        popup.eval_on_selector(f'#deadlines li[data-order-id="{SOON}"]', "e => getComputedStyle(e).color")  # greyed

    popup.wait_for_selector("#saved-evidence li.record", timeout=15000)
    subjects = popup.eval_on_selector_all("#saved-evidence li.subject", "rows => rows.map(r => r.dataset.subject)")
    assert subjects == [f"order:{SOON}", f"product:{PRODUCT}"]  # newest first
    records = popup.eval_on_selector_all("#saved-evidence li.record", "rows => rows.map(r => [r.dataset.record, r.textContent])")
    assert [r[0] for r in records] == [ordered["id"], listing["id"]]
    assert records[1][1].startswith("listing · ") and "UTC" in records[1][1]

    popup.click(f'#saved-evidence li[data-subject="product:{PRODUCT}"] button.export')
    popup.wait_for_selector("body[data-export=written]", state="attached", timeout=30000)
    path = Path(popup.text_content("#export-path"))
    assert path.parent == (own_service.data_dir / "exports").resolve() or path.parent == own_service.data_dir / "exports"
    assert path.is_file() and path.name.startswith(f"emptor-product-{PRODUCT}-") and path.suffix == ".wacz"
    assert "1 record" in popup.text_content("#export-status")
    assert popup.is_visible("#copy-path")
    verified = wacz.verify(path)  # the pack the popup had written opens and verifies
    assert verified.intact and verified.records == 1, verified.problems


def test_another_service_does_not_inherit_the_previous_ones_orders(emptor_here, own_service):
    """The shopper points emptor at another service that does not answer (yet): the previous
    service's orders are forgotten, not warned of."""
    emptor = emptor_here
    _copy_holds(emptor, [SOON, LATER, REAL_ID])
    own_service.__exit__(None, None, None)
    own_service.running = False
    with socket.socket() as probe:  # an address where nothing listens
        probe.bind(("127.0.0.1", 0))
        elsewhere = f"http://127.0.0.1:{probe.getsockname()[1]}"
    emptor.worker.evaluate("async () => { for (const id of Object.keys(await chrome.notifications.getAll())) "
                           "await chrome.notifications.clear(id); await chrome.storage.local.remove('deadlineWarnings'); }")
    emptor.worker.evaluate(f"() => chrome.storage.local.set({{ serviceUrl: {elsewhere!r} }})")
    deadline = time.monotonic() + 15
    while emptor.worker.evaluate("async () => (await chrome.storage.local.get('ordersCopy')).ordersCopy || null"):
        assert time.monotonic() < deadline, "the previous service's orders are still kept"
        time.sleep(0.1)
    emptor.settle_deadline_work()  # the change's refresh (it fails) and check, done before the alarm's
    # Without a copy a check has nothing to warn of (and returns before remembering anything).
    emptor.worker.evaluate(FIRE_ALARM)
    _alarm_done(emptor)
    _notifications(emptor, [])
