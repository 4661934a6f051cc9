/*
 * The service worker: the only part of the extension that talks to the emptor service, and the
 * only way between the content script and emptor's frame (frames.js), so that nothing the frame
 * shows passes through the page.
 *
 * One message dispatcher (Privacy Badger / uBO Lite style) whose routing rules live in
 * dispatch.js; a refused message is answered with an error and logged. Listeners are registered
 * synchronously at the top level, as MV3 requires.
 */
import "../lib/constants.js";
import "../lib/ttl-cache.js";
import "../lib/deadlines.js";
import "../lib/shield.js";
import { accountForTab, accountKey, checkoutShown, forgetAccountTab, orderFeed, orderPage, rememberListing } from "./account-pages.js";
import { checkDeadlines, ensureDeadlineAlarm, forgetService, onDeadlineAlarm, ordersCopy, refreshOrders, startDeadlines, warnDays } from "./deadlines.js";
import { isOwnFrame, makeRouter } from "./dispatch.js";
import { EvidenceProblem, saveEvidence } from "./evidence.js";
import { fullPageText, screenshotsAllowed } from "./fullpage.js";
import { forgetLookalikeTab, watchNavigations } from "./lookalike.js";
import { evidenceBasis, savedText } from "./evidence-record.js";
import { attachFrame, forgetFrameState, isFrameState, showInTab } from "./frames.js";
import { analyzeThread, attachThreadView, forgetThreadWarning } from "./messages.js";
import { analysisBody, cacheKey, fitToLimit, isLoadedProduct, refusedBlobIndex, summaryForTab } from "./requests.js";
import { fetchReviewPages } from "./review-feed.js";
import { forgetConfirmation, NotOurService, NotPaired, service, ServiceDown, ServiceError } from "./service-client.js";
import { readSettings } from "./settings.js";

const C = globalThis.EMPTOR;
const { TtlCache, orderPageUrl } = globalThis.emptorLib;
const EXTENSION_VERSION = chrome.runtime.getManifest().version;

const reports = new TtlCache({ ttlMs: C.REPORT_CACHE_TTL_MS, maxEntries: C.REPORT_CACHE_MAX_ENTRIES });
// settings generation and cache key -> the requests waiting for the review results of that
// analysis: two tabs (or a reload) showing the same listing while its feed is being read are all
// updated when it arrives.
const reviewWaiters = new Map();
// tabId -> the latest analysis request of that tab ({documentId, frameId, requestId}): only its
// answers are remembered for the popup or sent as review updates.
const latestRequest = new Map();
// The page loads (tab and document) whose product has been recorded: each load adds to the
// history once. (A worker stopped while idle forgets them; the service then finds the same
// prices within its repeat window and stores nothing new.)
const recordedLoads = new TtlCache({ ttlMs: C.RECORDED_LOAD_TTL_MS, maxEntries: C.RECORDED_LOADS_MAX_ENTRIES });
// Bumped when the settings change: answers from the previous service or token are not kept.
let settingsGeneration = 0;
let health = { checkedAt: 0, value: null };

// Each tab's last answer (for the popup) and the content script's timings (for `make bench`)
// live in chrome.storage.session: the browser stops an idle worker, and with it its memory.
const tabKey = (tabId) => `tab:${tabId}`;
const timingsKey = (tabId) => `timings:${tabId}`;

function isLatest(who) {
  const latest = latestRequest.get(who.tabId);
  return Boolean(latest) && latest.requestId === who.requestId && latest.documentId === who.documentId;
}

async function rememberForTab(who, answer) {
  if (!isLatest(who)) return; // the tab has moved on (or closed) since this request
  try {
    const evidence = evidenceBasis(answer);
    const kept = { requestId: who.requestId, answer: summaryForTab(answer), evidence };
    await chrome.storage.session.set({ [tabKey(who.tabId)]: kept });
    // By product too: its checkout, in this tab or another, is saved with it (account-pages.js).
    await rememberListing(evidence);
  } catch (error) {
    console.warn("emptor: could not remember the tab's verdict", error.message);
  }
}

function forgetTab(tabId) {
  forgetAccountTab(tabId);
  latestRequest.delete(tabId);
  chrome.storage.session.remove([tabKey(tabId), timingsKey(tabId), accountKey(tabId), forgetFrameState(tabId), forgetThreadWarning(tabId)]).catch(() => {});
}

/** Whether the shopper's own service answers: {state, serviceUrl, version, ...}, where state is
 * "ok", "service-down", "not-paired" or "not-our-service" (the popup and options page say which). */
async function serviceStatus({ fresh = false } = {}) {
  if (!fresh && health.value && Date.now() - health.checkedAt < C.REPORT_CACHE_TTL_MS) return health.value;
  const { serviceUrl } = await readSettings();
  const base = { serviceUrl, extensionVersion: EXTENSION_VERSION };
  let value;
  try {
    const answer = await service.pairing();
    value = { ...base, state: "ok", version: answer.version, versionMatches: answer.version === EXTENSION_VERSION };
  } catch (error) {
    const { state, message } = failure(error);
    value = { ...base, state, message };
  }
  health = { checkedAt: Date.now(), value };
  return value;
}

function failure(error) {
  if (error instanceof ServiceDown) {
    health = { checkedAt: 0, value: null };
    return { ok: false, state: "service-down", message: error.message };
  }
  if (error instanceof NotPaired) return { ok: false, state: "not-paired", message: error.message };
  if (error instanceof NotOurService) {
    health = { checkedAt: 0, value: null };
    return { ok: false, state: "not-our-service", message: error.message };
  }
  if (error instanceof ServiceError) return { ok: false, state: "error", message: error.message, code: error.code };
  console.error("emptor: unexpected error", error);
  return { ok: false, state: "error", message: "emptor hit an unexpected error." };
}

function validAnalyzeRequest(request) {
  return (
    typeof request.url === "string" &&
    /^https?:\/\//.test(request.url) &&
    typeof request.loadedUrl === "string" &&
    Number.isFinite(request.loadId) &&
    (typeof request.html === "string" || request.html === null) &&
    Array.isArray(request.data) &&
    Number.isSafeInteger(request.requestId)
  );
}

/** A page script can post what it likes as "captured" data: what the service could never read
 * is dropped here, the rest (which sources it reads, whether a body decodes) is the service's to
 * judge. */
function readableBlob(blob) {
  return (
    blob !== null &&
    typeof blob === "object" &&
    typeof blob.source === "string" &&
    (typeof blob.body === "string" || (blob.body !== null && typeof blob.body === "object"))
  );
}

/** Ask the service. A captured blob it cannot read costs that blob, not the verdict: the request
 * is sent again without it, and the report says what was left out. Each retry has one blob
 * fewer, so this ends. */
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
      setAside.push({ code: "data", message: `Not used: ${error.message}`, field: error.field });
      body = { ...body, data: body.data.filter((_, position) => position !== index) };
    }
  }
}

const hasReviews = (answer) => Boolean(answer && answer.ok && answer.report.reviews);
// The report's errors entry that says why the listing's reviews could not be loaded (docs/api.md).
const REVIEWS_ERROR = "reviews";

async function analyzePage(request, sender) {
  if (!validAnalyzeRequest(request)) return { ok: false, state: "error", message: "Malformed analyzePage message." };
  const who = { tabId: sender.tab.id, frameId: sender.frameId, documentId: sender.documentId, requestId: request.requestId };
  latestRequest.set(who.tabId, who);
  const generation = settingsGeneration;
  const load = `${who.tabId}:${sender.documentId || request.loadId}`;
  const record = isLoadedProduct(request.url, request.loadedUrl) && !recordedLoads.get(load);
  const fitted = fitToLimit(analysisBody({ ...request, data: request.data.filter(readableBlob) }, { record }));
  if (!fitted.body) {
    const megabytes = (fitted.size / 1024 / 1024).toFixed(1);
    const answer = { ok: false, state: "error", message: `This page is too large for emptor to analyse (${megabytes} MB).` };
    await rememberForTab(who, answer);
    return answer;
  }
  if (fitted.dropped) console.warn(`emptor: the request was too large; sent without its ${fitted.dropped}.`);
  const body = fitted.body;
  const key = await cacheKey(body);
  let answer = reports.get(key);
  if (!answer) {
    try {
      const report = await analyzeWithService(body);
      if (record && report.page.status === "ok") recordedLoads.set(load, true);
      answer = { ok: true, report, service: await serviceStatus() };
    } catch (error) {
      answer = failure(error);
      await rememberForTab(who, answer);
      return answer;
    }
    const cached = reports.get(key);
    if (hasReviews(cached)) answer = cached; // another tab's analysis finished with its reviews meanwhile
    else if (generation === settingsGeneration) reports.set(key, answer);
  }
  await rememberForTab(who, answer);
  if (awaitsReviews(answer.report)) {
    // Started once this answer is handed back (the dispatcher sends it as soon as this function
    // returns, before any timer runs): the review outcome, even one known at once (a feed the
    // extension may not read), must reach the content script after the answer it updates.
    setTimeout(() => awaitReviews(key, body, answer, who, generation), 0);
  }
  return answer;
}

/** Whether the review feed is still to be read for this report: a judged page whose report names
 * feed pages, with no review section yet and no word of a failure to load them. */
function awaitsReviews(report) {
  return (
    report.page.status === "ok" &&
    !report.reviews &&
    (report.review_feed_urls || []).length > 0 &&
    !(report.errors || []).some((error) => error.code === REVIEWS_ERROR)
  );
}

/** The first badge comes from the page alone; the review results update it when they arrive.
 * Synchronous, so no other request for the same listing can slip between the check and the
 * registration. */
function awaitReviews(key, body, first, who, generation) {
  const group = waitingFor(key, generation);
  if (reviewWaiters.has(group)) {
    reviewWaiters.get(group).push(who);
  } else {
    reviewWaiters.set(group, [who]);
    addReviews(key, body, first, generation);
  }
}

// A tab that asks after a settings change waits for a reading of its own: one begun before the
// change ends with "settings changed", which is not true of that tab.
const waitingFor = (key, generation) => `${generation} ${key}`;

/** The first answer again, saying why its reviews could not be loaded (the report's errors, code
 * "reviews", as `emptor scan` says it of feed pages it could not fetch: docs/api.md). */
function reviewsNotLoaded(first, reason) {
  const error = { code: REVIEWS_ERROR, message: `The reviews could not be loaded (${reason}).` };
  return { ...first, report: { ...first.report, errors: [...(first.report.errors || []), error] } };
}

/** Why the service could not analyse the review pages, in words for the panel. */
function serviceFailure(error) {
  if (error instanceof ServiceDown) return "the emptor service did not answer";
  if (error instanceof NotPaired) return "emptor is not paired with its service";
  if (error instanceof NotOurService) return "the program answering is not your emptor service";
  if (error instanceof ServiceError && error.code === "bad_review_page") return "AliExpress's review feed did not answer with reviews";
  return "the emptor service could not analyse them";
}

/** Read the review feed and ask the service again with it. Every outcome reaches the tabs
 * waiting for it, so the panel never stays at "reading the reviews": the reviews analysed, none
 * to analyse (the service's report with no review in it), or why they could not be loaded. An
 * outcome the feed or the service could change (a failure) is not kept: the next analysis of the
 * listing tries again. */
async function addReviews(key, body, first, generation) {
  let answer;
  try {
    const { pages, failure } = await fetchReviewPages(body.url, first.report.review_feed_urls);
    if (pages.length) {
      // record: false, because the first analysis recorded the prices already.
      const report = await analyzeWithService({ ...body, reviews: pages, record: false });
      answer = report.reviews ? { ok: true, report, service: first.service } : reviewsNotLoaded(first, "the emptor service did not read them");
    } else {
      answer = reviewsNotLoaded(first, failure || "no page of AliExpress's review feed was read");
    }
  } catch (error) {
    console.info("emptor: reviews not added", error.message);
    answer = reviewsNotLoaded(first, serviceFailure(error));
  }
  const group = waitingFor(key, generation);
  const waiting = reviewWaiters.get(group) || [];
  reviewWaiters.delete(group);
  if (generation !== settingsGeneration) {
    // Answered by the service the settings replaced: neither kept nor shown, but the tabs are
    // still told, or their panel would stay at "reading the reviews".
    answer = reviewsNotLoaded(first, "emptor's settings changed while they were read; reload the page to read them again");
  } else if (answer.report.reviews) {
    reports.set(key, answer); // a failure is not kept: the next analysis tries again
  }
  for (const who of waiting) {
    if (!isLatest(who)) continue; // the tab has moved on or closed
    await rememberForTab(who, answer);
    const target = who.documentId ? { documentId: who.documentId } : { frameId: who.frameId };
    const update = { type: C.MESSAGE.REPORT_UPDATED, requestId: who.requestId, answer };
    chrome.tabs.sendMessage(who.tabId, update, target).catch(() => {});
  }
}

/** What the content script's tab shows now (it decides: the answer to its latest analysis, a
 * failure, or "loading"), for emptor's frame in that tab. */
async function showInFrame(request, sender) {
  // The content script runs in the listing's top-level document only (content/timings.js).
  if (sender.frameId !== 0) return { ok: false, state: "error", message: "showInFrame comes from the listing's own document only." };
  if (!isFrameState(request.state)) return { ok: false, state: "error", message: "Malformed showInFrame message." };
  await showInTab(sender.tab.id, request.state);
  return { ok: true };
}

/** The frame opened or closed its panel: the content script of the frame's tab sets the iframe's
 * size (the frame cannot reach it but through here; window.parent.postMessage would tell the page). */
async function setPanelOpen(request, sender) {
  if (typeof request.open !== "boolean") return { ok: false, state: "error", message: "Malformed setPanelOpen message." };
  try {
    await chrome.tabs.sendMessage(sender.tab.id, { type: C.MESSAGE.RESIZE_FRAME, open: request.open }, { frameId: 0 });
  } catch (error) {
    return { ok: false, state: "error", message: `The listing's page did not answer (${error.message}).` };
  }
  return { ok: true };
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
  const stored = (await chrome.storage.session.get(tabKey(request.tabId)))[tabKey(request.tabId)];
  return { ok: true, service: status, answer: stored ? stored.answer : null, account: await accountForTab(request.tabId) };
}

// --- evidence (issue 10; background/evidence.js) -----------------------------------------------

const savingTabs = new Set(); // one save at a time per tab

/** Save evidence of the listing in `tabId` and say how it went, in words, in the answer and on
 * the toolbar button (the context menu and the shortcut have no other place to say it). */
async function saveTabEvidence(tabId, { withScreenshot, basis = null, fullPage = false }) {
  if (savingTabs.has(tabId)) return { ok: false, state: "error", message: "emptor is already saving evidence of this page." };
  savingTabs.add(tabId);
  let result;
  try {
    const stored = (await chrome.storage.session.get(tabKey(tabId)))[tabKey(tabId)];
    // The popup that asked for the whole page shows how far the screenshots are (popup.js). A
    // message rather than chrome.storage.session: it reaches the open popup at once, leaves
    // nothing behind, and a closed popup simply does not receive it.
    const onProgress = (progress) =>
      chrome.runtime.sendMessage({ type: C.MESSAGE.CAPTURE_PROGRESS, tabId, ...progress }).catch(() => {});
    const saved = await saveEvidence(tabId, { withScreenshot, basis: basis || (stored && stored.evidence) || null, fullPage, onProgress });
    const { id, hash, captured_at: capturedAt } = saved.record;
    let message = savedText(saved.record, { screenshot: saved.screenshot });
    if (saved.fullPage) message += ` ${fullPageText(saved.fullPage)}`;
    if (saved.note) message += ` ${saved.note}`;
    result = { ok: true, state: "saved", message, record: { id, hash, captured_at: capturedAt }, screenshot: saved.screenshot };
  } catch (error) {
    result = error instanceof EvidenceProblem ? { ok: false, state: "error", message: error.message } : failure(error);
    result.message = `Evidence not saved: ${result.message}`;
  } finally {
    savingTabs.delete(tabId);
  }
  chrome.action.setBadgeText({ tabId, text: result.ok ? "✓" : "!" }).catch(() => {});
  chrome.action.setTitle({ tabId, title: `emptor: ${result.message}` }).catch(() => {});
  return result;
}

/** The popup's "Save evidence": its click granted activeTab, so the screenshot is taken, and the
 * whole page's too when the shopper ticked "Whole page" (`fullPage`). */
function saveEvidenceFromPopup(request) {
  if (!Number.isSafeInteger(request.tabId)) return { ok: false, state: "error", message: "Malformed saveEvidence message." };
  return saveTabEvidence(request.tabId, { withScreenshot: true, fullPage: request.fullPage === true });
}

/** The panel's "Save evidence": a click in a page grants no screenshot, so the page and the facts
 * are saved and the answer says how to add one; unless the shopper allowed screenshots on the
 * options page (the optional <all_urls> permission), and then the screenshot is taken too. */
async function savePageEvidence(request, sender) {
  const result = await saveTabEvidence(sender.tab.id, { withScreenshot: await screenshotsAllowed() });
  if (result.ok && !result.screenshot) result.message += ` ${C.EVIDENCE.SCREENSHOT_HINT}`;
  return result;
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

/** The content script's own measurements of its first analysis, kept for `make bench` when it
 * turned them on (EMPTOR.DEBUG_TIMINGS_KEY); otherwise nothing is kept. */
async function reportTimings(request, sender) {
  const stored = await chrome.storage.local.get(C.DEBUG_TIMINGS_KEY);
  if (stored[C.DEBUG_TIMINGS_KEY] !== true) return { ok: false, state: "error", message: "Timings are not being collected." };
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

// Deadline checks run one at a time, so two (an alarm and a settings change) never raise the same
// warning twice.
let deadlineWork = Promise.resolve();
function serially(task) {
  const run = deadlineWork.then(task, task);
  deadlineWork = run.catch(() => {});
  return run;
}
// The tail of that queue, read by the browser tests (tests/support/browser.py): a test must
// know that no check started before its own is still running, or that check's write of the
// remembered warnings lands after the test has cleared them.
globalThis.emptorDeadlineWork = () => deadlineWork;
/** The same, for a caller that does not wait: a failure is logged. */
function inBackground(task) {
  serially(task).catch((error) => console.warn("emptor: deadline check failed", error.message));
}

/** The popup's list of deadlines: the copy, refreshed first when the service answers. */
async function getDeadlines() {
  let refreshed = null;
  try {
    await serially(refreshOrders);
  } catch (error) {
    refreshed = failure(error);
  }
  const copy = await ordersCopy();
  return {
    ok: true,
    orders: copy ? copy.orders : [],
    fetchedAt: copy ? copy.fetchedAt : null,
    warnDays: await warnDays(),
    stale: refreshed ? refreshed.message : null,
  };
}

async function listEvidence() {
  try {
    const answer = await service.evidence();
    return { ok: true, records: Array.isArray(answer.records) ? answer.records : [] };
  } catch (error) {
    return failure(error);
  }
}

// docs/api.md, POST /api/v1/evidence/export: letters, digits, "-" and "_", up to 64.
const EXPORT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The popup's "Export": the service writes the pack in its data directory and says where (a
 * service worker cannot download a large file). */
async function exportEvidence(request) {
  const given = [
    ["product_id", request.productId],
    ["order_id", request.orderId],
  ].filter(([, value]) => value !== undefined && value !== null);
  if (given.length !== 1 || typeof given[0][1] !== "string" || !EXPORT_ID.test(given[0][1])) {
    return { ok: false, state: "error", message: "Malformed exportEvidence message." };
  }
  try {
    const pack = await service.exportEvidence({ [given[0][0]]: given[0][1] });
    return { ok: true, pack };
  } catch (error) {
    return failure(error);
  }
}

const HANDLERS = {
  [C.MESSAGE.ANALYZE_PAGE]: analyzePage,
  [C.MESSAGE.SHOW_IN_FRAME]: showInFrame,
  [C.MESSAGE.REPORT_TIMINGS]: reportTimings,
  [C.MESSAGE.GET_HISTORY]: getHistory,
  [C.MESSAGE.SET_PANEL_OPEN]: setPanelOpen,
  [C.MESSAGE.SAVE_PAGE_EVIDENCE]: savePageEvidence,
  [C.MESSAGE.GET_TAB_VERDICT]: getTabVerdict,
  [C.MESSAGE.GET_SERVICE_STATUS]: () => serviceStatus({ fresh: true }),
  [C.MESSAGE.GET_TIMINGS]: getTimings,
  [C.MESSAGE.SAVE_EVIDENCE]: saveEvidenceFromPopup,
  [C.MESSAGE.GET_DEADLINES]: getDeadlines,
  [C.MESSAGE.LIST_EVIDENCE]: listEvidence,
  [C.MESSAGE.EXPORT_EVIDENCE]: exportEvidence,
  [C.MESSAGE.OPEN_EXPORTS_FOLDER]: async () => {
    try {
      return { ok: true, ...(await service.openExportsFolder()) };
    } catch (error) {
      return failure(error);
    }
  },
  [C.MESSAGE.ORDER_FEED]: (request, sender) => orderFeed(request, sender, { failure, serially }),
  [C.MESSAGE.ORDER_PAGE]: (request, sender) => orderPage(request, sender, { failure, serially }),
  [C.MESSAGE.CHECKOUT_SHOWN]: (request, sender) => checkoutShown(request, sender, { saveTabEvidence }),
  [C.MESSAGE.ANALYZE_THREAD]: analyzeThread,
};

// emptor's frame page: its address under the extension's id, and this session's dynamic one
// (dispatch.js says which the browser reports).
const OWN_FRAME = {
  extensionId: chrome.runtime.id,
  frameUrls: [...new Set([chrome.runtime.getURL("") + C.FRAME.PAGE, chrome.runtime.getURL(C.FRAME.PAGE)])],
};
const route = makeRouter(HANDLERS, { ...OWN_FRAME, extensionOrigin: chrome.runtime.getURL("") });
// emptor's warning on seller message pages (background/messages.js), at either address as above.
const OWN_THREAD_VIEW = {
  extensionId: chrome.runtime.id,
  viewUrls: [...new Set([chrome.runtime.getURL("") + C.THREAD.VIEW, chrome.runtime.getURL(C.THREAD.VIEW)])],
};

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

// emptor's frame connects to learn what to show. A port from anything else is left unanswered
// (not disconnected: the frame connects again whenever its port closes).
chrome.runtime.onConnect.addListener((port) => {
  if (port.name === C.THREAD.PORT_NAME && attachThreadView(port, OWN_THREAD_VIEW)) return;
  if (port.name !== C.FRAME.PORT_NAME || !isOwnFrame(port.sender, OWN_FRAME)) {
    console.warn("emptor: ignored a connection", port.name, "from", port.sender && (port.sender.url || port.sender.id));
    return;
  }
  attachFrame(port).catch((error) => console.warn("emptor: could not send the frame its state", error.message));
});

// "Save evidence" from the page's context menu, on the pages emptor can snapshot (those whose
// content scripts include capture.js: listings, orders, tracking, checkout, seller messages), and
// from the keyboard shortcut (manifest.json "commands"): both grant activeTab.
const SNAPSHOT_PAGES = [
  ...new Set(chrome.runtime.getManifest().content_scripts.filter((script) => script.js.includes("content/capture.js")).flatMap((script) => script.matches)),
];
chrome.runtime.onInstalled.addListener(() => {
  // A new version starts with the manifest's rulesets ("update"), and so does an extension loaded
  // from a folder, which Chromium installs again at each start ("install", its storage kept): the
  // shopper's tracker-blocking choice again. A first install has none, and keeps the defaults.
  // Kept where a test can wait for it (tests/browser/test_blocking_choice_update.py).
  globalThis.emptorShieldRestored = restoreShieldChoice();
  chrome.contextMenus.removeAll(() => {
    chrome.contextMenus.create({
      id: C.EVIDENCE.MENU_ID,
      title: "Save evidence of this page (emptor)",
      contexts: ["page", "selection", "link", "image"],
      documentUrlPatterns: SNAPSHOT_PAGES,
    });
  });
});
function restoreShieldChoice() {
  chrome.storage.local.remove("shieldOptions"); // an earlier build's half of the choice: not carried over
  return globalThis.emptorShield.restoreChoice().catch((error) => console.warn("emptor: could not restore the tracker-blocking choice", error.message));
}

chrome.contextMenus.onClicked.addListener((info, tab) => {
  if (info.menuItemId === C.EVIDENCE.MENU_ID && tab && tab.id >= 0 && info.frameId === 0) saveTabEvidence(tab.id, { withScreenshot: true });
});
chrome.commands.onCommand.addListener(async (command, tab) => {
  if (command !== C.EVIDENCE.COMMAND) return;
  const target = tab || (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0];
  if (target && target.id >= 0) saveTabEvidence(target.id, { withScreenshot: true });
});

// A deadline warning clicked: the order's page, where the shopper can confirm receipt, extend the
// protection or open a dispute.
chrome.notifications.onClicked.addListener((notificationId) => {
  const url = orderPageUrl(notificationId);
  if (!url) return;
  chrome.tabs.create({ url }).catch((error) => console.warn("emptor: could not open the order", error.message));
  chrome.notifications.clear(notificationId).catch(() => {});
});

// A closed tab, or a tab loading a new document, no longer shows the verdict it had. (Without
// the tabs permission the event does not say which address is loading, only that one is.)
chrome.tabs.onRemoved.addListener((tabId) => {
  forgetTab(tabId);
  forgetLookalikeTab(tabId).catch((error) => console.warn("emptor: could not forget the tab's lookalike warnings", error.message));
});
chrome.tabs.onUpdated.addListener((tabId, change) => {
  if (change.status === "loading") forgetTab(tabId);
});

// Buyer-protection deadlines (background/deadlines.js): the alarm refreshes the copy of the orders
// when the service answers and warns from the copy either way; the worker's start does the same
// when the copy is old. The alarm is made again after it fires, should it have been replaced by
// a one-off alarm of the same name.
chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name !== C.DEADLINES.ALARM) return;
  inBackground(onDeadlineAlarm);
  inBackground(ensureDeadlineAlarm);
});
inBackground(startDeadlines);

// Lookalike shops (background/lookalike.js): registered at the top level, so a navigation wakes
// the worker.
watchNavigations();

// Another service (or token) may answer differently: forget what the previous one said.
chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== "local") return;
  // A new "warn me N days before" applies at once, to the copy.
  if (C.DEADLINES.WARN_DAYS_KEY in changes) inBackground(() => checkDeadlines());
  if (!Object.values(C.STORAGE_KEYS).some((key) => key in changes)) return;
  settingsGeneration++;
  forgetConfirmation();
  reports.clear();
  health = { checkedAt: 0, value: null };
  // The new service's orders, and none of the previous one's meanwhile.
  inBackground(async () => {
    await forgetService();
    await onDeadlineAlarm();
  });
});
