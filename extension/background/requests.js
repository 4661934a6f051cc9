/*
 * Turning a content script's analyzePage message into what the service is sent, kept pure so
 * that node --test covers it: the size limit, the cache key and what a tab's answer keeps.
 */
import "../lib/constants.js";

const { MAX_REQUEST_BYTES } = globalThis.EMPTOR;

/** The analysis request body for the service: a live page, recorded only when `record`. */
export function analysisBody(request, { record = false } = {}) {
  return {
    url: request.url,
    html: request.html,
    data: request.data,
    selected_sku_id: request.selectedSkuId || undefined,
    capture: "live",
    record,
  };
}

/** Whether an analysis may add to the price history: only the product the tab loaded (the
 * address at document load, which a page script cannot change) and not one it moved to with
 * history.pushState, where a page script chose the address and the data posted for it. */
export function isLoadedProduct(url, loadedUrl) {
  try {
    const now = new URL(url);
    const loaded = new URL(loadedUrl);
    return now.origin === loaded.origin && now.pathname === loaded.pathname;
  } catch {
    return false;
  }
}

function utf8Length(text) {
  return new TextEncoder().encode(text).length; // about 1 ms per MB
}

/** The body as sent if it fits the service's limit; otherwise the page alone, then the captured
 * data alone (a 2024+ page is read from either). `dropped` names what was left out; `body` is
 * null when neither part fits. */
export function fitToLimit(body, maxBytes = MAX_REQUEST_BYTES) {
  const candidates = [
    [body, null],
    [{ ...body, data: [] }, "data"],
    [{ ...body, html: null }, "html"],
  ];
  for (const [candidate, dropped] of candidates) {
    if (dropped === "data" && !body.data.length) continue;
    if (dropped === "html" && (body.html === null || !body.data.length)) continue;
    const size = utf8Length(JSON.stringify(candidate));
    if (size <= maxBytes) return { body: candidate, dropped, size };
  }
  return { body: null, dropped: null, size: utf8Length(JSON.stringify(body)) };
}

/** Equal for the same listing path, variant, page and captured data; the query string (tracking
 * parameters such as spm) does not change the answer. SHA-256, so that two pages of the same
 * length (a variant switch that only changes a price) never share an answer. */
export async function cacheKey(body) {
  const path = new URL(body.url).pathname;
  const text = JSON.stringify([path, body.selected_sku_id || null, body.html, body.data]);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** What the popup needs of a tab's answer, small enough for chrome.storage.session (which
 * survives the worker being stopped, unlike the worker's memory). */
export function summaryForTab(answer) {
  if (!answer || !answer.ok) return answer || null;
  const { page, verdict, findings, trust } = answer.report;
  return { ok: true, report: { page, verdict, findings, trust }, service: answer.service };
}

// The error code with which the service refuses one captured blob it cannot decode, naming it
// in `field` as data[i] (server/marketplaces/problems.py; tests/test_extension_contract.py).
const DATA_REFUSED = Object.freeze(["bad_blob"]);

/** The index of the blob a service error refuses, or null when the error is about something
 * else: that blob is left out and the rest of the request is sent again. */
export function refusedBlobIndex(error, body) {
  if (!error || !DATA_REFUSED.includes(error.code)) return null;
  const match = /^data\[(\d+)\]$/.exec(error.field || "");
  const index = match ? Number(match[1]) : -1;
  return index >= 0 && index < body.data.length ? index : null;
}
