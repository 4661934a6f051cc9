"""Saving dispute evidence in Firefox ESR (issue 10's panel save, in the second browser of issue
11), against the real service: the panel's "Save evidence" on the real 2020 page stores the page
and the record, and says how to add a screenshot (Firefox, like Chromium, takes one only from the
toolbar button or with the optional all-sites permission, which this profile has not granted).
The same save in Chromium: tests/browser/test_evidence_capture.py."""

from __future__ import annotations

from tests.support.firefox import open_listing

HOST, PATH, PRODUCT = "he.aliexpress.com", "/item/32993251330.html", "32993251330"


def test_the_panel_saves_the_page_and_the_verdict_and_says_how_to_add_a_screenshot(emptor, site, service):
    url = site.url(HOST, PATH)
    _, frame = open_listing(emptor, url, state="ok")
    level = frame.evaluate("() => document.documentElement.dataset.level")
    frame.click(".badge")
    frame.wait_for_selector(".panel:not([hidden])")
    frame.click("button.save-evidence")
    frame.wait_for_selector("html[data-evidence=saved]")
    said, record_id = frame.evaluate("() => { const status = document.querySelector('.evidence-status');"
                                     " return [status.textContent, status.dataset.record]; }")
    assert f"evidence record {record_id}" in said, said
    assert "no screenshot" in said and "toolbar button" in said, said

    record = service.http.get(f"/api/v1/evidence/{record_id}").json()
    assert record["kind"] == "listing" and record["product_id"] == PRODUCT and record["url"] == url
    assert record["facts"]["verdict"]["level"] == level
    assert [(artifact["name"], artifact["media_type"]) for artifact in record["artifacts"]] == [("page.html", "text/html")]
    assert "Firefox" in record["user_agent"]
    listed = service.http.get("/api/v1/evidence").json()["records"]
    assert [kept["id"] for kept in listed if kept["id"] == record_id] == [record_id]
