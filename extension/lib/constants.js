/*
 * Every constant the extension shares, in one place. A classic script: content scripts load it
 * before their own files, the service worker imports it for its side effect, and the node tests
 * import it the same way. It defines one frozen global, EMPTOR.
 *
 * What the extension must know about a marketplace comes from the service, in each report
 * (rule family names, what a page status means, where the listing's reviews are read). The few
 * things it needs before it can ask (which addresses are listings, when a page has rendered its
 * product) are here and in content/page-hook.js; tests/test_extension_contract.py fails when
 * they differ from the service's.
 */
(function (root) {
  "use strict";

  const MESSAGE = Object.freeze({
    // content script -> service worker
    ANALYZE_PAGE: "analyzePage",
    SHOW_IN_FRAME: "showInFrame",
    REPORT_TIMINGS: "reportTimings",
    // content script of an order, tracking or checkout page -> service worker (issue 10;
    // background/account-pages.js): an order feed's answer as the page received it, and "this
    // checkout page has shown its order" (the once-per-variant capture of what was promised);
    // the old site's order detail page, rendered
    ORDER_FEED: "orderFeed",
    ORDER_PAGE: "orderPage",
    CHECKOUT_SHOWN: "checkoutShown",
    // content script of a seller message page -> service worker (issue 10; background/messages.js):
    // the thread as the page shows it, to be judged by the MSG rules
    ANALYZE_THREAD: "analyzeThread",
    // emptor's frame (view/frame.html, which renders the badge and the panel) -> service worker
    GET_HISTORY: "getHistory",
    SET_PANEL_OPEN: "setPanelOpen",
    SAVE_PAGE_EVIDENCE: "savePageEvidence",
    // service worker -> content script
    REPORT_UPDATED: "reportUpdated",
    RESIZE_FRAME: "resizeFrame",
    // service worker -> content script, while saving evidence (background/evidence.js)
    SNAPSHOT_PAGE: "snapshotPage",
    HIDE_FRAME: "hideFrame",
    // ... and for a whole-page screenshot (background/fullpage.js): scroll, and say the page's size
    SCROLL_PAGE: "scrollPage",
    // service worker -> popup: "capture 3 of 7" while a whole-page screenshot is taken
    CAPTURE_PROGRESS: "captureProgress",
    // service worker -> emptor's frame, on the port the frame opens
    FRAME_STATE: "frameState",
    // service worker -> emptor's message warning (view/messages.html), on the port it opens; and
    // -> the message page's content script: the shopper closed the warning
    THREAD_WARNING: "threadWarning",
    CLOSE_THREAD_WARNING: "closeThreadWarning",
    // popup / options -> service worker
    GET_TAB_VERDICT: "getTabVerdict",
    GET_SERVICE_STATUS: "getServiceStatus",
    GET_TIMINGS: "getTimings",
    SAVE_EVIDENCE: "saveEvidence",
    // popup -> service worker: the orders' deadlines (the worker's copy), the saved evidence and
    // an evidence pack (issue 10; background/deadlines.js, docs/extension.md "Deadlines")
    GET_DEADLINES: "getDeadlines",
    LIST_EVIDENCE: "listEvidence",
    EXPORT_EVIDENCE: "exportEvidence",
    OPEN_EXPORTS_FOLDER: "openExportsFolder",
  });

  root.EMPTOR = Object.freeze({
    MESSAGE,
    // Message types a content script may send; everything else from a web page's tab is refused.
    CONTENT_SCRIPT_MESSAGES: Object.freeze([MESSAGE.ANALYZE_PAGE, MESSAGE.SHOW_IN_FRAME, MESSAGE.REPORT_TIMINGS, MESSAGE.ORDER_FEED, MESSAGE.ORDER_PAGE, MESSAGE.CHECKOUT_SHOWN, MESSAGE.ANALYZE_THREAD]),
    // Message types only emptor's own frame page, embedded in a listing's tab, may send.
    FRAME_MESSAGES: Object.freeze([MESSAGE.GET_HISTORY, MESSAGE.SET_PANEL_OPEN, MESSAGE.SAVE_PAGE_EVIDENCE]),
    // Message types only the extension's own pages (popup, options, the benchmark) may send.
    EXTENSION_PAGE_MESSAGES: Object.freeze([
      MESSAGE.GET_TAB_VERDICT,
      MESSAGE.GET_SERVICE_STATUS,
      MESSAGE.GET_TIMINGS,
      MESSAGE.SAVE_EVIDENCE,
      MESSAGE.GET_DEADLINES,
      MESSAGE.LIST_EVIDENCE,
      MESSAGE.EXPORT_EVIDENCE,
      MESSAGE.OPEN_EXPORTS_FOLDER,
    ]),
    // Message types the service worker sends and never accepts.
    WORKER_MESSAGES: Object.freeze([MESSAGE.REPORT_UPDATED, MESSAGE.RESIZE_FRAME, MESSAGE.FRAME_STATE, MESSAGE.SNAPSHOT_PAGE, MESSAGE.HIDE_FRAME, MESSAGE.THREAD_WARNING, MESSAGE.CLOSE_THREAD_WARNING,
      MESSAGE.SCROLL_PAGE, MESSAGE.CAPTURE_PROGRESS]),

    // The badge and the panel render in this extension page, which the content script embeds
    // above the title in an iframe (docs/extension.md, "The badge and the panel"). The iframe
    // has one size when the panel is closed and one when it is open, whatever the verdict and
    // however long the panel, so that a page script reading its size learns only which of the
    // two it is. The badge sits INSET_PX inside the frame, room for its focus ring and shadow.
    FRAME: Object.freeze({
      PAGE: "view/frame.html",
      PORT_NAME: "emptor-frame",
      INSET_PX: 5,
      COLLAPSED: Object.freeze({ width: 470, height: 40 }),
      OPEN: Object.freeze({ width: 470, height: 600 }),
    }),

    DEFAULT_SERVICE_URL: "http://127.0.0.1:8765",
    STORAGE_KEYS: Object.freeze({ SERVICE_URL: "serviceUrl", TOKEN: "token" }),
    // Not a shopper's setting: `make bench` (bench/extension.py) turns it on to have the content
    // script time its own work and hand the timings to the service worker. Off, nothing is timed.
    DEBUG_TIMINGS_KEY: "debugTimings",
    API_PREFIX: "/api/v1",

    // Analysing a 2 MB page takes about 30 ms on the service (docs/performance.md); the
    // timeouts leave room for a slow machine without leaving the badge spinning for long.
    ANALYZE_TIMEOUT_MS: 10000,
    HEALTH_TIMEOUT_MS: 2000,
    // The service proves it knows the pairing secret before a page is sent to it, at least this
    // often and after any failure (issue 8; docs/api.md, "Pairing").
    PAIRING_CHECK_INTERVAL_MS: 60 * 1000,
    HISTORY_TIMEOUT_MS: 4000,
    REVIEW_FETCH_TIMEOUT_MS: 8000,
    // A product analysed less than this long ago is answered from the cache.
    REPORT_CACHE_TTL_MS: 60 * 1000,
    REPORT_CACHE_MAX_ENTRIES: 50,
    // Page loads already recorded (service-worker.js): a tab open for a day is still one load.
    RECORDED_LOAD_TTL_MS: 24 * 60 * 60 * 1000,
    RECORDED_LOADS_MAX_ENTRIES: 1000,

    // The service refuses bodies over 16 MB; a rendered 2024+ page is 1-2 MB. A character can
    // take 3 bytes in UTF-8, so the page is capped at a third of that in characters.
    MAX_HTML_CHARS: 5 * 1024 * 1024,
    MAX_REQUEST_BYTES: 15 * 1024 * 1024,
    // How long the content script waits for the page to render its product before sending
    // whatever it has (2024+ pages render client-side).
    RENDER_WAIT_MS: 4000,
    VARIANT_SETTLE_MS: 400,

    // Page-world capture -> content script messages (window.postMessage).
    PAGE_MESSAGE_TAG: "emptor:page-data",
    // A page script can post "captures" too: at most this many sources of this length are kept
    // (the service refuses a source it does not read, and the worker then sends the rest).
    MAX_CAPTURED_SOURCES: 8,
    MAX_SOURCE_NAME_CHARS: 100,

    // The listing page as the service reads it (server/marketplaces/aliexpress/dom.py, triage).
    PRODUCT_PAGE: Object.freeze({
      // The product title in the 2024+ and the 2019-2022 layouts: the badge sits above it, and its
      // appearance says the product has rendered.
      TITLE_SELECTORS: Object.freeze(['[data-pl="product-title"]', "h1.product-title-text"]),
      // Pages that will never render a product: a removed item, the anti-bot check.
      FINAL_SELECTORS: Object.freeze(['[class*="not-found--wrap"]', 'iframe[src*="/_____tmd_____/punish"]', "#bx-pu-qrcode-wrap"]),
      // A click on one of these switches variant.
      VARIANT_SELECTORS: '.sku-property-item, [class*="sku-item--"], [data-sku-col]',
      // The one page script kept when the page is serialised: the 2024+ template declaration,
      // which says whether the page is a client-rendered shell or the Choice template.
      TEMPLATE_VARIABLE: "window._d_c_",
    }),

    // Why the worker could not give a verdict (service-worker.js, failure()); each has its own badge.
    FAILURE_STATES: Object.freeze(["service-down", "not-paired", "not-our-service", "error"]),

    // What the badge, the popup and the options page say when the service does not answer.
    START_SERVICE_HINT: "Start the local service with make run (or emptor serve), then reload the page.",
    // server/config.py MIN_TOKEN_CHARACTERS: the service refuses shorter secrets.
    MIN_PAIRING_CODE_CHARS: 16,
    PAIR_HINT: "Run emptor pair (.venv/bin/emptor pair in emptor's folder) and paste the code it prints into emptor's options page.",

    // Saving evidence (issue 10; background/evidence.js, docs/extension.md "Saving evidence"):
    // the page and a screenshot go to POST /api/v1/evidence/artifacts one by one, then the record
    // to POST /api/v1/evidence. The service refuses a page over 16 MB and a PNG over 25 MB.
    EVIDENCE: Object.freeze({
      COMMAND: "save-evidence", // manifest.json "commands"
      MENU_ID: "emptor-save-evidence",
      PAGE_NAME: "page.html",
      SCREENSHOT_NAME: "screenshot.png",
      MAX_PAGE_BYTES: 16 * 1024 * 1024,
      MAX_SCREENSHOT_BYTES: 25 * 1024 * 1024,
      UPLOAD_TIMEOUT_MS: 30000,
      // How long the content script may take to serialise the page for a snapshot.
      SNAPSHOT_TIMEOUT_MS: 15000,
      // The options page's "Keep my name and address in saved order and checkout pages" (off: the
      // service redacts them; background/evidence.js sends X-Emptor-Redact: no when on).
      KEEP_PERSONAL_DATA_KEY: "keepPersonalData",
      SCREENSHOT_HINT: "To add a screenshot, press emptor's toolbar button and Save evidence there, or the keyboard shortcut (Alt+Shift+E), or allow screenshots from the panel on emptor's options page.",
      // The optional permission (manifest.json "optional_host_permissions") that lets the panel's
      // Save evidence take a screenshot: captureVisibleTab works with <all_urls> without activeTab.
      // Asked for only from the options page, when the shopper clicks there.
      SCREENSHOT_ORIGINS: Object.freeze(["<all_urls>"]),
      // The whole page (background/fullpage.js), on request from the popup: a second PNG. At most
      // FULL_PAGE_MAX_CAPTURES screens: 20 screenshots take 10 s at the browser's two a second (13 s
      // from click to stored, docs/performance.md), and at up to about 1 MB of PNG for a 1280x900
      // screen full of product photos (an estimate; the fixture pages, which load no images, make
      // 42 KB) stay within the 25 MB the service keeps (a larger image is not saved, and the save
      // says why). And at most FULL_PAGE_MAX_CANVAS_PX device pixels tall, the tallest canvas
      // Firefox and Chromium draw (32,767: the canvas-size package's measurements). A longer page
      // is cut, and the record says so (facts.full_page.cut).
      FULL_PAGE_NAME: "fullpage.png",
      FULL_PAGE_MAX_CAPTURES: 20,
      FULL_PAGE_MAX_CANVAS_PX: 32767,
    }),

    // Buyer-protection deadlines (issue 10; background/deadlines.js, lib/deadlines.js): the worker
    // keeps a copy of the service's orders (GET /api/v1/orders) in chrome.storage.local, refreshes
    // it when it starts (if older than REFRESH_ON_START_MS) and on an alarm every ALARM_MINUTES,
    // and on each alarm warns from the copy, so the warning comes even when the service is not
    // running. WARN_DAYS_KEY is the options page's "Warn me N days before buyer protection ends".
    DEADLINES: Object.freeze({
      ALARM: "emptor-deadlines",
      ALARM_MINUTES: 6 * 60,
      REFRESH_ON_START_MS: 15 * 60 * 1000,
      COPY_KEY: "ordersCopy",
      WARNED_KEY: "deadlineWarnings",
      WARN_DAYS_KEY: "warnDays",
      WARN_DAYS_DEFAULT: 5,
      WARN_DAYS_MIN: 0,
      WARN_DAYS_MAX: 30,
      NOTIFICATION_PREFIX: "emptor-deadline:",
      ORDERS_TIMEOUT_MS: 4000,
      EXPORT_TIMEOUT_MS: 60000,
    }),

    // The shopper's account pages (issue 10; background/account-pages.js, content/account.js,
    // docs/extension.md "Account pages").
    ACCOUNT: Object.freeze({
      // An order feed's answer is at most what the service accepts in one request.
      MAX_FEED_CHARS: 15 * 1024 * 1024,
      // chrome.storage.local: the checkouts captured ({key: {recordId, capturedAt, productId}}),
      // one capture per product and variant; the oldest are forgotten past MAX_CHECKOUTS_KEPT (a
      // forgotten one is captured again if the shopper returns to it, which costs one record).
      CHECKOUTS_KEY: "checkoutCaptures",
      MAX_CHECKOUTS_KEPT: 500,
      // How long the checkout page may take to render its order before it is captured as it is
      // (the same wait as a listing's: RENDER_WAIT_MS), and the elements that say it has: the
      // order total and the place-order button (docs/extension.md, "Checkout").
      CHECKOUT_RENDERED_SELECTORS: Object.freeze([".pl-order-toal-container__item", "button.place-order-primary-btn"]),
      // Personal data blurred in a screenshot of an order or checkout page (the page's text is
      // redacted by the service; pixels cannot be): the address and contact blocks.
      PERSONAL_DATA_SELECTORS: Object.freeze([".pl-address-item-container", ".order-detail-info-item"]),
    }),

    // Seller message pages (issue 10; content/messages.js, background/messages.js, view/messages.*;
    // docs/extension.md "Seller message pages"). The thread goes to POST /api/v1/messages/analyze,
    // whose limits (server/api/messages.py) are MAX_MESSAGES and MAX_TEXT_CHARS; a thread's
    // text is kept under MAX_THREAD_CHARS so that the request, at up to 3 bytes a character,
    // stays under MAX_REQUEST_BYTES. The warning renders in VIEW, an extension page of a fixed
    // SIZE (whatever it says), fixed at the page's top right.
    THREAD: Object.freeze({
      VIEW: "view/messages.html",
      PORT_NAME: "emptor-messages",
      // The one message the view sends on its port: the shopper closed the warning.
      DISMISS: "dismiss",
      SIZE: Object.freeze({ width: 400, height: 320 }),
      MAX_MESSAGES: 2000,
      MAX_TEXT_CHARS: 20000,
      MAX_SENT_AT_CHARS: 40,
      MAX_THREAD_CHARS: 4 * 1024 * 1024,
      // AliExpress order ids are 15-16 digits (tests/fixtures/orders); anything up to 20 is read.
      ORDER_ID: /^\d{8,20}$/,
      // New messages arrive in bursts (a reply renders its bubble, its time, its read mark): the
      // thread is read again once the page has been still this long.
      SETTLE_MS: 400,
      MAX_SETTLE_MS: 2000,
    }),

    // Lookalike shops (issue 11, background/lookalike.js, view/lookalike.html).
    LOOKALIKE: Object.freeze({
      // The service judges a host in p50 170-250 µs (docs/performance.md, "Lookalike domains");
      // the health check's 2 s covers a busy machine. The shop's page waits for the answer, and
      // only a host the extension's own check flagged is asked about.
      CHECK_TIMEOUT_MS: 2000,
      // chrome.storage.session: one warning's record (lookalike:<id>), and each host the shopper
      // chose to open anyway this session, or the service cleared (openedAnyway:<host>: one key
      // each, so that the worker and two warning pages adding hosts at once cannot lose one).
      RECORD_PREFIX: "lookalike:",
      OPENED_ANYWAY_PREFIX: "openedAnyway:",
      VIEW: "view/lookalike.html",
      // The same navigation reported twice (onBeforeNavigate, then onCommitted if the page
      // committed before the warning replaced it) warns once.
      REPEAT_MS: 5000,
    }),

    // The id of the one element emptor adds to a listing page (content/view.js): the host of the
    // closed shadow root that holds emptor's frame. It carries nothing about the verdict.
    ROOT_ID: "emptor-root",
  });
})(globalThis);
