import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  artifactTooLarge,
  bytesFromDataUrl,
  evidenceBasis,
  evidenceFacts,
  evidenceLocale,
  evidenceRecord,
  checkoutOf,
  orderIdFromUrl,
  pageKind,
  snapshotKind,
  isPng,
  productIdFromUrl,
  savedText,
} from "../background/evidence-record.js";
import { answerSignature, authorization } from "../background/signing.js";

const { reports } = JSON.parse(readFileSync(new URL("./fixtures/reports.json", import.meta.url), "utf8"));
const REPORT_2020 = reports["ali_32993251330_he_runParams_2020-07.html"];
const URL_2020 = "https://he.aliexpress.com/item/32993251330.html?spm=a2g0o";
// A 1 × 1 PNG, as captureVisibleTab hands it over.
const PNG_DATA_URL =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

test("the facts of a real report: the verdict, the findings and the listing's price", () => {
  const facts = evidenceFacts(REPORT_2020);
  assert.equal(facts.page_status, "ok");
  assert.deepEqual(facts.verdict, { level: REPORT_2020.verdict.level, score: REPORT_2020.verdict.score, judged_at: REPORT_2020.verdict.judged_at });
  assert.deepEqual(facts.price, REPORT_2020.listing.price);
  assert.deepEqual(facts.rating, REPORT_2020.listing.rating);
  assert.deepEqual(
    facts.findings.map((finding) => finding.code),
    REPORT_2020.findings.map((finding) => finding.code),
  );
  assert.ok(facts.findings.every((finding) => typeof finding.message === "string"));
  assert.deepEqual(facts.trust.map((finding) => finding.code), REPORT_2020.trust.map((finding) => finding.code));
  // Only what canonical JSON holds: a round trip changes nothing.
  assert.deepEqual(JSON.parse(JSON.stringify(facts)), facts);
});

test("seller, delivery and protections are kept when the report has them; numbers JSON cannot hold are not", () => {
  const report = {
    ...REPORT_2020,
    listing: {
      ...REPORT_2020.listing,
      seller: { name: "Shop", positive_rate: 0.936 },
      shipping: { delivery_days: 12, free: true },
      badges: { choice: true, buyer_protection_days: 75 },
      orders: Number.NaN,
    },
  };
  const facts = evidenceFacts(report);
  assert.deepEqual(facts.seller, { name: "Shop", positive_rate: 0.936 });
  assert.deepEqual(facts.shipping, { delivery_days: 12, free: true });
  assert.deepEqual(facts.badges, { choice: true, buyer_protection_days: 75 });
  assert.equal(facts.orders, null);
  assert.deepEqual(evidenceFacts(null), {});
  assert.deepEqual(evidenceFacts({ page: null }), {});
});

test("the record of a snapshot of the 2020 listing", () => {
  const basis = evidenceBasis({ ok: true, report: REPORT_2020 });
  assert.deepEqual(basis.locale, REPORT_2020.listing.locale);
  const artifacts = [
    { name: "page.html", sha256: "a".repeat(64), media_type: "text/html", size: 10 },
    { name: "screenshot.png", sha256: "b".repeat(64), media_type: "image/png", size: 20 },
  ];
  const record = evidenceRecord({ url: URL_2020, browserTime: "2026-12-01T19:40:00.000Z", userAgent: "Chromium", artifacts, basis });
  assert.deepEqual(record, {
    kind: "listing",
    url: URL_2020,
    product_id: "32993251330",
    order_id: null,
    browser_time: "2026-12-01T19:40:00.000Z",
    user_agent: "Chromium",
    locale: REPORT_2020.listing.locale,
    facts: evidenceFacts(REPORT_2020),
    artifacts: artifacts.map(({ name, sha256, media_type }) => ({ name, sha256, media_type })),
  });
});

test("facts of another listing (the tab moved on) and failed answers are not used", () => {
  const basis = evidenceBasis({ ok: true, report: REPORT_2020 });
  const other = "https://www.aliexpress.com/item/1005001.html";
  const record = evidenceRecord({ url: other, browserTime: "t", userAgent: "u", artifacts: [], basis });
  assert.equal(record.product_id, "1005001");
  assert.deepEqual(record.facts, {});
  assert.equal(record.locale, undefined);
  assert.equal(evidenceBasis({ ok: false, state: "service-down" }), null);
  const bare = evidenceRecord({ url: URL_2020, browserTime: "t", userAgent: "u", artifacts: [], basis: null });
  assert.equal(bare.product_id, "32993251330");
  assert.deepEqual(bare.facts, {});
});

test("locale, product id, screenshot bytes and limits", () => {
  assert.equal(evidenceLocale({ listing: { locale: { country: "", currency: null } } }), null);
  assert.deepEqual(evidenceLocale({ listing: { locale: { country: "US", language: "he" } } }), { country: "US", currency: null, language: "he" });
  assert.equal(productIdFromUrl("https://www.aliexpress.com/store/product/x/123_456.html"), null);
  assert.equal(productIdFromUrl("https://www.aliexpress.com/store/product/x/4567.html"), "4567");
  assert.equal(productIdFromUrl("not a url"), null);
  const { mediaType, bytes } = bytesFromDataUrl(PNG_DATA_URL);
  assert.equal(mediaType, "image/png");
  assert.ok(isPng(bytes));
  assert.ok(!isPng(new TextEncoder().encode("<html>")));
  assert.throws(() => bytesFromDataUrl("nothing"));
  assert.equal(artifactTooLarge("page.html", 16 * 1024 * 1024), null);
  assert.match(artifactTooLarge("page.html", 16 * 1024 * 1024 + 1), /16 MB at most/);
  assert.equal(artifactTooLarge("screenshot.png", 25 * 1024 * 1024), null);
  assert.match(savedText({ id: "abc", captured_at: "2026-12-01T19:40:00Z" }, { screenshot: true }), /record abc, at 2026-12-01 19:40:00 UTC/);
});

test("an artifact is sent as its raw bytes, and the signature covers exactly those bytes", async () => {
  const secret = "s".repeat(32);
  const sent = [];
  globalThis.chrome = { storage: { local: { get: async () => ({ serviceUrl: "http://127.0.0.1:8765", token: secret }) } } };
  globalThis.fetch = async (url, init) => {
    const path = new URL(url).pathname;
    sent.push({ path, init });
    const nonce = /nonce=([0-9a-f]+)/.exec(init.headers.Authorization)[1];
    const body = path.endsWith("/pairing") ? '{"paired":true,"version":"x"}' : '{"sha256":"x","size":3,"media_type":"image/png"}';
    const status = path.endsWith("/pairing") ? 200 : 201;
    const signature = await answerSignature({ secret, nonce, status, body });
    return new Response(body, { status, headers: { "X-Emptor-Signature": signature } });
  };
  const { service } = await import("../background/service-client.js");
  const bytes = bytesFromDataUrl(PNG_DATA_URL).bytes;
  const answer = await service.evidenceArtifact({ bytes, mediaType: "image/png", name: "screenshot.png" });
  assert.equal(answer.media_type, "image/png");
  const upload = sent.find((request) => request.path === "/api/v1/evidence/artifacts");
  assert.equal(upload.init.method, "POST");
  assert.equal(upload.init.headers["Content-Type"], "image/png");
  assert.equal(upload.init.headers["X-Emptor-Artifact-Name"], "screenshot.png");
  assert.equal(upload.init.body, bytes); // not re-encoded
  const [, ts, nonce] = /ts=(\d+), nonce=([0-9a-f]+)/.exec(upload.init.headers.Authorization);
  const expected = await authorization({ secret, method: "POST", pathWithQuery: "/api/v1/evidence/artifacts", body: bytes, ts: Number(ts), nonce });
  assert.equal(upload.init.headers.Authorization, expected);
  delete globalThis.chrome;
});

test("the kind of each marketplace page, and none for other addresses", () => {
  const kinds = {
    "https://www.aliexpress.com/item/1005001.html": "listing",
    "https://www.aliexpress.com/store/product/x/1392990_32993251330.html": "listing",
    "https://www.aliexpress.com/p/order/index.html": "order",
    "https://www.aliexpress.us/p/order/detail.html?orderId=8212345678901234": "order",
    "https://trade.aliexpress.com/order_detail.htm?orderId=66712345678901": "order",
    "https://www.aliexpress.com/p/tracking/index.html?tradeOrderId=8212345678901234": "tracking",
    "https://www.aliexpress.com/p/trade/confirm.html?objectId=1005006454451334&skuId=12000023368692244": "checkout",
    "https://msg.aliexpress.com/msgDetail.htm?digest=ab": "messages",
    "https://www.aliexpress.com/p/message/index.html?orderId=8212345678901234": "messages",
    "https://www.aliexpress.com/": null,
    "https://aliexpress.com.evil.example/p/order/index.html": null,
    "https://notaliexpress.com/item/1.html": null,
    "file:///p/order/index.html": null,
    "not a url": null,
  };
  for (const [url, kind] of Object.entries(kinds)) assert.equal(pageKind(url), kind, url);
  assert.equal(orderIdFromUrl("https://www.aliexpress.com/p/order/detail.html?orderId=8212345678901234"), "8212345678901234");
  assert.equal(orderIdFromUrl("https://www.aliexpress.com/p/tracking/index.html?tradeOrderId=8212345678901234"), "8212345678901234");
  assert.equal(orderIdFromUrl("https://www.aliexpress.com/p/order/detail.html?orderId=<script>"), null);
  assert.equal(orderIdFromUrl("https://www.aliexpress.com/p/order/index.html"), null);
});

test("an account page is saved as one whatever a page script made its address say", () => {
  const order = "https://www.aliexpress.com/p/order/detail.html?orderId=8212345678901234";
  const listing = "https://www.aliexpress.com/item/1005001.html";
  assert.equal(snapshotKind({ url: order, loadedUrl: order, account: true }), "order");
  // history.replaceState to a listing's address on an order page: still an order page, redacted.
  assert.equal(snapshotKind({ url: listing, loadedUrl: order, account: true }), "order");
  assert.equal(snapshotKind({ url: listing, loadedUrl: listing, account: true }), "order");
  assert.equal(snapshotKind({ url: listing, loadedUrl: listing, account: false }), "listing");
  assert.equal(snapshotKind({ url: "https://www.aliexpress.com/p/trade/confirm.html?objectId=1", loadedUrl: listing, account: true }), "checkout");
});

test("a checkout is keyed by product and variant, or by its cart lines", () => {
  const bought = checkoutOf("https://www.aliexpress.com/p/trade/confirm.html?objectId=1005002350952975&skuAttr=200000182%3A193&skuId=12000023368692244&quantity=1");
  assert.deepEqual(bought, { key: "product:1005002350952975:12000023368692244", productId: "1005002350952975", skuId: "12000023368692244", cartIds: null });
  const noVariant = checkoutOf("https://www.aliexpress.com/p/trade/confirm.html?objectId=1005002350952975");
  assert.equal(noVariant.key, "product:1005002350952975:-");
  const cart = checkoutOf("https://www.aliexpress.com/p/trade/confirm.html?availableProductShopcartIds=300,100,x");
  assert.deepEqual(cart, { key: "cart:100,300", productId: null, skuId: null, cartIds: ["100", "300"] });
  assert.equal(checkoutOf("https://www.aliexpress.com/p/trade/confirm.html"), null);
  assert.equal(checkoutOf("https://www.aliexpress.com/item/1005002350952975.html"), null);
  const record = evidenceRecord({
    url: "https://www.aliexpress.com/p/trade/confirm.html?objectId=32993251330&skuId=7",
    browserTime: "t",
    userAgent: "u",
    artifacts: [],
    basis: evidenceBasis({ ok: true, report: REPORT_2020 }),
    extraFacts: { redaction: { redacted: true, fields: [] } },
  });
  assert.equal(record.kind, "checkout");
  assert.equal(record.product_id, "32993251330");
  assert.equal(record.order_id, null);
  assert.deepEqual(record.facts.checkout, { product_id: "32993251330", sku_id: "7", cart_ids: null });
  assert.deepEqual(record.facts.verdict, evidenceFacts(REPORT_2020).verdict);
  assert.deepEqual(record.facts.redaction, { redacted: true, fields: [] });
  const order = evidenceRecord({
    url: "https://www.aliexpress.com/p/order/detail.html?orderId=8212345678901234",
    browserTime: "t",
    userAgent: "u",
    artifacts: [],
    basis: evidenceBasis({ ok: true, report: REPORT_2020 }),
  });
  assert.equal(order.kind, "order");
  assert.equal(order.order_id, "8212345678901234");
  assert.equal(order.product_id, null);
  assert.deepEqual(order.facts, {}, "a listing's verdict is not an order page's fact");
});
