/*
 * The service worker: the only part of the extension that talks to the emptor service.
 *
 * One message dispatcher (Privacy Badger / uBO Lite style) whose routing rules live in
 * dispatch.js; a refused message is answered with an error and logged. Listeners are registered
 * synchronously at the top level, as MV3 requires.
 */
import "../lib/constants.js";
import "../lib/ttl-cache.js";
import { makeRouter } from "./dispatch.js";
import { fetchReviewPages } from "./reviews.js";
import { service, ServiceDown, ServiceError } from "./service-client.js";
import { readSettings } from "./settings.js";

const C = globalThis.EMPTOR;
const { TtlCache } = globalThis.emptorLib;
const EXTENSION_VERSION = chrome.runtime.getManifest().version;

const reports = new TtlCache({ ttlMs: C.REPORT_CACHE_TTL_MS, maxEntries: C.REPORT_CACHE_MAX_ENTRIES });
const reviewsRequested = new TtlCache({ ttlMs: C.REPORT_CACHE_TTL_MS, maxEntries: C.REPORT_CACHE_MAX_ENTRIES });
const latestByTab = new Map(); // tabId -> the last answer sent to that tab (for the popup)
let health = { checkedAt: 0, value: null };

async function serviceStatus({ fresh = false } = {}) {
  if (!fresh && health.value && Date.now() - health.checkedAt < C.REPORT_CACHE_TTL_MS) return health.value;
  const { serviceUrl } = await readSettings();
  let value;
  try {
    const answer = await service.health();
    value = {
      running: true,
      serviceUrl,
      version: answer.version,
      extensionVersion: EXTENSION_VERSION,
      versionMatches: answer.version === EXTENSION_VERSION,
    };
  } catch (error) {
    value = { running: false, serviceUrl, extensionVersion: EXTENSION_VERSION, message: error.message };
  }
  health = { checkedAt: Date.now(), value };
  return value;
}

function failure(error) {
  if (error instanceof ServiceDown) {
    health = { checkedAt: 0, value: null };
    return { ok: false, state: "service-down", message: error.message };
  }
  if (error instanceof ServiceError) return { ok: false, state: "error", message: error.message, code: error.code };
  console.error("emptor: unexpected error", error);
  return { ok: false, state: "error", message: "emptor hit an unexpected error." };
}

/** The same product, variant and rendered page within the cache's lifetime get the same answer.
 * The page's length stands in for its content: a variant switch that the address does not show
 * changes the rendered price and name, and with them the length. */
function cacheKey(request) {
  const path = new URL(request.url).pathname;
  return `${path}|${request.selectedSkuId || ""}|${request.html ? request.html.length : 0}`;
}

function validAnalyzeRequest(request) {
  return (
    typeof request.url === "string" &&
    (typeof request.html === "string" || request.html === null) &&
    Array.isArray(request.data) &&
    request.data.every((blob) => blob && C.BLOB_SOURCES.includes(blob.source) && "body" in blob)
  );
}

async function analyzePage(request, sender) {
  if (!validAnalyzeRequest(request)) return { ok: false, state: "error", message: "Malformed analyzePage message." };
  const tabId = sender.tab.id;
  const key = cacheKey(request);
  let answer = reports.get(key);
  if (!answer) {
    try {
      const report = await service.analyze({
        url: request.url,
        html: request.html,
        data: request.data,
        selected_sku_id: request.selectedSkuId || undefined,
      });
      const status = await serviceStatus();
      answer = { ok: true, report, service: status };
      reports.set(key, answer);
    } catch (error) {
      answer = failure(error);
      latestByTab.set(tabId, answer);
      return answer;
    }
  }
  latestByTab.set(tabId, answer);
  if (answer.report.page.status === "ok" && !answer.report.reviews && !reviewsRequested.get(key)) {
    reviewsRequested.set(key, true);
    // The first badge comes from the page alone; the review results update it when they arrive.
    addReviews(request, answer, key, tabId, sender.frameId);
  }
  return answer;
}

async function addReviews(request, first, key, tabId, frameId) {
  try {
    const pages = await fetchReviewPages(request.url, first.report);
    const reviewCount = pages.reduce((sum, page) => sum + ((page.data && page.data.evaViewList) || []).length, 0);
    if (reviewCount === 0) return; // nothing to add: the first verdict stands
    const report = await service.analyze({
      url: request.url,
      html: request.html,
      data: request.data,
      reviews: pages,
      selected_sku_id: request.selectedSkuId || undefined,
      record: false, // the first analysis recorded the prices already
    });
    const answer = { ok: true, report, service: first.service };
    reports.set(key, answer);
    latestByTab.set(tabId, answer);
    await chrome.tabs.sendMessage(tabId, { type: C.MESSAGE.REPORT_UPDATED, answer }, { frameId });
  } catch (error) {
    console.info("emptor: reviews not added", error.message);
  }
}

async function getHistory(request) {
  if (typeof request.marketplace !== "string" || !/^\d+$/.test(String(request.productId))) {
    return { ok: false, state: "error", message: "Malformed getHistory message." };
  }
  try {
    const answer = await service.history(request.marketplace, String(request.productId));
    return { ok: true, series: answer.series };
  } catch (error) {
    return failure(error);
  }
}

async function getTabVerdict(request) {
  const status = await serviceStatus({ fresh: true });
  return { ok: true, service: status, answer: latestByTab.get(request.tabId) || null };
}

const HANDLERS = {
  [C.MESSAGE.ANALYZE_PAGE]: analyzePage,
  [C.MESSAGE.GET_HISTORY]: getHistory,
  [C.MESSAGE.GET_TAB_VERDICT]: getTabVerdict,
  [C.MESSAGE.GET_SERVICE_STATUS]: () => serviceStatus({ fresh: true }),
};

const route = makeRouter(HANDLERS, { extensionId: chrome.runtime.id, extensionOrigin: chrome.runtime.getURL("") });

chrome.runtime.onMessage.addListener((request, sender, sendResponse) => {
  const handler = route(request, sender);
  if (!handler) {
    console.warn("emptor: rejected message", request && request.type, "from", sender.url || sender.id);
    sendResponse({ ok: false, state: "error", message: "Unknown or unauthorised message." });
    return false;
  }
  Promise.resolve(handler(request, sender)).then(sendResponse, (error) => sendResponse(failure(error)));
  return true; // async response
});

chrome.tabs.onRemoved.addListener((tabId) => latestByTab.delete(tabId));

// Another service (or token) may answer differently: forget what the previous one said.
chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== "local" || !Object.values(C.STORAGE_KEYS).some((key) => key in changes)) return;
  reports.clear();
  reviewsRequested.clear();
  health = { checkedAt: 0, value: null };
});
