import assert from "node:assert/strict";
import { test } from "node:test";

import "../lib/constants.js";
import { analysisBody, cacheKey, fitToLimit, isLoadedProduct, refusedBlobIndex, summaryForTab } from "../background/requests.js";

const C = globalThis.EMPTOR;
const request = {
  url: "https://www.aliexpress.com/item/1005003568989271.html?spm=a2g0o.1",
  html: "<html><h1>Phone case</h1></html>",
  data: [{ source: "runParams", body: { data: { titleModule: { subject: "Phone case" } } } }],
  selectedSkuId: "12000026301524436",
};

test("the service is sent the page, the data and the variant", () => {
  assert.deepEqual(analysisBody(request), {
    url: request.url,
    html: request.html,
    data: request.data,
    selected_sku_id: request.selectedSkuId,
    capture: "live",
    record: false,
  });
  assert.equal(analysisBody(request, { record: true }).record, true);
  assert.equal(analysisBody({ ...request, selectedSkuId: null }).selected_sku_id, undefined);
});

test("a request within the limit is sent whole", () => {
  const fitted = fitToLimit(analysisBody(request));
  assert.equal(fitted.dropped, null);
  assert.deepEqual(fitted.body, analysisBody(request));
});

test("an oversized request drops its data, then its page, and gives up when neither fits", () => {
  const body = analysisBody({ ...request, html: "é".repeat(600), data: [{ source: "runParams", body: "x".repeat(300) }] });
  // Each é is 2 bytes in UTF-8: the page alone is over 1200 bytes, the data alone about 400.
  assert.equal(fitToLimit(body, 5000).dropped, null);
  const withoutData = fitToLimit(body, 1400);
  assert.equal(withoutData.dropped, "data");
  assert.deepEqual(withoutData.body.data, []);
  const withoutPage = fitToLimit(body, 600);
  assert.equal(withoutPage.dropped, "html");
  assert.equal(withoutPage.body.html, null);
  const nothing = fitToLimit(body, 100);
  assert.equal(nothing.body, null);
  assert.ok(nothing.size > 1500);
});

test("the limit counts UTF-8 bytes of multi-byte pages, not characters", () => {
  const hebrew = analysisBody({ ...request, html: "ש".repeat(C.MAX_REQUEST_BYTES / 2), data: [] });
  const fitted = fitToLimit(hebrew);
  assert.equal(fitted.body, null, "a 2-byte character page of MAX/2 characters exceeds MAX bytes");
  assert.ok(fitted.size > C.MAX_REQUEST_BYTES);
});

test("the cache key ignores the query string but not the page, the data or the variant", async () => {
  const body = analysisBody(request);
  const key = await cacheKey(body);
  assert.match(key, /^[0-9a-f]{64}$/);
  assert.equal(await cacheKey({ ...body, url: body.url.replace("spm=a2g0o.1", "spm=b") }), key);
  // Same length, different price: the old length-based key gave these one answer.
  assert.notEqual(await cacheKey({ ...body, html: body.html.replace("Phone", "Phono") }), key);
  assert.notEqual(await cacheKey({ ...body, data: [] }), key);
  assert.notEqual(await cacheKey({ ...body, selected_sku_id: "1" }), key);
  assert.notEqual(await cacheKey({ ...body, url: "https://www.aliexpress.com/item/1.html" }), key);
});

test("a tab keeps only what the popup shows", () => {
  const answer = {
    ok: true,
    report: { page: { status: "ok" }, verdict: { level: "low", score: 6 }, findings: [], trust: [], listing: { description: "x".repeat(1e5) } },
    service: { running: true },
  };
  assert.deepEqual(summaryForTab(answer), {
    ok: true,
    report: { page: answer.report.page, verdict: answer.report.verdict, findings: [], trust: [] },
    service: answer.service,
  });
  const down = { ok: false, state: "service-down", message: "No answer" };
  assert.equal(summaryForTab(down), down);
  assert.equal(summaryForTab(undefined), null);
});

test("a blob the service refuses is named by index; other errors are not about blobs", () => {
  const body = analysisBody(request);
  assert.equal(refusedBlobIndex({ code: "bad_blob", field: "data[0]" }, body), 0);
  assert.equal(refusedBlobIndex({ code: "unknown_blob_source", field: "data[0]" }, body), null); // set aside by the service, not refused
  assert.equal(refusedBlobIndex({ code: "bad_blob", field: "data[1]" }, body), null); // no such blob
  assert.equal(refusedBlobIndex({ code: "bad_blob" }, body), null);
  assert.equal(refusedBlobIndex({ code: "too_large", field: "data[0]" }, body), null);
  assert.equal(refusedBlobIndex(new Error("network"), body), null);
});

test("only the product the tab loaded may be recorded, not one a page script moved to", () => {
  const loaded = "https://www.aliexpress.com/item/1005003568989271.html?spm=a2g0o.1";
  assert.equal(isLoadedProduct("https://www.aliexpress.com/item/1005003568989271.html?sku_id=1", loaded), true);
  assert.equal(isLoadedProduct("https://www.aliexpress.com/item/1005006717259012.html", loaded), false); // pushState
  assert.equal(isLoadedProduct("https://he.aliexpress.com/item/1005003568989271.html", loaded), false);
  assert.equal(isLoadedProduct("not an address", loaded), false);
  assert.equal(isLoadedProduct(loaded, ""), false);
});
