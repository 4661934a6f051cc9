/*
 * The geometry of the small price-history chart: pure numbers, no DOM, so it is tested with
 * node --test and drawn as inline SVG by the panel (no chart library).
 */
(function (root) {
  "use strict";

  // The price rules whose evidence names a price worth drawing across the history (docs/rules.md):
  // the claimed "was" price nobody paid, the level before a pre-sale rise, the recorded low.
  const MARK_FIELDS = [
    ["PRC001", "original_price", "claimed \u201cwas\u201d price"],
    ["PRC002", "price_before_rise", "before the rise"],
    ["PRC003", "recorded_low", "recorded low"],
  ];

  /** Reference lines for the chart from the report's findings: {code, label, price, currency}. */
  function priceMarks(findings) {
    const marks = [];
    for (const finding of findings || []) {
      const evidence = finding.evidence || {};
      for (const [code, field, label] of MARK_FIELDS) {
        if (finding.code === code && typeof evidence[field] === "number" && Number.isFinite(evidence[field])) {
          marks.push({ code, label, price: evidence[field], currency: evidence.currency || null });
        }
      }
    }
    return marks;
  }

  /**
   * Points for the listing's headline price (rows with sku_id null) in the most recent
   * country and currency: prices are only comparable within one (docs/sources.md, "Prices").
   * `marks` (from priceMarks) in the same currency are drawn as horizontal lines, and the scale
   * stretches to include them. Returns null when there is nothing to draw.
   */
  function chartGeometry(series, { width = 280, height = 80, padding = 8, marks = [] } = {}) {
    const headline = (series || []).filter((row) => row.sku_id === null && typeof row.price === "number");
    if (headline.length === 0) return null;
    const latest = headline[headline.length - 1];
    const rows = headline.filter((row) => row.currency === latest.currency && row.country === latest.country);
    const times = rows.map((row) => Date.parse(row.observed_at));
    const prices = rows.map((row) => row.price);
    const t0 = Math.min(...times);
    const t1 = Math.max(...times);
    const shownMarks = marks.filter((mark) => mark.currency === null || mark.currency === latest.currency);
    const low = Math.min(...prices, ...shownMarks.map((mark) => mark.price));
    const high = Math.max(...prices, ...shownMarks.map((mark) => mark.price));
    const x = (t) => (t1 === t0 ? width / 2 : padding + ((t - t0) / (t1 - t0)) * (width - 2 * padding));
    const y = (p) => (high === low ? height / 2 : height - padding - ((p - low) / (high - low)) * (height - 2 * padding));
    const points = rows.map((row, i) => ({
      x: Math.round(x(times[i]) * 10) / 10,
      y: Math.round(y(row.price) * 10) / 10,
      price: row.price,
      observedAt: row.observed_at,
    }));
    const path = points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x},${p.y}`).join(" ");
    const lines = shownMarks.map((mark) => ({ ...mark, y: Math.round(y(mark.price) * 10) / 10 }));
    return {
      width,
      height,
      points,
      path,
      marks: lines,
      low,
      high,
      currency: latest.currency,
      country: latest.country,
      first: rows[0].observed_at,
      last: latest.observed_at,
    };
  }

  root.emptorLib = Object.assign(root.emptorLib || {}, { chartGeometry, priceMarks });
})(globalThis);
