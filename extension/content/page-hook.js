/*
 * Runs in the page's own JavaScript world (manifest "world": "MAIN", at document_start) to
 * capture the product data a listing page holds in script variables and feed responses (and,
 * on order, tracking and checkout pages, the order feeds' answers):
 * window.runParams (2019-2024 pages), _init_data_ (2022), and the responses of the 2024+
 * product feeds (docs/sources.md, "AliExpress page generations"). It only reads: every wrapper calls the
 * page's original function and returns its result unchanged, and any failure of ours is
 * swallowed so the page keeps working.
 *
 * Captures are tied to the address they were made on: after the page moves to another listing
 * without a reload, window.runParams still describes the first one, so it is only sent for the
 * address the page was loaded at, and a feed response only for the address it was requested from.
 * Only responses that are JSON (or JSONP) are kept: a failed or unrelated response is not data.
 *
 * Captures go to the extension's content script with window.postMessage. The page world cannot
 * see the extension's globals, so the tag is repeated here; extension/tests/constants.test.js
 * checks it equals EMPTOR.PAGE_MESSAGE_TAG in lib/constants.js. The source names are the ones
 * the service reads (server/marketplaces/aliexpress/__init__.py, BLOB_SOURCES), and this script
 * runs before any page script, with no extension API to ask the service with, so they are
 * written here too; tests/test_extension_contract.py fails when the two lists differ. The page
 * can see these messages and send its own: the service checks that captured data is about the
 * product in the address.
 */
(function () {
  "use strict";

  const TAG = "emptor:page-data";
  // The page variables read, by the source name they are sent under.
  const SCRIPT_VARIABLES = { runParams: "runParams", initData: "_init_data_" };
  // The product feeds captured, by the name of their API (which their addresses contain).
  const FEEDS = [
    "mtop.aliexpress.pdp.pc.query",
    "mtop.aliexpress.itemdetail.pc.asyncPCDetail",
    "mtop.aliexpress.itemdetail.msite",
  ];
  // The order feeds of the order, tracking and refund pages (issue 10), which the service reads
  // at POST /api/v1/orders (server/marketplaces/aliexpress/orders.py, ORDER_FEEDS; the same
  // contract test checks them). They are sent as they arrive, as "order-feed" messages: unlike a
  // listing's data, which is sent once the page has rendered, each answer stands on its own.
  const ORDER_FEEDS = [
    "mtop.aliexpress.trade.buyer.order.list",
    "mtop.aliexpress.trade.buyer.order.detail",
    "mtop.ae.ld.querydetail",
    "mtop.aliexpress.buyer.reverse.queryreverseorderpagelistforbuyer",
  ];
  const JSONP = /^\s*[\w$.]+\s*\(([\s\S]*)\)\s*;?\s*$/;
  const loadedAt = location.pathname;
  const captured = new Map(); // source -> {path, body}: the latest capture of each feed
  let captureMs = 0; // time spent copying page data, reported to the content script

  function post(message) {
    try {
      window.postMessage({ tag: TAG, ...message }, window.location.origin);
    } catch {
      // An uncloneable body: nothing to send.
    }
  }

  /** `path` is the address the request was made from: a response that arrives after the page
   * moved on belongs to the listing that asked for it. */
  function capture(source, body, path) {
    if (ORDER_FEEDS.includes(source)) {
      post({ kind: "order-feed", source, body, path });
      return;
    }
    captured.set(source, { path, body });
    post({ kind: "blob", source, body, path });
  }

  function feedOf(url) {
    const text = String((url && url.href) || (url && url.url) || url || "").toLowerCase();
    return FEEDS.concat(ORDER_FEEDS).find((feed) => text.includes(feed.toLowerCase())) || null;
  }

  function isData(text) {
    if (typeof text !== "string" || !text.trim()) return false;
    try {
      JSON.parse(text);
      return true;
    } catch {
      const match = JSONP.exec(text);
      if (!match) return false;
      try {
        JSON.parse(match[1]);
        return true;
      } catch {
        return false;
      }
    }
  }

  function plain(value) {
    // Drop functions and cycles the page may have added: only JSON data is sent on.
    const start = performance.now();
    const copy = JSON.parse(JSON.stringify(value));
    captureMs += performance.now() - start;
    return copy;
  }

  function scriptVariables() {
    const found = [];
    if (location.pathname !== loadedAt) return found; // they describe the page as first loaded
    try {
      const runParams = window.runParams;
      if (runParams && runParams.data && typeof runParams.data === "object" && Object.keys(runParams.data).length) {
        // Only the product data: runParams also holds the session's csrfToken, which is not sent.
        found.push([SCRIPT_VARIABLES.runParams, { data: plain(runParams.data) }]);
      }
      const initData = window._dida_config_ && window._dida_config_._init_data_;
      if (initData && initData.data) found.push([SCRIPT_VARIABLES.initData, { data: plain(initData.data) }]);
    } catch {
      // A page that changed shape: the DOM is still read.
    }
    return found;
  }

  // fetch()
  const originalFetch = window.fetch;
  if (typeof originalFetch === "function") {
    window.fetch = function (input) {
      const promise = originalFetch.apply(this, arguments);
      try {
        const feed = feedOf(input);
        const path = location.pathname;
        if (feed) {
          promise
            .then((response) => (response.ok ? response.clone().text() : null))
            .then((text) => isData(text) && capture(feed, text, path), () => {});
        }
      } catch {
        // never break the page's request
      }
      return promise;
    };
  }

  // XMLHttpRequest: one listener per request object, reading the address of its latest open()
  // and the page's path at that moment.
  const requestUrls = new WeakMap();
  const originalOpen = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url) {
    try {
      if (!requestUrls.has(this)) {
        this.addEventListener("load", function () {
          try {
            const { url, path } = requestUrls.get(this);
            const feed = feedOf(url);
            if (!feed || this.status < 200 || this.status >= 300) return;
            if (this.responseType === "" || this.responseType === "text") {
              if (isData(this.responseText)) capture(feed, this.responseText, path);
            } else if (this.responseType === "json" && this.response) {
              capture(feed, plain(this.response), path);
            }
          } catch {
            // ignore
          }
        });
      }
      requestUrls.set(this, { url, path: location.pathname });
    } catch {
      // ignore
    }
    return originalOpen.apply(this, arguments);
  };

  // JSONP: <script src=".../mtop.aliexpress.pdp.pc.query/1.0/?...&callback=mtopjsonp3">
  function wrapCallback(name, feed) {
    const existing = window[name];
    const path = location.pathname;
    const wrap = (fn) =>
      function (payload) {
        try {
          capture(feed, plain(payload), path);
        } catch {
          // ignore
        }
        return fn.apply(this, arguments);
      };
    if (typeof existing === "function") {
      window[name] = wrap(existing);
      return;
    }
    let current;
    Object.defineProperty(window, name, {
      configurable: true,
      get: () => current,
      set: (fn) => {
        current = typeof fn === "function" ? wrap(fn) : fn;
      },
    });
  }

  function watchScriptSource(value) {
    try {
      const feed = feedOf(value);
      const callback = feed && /[?&]callback=([\w$]+)/.exec(String(value));
      if (callback) wrapCallback(callback[1], feed);
    } catch {
      // ignore
    }
  }

  const srcDescriptor = Object.getOwnPropertyDescriptor(HTMLScriptElement.prototype, "src");
  if (srcDescriptor && srcDescriptor.set) {
    Object.defineProperty(HTMLScriptElement.prototype, "src", {
      ...srcDescriptor,
      set(value) {
        watchScriptSource(value);
        srcDescriptor.set.call(this, value);
      },
    });
  }
  const originalSetAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLScriptElement && String(name).toLowerCase() === "src") watchScriptSource(value);
    return originalSetAttribute.apply(this, arguments);
  };

  // Navigation without a reload (variant pages, "more like this").
  for (const method of ["pushState", "replaceState"]) {
    const original = history[method];
    history[method] = function () {
      const result = original.apply(this, arguments);
      post({ kind: "navigate" });
      return result;
    };
  }

  // The content script asks for everything captured for the current address when it is ready.
  window.addEventListener("message", (event) => {
    const data = event.data;
    if (event.source !== window || !data || data.tag !== TAG || data.kind !== "request") return;
    const blobs = new Map(scriptVariables());
    for (const [source, entry] of captured) {
      if (entry.path === location.pathname) blobs.set(source, entry.body);
    }
    for (const [source, body] of blobs) post({ kind: "blob", source, body, path: location.pathname, request: data.request });
    post({ kind: "done", request: data.request, captureMs });
  });
}());
