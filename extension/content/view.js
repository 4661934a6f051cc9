/*
 * Where emptor shows itself on the listing, and nothing more. The badge and the panel render in
 * emptor's own page, view/frame.html, in an iframe: an extension-origin document the page cannot
 * read (no DOM access across origins, no window.find into it), where a shadow root, even a
 * closed one, still lets the page find its text. This file places the iframe above the product
 * title, inside a closed shadow root on a host element that carries no verdict, and hands each
 * state to show to the service worker, which relays it to the frame over the frame's own port:
 * nothing about the verdict passes through the page (docs/extension.md, "The badge and the panel").
 *
 * The iframe has a fixed size for the closed badge and another for the open panel (which
 * scrolls inside it), so its size says only whether the panel is open. The frame asks for the
 * other size through the service worker (RESIZE_FRAME), never with window.parent.postMessage,
 * which the page would see.
 */
(function (root) {
  "use strict";

  const content = root.emptorContent;
  if (!content) return; // not a top-level HTML document (content/timings.js decides)

  const C = globalThis.EMPTOR;
  const { FRAME } = C;
  // Space between the frame's bottom edge and the title (the badge's own bottom margin inside the
  // frame comes on top of it).
  const GAP_ABOVE_TITLE_PX = 1;

  let ui = null;
  let shown = null; // the latest state handed on

  function setFrameSize(frame, size) {
    frame.style.width = `${size.width}px`;
    frame.style.height = `${size.height}px`;
  }

  function createUi() {
    const host = document.createElement("div");
    host.id = C.ROOT_ID;
    // Positioned over the page (absolute, on <html>), so the page's own layout never moves.
    host.style.cssText = "all: initial; display: block; position: absolute; z-index: 2147483000; top: 0; left: 0;";
    // Closed: a page script gets null from host.shadowRoot, so it cannot reach the iframe element
    // (and its contents are cross-origin even to a script that did).
    const shadow = host.attachShadow({ mode: "closed" });
    const frame = document.createElement("iframe");
    frame.title = "emptor";
    frame.style.cssText = "all: initial; display: block; border: 0; margin: 0; padding: 0; background: transparent;";
    setFrameSize(frame, FRAME.COLLAPSED);
    // A frame that loads again (a page script moved the host, which reloads an iframe) starts
    // with its panel closed.
    frame.addEventListener("load", () => setFrameSize(frame, FRAME.COLLAPSED));
    // With use_dynamic_url (manifest.json), the address names a per-session id, not emptor's.
    frame.src = chrome.runtime.getURL(FRAME.PAGE);
    shadow.append(frame);
    document.documentElement.appendChild(host);
    // Placing the host reads the title's position, which on a large page forces a layout of the
    // whole page (measured: up to 20 ms on the 2 MB page) if done while the page's layout is out
    // of date. A ResizeObserver's callback runs right after the browser's own layout, so reading
    // positions there costs nothing extra. It fires when the page's size changes (the title can
    // appear or move late: 2024+ pages render late, images load) and, once, for each element it
    // starts observing (render() re-observes the host to place it anew). The frame's size is a
    // constant, so nothing of emptor's own needs measuring.
    const placer = typeof ResizeObserver === "function" ? new ResizeObserver(() => {
      const start = performance.now();
      place();
      content.timings.block("place", start);
    }) : null;
    if (placer) placer.observe(document.documentElement);
    else window.addEventListener("resize", () => place(), { passive: true });
    return { host, frame, placer };
  }

  function requestPlacement() {
    if (!ui.placer) {
      place();
      return;
    }
    ui.placer.unobserve(ui.host);
    ui.placer.observe(ui.host);
  }

  function titleElement() {
    for (const selector of C.PRODUCT_PAGE.TITLE_SELECTORS) {
      const node = document.querySelector(selector);
      if (node && node.getBoundingClientRect().width > 0) return node;
    }
    return null;
  }

  function place() {
    if (!ui) return;
    const title = titleElement();
    if (!title) {
      ui.host.style.position = "fixed";
      ui.host.style.top = "12px";
      ui.host.style.left = "auto";
      ui.host.style.right = "12px";
      return;
    }
    // The badge (INSET_PX inside the frame) lines up with the title's left edge and ends just
    // above it; the open panel grows downwards over the page from there.
    const rect = title.getBoundingClientRect();
    const above = rect.top + window.scrollY - FRAME.COLLAPSED.height - GAP_ABOVE_TITLE_PX;
    ui.host.style.position = "absolute";
    ui.host.style.right = "auto";
    ui.host.style.left = `${Math.max(0, rect.left + window.scrollX - FRAME.INSET_PX)}px`;
    ui.host.style.top = `${above >= 0 ? above : rect.bottom + window.scrollY + GAP_ABOVE_TITLE_PX}px`;
  }

  /** Show `state`: {kind: "loading" | one of EMPTOR.FAILURE_STATES, message} or
   * {kind: "report", report, service}. The host is placed here; the state goes to the service
   * worker, which hands it to this tab's frame (and keeps it for a frame that connects later). */
  function render(state) {
    const start = performance.now();
    if (!ui) ui = createUi();
    shown = state;
    sendToFrame(state);
    requestPlacement();
    content.timings.block("render", start);
    if (state.kind === "report") content.timings.verdictShown();
  }

  /** Through the service worker: the only way to the frame that the page does not see. */
  function sendToFrame(state) {
    chrome.runtime.sendMessage({ type: C.MESSAGE.SHOW_IN_FRAME, state }).catch(() => {
      // The extension was reloaded or removed: this content script has nobody to show it to.
    });
  }

  // A page restored from the back-forward cache: the worker forgot what it showed when the tab
  // moved on (and may hold the next page's state), so it is told again.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted && shown) sendToFrame(shown);
  });

  // The frame opened or closed its panel (it asked the service worker, which alone can reach
  // this content script: a page script cannot send extension messages). While the worker takes
  // a screenshot for evidence, emptor's frame is hidden, so the screenshot shows the page alone.
  chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (ui && message && message.type === C.MESSAGE.RESIZE_FRAME && typeof message.open === "boolean") {
      setFrameSize(ui.frame, message.open ? FRAME.OPEN : FRAME.COLLAPSED);
    } else if (message && message.type === C.MESSAGE.HIDE_FRAME && typeof message.hidden === "boolean") {
      // The frame too: its "all: initial" resets the visibility it would inherit from the host.
      if (ui) ui.host.style.visibility = ui.frame.style.visibility = message.hidden ? "hidden" : "";
      content.capture.painted().then(() => sendResponse({ ok: true }));
      return true; // answered once painted
    }
    return false;
  });

  content.view = { render };
})(globalThis);
