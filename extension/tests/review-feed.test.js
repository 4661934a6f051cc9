import assert from "node:assert/strict";
import { test } from "node:test";

import { fetchReviewPages, onPageOrigin } from "../background/review-feed.js";

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

// --- fetching: what came of each page, in words for the panel ----------------------------------

const PAGE = "https://he.aliexpress.com/item/32993251330.html";
const REVIEW_PAGE = { data: { evaViewList: [{ buyerFeedback: "Good" }], totalNum: 2 } };

/** Run fetchReviewPages with the browser's fetch and permissions played by `answers` (one per
 * request: a Response, or an error to throw) and `granted`. */
async function fetchWith(answers, { granted = true } = {}) {
  const saved = { fetch: globalThis.fetch, chrome: globalThis.chrome };
  const asked = [];
  globalThis.chrome = { permissions: { contains: async () => granted } };
  globalThis.fetch = async (url) => {
    asked.push(url);
    const answer = answers.shift();
    if (answer instanceof Error) throw answer;
    return answer;
  };
  try {
    return { ...(await fetchReviewPages(PAGE, FEED)), asked };
  } finally {
    Object.assign(globalThis, saved);
  }
}

const json = (value, status = 200) => new Response(JSON.stringify(value), { status, headers: { "Content-Type": "application/json" } });
const named = (name) => Object.assign(new Error(name), { name });

test("every page read: the pages, and no failure", async () => {
  const outcome = await fetchWith([json(REVIEW_PAGE), json(REVIEW_PAGE)]);
  assert.deepEqual(outcome.pages, [REVIEW_PAGE, REVIEW_PAGE]);
  assert.equal(outcome.failure, null);
  assert.equal(outcome.asked.length, 2);
});

test("a feed that answers with an error, or not with JSON, says so, and stops there", async () => {
  const error = await fetchWith([json({ ok: false }, 500)]);
  assert.deepEqual([error.pages, error.failure, error.asked.length], [[], "AliExpress's review feed answered with error 500", 1]);
  const html = await fetchWith([new Response("<html>robot check</html>", { status: 200 })]);
  assert.deepEqual([html.pages, html.failure], [[], "AliExpress's review feed did not answer with reviews"]);
  // The first page read is kept: the service analyses what there is.
  const second = await fetchWith([json(REVIEW_PAGE), json({}, 503)]);
  assert.deepEqual([second.pages.length, second.failure], [1, "AliExpress's review feed answered with error 503"]);
});

test("a feed that cannot be reached, or is too slow, says so", async () => {
  assert.equal((await fetchWith([new TypeError("Failed to fetch")])).failure, "AliExpress's review feed could not be reached");
  assert.equal((await fetchWith([named("TimeoutError")])).failure, "AliExpress's review feed did not answer within 8 s");
});

test("a feed the extension may not read is not asked, and the shopper is told why", async () => {
  const outcome = await fetchWith([json(REVIEW_PAGE)], { granted: false });
  assert.deepEqual([outcome.pages, outcome.asked], [[], []]);
  assert.equal(outcome.failure, "emptor has no permission to read feedback.aliexpress.com");
});
