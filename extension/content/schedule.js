/*
 * When the content script asks for a verdict, and what it does with the answer. The last of the
 * content script's files (isolated world, document_idle) and the one that starts the others:
 *
 * 1. Wait (bounded) until the page has rendered its product, or its data was captured.
 * 2. Send the service worker the rendered page and the captured data (capture.js).
 * 3. Show the answer as a badge and panel (view.js places emptor's frame, and the service worker
 *    hands the frame what to show); show it again when the worker sends the review results for it.
 * 4. Analyse again when the shopper switches variant, or the page moves to another listing
 *    without a reload; a newer analysis makes every older one's answer stale.
 */
(function (root) {
  "use strict";

  const content = root.emptorContent;
  if (!content) return; // not a top-level HTML document (content/timings.js decides)

  const C = globalThis.EMPTOR;
  const { capture, view } = content;

  // Request ids start at a random number in every document, so that an answer addressed to the
  // previous page shown in this tab can never match one of this page's requests.
  // The address this document was loaded at. A page script can change location with
  // history.pushState, but not the navigation entry this isolated world reads: only an
  // analysis of the product at this address may be recorded (service-worker.js).
  const navigation = performance.getEntriesByType("navigation")[0];
  const LOADED_AT = { url: (navigation && navigation.name) || location.href, load: performance.timeOrigin };

  const current = {
    path: location.pathname,
    url: location.href,
    sku: null,
    requestId: Math.floor(Math.random() * 2 ** 30),
    status: null, // the page status of the answer on screen
    judgedAgainOnData: false, // once per listing: see judgeAgainIfDataCame below
    arrivalsSent: 0, // how many captures had arrived when the analysis on screen was asked for
  };

  // --- waiting for the product --------------------------------------------------------------

  function titleText() {
    const title = document.querySelector(C.PRODUCT_PAGE.TITLE_SELECTORS.join(", "));
    return title ? title.textContent.trim() : null;
  }

  function productRendered() {
    const signs = [...C.PRODUCT_PAGE.TITLE_SELECTORS, ...C.PRODUCT_PAGE.FINAL_SELECTORS];
    return signs.some((selector) => document.querySelector(selector));
  }

  /** Until the product is on the page: rendered in the DOM, or its data captured (a raw 2019-2023
   * page holds it in window.runParams; a 2024+ page fetches it). Bounded by RENDER_WAIT_MS.
   * After a move to another listing without a reload, the old title does not count: the page
   * has rendered the new product when its title changes. */
  async function waitForProduct({ notTitle } = {}) {
    const ready = () => productRendered() && (notTitle === undefined || titleText() !== notTitle);
    await capture.collect();
    if (ready() || capture.hasData()) return;
    await new Promise((resolve) => {
      // Checked at most every 100 ms, not on every one of a rendering page's many mutations.
      let scheduled = false;
      const observer = new MutationObserver(() => {
        if (scheduled) return;
        scheduled = true;
        setTimeout(() => {
          scheduled = false;
          if (ready()) done();
        }, 100);
      });
      const timer = setTimeout(done, C.RENDER_WAIT_MS);
      function done() {
        observer.disconnect();
        clearTimeout(timer);
        capture.offData(done);
        resolve();
      }
      capture.onData(done);
      observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    });
  }

  // --- asking, and showing the answer ---------------------------------------------------------

  async function analyze() {
    const requestId = ++current.requestId;
    current.url = location.href;
    current.sku = capture.selectedSkuId();
    view.render({ kind: "loading" });
    const data = await capture.collect();
    const arrivals = capture.arrivals(); // the hook answers with every capture before it says it is done
    const html = await capture.serializePage();
    if (requestId !== current.requestId) return; // a newer analysis started meanwhile
    const request = {
      type: C.MESSAGE.ANALYZE_PAGE,
      requestId,
      url: location.href,
      html,
      data,
      selectedSkuId: current.sku,
      loadedUrl: LOADED_AT.url,
      loadId: LOADED_AT.load,
    };
    let answer;
    try {
      answer = await chrome.runtime.sendMessage(request);
    } catch (error) {
      answer = { ok: false, state: "error", message: `The extension could not reach its service worker (${error.message}).` };
    }
    if (requestId === current.requestId) {
      current.arrivalsSent = arrivals;
      show(answer);
      judgeAgainIfDataCame();
    }
  }

  function show(answer) {
    if (!answer || !answer.ok) {
      current.status = null;
      const kind = answer && C.FAILURE_STATES.includes(answer.state) ? answer.state : "error";
      view.render({ kind, message: answer && answer.message });
      return;
    }
    current.status = answer.report.page.status;
    view.render({ kind: "report", report: answer.report, service: answer.service });
  }

  chrome.runtime.onMessage.addListener((message) => {
    // Review results for the analysis on screen; an update for an older one is stale.
    if (message && message.type === C.MESSAGE.REPORT_UPDATED && message.requestId === current.requestId && message.answer && message.answer.ok) {
      show(message.answer);
    }
  });

  // --- analysing again: one debounced schedule for every reason -------------------------------

  let scheduled = null;

  function schedule(delayMs) {
    clearTimeout(scheduled);
    current.requestId++; // whatever was in flight is now stale
    scheduled = setTimeout(analyze, delayMs);
  }

  document.addEventListener(
    "click",
    (event) => {
      if (event.target instanceof Element && event.target.closest(C.PRODUCT_PAGE.VARIANT_SELECTORS)) schedule(C.VARIANT_SETTLE_MS);
    },
    true,
  );

  // A page that had not loaded its product data when it was judged (a slow 2024+ page whose feed
  // arrives after RENDER_WAIT_MS) is judged again when the data arrives, whether it arrives after
  // the answer or while the answer was on its way: once per listing, so a page script posting
  // "data" again and again cannot keep the service busy.
  function judgeAgainIfDataCame() {
    const came = capture.arrivals() > current.arrivalsSent;
    if (current.status === "no_data" && came && !current.judgedAgainOnData) {
      current.judgedAgainOnData = true;
      schedule(0);
    }
  }

  capture.onData(judgeAgainIfDataCame);

  function onAddressChange() {
    if (location.href === current.url) return;
    if (location.pathname !== current.path) {
      // Another listing: what was captured belongs to the previous one.
      current.path = location.pathname;
      current.url = location.href;
      current.status = null;
      current.judgedAgainOnData = false;
      const previousTitle = titleText();
      capture.forget();
      clearTimeout(scheduled);
      current.requestId++;
      const navigation = current.requestId;
      view.render({ kind: "loading" });
      waitForProduct({ notTitle: previousTitle }).then(() => {
        if (navigation === current.requestId) schedule(0); // unless something newer took over
      });
      return;
    }
    if (capture.selectedSkuId() !== current.sku) {
      current.url = location.href;
      schedule(C.VARIANT_SETTLE_MS);
    }
  }

  capture.onNavigate(onAddressChange);
  window.addEventListener("popstate", () => setTimeout(onAddressChange, 0));

  // --- start ---------------------------------------------------------------------------------

  Promise.all([content.timings.ready, waitForProduct()]).then(analyze);
})(globalThis);
