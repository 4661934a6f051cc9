/*
 * The shopper's account pages in the service worker (issue 10; docs/extension.md, "Account
 * pages"):
 * - an order feed's answer (content/account.js hands over what the page received), or the old
 *   site's rendered order detail page, goes to the service (POST /api/v1/orders), which stores the orders and their buyer-protection ends; the
 *   worker's copy of the deadlines is then refreshed and checked, so a deadline already near
 *   warns at once rather than at the next alarm;
 * - a checkout page that has shown its order is saved as evidence once per product and variant
 *   (evidence-record.js, checkoutOf): the page and the facts, with a screenshot only when the
 *   shopper granted the optional permission for screenshots (options page); the tab remembers it
 *   for the popup.
 * What each tab's account page gave is kept in chrome.storage.session (accountKey) for the popup.
 */
import "../lib/constants.js";
import "../lib/ttl-cache.js";
import { checkDeadlines, refreshOrders } from "./deadlines.js";
import { checkoutOf, pageKind } from "./evidence-record.js";
import { screenshotsAllowed } from "./fullpage.js";
import { service } from "./service-client.js";
import { sha256Hex } from "./signing.js";

const C = globalThis.EMPTOR;
const A = C.ACCOUNT;
const { TtlCache } = globalThis.emptorLib;

// Pages whose feeds are order feeds: a "feed" from any other page is refused.
const FEED_PAGES = new Set(["order", "tracking", "checkout"]);
// The same answer seen again (a reload, a page that asks twice) is not sent again within this
// time: the service would store the same rows.
const seenFeeds = new TtlCache({ ttlMs: 10 * 60 * 1000, maxEntries: 200 });
const savingCheckouts = new Set(); // checkout keys being saved: a second message waits for none

export const accountKey = (tabId) => `account:${tabId}`;

// Each tab's page loads, counted (forgetAccountTab): what a slow feed or save learnt is kept for
// the popup only if its tab still shows the page it came from.
const visits = new Map();
const visitOf = (tabId) => visits.get(tabId) || 0;

/** The tab closed or is loading another page (service-worker.js, forgetTab). */
export function forgetAccountTab(tabId) {
  visits.set(tabId, visitOf(tabId) + 1);
}

// One write at a time to the stores read, changed and written back below, so that two tabs
// finishing together do not lose one's entry.
let writes = Promise.resolve();
function oneAtATime(task) {
  const run = writes.then(task, task);
  writes = run.catch(() => {});
  return run;
}

// One at a time too: a checkout page's order feed and its checkout save both add to its tab's
// entry, and the popup must see both.
function rememberForTab(tabId, visit, update) {
  return oneAtATime(async () => {
    if (visitOf(tabId) !== visit) return; // the tab has moved on since
    const key = accountKey(tabId);
    const kept = (await chrome.storage.session.get(key))[key] || {};
    await chrome.storage.session.set({ [key]: { ...kept, ...update } });
  });
}

// The listings analysed lately, by product (their verdict and facts, evidence-record.js
// evidenceBasis): a checkout of one of them, in any tab, is saved with them. Bounded: the newest
// MAX_LISTINGS_KEPT, in chrome.storage.session (memory only).
const LISTINGS_KEY = "listingBases";
const MAX_LISTINGS_KEPT = 50;

/** Keep what the worker learnt of a listing (service-worker.js, on each analysis). */
export function rememberListing(basis) {
  if (!basis || !basis.productId) return Promise.resolve();
  return oneAtATime(async () => {
    const kept = (await chrome.storage.session.get(LISTINGS_KEY))[LISTINGS_KEY] || {};
    delete kept[basis.productId]; // re-added last: the newest
    const entries = [...Object.entries(kept), [basis.productId, basis]].slice(-MAX_LISTINGS_KEPT);
    await chrome.storage.session.set({ [LISTINGS_KEY]: Object.fromEntries(entries) });
  });
}

async function listingBasis(productId) {
  if (!productId) return null;
  const kept = (await chrome.storage.session.get(LISTINGS_KEY))[LISTINGS_KEY] || {};
  return Object.hasOwn(kept, productId) ? kept[productId] : null;
}

/** What the popup says of the tab's account page: {kind, orders, checkout}, or null. */
export async function accountForTab(tabId) {
  const key = accountKey(tabId);
  return (await chrome.storage.session.get(key))[key] || null;
}

function validFeed(request) {
  const body = request.body;
  return (
    typeof request.source === "string" &&
    request.source.length <= C.MAX_SOURCE_NAME_CHARS &&
    (typeof body === "string" ? body.length <= A.MAX_FEED_CHARS : body !== null && typeof body === "object")
  );
}

/** Send what an order page received (`send`: the service client call) unless the same was sent
 * lately, keep what the service read for the popup, then refresh and check the deadlines' copy. */
async function storeOrders(digestOf, send, sender, kind, { failure, serially }) {
  const visit = visitOf(sender.tab.id);
  const digest = await sha256Hex(new TextEncoder().encode(digestOf));
  if (seenFeeds.get(digest)) return { ok: true, state: "seen" };
  let answer;
  try {
    answer = await send();
  } catch (error) {
    // A robot check, a signed-out answer, a page of another shape: the service says which.
    console.info("emptor: orders not stored:", error.message);
    return failure(error);
  }
  seenFeeds.set(digest, true);
  const orders = (answer.orders || []).map((order) => ({
    order_id: order.order_id,
    status: order.status,
    protection_ends: order.protection_ends ? order.protection_ends.ends_on : null,
  }));
  await rememberForTab(sender.tab.id, visit, { kind, orders, missing: answer.missing || [] });
  try {
    await serially(async () => {
      await refreshOrders();
      await checkDeadlines();
    });
  } catch (error) {
    console.info("emptor: deadlines not refreshed:", error.message);
  }
  return { ok: true, state: "stored", orders };
}

/** An order feed's answer from an order, tracking or checkout page: stored by the service, then
 * the deadlines' copy refreshed. `failure` turns a service client error into an answer;
 * `serially` runs deadline work one task at a time (service-worker.js). */
export async function orderFeed(request, sender, workers) {
  const kind = pageKind(sender.url);
  if (!FEED_PAGES.has(kind)) return { ok: false, state: "error", message: "Order feeds are read on order, tracking and checkout pages only." };
  if (!validFeed(request)) return { ok: false, state: "error", message: "Malformed orderFeed message." };
  // As a browser tool's capture ([{url, body}]): the service finds the feed by the address it
  // came from and reads JSONP as well as JSON (server/marketplaces/aliexpress/orders.py).
  const feed = [{ url: request.source, body: request.body }];
  return storeOrders(JSON.stringify(feed), () => service.recordOrderFeed(feed), sender, kind, workers);
}

// The old site's order detail page holds its order in its markup, not in a feed; the service
// reads the rendered page (server/marketplaces/aliexpress/orders.py, parse_legacy_detail).
const LEGACY_DETAIL = { host: "trade.aliexpress.com", path: "/order_detail.htm" };

function isLegacyDetail(url) {
  try {
    const address = new URL(url);
    return address.hostname === LEGACY_DETAIL.host && address.pathname === LEGACY_DETAIL.path;
  } catch {
    return false;
  }
}

/** The old site's rendered order detail page (content/account.js serialises it). */
export async function orderPage(request, sender, workers) {
  if (!isLegacyDetail(sender.url)) return { ok: false, state: "error", message: "Order pages are read on trade.aliexpress.com/order_detail.htm only." };
  if (typeof request.html !== "string" || !request.html || request.html.length > C.MAX_HTML_CHARS) {
    return { ok: false, state: "error", message: "Malformed orderPage message." };
  }
  return storeOrders(request.html, () => service.recordOrderPage(request.html), sender, "order", workers);
}

async function checkoutCaptures() {
  const stored = await chrome.storage.local.get(A.CHECKOUTS_KEY);
  const captures = stored[A.CHECKOUTS_KEY];
  return captures && typeof captures === "object" && !Array.isArray(captures) ? captures : {};
}

/** The captures kept, the oldest forgotten past MAX_CHECKOUTS_KEPT. */
function trimmed(captures) {
  const entries = Object.entries(captures).sort(([, a], [, b]) => String(b.capturedAt).localeCompare(String(a.capturedAt)));
  return Object.fromEntries(entries.slice(0, A.MAX_CHECKOUTS_KEPT));
}

/** A screenshot is possible without the shopper's gesture only with the optional permission
 * (fullpage.js), and only of the tab on screen. */
async function screenshotPossible(tabId) {
  try {
    return (await chrome.tabs.get(tabId)).active && (await screenshotsAllowed());
  } catch {
    return false;
  }
}

/** A checkout page has shown its order: save it once per product and variant (or cart).
 * `saveTabEvidence` is the worker's save (service-worker.js), which says how it went;
 * the product's listing, if analysed lately (rememberListing), gives its verdict and facts. */
export async function checkoutShown(request, sender, { saveTabEvidence }) {
  if (typeof request.rendered !== "boolean") return { ok: false, state: "error", message: "Malformed checkoutShown message." };
  const checkout = checkoutOf(sender.url);
  if (!checkout) return { ok: false, state: "error", message: "This checkout's address names no product or cart line." };
  const tabId = sender.tab.id;
  const visit = visitOf(tabId);
  const captured = (await checkoutCaptures())[checkout.key];
  if (captured) {
    await rememberForTab(tabId, visit, { kind: "checkout", checkout: { ...captured, again: true } });
    return { ok: true, state: "already-saved", record: captured.recordId };
  }
  if (savingCheckouts.has(checkout.key)) return { ok: true, state: "saving" };
  savingCheckouts.add(checkout.key);
  try {
    const basis = await listingBasis(checkout.productId);
    const result = await saveTabEvidence(tabId, { withScreenshot: await screenshotPossible(tabId), basis });
    if (!result.ok) {
      await rememberForTab(tabId, visit, { kind: "checkout", checkout: { failed: result.message } });
      return result;
    }
    const entry = {
      recordId: result.record.id,
      capturedAt: result.record.captured_at,
      productId: checkout.productId,
      skuId: checkout.skuId,
      screenshot: result.screenshot,
      rendered: request.rendered,
    };
    await oneAtATime(async () => {
      await chrome.storage.local.set({ [A.CHECKOUTS_KEY]: trimmed({ ...(await checkoutCaptures()), [checkout.key]: entry }) });
    });
    await rememberForTab(tabId, visit, { kind: "checkout", checkout: entry });
    return { ok: true, state: "saved", record: entry.recordId };
  } finally {
    savingCheckouts.delete(checkout.key);
  }
}
