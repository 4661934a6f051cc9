/*
 * What the badge and the panel say, computed from a report without touching the DOM (so it is
 * tested with node --test). emptor's frame (view/frame.js) only turns these values into elements.
 * Evidence keys and coverage fields are named from lib/labels.js, which loads first.
 */
(function (root) {
  "use strict";

  const LEVEL_LABELS = { low: "Low risk", medium: "Medium risk", high: "High risk" };

  function truncate(text, max) {
    if (!text || text.length <= max) return text || "";
    return text.slice(0, max - 1).trimEnd() + "…";
  }

  /** The badge for one state: {level, label, detail}. */
  function badgeContent(state) {
    if (state.kind === "loading") {
      return { level: "unknown", label: "emptor", detail: "Checking this listing…" };
    }
    if (state.kind === "service-down") {
      return {
        level: "unknown",
        label: "emptor is not running",
        detail: globalThis.EMPTOR.START_SERVICE_HINT,
      };
    }
    if (state.kind === "not-paired") {
      return { level: "unknown", label: "emptor is not paired", detail: state.message || globalThis.EMPTOR.PAIR_HINT };
    }
    if (state.kind === "not-our-service") {
      // The message is the extension's own sentence (service-client.js), never the impostor's.
      return { level: "unknown", label: "This is not your emptor service", detail: state.message || "" };
    }
    if (state.kind === "error") {
      return { level: "unknown", label: "emptor could not check this page", detail: state.message || "" };
    }
    const report = state.report;
    const status = report.page.status;
    if (status !== "ok") {
      // The service says what the status means (report.page.explanation).
      return { level: "unknown", label: "emptor: not judged", detail: report.page.explanation || "" };
    }
    const level = report.verdict.level;
    const top = report.findings[0] || report.trust[0];
    return {
      level,
      label: `${LEVEL_LABELS[level] || level} · ${report.verdict.score}`,
      detail: top ? truncate(top.message, 140) : "No risks found on this page.",
    };
  }

  /** Findings grouped by family (SEL, REV, …), each group named as the report names it. The
   * report lists findings heaviest first, so the family of the heaviest finding comes first. */
  function groupFindings(findings) {
    const groups = new Map();
    for (const finding of findings || []) {
      const family = finding.code.slice(0, 3);
      if (!groups.has(family)) groups.set(family, { family, name: finding.family_name || family, findings: [] });
      groups.get(family).findings.push(finding);
    }
    return [...groups.values()];
  }

  // --- evidence and coverage in words (the labels: lib/labels.js) ----------------------------

  const NO_LABELS = { EVIDENCE: {}, EVIDENCE_BY_RULE: {}, COVERAGE: {} };
  const labels = () => root.EMPTOR_LABELS || NO_LABELS;
  const CURRENCY_CODE = /^[A-Z]{3}$/;
  // A number under a key that names a price, a cost or an amount is money, whatever the rule.
  const MONEY_KEY = /(^|_)(price|cost|amount)(_|$)/;
  const USD_KEY = /(^|_)usd$/;
  // A name for programs: lowercase words joined by underscores ("delivery_date"), or camelCase.
  const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;
  const CAMEL = /^[a-z]+([A-Z][a-z0-9]*)+$/;

  const numberFormats = new Map();
  function numberFormat(minDigits, maxDigits) {
    const key = `${minDigits}:${maxDigits}`;
    if (!numberFormats.has(key)) {
      numberFormats.set(key, new Intl.NumberFormat("en", { minimumFractionDigits: minDigits, maximumFractionDigits: maxDigits }));
    }
    return numberFormats.get(key);
  }

  /** A number as the panel writes it: thousands separated, at most `maxDigits` decimals. */
  function formatNumber(value, maxDigits = 2) {
    return numberFormat(0, maxDigits).format(value);
  }

  const currencyDigits = new Map();
  /** How many decimals a currency is written with (ISO 4217, as Intl knows it): 2 for USD, 0 for JPY. */
  function moneyDigits(currency) {
    if (!currency || !CURRENCY_CODE.test(currency)) return 2;
    if (!currencyDigits.has(currency)) {
      let digits = 2;
      try {
        digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
      } catch {
        // not a currency Intl knows: two decimals
      }
      currencyDigits.set(currency, digits);
    }
    return currencyDigits.get(currency);
  }

  /** An amount with the currency's decimals, without its code: 3.8, "USD" → "3.80". */
  function formatAmount(value, currency) {
    const digits = moneyDigits(currency);
    return numberFormat(digits, digits).format(value);
  }

  /** An amount as the currency writes it, with its code after: 3.8, "USD" → "3.80 USD";
   * 1234.5, "RUB" → "1,234.50 RUB"; 1500, "JPY" → "1,500 JPY". Without a currency, the amount. */
  function formatMoney(value, currency) {
    const code = currency && CURRENCY_CODE.test(currency) ? currency : null;
    return code ? `${formatAmount(value, code)} ${code}` : formatAmount(value, null);
  }

  /** Words for a key: "history_days" → "history days", "ruleCode" → "rule code"; anything else
   * (a country code, a date, a star count) as it is. */
  function keyWords(key) {
    const text = String(key);
    if (SNAKE.test(text)) return text.replace(/_+/g, " ").replace(/\busd\b/g, "USD");
    if (CAMEL.test(text)) return text.replace(/([A-Z])/g, " $1").toLowerCase();
    return text.replace(/_+/g, " ");
  }

  const sentenceCase = (text) => (text ? text[0].toUpperCase() + text.slice(1) : text);

  function fillTemplate(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  }

  function withUnit(text, value, spec) {
    let out = text;
    if (spec.unit && typeof value === "number") out += ` ${value === 1 ? spec.unit : `${spec.unit}s`}`;
    if (spec.suffix) out += ` ${spec.suffix}`;
    return out;
  }

  function scalarText(value, key, spec, context) {
    let kind = spec.kind;
    if (!Object.keys(spec).length && typeof value === "number") {
      // A key the table does not know (a rule newer than this extension): its name says money.
      if (MONEY_KEY.test(String(key))) kind = "money";
      else if (USD_KEY.test(String(key))) kind = "usd";
    }
    if (typeof value === "boolean") return withUnit(value ? "Yes" : "No", value, spec);
    if (typeof value === "number") {
      if (kind === "money") return withUnit(formatMoney(value, context.currency), null, spec);
      if (kind === "usd") return withUnit(formatMoney(value, "USD"), null, spec);
      if (kind === "rate") return withUnit(`${formatNumber(value, 4)} USD per ${context.currency || "unit of the price's currency"}`, null, spec);
      if (kind === "percent") return withUnit(`${formatNumber(value, 1)}%`, null, spec);
      if (kind === "share") return withUnit(`${formatNumber(value * 100, 1)}%`, null, spec);
      return withUnit(formatNumber(value), value, spec);
    }
    let text = String(value);
    if (spec.values && Object.hasOwn(spec.values, text)) text = spec.values[text];
    else if (SNAKE.test(text)) text = keyWords(text); // a name the service gave, in words
    if (kind === "date" && /^\d{4}-\d{2}-\d{2}T/.test(text)) text = text.slice(0, 10);
    if (kind === "quoted") text = `\u201c${text}\u201d`;
    return withUnit(text, null, spec);
  }

  const isScalar = (value) => value === null || ["string", "number", "boolean"].includes(typeof value);

  /** One labelled value ({label, text}) or labelled list ({label, items}), or null for nothing to
   * show (no value, an empty list, a value for programs). */
  function evidenceEntry(key, value, spec, context, label) {
    if (value === null || value === undefined || spec.kind === "hidden") return null;
    const name = label || spec.label || sentenceCase(keyWords(key));
    if (Array.isArray(value)) {
      const shown = value.filter((item) => item !== null && item !== undefined);
      if (!shown.length) return null;
      if (shown.every(isScalar)) return { label: name, text: shown.map((item) => scalarText(item, key, spec, context)).join(", ") };
      const itemSpec = spec.items || {};
      const items = shown
        .map((item, index) => evidenceEntry(key, item, itemSpec, context, fillTemplate(spec.itemLabel || "{n}", { n: index + 1, key })))
        .filter(Boolean);
      return items.length ? { label: name, items } : null;
    }
    if (typeof value === "object") {
      const items = Object.entries(value)
        .map(([inner, innerValue]) => {
          const known = spec.fields && Object.hasOwn(spec.fields, inner) ? spec.fields[inner] : null;
          const innerSpec = known || spec.items || {};
          const innerLabel = known ? known.label : spec.itemLabel ? fillTemplate(spec.itemLabel, { key: inner }) : sentenceCase(keyWords(inner));
          return evidenceEntry(inner, innerValue, innerSpec, context, innerLabel);
        })
        .filter(Boolean);
      return items.length ? { label: name, items } : null;
    }
    return { label: name, text: scalarText(value, key, spec, context) };
  }

  /** The currency a finding's amounts are in: its evidence's, else the listing's. */
  function evidenceCurrency(evidence, report) {
    const listing = (report && report.listing) || {};
    const candidates = [evidence && evidence.currency, listing.price && listing.price.currency, listing.locale && listing.locale.currency];
    return candidates.find((code) => typeof code === "string" && CURRENCY_CODE.test(code)) || null;
  }

  /** A finding's evidence as labelled values with units, in the order the rule gave them:
   * [{label, text}] or, for a nested value, [{label, items: [...]}] (lib/labels.js names them). */
  function evidenceItems(finding, report) {
    const evidence = (finding && finding.evidence) || {};
    const { EVIDENCE, EVIDENCE_BY_RULE } = labels();
    const byRule = (finding && Object.hasOwn(EVIDENCE_BY_RULE, finding.code) && EVIDENCE_BY_RULE[finding.code]) || {};
    const context = { currency: evidenceCurrency(evidence, report) };
    return Object.entries(evidence)
      .map(([key, value]) => {
        const spec = { ...(Object.hasOwn(EVIDENCE, key) ? EVIDENCE[key] : {}), ...(Object.hasOwn(byRule, key) ? byRule[key] : {}) };
        return evidenceEntry(key, value, spec, context);
      })
      .filter(Boolean);
  }

  /** A coverage field in words: "badges.free_return" → "free returns". */
  function coverageName(field) {
    const { COVERAGE } = labels();
    if (Object.hasOwn(COVERAGE, field)) return COVERAGE[field];
    return String(field).split(".").map(keyWords).join(" ");
  }

  /** "Not found on this page: Choice badge, free returns." or null when nothing is missing. */
  function coverageText(report) {
    const missing = (report && report.coverage && report.coverage.missing) || [];
    if (!missing.length) return null;
    return `Not found on this page: ${missing.map(coverageName).join(", ")}.`;
  }

  // --- reviews ----------------------------------------------------------------------------------

  const plural = (count, noun) => `${formatNumber(count)} ${noun}${count === 1 ? "" : "s"}`;

  /** Where the reviews stand: {state, text}, state one of "waiting" (the service worker is
   * reading the review feed), "analysed", "none" (nothing to analyse) or "failed" (the worker could
   * not load them; it says why in the report's errors, code "reviews"). Null when the page was
   * not judged. */
  function reviewsOutcome(report) {
    if (!report || !report.page || report.page.status !== "ok") return null;
    const reviews = report.reviews;
    const shownCount = report.listing && report.listing.rating ? report.listing.rating.count : null;
    if (reviews && reviews.received > 0 && reviews.analyzed > 0) return { state: "analysed", text: analysedText(reviews) };
    if (reviews && reviews.received > 0) {
      return { state: "analysed", text: `${plural(reviews.received, "review")} read from the review feed; none could be analysed.` };
    }
    if (reviews) {
      const although = shownCount > 0 ? `, although the page counts ${plural(shownCount, "rating")}` : "";
      return { state: "none", text: `No reviews to analyse: AliExpress's review feed returned none for this listing${although}.` };
    }
    const failure = (report.errors || []).find((error) => error && error.code === "reviews");
    if (failure) return { state: "failed", text: failure.message };
    if (!(report.review_feed_urls || []).length) return { state: "none", text: "No reviews to analyse: the page shows none for this listing." };
    return { state: "waiting", text: "Reading this listing's reviews\u2026" };
  }

  function analysedText(reviews) {
    const of = reviews.total ? ` of ${formatNumber(reviews.total)}` : "";
    const parts = [`${plural(reviews.analyzed, "review")} analysed${of}.`];
    if (reviews.adjusted_rating != null) {
      const shown = reviews.shown_rating != null ? ` (the page shows ${reviews.shown_rating})` : "";
      parts.push(`Adjusted rating ${reviews.adjusted_rating}${shown}, from ${plural(reviews.rests_on, "review")}.`);
    }
    if (reviews.suspicious) parts.push(`${reviews.suspicious} look suspicious.`);
    if (reviews.strength) parts.push(`Evidence: ${reviews.strength}.`);
    return parts.join(" ");
  }

  /** What the panel says about reviews. */
  function reviewsSummary(report) {
    const outcome = reviewsOutcome(report);
    return outcome ? outcome.text : "";
  }

  const TEST_STATUS_TEXT = { pass: "passed", warn: "warning", fail: "failed", skipped: "not run" };

  /** One row per review test (docs/rules.md, REV001-REV010): what it checked and on what. */
  function reviewTestRows(report) {
    const outcome = reviewsOutcome(report);
    // With no review read, every test is "not run": the summary says so once.
    const tests = (outcome && outcome.state === "analysed" && report.reviews.tests) || [];
    return tests.map((test) => ({
      code: test.code,
      name: test.name,
      status: test.status,
      result: TEST_STATUS_TEXT[test.status] || test.status,
      basis: test.basis || "",
    }));
  }

  function ruleLink(serviceUrl, code) {
    return `${serviceUrl}/rules#${encodeURIComponent(code)}`;
  }

  /** An element for emptor's pages: `text` as its text (never markup: page values are
   * untrusted), other attributes as given, then its children. */
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  root.emptorLib = Object.assign(root.emptorLib || {}, {
    el,
    badgeContent,
    groupFindings,
    evidenceItems,
    coverageText,
    formatMoney,
    formatAmount,
    formatNumber,
    reviewsOutcome,
    reviewsSummary,
    reviewTestRows,
    ruleLink,
  });
})(globalThis);
