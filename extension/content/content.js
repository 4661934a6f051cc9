/*
 * emptor's content script on AliExpress listing pages (isolated world, document_idle).
 *
 * 1. Wait (bounded) until the page has rendered its product.
 * 2. Send the service worker the rendered page with script bodies and styles removed, plus the
 *    product data the page-world hook captured (lib/constants.js BLOB_SOURCES).
 * 3. Show the verdict as a badge near the title, in a Shadow DOM so that page styles cannot
 *    break it and it cannot break the page; it floats over the page, so nothing moves.
 * 4. On click, a panel explains every finding, the reasons to trust, the reviews and the price
 *    history. Re-analyse when the shopper switches variant or the address changes.
 */
(function () {
  "use strict";

  if (window.top !== window || !document.documentElement || !(document instanceof HTMLDocument)) return;

  const C = globalThis.EMPTOR;
  const lib = globalThis.emptorLib;
  const TITLE_SELECTORS = ['h1[data-pl="product-title"]', "h1.product-title-text", ".product-title-text"];
  const PRODUCT_SIGNS = [...TITLE_SELECTORS, '[class*="not-found--wrap"]', 'iframe[src*="_____tmd_____"]', "#bx-pu-qrcode-wrap"];
  const SKU_SELECTORS = '.sku-property-item, [class*="sku-item--"], [data-sku-col]';

  const blobs = new Map(); // source -> body, for the address in current.path
  const pendingRequests = new Map(); // request id -> resolve, for page-world data requests
  const dataWaiters = new Set(); // called when captured data arrives while waiting for the product
  let ui = null;
  // Request ids start at a random number in every document, so that an answer addressed to the
  // previous page shown in this tab can never match one of this page's requests.
  let current = {
    answer: null,
    state: null,
    path: location.pathname,
    url: location.href,
    sku: null,
    requestId: Math.floor(Math.random() * 2 ** 30),
  };
  let requestCounter = 0;
  // The content script's synchronous work, kept here (not in performance.measure, which the
  // page could read) and sent to the service worker for `make bench` (bench/extension.py).
  const timings = { blocks: [], captureMs: 0, firstVerdictAfterLoadMs: null };
  let timingsSent = false; // only the first analysis is measured; nothing accumulates after it

  function timeBlock(name, start) {
    if (!timingsSent) timings.blocks.push([name, performance.now() - start]);
  }

  // --- page-world captures ------------------------------------------------------------------

  window.addEventListener("message", (event) => {
    const data = event.data;
    if (event.source !== window || !data || data.tag !== C.PAGE_MESSAGE_TAG) return;
    if (data.kind === "blob" && C.BLOB_SOURCES.includes(data.source) && isBlobBody(data.body)) {
      if (data.path !== location.pathname) return; // data about the listing the page left
      blobs.set(data.source, data.body);
      for (const waiter of dataWaiters) waiter();
    } else if (data.kind === "done" && pendingRequests.has(data.request)) {
      timings.captureMs = Number(data.captureMs) || 0;
      pendingRequests.get(data.request)();
    } else if (data.kind === "navigate") {
      setTimeout(onAddressChange, 0);
    }
  });

  /** What the service can read: raw text (JSON, JSONP) or a JSON object. */
  function isBlobBody(body) {
    return typeof body === "string" || (body !== null && typeof body === "object");
  }

  function collectBlobs(timeoutMs = 300) {
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

  // --- waiting for the product --------------------------------------------------------------

  function productRendered() {
    return PRODUCT_SIGNS.some((selector) => document.querySelector(selector));
  }

  function titleText() {
    const title = document.querySelector(TITLE_SELECTORS.join(", "));
    return title ? title.textContent.trim() : null;
  }

  /** Until the product is on the page: rendered in the DOM, or its data captured (a raw 2019-2023
   * page holds it in window.runParams; a 2024+ page fetches it). Bounded by RENDER_WAIT_MS.
   * After a move to another listing without a reload, the old title does not count: the page
   * has rendered the new product when its title changes. */
  async function waitForProduct({ notTitle } = {}) {
    const ready = () => productRendered() && (notTitle === undefined || titleText() !== notTitle);
    await collectBlobs();
    if (ready() || blobs.size) return;
    await new Promise((resolve) => {
      // Checked at most every 100 ms, not on every one of a rendering page's many mutations.
      let scheduled = false;
      const observer = new MutationObserver(() => {
        if (scheduled) return;
        scheduled = true;
        setTimeout(() => {
          scheduled = false;
          if (ready()) done();
        }, 100);
      });
      const timer = setTimeout(done, C.RENDER_WAIT_MS);
      function done() {
        observer.disconnect();
        clearTimeout(timer);
        dataWaiters.delete(done);
        resolve();
      }
      dataWaiters.add(done);
      observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    });
  }

  // Serialising a 2 MB page with one outerHTML call blocks the page for 15-25 ms on a 2-core
  // machine (docs/performance.md), more than a frame. The page is walked instead: elements with
  // small subtrees are serialised whole, larger ones are opened and walked, and the walk yields
  // to the page whenever a slice has used its budget.
  const SLICE_BUDGET_MS = 6;
  const WHOLE_SUBTREE_MAX_ELEMENTS = 1500; // about 2 ms of outerHTML here
  const VOID_ELEMENTS = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
  const SCRIPT_BLOCK = /(<script\b[^>]*>)([\s\S]*?)(<\/script>)/gi;
  const STYLE_BLOCK = /<style\b[^>]*>[\s\S]*?<\/style>/gi;
  // The one small script kept: where 2024+ pages declare their template (window._d_c_: a
  // client-rendered shell, the Choice template), which the service's triage reads. About 3 KB.
  const TEMPLATE_SCRIPT = /window\._d_c_\s*=/;
  const KEPT_SCRIPT_MAX_CHARS = 16 * 1024;

  function keepScriptBody(body) {
    return body.length <= KEPT_SCRIPT_MAX_CHARS && TEMPLATE_SCRIPT.test(body);
  }

  function stripInside(html) {
    return html
      .replace(SCRIPT_BLOCK, (match, open, body, close) => (keepScriptBody(body) ? match : open + close))
      .replace(STYLE_BLOCK, "");
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

  async function walk(node, out, slice) {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.ELEMENT_NODE) {
        const name = child.localName;
        if (child.id === C.ROOT_ID || name === "style") {
          // emptor's own badge and the page's styles are not sent
        } else if (name === "script") {
          out.push(startTag(child) + (keepScriptBody(child.textContent) ? child.textContent : "") + "</script>");
        } else if (name !== "template" && !VOID_ELEMENTS.has(name) && child.getElementsByTagName("*").length > WHOLE_SUBTREE_MAX_ELEMENTS) {
          out.push(startTag(child));
          await walk(child, out, slice);
          out.push(`</${name}>`);
        } else {
          out.push(stripInside(child.outerHTML));
        }
      } else if (child.nodeType === Node.TEXT_NODE) {
        out.push(escapeText(child.data));
      } else if (child.nodeType === Node.COMMENT_NODE) {
        out.push(`<!--${child.data}-->`);
      }
      if (performance.now() - slice.start > SLICE_BUDGET_MS) {
        timeBlock("serialize", slice.start);
        await yieldToPage();
        slice.start = performance.now();
      }
    }
  }

  /** The rendered page without script bodies (but the template one), styles or emptor's own
   * (empty, shadow-hosting) element, serialised in slices that leave the page responsive. */
  async function serializePage() {
    const root = document.documentElement;
    const out = ["<!DOCTYPE html>", startTag(root)];
    const slice = { start: performance.now() };
    await walk(root, out, slice);
    out.push("</html>");
    const html = out.join("");
    timeBlock("serialize", slice.start);
    return html.length <= C.MAX_HTML_CHARS ? html : null;
  }

  function selectedSkuId() {
    const params = new URL(location.href).searchParams;
    const sku = params.get("sku_id") || params.get("skuId");
    return sku && /^\d+$/.test(sku) ? sku : null;
  }

  async function analyze() {
    const requestId = ++current.requestId;
    current.url = location.href;
    current.sku = selectedSkuId();
    render({ kind: "loading" });
    const data = await collectBlobs();
    const html = await serializePage();
    if (requestId !== current.requestId) return; // a newer analysis started meanwhile
    const request = { type: C.MESSAGE.ANALYZE_PAGE, requestId, url: location.href, html, data, selectedSkuId: current.sku };
    let answer;
    try {
      answer = await chrome.runtime.sendMessage(request);
    } catch (error) {
      answer = { ok: false, state: "error", message: `The extension could not reach its service worker (${error.message}).` };
    }
    if (requestId === current.requestId) show(answer);
  }

  function show(answer) {
    current.answer = answer;
    if (!answer || !answer.ok) {
      render({ kind: answer && answer.state === "service-down" ? "service-down" : "error", message: answer && answer.message });
      return;
    }
    render({ kind: "report", report: answer.report, service: answer.service });
  }

  chrome.runtime.onMessage.addListener((message) => {
    // Review results for the analysis on screen; an update for an older one is stale.
    if (message && message.type === C.MESSAGE.REPORT_UPDATED && message.requestId === current.requestId && message.answer && message.answer.ok) {
      show(message.answer);
    }
  });

  // --- re-analysis: one debounced schedule for every reason ---------------------------------

  let scheduled = null;

  function schedule(delayMs) {
    clearTimeout(scheduled);
    current.requestId++; // whatever was in flight is now stale
    scheduled = setTimeout(analyze, delayMs);
  }

  document.addEventListener(
    "click",
    (event) => {
      if (event.target instanceof Element && event.target.closest(SKU_SELECTORS)) schedule(C.VARIANT_SETTLE_MS);
    },
    true,
  );

  function onAddressChange() {
    if (location.href === current.url) return;
    if (location.pathname !== current.path) {
      // Another listing: what was captured belongs to the previous one.
      current.path = location.pathname;
      current.url = location.href;
      const previousTitle = titleText();
      blobs.clear();
      clearTimeout(scheduled);
      current.requestId++;
      const navigation = current.requestId;
      render({ kind: "loading" });
      waitForProduct({ notTitle: previousTitle }).then(() => {
        if (navigation === current.requestId) schedule(0); // unless something newer took over
      });
      return;
    }
    if (selectedSkuId() !== current.sku) {
      current.url = location.href;
      schedule(C.VARIANT_SETTLE_MS);
    }
  }

  window.addEventListener("popstate", () => setTimeout(onAddressChange, 0));

  // --- the badge and the panel --------------------------------------------------------------

  const STYLE = `
    :host { all: initial; }
    * { box-sizing: border-box; }
    .badge { display: inline-flex; align-items: center; gap: 8px; max-width: 460px; padding: 5px 12px 5px 8px;
      border: 1px solid rgba(0,0,0,.25); border-radius: 16px; cursor: pointer;
      font: 600 13px/18px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; background: #f1f3f4;
      box-shadow: 0 1px 4px rgba(0,0,0,.25); text-align: left; }
    .badge:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
    .dot { flex: none; width: 12px; height: 12px; border-radius: 50%; background: #80868b; }
    .detail { font-weight: 400; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 300px; }
    .label { white-space: nowrap; }
    :host([data-level="low"]) .badge { background: #e6f4ea; border-color: #1e8e3e; } :host([data-level="low"]) .dot { background: #1e8e3e; }
    :host([data-level="medium"]) .badge { background: #fef7e0; border-color: #b06000; } :host([data-level="medium"]) .dot { background: #e37400; }
    :host([data-level="high"]) .badge { background: #fce8e6; border-color: #c5221f; } :host([data-level="high"]) .dot { background: #d93025; }
    .panel { margin-top: 6px; width: 420px; max-height: 70vh; overflow: auto; padding: 12px 14px; border-radius: 10px;
      border: 1px solid rgba(0,0,0,.2); background: #fff; color: #202124; box-shadow: 0 4px 18px rgba(0,0,0,.3);
      font: 400 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
    .panel[hidden] { display: none; }
    h2 { margin: 0 0 6px; font-size: 15px; } h3 { margin: 12px 0 4px; font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: #5f6368; }
    ul { margin: 0; padding: 0; list-style: none; } li.finding { margin: 6px 0; padding: 6px 8px; border-radius: 6px; background: #f8f9fa; }
    .code { font: 600 12px ui-monospace, Menlo, Consolas, monospace; color: #1a0dab; }
    .meta { color: #5f6368; font-size: 12px; } .weight { float: right; font-weight: 600; }
    .evidence { margin-top: 3px; color: #5f6368; font-size: 12px; }
    .warning { margin: 8px 0; padding: 6px 8px; border-radius: 6px; background: #fef7e0; }
    svg { display: block; margin-top: 4px; } .chart-line { fill: none; stroke: #1a73e8; stroke-width: 2; } .chart-dot { fill: #1a73e8; }
    .chart-mark { stroke: #c5221f; stroke-width: 1; stroke-dasharray: 4 3; }
    table.review-tests { width: 100%; margin-top: 6px; border-collapse: collapse; font-size: 12px; }
    .review-tests th { text-align: left; font-weight: 600; color: #5f6368; border-bottom: 1px solid rgba(0,0,0,.15); padding: 2px 4px; }
    .review-tests td { vertical-align: top; padding: 3px 4px; border-bottom: 1px solid rgba(0,0,0,.06); }
    .status.warn { color: #b06000; font-weight: 600; } .status.fail { color: #c5221f; font-weight: 600; } .status.pass { color: #137333; }
    .close { float: right; border: 0; background: none; font-size: 18px; cursor: pointer; color: inherit; }
    @media (prefers-color-scheme: dark) {
      .badge { color: #e8eaed; background: #303134; border-color: rgba(255,255,255,.3); }
      :host([data-level="low"]) .badge { background: #0d3b1e; } :host([data-level="medium"]) .badge { background: #3d2b00; }
      :host([data-level="high"]) .badge { background: #4a1512; }
      .panel { background: #202124; color: #e8eaed; border-color: rgba(255,255,255,.2); }
      li.finding { background: #303134; } .meta, .evidence, h3 { color: #bdc1c6; } .code { color: #8ab4f8; }
      .review-tests th { color: #bdc1c6; border-color: rgba(255,255,255,.2); } .review-tests td { border-color: rgba(255,255,255,.08); }
      .status.warn { color: #fdd663; } .status.fail { color: #f28b82; } .status.pass { color: #81c995; }
      .warning { background: #3d2b00; } .chart-line { stroke: #8ab4f8; } .chart-dot { fill: #8ab4f8; } .chart-mark { stroke: #f28b82; }
    }`;

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function createUi() {
    const host = document.createElement("div");
    host.id = C.ROOT_ID;
    host.setAttribute("data-level", "unknown");
    // Positioned over the page (absolute, on <html>), so the page's own layout never moves.
    host.style.cssText = "all: initial; position: absolute; z-index: 2147483000; top: 0; left: 0;";
    const shadow = host.attachShadow({ mode: "open" });
    const wrapper = el("div", { class: "wrap" });
    const badge = el("button", { class: "badge", type: "button", "aria-expanded": "false", "aria-controls": "emptor-panel" });
    const panel = el("div", { class: "panel", id: "emptor-panel", role: "dialog", "aria-label": "Why emptor gave this verdict", hidden: "" });
    wrapper.append(badge, panel);
    shadow.append(el("style", { text: STYLE }), wrapper);
    document.documentElement.appendChild(host);
    badge.addEventListener("click", () => togglePanel());
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") togglePanel(false);
    });
    // Placing the badge reads the title's position, which on a large page forces a layout of
    // the whole page (measured: up to 20 ms on the 2 MB page) if done while the page's layout
    // is out of date. A ResizeObserver's callback runs right after the browser's own layout, so
    // reading positions there costs nothing extra. It fires when the page's size changes (the
    // title can appear or move late: 2024+ pages render late, images load) and, once, for each
    // element it starts observing (render() re-observes the badge to place it anew).
    const placer = typeof ResizeObserver === "function" ? new ResizeObserver(() => {
      const start = performance.now();
      place();
      timeBlock("place", start);
    }) : null;
    if (placer) placer.observe(document.documentElement);
    else window.addEventListener("resize", () => place(), { passive: true });
    return { host, shadow, badge, panel, placer };
  }

  function requestPlacement() {
    if (!ui.placer) {
      place();
      return;
    }
    ui.placer.unobserve(ui.badge);
    ui.placer.observe(ui.badge);
  }

  function titleElement() {
    for (const selector of TITLE_SELECTORS) {
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
    const rect = title.getBoundingClientRect();
    const badgeHeight = ui.badge.offsetHeight || 30;
    const above = rect.top + window.scrollY - badgeHeight - 6;
    ui.host.style.position = "absolute";
    ui.host.style.right = "auto";
    ui.host.style.left = `${Math.max(0, rect.left + window.scrollX)}px`;
    ui.host.style.top = `${above >= 0 ? above : rect.bottom + window.scrollY + 6}px`;
  }

  function render(state) {
    const start = performance.now();
    if (!ui) ui = createUi();
    current.state = state;
    const content = lib.badgeContent(state);
    ui.host.setAttribute("data-level", content.level);
    ui.host.setAttribute("data-state", state.kind === "report" ? state.report.page.status : state.kind);
    if (state.kind === "report" && state.report.verdict.score !== null) ui.host.setAttribute("data-score", String(state.report.verdict.score));
    else ui.host.removeAttribute("data-score");
    ui.badge.replaceChildren(el("span", { class: "dot", "aria-hidden": "true" }), el("span", { class: "label", text: content.label }), el("span", { class: "detail", text: content.detail }));
    ui.badge.setAttribute("aria-label", `${content.label}. ${content.detail}`);
    if (!ui.panel.hidden) fillPanel();
    requestPlacement();
    timeBlock("render", start);
    if (state.kind === "report" && timings.firstVerdictAfterLoadMs === null) {
      const navigation = performance.getEntriesByType("navigation")[0];
      // A verdict shown before the load event ended counts as 0 ms after it.
      timings.firstVerdictAfterLoadMs = navigation ? Math.max(0, performance.now() - (navigation.loadEventEnd || performance.now())) : 0;
      // Sent a few frames later, so that the badge's placement (after the browser's layout) counts.
      setTimeout(() => {
        timingsSent = true;
        chrome.runtime.sendMessage({ type: C.MESSAGE.REPORT_TIMINGS, timings }).catch(() => {});
      }, 100);
    }
  }

  function togglePanel(open = ui.panel.hidden) {
    ui.panel.hidden = !open;
    ui.badge.setAttribute("aria-expanded", String(open));
    if (open) {
      fillPanel();
      const focusTarget = ui.panel.querySelector("button.close");
      if (focusTarget) focusTarget.focus();
    } else {
      ui.badge.focus();
    }
  }

  function findingItem(finding, serviceUrl) {
    const link = el("a", { class: "code", href: lib.ruleLink(serviceUrl, finding.code), target: "_blank", rel: "noopener noreferrer", text: finding.code });
    const sign = finding.weight > 0 ? `+${finding.weight}` : String(finding.weight);
    const evidence = lib.evidenceLines(finding.evidence);
    return el(
      "li",
      { class: "finding", "data-code": finding.code },
      el("span", { class: "weight", text: sign }),
      link,
      el("span", { class: "meta", text: ` ${finding.severity} severity, ${finding.confidence} confidence` }),
      el("div", { text: finding.message }),
      evidence.length ? el("div", { class: "evidence", text: evidence.join(" · ") }) : null,
    );
  }

  function fillPanel() {
    const state = current.state;
    const close = el("button", { class: "close", type: "button", "aria-label": "Close", text: "×" });
    close.addEventListener("click", () => togglePanel(false));
    const content = lib.badgeContent(state);
    const children = [close, el("h2", { text: content.label }), el("p", { text: content.detail })];
    if (state.kind === "report") {
      const { report, service } = state;
      const serviceUrl = (service && service.serviceUrl) || C.DEFAULT_SERVICE_URL;
      if (service && service.running && !service.versionMatches) {
        children.push(el("p", { class: "warning", text: `The emptor service is version ${service.version}; this extension is ${service.extensionVersion}. Update whichever is older.` }));
      }
      if (report.page.status === "ok") {
        const groups = lib.groupFindings(report.findings, C.FAMILIES);
        children.push(el("h3", { text: "Risks" }));
        if (!groups.length) children.push(el("p", { text: "No risks found." }));
        for (const group of groups) {
          children.push(el("h3", { class: "family", text: group.name }), el("ul", {}, ...group.findings.map((f) => findingItem(f, serviceUrl))));
        }
        children.push(el("h3", { text: "Reasons to trust" }));
        children.push(report.trust.length ? el("ul", {}, ...report.trust.map((f) => findingItem(f, serviceUrl))) : el("p", { text: "None shown on this page." }));
        children.push(el("h3", { text: "Reviews" }), el("p", { class: "reviews", text: lib.reviewsSummary(report) }));
        const rows = lib.reviewTestRows(report);
        if (rows.length) children.push(reviewTestsTable(rows, serviceUrl));
        const chart = el("div", { class: "chart" }, el("p", { class: "meta", text: "Loading price history…" }));
        children.push(el("h3", { text: "Price history" }), chart);
        if (report.coverage.missing.length) {
          children.push(el("p", { class: "meta", text: `Not found on this page: ${report.coverage.missing.join(", ")}.` }));
        }
        loadChart(chart, report);
      }
    }
    ui.panel.replaceChildren(...children);
  }

  function reviewTestsTable(rows, serviceUrl) {
    const head = el("tr", {}, el("th", { scope: "col", text: "Test" }), el("th", { scope: "col", text: "Result" }), el("th", { scope: "col", text: "Based on" }));
    const body = rows.map((row) =>
      el(
        "tr",
        { "data-code": row.code, "data-status": row.status },
        el("td", {}, el("a", { class: "code", href: lib.ruleLink(serviceUrl, row.code), target: "_blank", rel: "noopener noreferrer", text: row.code }), ` ${row.name}`),
        el("td", { class: `status ${row.status}`, text: row.result }),
        el("td", { class: "meta", text: row.basis }),
      ),
    );
    return el("table", { class: "review-tests" }, el("thead", {}, head), el("tbody", {}, ...body));
  }

  async function loadChart(container, report) {
    const { marketplace, product_id: productId } = report.listing;
    if (!productId) return;
    let answer;
    try {
      answer = await chrome.runtime.sendMessage({ type: C.MESSAGE.GET_HISTORY, marketplace, productId });
    } catch (error) {
      answer = { ok: false, message: error.message };
    }
    if (!answer || !answer.ok) {
      container.replaceChildren(el("p", { class: "meta", text: "Price history unavailable." }));
      return;
    }
    const geometry = lib.chartGeometry(answer.series, { marks: lib.priceMarks(report.findings) });
    if (!geometry) {
      container.replaceChildren(el("p", { class: "meta", text: "No prices recorded yet." }));
      return;
    }
    const svgNs = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(svgNs, "svg");
    svg.setAttribute("width", geometry.width);
    svg.setAttribute("height", geometry.height);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", `Price from ${geometry.low} to ${geometry.high} ${geometry.currency}, ${geometry.points.length} observations`);
    svg.setAttribute("class", "price-chart");
    for (const mark of geometry.marks) {
      const rule = document.createElementNS(svgNs, "line");
      rule.setAttribute("x1", 0);
      rule.setAttribute("x2", geometry.width);
      rule.setAttribute("y1", mark.y);
      rule.setAttribute("y2", mark.y);
      rule.setAttribute("class", "chart-mark");
      rule.setAttribute("data-code", mark.code);
      const tip = document.createElementNS(svgNs, "title");
      tip.textContent = `${mark.code}: ${mark.label} ${mark.price} ${geometry.currency}`;
      rule.append(tip);
      svg.append(rule);
    }
    const line = document.createElementNS(svgNs, "path");
    line.setAttribute("d", geometry.path);
    line.setAttribute("class", "chart-line");
    svg.append(line);
    for (const point of geometry.points) {
      const dot = document.createElementNS(svgNs, "circle");
      dot.setAttribute("cx", point.x);
      dot.setAttribute("cy", point.y);
      dot.setAttribute("r", 3);
      dot.setAttribute("class", "chart-dot");
      const tip = document.createElementNS(svgNs, "title");
      tip.textContent = `${point.price} ${geometry.currency} on ${point.observedAt.slice(0, 10)}`;
      dot.append(tip);
      svg.append(dot);
    }
    const range = geometry.low === geometry.high ? `${geometry.low}` : `${geometry.low}–${geometry.high}`;
    const period = geometry.first === geometry.last ? `on ${geometry.first.slice(0, 10)}` : `from ${geometry.first.slice(0, 10)} to ${geometry.last.slice(0, 10)}`;
    const caption = `${geometry.points.length} observation${geometry.points.length === 1 ? "" : "s"}: ${range} ${geometry.currency} (${geometry.country || "any country"}) ${period}.`;
    const legend = geometry.marks.map((mark) => `${mark.label} ${mark.price} (${mark.code}, dashed)`);
    const parts = [svg, el("p", { class: "meta", text: caption })];
    if (legend.length) parts.push(el("p", { class: "meta marks", text: legend.join(" · ") }));
    container.replaceChildren(...parts);
  }

  // --- start ---------------------------------------------------------------------------------

  waitForProduct().then(analyze);
})();
