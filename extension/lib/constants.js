/*
 * Every constant the extension shares, in one place. A classic script: content scripts load it
 * before their own file, the service worker imports it for its side effect, and the node tests
 * import it the same way. It defines one frozen global, EMPTOR.
 */
(function (root) {
  "use strict";

  const MESSAGE = Object.freeze({
    // content script -> service worker
    ANALYZE_PAGE: "analyzePage",
    GET_HISTORY: "getHistory",
    REPORT_TIMINGS: "reportTimings",
    // service worker -> content script
    REPORT_UPDATED: "reportUpdated",
    // popup / options -> service worker
    GET_TAB_VERDICT: "getTabVerdict",
    GET_SERVICE_STATUS: "getServiceStatus",
    GET_TIMINGS: "getTimings",
  });

  root.EMPTOR = Object.freeze({
    MESSAGE,
    // Message types a content script may send; everything else from a web page's tab is refused.
    CONTENT_SCRIPT_MESSAGES: Object.freeze([MESSAGE.ANALYZE_PAGE, MESSAGE.GET_HISTORY, MESSAGE.REPORT_TIMINGS]),
    // Message types only the extension's own pages (popup, options, the benchmark) may send.
    EXTENSION_PAGE_MESSAGES: Object.freeze([MESSAGE.GET_TAB_VERDICT, MESSAGE.GET_SERVICE_STATUS, MESSAGE.GET_TIMINGS]),

    DEFAULT_SERVICE_URL: "http://127.0.0.1:8765",
    STORAGE_KEYS: Object.freeze({ SERVICE_URL: "serviceUrl", TOKEN: "token" }),
    API_PREFIX: "/api/v1",

    // Analysing a 2 MB page takes about 30 ms on the service (docs/performance.md); the
    // timeouts leave room for a slow machine without leaving the badge spinning for long.
    ANALYZE_TIMEOUT_MS: 10000,
    HEALTH_TIMEOUT_MS: 2000,
    HISTORY_TIMEOUT_MS: 4000,
    REVIEW_FETCH_TIMEOUT_MS: 8000,
    // A product analysed less than this long ago is answered from the cache.
    REPORT_CACHE_TTL_MS: 60 * 1000,
    REPORT_CACHE_MAX_ENTRIES: 50,

    // The service refuses bodies over 16 MB; a rendered 2024+ page is 1-2 MB. A character can
    // take 3 bytes in UTF-8, so the page is capped at a third of that in characters.
    MAX_HTML_CHARS: 5 * 1024 * 1024,
    MAX_REQUEST_BYTES: 15 * 1024 * 1024,
    // How long the content script waits for the page to render its product before sending
    // whatever it has (2024+ pages render client-side).
    RENDER_WAIT_MS: 4000,
    VARIANT_SETTLE_MS: 400,

    // First review feed pages fetched in the shopper's session (research/ALIEXPRESS_ANATOMY.md §2.2).
    REVIEW_PAGES: 2,
    REVIEW_PAGE_SIZE: 20,
    REVIEW_FEED_PATH: "/pc/searchEvaluation.do",

    // Page-world capture -> content script messages (window.postMessage).
    PAGE_MESSAGE_TAG: "emptor:page-data",
    BLOB_SOURCES: Object.freeze([
      "runParams",
      "_init_data_",
      "mtop.aliexpress.pdp.pc.query",
      "mtop.aliexpress.itemdetail.pc.asyncPCDetail",
      "mtop.aliexpress.itemdetail.msite",
    ]),

    // What the badge, the popup and the options page say when the service does not answer.
    START_SERVICE_HINT: "Start the local service with make run (or emptor serve), then reload the page.",

    FAMILIES: Object.freeze({
      SEL: "Seller",
      REV: "Reviews",
      PRC: "Price",
      CNT: "Counterfeit and misleading",
      PRT: "Protection and badges",
      SHP: "Shipping",
    }),
    ROOT_ID: "emptor-root",
  });
})(globalThis);
