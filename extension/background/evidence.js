/*
 * Saving evidence of a listing (issue 10; docs/extension.md, "Saving evidence"): the page as the
 * content script serialises it, a screenshot of the visible tab when the shopper's gesture
 * allows one (the popup's button, the context menu, the keyboard shortcut: each grants
 * activeTab), and the facts of the tab's last report. Each artifact goes to the service raw
 * (POST /api/v1/evidence/artifacts), then the record naming them (POST /api/v1/evidence).
 */
import "../lib/constants.js";
import { artifactTooLarge, bytesFromDataUrl, evidenceRecord, isPng, snapshotKind } from "./evidence-record.js";
import { captureFullPage, captureVisible } from "./fullpage.js";
import { LIMITS as RESOURCE_LIMITS, fetchPageResources, resourcesFacts } from "./page-resources.js";
import { service } from "./service-client.js";
import { sha256Hex } from "./signing.js";

const C = globalThis.EMPTOR;

/** A failure the shopper can act on, in words. */
export class EvidenceProblem extends Error {}

const NOT_A_LISTING = "emptor saves evidence of AliExpress listings, orders, tracking, checkout and seller message pages: open one and try again.";

function toListing(tabId, message) {
  return chrome.tabs.sendMessage(tabId, message, { frameId: 0 });
}

const TOO_SLOW = "The page took too long to hand over its content; wait until it has loaded and try again.";

/** The content script's snapshot of its page: {url, html}; given up after SNAPSHOT_TIMEOUT_MS,
 * so a page that never answers cannot leave its tab "saving" for good. */
async function snapshotPage(tabId) {
  let page;
  let timer;
  const tooSlow = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new EvidenceProblem(TOO_SLOW)), C.EVIDENCE.SNAPSHOT_TIMEOUT_MS);
  });
  try {
    page = await Promise.race([
      // keepStyles: the page's <style> blocks too, so that the saved page keeps its look.
      toListing(tabId, { type: C.MESSAGE.SNAPSHOT_PAGE, keepStyles: true }).catch(() => {
        throw new EvidenceProblem(NOT_A_LISTING); // no emptor content script in that tab
      }),
      tooSlow,
    ]);
  } finally {
    clearTimeout(timer);
  }
  if (!page || typeof page.url !== "string" || !/^https?:\/\//.test(page.url)) throw new EvidenceProblem(NOT_A_LISTING);
  if (typeof page.html !== "string") throw new EvidenceProblem("This page is too large for emptor to save.");
  return page;
}

/** A PNG of the visible part of the tab, with emptor's own frame hidden meanwhile. */
async function screenshot(tabId) {
  const tab = await chrome.tabs.get(tabId);
  if (!tab.active) throw new Error("the listing is not the tab on screen");
  await toListing(tabId, { type: C.MESSAGE.HIDE_FRAME, hidden: true });
  let dataUrl;
  try {
    dataUrl = await captureVisible(tab.windowId); // within the browser's two a second (fullpage.js)
  } catch (error) {
    // Chromium and Firefox allow it only with activeTab (granted by the gestures above) or <all_urls>.
    console.info("emptor: no screenshot", error.message);
    throw new Error("the browser allows emptor a screenshot only right after a press on its toolbar button, its menu entry or its shortcut");
  } finally {
    await toListing(tabId, { type: C.MESSAGE.HIDE_FRAME, hidden: false }).catch(() => {});
  }
  // The browser captures whichever tab is on screen: with the optional <all_urls> permission
  // that may be another site the shopper switched to meanwhile, which must not be kept.
  const after = await chrome.tabs.get(tabId).catch(() => null);
  if (!after || !after.active || after.windowId !== tab.windowId) throw new Error("the page left the screen while the screenshot was taken");
  const { bytes } = bytesFromDataUrl(dataUrl);
  if (!isPng(bytes)) throw new Error("the browser's screenshot is not a PNG");
  return bytes;
}

/** Upload one artifact; {name, sha256, media_type} as the record names it, and, for a page the
 * service redacted (`pageKindHeaders`), what it redacted. A redacted page is not the bytes sent,
 * so its hash is the service's to give; any other artifact must come back as it went. */
async function store(name, mediaType, bytes, pageKindHeaders = null) {
  const tooLarge = artifactTooLarge(name, bytes.length);
  if (tooLarge) throw new EvidenceProblem(`Not saved: ${tooLarge}.`);
  const stored = await service.evidenceArtifact({ bytes, mediaType, name, headers: pageKindHeaders || {} });
  const redacted = Boolean(stored && stored.redaction && stored.redaction.redacted);
  if (!stored || (!redacted && stored.sha256 !== (await sha256Hex(bytes)))) {
    throw new EvidenceProblem(`Not saved: the service did not store ${name} as it was sent.`);
  }
  const artifact = { name, sha256: stored.sha256, media_type: stored.media_type || mediaType };
  if (stored.redaction) artifact.redaction = stored.redaction;
  return artifact;
}

/** Upload the page's stylesheets and images (page-resources.js), a few at a time (each upload
 * waits on the service's disk flush: one after another, 32 of them took seconds), appending
 * them to `artifacts` in page order; the ones kept. One the service refuses costs that one only
 * and joins `look.leftOut`. */
async function storeResources(look, artifacts) {
  const outcomes = new Array(look.resources.length);
  let next = 0;
  async function uploader() {
    while (next < look.resources.length) {
      const at = next++;
      const resource = look.resources[at];
      try {
        outcomes[at] = { ...(await store(resource.name, resource.mediaType, resource.bytes)), url: resource.url };
      } catch (error) {
        look.leftOut.push({ url: resource.url, why: `the service did not keep it (${error.message})` });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(RESOURCE_LIMITS.UPLOADS, look.resources.length) }, uploader));
  const stored = outcomes.filter(Boolean);
  artifacts.push(...stored);
  return stored;
}

/** The headers that tell the service which kind of page it stores, so that it redacts the
 * buyer's name, address, phone and email from order, tracking and checkout pages unless the
 * shopper chose to keep them (options page; server/evidence/redact.py, docs/privacy.md). */
async function pageKindHeaders(kind) {
  if (!kind || kind === "listing") return null;
  const stored = await chrome.storage.local.get(C.EVIDENCE.KEEP_PERSONAL_DATA_KEY);
  const headers = { "X-Emptor-Page-Kind": kind };
  if (stored[C.EVIDENCE.KEEP_PERSONAL_DATA_KEY] === true) headers["X-Emptor-Redact"] = "no";
  return headers;
}

/**
 * Save evidence of the marketplace page in tab `tabId` (a listing, an order, tracking, checkout or
 * seller message page: evidence-record.js, pageKind). `withScreenshot`: try to add a screenshot (only
 * after a gesture that granted activeTab). `basis`: what the worker kept of the tab's last report
 * (evidence-record.js, evidenceBasis), or null. `fullPage`: add the whole page's image
 * (fullpage.js), reporting each screenshot to `onProgress({capture, of})`. Resolves to {record,
 * screenshot, fullPage, note}, `fullPage` what the record says of the whole page's image (or
 * null), `note` saying why a screenshot asked for is missing; throws on failure (an
 * EvidenceProblem, or the service client's errors).
 */
export async function saveEvidence(tabId, { withScreenshot, basis, fullPage = false, onProgress }) {
  const page = await snapshotPage(tabId);
  const browserTime = new Date().toISOString();
  const kind = snapshotKind(page);
  // The page's stylesheets and images, fetched while the screenshots are taken (never rejects).
  // Images only on a listing: on account pages they are the shopper's own (chat photos, avatars).
  const pageLook = fetchPageResources(page.html, page.url, { images: kind === "listing" });
  let png = null;
  let note = null;
  if (withScreenshot) {
    try {
      png = await screenshot(tabId);
    } catch (error) {
      note = `No screenshot (${error.message}).`;
    }
  }
  const pageArtifact = await store(C.EVIDENCE.PAGE_NAME, "text/html", new TextEncoder().encode(page.html), await pageKindHeaders(kind));
  const artifacts = [pageArtifact];
  if (png) artifacts.push(await store(C.EVIDENCE.SCREENSHOT_NAME, "image/png", png));
  // `fullPage`: the whole page as well (fullpage.js), when a screenshot could be taken at all.
  let whole = null;
  if (fullPage && png) {
    try {
      whole = await captureFullPage(tabId, { onProgress });
    } catch (error) {
      note = `No whole-page screenshot (${error.message}).`;
    }
  }
  if (whole) artifacts.push(await store(C.EVIDENCE.FULL_PAGE_NAME, "image/png", whole.bytes));
  const look = await pageLook;
  const kept = await storeResources(look, artifacts);
  const extraFacts = pageArtifact.redaction ? { redaction: pageArtifact.redaction } : {};
  if (whole) extraFacts.full_page = whole.summary;
  extraFacts.page_resources = resourcesFacts({ resources: kept, leftOut: look.leftOut });
  const record = evidenceRecord({ url: page.url, browserTime, userAgent: navigator.userAgent, artifacts, basis, extraFacts, kind });
  const saved = await service.saveEvidence(record);
  return { record: saved, screenshot: Boolean(png), fullPage: whole && whole.summary, note };
}
