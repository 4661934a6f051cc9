/*
 * Runs in the page's own JavaScript world (manifest "world": "MAIN", at document_start) to
 * capture the product data a listing page holds in script variables and feed responses:
 * window.runParams (2019-2024 pages), _init_data_ (2022), and the responses of the 2024+
 * product feeds (research/ALIEXPRESS_ANATOMY.md §0.6). It only reads: every wrapper calls the
 * page's original function and returns its result unchanged, and any failure of ours is
 * swallowed so the page keeps working.
 *
 * Captures go to the extension's content script with window.postMessage. The page world cannot
 * see the extension's globals, so the tag is repeated here; tests/constants.test.js checks it
 * equals EMPTOR.PAGE_MESSAGE_TAG in lib/constants.js.
 */
(function () {
  "use strict";

  const TAG = "emptor:page-data";
  const FEEDS = [
    "mtop.aliexpress.pdp.pc.query",
    "mtop.aliexpress.itemdetail.pc.asyncPCDetail",
    "mtop.aliexpress.itemdetail.msite",
  ];
  const captured = new Map(); // source -> body (the latest capture of each)

  function post(message) {
    try {
      window.postMessage({ tag: TAG, ...message }, window.location.origin);
    } catch {
      // An uncloneable body: nothing to send.
    }
  }

  function capture(source, body) {
    captured.set(source, body);
    post({ kind: "blob", source, body });
  }

  function feedOf(url) {
    const text = String(url || "").toLowerCase();
    return FEEDS.find((feed) => text.includes(feed.toLowerCase())) || null;
  }

  function plain(value) {
    // Drop functions and cycles the page may have added: only JSON data is sent on.
    return JSON.parse(JSON.stringify(value));
  }

  function captureScriptVariables() {
    const start = performance.now();
    try {
      const runParams = window.runParams;
      if (runParams && runParams.data && typeof runParams.data === "object" && Object.keys(runParams.data).length) {
        // Only the product data: runParams also holds the session's csrfToken, which is not sent.
        capture("runParams", { data: plain(runParams.data) });
      }
      const initData = window._dida_config_ && window._dida_config_._init_data_;
      if (initData && initData.data) capture("_init_data_", { data: plain(initData.data) });
    } catch {
      // A page that changed shape: the DOM is still read.
    }
    performance.measure("emptor:capture", { start });
  }

  // fetch()
  const originalFetch = window.fetch;
  if (typeof originalFetch === "function") {
    window.fetch = function (input) {
      const promise = originalFetch.apply(this, arguments);
      try {
        const feed = feedOf(typeof input === "string" ? input : input && input.url);
        if (feed) {
          promise.then((response) => response.clone().text()).then((text) => capture(feed, text), () => {});
        }
      } catch {
        // never break the page's request
      }
      return promise;
    };
  }

  // XMLHttpRequest
  const originalOpen = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url) {
    try {
      const feed = feedOf(url);
      if (feed) {
        this.addEventListener("load", () => {
          try {
            if (this.responseType === "" || this.responseType === "text") capture(feed, this.responseText);
            else if (this.responseType === "json") capture(feed, plain(this.response));
          } catch {
            // ignore
          }
        });
      }
    } catch {
      // ignore
    }
    return originalOpen.apply(this, arguments);
  };

  // JSONP: <script src=".../mtop.aliexpress.pdp.pc.query/1.0/?...&callback=mtopjsonp3">
  function wrapCallback(name, feed) {
    const existing = window[name];
    const wrap = (fn) =>
      function (payload) {
        try {
          capture(feed, plain(payload));
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

  const srcDescriptor = Object.getOwnPropertyDescriptor(HTMLScriptElement.prototype, "src");
  if (srcDescriptor && srcDescriptor.set) {
    Object.defineProperty(HTMLScriptElement.prototype, "src", {
      ...srcDescriptor,
      set(value) {
        try {
          const feed = feedOf(value);
          const callback = feed && /[?&]callback=([\w$]+)/.exec(String(value));
          if (callback) wrapCallback(callback[1], feed);
        } catch {
          // ignore
        }
        srcDescriptor.set.call(this, value);
      },
    });
  }

  // Navigation without a reload (variant pages, "more like this").
  for (const method of ["pushState", "replaceState"]) {
    const original = history[method];
    history[method] = function () {
      const result = original.apply(this, arguments);
      post({ kind: "navigate" });
      return result;
    };
  }

  // The content script asks for everything captured so far when it is ready.
  window.addEventListener("message", (event) => {
    if (event.source !== window || !event.data || event.data.tag !== TAG || event.data.kind !== "request") return;
    captureScriptVariables();
    for (const [source, body] of captured) post({ kind: "blob", source, body });
    post({ kind: "done" });
  });

  document.addEventListener("DOMContentLoaded", captureScriptVariables, { once: true });
})();
