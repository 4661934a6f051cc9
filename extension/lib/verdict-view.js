/*
 * What the badge and the panel say, computed from a report without touching the DOM (so it is
 * tested with node --test). The content script only turns these values into elements.
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

  function formatValue(value) {
    if (value === null || value === undefined) return "—";
    if (Array.isArray(value)) return value.map(formatValue).join(", ");
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  /** Evidence as "name: value" lines, in the order the rule gave them. */
  function evidenceLines(evidence) {
    return Object.entries(evidence || {}).map(([name, value]) => `${name.replace(/_/g, " ")}: ${formatValue(value)}`);
  }

  /** What the panel says about reviews. */
  function reviewsSummary(report) {
    const reviews = report && report.reviews;
    if (!reviews) return "Reviews not analysed yet.";
    if (!reviews.analyzed) {
      return `Reviews not analysed yet (${reviews.received} review${reviews.received === 1 ? "" : "s"} read from ${reviews.pages} page${reviews.pages === 1 ? "" : "s"} of the review feed).`;
    }
    const of = reviews.total ? ` of ${reviews.total}` : "";
    const parts = [`${reviews.analyzed} reviews analysed${of}.`];
    if (reviews.adjusted_rating != null) {
      const shown = reviews.shown_rating != null ? ` (the page shows ${reviews.shown_rating})` : "";
      parts.push(`Adjusted rating ${reviews.adjusted_rating}${shown}, from ${reviews.rests_on} review${reviews.rests_on === 1 ? "" : "s"}.`);
    }
    if (reviews.suspicious) parts.push(`${reviews.suspicious} look suspicious.`);
    if (reviews.strength) parts.push(`Evidence: ${reviews.strength}.`);
    return parts.join(" ");
  }

  const TEST_STATUS_TEXT = { pass: "passed", warn: "warning", fail: "failed", skipped: "not run" };

  /** One row per review test (docs/rules.md, REV001-REV010): what it checked and on what. */
  function reviewTestRows(report) {
    const tests = (report && report.reviews && report.reviews.tests) || [];
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

  root.emptorLib = Object.assign(root.emptorLib || {}, {
    badgeContent,
    groupFindings,
    evidenceLines,
    reviewsSummary,
    reviewTestRows,
    ruleLink,
  });
})(globalThis);
