"""Debian's Chromium with the unpacked extension, driven by Playwright (docs/sources.md, "Browser tests").

No browser is downloaded: ``playwright install`` cannot run on these machines, so the harness
drives the system Chromium. Every AliExpress host, and AliExpress's CDN (*.alicdn.com), resolves
to 127.0.0.1 (where the fixture site serves the real saved pages; the CDN's real addresses, on
ports 80 and 443, find nothing there) and every other host fails at once, so the saved pages'
requests for outside assets never leave the machine.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from .tracker_page import MAPPED_HOSTS

ROOT = Path(__file__).resolve().parents[2]
EXTENSION_DIR = ROOT / "extension"

CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")

HOST_RULES = ", ".join([
    "MAP *.aliexpress.com 127.0.0.1", "MAP *.aliexpress.us 127.0.0.1", "MAP *.aliexpress.ru 127.0.0.1",
    # AliExpress's CDN, where the saved page's stylesheets and images are fetched from
    # (tests/browser/test_evidence_look.py, bench/evidence_browser.py).
    "MAP *.alicdn.com 127.0.0.1", "MAP *.aliexpress-media.com 127.0.0.1",
    # Tracker, payment and 3-D Secure hosts of the tracker-blocking page (tests/support/tracker_page.py).
    *(f"MAP {host} 127.0.0.1" for host in MAPPED_HOSTS),
    # Lookalike shops and an unrelated shop (tests/browser/test_lookalike_warning.py): aliexpress-sale.shop
    # and its subdomains (as a wildcard DNS would answer), xn--liexpress-zyh.com (a Cyrillic а),
    # aliexpres.com (a letter left out), unrelated-shop.test.
    "MAP aliexpress-sale.shop 127.0.0.1", "MAP *.aliexpress-sale.shop 127.0.0.1", "MAP xn--liexpress-zyh.com 127.0.0.1",
    "MAP aliexpres.com 127.0.0.1",
    "MAP *.test 127.0.0.1",
    "EXCLUDE 127.0.0.1", "MAP * ~NOTFOUND",
])


BROWSER_REQUIRED = os.environ.get("EMPTOR_REQUIRE_BROWSER") == "1"
BROWSER_SKIP_REASON = (
    "browser tests SKIPPED: Chromium not found (install Debian's `chromium`, or set EMPTOR_CHROMIUM); "
    "CI installs it and always runs them"
)


def find_chromium() -> str | None:
    """``EMPTOR_CHROMIUM``, else Debian's binary (the real one, not the /usr/bin shell wrapper)."""
    configured = os.environ.get("EMPTOR_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


# The tail of the worker's deadline queue, awaited until no more work joins it; bounded, so that
# work that never ends fails with a sentence instead of hanging the test run. Each piece of work
# is bounded itself (the service client's timeouts: a few seconds).
SETTLE_DEADLINE_WORK = """async () => {
    const bound = new Promise((_, reject) => setTimeout(
        () => reject(new Error("the worker's deadline work had not finished after 60 s")), 60000));
    let tail;
    do {
        tail = globalThis.emptorDeadlineWork();
        await Promise.race([tail, bound]);
    } while (tail !== globalThis.emptorDeadlineWork());
}"""


class ExtensionBrowser:
    """A browser context with emptor loaded; pages opened through it collect extension errors."""

    def __init__(self, context, worker):
        self.context = context
        self.worker = worker
        self.extension_id = worker.url.split("/")[2]
        self.extension_errors: list[str] = []
        self.pages = []
        self._helper = None
        context.on("weberror", self._on_web_error)
        # One listener for every console: the pages' (content scripts log there) and the service
        # worker's (Playwright reports a service worker's console on its context).
        context.on("console", self._on_console)

    @property
    def origin(self) -> str:
        return f"chrome-extension://{self.extension_id}"

    def _on_web_error(self, web_error):
        stack = getattr(web_error.error, "stack", "") or ""
        if self.origin in stack:
            self.extension_errors.append(str(web_error.error))

    def _on_console(self, message):
        if message.type != "error":
            return
        worker = message.worker
        location = str((message.location or {}).get("url", ""))
        if (worker is not None and worker.url.startswith(self.origin)) or location.startswith(self.origin):
            self.extension_errors.append(f"{location or (worker.url if worker else '')}: {message.text}")

    def configure(self, service_url: str, token: str, *, debug_timings: bool = False) -> None:
        """Point the extension at a service and pair it with ``token`` (the service's secret, as a
        shopper pastes it into the options page; "" leaves it unpaired). Clearing first
        guarantees a settings change, which makes the service worker forget its cached answers
        and its confirmed service (each test starts fresh). ``debug_timings`` has the content
        script time its work (`make bench` only).

        Returns once the worker has done what the change starts: each settings change queues a
        refresh of the orders copy (background/service-worker.js), which removes the copy and the
        saved checkouts and writes the copy again. A test that went on at once could see its own
        writes undone by it. The test's listener is added after the worker's, so when it hears
        the change the worker's own listener has queued its work."""
        self.worker.evaluate(
            """async ([url, token, timings]) => {
                const heard = new Promise((resolve) => {
                    const listener = (changes, area) => {
                        if (area !== "local" || !changes.serviceUrl || changes.serviceUrl.newValue !== url) return;
                        chrome.storage.onChanged.removeListener(listener);
                        resolve();
                    };
                    chrome.storage.onChanged.addListener(listener);
                });
                await chrome.storage.local.clear();
                await chrome.storage.local.set({ serviceUrl: url, token, [globalThis.EMPTOR.DEBUG_TIMINGS_KEY]: timings });
                await heard;
            }""",
            [service_url, token, debug_timings],
        )
        self.settle_deadline_work()

    def settle_deadline_work(self) -> None:
        """Wait until the worker's deadline work (order refreshes and deadline checks, one at a
        time: ``serially`` in background/service-worker.js) has nothing running or queued."""
        self.worker.evaluate(SETTLE_DEADLINE_WORK)

    def extension_tab(self, path: str):
        """One of the extension's pages opened in a background tab, as a shopper's click would
        open it beside the listing: the listing's tab stays the active one, which is the tab the
        popup (and this harness) asks about."""
        with self.context.expect_page() as opened:
            self.worker.evaluate("(url) => chrome.tabs.create({ url, active: false })", f"{self.origin}/{path}")
        page = opened.value
        page.wait_for_load_state()
        self.pages.append(page)
        return page

    def ask_worker(self, message: dict, about=None):
        """Send the service worker a message as the extension's own pages do; ``about`` (a
        Playwright page) adds the ``tabId`` of that page's tab."""
        if self._helper is None or self._helper.is_closed():
            self._helper = self.extension_tab("options/options.html")
        if about is not None:
            about.bring_to_front()
        return self._helper.evaluate(
            """async ([message, needsTab]) => {
                if (needsTab) {
                    const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
                    message = { ...message, tabId: tab.id };
                }
                return chrome.runtime.sendMessage(message);
            }""",
            [message, about is not None],
        )

    def in_content_script(self, page, expression: str):
        """Evaluate ``expression`` (awaited) in the extension's content-script world of ``page``,
        through the DevTools protocol (Playwright reaches only the page's own world)."""
        session = self.context.new_cdp_session(page)
        try:
            contexts = []
            session.on("Runtime.executionContextCreated", lambda event: contexts.append(event["context"]))
            session.send("Runtime.enable")  # reports the contexts that exist already
            ours = [c for c in contexts if c["origin"] == self.origin and c["auxData"]["type"] == "isolated"]
            assert ours, f"no content-script world of emptor in {page.url}"
            answer = session.send("Runtime.evaluate", {"expression": expression, "contextId": ours[0]["id"],
                                                       "awaitPromise": True, "returnByValue": True})
            if "exceptionDetails" in answer:
                raise AssertionError(answer["exceptionDetails"])
            return answer["result"].get("value")
        finally:
            session.detach()

    def close_pages(self) -> None:
        for page in self.pages:
            if not page.is_closed():
                page.close()
        self.pages.clear()

    def new_page(self, color_scheme: str | None = None):
        page = self.context.new_page()
        self.pages.append(page)
        if color_scheme:
            page.emulate_media(color_scheme=color_scheme)

        page.on("pageerror", lambda error: self.origin in (error.stack or "") and self.extension_errors.append(str(error)))
        return page


def _grant_in_profile(profile: str, extension_id: str, origins) -> None:
    """Record ``origins`` as granted to the extension in the (closed) profile, where the browser
    records a shopper's "Allow" to chrome.permissions.request: the extension's granted and active
    permissions in Default/Preferences (Chromium on Linux does not sign these). No test can click
    that prompt (the browser draws it, outside any page), so this is how a test grants an optional
    permission up front."""
    path = Path(profile) / "Default" / "Preferences"
    preferences = json.loads(path.read_text(encoding="utf-8"))
    settings = preferences["extensions"]["settings"][extension_id]
    for key in ("granted_permissions", "active_permissions"):
        kept = settings.setdefault(key, {})
        kept["explicit_host"] = sorted(set(kept.get("explicit_host", [])) | set(origins))
    path.write_text(json.dumps(preferences), encoding="utf-8")


# The browser :func:`extension_browser` has running, if any (one at a time).
_RUNNING: list[str] = []


@contextmanager
def extension_browser(chromium: str, *, headless: bool = True, viewport=(1280, 900), extra_args=(), granted_origins=(),
                      extension_dir: Path = EXTENSION_DIR, profile: str | None = None):
    """``extra_args``: more Chromium switches, such as ``--enable-unsafe-extension-debugging``,
    which lets a test press the extension's toolbar button (:func:`trigger_action`).
    ``granted_origins``: optional host permissions (manifest.json) the shopper has granted, such
    as ``["<all_urls>"]``: the browser is started once to install the extension, the grant is
    written into its profile, and it is started again. ``extension_dir`` and ``profile``: another
    copy of the extension, and a profile the caller keeps (for a browser started again on it)."""
    from playwright.sync_api import sync_playwright

    if _RUNNING:
        # Playwright's sync API runs one browser at a time; a second one fails deep inside it
        # ("Sync API inside the asyncio loop"). Say what to do instead.
        raise RuntimeError(f"a browser is already running ({_RUNNING[0]}); a test module that starts its own "
                           "must sort before the modules that use the session's (tests/browser/conftest.py)")
    own_profile = profile is None
    profile = profile or tempfile.mkdtemp(prefix="emptor-chromium-")
    extension = str(extension_dir)
    with sync_playwright() as playwright:

        def launch():
            context = playwright.chromium.launch_persistent_context(
                profile,
                executable_path=chromium,
                headless=headless,
                viewport={"width": viewport[0], "height": viewport[1]},
                args=[
                    f"--disable-extensions-except={extension}",
                    f"--load-extension={extension}",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-sync",
                    "--disable-background-networking",
                    "--disable-component-update",
                    f"--host-resolver-rules={HOST_RULES}",
                    *extra_args,
                ],
            )
            worker = (
                context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker", timeout=15000)
            )
            return context, worker

        context, worker = launch()
        _RUNNING.append(str(extension_dir))
        try:
            if granted_origins:
                extension_id = worker.url.split("/")[2]
                context.close()
                _grant_in_profile(profile, extension_id, granted_origins)
                context, worker = launch()
            yield ExtensionBrowser(context, worker)
        finally:
            _RUNNING.clear()
            context.close()
            if own_profile:
                shutil.rmtree(profile, ignore_errors=True)


def module_browser(**options):
    """A test module's own browser (``yield from module_browser()`` in a module-scoped ``browser``
    fixture), closed when the module ends: Playwright's sync API runs one browser at a time, so a
    module that needs its own switches or grants (``options``, as :func:`extension_browser`
    takes them) or its own service cannot share the session's. Skipped without Chromium (under CI
    the browser tests' conftest fails instead)."""
    import pytest

    chromium = find_chromium()
    if not chromium:
        pytest.skip(BROWSER_SKIP_REASON)
    with extension_browser(chromium, **options) as extension:
        yield extension


def shield_call(emptor: ExtensionBrowser, call: str, *args):
    """Run ``emptorShield.<call>(...args)`` (extension/lib/shield.js) in emptor's options page, as
    its controls and the popup's do."""
    options = emptor.extension_tab("options/options.html")
    try:
        return options.evaluate(f"(args) => globalThis.emptorShield.{call}(...args)", list(args))
    finally:
        options.close()


def save_from_popup(emptor: ExtensionBrowser, timeout_ms: float = 30000):
    """Open emptor's popup (in a tab; with a screenshot only when :func:`trigger_action` pressed the
    toolbar button just before, as the shopper's click grants activeTab) and press its Save
    evidence: the popup's page, what it says, and the record's id, once it says it saved."""
    popup = emptor.extension_tab("popup/popup.html")
    popup.click("#save-evidence")
    try:
        popup.wait_for_selector("body[data-evidence=saved]", state="attached", timeout=timeout_ms)
    except Exception:
        raise AssertionError(f"the popup says: {popup.text_content('#evidence-status')}") from None
    return popup, popup.text_content("#evidence-status"), popup.get_attribute("#evidence-status", "data-record")


def save_from_panel(listing) -> tuple[str, str | None]:
    """Open emptor's panel on ``listing`` and press its Save evidence: what the panel says, and the
    record's id, once it says it saved (or what it said instead)."""
    frame = emptor_frame(listing)
    frame.click(".badge")
    frame.click("button.save-evidence")
    try:
        frame.wait_for_selector("html[data-evidence=saved]", state="attached", timeout=30000)
    except Exception:
        raise AssertionError(f"the panel says: {frame.text_content('.evidence-status')}") from None
    return frame.text_content(".evidence-status"), frame.get_attribute(".evidence-status", "data-record")


# Lets the DevTools protocol press an extension's toolbar button (Extensions.triggerAction).
UNSAFE_EXTENSION_DEBUGGING = "--enable-unsafe-extension-debugging"


def trigger_action(emptor: ExtensionBrowser, page) -> None:
    """Press emptor's toolbar button on ``page``'s tab, as the shopper clicks it: the browser grants
    activeTab for the tab and opens the popup (which Playwright does not list among the pages). Needs a browser
    launched with ``extra_args=[UNSAFE_EXTENSION_DEBUGGING]``."""
    page.bring_to_front()
    session = emptor.context.browser.new_browser_cdp_session()
    try:
        tabs = session.send("Target.getTargets", {"filter": [{"type": "tab"}]})["targetInfos"]
        ours = [tab for tab in tabs if tab["url"] == page.url]
        assert len(ours) == 1, f"no single tab at {page.url}: {tabs}"
        session.send("Extensions.triggerAction", {"id": emptor.extension_id, "targetId": ours[0]["targetId"]})
    finally:
        session.detach()


# The element emptor adds to a listing: the host of a closed shadow root holding emptor's frame.
# It carries nothing about the verdict; the frame does (``emptor_frame``).
ROOT_SELECTOR = "#emptor-root"
# emptor's frame page, which renders the badge and the panel. Its document's root element says
# what it shows: data-state, data-level and data-score.
FRAME_PAGE = "/view/frame.html"
FRAME_ROOT = "html"


def emptor_frame(page, timeout: float = 15.0):
    """The Playwright Frame of emptor's badge and panel in ``page``, once it is there. Found by its
    page's path: the content script loads it from this session's dynamic address (use_dynamic_url),
    whose id is not the extension's."""
    deadline = time.monotonic() + timeout
    while True:
        for frame in page.frames:
            address = urlsplit(frame.url)
            if address.scheme == "chrome-extension" and address.path == FRAME_PAGE:
                return frame
        if time.monotonic() > deadline:
            raise AssertionError(f"no emptor frame in {page.url}: frames {[frame.url for frame in page.frames]}")
        page.wait_for_timeout(50)


def wait_until(condition, what: str, timeout: float = 15.0):
    """``condition()``'s first truthy value, asked again until it comes (something the browser or
    the service does in its own time: a row stored, a copy refreshed); fails naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}; it did not happen")
        time.sleep(0.05)


def wait_for_replaced_url(page, url, timeout: float = 15.0) -> None:
    """Wait until ``page`` commits ``url`` (a string, glob or pattern) after the extension replaced
    its navigation (the lookalike warning): Playwright may report the replaced navigation's abort
    here rather than in ``goto``, which is not a failure."""
    from playwright.sync_api import Error as PlaywrightError

    for _ in range(3):
        try:
            page.wait_for_url(url, wait_until="commit", timeout=timeout * 1000)
            return
        except PlaywrightError as error:
            if "ERR_ABORTED" not in str(error):
                raise
    raise AssertionError(f"{page.url} never became {url}")


def wait_for_state(page, state=None, timeout: float = 15.0):
    """emptor's frame in ``page``, once it shows ``state`` (any state but loading when None)."""
    frame = emptor_frame(page, timeout)
    selector = f'{FRAME_ROOT}[data-state="{state}"]' if state else f"{FRAME_ROOT}:not([data-state=loading])"
    try:
        frame.wait_for_selector(selector, state="attached", timeout=timeout * 1000)
    except Exception:
        shown = frame.evaluate("() => [document.documentElement.dataset.state, document.querySelector('.badge').textContent]")
        raise AssertionError(f"{page.url}: waited for state {state or 'not loading'}, the badge shows {shown}") from None
    return frame


def wait_for_reviews(page, outcome=None, timeout: float = 15.0):
    """emptor's frame in ``page``, once it says what came of the listing's reviews: ``outcome``
    (``analysed``, ``none`` or ``failed``; any of them when None) on its root's data-reviews,
    which says ``waiting`` while the service worker reads the review feed. Tests that watch the
    frame stay still wait for it first: the review outcome redraws the badge and the panel."""
    frame = emptor_frame(page, timeout)
    selector = f'{FRAME_ROOT}[data-reviews="{outcome}"]' if outcome else f"{FRAME_ROOT}[data-reviews]:not([data-reviews=waiting])"
    try:
        frame.wait_for_selector(selector, state="attached", timeout=timeout * 1000)
    except Exception:
        said = frame.evaluate("() => [document.documentElement.dataset.reviews, document.documentElement.dataset.state]")
        raise AssertionError(f"{page.url}: waited for reviews {outcome or 'settled'}, the frame says {said}") from None
    return frame


def shown(page, attribute: str):
    """What emptor's frame in ``page`` says in ``attribute`` (data-level, data-state, data-score)."""
    return emptor_frame(page).locator(FRAME_ROOT).get_attribute(attribute)


def open_listing(emptor, site, host, path, state=None, color_scheme=None):
    """Open a saved page at its real-looking address and wait for emptor's verdict in its frame."""
    page = emptor.new_page(color_scheme=color_scheme)
    page.goto(site.url(host, path), wait_until="load")
    wait_for_state(page, state)
    return page
