import assert from "node:assert/strict";
import { test } from "node:test";

import { feedLocale, reviewFeedUrls } from "../background/reviews.js";

const report = { listing: { product_id: "1005003568989271", locale: { language: "en", country: "US" } } };

test("the review feed is asked for the global id, in the page's language and country", () => {
  const [first, second] = reviewFeedUrls("https://www.aliexpress.us/item/3256803382674519.html", report);
  const url = new URL(first);
  assert.equal(url.origin, "https://feedback.aliexpress.com");
  assert.equal(url.pathname, "/pc/searchEvaluation.do");
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    productId: "1005003568989271", lang: "en_US", country: "US", pageSize: "20", filter: "all", sort: "complex_default", page: "1",
  });
  assert.equal(new URL(second).searchParams.get("page"), "2");
});

test("the page's scheme and port carry over (tests serve pages over http on a local port)", () => {
  const [first] = reviewFeedUrls("http://www.aliexpress.com:8123/item/1.html", report, 1);
  assert.equal(new URL(first).origin, "http://feedback.aliexpress.com:8123");
});

test("a Hebrew page asks for Hebrew reviews, in AliExpress's locale code", () => {
  const [first] = reviewFeedUrls("https://he.aliexpress.com/item/1.html", { listing: { product_id: "32993251330", locale: { language: "he", country: "US" } } }, 1);
  assert.equal(new URL(first).searchParams.get("lang"), "iw_IL");
  assert.equal(feedLocale("de"), "de_DE");
});

test("no product id, no feed", () => {
  assert.deepEqual(reviewFeedUrls("https://www.aliexpress.com/item/1.html", { listing: { product_id: null, locale: {} } }), []);
});
