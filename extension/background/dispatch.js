/*
 * Which message may be handled, decided in one place (pure: tested with node --test).
 *
 * Every message must come from this extension (sender.id, which the browser sets). Then:
 * - content-script messages only from a web page's tab (a content script's sender.url is the
 *   page's http(s) address);
 * - frame messages only from emptor's frame page (view/frame.html) embedded in a tab;
 * - extension-page messages only from the extension's own pages (popup, options), not the frame.
 * Anything else, including a message from another extension or a type the worker only sends,
 * is refused.
 *
 * The frame's address: the content script loads the frame from the address
 * chrome.runtime.getURL gives it, which with use_dynamic_url (manifest.json) names a per-session
 * id (chrome-extension://<random GUID>/view/frame.html); Chromium then serves the document under
 * the extension's own id, and that is what the frame's messages and port carry: sender.url
 * chrome-extension://<extension id>/view/frame.html, sender.origin chrome-extension://<extension id>,
 * sender.id the extension's id, sender.tab the listing's tab and a sender.frameId above 0
 * (Chromium 156; tests/browser/test_panel_privacy.py checks it). The worker passes both forms of
 * the address, the extension's own and this session's dynamic one, and the frame must be at one
 * of them exactly.
 */
import "../lib/constants.js";

const C = globalThis.EMPTOR;

function parsedUrl(text) {
  try {
    return typeof text === "string" ? new URL(text) : null;
  } catch {
    return null;
  }
}

/** Whether `sender` is emptor's frame page (at one of `frameUrls`) embedded in a tab, not opened
 * as a page of its own. */
export function isOwnFrame(sender, { extensionId, frameUrls }) {
  return (
    Boolean(sender) &&
    sender.id === extensionId &&
    frameUrls.includes(sender.url) &&
    Boolean(sender.tab) &&
    Number.isInteger(sender.frameId) &&
    sender.frameId > 0
  );
}

function isContentScript(sender) {
  const url = parsedUrl(sender.url);
  return Boolean(sender.tab) && Boolean(url) && (url.protocol === "https:" || url.protocol === "http:");
}

/** The popup, the options page (in its own tab) or another top-level extension page: never an
 * extension page embedded in a web page (emptor's frame, the seller-message warning), which only
 * uses its own messages and port. */
function isExtensionPage(sender, extensionOrigin, frame) {
  const embedded = Boolean(sender.tab) && Number.isInteger(sender.frameId) && sender.frameId > 0;
  return typeof sender.url === "string" && sender.url.startsWith(extensionOrigin) && !embedded && !isOwnFrame(sender, frame);
}

/** `frameUrls`: the addresses emptor's frame page may have (see above). */
export function makeRouter(handlers, { extensionId, extensionOrigin, frameUrls }) {
  const frame = { extensionId, frameUrls };
  return function route(request, sender) {
    const type = request && request.type;
    if (!sender || sender.id !== extensionId || !Object.hasOwn(handlers, type)) return null;
    if (C.CONTENT_SCRIPT_MESSAGES.includes(type)) return isContentScript(sender) ? handlers[type] : null;
    if (C.FRAME_MESSAGES.includes(type)) return isOwnFrame(sender, frame) ? handlers[type] : null;
    if (C.EXTENSION_PAGE_MESSAGES.includes(type)) return isExtensionPage(sender, extensionOrigin, frame) ? handlers[type] : null;
    return null;
  };
}
