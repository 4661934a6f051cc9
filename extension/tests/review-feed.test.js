import assert from "node:assert/strict";
import { test } from "node:test";

import { onPageOrigin } from "../background/review-feed.js";

// What the service answers for the 2020 Hebrew page (tests/test_golden.py checks the service side).
const FEED = [
  "https://feedback.aliexpress.com/pc/searchEvaluation.do?productId=32993251330&lang=iw_IL&country=US&pageSize=20&filter=all&sort=complex_default&page=1",
  "https://feedback.aliexpress.com/pc/searchEvaluation.do?productId=32993251330&lang=iw_IL&country=US&pageSize=20&filter=all&sort=complex_default&page=2",
];

test("on a real listing page the service's addresses are fetched as they are", () => {
  assert.deepEqual(onPageOrigin(FEED, "https://he.aliexpress.com/item/32993251330.html"), FEED);
});

test("the page's scheme and port carry over (tests serve pages over http on a local port)", () => {
  const [first] = onPageOrigin(FEED, "http://he.aliexpress.com:8123/item/32993251330.html");
  const url = new URL(first);
  assert.equal(url.origin, "http://feedback.aliexpress.com:8123");
  assert.equal(url.searchParams.get("lang"), "iw_IL");
});

test("anything that is not an http(s) address is dropped", () => {
  assert.deepEqual(onPageOrigin(["javascript:alert(1)", "not a url", 5], "https://www.aliexpress.com/item/1.html"), []);
  assert.deepEqual(onPageOrigin(undefined, "https://www.aliexpress.com/item/1.html"), []);
});
