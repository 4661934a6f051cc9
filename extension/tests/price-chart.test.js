import assert from "node:assert/strict";
import { test } from "node:test";

import "../lib/price-chart.js";

const { chartGeometry } = globalThis.emptorLib;

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
