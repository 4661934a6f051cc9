/*
 * Saving evidence of a listing (issue 10; docs/extension.md, "Saving evidence"): the page as the
 * content script serialises it, a screenshot of the visible tab when the shopper's gesture
 * allows one (the popup's button, the context menu, the keyboard shortcut: each grants
 * activeTab), and the facts of the tab's last report. Each artifact goes to the service raw
 * (POST /api/v1/evidence/artifacts), then the record naming them (POST /api/v1/evidence).
 */
import "../lib/constants.js";
import { artifactTooLarge, bytesFromDataUrl, evidenceRecord, isPng } from "./evidence-record.js";
import { service } from "./service-client.js";
import { sha256Hex } from "./signing.js";

const C = globalThis.EMPTOR;

/** A failure the shopper can act on, in words. */
export class EvidenceProblem extends Error {}

const NOT_A_LISTING = "emptor saves evidence of AliExpress listings only (order and message pages come later): open a listing and try again.";

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
      toListing(tabId, { type: C.MESSAGE.SNAPSHOT_PAGE }).catch(() => {
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
    dataUrl = await chrome.tabs.captureVisibleTab(tab.windowId, { format: "png" });
  } catch (error) {
    // Chromium and Firefox allow it only with activeTab (granted by the gestures above) or <all_urls>.
    console.info("emptor: no screenshot", error.message);
    throw new Error("the browser allows emptor a screenshot only right after a press on its toolbar button, its menu entry or its shortcut");
  } finally {
    await toListing(tabId, { type: C.MESSAGE.HIDE_FRAME, hidden: false }).catch(() => {});
  }
  const { bytes } = bytesFromDataUrl(dataUrl);
  if (!isPng(bytes)) throw new Error("the browser's screenshot is not a PNG");
  return bytes;
}

async function store(name, mediaType, bytes) {
  const tooLarge = artifactTooLarge(name, bytes.length);
  if (tooLarge) throw new EvidenceProblem(`Not saved: ${tooLarge}.`);
  const stored = await service.evidenceArtifact({ bytes, mediaType, name });
  if (!stored || stored.sha256 !== (await sha256Hex(bytes))) {
    throw new EvidenceProblem(`Not saved: the service did not store ${name} as it was sent.`);
  }
  return { name, sha256: stored.sha256, media_type: stored.media_type || mediaType };
}

/**
 * Save evidence of the listing in tab `tabId`. `withScreenshot`: try to add a screenshot (only
 * after a gesture that granted activeTab). `basis`: what the worker kept of the tab's last report
 * (evidence-record.js, evidenceBasis), or null. Resolves to {record, screenshot, note}, `note`
 * saying why a screenshot asked for is missing; throws on failure (an EvidenceProblem, or the
 * service client's errors).
 */
export async function saveEvidence(tabId, { withScreenshot, basis }) {
  const page = await snapshotPage(tabId);
  const browserTime = new Date().toISOString();
  let png = null;
  let note = null;
  if (withScreenshot) {
    try {
      png = await screenshot(tabId);
    } catch (error) {
      note = `No screenshot (${error.message}).`;
    }
  }
  const artifacts = [await store(C.EVIDENCE.PAGE_NAME, "text/html", new TextEncoder().encode(page.html))];
  if (png) artifacts.push(await store(C.EVIDENCE.SCREENSHOT_NAME, "image/png", png));
  const record = evidenceRecord({ url: page.url, browserTime, userAgent: navigator.userAgent, artifacts, basis });
  const saved = await service.saveEvidence(record);
  return { record: saved, screenshot: Boolean(png), note };
}
