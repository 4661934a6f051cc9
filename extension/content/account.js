/*
 * The content script of the shopper's account pages (issue 10; docs/extension.md, "Account
 * pages"): order list and detail, tracking, checkout and seller messages. It shows nothing on
 * them. It hands the service worker:
 * - each order feed's answer the page-world hook (page-hook.js) saw the page receive, as it
 *   arrives, and the old site's order detail page as rendered, so that the service stores the
 *   orders and their buyer-protection ends;
 * - on a checkout page, once the page has rendered its order, word that it has, so that the
 *   worker saves what was promised at the moment of purchase (once per product and variant).
 * Saving evidence on these pages uses capture.js's snapshot; while the worker takes a screenshot,
 * the buyer's address and contact blocks are blurred (the service redacts them from the saved
 * page's text; pixels it cannot redact), unless the shopper chose to keep them.
 *
 * The page sees the hook's messages and can post its own "feeds": the worker checks the sender's
 * page, and the service reads a feed as data about the shopper's own orders, nothing more (a
 * forged order is the worst a page can store; docs/security.md).
 */
(function (root) {
  "use strict";

  const content = root.emptorContent;
  if (!content) return; // not a top-level HTML document (content/timings.js decides)

  const C = globalThis.EMPTOR;
  const A = C.ACCOUNT;
  content.account = true; // capture.js's snapshot says so: the page is redacted as an account page

  function toWorker(message) {
    return chrome.runtime.sendMessage(message).catch(() => {
      // The extension was reloaded or removed: nobody to tell.
    });
  }

  window.addEventListener("message", (event) => {
    const data = event.data;
    if (event.source !== window || !data || data.tag !== C.PAGE_MESSAGE_TAG || data.kind !== "order-feed") return;
    const body = data.body;
    if (typeof data.source !== "string" || data.source.length > C.MAX_SOURCE_NAME_CHARS) return;
    if (typeof body === "string" ? body.length > A.MAX_FEED_CHARS : body === null || typeof body !== "object") return;
    toWorker({ type: C.MESSAGE.ORDER_FEED, source: data.source, body });
  });

  // --- screenshots: the buyer's address and contact blocks blurred ----------------------------

  let blur = null; // the <style> blurring personal data while a screenshot is taken

  async function hideForScreenshot(hidden) {
    if (!hidden) {
      if (blur) blur.remove();
      blur = null;
      return;
    }
    const stored = await chrome.storage.local.get(C.EVIDENCE.KEEP_PERSONAL_DATA_KEY).catch(() => ({}));
    if (stored[C.EVIDENCE.KEEP_PERSONAL_DATA_KEY] === true || blur) return;
    blur = document.createElement("style");
    blur.textContent = `${A.PERSONAL_DATA_SELECTORS.join(", ")} { filter: blur(8px) !important; }`;
    (document.head || document.documentElement).append(blur);
  }

  chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (!message || message.type !== C.MESSAGE.HIDE_FRAME || typeof message.hidden !== "boolean") return false;
    hideForScreenshot(message.hidden)
      .then(() => content.capture.painted())
      .then(() => sendResponse({ ok: true }), () => sendResponse({ ok: false }));
    return true; // answered once painted
  });

  // --- checkout: what was promised at the moment of purchase -----------------------------------

  function checkoutRendered() {
    return A.CHECKOUT_RENDERED_SELECTORS.some((selector) => document.querySelector(selector));
  }

  /** Resolves when the checkout has rendered its order, or after RENDER_WAIT_MS (captured as it
   * is then: the page and the facts still say what the shopper was shown). */
  function whenCheckoutRendered() {
    return new Promise((resolve) => {
      if (checkoutRendered()) return resolve(true);
      const observer = new MutationObserver(() => {
        if (!checkoutRendered()) return;
        finish(true);
      });
      const timer = setTimeout(() => finish(false), C.RENDER_WAIT_MS);
      function finish(rendered) {
        observer.disconnect();
        clearTimeout(timer);
        resolve(rendered);
      }
      observer.observe(document.documentElement, { childList: true, subtree: true });
    });
  }

  // The old site's order detail page holds its order in its markup: the service reads the page.
  if (location.hostname === "trade.aliexpress.com" && location.pathname === "/order_detail.htm") {
    content.capture.serializePage().then((html) => html && toWorker({ type: C.MESSAGE.ORDER_PAGE, html }));
  }

  if (location.pathname === "/p/trade/confirm.html") {
    whenCheckoutRendered().then((rendered) => toWorker({ type: C.MESSAGE.CHECKOUT_SHOWN, rendered }));
  }
})(globalThis);
