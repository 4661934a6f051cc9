/*
 * Buyer-protection deadlines (issue 10), pure: which orders of the worker's copy warn today,
 * what the warning says, and the popup's list by deadline. Dates are calendar days
 * ("2026-09-04"), compared as days, never as instants: "today" is the shopper's own day, given
 * by the caller (localDay), so the node tests run on fixed dates.
 *
 * An order warns when its protection end is known, it is not known to be over (the feed says the
 * buyer confirmed receipt or the order completed: awaiting_receipt false, as the service's
 * `due_within` leaves it out), and it ends between today and today + warnDays, both included.
 * Each order warns once per deadline: the key is the order id and the date, so a later feed that
 * moves the date (an extension of the protection) warns again, for the new date.
 */
(function (root) {
  "use strict";

  const DAY_MS = 24 * 60 * 60 * 1000;
  const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

  function dayNumber(iso) {
    const match = typeof iso === "string" ? ISO_DAY.exec(iso) : null;
    if (!match) return null;
    const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    const back = new Date(time);
    if (back.getUTCDate() !== Number(match[3]) || back.getUTCMonth() !== Number(match[2]) - 1) return null; // 2026-02-30
    return Math.round(time / DAY_MS);
  }

  /** The shopper's calendar day of `date` (their time zone), as YYYY-MM-DD. */
  function localDay(date = new Date()) {
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  }

  /** Days from `today` to `iso` (negative once it has passed); null for a date that is not one. */
  function daysUntil(iso, today) {
    const end = dayNumber(iso);
    const start = dayNumber(today);
    return end === null || start === null ? null : end - start;
  }

  /** "Friday, September 4, 2026": the day itself, whatever the shopper's time zone. */
  function dateInWords(iso, locale = "en-US") {
    const day = dayNumber(iso);
    if (day === null) return String(iso);
    return new Date(day * DAY_MS).toLocaleDateString(locale, {
      weekday: "long",
      year: "numeric",
      month: "long",
      day: "numeric",
      timeZone: "UTC",
    });
  }

  function endsOn(order) {
    return order && order.protection_ends && typeof order.protection_ends.ends_on === "string" ? order.protection_ends.ends_on : null;
  }

  /** The warning's key: one per order and deadline. */
  function warningKey(order) {
    return `${order.order_id}:${endsOn(order)}`;
  }

  /** A whole number of days from min to max, else the default. */
  function warnDaysSetting(value, { min = 0, max = 30, fallback = 5 } = {}) {
    return Number.isInteger(value) && value >= min && value <= max ? value : fallback;
  }

  /** The orders to warn about now, soonest first: [{key, order, daysLeft}], leaving out those
   * already warned of (`warned`: an object or Set of keys). */
  function dueWarnings(orders, { today, warnDays, warned = {} }) {
    const already = warned instanceof Set ? warned : new Set(Object.keys(warned || {}));
    const due = [];
    for (const order of Array.isArray(orders) ? orders : []) {
      if (!order || typeof order.order_id !== "string" || order.awaiting_receipt === false) continue;
      const daysLeft = daysUntil(endsOn(order), today);
      if (daysLeft === null || daysLeft < 0 || daysLeft > warnDays) continue;
      const key = warningKey(order);
      if (!already.has(key)) due.push({ key, order, daysLeft });
    }
    return due.sort((a, b) => a.daysLeft - b.daysLeft || a.key.localeCompare(b.key));
  }

  /** The warnings still worth remembering: those whose deadline has not passed (an order warns
   * once per deadline, and a passed one warns no more). */
  function keptWarnings(warned, today) {
    const kept = {};
    for (const [key, at] of Object.entries(warned || {})) {
      const date = key.slice(key.lastIndexOf(":") + 1);
      const left = daysUntil(date, today);
      if (left !== null && left >= 0) kept[key] = at;
    }
    return kept;
  }

  function inDays(daysLeft) {
    if (daysLeft === 0) return "today";
    if (daysLeft === 1) return "tomorrow";
    return `in ${daysLeft} days`;
  }

  /** The notification's title and message for one due order. */
  function warningText({ order, daysLeft }) {
    const store = order.store ? ` from ${order.store}` : "";
    return {
      title: `Buyer protection ends ${inDays(daysLeft)}`,
      message:
        `Order ${order.order_id}${store}: buyer protection ends on ${dateInWords(endsOn(order))}. ` +
        "If the item has not arrived or is not as described, open a dispute before then.",
    };
  }

  /** The popup's list: the orders with a protection end, soonest first, each with `state`
   * "due" (still open), "ended" (the date has passed) or "over" (received or completed), the open
   * ones first; and how many have no known end. */
  function ordersByDeadline(orders, today) {
    const listed = [];
    let undated = 0;
    for (const order of Array.isArray(orders) ? orders : []) {
      const daysLeft = daysUntil(endsOn(order), today);
      if (daysLeft === null) {
        undated++;
        continue;
      }
      const state = order.awaiting_receipt === false ? "over" : daysLeft < 0 ? "ended" : "due";
      listed.push({ order, daysLeft, state });
    }
    const rank = (item) => (item.state === "due" ? 0 : 1);
    listed.sort((a, b) => rank(a) - rank(b) || (rank(a) === 0 ? a.daysLeft - b.daysLeft : b.daysLeft - a.daysLeft));
    return { listed, undated };
  }

  /** One line of the popup's list, in words. */
  function deadlineLine({ order, daysLeft, state }) {
    const store = order.store ? ` (${order.store})` : "";
    const date = dateInWords(endsOn(order));
    if (state === "over") return `Order ${order.order_id}${store}: ${order.status || "received"}; protection was to end ${date}.`;
    if (state === "ended") return `Order ${order.order_id}${store}: buyer protection ended ${date}.`;
    return `Order ${order.order_id}${store}: buyer protection ends ${inDays(daysLeft)}, ${date}.`;
  }

  // The order's own page on the 2022+ site, where the shopper confirms receipt, asks for more
  // protection time or opens a dispute (docs/extension.md, "Deadlines").
  const ORDER_PAGE = "https://www.aliexpress.com/p/order/detail.html?orderId=";

  /** The order page a deadline warning (its notification id: the prefix, then the warning's key)
   * is about, or null for any other notification. */
  function orderPageUrl(notificationId) {
    const prefix = root.EMPTOR.DEADLINES.NOTIFICATION_PREFIX;
    if (typeof notificationId !== "string" || !notificationId.startsWith(prefix)) return null;
    const orderId = notificationId.slice(prefix.length).split(":")[0];
    return /^\d{6,32}$/.test(orderId) ? ORDER_PAGE + orderId : null;
  }

  root.emptorLib = Object.assign(root.emptorLib || {}, {
    orderPageUrl,
    localDay,
    daysUntil,
    dateInWords,
    warningKey,
    warnDaysSetting,
    dueWarnings,
    keptWarnings,
    warningText,
    ordersByDeadline,
    deadlineLine,
  });
})(globalThis);
