import assert from "node:assert/strict";
import { test } from "node:test";

import "../lib/constants.js";
import { makeRouter } from "../background/dispatch.js";

const C = globalThis.EMPTOR;
const handlers = Object.fromEntries(Object.values(C.MESSAGE).map((type) => [type, () => type]));
const route = makeRouter(handlers, { extensionId: "emptor-id", extensionOrigin: "chrome-extension://emptor-id/" });

const contentScript = { id: "emptor-id", tab: { id: 7 }, url: "https://www.aliexpress.com/item/1.html" };
const popup = { id: "emptor-id", url: "chrome-extension://emptor-id/popup/popup.html" };

test("content scripts may ask for analyses and history, from a tab", () => {
  assert.equal(route({ type: C.MESSAGE.ANALYZE_PAGE }, contentScript)(), C.MESSAGE.ANALYZE_PAGE);
  assert.equal(route({ type: C.MESSAGE.GET_HISTORY }, contentScript)(), C.MESSAGE.GET_HISTORY);
  assert.equal(route({ type: C.MESSAGE.REPORT_TIMINGS }, contentScript)(), C.MESSAGE.REPORT_TIMINGS);
  assert.equal(route({ type: C.MESSAGE.ANALYZE_PAGE }, { id: "emptor-id", url: popup.url }), null);
});

test("only the extension's own pages may ask for the tab verdict or the service status", () => {
  assert.equal(route({ type: C.MESSAGE.GET_TAB_VERDICT }, popup)(), C.MESSAGE.GET_TAB_VERDICT);
  assert.equal(route({ type: C.MESSAGE.GET_TIMINGS }, popup)(), C.MESSAGE.GET_TIMINGS);
  assert.equal(route({ type: C.MESSAGE.GET_SERVICE_STATUS }, contentScript), null);
  // A web page's content script cannot read another tab's verdict or timings.
  assert.equal(route({ type: C.MESSAGE.GET_TAB_VERDICT }, contentScript), null);
  assert.equal(route({ type: C.MESSAGE.GET_TIMINGS }, contentScript), null);
});

test("unknown types, missing types and other extensions are refused", () => {
  assert.equal(route({ type: "deleteEverything" }, popup), null);
  assert.equal(route({ type: "toString" }, popup), null); // not an own property
  assert.equal(route(null, popup), null);
  assert.equal(route({ type: C.MESSAGE.ANALYZE_PAGE }, { ...contentScript, id: "another-extension" }), null);
  assert.equal(route({ type: C.MESSAGE.REPORT_UPDATED }, popup), null); // sent by the worker, never to it
});
