/*
 * Seller message pages (issue 10; docs/extension.md, "Seller message pages"): read the
 * conversation the page shows (each message's sender, text and, when shown, its time; the order
 * it is about, when the page names one), send it to the service worker when it changes
 * (analyzeThread), and, when the worker answers that the MSG rules found something, place
 * emptor's warning page (view/messages.html) over the page in an iframe, inside a closed shadow
 * root, as content/view.js places the listing's frame. The findings go from the worker to that
 * page over its own port: this script never holds them, and nothing of them enters the page.
 *
 * NOT VERIFIED ON A CAPTURE: no public capture of a buyer's message page exists (docs/sources.md,
 * "Seller messages"), so the page's markup is not known. The reader tries a few candidate layouts
 * (LAYOUTS, each saying where it comes from) and reads a thread only when it can tell who sent
 * most of the messages; a message whose sender it cannot tell is left out, never guessed (a
 * buyer's words taken for the seller's would be a false warning). When no layout fits, nothing is
 * sent and nothing is shown. The first capture of a real page should replace the guesses.
 *
 * The first half of this file is pure (it turns what the DOM says into a thread) and is tested
 * with node --test through globalThis.emptorLib.threadReader; the rest needs the page.
 */
(function (root) {
  "use strict";

  const C = globalThis.EMPTOR;
  const T = C.THREAD;

  // --- pure: from what the page's elements say to a thread --------------------------------------

  // Words of a message element's class names and data attributes that say who sent it. Chat UIs
  // mark the shopper's own messages as "self"/"mine"/"right" (drawn on the right) and the other
  // side's as "other"/"left"; AliExpress's own names would say "buyer" and "seller"/"shop"/"store".
  const SENDER_WORDS = {
    buyer: new Set(["self", "mine", "me", "own", "buyer", "right", "outgoing", "sent"]),
    seller: new Set(["other", "others", "seller", "shop", "store", "supplier", "left", "incoming", "received", "peer", "opposite"]),
    system: new Set(["system", "sys", "notice", "notification", "tip", "tips"]),
  };
  // The seller side's IM message JSON (the only one seen, in public code) says who sent a
  // message in typeData.fromType: 11 the buyer, 12 and 13 the shop.
  const FROM_TYPE = { 11: "buyer", 12: "seller", 13: "seller" };

  // A CSS module's generated suffix, the third part of "title--wrap--NWOaiSp": random letters,
  // which could spell "Left" or "Me" by chance, so they are not read.
  const MODULE_HASH = /(--[^-\s][^\s]*?)--[A-Za-z0-9_]{5,}$/;

  /** The words of class names and attribute values: "message-item--self--3xQ9aLp" and "isSelf"
   * both give "self". */
  function words(text) {
    return String(text || "")
      .split(/\s+/)
      .map((name) => name.replace(MODULE_HASH, "$1"))
      .join(" ")
      .replace(/([a-z])([A-Z])/g, "$1 $2")
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean);
  }

  /** "buyer", "seller", "system" or null from a message element's hints: {fromType, hints: [class
   * names and data attribute values]}. A system word wins (a platform notice may sit on either
   * side); both a buyer and a seller word is no answer. */
  function senderOf({ fromType = null, hints = [] } = {}) {
    if (fromType !== null && fromType !== undefined && String(fromType).trim() !== "") {
      return FROM_TYPE[String(fromType).trim()] || null;
    }
    // Every message of a side has the same class names: each set is worked out once.
    const key = hints.join("\u0000");
    if (!senders.has(key)) {
      if (senders.size >= SENDERS_KEPT) senders.clear();
      senders.set(key, senderFromWords(hints));
    }
    return senders.get(key);
  }

  const senders = new Map(); // class names and attributes -> sender
  const SENDERS_KEPT = 500;

  function senderFromWords(hints) {
    const found = new Set();
    for (const word of hints.flatMap(words)) {
      for (const [sender, list] of Object.entries(SENDER_WORDS)) if (list.has(word)) found.add(sender);
    }
    if (found.has("system")) return "system";
    if (found.size === 1) return [...found][0];
    return null;
  }

  const pad = (number) => String(number).padStart(2, "0");

  function validParts(year, month, day, hour, minute, second) {
    const date = new Date(Date.UTC(year, month - 1, day));
    return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  }

  const WRITTEN_TIME = /(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?/;
  const ZONED = /(?:Z|[+-]\d{2}:?\d{2})$/i;

  /** The time a message was sent, as ISO 8601, from its time element: {attribute} (a datetime or
   * data-time attribute: ISO, or epoch seconds or milliseconds) or {text} (written
   * "2024-05-02 10:32", "2024/5/2"). A time without a zone stays in the page's own clock. Only a
   * date with its year is read: "10:32", "Yesterday" and "May 2" are left out (null), not
   * guessed. */
  function sentAtOf({ attribute = null, text = null } = {}) {
    const given = typeof attribute === "string" ? attribute.trim() : "";
    if (/^\d{10}$|^\d{13}$/.test(given)) {
      const date = new Date(given.length === 10 ? Number(given) * 1000 : Number(given));
      return Number.isNaN(date.getTime()) ? null : date.toISOString();
    }
    if (given && ZONED.test(given) && WRITTEN_TIME.test(given)) {
      const date = new Date(given);
      return Number.isNaN(date.getTime()) ? null : date.toISOString();
    }
    for (const candidate of [given, typeof text === "string" ? text : ""]) {
      const match = WRITTEN_TIME.exec(candidate);
      if (!match) continue;
      const [year, month, day] = match.slice(1, 4).map(Number);
      const [hour, minute, second] = match.slice(4, 7).map((part) => (part === undefined ? 0 : Number(part)));
      if (!validParts(year, month, day, hour, minute, second)) continue;
      const dayText = `${year}-${pad(month)}-${pad(day)}`;
      return match[4] === undefined ? dayText : `${dayText}T${pad(hour)}:${pad(minute)}:${pad(second)}`;
    }
    return null;
  }

  function cleanText(text) {
    return String(text || "")
      .replace(/\u00a0/g, " ")
      .replace(/[ \t\f\v]+/g, " ")
      .replace(/\s*\n\s*/g, "\n")
      .trim();
  }

  /** A thread from the message elements of one layout, in page order: [{fromType, hints, text,
   * time: {attribute, text}}]. {messages} when the layout fits (it tells the sender of at least
   * half the elements, and one of them is the seller's), else null. Elements whose sender it
   * cannot tell, and empty ones, are left out. Past the service's limits, the newest messages
   * are kept (each cut to MAX_TEXT_CHARS): what the seller asks last matters most. */
  function messageOf(item) {
    const sender = senderOf(item);
    const text = cleanText(item.text);
    if (!sender || !text) return null;
    const sentAt = item.time ? sentAtOf(item.time) : null;
    const message = { sender, text: text.slice(0, T.MAX_TEXT_CHARS) };
    if (sentAt) message.sent_at = sentAt;
    return message;
  }

  // item -> its message: the page half hands the same (unchanged) item for an unchanged element.
  const messages = new WeakMap();

  function threadFrom(items) {
    const known = [];
    for (const item of items) {
      if (!messages.has(item)) messages.set(item, messageOf(item));
      const message = messages.get(item);
      if (message) known.push(message);
    }
    if (!items.length || known.length * 2 < items.length || !known.some((message) => message.sender === "seller")) return null;
    const kept = [];
    let characters = 0;
    for (let index = known.length - 1; index >= 0 && kept.length < T.MAX_MESSAGES; index--) {
      characters += known[index].text.length;
      if (characters > T.MAX_THREAD_CHARS) break;
      kept.push(known[index]);
    }
    return { messages: kept.reverse() };
  }

  const ORDER_PARAMETERS = ["orderId", "orderid", "order_id", "bizOrderId"];

  function orderIdIn(address) {
    let url;
    try {
      url = new URL(address);
    } catch {
      return null;
    }
    for (const name of ORDER_PARAMETERS) {
      const value = url.searchParams.get(name);
      if (value && T.ORDER_ID.test(value)) return value;
    }
    return null;
  }

  /** The order the conversation is about: the address's orderId (the message centre opened from
   * an order: /p/message/index.html?fromCode=order&orderId=...), else the one order the page's
   * links name (an order card in the conversation); null when none, or several. */
  function orderIdFrom(pageUrl, linkUrls = []) {
    const own = orderIdIn(pageUrl);
    if (own) return own;
    const named = new Set(linkUrls.map(orderIdIn).filter(Boolean));
    return named.size === 1 ? [...named][0] : null;
  }

  root.emptorLib = Object.assign(root.emptorLib || {}, {
    threadReader: Object.freeze({ senderOf, sentAtOf, threadFrom, orderIdFrom, words }),
  });

  // --- the page ------------------------------------------------------------------------------

  const content = root.emptorContent;
  if (!content) return; // not a top-level HTML document (content/timings.js decides)

  // Candidate layouts, tried in order; the first that fits is read. None is verified on a capture
  // (see the top of this file). `item` finds the message elements (the outermost match: a layout's
  // name also matches the message's own parts). Inside one, for every layout: TEXT_SELECTOR finds
  // the message's words, TIME_SELECTOR its time, and SKIP_SELECTOR the parts that are not its
  // words (a name, an avatar, a read mark) when the text is taken from the whole element.
  const LAYOUTS = [
    {
      // Markup that keeps the IM message's own sender code, as the seller side's message JSON
      // has it (typeData.fromType), in a data attribute.
      name: "from-type",
      item: "[data-from-type], [data-fromtype]",
    },
    {
      // The message centre, www.aliexpress.com/p/message/ (2022+): a client-rendered app like
      // the site's 2024+ listing pages, whose class names are CSS modules ("title--wrap--NWOaiSp",
      // tests/fixtures/SOURCES.md), so only the stable start of a name is matched.
      name: "message-centre",
      item: '[class*="message-item"], [class*="messageItem"], [class*="msg-item--"], [class*="chat-item"]',
    },
    {
      // The legacy conversation page, msg.aliexpress.com/msgDetail.htm (the "contact seller"
      // link of the order pages): server-rendered with plain class names, like the legacy order
      // pages' ("msg-item" in its conversation list, per public scrapers' code).
      name: "legacy",
      item: ".msg-detail .msg, .msg-detail li, .message-list > li, .msg-list > li, .chat-list > li",
    },
    {
      // Any chat that marks its log for assistive technology (WAI-ARIA role "log").
      name: "aria-log",
      item: '[role="log"] [role="listitem"], [role="log"] > li, [role="log"] > div',
    },
  ];
  const TEXT_SELECTOR = '[class*="content"], [class*="text"], [class*="bubble"], [class*="body"]';
  const TIME_SELECTOR = 'time, [data-time], [data-timestamp], [class*="time"], [class*="date"]';
  const SKIP_SELECTOR = '[class*="avatar"], [class*="name"], [class*="status"], [class*="read"], button';
  const HINT_ATTRIBUTES = ["data-sender", "data-from", "data-role", "data-side", "data-direction", "data-type"];

  function hintsOf(element) {
    const hints = [element.getAttribute("class") || ""];
    for (const name of HINT_ATTRIBUTES) if (element.hasAttribute(name)) hints.push(element.getAttribute(name));
    return hints;
  }

  /** Whether the shopper can see `element`: a message hidden from the shopper is no message of
   * theirs (a page could hide words to be read). */
  function visible(element) {
    if (typeof element.checkVisibility === "function") {
      return element.checkVisibility({ opacityProperty: true, visibilityProperty: true });
    }
    return element.getClientRects().length > 0;
  }

  function outermost(elements) {
    const set = new Set(elements);
    return elements.filter((element) => {
      for (let parent = element.parentElement; parent; parent = parent.parentElement) if (set.has(parent)) return false;
      return true;
    });
  }

  function timeOf(element) {
    const node = element.querySelector(TIME_SELECTOR);
    if (!node) return null;
    const attribute = node.getAttribute("datetime") || node.getAttribute("data-time") || node.getAttribute("data-timestamp");
    return { node, attribute, text: node.textContent };
  }

  // Each message element's reading, kept until a change inside it (the observer below) or to its
  // class names: a thread of 2,000 messages took 30-70 ms to read afresh and 6-16 ms with the
  // readings kept (docs/extension.md, "Seller message pages"), so a new message costs little more
  // than its own reading.
  const readings = new WeakMap(); // element -> {classes, item}

  function forgetReadings(records) {
    for (const record of records) {
      for (let node = record.target; node; node = node.parentNode) readings.delete(node);
    }
  }

  function cachedItemOf(element) {
    const classes = element.getAttribute("class");
    const kept = readings.get(element);
    if (kept && kept.classes === classes) return kept.item;
    const item = itemOf(element);
    readings.set(element, { classes, item });
    return item;
  }

  /** What one message element says, for threadFrom. */
  function itemOf(element) {
    const fromType = element.getAttribute("data-from-type") ?? element.getAttribute("data-fromtype");
    let hints = hintsOf(element);
    // The side may be marked on the message's bubble or row rather than on the element itself.
    if (senderOf({ hints }) === null) hints = [...hints, ...[...element.children].flatMap(hintsOf)];
    const time = timeOf(element);
    const textNode = [...element.querySelectorAll(TEXT_SELECTOR)].find((node) => !(time && (node === time.node || node.contains(time.node))) && node.textContent.trim());
    let text;
    if (textNode) {
      text = textNode.textContent;
    } else {
      // No element for the words: the element's text without its time, name and the like.
      const parts = [time && time.node, ...element.querySelectorAll(SKIP_SELECTOR)].filter(Boolean);
      text = element.textContent;
      for (const part of parts) text = text.replace(part.textContent, "");
    }
    return { fromType, hints, text, time: time && { attribute: time.attribute, text: time.text } };
  }

  /** The thread the page shows, from the first layout that fits, or null. */
  function readThread() {
    for (const layout of LAYOUTS) {
      const elements = outermost([...document.querySelectorAll(layout.item)]).filter(visible);
      if (!elements.length) continue;
      const thread = threadFrom(elements.map(cachedItemOf));
      if (thread) return thread;
    }
    return null;
  }

  function readOrderId() {
    const links = [...document.querySelectorAll('a[href*="rderId="], a[href*="order_id="]')].map((link) => link.href);
    return orderIdFrom(location.href, links);
  }

  // --- the warning -----------------------------------------------------------------------------

  let ui = null; // {host, frame}
  let sentKey = null; // the thread (and order) last sent
  let requestId = 0;
  let sends = 0; // threads sent (for the tests)
  let shownKey = null; // the worker's key of the warning shown, or closed by the shopper
  let closedKey = null;

  function showWarning(key) {
    shownKey = key;
    if (key === closedKey) return; // the shopper closed this very warning
    if (ui) return;
    const host = document.createElement("div");
    host.id = C.ROOT_ID;
    // Fixed over the page's top right corner, so the page's own layout never moves.
    host.style.cssText = "all: initial; display: block; position: fixed; z-index: 2147483000; top: 16px; right: 16px;";
    // Closed: a page script gets null from host.shadowRoot (content/view.js says why it matters).
    const shadow = host.attachShadow({ mode: "closed" });
    const frame = document.createElement("iframe");
    frame.title = "emptor";
    frame.style.cssText = `all: initial; display: block; border: 0; margin: 0; padding: 0; background: transparent; width: ${T.SIZE.width}px; height: ${T.SIZE.height}px;`;
    // With use_dynamic_url (manifest.json), the address names a per-session id, not emptor's.
    frame.src = chrome.runtime.getURL(T.VIEW);
    shadow.append(frame);
    document.documentElement.appendChild(host);
    ui = { host, frame };
  }

  function hideWarning() {
    if (ui) ui.host.remove();
    ui = null;
  }

  async function send(thread, orderId, key) {
    sends++;
    const id = ++requestId;
    let answer;
    try {
      answer = await chrome.runtime.sendMessage({ type: C.MESSAGE.ANALYZE_THREAD, requestId: id, thread, orderId });
    } catch {
      answer = null; // the extension was reloaded or removed
    }
    if (id !== requestId) return; // a newer thread was sent meanwhile
    if (!answer || !answer.ok) {
      // Not judged (the service is down, say): nothing is shown, and the next change tries again.
      if (sentKey === key) sentKey = null;
      hideWarning();
      return;
    }
    if (answer.show) showWarning(answer.key);
    else hideWarning();
  }

  /** Read the thread and send it if it changed; resolves once the answer is handled. */
  function check() {
    const thread = readThread();
    if (!thread) {
      // No thread to judge (another page of the app, a layout not read): nothing shown.
      sentKey = null;
      requestId++; // an answer still coming is for a thread no longer shown
      hideWarning();
      return Promise.resolve();
    }
    const orderId = readOrderId();
    const key = JSON.stringify([orderId, thread.messages]);
    if (key === sentKey) return inFlight;
    sentKey = key;
    inFlight = send(thread, orderId, key);
    return inFlight;
  }

  // New messages arrive without a reload, and a single-page app moves between conversations: the
  // thread is read again once the page has been still for SETTLE_MS after a change, and at the
  // latest MAX_SETTLE_MS after the first change (a page that never stops changing, a "typing…"
  // animation, is still read).
  let timer = null;
  let firstChange = null; // when the first change not yet read happened
  let inFlight = Promise.resolve(); // the latest send
  // Resolves once the latest change has been read and its answer handled (for the tests).
  let settled = Promise.resolve();
  let settle = null;
  const observer = new MutationObserver((records) => {
    forgetReadings(records);
    clearTimeout(timer);
    if (!settle) settled = new Promise((resolve) => (settle = resolve));
    const now = performance.now();
    if (firstChange === null) firstChange = now;
    timer = setTimeout(() => {
      const done = settle;
      settle = null;
      firstChange = null;
      check().then(done, done);
    }, Math.max(0, Math.min(T.SETTLE_MS, firstChange + T.MAX_SETTLE_MS - now)));
  });
  observer.observe(document.body || document.documentElement, { childList: true, subtree: true, characterData: true });

  chrome.runtime.onMessage.addListener((message) => {
    if (!message) return false;
    if (message.type === C.MESSAGE.CLOSE_THREAD_WARNING) {
      // The shopper closed the warning in emptor's page (which only the worker can hear): it stays
      // closed until the worker finds something else.
      closedKey = shownKey;
      hideWarning();
      return false;
    }
    if (message.type === C.MESSAGE.HIDE_FRAME && typeof message.hidden === "boolean" && ui) {
      // A screenshot for evidence shows the page alone. Hidden at once, in the same task as
      // content/account.js's own handler runs, which answers the worker once the page is painted
      // (with its personal data blurred): answering here too could let the screenshot be taken
      // before that blur.
      ui.host.style.visibility = message.hidden ? "hidden" : "";
      return false;
    }
    return false;
  });

  // A page restored from the back-forward cache: the worker forgot its tab's warning when the tab
  // moved on (and may hold another page's), so the thread is sent again.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    sentKey = null;
    check();
  });

  // For the browser tests (tests/browser/test_messages_page.py), in this isolated world only.
  content.messages = {
    readThread,
    readOrderId,
    settled: async () => {
      await settled;
      return { shown: Boolean(ui), sent: sends };
    },
  };

  settled = check();
})(globalThis);
