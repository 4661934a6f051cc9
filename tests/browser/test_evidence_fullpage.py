"""Screenshots beyond the toolbar button's (issue 10, "Capture"), in Chromium against the real
service: the panel's Save evidence with the optional screenshot permission granted, and the
popup's "Whole page", stitched from scrolled screenshots.

The permission: no test can click the browser's own permission prompt (it is drawn by the
browser, outside any page, and Playwright and the DevTools protocol cannot reach it), so this
module's browser is started with the grant already in its profile, where the browser keeps a
shopper's "Allow" (tests/support/browser.py, ``granted_origins``), as issue 10 allows. The options
page, the worker and the panel then see it exactly as after the prompt. The toolbar button is
pressed through the DevTools protocol, as in test_evidence_capture.py.
"""

from __future__ import annotations

import base64
import struct
import zlib

import pytest

from server.evidence import object_path
from tests.support.account_pages import BUYER, serve_account_pages
from tests.support.browser import (
    ROOT_SELECTOR,
    UNSAFE_EXTENSION_DEBUGGING,
    module_browser,
    open_listing,
    save_from_panel,
    trigger_action,
    wait_until,
)
from tests.support.live_server import recorded_service

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PRODUCT = "32993251330"
LISTING = ("he.aliexpress.com", f"/item/{PRODUCT}.html")
VIEWPORT = (1280, 900)  # the browser's, as tests/support/browser.py starts it


@pytest.fixture(scope="module")
def browser():
    """This module's own browser: the toolbar button can be pressed, and the shopper has allowed
    screenshots from the panel (the optional <all_urls> permission)."""
    yield from module_browser(viewport=VIEWPORT, extra_args=[UNSAFE_EXTENSION_DEBUGGING], granted_origins=["<all_urls>"])


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """This module's own service, with a data directory the tests read the stored files from."""
    with recorded_service(tmp_path_factory.mktemp("fullpage-service")) as server:
        yield server


def stored(service, record_id: str) -> dict:
    """The record as the service keeps it, with each artifact's stored bytes under ``bytes``."""
    record = service.http.get(f"/api/v1/evidence/{record_id}").json()
    for artifact in record["artifacts"]:
        artifact["bytes"] = object_path(service.data_dir, artifact["sha256"]).read_bytes()
    return record


def names(record: dict) -> list[str]:
    """The names of the record's page and screenshots (not the stylesheets and images it keeps for
    the page's look, which carry the address they came from)."""
    return [artifact["name"] for artifact in record["artifacts"] if "url" not in artifact]


def named(record: dict, name: str) -> dict:
    [artifact] = [artifact for artifact in record["artifacts"] if artifact["name"] == name]
    return artifact


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk, which must come first (PNG spec, 11.2.2)."""
    assert data.startswith(PNG_SIGNATURE), data[:16]
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def png_pixels(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """(width, height, bytes per pixel, rows) of an 8-bit RGB or RGBA PNG, not interlaced (what
    Chromium writes), its scanlines unfiltered (PNG spec, 7.3 and 9)."""
    width, height = png_size(data)
    depth, color, _, _, interlace = data[24:29]
    assert depth == 8 and color in (2, 6) and interlace == 0, (depth, color, interlace)
    channels = 3 if color == 2 else 4
    chunks, at = [], 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        if kind == b"IDAT":
            chunks.append(data[at + 8:at + 8 + length])
        at += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                nearest = min((abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - corner), 2, corner))[2]
                line[i] = (line[i] + nearest) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def region(png: tuple, box: dict) -> list[tuple[int, int, int]]:
    """The RGB pixels of ``box`` ({x, y, width, height}, device pixels) in a decoded PNG."""
    _, _, channels, rows = png
    return [tuple(rows[y][x * channels:x * channels + 3])
            for y in range(box["y"], box["y"] + box["height"]) for x in range(box["x"], box["x"] + box["width"])]


def difference(a: list, b: list) -> float:
    return sum(abs(p - q) for one, other in zip(a, b, strict=True) for p, q in zip(one, other, strict=True)) / len(a)


def test_the_options_page_shows_the_screenshot_permission_granted(emptor):
    options = emptor.extension_tab("options/options.html")
    options.wait_for_selector("body[data-screenshots=allowed]", state="attached")
    assert "Stop screenshots" in options.text_content("#screenshot-permission")
    assert "Allowed" in options.text_content("#screenshot-state")


def test_with_the_permission_the_panel_saves_a_real_screenshot(emptor, site, service):
    listing = open_listing(emptor, site, *LISTING, state="ok")
    said, record_id = save_from_panel(listing)
    assert "a screenshot" in said and "no screenshot" not in said and "toolbar button" not in said, said

    record = stored(service, record_id)
    assert names(record) == ["page.html", "screenshot.png"]
    screenshot = named(record, "screenshot.png")
    assert screenshot["media_type"] == "image/png"
    assert png_size(screenshot["bytes"]) == VIEWPORT  # the visible area, at a device pixel ratio of 1
    # emptor's frame is shown again once the screenshot is taken.
    assert listing.evaluate(f"() => getComputedStyle(document.querySelector('{ROOT_SELECTOR}')).visibility") == "visible"


def screen(emptor, page) -> bytes:
    """A screenshot of what ``page`` shows, taken as emptor takes them (captureVisibleTab, with
    the permission this module's browser has). Playwright's own screenshots leave out emptor's
    frame, an extension page in its own process. A call the browser refuses for its two-a-second
    quota is made again once the quota allows it."""
    page.bring_to_front()
    data_url = emptor.worker.evaluate("""async () => {
        for (;;) {
            try {
                return await chrome.tabs.captureVisibleTab({ format: 'png' });
            } catch (error) {
                if (!/MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND/.test(error.message)) throw error;
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
        }
    }""")
    return base64.b64decode(data_url.split(",", 1)[1])


def save_whole_page(emptor, listing) -> tuple[str, str, list[str]]:
    """Press the toolbar button on ``listing``, tick "Whole page" in the popup and save: what the
    popup said at the end, the record's id, and the progress it showed on the way."""
    trigger_action(emptor, listing)  # the shopper's click on emptor's toolbar button
    popup = emptor.extension_tab("popup/popup.html")
    # Everything the popup's status line says while it saves.
    popup.evaluate("""() => {
        window.said = [];
        const status = document.getElementById('evidence-status');
        new MutationObserver(() => window.said.push(status.textContent))
            .observe(status, { childList: true, characterData: true, subtree: true });
    }""")
    popup.check("#whole-page")
    popup.click("#save-evidence")
    try:
        popup.wait_for_selector("body[data-evidence=saved]", state="attached", timeout=90000)
    except Exception:
        raise AssertionError(f"the popup says: {popup.text_content('#evidence-status')}") from None
    progress = [text for text in popup.evaluate("window.said") if "Capturing the whole page" in text]
    return popup.text_content("#evidence-status"), popup.get_attribute("#evidence-status", "data-record"), progress


def progress_of(captures: int) -> list[str]:
    return [f"Capturing the whole page: capture {n} of {captures}…" for n in range(1, captures + 1)]


def test_a_whole_page_save_stitches_the_scrolled_screenshots_and_shows_progress(emptor, site, service):
    """The 2022 listing, 2.5 screens tall: three screenshots, the last aligned with the page's end."""
    listing = open_listing(emptor, site, "www.aliexpress.us", "/item/3256803382674519.html")
    page_height = listing.evaluate("() => document.documentElement.scrollHeight")
    assert 2 * VIEWPORT[1] < page_height <= 3 * VIEWPORT[1], "this test wants a listing of two to three screens"
    # Where emptor's frame is on the page (`box`, document pixels) and how that part of the page
    # looks with and without it (`at`: where the box is in the screenshots, which show the screen).
    box = listing.evaluate(f"""() => {{
        const r = document.querySelector('{ROOT_SELECTOR}').getBoundingClientRect();
        return {{ x: Math.round(r.x), y: Math.round(r.y + window.scrollY),
                  width: Math.round(r.width), height: Math.round(r.height) }};
    }}""")
    shown_from = listing.evaluate("(y) => { window.scrollTo(0, y); return window.scrollY; }", max(0, box["y"] - 200))
    at = {**box, "y": box["y"] - shown_from}
    assert box["width"] > 0 and box["height"] > 0 and 0 <= at["y"] and at["y"] + box["height"] <= VIEWPORT[1], (box, at)
    with_frame = png_pixels(screen(emptor, listing))
    # (opacity, which the frame inside cannot undo, as it could visibility)
    listing.evaluate(f"() => document.querySelector('{ROOT_SELECTOR}').style.opacity = '0'")
    without_frame = png_pixels(screen(emptor, listing))
    listing.evaluate(f"() => document.querySelector('{ROOT_SELECTOR}').style.opacity = ''")
    listing.evaluate("() => window.scrollTo(0, 321)")  # where the shopper was reading

    said, record_id, progress = save_whole_page(emptor, listing)

    record = stored(service, record_id)
    assert names(record) == ["page.html", "screenshot.png", "fullpage.png"]
    assert png_size(named(record, "screenshot.png")["bytes"]) == VIEWPORT
    whole = named(record, "fullpage.png")["bytes"]
    summary = record["facts"]["full_page"]
    assert summary["cut"] is False and summary["captures"] == 3, summary
    assert summary["page_height"] == summary["captured_height"] == page_height, summary
    assert png_size(whole) == (VIEWPORT[0], page_height)
    assert "The whole-page image took 3 screens." in said, said
    assert progress == progress_of(3), progress

    # The shopper's place on the page is restored, and emptor's frame shown again.
    assert listing.evaluate("() => window.scrollY") == 321
    assert listing.evaluate(f"() => getComputedStyle(document.querySelector('{ROOT_SELECTOR}')).visibility") == "visible"
    # emptor's frame is not in the image: where it sits, the image shows the page without it.
    stitched = region(png_pixels(whole), box)
    shown, hidden = region(with_frame, at), region(without_frame, at)
    assert difference(shown, hidden) > 10, "the frame does not show in a screenshot: nothing to compare"
    off_page, off_frame = difference(stitched, hidden), difference(stitched, shown)
    assert off_page < off_frame / 4, (off_page, off_frame)


def test_a_page_longer_than_the_cap_is_cut_and_the_record_says_so(emptor, site, service):
    """The 2020 listing without its styles (the fixture site serves no outside assets) is over 25
    screens tall: emptor takes 20 and says where it stopped."""
    listing = open_listing(emptor, site, *LISTING, state="ok")
    page_height = listing.evaluate("() => document.documentElement.scrollHeight")
    assert page_height > 20 * VIEWPORT[1], "this test wants a listing longer than 20 screens"

    said, record_id, progress = save_whole_page(emptor, listing)

    record = stored(service, record_id)
    summary = record["facts"]["full_page"]
    assert summary == {**summary, "captures": 20, "cut": True, "captured_height": 20 * VIEWPORT[1], "page_height": page_height}
    assert png_size(named(record, "fullpage.png")["bytes"]) == (VIEWPORT[0], 20 * VIEWPORT[1])
    assert f"first 20 screens (18000 of {page_height} pixels): emptor stops at 20 screens" in said, said
    assert progress == progress_of(20), progress


def test_leaving_the_tab_while_capturing_drops_the_whole_page_image_and_keeps_the_rest(emptor, site, service):
    """A screenshot shows whatever tab is on screen: once the shopper has moved to another tab, no
    more are taken, and the save keeps the page and the visible-area screenshot and says why the
    whole page is missing."""
    listing = open_listing(emptor, site, *LISTING, state="ok")
    listing.evaluate("() => window.scrollTo(0, 500)")
    trigger_action(emptor, listing)
    popup = emptor.extension_tab("popup/popup.html")
    popup.check("#whole-page")
    popup.click("#save-evidence")
    popup.wait_for_function("() => document.getElementById('evidence-status').textContent.includes('capture 3 of 20')",
                            polling=100, timeout=30000)  # a background tab draws no animation frames
    other = emptor.new_page()
    other.bring_to_front()  # the shopper moves to another tab
    popup.wait_for_selector("body[data-evidence=saved]", state="attached", timeout=60000)
    said = popup.text_content("#evidence-status")
    assert "No whole-page screenshot (the listing left the screen while emptor was capturing it)." in said, said

    record = stored(service, popup.get_attribute("#evidence-status", "data-record"))
    assert names(record) == ["page.html", "screenshot.png"]
    assert "full_page" not in record["facts"]
    assert listing.evaluate("() => window.scrollY") == 500
    assert listing.evaluate(f"() => getComputedStyle(document.querySelector('{ROOT_SELECTOR}')).visibility") == "visible"


def test_with_the_permission_the_checkout_capture_adds_a_screenshot_with_the_address_blurred(emptor, site, service):
    """The checkout auto-capture (tests/browser/test_account_pages.py) takes a screenshot only with
    the optional permission, since no gesture grants activeTab there; the buyer's address block is
    blurred while it is taken (the service redacts the page's text; pixels it cannot)."""
    paths = serve_account_pages(site)
    try:
        page = emptor.new_page()
        page.bring_to_front()  # the browser captures only the tab on screen
        # A page script sees what emptor adds to the page: here, the blur over the address block.
        page.add_init_script("""new MutationObserver(() => {
            const blurred = [...document.querySelectorAll('style')].some((s) => s.textContent.includes('blur('));
            if (blurred) window.emptorSawBlur = true;
        }).observe(document, { childList: true, subtree: true });""")
        page.goto(site.url("www.aliexpress.com", "/p/trade/confirm.html?objectId=1005000000000777&skuId=5"))
        [record] = wait_until(lambda: [r for r in service.http.get("/api/v1/evidence").json()["records"]
                                       if r["kind"] == "checkout" and r["product_id"] == "1005000000000777"] or None,
                              "the checkout capture")
        kept = stored(service, record["id"])
        assert names(kept) == ["page.html", "screenshot.png"]
        assert kept["artifacts"][1]["bytes"].startswith(PNG_SIGNATURE)
        assert page.evaluate("window.emptorSawBlur === true")
        assert page.evaluate("[...document.querySelectorAll('style')].some((s) => s.textContent.includes('blur('))") is False
        for value in BUYER.values():
            assert value.encode() not in kept["artifacts"][0]["bytes"]
    finally:
        for path in paths:
            site.routes.pop(path, None)


# Last in the module: it withdraws the permission, which no test can grant again.
def test_withdrawn_on_the_options_page_the_panel_saves_no_screenshot_and_says_how(emptor, site, service):
    """Last in this module: once withdrawn, only the browser's prompt (which no test can click)
    grants the permission again."""
    options = emptor.extension_tab("options/options.html")
    options.wait_for_selector("body[data-screenshots=allowed]", state="attached")
    options.click("#screenshot-permission")
    options.wait_for_selector("body[data-screenshots=not-allowed]", state="attached")
    assert "Allow screenshots when I save from emptor's panel" in options.text_content("#screenshot-permission")
    assert emptor.worker.evaluate("() => chrome.permissions.contains({ origins: ['<all_urls>'] })") is False

    listing = open_listing(emptor, site, *LISTING, state="ok")
    said, record_id = save_from_panel(listing)
    assert "no screenshot" in said and "options page" in said, said
    assert names(stored(service, record_id)) == ["page.html"]
