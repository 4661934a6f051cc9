/*
 * The whole page as one PNG, when the shopper asks for it (issue 10, "Capture"; docs/extension.md,
 * "Saving evidence"). The browser only screenshots what is on screen, so the worker has the
 * content script (content/capture.js, SCROLL_PAGE) scroll the page one screen at a time, takes
 * a screenshot of each screen, draws them one below the other on an OffscreenCanvas (available
 * in an extension's service worker, as createImageBitmap is) and encodes the result as a PNG.
 * emptor's badge and panel are hidden meanwhile, and the shopper's scroll position is restored.
 *
 * The plan (capturePlan) is pure, so that node --test covers it (tests/fullpage.test.js).
 */
import "../lib/constants.js";

const C = globalThis.EMPTOR;

// Chromium refuses a captureVisibleTab call beyond MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND,
// which is 2 (developer.chrome.com/docs/extensions/reference/api/tabs, "Properties"): one call
// every 500 ms, plus a margin for the timers' jitter.
const MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND = 2;
export const CAPTURE_INTERVAL_MS = 1000 / MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND + 50;

/**
 * Where to scroll for each screenshot of a page `pageHeight` CSS pixels tall seen through a
 * viewport `viewportHeight` tall, at `scale` device pixels per CSS pixel: {offsets, height, cut,
 * needed}. `offsets`: the scroll positions, top first, at most `maxCaptures` of them, and no more
 * than fit in `maxCanvasPx` device pixels of stitched height; the last screen of a page captured
 * whole is aligned with the page's bottom (it overlaps the one before, never runs past the end).
 * `height`: the CSS pixels the stitched image covers; `cut`: whether the page goes on below it;
 * `needed`: the screenshots the whole page would have taken.
 */
export function capturePlan({ pageHeight, viewportHeight, scale, maxCaptures, maxCanvasPx }) {
  for (const [name, value] of Object.entries({ pageHeight, viewportHeight, scale, maxCaptures, maxCanvasPx })) {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, not ${value}`);
  }
  const screen = Math.floor(viewportHeight);
  const height = Math.max(Math.ceil(pageHeight), screen);
  const needed = Math.ceil(height / screen);
  const fitInCanvas = Math.max(1, Math.floor(maxCanvasPx / (screen * scale)));
  const count = Math.min(needed, Math.floor(maxCaptures), fitInCanvas);
  const cut = count < needed;
  const offsets = Array.from({ length: count }, (_, i) => i * screen);
  if (!cut) offsets[count - 1] = height - screen;
  return { offsets, height: cut ? count * screen : height, cut, needed };
}

let lastCaptureAt = -Infinity;
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** captureVisibleTab, never faster than the browser allows. Every screenshot emptor takes goes
 * through here, so that a visible-area screenshot followed by a whole page's stays within the quota;
 * a refusal for the quota all the same (another call elsewhere) is retried once. */
export async function captureVisible(windowId) {
  for (let attempt = 0; ; attempt++) {
    const wait = lastCaptureAt + CAPTURE_INTERVAL_MS - performance.now();
    if (wait > 0) await delay(wait);
    lastCaptureAt = performance.now();
    try {
      return await chrome.tabs.captureVisibleTab(windowId, { format: "png" });
    } catch (error) {
      if (attempt > 0 || !/MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND/.test(error.message)) throw error;
    }
  }
}

// How long the page may take to scroll and say where it is: a page that does not answer (a
// content script gone, a tab frozen) must not leave its save pending for good.
const PAGE_ANSWER_TIMEOUT_MS = 5000;

function toPage(tabId, message) {
  let timer;
  const tooSlow = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error("the page did not answer")), PAGE_ANSWER_TIMEOUT_MS);
  });
  return Promise.race([chrome.tabs.sendMessage(tabId, message, { frameId: 0 }), tooSlow]).finally(() => clearTimeout(timer));
}

function validGeometry(at) {
  return (
    at &&
    ["x", "y", "pageHeight", "viewportWidth", "viewportHeight", "scale"].every((key) => Number.isFinite(at[key])) &&
    at.viewportWidth > 0 &&
    at.viewportHeight > 0 &&
    at.scale > 0
  );
}

/** Scroll the page (to `y`, or nowhere when null) and learn where it is and how large. */
async function scrollPage(tabId, y, x = null) {
  const at = await toPage(tabId, { type: C.MESSAGE.SCROLL_PAGE, x, y }).catch(() => null); // no emptor script there
  if (!validGeometry(at)) throw new Error("the page did not say how tall it is");
  return at;
}

/** The shopper has moved to another tab (or window): a screenshot now would show that one. */
async function stillOnScreen(tabId, windowId) {
  const tab = await chrome.tabs.get(tabId);
  if (!tab.active || tab.windowId !== windowId) throw new Error("the listing left the screen while emptor was capturing it");
}

/**
 * Capture the whole page in tab `tabId` (the tab on screen, with a screenshot allowed: activeTab
 * or <all_urls>). `onProgress({capture, of})` is called before each screenshot. Resolves to
 * {bytes, summary}: the PNG and what the record says of it (captures taken, the page's and the
 * image's height in CSS pixels, whether it was cut); throws an Error in words otherwise.
 */
export async function captureFullPage(tabId, { onProgress = () => {} } = {}) {
  const tab = await chrome.tabs.get(tabId);
  if (!tab.active) throw new Error("the listing is not the tab on screen");
  const start = await scrollPage(tabId, null);
  const plan = capturePlan({
    pageHeight: start.pageHeight,
    viewportHeight: start.viewportHeight,
    scale: start.scale,
    maxCaptures: C.EVIDENCE.FULL_PAGE_MAX_CAPTURES,
    maxCanvasPx: C.EVIDENCE.FULL_PAGE_MAX_CANVAS_PX,
  });
  let canvas = null;
  let context = null;
  await toPage(tabId, { type: C.MESSAGE.HIDE_FRAME, hidden: true });
  try {
    for (const [i, offset] of plan.offsets.entries()) {
      onProgress({ capture: i + 1, of: plan.offsets.length });
      const at = await scrollPage(tabId, offset);
      // A page that scrolls an element of its own, not the document, stays where it is: each
      // screenshot would show the same screen. What is not where the plan put it is not drawn.
      if (Math.abs(at.y - offset) > 1) {
        throw new Error(`the page did not scroll to ${Math.round(offset)} px (it stayed at ${Math.round(at.y)} px)`);
      }
      await stillOnScreen(tabId, tab.windowId);
      let dataUrl;
      try {
        dataUrl = await captureVisible(tab.windowId);
      } catch (error) {
        await stillOnScreen(tabId, tab.windowId); // the likelier reason: another tab came on screen meanwhile
        throw new Error(`the browser refused a screenshot (${error.message})`);
      }
      await stillOnScreen(tabId, tab.windowId); // the screenshot may show the tab that came instead
      const bitmap = await createImageBitmap(await (await fetch(dataUrl)).blob());
      // Device pixels per CSS pixel as the screenshot has them (the zoom and the display's ratio).
      const scale = bitmap.width / start.viewportWidth;
      if (!canvas) {
        canvas = new OffscreenCanvas(bitmap.width, Math.round(plan.height * scale));
        context = canvas.getContext("2d");
      }
      context.drawImage(bitmap, 0, Math.round(at.y * scale));
      bitmap.close();
    }
  } finally {
    // Not waited for: a page in the background answers late, and the save need not wait for it.
    scrollPage(tabId, start.y, start.x).catch(() => {});
    toPage(tabId, { type: C.MESSAGE.HIDE_FRAME, hidden: false }).catch(() => {});
  }
  let blob;
  try {
    blob = await canvas.convertToBlob({ type: "image/png" });
  } catch (error) {
    throw new Error(`the browser could not make one image of the page (${error.message})`);
  }
  if (blob.size > C.EVIDENCE.MAX_SCREENSHOT_BYTES) {
    throw new Error(`the whole page's image is ${(blob.size / 1024 / 1024).toFixed(1)} MB, more than the ${C.EVIDENCE.MAX_SCREENSHOT_BYTES / 1024 / 1024} MB the service keeps`);
  }
  const summary = {
    captures: plan.offsets.length,
    page_height: Math.round(start.pageHeight),
    captured_height: plan.height,
    cut: plan.cut,
    width_px: canvas.width,
    height_px: canvas.height,
  };
  return { bytes: new Uint8Array(await blob.arrayBuffer()), summary };
}

/** The shopper's words for a whole-page image that was taken. */
export function fullPageText(summary) {
  const screens = `${summary.captures} screen${summary.captures === 1 ? "" : "s"}`;
  if (!summary.cut) return `The whole-page image took ${screens}.`;
  const why = summary.captures >= C.EVIDENCE.FULL_PAGE_MAX_CAPTURES ? `emptor stops at ${C.EVIDENCE.FULL_PAGE_MAX_CAPTURES} screens` : "a taller image is more than the browser draws";
  return `The whole-page image covers the first ${screens} (${summary.captured_height} of ${summary.page_height} pixels): ${why}.`;
}

/** Whether the shopper granted the optional screenshot permission (the options page asks for it):
 * then a screenshot needs no activeTab, so the panel's Save evidence can take one. */
export async function screenshotsAllowed() {
  try {
    return await chrome.permissions.contains({ origins: [...C.EVIDENCE.SCREENSHOT_ORIGINS] });
  } catch {
    return false;
  }
}
