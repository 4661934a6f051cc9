/*
 * What a saved piece of evidence says (issue 10), kept pure so that node --test covers it: the
 * facts taken from the tab's last report, and the record sent to POST /api/v1/evidence once
 * its artifacts (the page, the screenshot) are stored (docs/api.md; server/evidence/store.py
 * describes the record the service keeps).
 */
import "../lib/constants.js";

const C = globalThis.EMPTOR;
const LOCALE_KEYS = ["country", "currency", "language"];
// The listing's fields a dispute turns on, as the report gives them (null when the page did not
// show one): what it cost, who sold it, what delivery it promised, which protections it named.
const LISTING_FACTS = ["title", "price", "shipping", "seller", "badges", "rating", "orders"];

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

/** The facts of the tab's last report worth keeping with the evidence: the verdict, the findings'
 * codes and messages, and the listing's price, seller, delivery promise and protections. {} when
 * the tab has no judged report (the page is saved all the same). */
export function evidenceFacts(report) {
  if (!isObject(report) || !isObject(report.page)) return {};
  const facts = { page_status: report.page.status };
  if (isObject(report.verdict)) {
    const { level = null, score = null, judged_at: judgedAt = null } = report.verdict;
    facts.verdict = { level, score, judged_at: judgedAt };
  }
  const brief = (finding) => ({ code: finding.code, severity: finding.severity ?? null, message: finding.message ?? null });
  if (Array.isArray(report.findings)) facts.findings = report.findings.map(brief);
  if (Array.isArray(report.trust)) facts.trust = report.trust.map(brief);
  const listing = isObject(report.listing) ? report.listing : {};
  for (const key of LISTING_FACTS) if (listing[key] !== undefined) facts[key] = listing[key];
  // Only what canonical JSON can hold (server/evidence/store.py refuses NaN and infinities).
  return JSON.parse(JSON.stringify(facts, (key, value) => (typeof value === "number" && !Number.isFinite(value) ? null : value)));
}

/** The listing's locale as the report read it ({country, currency, language}, each a text or
 * null), or null. */
export function evidenceLocale(report) {
  const locale = isObject(report) && isObject(report.listing) ? report.listing.locale : null;
  if (!isObject(locale)) return null;
  const kept = Object.fromEntries(LOCALE_KEYS.map((key) => [key, typeof locale[key] === "string" && locale[key].trim() ? locale[key] : null]));
  return Object.values(kept).some((value) => value !== null) ? kept : null;
}

/** What the service worker keeps of a tab's answer for evidence saved later (in
 * chrome.storage.session beside the popup's summary): facts, product id and locale. */
export function evidenceBasis(answer) {
  if (!answer || !answer.ok || !isObject(answer.report)) return null;
  const report = answer.report;
  const productId = isObject(report.listing) && report.listing.product_id != null ? String(report.listing.product_id) : null;
  return { facts: evidenceFacts(report), productId, locale: evidenceLocale(report) };
}

// The marketplace's hosts emptor's content scripts run on (manifest.json "content_scripts").
const MARKETPLACE_HOST = /(^|\.)aliexpress\.(com|us|ru)$/;
// What kind of page an address is, for the evidence record's kind and its redaction (the
// service redacts order, tracking and checkout pages: server/evidence/redact.py). Addresses from
// docs/research on the order pages (docs/extension.md, "Account pages"): the 2022+ site's
// /p/order/index.html and detail.html, /p/tracking/, /p/trade/confirm.html (checkout) and
// /p/message/, the older trade.aliexpress.com order pages and msg.aliexpress.com.
const PAGE_KINDS = [
  ["listing", (host, path) => /^\/item\/\d+\.html$/.test(path) || /^\/store\/product\/.*\d+\.html$/.test(path)],
  ["checkout", (host, path) => path === "/p/trade/confirm.html"],
  ["order", (host, path) => path.startsWith("/p/order/") || (host === "trade.aliexpress.com" && /^\/(orderList|order_detail)\.htm$/.test(path))],
  ["tracking", (host, path) => path.startsWith("/p/tracking/")],
  ["messages", (host, path) => host === "msg.aliexpress.com" || path.startsWith("/p/message/")],
];

function parsed(url) {
  try {
    const address = new URL(url);
    return /^https?:$/.test(address.protocol) && MARKETPLACE_HOST.test(address.hostname) ? address : null;
  } catch {
    return null;
  }
}

/** The kind of marketplace page at `url` (listing, checkout, order, tracking, messages), or null
 * for any other address. */
export function pageKind(url) {
  const address = parsed(url);
  if (!address) return null;
  const found = PAGE_KINDS.find(([, matches]) => matches(address.hostname, address.pathname));
  return found ? found[0] : null;
}

const ORDER_ID = /^\d{6,32}$/; // AliExpress order ids are long decimal numbers (tests/fixtures/orders)

/** The kind a snapshot is saved as: its address's, except that a page where the account pages'
 * content script answered (`account`) is never saved as a listing, whatever a page script made
 * its address say since (history.replaceState): it keeps the kind it was loaded as, or "order",
 * so that its personal data is redacted. */
export function snapshotKind({ url, loadedUrl, account }) {
  const now = pageKind(url);
  if (!account) return now || "listing";
  const kinds = [now, pageKind(loadedUrl)].filter((kind) => kind && kind !== "listing");
  return kinds[0] || "order";
}

/** The order an order, tracking or message page is about, as its address names it (orderId,
 * tradeOrderId), or null. */
export function orderIdFromUrl(url) {
  const address = parsed(url);
  if (!address) return null;
  const id = address.searchParams.get("orderId") || address.searchParams.get("tradeOrderId");
  return id && ORDER_ID.test(id) ? id : null;
}

/** What a checkout page is buying, from its address: a product bought at once has objectId (the
 * product) and skuId (the variant); a checkout from the cart names only its cart lines
 * (availableProductShopcartIds). Both forms are in public code that builds these addresses
 * (docs/extension.md, "Checkout"). {key, productId, skuId, cartIds}, or null when the address
 * names neither: one capture per key. */
export function checkoutOf(url) {
  const address = parsed(url);
  if (!address || pageKind(url) !== "checkout") return null;
  const params = address.searchParams;
  const digits = (value) => (value && /^\d{1,32}$/.test(value) ? value : null);
  const productId = digits(params.get("objectId") || params.get("productId"));
  if (productId) {
    const skuId = digits(params.get("skuId"));
    return { key: `product:${productId}:${skuId || "-"}`, productId, skuId, cartIds: null };
  }
  const cartIds = (params.get("availableProductShopcartIds") || "").split(",").filter((id) => /^\d{1,32}$/.test(id)).sort();
  if (!cartIds.length) return null;
  return { key: `cart:${cartIds.slice(0, 50).join(",")}`, productId: null, skuId: null, cartIds: cartIds.slice(0, 50) };
}

/** The product id in a listing's address (/item/<id>.html, /store/product/…/<id>.html). */
export function productIdFromUrl(url) {
  try {
    const match = /\/(\d+)\.html$/.exec(new URL(url).pathname);
    return match ? match[1] : null;
  } catch {
    return null;
  }
}

/** The record for POST /api/v1/evidence: the snapshot's page address and the browser's time, user
 * agent and the stored artifacts ([{name, sha256, media_type}], the page first), with what the
 * worker knew of the tab (`basis`, from evidenceBasis; null when it knew nothing). A basis from
 * another listing (the tab moved on) is not used. */
export function evidenceRecord({ url, browserTime, userAgent, artifacts, basis, extraFacts = {}, kind = pageKind(url) || "listing" }) {
  const checkout = kind === "checkout" ? checkoutOf(url) : null;
  const fromUrl = kind === "listing" ? productIdFromUrl(url) : checkout && checkout.productId;
  // A listing's facts go with a save of that listing, or of the checkout buying it (the tab's
  // last report is then the listing the shopper came from).
  const sameListing =
    Boolean(basis) && (kind === "listing" || kind === "checkout") && (!basis.productId || !fromUrl || basis.productId === fromUrl);
  const record = {
    kind,
    url,
    product_id: (sameListing && basis.productId) || fromUrl || null,
    order_id: kind === "listing" || kind === "checkout" ? null : orderIdFromUrl(url),
    browser_time: browserTime,
    user_agent: userAgent,
    facts: { ...(sameListing ? basis.facts : {}), ...extraFacts },
    // `url`: where a stylesheet or image of the page was fetched from (page-resources.js).
    artifacts: artifacts.map(({ name, sha256, media_type: mediaType, url }) => ({ name, sha256, media_type: mediaType, ...(url ? { url } : {}) })),
  };
  if (checkout) record.facts.checkout = { product_id: checkout.productId, sku_id: checkout.skuId, cart_ids: checkout.cartIds };
  if (sameListing && basis.locale) record.locale = basis.locale;
  return record;
}

/** The bytes of a `data:image/png;base64,…` address (what captureVisibleTab gives). */
export function bytesFromDataUrl(dataUrl) {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(dataUrl || "");
  if (!match) throw new Error("the browser gave no image");
  const binary = atob(match[2]);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return { mediaType: match[1], bytes };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes) {
  return bytes.length > PNG_SIGNATURE.length && PNG_SIGNATURE.every((byte, i) => bytes[i] === byte);
}

/** The shopper's words for a saved record: its id and the service's time. */
export function savedText(saved, { screenshot }) {
  const when = typeof saved.captured_at === "string" ? saved.captured_at.replace("T", " ").replace("Z", " UTC") : "now";
  const what = screenshot ? "the page and a screenshot" : "the page (no screenshot)";
  return `Saved ${what} as evidence record ${saved.id}, at ${when}.`;
}

/** Whether an artifact of `size` bytes is within what the service accepts for its type. */
export function artifactTooLarge(name, size) {
  const screenshot = name === C.EVIDENCE.SCREENSHOT_NAME || name === C.EVIDENCE.FULL_PAGE_NAME;
  const limit = screenshot ? C.EVIDENCE.MAX_SCREENSHOT_BYTES : C.EVIDENCE.MAX_PAGE_BYTES;
  return size > limit ? `${name} is ${(size / 1024 / 1024).toFixed(1)} MB; the service accepts ${limit / 1024 / 1024} MB at most` : null;
}
