import assert from "node:assert/strict";
import { test } from "node:test";

import "../lib/constants.js";
import { isOwnFrame, makeRouter } from "../background/dispatch.js";

const C = globalThis.EMPTOR;
const handlers = Object.fromEntries(Object.values(C.MESSAGE).map((type) => [type, () => type]));
// The frame page's two addresses: under the extension's id (what Chromium reports as sender.url)
// and under this session's dynamic id (what chrome.runtime.getURL gives, with use_dynamic_url).
const FRAME_URL = "chrome-extension://emptor-id/view/frame.html";
const DYNAMIC_FRAME_URL = "chrome-extension://0bbfc6d5-a96f-4297-a25d-9f1d3ded7923/view/frame.html";
const frameUrls = [FRAME_URL, DYNAMIC_FRAME_URL];
const route = makeRouter(handlers, { extensionId: "emptor-id", extensionOrigin: "chrome-extension://emptor-id/", frameUrls });

const tab = { id: 7 };
const contentScript = { id: "emptor-id", tab, frameId: 0, url: "https://www.aliexpress.com/item/1.html", origin: "https://www.aliexpress.com" };
// As Chromium 156 reports emptor's frame embedded in a listing (tests/browser/test_panel_privacy.py).
const frame = { id: "emptor-id", tab, frameId: 7, url: FRAME_URL, origin: "chrome-extension://emptor-id" };
const popup = { id: "emptor-id", url: "chrome-extension://emptor-id/popup/popup.html" };

test("content scripts may ask for analyses and show states, from a web page's tab", () => {
  assert.equal(route({ type: C.MESSAGE.ANALYZE_PAGE }, contentScript)(), C.MESSAGE.ANALYZE_PAGE);
  assert.equal(route({ type: C.MESSAGE.SHOW_IN_FRAME }, contentScript)(), C.MESSAGE.SHOW_IN_FRAME);
  assert.equal(route({ type: C.MESSAGE.REPORT_TIMINGS }, contentScript)(), C.MESSAGE.REPORT_TIMINGS);
  assert.equal(route({ type: C.MESSAGE.ANALYZE_PAGE }, { id: "emptor-id", url: popup.url }), null);
  // The frame is in a tab too, but it is not the listing's content script.
  assert.equal(route({ type: C.MESSAGE.SHOW_IN_FRAME }, frame), null);
  assert.equal(route({ type: C.MESSAGE.ANALYZE_PAGE }, { ...popup, tab }), null); // an extension page opened in a tab
});

test("emptor's frame may ask for the price history and for its panel's size, and nothing else", () => {
  assert.equal(route({ type: C.MESSAGE.GET_HISTORY }, frame)(), C.MESSAGE.GET_HISTORY);
  assert.equal(route({ type: C.MESSAGE.SET_PANEL_OPEN }, frame)(), C.MESSAGE.SET_PANEL_OPEN);
  assert.equal(route({ type: C.MESSAGE.SET_PANEL_OPEN }, { ...frame, url: DYNAMIC_FRAME_URL })(), C.MESSAGE.SET_PANEL_OPEN);
  for (const type of [C.MESSAGE.SHOW_IN_FRAME, C.MESSAGE.ANALYZE_PAGE, C.MESSAGE.GET_TAB_VERDICT, C.MESSAGE.GET_TIMINGS]) {
    assert.equal(route({ type }, frame), null, type);
  }
});

test("frame messages are refused from anyone but the frame page embedded in a tab", () => {
  const refused = {
    "a content script (the page's address)": contentScript,
    "the popup": popup,
    "the popup in a tab": { ...popup, tab, frameId: 0 },
    "the frame page opened as a page of its own": { ...frame, frameId: 0 },
    "the frame page outside any tab": { ...frame, tab: undefined },
    "another extension's frame page": { ...frame, id: "another-extension", url: "chrome-extension://another-extension/view/frame.html" },
    "another extension claiming our address": { ...frame, id: "another-extension" },
    "another page of ours": { ...frame, url: "chrome-extension://emptor-id/options/options.html" },
    "our frame's path under another id": { ...frame, url: "chrome-extension://another-extension/view/frame.html" },
    "our frame's address with a query": { ...frame, url: `${FRAME_URL}?x=1` },
    "a web page at the frame's path": { ...frame, url: "https://www.aliexpress.com/view/frame.html" },
    "no address": { ...frame, url: undefined },
  };
  for (const [who, sender] of Object.entries(refused)) {
    assert.equal(route({ type: C.MESSAGE.GET_HISTORY }, sender), null, who);
    assert.equal(route({ type: C.MESSAGE.SET_PANEL_OPEN }, sender), null, who);
    assert.equal(isOwnFrame(sender, { extensionId: "emptor-id", frameUrls }), false, who);
  }
  assert.equal(isOwnFrame(frame, { extensionId: "emptor-id", frameUrls }), true);
  assert.equal(isOwnFrame(null, { extensionId: "emptor-id", frameUrls }), false);
});

test("only the extension's own pages may ask for the tab verdict or the service status", () => {
  assert.equal(route({ type: C.MESSAGE.GET_TAB_VERDICT }, popup)(), C.MESSAGE.GET_TAB_VERDICT);
  assert.equal(route({ type: C.MESSAGE.GET_TIMINGS }, popup)(), C.MESSAGE.GET_TIMINGS);
  assert.equal(route({ type: C.MESSAGE.GET_SERVICE_STATUS }, contentScript), null);
  // A web page's content script cannot read another tab's verdict or timings.
  assert.equal(route({ type: C.MESSAGE.GET_TAB_VERDICT }, contentScript), null);
  assert.equal(route({ type: C.MESSAGE.GET_TIMINGS }, contentScript), null);
  // Nor can a content script or the popup ask for the price history, which only the frame shows.
  assert.equal(route({ type: C.MESSAGE.GET_HISTORY }, contentScript), null);
  assert.equal(route({ type: C.MESSAGE.GET_HISTORY }, popup), null);
});

test("unknown types, missing types, the worker's own types and other extensions are refused", () => {
  assert.equal(route({ type: "deleteEverything" }, popup), null);
  assert.equal(route({ type: "toString" }, popup), null); // not an own property
  assert.equal(route(null, popup), null);
  assert.equal(route({ type: C.MESSAGE.ANALYZE_PAGE }, { ...contentScript, id: "another-extension" }), null);
  assert.equal(route({ type: C.MESSAGE.ANALYZE_PAGE }, null), null);
  for (const type of C.WORKER_MESSAGES) {
    // Sent by the worker, never to it.
    for (const sender of [popup, contentScript, frame]) assert.equal(route({ type }, sender), null, type);
  }
});

test("the popup's deadlines, evidence list and export come from the extension's pages only", () => {
  for (const type of [C.MESSAGE.GET_DEADLINES, C.MESSAGE.LIST_EVIDENCE, C.MESSAGE.EXPORT_EVIDENCE]) {
    assert.equal(route({ type }, popup)(), type);
    assert.equal(route({ type }, contentScript), null, type);
    assert.equal(route({ type }, frame), null, type);
    assert.equal(route({ type }, { ...popup, id: "another-extension" }), null, type);
  }
});

test("an extension page embedded in a web page (the seller-message warning) is not taken for the popup", () => {
  const warning = { id: "emptor-id", tab, frameId: 3, url: "chrome-extension://emptor-id/view/messages.html", origin: "chrome-extension://emptor-id" };
  for (const type of C.EXTENSION_PAGE_MESSAGES) assert.equal(route({ type }, warning), null, type);
  // The options page in a tab of its own (frameId 0) still is one of the extension's pages.
  const options = { id: "emptor-id", tab, frameId: 0, url: "chrome-extension://emptor-id/options/options.html" };
  assert.equal(route({ type: C.MESSAGE.GET_TAB_VERDICT }, options)(), C.MESSAGE.GET_TAB_VERDICT);
});
