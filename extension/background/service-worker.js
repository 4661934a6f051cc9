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
import { analysisBody, cacheKey, fitToLimit, refusedBlobIndex, summaryForTab } from "./requests.js";
import { fetchReviewPages } from "./reviews.js";
import { service, ServiceDown, ServiceError } from "./service-client.js";
import { readSettings } from "./settings.js";

const C = globalThis.EMPTOR;
const { TtlCache } = globalThis.emptorLib;
const EXTENSION_VERSION = chrome.runtime.getManifest().version;

const reports = new TtlCache({ ttlMs: C.REPORT_CACHE_TTL_MS, maxEntries: C.REPORT_CACHE_MAX_ENTRIES });
// Listings whose review feed was already tried (so a page without reviews is not refetched).
const reviewsTried = new TtlCache({ ttlMs: C.REPORT_CACHE_TTL_MS, maxEntries: C.REPORT_CACHE_MAX_ENTRIES });
// cache key -> the tabs waiting for the review results of that analysis: two tabs (or a reload)
// showing the same listing while its feed is being read are all updated when it arrives.
const reviewWaiters = new Map();
let health = { checkedAt: 0, value: null };

// Each tab's last answer (for the popup) and the content script's timings (for `make bench`)
// live in chrome.storage.session: the browser stops an idle worker, and with it its memory.
const tabKey = (tabId) => `tab:${tabId}`;
const timingsKey = (tabId) => `timings:${tabId}`;

async function rememberForTab(tabId, answer) {
  try {
    await chrome.storage.session.set({ [tabKey(tabId)]: summaryForTab(answer) });
  } catch (error) {
    console.warn("emptor: could not remember the tab's verdict", error.message);
  }
}

async function forgetTab(tabId) {
  await chrome.storage.session.remove([tabKey(tabId), timingsKey(tabId)]).catch(() => {});
}

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

function validAnalyzeRequest(request) {
  return (
    typeof request.url === "string" &&
    /^https?:\/\//.test(request.url) &&
    (typeof request.html === "string" || request.html === null) &&
    Array.isArray(request.data) &&
    request.data.every((blob) => blob && C.BLOB_SOURCES.includes(blob.source) && "body" in blob) &&
    Number.isSafeInteger(request.requestId)
  );
}

/** Ask the service. A captured blob it cannot read (a page script can post what it likes to the
 * content script) costs that blob, not the verdict: the request is sent again without it, and
 * the report says what was left out. Each retry has one blob fewer, so this ends. */
async function analyzeWithService(body) {
  const setAside = [];
  for (;;) {
    try {
      const report = await service.analyze(body);
      report.errors = [...report.errors, ...setAside];
      return report;
    } catch (error) {
      const index = refusedBlobIndex(error, body);
      if (index === null) throw error;
      console.warn("emptor: the service refused a captured blob, sending the rest:", error.message);
      setAside.push({ code: "data", error: `Not used: ${error.message}` });
      body = { ...body, data: body.data.filter((_, position) => position !== index) };
    }
  }
}

async function analyzePage(request, sender) {
  if (!validAnalyzeRequest(request)) return { ok: false, state: "error", message: "Malformed analyzePage message." };
  const tabId = sender.tab.id;
  const fitted = fitToLimit(analysisBody(request));
  if (!fitted.body) {
    const megabytes = (fitted.size / 1024 / 1024).toFixed(1);
    const answer = { ok: false, state: "error", message: `This page is too large for emptor to analyse (${megabytes} MB).` };
    await rememberForTab(tabId, answer);
    return answer;
  }
  if (fitted.dropped) console.warn(`emptor: the request was too large; sent without its ${fitted.dropped}.`);
  const body = fitted.body;
  const key = await cacheKey(body);
  let answer = reports.get(key);
  if (!answer) {
    try {
      const report = await analyzeWithService(body);
      answer = { ok: true, report, service: await serviceStatus() };
      reports.set(key, answer);
    } catch (error) {
      answer = failure(error);
      await rememberForTab(tabId, answer);
      return answer;
    }
  }
  await rememberForTab(tabId, answer);
  if (answer.report.page.status === "ok" && !answer.report.reviews) {
    // The first badge comes from the page alone; the review results update it when they arrive.
    const waiter = { tabId, frameId: sender.frameId, requestId: request.requestId };
    if (reviewWaiters.has(key)) reviewWaiters.get(key).push(waiter);
    else if (!reviewsTried.get(key)) {
      reviewsTried.set(key, true);
      reviewWaiters.set(key, [waiter]);
      addReviews(body, answer, key);
    }
  }
  return answer;
}

async function addReviews(body, first, key) {
  try {
    const pages = await fetchReviewPages(body.url, first.report);
    const reviewCount = pages.reduce((sum, page) => sum + ((page.data && page.data.evaViewList) || []).length, 0);
    if (reviewCount === 0) return; // nothing to add: the first verdict stands
    // record: false, because the first analysis recorded the prices already.
    const report = await analyzeWithService({ ...body, reviews: pages, record: false });
    const answer = { ok: true, report, service: first.service };
    reports.set(key, answer);
    for (const { tabId, frameId, requestId } of reviewWaiters.get(key) || []) {
      await rememberForTab(tabId, answer);
      // The tab may have moved on or closed; its content script ignores a stale requestId.
      chrome.tabs.sendMessage(tabId, { type: C.MESSAGE.REPORT_UPDATED, requestId, answer }, { frameId }).catch(() => {});
    }
  } catch (error) {
    console.info("emptor: reviews not added", error.message);
  } finally {
    reviewWaiters.delete(key);
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
  if (!Number.isSafeInteger(request.tabId)) return { ok: false, state: "error", message: "Malformed getTabVerdict message." };
  const status = await serviceStatus({ fresh: true });
  const stored = await chrome.storage.session.get(tabKey(request.tabId));
  return { ok: true, service: status, answer: stored[tabKey(request.tabId)] || null };
}

const TIMING_FIELDS = ["captureMs", "firstVerdictAfterLoadMs"];

function validTimings(timings) {
  return (
    timings &&
    Array.isArray(timings.blocks) &&
    timings.blocks.length <= 10000 &&
    timings.blocks.every((block) => Array.isArray(block) && typeof block[0] === "string" && Number.isFinite(block[1])) &&
    TIMING_FIELDS.every((field) => timings[field] === null || Number.isFinite(timings[field]))
  );
}

/** The content script's own measurements of its first analysis, kept for `make bench`. */
async function reportTimings(request, sender) {
  if (!validTimings(request.timings)) return { ok: false, state: "error", message: "Malformed reportTimings message." };
  const { blocks, captureMs, firstVerdictAfterLoadMs } = request.timings;
  await chrome.storage.session.set({ [timingsKey(sender.tab.id)]: { blocks, captureMs, firstVerdictAfterLoadMs } });
  return { ok: true };
}

async function getTimings(request) {
  if (!Number.isSafeInteger(request.tabId)) return { ok: false, state: "error", message: "Malformed getTimings message." };
  const stored = await chrome.storage.session.get(timingsKey(request.tabId));
  return { ok: true, timings: stored[timingsKey(request.tabId)] || null };
}

const HANDLERS = {
  [C.MESSAGE.ANALYZE_PAGE]: analyzePage,
  [C.MESSAGE.GET_HISTORY]: getHistory,
  [C.MESSAGE.REPORT_TIMINGS]: reportTimings,
  [C.MESSAGE.GET_TAB_VERDICT]: getTabVerdict,
  [C.MESSAGE.GET_SERVICE_STATUS]: () => serviceStatus({ fresh: true }),
  [C.MESSAGE.GET_TIMINGS]: getTimings,
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

// A closed tab, or a tab loading a new document, no longer shows the verdict it had.
chrome.tabs.onRemoved.addListener((tabId) => forgetTab(tabId));
chrome.tabs.onUpdated.addListener((tabId, change) => {
  if (change.status === "loading" && change.url) forgetTab(tabId);
});

// Another service (or token) may answer differently: forget what the previous one said.
chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== "local" || !Object.values(C.STORAGE_KEYS).some((key) => key in changes)) return;
  reports.clear();
  reviewsTried.clear();
  health = { checkedAt: 0, value: null };
});
