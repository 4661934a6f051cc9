import assert from "node:assert/strict";
import { test } from "node:test";

import "../lib/constants.js";
import "../lib/labels.js";
import "../lib/verdict-view.js";

const { badgeContent, groupFindings, evidenceItems, reviewsOutcome, reviewsSummary, reviewTestRows, ruleLink } = globalThis.emptorLib;

// A real report: what the service answers for the 2020 Hebrew fixture page, saved by
// tests/test_golden.py's schema (trimmed to the fields the view reads).
const report = {
  page: { status: "ok", explanation: null },
  verdict: { level: "medium", score: 48 },
  findings: [
    { code: "CNT001", family_name: "Counterfeit and misleading listings", severity: "high", confidence: "high", message: 'The title says "מקורי" but the specifications give the condition as "משומש": the item is used or refurbished.', evidence: { title_words: ["מקורי"], condition_value: "משומש" }, weight: 32 },
    { code: "SEL001", family_name: "Seller", severity: "medium", confidence: "high", message: "Only 93.6% of this store's ratings are positive.", evidence: { positive_rate: 93.6, feedback_count: 526 }, weight: 16 },
    { code: "SHP003", family_name: "Shipping", severity: "low", confidence: "high", message: "Delivery is estimated at up to 34 days (by 2020-08-12).", evidence: { estimate_days: 34, max_days: null }, weight: 8 },
  ],
  trust: [{ code: "PRT003", family_name: "Protection and badges", severity: "low", confidence: "high", message: "90-day buyer protection.", evidence: { buyer_protection_days: 90 }, weight: -8 }],
  reviews: null,
};

test("the badge shows level, score and the top reason", () => {
  assert.deepEqual(badgeContent({ kind: "report", report }), {
    level: "medium",
    label: "Medium risk · 48",
    detail: report.findings[0].message,
  });
});

test("pages that were not judged get no risk level, and the service's words for why", () => {
  const explanation = "This item has been removed from sale.";
  const content = badgeContent({ kind: "report", report: { ...report, page: { status: "not_found", explanation }, verdict: { level: "unknown", score: null } } });
  assert.equal(content.level, "unknown");
  assert.equal(content.detail, explanation);
});

test("the service-down badge says how to start the service", () => {
  const content = badgeContent({ kind: "service-down" });
  assert.equal(content.level, "unknown");
  assert.match(content.detail, /make run/);
});

test("an unpaired browser is told how to pair, and an impostor is named as one, with no level", () => {
  const unpaired = badgeContent({ kind: "not-paired" });
  assert.equal(unpaired.level, "unknown");
  assert.match(unpaired.detail, /emptor pair/);
  const impostor = badgeContent({ kind: "not-our-service", message: "The program answering at http://127.0.0.1:8765 is not your emptor service." });
  assert.deepEqual([impostor.level, impostor.label], ["unknown", "This is not your emptor service"]);
  assert.match(impostor.detail, /not your emptor service/);
});

test("findings are grouped by family, heaviest first, named as the report names them", () => {
  const groups = groupFindings(report.findings);
  assert.deepEqual(groups.map((g) => g.family), ["CNT", "SEL", "SHP"]);
  assert.equal(groups[0].name, "Counterfeit and misleading listings");
  assert.deepEqual(groupFindings([...report.findings, { ...report.findings[0], code: "CNT003", weight: 8 }])[0].findings.map((f) => f.code), ["CNT001", "CNT003"]);
});

test("evidence reads as labelled values with units, nothing for a value the page did not give", () => {
  assert.deepEqual(evidenceItems(report.findings[2], report), [{ label: "Estimated delivery", text: "34 days" }]);
  assert.deepEqual(evidenceItems(report.findings[0], report), [
    { label: "Words in the title", text: "\u201cמקורי\u201d" },
    { label: "Condition given", text: "משומש" },
  ]);
  assert.deepEqual(evidenceItems(report.trust[0], report), [{ label: "Buyer protection", text: "90 days" }]);
});

const feed = ["https://feedback.aliexpress.com/pc/searchEvaluation.do?productId=32993251330&page=1"];

test("reviews: read while the service worker reads the feed, then what came of it", () => {
  const waiting = { ...report, review_feed_urls: feed, errors: [] };
  assert.deepEqual(reviewsOutcome(waiting), { state: "waiting", text: "Reading this listing's reviews\u2026" });
  const failed = { ...waiting, errors: [{ code: "reviews", message: "The reviews could not be loaded (AliExpress's review feed answered with error 500)." }] };
  assert.deepEqual(reviewsOutcome(failed), { state: "failed", text: failed.errors[0].message });
  // Another kind of error says nothing about the reviews.
  assert.equal(reviewsOutcome({ ...waiting, errors: [{ code: "data", message: "Not used: …" }] }).state, "waiting");
});

test("reviews: none to analyse, when the page shows none or the feed returns none", () => {
  assert.deepEqual(reviewsOutcome({ ...report, review_feed_urls: [], errors: [] }), {
    state: "none",
    text: "No reviews to analyse: the page shows none for this listing.",
  });
  const empty = { ...report, review_feed_urls: feed, listing: { rating: { count: 2 } }, reviews: { pages: 1, received: 0, analyzed: 0, tests: [{ code: "REV001", name: "Unnatural rating distribution", status: "skipped", basis: "" }] } };
  assert.deepEqual(reviewsOutcome(empty), {
    state: "none",
    text: "No reviews to analyse: AliExpress's review feed returned none for this listing, although the page counts 2 ratings.",
  });
  assert.deepEqual(reviewTestRows(empty), []); // nine tests "not run" say nothing the summary does not
  assert.equal(reviewsSummary(empty), reviewsOutcome(empty).text);
});

test("reviews: nothing is said of a page that was not judged", () => {
  assert.equal(reviewsOutcome({ ...report, page: { status: "blocked", explanation: "…" } }), null);
  assert.equal(reviewsSummary({ ...report, page: { status: "blocked", explanation: "…" } }), "");
});

// The reviews section the service gives the 2020 page with the 2024-09 review capture
// (`emptor scan … --reviews …`), trimmed to the fields the view reads.
const reviewed = {
  ...report,
  reviews: {
    pages: 1, received: 60, total: 494, analyzed: 60, shown_rating: 4.8, adjusted_rating: 4.98,
    rests_on: 60, suspicious: 0, strength: "weak",
    tests: [
      { code: "REV001", name: "Unnatural rating distribution", status: "pass", basis: "AliExpress's statistics for all 494 reviews" },
      { code: "REV003", name: "Burst of reviews", status: "warn", basis: "60 dated reviews read, 2024-04-18 to 2024-08-28" },
      { code: "REV004", name: "Verified purchases", status: "skipped", basis: "" },
    ],
  },
};

test("reviews: the summary gives the sample, the adjusted rating and the evidence's strength", () => {
  assert.equal(
    reviewsSummary(reviewed),
    "60 reviews analysed of 494. Adjusted rating 4.98 (the page shows 4.8), from 60 reviews. Evidence: weak.",
  );
  assert.match(reviewsSummary({ ...reviewed, reviews: { ...reviewed.reviews, suspicious: 3 } }), /3 look suspicious\./);
});

test("reviews: one row per test with a readable result", () => {
  assert.deepEqual(
    reviewTestRows(reviewed).map((row) => [row.code, row.result]),
    [["REV001", "passed"], ["REV003", "warning"], ["REV004", "not run"]],
  );
  assert.deepEqual(reviewTestRows(report), []);
});

test("rule links point at the service's rules page", () => {
  assert.equal(ruleLink("http://127.0.0.1:8765", "SEL001"), "http://127.0.0.1:8765/rules#SEL001");
});
