/*
 * The badge and the panel, in emptor's own page (view/frame.html), which content/view.js embeds
 * above a listing's title. An extension-origin document: the listing's page cannot read it.
 *
 * What to show comes only from the service worker, over the port this page opens: the worker
 * knows from the port's sender which tab the frame is in, sends that tab's current state when the
 * frame connects and every later one (docs/extension.md, "The badge and the panel"). This page
 * has no window "message" listener: a page script can post to any frame (window.frames), and
 * nothing it posts is read.
 *
 * The verdict is on the root element for tests and tools: data-state (loading, a page status
 * such as ok or no_data, or one of EMPTOR.FAILURE_STATES), data-level (low, medium, high,
 * unknown), data-score, and on a judged page data-reviews (waiting, analysed, none or failed:
 * lib/verdict-view.js, reviewsOutcome). What the badge and the panel say comes from
 * lib/verdict-view.js (with lib/labels.js) and lib/price-chart.js (pure, and tested with node);
 * this file only turns it into elements.
 */
(function () {
  "use strict";

  const C = globalThis.EMPTOR;
  const lib = globalThis.emptorLib;
  const SVG = "http://www.w3.org/2000/svg";

  const rootElement = document.documentElement;
  const badge = document.querySelector(".badge");
  const panel = document.querySelector(".panel");
  let shown = { kind: "loading" }; // the state on screen: {kind, report, service, message}

  rootElement.style.setProperty("--inset", `${C.FRAME.INSET_PX}px`);

  const { el } = lib;

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

  // --- what the service worker says to show ---------------------------------------------------


  // --- the badge ------------------------------------------------------------------------------

  function render(state) {
    if (state.kind === "loading") evidence = null; // another analysis, perhaps another listing
    shown = state;
    const badgeText = lib.badgeContent(state);
    rootElement.setAttribute("data-level", badgeText.level);
    rootElement.setAttribute("data-state", state.kind === "report" ? state.report.page.status : state.kind);
    if (state.kind === "report" && state.report.verdict.score !== null) rootElement.setAttribute("data-score", String(state.report.verdict.score));
    else rootElement.removeAttribute("data-score");
    const reviews = state.kind === "report" ? lib.reviewsOutcome(state.report) : null;
    if (reviews) rootElement.setAttribute("data-reviews", reviews.state);
    else rootElement.removeAttribute("data-reviews");
    badge.replaceChildren(
      el("span", { class: "dot", "aria-hidden": "true" }),
      el("span", { class: "label", text: badgeText.label }),
      el("span", { class: "detail", text: badgeText.detail }),
    );
    badge.setAttribute("aria-label", `${badgeText.label}. ${badgeText.detail}`);
    if (!panel.hidden) fillPanel();
  }

  // --- the panel ------------------------------------------------------------------------------

  function togglePanel(open = panel.hidden) {
    panel.hidden = !open;
    badge.setAttribute("aria-expanded", String(open));
    // The iframe's size is the content script's to set: the worker passes the request on.
    chrome.runtime.sendMessage({ type: C.MESSAGE.SET_PANEL_OPEN, open }).catch(() => {});
    if (open) {
      fillPanel();
      const focusTarget = panel.querySelector("button.close");
      if (focusTarget) focusTarget.focus();
    } else {
      badge.focus();
    }
  }

  function ruleCode(code, serviceUrl) {
    return el("a", { class: "code", href: lib.ruleLink(serviceUrl, code), target: "_blank", rel: "noopener noreferrer", text: code });
  }

  /** Evidence as labelled values (lib/verdict-view.js, evidenceItems): "Label: value" in a line
   * that wraps, " · " between them; a nested value "Label:" on its own line, over a list of its
   * own labelled values. */
  function evidenceList(entries, nested = false) {
    let inline = false; // whether the item before is in the same line
    const items = entries.map((entry) => {
      const name = el("span", { class: "name", text: `${entry.label}:` });
      if (entry.items) {
        inline = false;
        return el("li", { class: "nested" }, name, evidenceList(entry.items, true));
      }
      const separator = inline && !nested ? el("span", { class: "separator", "aria-hidden": "true", text: " \u00b7 " }) : null;
      inline = true;
      // <bdi>: a value quoted from the page (Hebrew, say) keeps its own direction.
      return el("li", {}, separator, name, " ", el("bdi", { text: entry.text }));
    });
    return el("ul", { class: nested ? "evidence-items" : "evidence" }, ...items);
  }

  function findingItem(finding, serviceUrl, report) {
    const sign = finding.weight > 0 ? `+${finding.weight}` : String(finding.weight);
    const evidence = lib.evidenceItems(finding, report);
    return el(
      "li",
      { class: "finding", "data-code": finding.code },
      el("span", { class: "weight", text: sign }),
      ruleCode(finding.code, serviceUrl),
      el("span", { class: "meta", text: ` ${finding.severity} severity, ${finding.confidence} confidence` }),
      el("div", { text: finding.message }),
      evidence.length ? evidenceList(evidence) : null,
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
      sections.push(el("h3", { class: "family", text: group.name }), el("ul", {}, ...group.findings.map((f) => findingItem(f, serviceUrl, report))));
    }
    sections.push(el("h3", { text: "Reasons to trust" }));
    sections.push(report.trust.length ? el("ul", {}, ...report.trust.map((f) => findingItem(f, serviceUrl, report))) : el("p", { text: "None shown on this page." }));
    const reviews = lib.reviewsOutcome(report);
    sections.push(el("h3", { text: "Reviews" }), el("p", { class: "reviews", "data-reviews": reviews.state, text: reviews.text }));
    const rows = lib.reviewTestRows(report);
    if (rows.length) sections.push(reviewTestsTable(rows, serviceUrl));
    const chart = el("div", { class: "chart" }, el("p", { class: "meta", text: "Loading price history…" }));
    sections.push(el("h3", { text: "Price history" }), chart);
    const missing = lib.coverageText(report);
    if (missing) sections.push(el("p", { class: "meta coverage", text: missing }));
    loadChart(chart, report);
    return sections;
  }

  // --- saving evidence -----------------------------------------------------------------------

  // What the panel says of the last "Save evidence" ({state: saving|saved|failed, text}); kept
  // across redraws of the panel.
  let evidence = null;

  /** A click here grants no screenshot (only the toolbar button, the context menu and the
   * shortcut do), so the worker saves the page and the facts, and says how to add a screenshot. */
  async function saveEvidence() {
    if (evidence && evidence.state === "saving") return;
    evidence = { state: "saving", text: "Saving this page and its verdict…" };
    drawEvidence();
    let answer;
    try {
      answer = await chrome.runtime.sendMessage({ type: C.MESSAGE.SAVE_PAGE_EVIDENCE });
    } catch (error) {
      answer = { ok: false, message: `Evidence not saved: the extension did not answer (${error.message}).` };
    }
    evidence = {
      state: answer && answer.ok ? "saved" : "failed",
      text: (answer && answer.message) || "Evidence not saved: the extension did not answer.",
      record: answer && answer.ok ? answer.record.id : null,
    };
    drawEvidence();
  }

  function evidenceSection() {
    const button = el("button", { class: "save-evidence", type: "button", text: "Save evidence" });
    button.addEventListener("click", () => saveEvidence());
    const status = el("p", { class: "meta evidence-status", role: "status" });
    return el("div", { class: "evidence-section" }, el("h3", { text: "Evidence" }), button, status);
  }

  function drawEvidence() {
    const section = panel.querySelector(".evidence-section");
    if (!section) return;
    section.querySelector("button").disabled = Boolean(evidence && evidence.state === "saving");
    const status = section.querySelector(".evidence-status");
    status.textContent = evidence ? evidence.text : "Keeps this page and its verdict in your emptor service, for a dispute.";
    if (evidence) rootElement.setAttribute("data-evidence", evidence.state);
    else rootElement.removeAttribute("data-evidence"); // a new listing: the last one's outcome is not its
    if (evidence && evidence.record) status.setAttribute("data-record", evidence.record);
    else status.removeAttribute("data-record");
  }

  function fillPanel() {
    const close = el("button", { class: "close", type: "button", "aria-label": "Close", text: "×" });
    close.addEventListener("click", () => togglePanel(false));
    const badgeText = lib.badgeContent(shown);
    const children = [close, el("h2", { text: badgeText.label }), el("p", { text: badgeText.detail })];
    if (shown.kind === "report") children.push(...reportSections(shown.report, shown.service));
    if (shown.kind !== "loading") children.push(evidenceSection());
    const hadFocus = panel.contains(document.activeElement);
    panel.replaceChildren(...children);
    drawEvidence();
    if (hadFocus) close.focus(); // a redraw does not drop a keyboard user's place to the page
  }

  // --- the price chart --------------------------------------------------------------------------

  function chartSvg(geometry) {
    const money = (price) => lib.formatMoney(price, geometry.currency);
    const svg = svgElement("svg", {
      width: geometry.width,
      height: geometry.height,
      role: "img",
      "aria-label": `Price from ${money(geometry.low)} to ${money(geometry.high)}, ${geometry.points.length} observations`,
      class: "price-chart",
    });
    for (const mark of geometry.marks) {
      const attributes = { x1: 0, x2: geometry.width, y1: mark.y, y2: mark.y, class: "chart-mark", "data-code": mark.code };
      svg.append(svgElement("line", attributes, `${mark.code}: ${mark.label} ${money(mark.price)}`));
    }
    svg.append(svgElement("path", { d: geometry.path, class: "chart-line" }));
    for (const point of geometry.points) {
      const attributes = { cx: point.x, cy: point.y, r: 3, class: "chart-dot" };
      svg.append(svgElement("circle", attributes, `${money(point.price)} on ${point.observedAt.slice(0, 10)}`));
    }
    return svg;
  }

  function chartCaption(geometry) {
    const count = geometry.points.length;
    const amount = (price) => lib.formatAmount(price, geometry.currency);
    const range = geometry.low === geometry.high ? amount(geometry.low) : `${amount(geometry.low)}–${amount(geometry.high)}`;
    const period = geometry.first === geometry.last ? `on ${geometry.first.slice(0, 10)}` : `from ${geometry.first.slice(0, 10)} to ${geometry.last.slice(0, 10)}`;
    return `${count} observation${count === 1 ? "" : "s"}: ${range} ${geometry.currency} (${geometry.country || "any country"}) ${period}.`;
  }

  /** The recorded prices, asked of the service worker directly: they never pass through the page. */
  async function loadChart(container, report) {
    const { marketplace, product_id: productId } = report.listing || {};
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
    const legend = geometry.marks.map((mark) => `${mark.label} ${lib.formatMoney(mark.price, geometry.currency)} (${mark.code}, dashed)`);
    const parts = [chartSvg(geometry), el("p", { class: "meta", text: chartCaption(geometry) })];
    if (legend.length) parts.push(el("p", { class: "meta marks", text: legend.join(" · ") }));
    container.replaceChildren(...parts);
  }

  // --- start ---------------------------------------------------------------------------------

  badge.addEventListener("click", () => togglePanel());
  // On the frame's document, not the panel: the panel is redrawn when news arrives (the reviews'
  // outcome), which removes the element that had the focus, and Escape must still close it.
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) togglePanel(false);
  });
  render(shown);
  // What to show comes from the worker alone, over the port (lib/worker-port.js).
  lib.stayConnected({ portName: C.FRAME.PORT_NAME, messageType: C.MESSAGE.FRAME_STATE, onState: render });
})();
