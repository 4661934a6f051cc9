/*
 * What the content script sends about a listing: the product data the page-world hook
 * (page-hook.js) captured, and the rendered page serialised without scripts and styles.
 *
 * Part of the content script (isolated world). The content script's files share one namespace,
 * globalThis.emptorContent; the manifest loads them in order and schedule.js starts them.
 */
(function (root) {
  "use strict";

  const content = root.emptorContent;
  if (!content) return; // not a top-level HTML document (content/timings.js decides)

  const C = globalThis.EMPTOR;
  // The address the page had when emptor's scripts arrived: a page script can change the address
  // later (history.replaceState), not what a content script was injected for.
  const loadedUrl = location.href;

  // --- the page-world hook's captures --------------------------------------------------------

  const blobs = new Map(); // source -> body, for the address the listing is at
  const pendingRequests = new Map(); // request id -> finish, for requests to the hook
  const dataWaiters = new Set(); // called when captured data arrives
  let navigationListener = () => {};
  let requestCounter = 0;
  let arrivals = 0; // captures received so far: what the page sent after a moment is what came since

  /** What the service can read: raw text (JSON, JSONP) or a JSON object. Which sources it reads
   * is the service's to say: it refuses one it does not (and the worker sends the rest). */
  function isBlob(data) {
    const body = data.body;
    return (
      typeof data.source === "string" &&
      data.source.length <= C.MAX_SOURCE_NAME_CHARS &&
      (blobs.has(data.source) || blobs.size < C.MAX_CAPTURED_SOURCES) &&
      (typeof body === "string" || (body !== null && typeof body === "object"))
    );
  }

  window.addEventListener("message", (event) => {
    const data = event.data;
    if (event.source !== window || !data || data.tag !== C.PAGE_MESSAGE_TAG) return;
    if (data.kind === "blob" && isBlob(data)) {
      if (data.path !== location.pathname) return; // data about the listing the page left
      blobs.set(data.source, data.body);
      arrivals++;
      for (const waiter of dataWaiters) waiter();
    } else if (data.kind === "done" && pendingRequests.has(data.request)) {
      content.timings.captured(Number(data.captureMs) || 0);
      pendingRequests.get(data.request)();
    } else if (data.kind === "navigate") {
      setTimeout(() => navigationListener(), 0);
    }
  });

  /** Everything the hook captured for the current address (it answers in one task; a page
   * without the hook, or a hook that died, is given timeoutMs). */
  function collect(timeoutMs = 300) {
    const request = ++requestCounter;
    return new Promise((resolve) => {
      const timer = setTimeout(finish, timeoutMs);
      function finish() {
        clearTimeout(timer);
        pendingRequests.delete(request);
        resolve([...blobs].map(([source, body]) => ({ source, body })));
      }
      pendingRequests.set(request, finish);
      window.postMessage({ tag: C.PAGE_MESSAGE_TAG, kind: "request", request }, location.origin);
    });
  }

  // --- the rendered page ---------------------------------------------------------------------

  // Serialising a 2 MB page with one outerHTML call blocks the page for 15-25 ms on a 2-core
  // machine (docs/performance.md), more than a frame. The page is walked instead: elements with
  // small subtrees are serialised whole, larger ones are opened and walked, and the walk yields
  // to the page whenever a slice has used its budget.
  const SLICE_BUDGET_MS = 6;
  const WHOLE_SUBTREE_MAX_ELEMENTS = 1500; // about 2 ms of outerHTML here
  const VOID_ELEMENTS = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
  const SCRIPT_BLOCK = /(<script\b[^>]*>)([\s\S]*?)(<\/script>)/gi;
  const STYLE_BLOCK = /<style\b[^>]*>[\s\S]*?<\/style>/gi;
  // The one small script kept (about 3 KB): where 2024+ pages declare their template, which the
  // service's triage reads.
  const TEMPLATE_SCRIPT = new RegExp(C.PRODUCT_PAGE.TEMPLATE_VARIABLE.replace(/[.$]/g, "\\$&") + "\\s*=");
  const KEPT_SCRIPT_MAX_CHARS = 16 * 1024;

  function keepScriptBody(body) {
    return body.length <= KEPT_SCRIPT_MAX_CHARS && TEMPLATE_SCRIPT.test(body);
  }

  function stripInside(html, keepStyles) {
    const stripped = html.replace(SCRIPT_BLOCK, (match, open, body, close) => (keepScriptBody(body) ? match : open + close));
    return keepStyles ? stripped : stripped.replace(STYLE_BLOCK, "");
  }

  /** A <style> kept for evidence: its text, or, when a script filled it through the CSSOM
   * (insertRule leaves the element empty), the rules the page is drawn with. */
  function styleElement(style) {
    let rules = "";
    if (!style.textContent.trim()) {
      try {
        rules = Array.from(style.sheet ? style.sheet.cssRules : [], (rule) => rule.cssText).join("\n");
      } catch {
        rules = ""; // a sheet the page cannot read
      }
    }
    return rules ? startTag(style) + rules + "</style>" : style.outerHTML;
  }

  function escapeText(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\u00a0/g, "&nbsp;");
  }

  function startTag(element) {
    let tag = "<" + element.localName;
    for (const attribute of element.attributes) {
      tag += ` ${attribute.name}="${attribute.value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/\u00a0/g, "&nbsp;")}"`;
    }
    return tag + ">";
  }

  function yieldToPage() {
    return new Promise((resolve) => setTimeout(resolve, 0));
  }

  function serializeElement(child, out, keepStyles) {
    const name = child.localName;
    if (child.id === C.ROOT_ID || (name === "style" && !keepStyles)) return false; // emptor's own badge, the page's styles
    if (name === "style") {
      out.push(styleElement(child));
      return false;
    }
    if (name === "script") {
      out.push(startTag(child) + (keepScriptBody(child.textContent) ? child.textContent : "") + "</script>");
      return false;
    }
    if (name !== "template" && !VOID_ELEMENTS.has(name) && child.getElementsByTagName("*").length > WHOLE_SUBTREE_MAX_ELEMENTS) {
      return true; // too large to serialise at once: walk it
    }
    out.push(stripInside(child.outerHTML, keepStyles));
    return false;
  }

  async function walk(node, out, slice) {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.ELEMENT_NODE) {
        if (serializeElement(child, out, slice.keepStyles)) {
          out.push(startTag(child));
          await walk(child, out, slice);
          out.push(`</${child.localName}>`);
        }
      } else if (child.nodeType === Node.TEXT_NODE) {
        out.push(escapeText(child.data));
      } else if (child.nodeType === Node.COMMENT_NODE) {
        out.push(`<!--${child.data}-->`);
      }
      if (performance.now() - slice.start > SLICE_BUDGET_MS) {
        content.timings.block("serialize", slice.start);
        await yieldToPage();
        slice.start = performance.now();
      }
    }
  }

  /** The rendered page without script bodies (but the template one), styles or emptor's own
   * (empty, shadow-hosting) element, serialised in slices that leave the page responsive; null
   * when it is too large to send. `keepStyles`: keep the page's <style> blocks (evidence keeps
   * the page's look; an analysis needs none). */
  async function serializePage({ keepStyles = false } = {}) {
    const root = document.documentElement;
    const out = ["<!DOCTYPE html>", startTag(root)];
    const slice = { start: performance.now(), keepStyles };
    await walk(root, out, slice);
    out.push("</html>");
    const html = out.join("");
    content.timings.block("serialize", slice.start);
    return html.length <= C.MAX_HTML_CHARS ? html : null;
  }

  /** The variant the shopper picked, as the address says it. */
  function selectedSkuId() {
    const params = new URL(location.href).searchParams;
    const sku = params.get("sku_id") || params.get("skuId");
    return sku && /^\d+$/.test(sku) ? sku : null;
  }

  // Saving evidence (background/evidence.js): the worker asks for the page as it is now, serialised
  // as for an analysis (emptor's own element left out), with its <style> blocks when it asks
  // (keepStyles). Only the worker can send this: a page script cannot send extension messages.
  chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (!message || message.type !== C.MESSAGE.SNAPSHOT_PAGE) return false;
    // `account`: the page is one of the shopper's account pages (content/account.js runs there),
    // which decides its redaction whatever its address says now (background/evidence-record.js).
    const about = { url: location.href, loadedUrl, account: Boolean(content.account) };
    serializePage({ keepStyles: message.keepStyles === true }).then(
      (html) => sendResponse({ ...about, html }),
      () => sendResponse({ ...about, html: null }),
    );
    return true; // answered asynchronously
  });

  /** Resolves once the page has been painted with the latest change (two animation frames; a
   * timer in case the tab is not painting): a screenshot after it shows the change. */
  function painted() {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 200);
      requestAnimationFrame(() => requestAnimationFrame(() => {
        clearTimeout(timer);
        resolve();
      }));
    });
  }

  // A whole-page screenshot (background/fullpage.js): the worker scrolls the page one screen at a
  // time (to `y`, or nowhere when it is null) and learns where the page is and how large. The
  // answer waits for the next frame to be drawn, so that the screenshot shows the new position.
  // "instant" overrides a page's smooth scrolling, which would still be moving at the screenshot.
  chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (!message || message.type !== C.MESSAGE.SCROLL_PAGE) return false;
    if (Number.isFinite(message.y)) {
      window.scrollTo({ left: Number.isFinite(message.x) ? message.x : window.scrollX, top: message.y, behavior: "instant" });
    }
    const answer = () =>
      sendResponse({
        x: window.scrollX,
        y: window.scrollY,
        pageHeight: Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0),
        viewportWidth: window.innerWidth,
        viewportHeight: window.innerHeight,
        scale: window.devicePixelRatio,
      });
    // painted() falls back on a timer: a tab in the background draws no frames, and the worker
    // must hear back to put the page as it was and end the save.
    painted().then(answer);
    return true; // answered asynchronously
  });

  content.capture = {
    collect,
    painted,
    serializePage,
    selectedSkuId,
    hasData: () => blobs.size > 0,
    arrivals: () => arrivals,
    /** Another listing: what was captured belongs to the previous one. */
    forget: () => blobs.clear(),
    onData: (waiter) => dataWaiters.add(waiter),
    offData: (waiter) => dataWaiters.delete(waiter),
    onNavigate: (listener) => {
      navigationListener = listener;
    },
  };
})(globalThis);
