"""The popup lists the trackers the browser blocked on the tab, by company (issue 11), in Chromium
with the extension: the constructed tracker page of tests/support/tracker_page.py at
www.aliexpress.com, then a press on emptor's toolbar button, which grants activeTab for that tab
(the grant getMatchedRules needs; emptor has no declarativeNetRequestFeedback permission).

A module of its own because it needs its own browser (the switch that lets a test press the
toolbar button), which Playwright's sync API can start only while no other browser runs: its name
sorts it among the other own-browser modules, before the session's browser starts.
"""

from __future__ import annotations

import pytest

from tests.support.browser import UNSAFE_EXTENSION_DEBUGGING, module_browser, trigger_action
from tests.support.tracker_page import PAGE_PATH, TRACKER_HOSTS, TrackerSite, page_html


@pytest.fixture(scope="module")
def browser():
    yield from module_browser(extra_args=[UNSAFE_EXTENSION_DEBUGGING])


def test_the_popup_lists_the_blocked_trackers_by_company(emptor):
    with TrackerSite() as site:
        site.pages[PAGE_PATH] = page_html(site.port, "popup")
        page = emptor.new_page()
        page.goto(f"http://www.aliexpress.com:{site.port}{PAGE_PATH}", wait_until="load")
        # The page says when every request has settled: loaded, or refused by the browser.
        page.wait_for_function("() => document.documentElement.dataset.settled", timeout=20000)
    trigger_action(emptor, page)  # the shopper's click on emptor's toolbar button grants activeTab
    popup = emptor.extension_tab("popup/popup.html")
    popup.wait_for_selector("#shield-companies", state="attached")
    listed = popup.locator("#shield-companies li").all_text_contents()
    companies = dict(item.rsplit(": ", 1) for item in listed)
    # cm.g.doubleclick.net, s0.2mdn.net, pagead2.googlesyndication.com, www.googleadservices.com
    assert companies["Google"] == "4" and companies["Criteo S.A."] == "1", listed
    assert sum(int(count) for count in companies.values()) == len(TRACKER_HOSTS)
    assert popup.is_checked("#shield-on")
    assert f"{len(TRACKER_HOSTS)} tracker requests blocked on this page" in popup.text_content("#shield")


def test_without_the_toolbar_press_the_popup_says_it_cannot_tell(emptor):
    """The popup opened as a tab, with no press on the toolbar button: no grant, no list, and a
    sentence saying why, not an error."""
    page = emptor.new_page()
    page.goto("about:blank")
    popup = emptor.extension_tab("popup/popup.html")
    popup.wait_for_selector("#shield[data-state=on]", state="attached")
    assert popup.locator("#shield-companies").count() == 0
