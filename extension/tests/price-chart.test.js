import assert from "node:assert/strict";
import { test } from "node:test";

import "../lib/price-chart.js";

const { chartGeometry, priceMarks } = globalThis.emptorLib;

const row = (observed_at, price, extra = {}) => ({ observed_at, sku_id: null, country: "US", currency: "USD", price, original_price: null, ...extra });

test("nothing to draw without headline prices", () => {
  assert.equal(chartGeometry([]), null);
  assert.equal(chartGeometry([row("2024-01-01T00:00:00Z", 3, { sku_id: "1" })]), null);
});

test("one observation is a single centred point", () => {
  const geometry = chartGeometry([row("2022-12-20T18:36:11Z", 1.73)], { width: 200, height: 60 });
  assert.equal(geometry.points.length, 1);
  assert.deepEqual([geometry.points[0].x, geometry.points[0].y], [100, 30]);
  assert.equal(geometry.path, "M100,30");
});

test("a rising price draws left to right and bottom to top", () => {
  const geometry = chartGeometry([row("2024-01-01T00:00:00Z", 10), row("2024-01-11T00:00:00Z", 20), row("2024-01-21T00:00:00Z", 15)], { width: 216, height: 96, padding: 8 });
  assert.deepEqual(geometry.points.map((p) => [p.x, p.y]), [[8, 88], [108, 8], [208, 48]]);
  assert.equal(geometry.path, "M8,88 L108,8 L208,48");
  assert.deepEqual([geometry.low, geometry.high, geometry.currency], [10, 20, "USD"]);
});

test("only the latest country and currency are drawn: prices in others are not comparable", () => {
  const geometry = chartGeometry([row("2024-01-01T00:00:00Z", 90, { currency: "EUR", country: "DE" }), row("2024-02-01T00:00:00Z", 10), row("2024-03-01T00:00:00Z", 12)]);
  assert.equal(geometry.points.length, 2);
  assert.equal(geometry.currency, "USD");
});

// PRC001 and PRC003 as the service reports them (evidence trimmed to the fields read here).
const findings = [
  { code: "PRC001", evidence: { original_price: 40, current_price: 20, highest_recorded: 22, currency: "USD" } },
  { code: "PRC003", evidence: { current_price: 20, recorded_low: 10, currency: "USD" } },
  { code: "SEL001", evidence: { positive_rate: 93.6 } },
  { code: "PRC003", evidence: { recorded_low: 7, currency: "EUR" } },
];

test("price findings give the chart its reference lines; other findings give none", () => {
  assert.deepEqual(priceMarks(findings).map((mark) => [mark.code, mark.price, mark.currency]), [
    ["PRC001", 40, "USD"],
    ["PRC003", 10, "USD"],
    ["PRC003", 7, "EUR"],
  ]);
  assert.deepEqual(priceMarks([{ code: "PRC003", evidence: { recorded_low: "10" } }]), []);
  assert.deepEqual(priceMarks(undefined), []);
});

test("reference lines stretch the scale and only those in the chart's currency are drawn", () => {
  const series = [row("2024-01-01T00:00:00Z", 12), row("2024-01-11T00:00:00Z", 20)];
  const geometry = chartGeometry(series, { width: 216, height: 96, padding: 8, marks: priceMarks(findings) });
  assert.deepEqual([geometry.low, geometry.high], [10, 40]);
  assert.deepEqual(geometry.marks.map((mark) => [mark.code, mark.y]), [["PRC001", 8], ["PRC003", 88]]);
  assert.deepEqual(chartGeometry(series).marks, []);
});
