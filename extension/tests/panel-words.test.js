/*
 * What the shopper reads (issue 9): the panel shows evidence as labelled values with units, money
 * as the currency writes it, and the fields a page lacks in words; never a raw key, a field path
 * or JSON. Checked on real reports of the service (fixtures/reports.json says how they were made).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import "../lib/constants.js";
import "../lib/labels.js";
import "../lib/verdict-view.js";

const { evidenceItems, coverageText, formatMoney, reviewsOutcome } = globalThis.emptorLib;
const { EVIDENCE, COVERAGE } = globalThis.EMPTOR_LABELS;

const { reports } = JSON.parse(readFileSync(new URL("./fixtures/reports.json", import.meta.url), "utf8"));
const REPORT_2020 = reports["ali_32993251330_he_runParams_2020-07.html"];
const REPORT_2022 = reports["ali_3256803382674519_desktop_runParams_2022-12.html"];
const REPORT_2022_LOWER = reports["ali_3256803382674519_desktop_runParams_2022-12_after_a_lower_price.html"];
const REPORT_2026 = reports["ali_1005010171981745_uk_GBP_dcState-pdp_2026-07.json"];
const STORE = reports["ali_store_4682001_desktop_2024-02.html"];
const DRILL = reports["reviews_1005006717259012_2024-09.json"];
const DRILL_10B = reports["reviews_1005006717259012_2025-10b.json"];
const PEN = reports["reviews_4000927436411_2023-06_oldHTMLparsed.json"];
const EMPTY_FEED = reports["ali_32993251330_he_runParams_2020-07_empty_feed.html"];

/** Everything with evidence in a report: its findings, reasons to trust and review tests. */
function withEvidence(report) {
  return [...report.findings, ...report.trust, ...((report.reviews && report.reviews.tests) || [])];
}

/** Every label and text of entries, nested ones included. */
function flatten(entries, out = []) {
  for (const entry of entries) {
    out.push(entry.label);
    if (entry.items) flatten(entry.items, out);
    else out.push(entry.text);
  }
  return out;
}

const byLabel = (entries) => Object.fromEntries(entries.map((entry) => [entry.label, entry.items ? entry.items : entry.text]));
const finding = (report, code) => withEvidence(report).find((item) => item.code === code);

test("the fixture holds real reports with evidence of every family", () => {
  const codes = new Set(Object.values(reports).flatMap((report) => withEvidence(report).map((item) => item.code.slice(0, 3))));
  assert.deepEqual([...codes].sort(), ["CNT", "PRC", "PRT", "REV", "SEL", "SHP"]);
});

test("every evidence key of the real reports has a label, and no key reads as its raw name", () => {
  for (const [name, report] of Object.entries(reports)) {
    for (const item of withEvidence(report)) {
      for (const key of Object.keys(item.evidence)) assert.ok(Object.hasOwn(EVIDENCE, key), `${name} ${item.code}: no label for ${key}`);
      const words = flatten(evidenceItems(item, report));
      for (const word of words) {
        assert.equal(typeof word, "string", `${name} ${item.code}`);
        assert.doesNotMatch(word, /[{}]|\[object|undefined|NaN/, `${name} ${item.code}: ${word}`);
        assert.doesNotMatch(word, /\b[a-z]+_[a-z_]+\b/, `${name} ${item.code}: a raw name in ${word}`);
      }
      const labels = evidenceItems(item, report).map((entry) => entry.label);
      for (const label of labels) assert.ok(!Object.hasOwn(item.evidence, label), `${item.code}: ${label}`);
    }
  }
});

test("money is shown with the report's currency and its decimals", () => {
  // SHP001 on the 2022 US page: the service's own message wrote "3.8 USD".
  const shipping = byLabel(evidenceItems(finding(REPORT_2022, "SHP001"), REPORT_2022));
  assert.equal(shipping["Shipping"], "3.80 USD");
  assert.equal(shipping["Item price"], "1.73 USD");
  assert.equal(shipping["Shipping adds"], "220% to the price");
  assert.equal(shipping["Shipping method"], "Seller's Shipping Method - US");
  assert.ok(!("Currency" in shipping)); // every amount names it already
  const low = byLabel(evidenceItems(finding(REPORT_2022_LOWER, "PRC003"), REPORT_2022_LOWER));
  assert.equal(low["Price now"], "1.73 USD");
  assert.equal(low["Lowest recorded price"], "0.86 USD");
  assert.match(low["Lowest on"], /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(low["Period checked"], "90 days");
  const bait = byLabel(evidenceItems(finding(PEN, "PRC005"), PEN));
  assert.equal(bait["Variant price"], "4.47 USD");
  assert.equal(bait["Accessory words"], "\u201cchuck\u201d, \u201conly\u201d");
  assert.equal(bait["Variants at that price"], "1"); // a count, though its key ends in "price"
  assert.ok(!("Variant id" in bait)); // a number for programs
});

test("an amount without a currency in its evidence takes the listing's", () => {
  const original = { code: "PRC001", evidence: { original_price: 3.8, current_price: 2 } };
  assert.deepEqual(evidenceItems(original, REPORT_2026), [
    { label: "\u201cWas\u201d price", text: "3.80 GBP" },
    { label: "Price now", text: "2.00 GBP" },
  ]);
  assert.equal(formatMoney(1234.5, "RUB"), "1,234.50 RUB");
  assert.equal(formatMoney(1500, "JPY"), "1,500 JPY");
  assert.equal(formatMoney(3.8, null), "3.80");
});

test("units, percentages, dates and yes or no", () => {
  const seller = byLabel(evidenceItems(finding(REPORT_2026, "SEL001"), REPORT_2026));
  assert.deepEqual(seller, { "Positive feedback": "94.5%", "Flagged below": "95%", "Store ratings": "7,065" });
  const delivery = byLabel(evidenceItems(finding(REPORT_2020, "SHP003"), REPORT_2020));
  assert.equal(delivery["Estimated delivery"], "34 days");
  assert.equal(delivery["Estimate from"], "the delivery date shown");
  assert.equal(delivery["Delivery date shown"], "2020-08-12");
  assert.ok(!("Longest delivery time shown" in delivery)); // null: the page gave none
  const guarantee = byLabel(evidenceItems(finding(REPORT_2026, "PRT004"), REPORT_2026));
  assert.deepEqual(guarantee, { "Delivery guaranteed within": "35 days", "Compensation if late": "\uffe11.00", "Counts up to": "15 days" });
  assert.deepEqual(evidenceItems(finding(REPORT_2026, "PRT001"), REPORT_2026), [{ label: "AliExpress Choice", text: "Yes" }]);
});

test("nested values are labelled lists, never JSON", () => {
  const words = evidenceItems(finding(REPORT_2020, "CNT002"), REPORT_2020);
  assert.deepEqual(words, [{ label: "Copy words found", items: [{ label: "In the description", text: "\u201cלא מקורי\u201d" }] }]);
  const followUps = byLabel(evidenceItems(finding(DRILL, "REV006"), DRILL));
  assert.deepEqual(followUps["Examples"], [
    {
      label: "Example 1",
      items: [
        { label: "Stars", text: "5" },
        { label: "Added", text: "92 days later" },
        { label: "Text", text: "\u201cAfter a certain time began to fail not to turn off the button does not turn off, you will turn on it off\u201d" },
      ],
    },
  ]);
  const country = byLabel(evidenceItems(finding(DRILL_10B, "REV005"), DRILL_10B));
  assert.deepEqual(country["Reviews by country"], [{ label: "RU", text: "46 reviews" }]);
  assert.equal(country["Share from that country"], "100%");
  const stars = byLabel(evidenceItems(finding(DRILL, "REV001"), DRILL));
  assert.deepEqual(stars["Ratings by stars"].map((entry) => `${entry.label}: ${entry.text}`), [
    "1-star: 2.2%", "2-star: 0.8%", "3-star: 1.8%", "4-star: 6.3%", "5-star: 88.9%",
  ]);
  // An empty list or object says nothing.
  assert.equal(byLabel(evidenceItems(finding(PEN, "REV003"), PEN))["Busy days"], undefined);
});

test("a key the table does not know reads in words, and its money as money", () => {
  const future = {
    code: "XYZ001",
    evidence: { items_seen_count: 3, bundle_price: 12.5, floor_usd: 40, mode: "seller_only", nested_thing: { inner_key: 1, RU: 2 }, list_of: [{ a_b: true }] },
  };
  assert.deepEqual(evidenceItems(future, REPORT_2022), [
    { label: "Items seen count", text: "3" },
    { label: "Bundle price", text: "12.50 USD" },
    { label: "Floor USD", text: "40.00 USD" },
    { label: "Mode", text: "seller only" },
    { label: "Nested thing", items: [{ label: "Inner key", text: "1" }, { label: "RU", text: "2" }] },
    { label: "List of", items: [{ label: "1", items: [{ label: "A b", text: "Yes" }] }] },
  ]);
});

test("fields a page lacks are named in words", () => {
  assert.equal(coverageText(REPORT_2020), "Not found on this page: Choice badge, free returns, delivery guarantee.");
  assert.equal(coverageText(REPORT_2026), "Not found on this page: store followers, ratings by stars, buyer protection.");
  // The store page lacks every field: each has its words in the table.
  for (const field of STORE.coverage.missing) assert.ok(Object.hasOwn(COVERAGE, field), field);
  assert.doesNotMatch(coverageText(STORE), /[._]\w/);
  assert.equal(coverageText({ coverage: { missing: ["seller.some_field"] } }), "Not found on this page: seller some field.");
  assert.equal(coverageText({ coverage: { missing: [] } }), null);
});

test("real reviews: analysed, or none to analyse when the feed returned none", () => {
  assert.equal(reviewsOutcome(DRILL).state, "analysed");
  assert.match(reviewsOutcome(DRILL).text, /^60 reviews analysed of 494\./);
  assert.deepEqual(reviewsOutcome(EMPTY_FEED), {
    state: "none",
    text: "No reviews to analyse: AliExpress's review feed returned none for this listing, although the page counts 2 ratings.",
  });
  assert.equal(reviewsOutcome(REPORT_2020).state, "waiting"); // the first report, before the feed is read
  assert.equal(reviewsOutcome(STORE), null);
});
