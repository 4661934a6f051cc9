import assert from "node:assert/strict";
import { test } from "node:test";

import { CAPTURE_INTERVAL_MS, capturePlan, fullPageText } from "../background/fullpage.js";

const C = globalThis.EMPTOR;
const LIMITS = { maxCaptures: C.EVIDENCE.FULL_PAGE_MAX_CAPTURES, maxCanvasPx: C.EVIDENCE.FULL_PAGE_MAX_CANVAS_PX };

test("a page three and a half screens tall takes four screenshots, the last aligned with its bottom", () => {
  const plan = capturePlan({ pageHeight: 3150, viewportHeight: 900, scale: 1, ...LIMITS });
  assert.deepEqual(plan.offsets, [0, 900, 1800, 2250]);
  assert.equal(plan.height, 3150);
  assert.equal(plan.cut, false);
  assert.equal(plan.needed, 4);
});

test("a page exactly two screens tall takes two, with no overlap", () => {
  assert.deepEqual(capturePlan({ pageHeight: 1800, viewportHeight: 900, scale: 2, ...LIMITS }).offsets, [0, 900]);
});

test("a page shorter than the screen takes one screenshot of the screen", () => {
  const plan = capturePlan({ pageHeight: 400, viewportHeight: 900, scale: 1, ...LIMITS });
  assert.deepEqual(plan.offsets, [0]);
  assert.equal(plan.height, 900);
  assert.equal(plan.cut, false);
});

test("a page longer than the cap is cut after FULL_PAGE_MAX_CAPTURES screens, and says so", () => {
  const plan = capturePlan({ pageHeight: 100000, viewportHeight: 900, scale: 1, ...LIMITS });
  assert.equal(plan.offsets.length, C.EVIDENCE.FULL_PAGE_MAX_CAPTURES);
  assert.deepEqual(plan.offsets.slice(-2), [18 * 900, 19 * 900]); // screen after screen: no bottom alignment
  assert.equal(plan.height, 20 * 900);
  assert.equal(plan.cut, true);
  assert.equal(plan.needed, Math.ceil(100000 / 900));
});

test("at a high pixel ratio the canvas's height, not the count, cuts the page", () => {
  // 900 CSS px at 3 device px each: 2700 device px a screen, 12 screens in 32,767.
  const plan = capturePlan({ pageHeight: 30000, viewportHeight: 900, scale: 3, ...LIMITS });
  assert.equal(plan.offsets.length, 12);
  assert.ok(plan.height * 3 <= C.EVIDENCE.FULL_PAGE_MAX_CANVAS_PX);
  assert.equal(plan.cut, true);
});

test("fractional sizes (zoomed pages) are rounded to whole pixels", () => {
  const plan = capturePlan({ pageHeight: 2000.4, viewportHeight: 900.6, scale: 1.25, ...LIMITS });
  assert.deepEqual(plan.offsets, [0, 900, 1101]);
  assert.equal(plan.height, 2001);
});

test("sizes that are not positive numbers are refused by name", () => {
  assert.throws(() => capturePlan({ pageHeight: 1000, viewportHeight: 0, scale: 1, ...LIMITS }), /viewportHeight/);
  assert.throws(() => capturePlan({ pageHeight: Number.NaN, viewportHeight: 900, scale: 1, ...LIMITS }), /pageHeight/);
  assert.throws(() => capturePlan({ pageHeight: 1000, viewportHeight: 900, scale: undefined, ...LIMITS }), /scale/);
});

test("screenshots are spaced for the browser's two a second", () => {
  assert.ok(CAPTURE_INTERVAL_MS >= 500 && CAPTURE_INTERVAL_MS < 1000);
});

test("the shopper's words: a whole page, and a page cut and why", () => {
  assert.equal(fullPageText({ captures: 4, cut: false, captured_height: 3150, page_height: 3150 }), "The whole-page image took 4 screens.");
  const cut = fullPageText({ captures: 20, cut: true, captured_height: 18000, page_height: 100000 });
  assert.match(cut, /first 20 screens \(18000 of 100000 pixels\): emptor stops at 20 screens/);
  assert.match(fullPageText({ captures: 12, cut: true, captured_height: 10800, page_height: 30000 }), /more than the browser draws/);
});
