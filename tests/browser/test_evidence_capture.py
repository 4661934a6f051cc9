"""Saving evidence of a listing (issue 10) in Chromium, against the real service's evidence API.

The toolbar button cannot be clicked by a test, so it is pressed through the DevTools protocol
(Extensions.triggerAction, which needs ``--enable-unsafe-extension-debugging``: this module runs
its own browser with it). That is what a shopper's click does: the browser grants activeTab for
the listing's tab and opens the popup. Playwright cannot reach that popup, so the test then opens
the same popup page beside the listing (the listing stays the active tab, which is the tab the
popup acts on) and clicks its "Save evidence": the same page, the same message and the same
worker code as the shopper's popup, with the grant the shopper's click gave. Without the grant
the worker could save no screenshot.
"""

from __future__ import annotations

import io
import json

import pytest

from tests.support.browser import (
    ROOT_SELECTOR,
    UNSAFE_EXTENSION_DEBUGGING,
    module_browser,
    open_listing,
    save_from_panel,
    save_from_popup,
    shown,
    trigger_action,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PRODUCT = "32993251330"
LISTING = ("he.aliexpress.com", f"/item/{PRODUCT}.html")


@pytest.fixture(scope="module")
def browser():
    """This module's own browser: the session's, plus the switch that lets a test press the
    toolbar button."""
    yield from module_browser(extra_args=[UNSAFE_EXTENSION_DEBUGGING])


class EvidenceRecorder:
    """WSGI middleware keeping every evidence POST the service receives, bytes and headers."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.requests: list[dict] = []

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/api/v1/evidence") and environ.get("REQUEST_METHOD") == "POST":
            raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(raw)
            self.requests.append({"path": path, "content_type": environ.get("CONTENT_TYPE", ""),
                                  "name": environ.get("HTTP_X_EMPTOR_ARTIFACT_NAME"), "body": raw})
        return self.wsgi_app(environ, start_response)

    def artifacts(self, content_type):
        return [r for r in self.requests
                if r["path"] == "/api/v1/evidence/artifacts" and r["content_type"].startswith(content_type)]

    def records(self):
        return [json.loads(r["body"]) for r in self.requests if r["path"] == "/api/v1/evidence"]


@pytest.fixture
def evidence_requests(service, monkeypatch):
    recorder = EvidenceRecorder(service.recorder.wsgi_app)
    monkeypatch.setattr(service.recorder, "wsgi_app", recorder)
    yield recorder


def _listed(service, record_id):
    records = service.http.get("/api/v1/evidence").json()["records"]
    return [record for record in records if record["id"] == record_id]


def test_the_popup_saves_the_page_a_screenshot_and_the_verdict(emptor, site, service, evidence_requests):
    listing = open_listing(emptor, site, *LISTING, state="ok")
    level = shown(listing, "data-level")
    trigger_action(emptor, listing)  # the shopper's click on emptor's toolbar button
    _, said, record_id = save_from_popup(emptor)
    assert f"evidence record {record_id}" in said and "screenshot" in said and "no screenshot" not in said.lower(), said

    pngs = evidence_requests.artifacts("image/png")
    assert len(pngs) == 1 and pngs[0]["body"].startswith(PNG_SIGNATURE) and pngs[0]["name"] == "screenshot.png"
    pages = evidence_requests.artifacts("text/html")
    assert len(pages) == 1 and pages[0]["name"] == "page.html"
    page_html = pages[0]["body"].decode("utf-8")
    assert page_html.startswith("<!DOCTYPE html>") and PRODUCT in page_html
    assert ROOT_SELECTOR.lstrip("#") not in page_html  # emptor's own element is not part of the page kept

    [record] = evidence_requests.records()
    assert record["kind"] == "listing"
    assert record["product_id"] == PRODUCT
    assert record["url"] == listing.url
    assert record["user_agent"] and record["browser_time"]
    assert record["facts"]["verdict"]["level"] == level
    assert [artifact["name"] for artifact in record["artifacts"]] == ["page.html", "screenshot.png"]
    # emptor's frame is shown again once the screenshot is taken.
    assert listing.evaluate(f"() => getComputedStyle(document.querySelector('{ROOT_SELECTOR}')).visibility") == "visible"

    [kept] = _listed(service, record_id)
    assert kept["product_id"] == PRODUCT
    assert {artifact["media_type"] for artifact in kept["artifacts"]} == {"text/html", "image/png"}


def test_the_panel_saves_the_page_and_says_how_to_add_a_screenshot(emptor, site, service, evidence_requests):
    listing = open_listing(emptor, site, *LISTING, state="ok")
    said, record_id = save_from_panel(listing)
    assert "no screenshot" in said and "toolbar button" in said and "Alt+Shift+E" in said, said
    assert evidence_requests.artifacts("image/png") == []
    [record] = evidence_requests.records()
    assert record["product_id"] == PRODUCT
    assert [artifact["name"] for artifact in record["artifacts"]] == ["page.html"]
    assert _listed(service, record_id)


def test_without_the_toolbar_press_the_popup_saves_the_page_and_says_why_there_is_no_screenshot(emptor, site, service,
                                                                                               evidence_requests):
    """The popup page opened by other means than the toolbar button (here: as a tab) has no
    activeTab grant: the page and the verdict are saved, and the popup says why the screenshot is
    missing."""
    open_listing(emptor, site, *LISTING, state="ok")
    _, said, _ = save_from_popup(emptor)
    assert "no screenshot" in said and "toolbar button" in said, said
    assert evidence_requests.artifacts("image/png") == []
    [record] = evidence_requests.records()
    assert [artifact["name"] for artifact in record["artifacts"]] == ["page.html"]


def test_the_shortcut_is_registered(emptor):
    """The keyboard shortcut cannot be pressed by a test (the browser, not the page, handles it);
    it is at least registered with its suggested keys."""
    commands = emptor.worker.evaluate("() => chrome.commands.getAll()")
    [command] = [c for c in commands if c["name"] == "save-evidence"]
    assert command["shortcut"] == "Alt+Shift+E"
