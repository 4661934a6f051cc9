/*
 * The badge and the panel: the verdict above the product title, in a Shadow DOM root so that
 * page styles cannot break it and it cannot break the page; it floats over the page, so nothing
 * moves. On click, the panel explains every finding, the reasons to trust, the reviews and the
 * price history. What they say comes from lib/verdict-view.js and lib/price-chart.js (pure, and
 * tested with node); this file only turns it into elements. Styles are in content/badge.css.
 */
(function (root) {
  "use strict";

  const content = root.emptorContent;
  if (!content) return; // not a top-level HTML document (content/timings.js decides)

  const C = globalThis.EMPTOR;
  const lib = globalThis.emptorLib;
  const SVG = "http://www.w3.org/2000/svg";

  let ui = null;
  let shown = null; // the state on screen: {kind, report, service, message}
  let styles = null; // the text of badge.css once read ("" if it could not be)

  // Read once per page. Chromium lets a content script read only its extension's
  // web-accessible files; the manifest lists this one with use_dynamic_url, so it answers only at
  // a per-session address and a page cannot probe for it (docs/extension.md, Permissions). If
  // it cannot be read, the badge still shows, unstyled.
  fetch(chrome.runtime.getURL("content/badge.css"))
    .then((response) => response.text())
    .then((text) => {
      styles = text;
    })
    .catch((error) => {
      styles = "";
      console.warn("emptor: the badge's styles could not be read", error.message);
    })
    .then(() => {
      if (shown) draw(); // a state asked for before the styles were read
    });

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function svgElement(tag, attributes = {}, title = null) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (title !== null) {
      const tip = document.createElementNS(SVG, "title");
      tip.textContent = title;
      node.append(tip);
    }
    return node;
  }

  // --- the badge ------------------------------------------------------------------------------

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
    shadow.append(el("style", { text: styles }), wrapper);
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
      content.timings.block("place", start);
    }) : null;
    if (placer) placer.observe(document.documentElement);
    else window.addEventListener("resize", () => place(), { passive: true });
    return { host, badge, panel, placer };
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
    const rect = title.getBoundingClientRect();
    const badgeHeight = ui.badge.offsetHeight || 30;
    const above = rect.top + window.scrollY - badgeHeight - 6;
    ui.host.style.position = "absolute";
    ui.host.style.right = "auto";
    ui.host.style.left = `${Math.max(0, rect.left + window.scrollX)}px`;
    ui.host.style.top = `${above >= 0 ? above : rect.bottom + window.scrollY + 6}px`;
  }

  /** Show `state`: {kind: "loading" | one of EMPTOR.FAILURE_STATES, message} or
   * {kind: "report", report, service}. Before the styles are read (a few milliseconds, while the
   * first analysis is on its way), the latest state waits for them. */
  function render(state) {
    shown = state;
    if (styles !== null) draw();
  }

  function draw() {
    const start = performance.now();
    const state = shown;
    if (!ui) ui = createUi();
    const badgeText = lib.badgeContent(state);
    ui.host.setAttribute("data-level", badgeText.level);
    ui.host.setAttribute("data-state", state.kind === "report" ? state.report.page.status : state.kind);
    if (state.kind === "report" && state.report.verdict.score !== null) ui.host.setAttribute("data-score", String(state.report.verdict.score));
    else ui.host.removeAttribute("data-score");
    ui.badge.replaceChildren(
      el("span", { class: "dot", "aria-hidden": "true" }),
      el("span", { class: "label", text: badgeText.label }),
      el("span", { class: "detail", text: badgeText.detail }),
    );
    ui.badge.setAttribute("aria-label", `${badgeText.label}. ${badgeText.detail}`);
    if (!ui.panel.hidden) fillPanel();
    requestPlacement();
    content.timings.block("render", start);
    if (state.kind === "report") content.timings.verdictShown();
  }

  // --- the panel ------------------------------------------------------------------------------

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

  function ruleCode(code, serviceUrl) {
    return el("a", { class: "code", href: lib.ruleLink(serviceUrl, code), target: "_blank", rel: "noopener noreferrer", text: code });
  }

  function findingItem(finding, serviceUrl) {
    const sign = finding.weight > 0 ? `+${finding.weight}` : String(finding.weight);
    const evidence = lib.evidenceLines(finding.evidence);
    return el(
      "li",
      { class: "finding", "data-code": finding.code },
      el("span", { class: "weight", text: sign }),
      ruleCode(finding.code, serviceUrl),
      el("span", { class: "meta", text: ` ${finding.severity} severity, ${finding.confidence} confidence` }),
      el("div", { text: finding.message }),
      evidence.length ? el("div", { class: "evidence", text: evidence.join(" · ") }) : null,
    );
  }

  function reviewTestsTable(rows, serviceUrl) {
    const head = el("tr", {}, el("th", { scope: "col", text: "Test" }), el("th", { scope: "col", text: "Result" }), el("th", { scope: "col", text: "Based on" }));
    const body = rows.map((row) =>
      el(
        "tr",
        { "data-code": row.code, "data-status": row.status },
        el("td", {}, ruleCode(row.code, serviceUrl), ` ${row.name}`),
        el("td", { class: `status ${row.status}`, text: row.result }),
        el("td", { class: "meta", text: row.basis }),
      ),
    );
    return el("table", { class: "review-tests" }, el("thead", {}, head), el("tbody", {}, ...body));
  }

  function reportSections(report, service) {
    const serviceUrl = (service && service.serviceUrl) || C.DEFAULT_SERVICE_URL;
    const sections = [];
    if (service && service.state === "ok" && !service.versionMatches) {
      sections.push(el("p", { class: "warning", text: `The emptor service is version ${service.version}; this extension is ${service.extensionVersion}. Update whichever is older.` }));
    }
    if (report.page.status !== "ok") return sections;
    const groups = lib.groupFindings(report.findings);
    sections.push(el("h3", { text: "Risks" }));
    if (!groups.length) sections.push(el("p", { text: "No risks found." }));
    for (const group of groups) {
      sections.push(el("h3", { class: "family", text: group.name }), el("ul", {}, ...group.findings.map((f) => findingItem(f, serviceUrl))));
    }
    sections.push(el("h3", { text: "Reasons to trust" }));
    sections.push(report.trust.length ? el("ul", {}, ...report.trust.map((f) => findingItem(f, serviceUrl))) : el("p", { text: "None shown on this page." }));
    sections.push(el("h3", { text: "Reviews" }), el("p", { class: "reviews", text: lib.reviewsSummary(report) }));
    const rows = lib.reviewTestRows(report);
    if (rows.length) sections.push(reviewTestsTable(rows, serviceUrl));
    const chart = el("div", { class: "chart" }, el("p", { class: "meta", text: "Loading price history…" }));
    sections.push(el("h3", { text: "Price history" }), chart);
    if (report.coverage.missing.length) {
      sections.push(el("p", { class: "meta", text: `Not found on this page: ${report.coverage.missing.join(", ")}.` }));
    }
    loadChart(chart, report);
    return sections;
  }

  function fillPanel() {
    const close = el("button", { class: "close", type: "button", "aria-label": "Close", text: "×" });
    close.addEventListener("click", () => togglePanel(false));
    const badgeText = lib.badgeContent(shown);
    const children = [close, el("h2", { text: badgeText.label }), el("p", { text: badgeText.detail })];
    if (shown.kind === "report") children.push(...reportSections(shown.report, shown.service));
    ui.panel.replaceChildren(...children);
  }

  // --- the price chart --------------------------------------------------------------------------

  function chartSvg(geometry) {
    const svg = svgElement("svg", {
      width: geometry.width,
      height: geometry.height,
      role: "img",
      "aria-label": `Price from ${geometry.low} to ${geometry.high} ${geometry.currency}, ${geometry.points.length} observations`,
      class: "price-chart",
    });
    for (const mark of geometry.marks) {
      const attributes = { x1: 0, x2: geometry.width, y1: mark.y, y2: mark.y, class: "chart-mark", "data-code": mark.code };
      svg.append(svgElement("line", attributes, `${mark.code}: ${mark.label} ${mark.price} ${geometry.currency}`));
    }
    svg.append(svgElement("path", { d: geometry.path, class: "chart-line" }));
    for (const point of geometry.points) {
      const attributes = { cx: point.x, cy: point.y, r: 3, class: "chart-dot" };
      svg.append(svgElement("circle", attributes, `${point.price} ${geometry.currency} on ${point.observedAt.slice(0, 10)}`));
    }
    return svg;
  }

  function chartCaption(geometry) {
    const count = geometry.points.length;
    const range = geometry.low === geometry.high ? `${geometry.low}` : `${geometry.low}–${geometry.high}`;
    const period = geometry.first === geometry.last ? `on ${geometry.first.slice(0, 10)}` : `from ${geometry.first.slice(0, 10)} to ${geometry.last.slice(0, 10)}`;
    return `${count} observation${count === 1 ? "" : "s"}: ${range} ${geometry.currency} (${geometry.country || "any country"}) ${period}.`;
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
    const legend = geometry.marks.map((mark) => `${mark.label} ${mark.price} (${mark.code}, dashed)`);
    const parts = [chartSvg(geometry), el("p", { class: "meta", text: chartCaption(geometry) })];
    if (legend.length) parts.push(el("p", { class: "meta marks", text: legend.join(" · ") }));
    container.replaceChildren(...parts);
  }

  content.view = { render, titleElement };
})(globalThis);
