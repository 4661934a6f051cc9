"""Debian's Chromium with the unpacked extension, driven by Playwright (research/BROWSER_TESTING.md).

No browser is downloaded: ``playwright install`` cannot run on these machines, so the harness
drives the system Chromium. Every AliExpress host resolves to 127.0.0.1 (where the fixture site
serves the real saved pages) and every other host fails at once, so the saved pages' requests
for outside assets never leave the machine.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXTENSION_DIR = ROOT / "extension"

CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")

HOST_RULES = "MAP *.aliexpress.com 127.0.0.1, MAP *.aliexpress.us 127.0.0.1, MAP *.aliexpress.ru 127.0.0.1, EXCLUDE 127.0.0.1, MAP * ~NOTFOUND"


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


class ExtensionBrowser:
    """A browser context with emptor loaded; pages opened through it collect extension errors."""

    def __init__(self, context, worker):
        self.context = context
        self.worker = worker
        self.extension_id = worker.url.split("/")[2]
        self.extension_errors: list[str] = []
        self.pages = []
        context.on("weberror", self._on_web_error)

    @property
    def origin(self) -> str:
        return f"chrome-extension://{self.extension_id}"

    def _on_web_error(self, web_error):
        stack = getattr(web_error.error, "stack", "") or ""
        if self.origin in stack:
            self.extension_errors.append(str(web_error.error))

    def configure(self, service_url: str, token: str = "") -> None:
        """Point the extension at a service. Clearing first guarantees a settings change, which
        makes the service worker forget its cached answers (each test starts fresh)."""
        self.worker.evaluate(
            "async ([url, token]) => { await chrome.storage.local.clear(); await chrome.storage.local.set({serviceUrl: url, token}); }",
            [service_url, token],
        )

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

        def on_console(message):
            location = message.location or {}
            if message.type == "error" and str(location.get("url", "")).startswith(self.origin):
                self.extension_errors.append(f"{location.get('url')}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.origin in (error.stack or "") and self.extension_errors.append(str(error)))
        return page


@contextmanager
def extension_browser(chromium: str, *, headless: bool = True, viewport=(1280, 900)):
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="emptor-chromium-")
    extension = str(EXTENSION_DIR)
    with sync_playwright() as playwright:
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
            ],
        )
        try:
            worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker", timeout=15000)
            yield ExtensionBrowser(context, worker)
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


class RequestRecorder:
    """WSGI middleware keeping every analyze request the service receives (decoded), so a test
    can check what the extension sent."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.analyze_requests: list[dict] = []

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/api/v1/analyze" and environ.get("REQUEST_METHOD") == "POST":
            raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(raw)
            body = gzip.decompress(raw) if environ.get("HTTP_CONTENT_ENCODING") == "gzip" else raw
            try:
                self.analyze_requests.append({"body": json.loads(body), "wire_bytes": len(raw), "json_bytes": len(body)})
            except ValueError:
                pass
        return self.wsgi_app(environ, start_response)
