/*
 * The content script's own measurements, for `make bench` only (bench/extension.py): how long
 * each synchronous block of its work took, and when the first verdict showed after the page's
 * load event. Nothing is timed unless the benchmark turned on EMPTOR.DEBUG_TIMINGS_KEY in
 * chrome.storage.local; the timings then go to the service worker, never to the page's own
 * performance timeline (which the page could read).
 *
 * The first of the content script's files: it makes the namespace the others share
 * (globalThis.emptorContent), and only in a top-level HTML document, so the others do nothing
 * in frames or in non-HTML documents.
 */
(function (root) {
  "use strict";

  if (window.top !== window || !document.documentElement || !(document instanceof HTMLDocument)) return;

  const C = globalThis.EMPTOR;
  const content = (root.emptorContent = {});

  let enabled = false;
  let done = false; // only the first analysis is measured; nothing accumulates after it
  const measured = { blocks: [], captureMs: 0, firstVerdictAfterLoadMs: null };

  const ready = chrome.storage.local.get(C.DEBUG_TIMINGS_KEY).then(
    (stored) => {
      enabled = stored[C.DEBUG_TIMINGS_KEY] === true;
    },
    () => {},
  );

  content.timings = {
    /** Resolves once it is known whether this page is timed. */
    ready,
    /** A synchronous block of work named `name` that started at `start` (performance.now()). */
    block(name, start) {
      if (enabled && !done) measured.blocks.push([name, performance.now() - start]);
    },
    /** Time the page-world hook spent copying page data. */
    captured(ms) {
      if (enabled && !done) measured.captureMs = ms;
    },
    /** The first verdict is on screen: note when, and send the timings a few frames later, so
     * that the badge's placement (after the browser's layout) counts. */
    verdictShown() {
      if (!enabled || done || measured.firstVerdictAfterLoadMs !== null) return;
      const navigation = performance.getEntriesByType("navigation")[0];
      // A verdict shown before the load event ended counts as 0 ms after it.
      measured.firstVerdictAfterLoadMs = navigation ? Math.max(0, performance.now() - (navigation.loadEventEnd || performance.now())) : 0;
      setTimeout(() => {
        done = true;
        chrome.runtime.sendMessage({ type: C.MESSAGE.REPORT_TIMINGS, timings: measured }).catch(() => {});
      }, 100);
    },
  };
})(globalThis);
