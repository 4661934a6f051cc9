"""`make screenshots`: the badge and the open panel on a real saved listing, in real Chromium.

Writes badge.png, panel.png and reviews.png to --out (docs/screenshots by default, which the
README shows), lookalike-warning.png (the warning that replaces a lookalike shop),
shield-popup.png (the popup's trackers blocked on the constructed tracker page, by company), and
evidence-popup.png: the popup after "Save evidence", pressed as a shopper does
(the toolbar button, pressed through the DevTools protocol, grants the screenshot's activeTab; the
same popup page, opened beside the listing, saves). The page is the 2020 Hebrew iPhone listing served by the fixture site; its own
stylesheets are on AliExpress's CDN, which these machines cannot reach, so the page around the
badge is unstyled. No saved review feed belongs to that listing, so its feed serves a real
capture of another product's reviews (tests/fixtures/reviews/README.md): the review tests run on
real reviews, and REV007 duly reports that they describe another item.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Error as PlaywrightError  # noqa: E402

from server import create_app  # noqa: E402
from tests.support.browser import (  # noqa: E402
    UNSAFE_EXTENSION_DEBUGGING,
    extension_browser,
    find_chromium,
    save_from_popup,
    trigger_action,
    wait_for_replaced_url,
    wait_for_state,
)
from tests.support.fixture_site import FixtureSite  # noqa: E402
from tests.support.fixtures import REVIEWS  # noqa: E402
from tests.support.live_server import LiveServer  # noqa: E402
from tests.support.tracker_page import PAGE_PATH as TRACKER_PAGE  # noqa: E402
from tests.support.tracker_page import TrackerSite  # noqa: E402
from tests.support.tracker_page import page_html as tracker_page_html  # noqa: E402

LISTING = ("he.aliexpress.com", "/item/32993251330.html")
LOOKALIKE = ("aliexpress-sale.shop", "/")
REVIEW_CAPTURE = REVIEWS / "reviews_1005006717259012_2024-09.json"


def frame_box(frame) -> dict:
    """The box of emptor's iframe element, relative to the viewport. The element is in a closed
    shadow root, out of the page's reach; the DevTools protocol still finds it from its frame."""
    return frame.frame_element().bounding_box()


def shoot_panel(page, frame, path: Path) -> None:
    """The open panel: the iframe at its open size, which the panel fills."""
    box = frame_box(frame)
    scroll_y = page.evaluate("window.scrollY")
    page.screenshot(path=str(path), full_page=True, clip={
        "x": max(0, box["x"] - 16), "y": max(0, box["y"] + scroll_y - 16),
        "width": 760, "height": box["height"] + 32})


def shoot_evidence_popup(browser, page, path: Path) -> None:
    """The popup once it has saved evidence of ``page``'s listing, with a screenshot."""
    trigger_action(browser, page)  # the shopper's press on the toolbar button: activeTab for the listing
    popup, said, record = save_from_popup(browser)
    if "no screenshot" in said.lower():
        raise RuntimeError(f"the popup saved no screenshot: {said}")
    # The list of saved evidence, read again after the save, shows the new record.
    popup.wait_for_selector(f'#saved-evidence li[data-record="{record}"]', state="attached", timeout=10000)
    popup.bring_to_front()
    box = popup.evaluate("() => ({width: document.body.offsetWidth, height: document.body.scrollHeight})")
    popup.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": box["width"], "height": box["height"]})


def shoot_shield_popup(browser, path: Path) -> None:
    """The popup's tracker section after the constructed tracker page (tests/support/tracker_page.py:
    35 tracker hosts, every one blocked, and the checkout and payment hosts, all allowed) has
    loaded at www.aliexpress.com; the toolbar press grants the activeTab getMatchedRules needs."""
    with TrackerSite() as trackers:
        trackers.pages[TRACKER_PAGE] = tracker_page_html(trackers.port, "screenshot")
        page = browser.new_page()
        page.goto(f"http://www.aliexpress.com:{trackers.port}{TRACKER_PAGE}", wait_until="load")
        page.wait_for_function("() => document.documentElement.dataset.settled", timeout=20000)
    trigger_action(browser, page)
    popup = browser.extension_tab("popup/popup.html")
    popup.wait_for_selector("#shield-companies li", state="attached", timeout=15000)
    popup.bring_to_front()
    box = popup.evaluate("() => { const r = document.getElementById('shield').getBoundingClientRect();"
                         " return {x: r.x, y: r.y, width: r.width, height: r.height}; }")
    popup.screenshot(path=str(path), clip=box)


def shoot_lookalike_warning(browser, site, path: Path) -> None:
    """The full-page warning that replaces a lookalike shop (aliexpress-sale.shop, mapped to the
    fixture site by the browser's host rules) before it loads."""
    page = browser.new_page()
    try:
        page.goto(site.url(*LOOKALIKE), wait_until="commit")
    except PlaywrightError as error:  # the extension replaces the navigation, which Playwright calls aborted
        if "ERR_ABORTED" not in str(error):
            raise
    wait_for_replaced_url(page, f"{browser.origin}/view/lookalike.html?id=*")
    # Once the service has answered (the warning shows first from the extension's own check).
    page.wait_for_selector("html[data-state='warning']:not([data-source='pending'])", state="attached", timeout=15000)
    page.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": 1200, "height": 720})


def take(out: Path, chromium: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data:
        app = create_app({"DATA_DIR": data, "DATABASE": Path(data) / "emptor.db"})
        with LiveServer(app) as server, FixtureSite(reviews={"32993251330": REVIEW_CAPTURE}) as site, \
                extension_browser(chromium, viewport=(1200, 1400), extra_args=[UNSAFE_EXTENSION_DEBUGGING]) as browser:
            browser.configure(server.url, server.secret)
            page = browser.new_page()
            page.goto(site.url(*LISTING), wait_until="load")
            frame = wait_for_state(page, "ok")
            frame.frame_element().scroll_into_view_if_needed()
            box = frame_box(frame)
            # The badge, with the title it sits above.
            badge = out / "badge.png"
            page.screenshot(path=str(badge), clip={"x": max(0, box["x"] - 16), "y": max(0, box["y"] - 16),
                                                   "width": 760, "height": box["height"] + 90})
            frame.locator(".badge").click()
            frame.wait_for_selector("table.review-tests", timeout=10000)
            frame.wait_for_selector("svg.price-chart", timeout=10000)
            # The content script gives the iframe its open size when the frame asks (through the
            # service worker): the host, which holds only the iframe, grows with it.
            page.wait_for_function("height => document.getElementById('emptor-root').getBoundingClientRect().height > height",
                                   arg=box["height"])
            panel = out / "panel.png"
            shoot_panel(page, frame, panel)
            # The reviews section, scrolled to inside the panel.
            frame.locator("table.review-tests").evaluate(
                "table => table.previousElementSibling.previousElementSibling.scrollIntoView({block: 'start'})"
            )
            reviews = out / "reviews.png"
            shoot_panel(page, frame, reviews)
            evidence = out / "evidence-popup.png"
            shoot_evidence_popup(browser, page, evidence)
            lookalike = out / "lookalike-warning.png"
            shoot_lookalike_warning(browser, site, lookalike)
            shield = out / "shield-popup.png"
            shoot_shield_popup(browser, shield)
    return [badge, panel, reviews, evidence, lookalike, shield]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    chromium = find_chromium()
    if not chromium:
        print("emptor: Chromium not found; install Debian's chromium (or set EMPTOR_CHROMIUM).", file=sys.stderr)
        return 1
    for path in take(args.out, chromium):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
