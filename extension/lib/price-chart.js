/*
 * The geometry of the small price-history chart: pure numbers, no DOM, so it is tested with
 * node --test and drawn as inline SVG by the panel (no chart library).
 */
(function (root) {
  "use strict";

  /**
   * Points for the listing's headline price (rows with sku_id null) in the most recent
   * country and currency: prices are only comparable within one (research/ALIEXPRESS_ANATOMY.md).
   * Returns null when there is nothing to draw.
   */
  function chartGeometry(series, { width = 280, height = 80, padding = 8 } = {}) {
    const headline = (series || []).filter((row) => row.sku_id === null && typeof row.price === "number");
    if (headline.length === 0) return null;
    const latest = headline[headline.length - 1];
    const rows = headline.filter((row) => row.currency === latest.currency && row.country === latest.country);
    const times = rows.map((row) => Date.parse(row.observed_at));
    const prices = rows.map((row) => row.price);
    const t0 = Math.min(...times);
    const t1 = Math.max(...times);
    const low = Math.min(...prices);
    const high = Math.max(...prices);
    const x = (t) => (t1 === t0 ? width / 2 : padding + ((t - t0) / (t1 - t0)) * (width - 2 * padding));
    const y = (p) => (high === low ? height / 2 : height - padding - ((p - low) / (high - low)) * (height - 2 * padding));
    const points = rows.map((row, i) => ({
      x: Math.round(x(times[i]) * 10) / 10,
      y: Math.round(y(row.price) * 10) / 10,
      price: row.price,
      observedAt: row.observed_at,
    }));
    const path = points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x},${p.y}`).join(" ");
    return {
      width,
      height,
      points,
      path,
      low,
      high,
      currency: latest.currency,
      country: latest.country,
      first: rows[0].observed_at,
      last: latest.observed_at,
    };
  }

  root.emptorLib = Object.assign(root.emptorLib || {}, { chartGeometry });
})(globalThis);
