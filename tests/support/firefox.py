"""Debian's Firefox ESR with the unpacked extension, for the Firefox tests (tests/firefox/).

Playwright cannot drive a stock Firefox (it needs its own patched build, which cannot be
downloaded here), so Firefox is driven by puppeteer-core over WebDriver BiDi, from the small Node
script beside this module (``firefox_driver.mjs``), which this module starts and talks to over
its stdin and stdout. Everything else is the same Python as for Chromium: the real service
(``LiveServer``), the fixture site (``FixtureSite``) and the service's own verdict to compare
with. The extension is installed as a temporary add-on (BiDi ``webExtension.install``), as
``about:debugging`` would install it.

Firefox has no ``--host-resolver-rules``: its proxy prefs send every request to a local proxy
(``tests/support/host_proxy.py``), which sends the marketplace hosts to 127.0.0.1 on the port
their address names and refuses every other host, so ``FixtureSite.url`` gives the same
addresses as in Chromium.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from tests.support.browser import HOST_RULES, wait_until
from tests.support.host_proxy import HostProxy, loopback_patterns

ROOT = Path(__file__).resolve().parents[2]
EXTENSION_DIR = ROOT / "extension"
DRIVER = Path(__file__).with_name("firefox_driver.mjs")
PUPPETEER = ROOT / "node_modules" / "puppeteer-core"
FIREFOX_CANDIDATES = ("/usr/bin/firefox-esr", "/usr/bin/firefox")
GECKO_ID = json.loads((EXTENSION_DIR / "manifest.json").read_text(encoding="utf-8"))["browser_specific_settings"]["gecko"]["id"]

FIREFOX_SKIP_REASON = (
    "Firefox tests SKIPPED: Firefox or puppeteer-core not found (install Debian's `firefox-esr` and run "
    "`make install-js`, or set EMPTOR_FIREFOX); CI installs them and always runs them"
)

# emptor's frame page and its root element, as tests/support/browser.py names them for Chromium.
FRAME_PAGE = "/view/frame.html"
FRAME_ROOT = "html"
# How long a test waits for something the browser or the service does in its own time, as the
# Chromium tests do (tests/support/browser.py, wait_for_state).
WAIT_S = 15.0


def find_firefox() -> str | None:
    """``EMPTOR_FIREFOX``, else Debian's Firefox ESR; None when it, node or puppeteer-core is missing."""
    if not PUPPETEER.is_dir() or not shutil.which("node"):
        return None
    configured = os.environ.get("EMPTOR_FIREFOX")
    if configured:
        return configured if Path(configured).exists() else None
    for candidate in FIREFOX_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("firefox-esr") or shutil.which("firefox")


def firefox_prefs(proxy_port: int, extension_uuid: str) -> dict:
    return {
        # Every request but those to 127.0.0.1 and localhost goes through the host proxy.
        "network.proxy.type": 1,
        "network.proxy.http": "127.0.0.1",
        "network.proxy.http_port": proxy_port,
        "network.proxy.ssl": "127.0.0.1",
        "network.proxy.ssl_port": proxy_port,
        # The fixture pages are served over http; HTTPS-First would try https first.
        "dom.security.https_first": False,
        # The extension's origin (moz-extension://<uuid>) is known before it is installed, so the
        # harness can open its options page.
        "extensions.webextensions.uuids": json.dumps({GECKO_ID: extension_uuid}),
    }


class DriverError(AssertionError):
    """The Node driver answered a command with an error (a timeout, a script that threw)."""


class FirefoxPage:
    """A tab (or a frame in one) of the driven Firefox."""

    def __init__(self, firefox: "FirefoxExtension", handle: str, url: str):
        self.firefox = firefox
        self.handle = handle
        self.url = url

    def evaluate(self, function: str, *args):
        """Call the JavaScript ``function`` (its source) with ``args`` in the page's own world
        (an extension page's world for the extension's pages and frames); its value, awaited."""
        return self.firefox.call("evaluate", on=self.handle, fn=function, args=list(args))

    def wait_for_selector(self, selector: str, timeout: float = WAIT_S) -> None:
        self.firefox.call("waitFor", on=self.handle, selector=selector, timeoutMs=int(timeout * 1000), wait=timeout)

    def click(self, selector: str) -> None:
        """A click on the element (a DOM click event, as the page's own listeners receive it)."""
        self.evaluate("(selector) => document.querySelector(selector).click()", selector)

    def frame(self, path: str, timeout: float = WAIT_S) -> "FirefoxPage":
        """The frame of this page at the extension page ``path`` (emptor's frame: FRAME_PAGE),
        once it is there."""
        handle = self.firefox.call("frame", on=self.handle, path=path, timeoutMs=int(timeout * 1000), wait=timeout)
        return FirefoxPage(self.firefox, handle, path)

    def address(self) -> str:
        """The address the tab (or frame) shows now, as the browser has it."""
        return self.firefox.call("address", on=self.handle)

    def close(self) -> None:
        self.firefox.call("closePage", on=self.handle)


class FirefoxExtension:
    """Firefox with emptor installed, through the Node driver. ``origin`` is the extension's
    (``moz-extension://<uuid>``)."""

    def __init__(self, process: subprocess.Popen):
        self.process = process
        self._answers: queue.Queue = queue.Queue()
        self._next = 0
        self.pages: list[FirefoxPage] = []
        self._helper: FirefoxPage | None = None
        self.origin = ""
        self.version = ""
        self._stderr: list[str] = []
        self._readers = [threading.Thread(target=self._read, daemon=True),
                         threading.Thread(target=self._read_stderr, daemon=True)]
        for reader in self._readers:
            reader.start()

    def _read(self):
        for line in self.process.stdout:
            self._answers.put(json.loads(line))
        self._answers.put(None)  # the driver has ended

    def _read_stderr(self):
        # Read as it comes, so the driver never blocks on a full pipe; kept for error messages.
        for line in self.process.stderr:
            self._stderr.append(line)

    def call(self, op: str, wait: float = 0, **arguments):
        """Run one driver command; ``wait`` is how long the command itself may wait in the
        browser (the answer is awaited that long and 30 s more, for the browser's own work)."""
        self._next += 1
        request = {"id": self._next, "op": op, **arguments}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        while True:
            try:
                answer = self._answers.get(timeout=wait + 30)
            except queue.Empty:
                raise DriverError(f"the Firefox driver did not answer {op} within {wait + 30:.0f} s") from None
            if answer is None:
                raise DriverError(f"the Firefox driver ended during {op}: {''.join(self._stderr[-40:])}")
            if answer["id"] == request["id"]:
                break  # an earlier answer is one a call gave up waiting for
        if "error" in answer:
            raise DriverError(f"{op}: {answer['error']}")
        return answer["value"]

    def extension_page(self, path: str) -> FirefoxPage:
        page = FirefoxPage(self, self.call("extensionPage", path=path, wait=WAIT_S), f"{self.origin}/{path}")
        self.pages.append(page)
        return page

    def _extension_helper(self) -> FirefoxPage:
        if self._helper is None:
            self._helper = FirefoxPage(self, self.call("extensionPage", path="options/options.html", wait=WAIT_S),
                                       f"{self.origin}/options/options.html")
        return self._helper

    def configure(self, service_url: str, token: str) -> None:
        """Point the extension at a service and pair it with ``token``, as
        tests/support/browser.py's ``configure`` does in Chromium: clearing first guarantees a
        settings change, which makes the background forget its cached answers. Written from an
        extension page (the options page), where ``browser.storage`` is available: Firefox's
        background page is not a target the driver can evaluate in. Unlike Chromium's, it does
        not wait for the orders refresh the change starts (the background's queue is out of
        reach here); no Firefox test reads the orders copy."""
        self._extension_helper().evaluate(
            """async (url, token) => {
                await browser.storage.local.clear();
                await browser.storage.local.set({ serviceUrl: url, token });
            }""",
            service_url, token,
        )

    def ask_worker(self, message: dict):
        """Send the extension's background a message as its own pages do."""
        return self._extension_helper().evaluate("(message) => browser.runtime.sendMessage(message)", message)

    def open(self, url: str, timeout: float = WAIT_S, load: bool = True) -> FirefoxPage:
        """A new tab at ``url``, once it has loaded; with ``load`` False, once the navigation has
        started (a navigation the extension may turn elsewhere: read ``page.address()``)."""
        handle = self.call("open", url=url, timeoutMs=int(timeout * 1000), load=load, wait=timeout)
        page = FirefoxPage(self, handle, url)
        self.pages.append(page)
        return page

    def extension_errors(self, clear: bool = False) -> list[str]:
        """Uncaught errors (and unhandled rejections) of the extension's own scripts: its
        background, its pages and frames, its content scripts. Unlike the Chromium harness, not
        what they log with console.error, which Firefox keeps in the process that logged it."""
        return self.call("errors", clear=clear)

    def close_pages(self) -> None:
        for page in self.pages:
            page.close()
        self.pages.clear()

    def close(self) -> None:
        try:
            self.call("close", wait=WAIT_S)
        finally:
            self.process.stdin.close()
            self.process.wait(WAIT_S)
            for reader in self._readers:
                reader.join(WAIT_S)
            self.process.stdout.close()
            self.process.stderr.close()


@contextmanager
def firefox_extension(firefox: str, *, headless: bool = True, proxy_hosts=()):
    """Firefox with emptor installed, the hosts Chromium's resolver rules send to 127.0.0.1
    (tests/support/browser.py, ``HOST_RULES``) sent there by a host proxy, with ``proxy_hosts``
    (more host patterns) too; the proxy is ``extension.proxy``, and its ``seen`` every request
    it was asked for."""
    proxy = HostProxy((*loopback_patterns(HOST_RULES), *proxy_hosts))
    with proxy:
        extension_uuid = str(uuid.uuid4())
        process = subprocess.Popen(["node", str(DRIVER)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, encoding="utf-8")
        extension = FirefoxExtension(process)
        extension.proxy = proxy
        try:
            started = time.monotonic()
            launched = extension.call("launch", wait=60, firefox=firefox, extension=str(EXTENSION_DIR),
                                      headless=headless, prefs=firefox_prefs(proxy.port, extension_uuid))
            extension.launch_seconds = time.monotonic() - started
            extension.origin = launched["origin"]
            extension.version = launched["version"]
            extension.firefox_pid = launched["pid"]
            yield extension
        finally:
            try:
                extension.close()
            except (DriverError, OSError, subprocess.TimeoutExpired):
                # SIGTERM first: the driver then closes Firefox, which removes its profile.
                process.terminate()
                try:
                    process.wait(WAIT_S)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                    _end_group(getattr(extension, "firefox_pid", None))  # the killed driver's Firefox
                for stream in (process.stdin, process.stdout, process.stderr):
                    stream.close()


def _end_group(pid: int | None) -> None:
    """End the process group ``pid`` leads (Firefox, which Puppeteer starts detached), if it is
    still Firefox's: a group gone already may have passed its number on."""
    if not pid:
        return
    try:
        if os.getpgid(pid) != pid or "firefox" not in Path(f"/proc/{pid}/comm").read_text():
            return
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):  # gone, or no longer ours
        pass


def emptor_frame(page: FirefoxPage, timeout: float = WAIT_S) -> FirefoxPage:
    """emptor's badge and panel frame in ``page`` (a listing), once it is there."""
    return page.frame(FRAME_PAGE, timeout)


def wait_for_state(page: FirefoxPage, state: str | None = None, timeout: float = WAIT_S) -> FirefoxPage:
    """emptor's frame in ``page``, once it shows ``state`` (any state but loading when None)."""
    frame = emptor_frame(page, timeout)
    selector = f'{FRAME_ROOT}[data-state="{state}"]' if state else f"{FRAME_ROOT}:not([data-state=loading])"
    try:
        frame.wait_for_selector(selector, timeout)
    except DriverError:
        shown = frame.evaluate("() => [document.documentElement.dataset.state, document.querySelector('.badge')?.textContent]")
        raise AssertionError(f"{page.url}: waited for state {state or 'not loading'}, the badge shows {shown}") from None
    return frame


def shown(frame: FirefoxPage) -> dict:
    """What emptor's frame says: its root's data-state, data-level and data-score, and the badge's text."""
    return frame.evaluate("""() => ({
        state: document.documentElement.dataset.state,
        level: document.documentElement.dataset.level,
        score: document.documentElement.dataset.score ?? null,
        badge: document.querySelector('.badge')?.innerText ?? null,
    })""")


def wait_for_address(page: FirefoxPage, test, what: str, timeout: float = WAIT_S) -> str:
    """The address ``page``'s tab shows, once ``test(address)`` holds (the extension sending a
    navigation to its own page, say); fails naming ``what``."""

    def arrived():
        address = page.address()
        return address if test(address) else None

    return wait_until(arrived, what, timeout)


def open_listing(extension: FirefoxExtension, url: str, state: str | None = None) -> tuple[FirefoxPage, FirefoxPage]:
    """Open ``url`` (a saved page at its real-looking address) and wait for emptor's verdict: the
    page and emptor's frame in it."""
    page = extension.open(url)
    return page, wait_for_state(page, state)
