import assert from "node:assert/strict";
import { test } from "node:test";

import "../lib/constants.js";
import "../lib/deadlines.js";

const { orderPageUrl, dateInWords, daysUntil, deadlineLine, dueWarnings, keptWarnings, ordersByDeadline, warnDaysSetting, warningText } =
  globalThis.emptorLib;

// Shaped as GET /api/v1/orders answers (docs/api.md, "Orders"); fixed dates around 2026-09-01.
const order = (id, endsOn, extra = {}) => ({
  order_id: id,
  status: "Awaiting delivery",
  awaiting_receipt: true,
  store: "Vega Store",
  protection_ends: endsOn ? { ends_on: endsOn, kind: "explicit", source: "test", basis: null } : null,
  ...extra,
});
const TODAY = "2026-09-01";
const ORDERS = [
  order("A-today", "2026-09-01"),
  order("B-in3", "2026-09-04"),
  order("C-in5", "2026-09-06"),
  order("D-in6", "2026-09-07"),
  order("E-ended", "2026-08-31"),
  order("F-received", "2026-09-03", { status: "Completed", awaiting_receipt: false }),
  order("G-unknown-status", "2026-09-02", { status: null, awaiting_receipt: null }),
  order("H-no-date", null),
];
const ids = (warnings) => warnings.map((w) => w.order.order_id);

test("the orders that warn at each setting: today through today + N days, soonest first", () => {
  assert.deepEqual(ids(dueWarnings(ORDERS, { today: TODAY, warnDays: 5 })), ["A-today", "G-unknown-status", "B-in3", "C-in5"]);
  assert.deepEqual(ids(dueWarnings(ORDERS, { today: TODAY, warnDays: 0 })), ["A-today"]);
  assert.deepEqual(ids(dueWarnings(ORDERS, { today: TODAY, warnDays: 3 })), ["A-today", "G-unknown-status", "B-in3"]);
  assert.deepEqual(ids(dueWarnings(ORDERS, { today: TODAY, warnDays: 6 })).at(-1), "D-in6");
  assert.deepEqual(
    dueWarnings(ORDERS, { today: TODAY, warnDays: 5 }).map((w) => w.daysLeft),
    [0, 1, 3, 5],
  );
});

test("ended, received and undated orders stay quiet, however wide the window", () => {
  const warned = ids(dueWarnings(ORDERS, { today: TODAY, warnDays: 30 }));
  for (const quiet of ["E-ended", "F-received", "H-no-date"]) assert.ok(!warned.includes(quiet), quiet);
  // The day after its end, an order that warned no longer does.
  assert.deepEqual(ids(dueWarnings([order("B-in3", "2026-09-04")], { today: "2026-09-05", warnDays: 30 })), []);
  assert.deepEqual(dueWarnings([order("bad", "2026-02-30"), { order_id: 7 }, null], { today: TODAY, warnDays: 30 }), []);
});

test("no order warns twice for the same deadline; a moved deadline warns again", () => {
  const first = dueWarnings(ORDERS, { today: TODAY, warnDays: 5 });
  const warned = Object.fromEntries(first.map((w) => [w.key, "2026-09-01T08:00:00Z"]));
  assert.deepEqual(dueWarnings(ORDERS, { today: TODAY, warnDays: 5, warned }), []);
  // The next day, with a wider window: only the order not yet warned of.
  assert.deepEqual(ids(dueWarnings(ORDERS, { today: "2026-09-02", warnDays: 5, warned })), ["D-in6"]);
  // The protection was extended: a new deadline, a new warning.
  const extended = [order("B-in3", "2026-09-05")];
  assert.deepEqual(ids(dueWarnings(extended, { today: TODAY, warnDays: 5, warned })), ["B-in3"]);
  assert.deepEqual(ids(dueWarnings(ORDERS, { today: TODAY, warnDays: 5, warned: new Set(Object.keys(warned)) })), []);
});

test("warnings already given are forgotten once their deadline has passed", () => {
  const warned = { "A:2026-08-31": "x", "B:2026-09-01": "y", "C:2026-09-04": "z", "weird:key": "w" };
  assert.deepEqual(keptWarnings(warned, TODAY), { "B:2026-09-01": "y", "C:2026-09-04": "z" });
  assert.deepEqual(keptWarnings(undefined, TODAY), {});
});

test("the notification names the order, the store and the date in words", () => {
  const [warning] = dueWarnings([order("8000000000000003", "2026-09-04")], { today: TODAY, warnDays: 5 });
  const { title, message } = warningText(warning);
  assert.equal(title, "Buyer protection ends in 3 days");
  assert.match(message, /^Order 8000000000000003 from Vega Store: buyer protection ends on Friday, September 4, 2026\./);
  assert.equal(warningText({ order: order("X", "2026-09-01"), daysLeft: 0 }).title, "Buyer protection ends today");
  assert.equal(warningText({ order: order("X", "2026-09-02"), daysLeft: 1 }).title, "Buyer protection ends tomorrow");
  assert.equal(dateInWords("2026-12-31"), "Thursday, December 31, 2026");
  assert.equal(daysUntil("2027-01-01", "2026-12-31"), 1);
  assert.equal(daysUntil("2026-03-01", "2026-02-28"), 1);
});

test("the setting is a whole number of days from 0 to 30, else 5", () => {
  assert.equal(warnDaysSetting(undefined), 5);
  assert.equal(warnDaysSetting(0), 0);
  assert.equal(warnDaysSetting(30), 30);
  for (const bad of [31, -1, 2.5, "7", null]) assert.equal(warnDaysSetting(bad), 5, String(bad));
});

test("the popup lists open orders soonest first, then ended and received ones", () => {
  const { listed, undated } = ordersByDeadline(ORDERS, TODAY);
  assert.deepEqual(
    listed.map((item) => [item.order.order_id, item.state]),
    [
      ["A-today", "due"],
      ["G-unknown-status", "due"],
      ["B-in3", "due"],
      ["C-in5", "due"],
      ["D-in6", "due"],
      ["F-received", "over"],
      ["E-ended", "ended"],
    ],
  );
  assert.equal(undated, 1);
  assert.equal(deadlineLine(listed[2]), "Order B-in3 (Vega Store): buyer protection ends in 3 days, Friday, September 4, 2026.");
  assert.equal(deadlineLine(listed.at(-1)), "Order E-ended (Vega Store): buyer protection ended Monday, August 31, 2026.");
});

test("a deadline warning opens its order's page; other notifications open nothing", () => {
  const prefix = globalThis.EMPTOR.DEADLINES.NOTIFICATION_PREFIX;
  assert.equal(orderPageUrl(`${prefix}8212313961591322:2026-09-04`), "https://www.aliexpress.com/p/order/detail.html?orderId=8212313961591322");
  assert.equal(orderPageUrl(`${prefix}javascript:alert(1):2026-09-04`), null);
  assert.equal(orderPageUrl("another-extension:8212313961591322:2026-09-04"), null);
  assert.equal(orderPageUrl(undefined), null);
});
