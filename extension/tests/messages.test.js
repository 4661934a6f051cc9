import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import "../lib/constants.js";
import "../content/messages.js";
import { isMessagePage, orderContext, threadRequest, warningFrom } from "../background/messages.js";

const C = globalThis.EMPTOR;
const T = C.THREAD;
const { senderOf, sentAtOf, threadFrom, orderIdFrom } = globalThis.emptorLib.threadReader;

// --- reading the page (content/messages.js, its pure half) -------------------------------------

test("the sender is told from the message element's class names and attributes", () => {
  assert.equal(senderOf({ hints: ["message-item--wrap--A1b2C3d message-item--self--B2c3D4e"] }), "buyer");
  assert.equal(senderOf({ hints: ["message-item--wrap--A1b2C3d message-item--other--E5f6G7h"] }), "seller");
  assert.equal(senderOf({ hints: ["msg msg-right"] }), "buyer");
  assert.equal(senderOf({ hints: ["msg msg-left"] }), "seller");
  assert.equal(senderOf({ hints: ["bubble isSelf"] }), "buyer");
  assert.equal(senderOf({ hints: ["msg", "seller"] }), "seller"); // a data-sender attribute
  assert.equal(senderOf({ hints: ["msg msg-system msg-left"] }), "system"); // a notice may sit on either side
  // The seller side's IM JSON code, when the markup keeps it: 11 the buyer, 12 and 13 the shop.
  assert.equal(senderOf({ fromType: "11", hints: ["msg-left"] }), "buyer");
  assert.equal(senderOf({ fromType: "13" }), "seller");
  assert.equal(senderOf({ fromType: "99", hints: ["msg-left"] }), null);
});

test("a sender that cannot be told is no answer, never a guess", () => {
  assert.equal(senderOf({ hints: ["msg-item"] }), null); // a conversation list's item
  assert.equal(senderOf({ hints: ["msg msg-left msg-right"] }), null); // both sides
  assert.equal(senderOf({ hints: [] }), null);
  // A CSS module's random suffix that happens to spell a side is not read as one.
  assert.equal(senderOf({ hints: ["message-item--wrap--qLeftX1"] }), null);
  assert.equal(senderOf({ hints: ["message-item--wrap--xMeB2"] }), null);
  // "message" holds "me", "item" nothing: words are whole.
  assert.equal(senderOf({ hints: ["message-item"] }), null);
});

test("a time is read only when the page gives its date, and never guessed", () => {
  assert.equal(sentAtOf({ text: "2026-11-28 10:05" }), "2026-11-28T10:05:00");
  assert.equal(sentAtOf({ text: "2026/11/28 9:05:07" }), "2026-11-28T09:05:07");
  assert.equal(sentAtOf({ text: "2026-11-28" }), "2026-11-28");
  assert.equal(sentAtOf({ attribute: "2026-11-28T10:05:00+08:00" }), "2026-11-28T02:05:00.000Z");
  assert.equal(sentAtOf({ attribute: "1764324300000" }), "2025-11-28T10:05:00.000Z"); // epoch milliseconds
  assert.equal(sentAtOf({ attribute: "1764324300" }), "2025-11-28T10:05:00.000Z"); // epoch seconds
  for (const text of ["10:07", "Yesterday 10:07", "May 2", "2026-13-01", "2026-02-30 10:00", "2026-11-28 25:00", ""]) {
    assert.equal(sentAtOf({ text }), null, text);
  }
  assert.equal(sentAtOf({ attribute: "not a time", text: "2026-11-28 10:05" }), "2026-11-28T10:05:00");
  assert.equal(sentAtOf({}), null);
});

const RISKY_ITEMS = [
  { hints: ["message-item--self--B2c3D4e"], text: "Hello, my order has not arrived yet.", time: { text: "2026-11-28 09:12" } },
  { hints: ["message-item--other--E5f6G7h"], text: "  Please confirm receipt now\u00a0and we will resend.\n\n ", time: { text: "2026-11-28 10:05" } },
  { hints: ["message-item--system--F6g7H8i"], text: "Reminder: confirm receipt only after you have received your item." },
  { hints: ["message-item--self--B2c3D4e"], text: "I will wait.", time: { text: "10:07" } },
];

test("a thread is read in page order, with what each message shows", () => {
  assert.deepEqual(threadFrom(RISKY_ITEMS), {
    messages: [
      { sender: "buyer", text: "Hello, my order has not arrived yet.", sent_at: "2026-11-28T09:12:00" },
      { sender: "seller", text: "Please confirm receipt now and we will resend.", sent_at: "2026-11-28T10:05:00" },
      { sender: "system", text: "Reminder: confirm receipt only after you have received your item." },
      { sender: "buyer", text: "I will wait." },
    ],
  });
});

test("a layout that does not fit reads no thread: nothing is sent, nothing shown", () => {
  assert.equal(threadFrom([]), null);
  // A conversation list: no item says who wrote it.
  assert.equal(threadFrom([{ hints: ["msg-item"], text: "Please confirm receipt now" }, { hints: ["msg-item"], text: "Hello" }]), null);
  // Fewer than half the messages told apart: the layout is not this page's.
  const mostlyUnknown = [RISKY_ITEMS[1], { hints: ["x"], text: "a" }, { hints: ["y"], text: "b" }];
  assert.equal(threadFrom(mostlyUnknown), null);
  // No seller message: no MSG rule can fire, so nothing is asked.
  assert.equal(threadFrom([RISKY_ITEMS[0], RISKY_ITEMS[3]]), null);
  // Unknown and empty elements are left out of a thread that fits.
  const withNoise = [...RISKY_ITEMS, { hints: ["x"], text: "?" }, { hints: ["msg-left"], text: "   " }];
  assert.equal(threadFrom(withNoise).messages.length, 4);
});

test("past the service's limits, the newest messages are kept and each is cut", () => {
  const many = Array.from({ length: T.MAX_MESSAGES + 5 }, (_, index) => ({ hints: ["msg-left"], text: `message ${index}` }));
  const read = threadFrom(many).messages;
  assert.equal(read.length, T.MAX_MESSAGES);
  assert.equal(read.at(-1).text, `message ${T.MAX_MESSAGES + 4}`);
  assert.equal(read[0].text, "message 5");
  const long = threadFrom([{ hints: ["msg-left"], text: "x".repeat(T.MAX_TEXT_CHARS + 10) }]).messages;
  assert.equal(long[0].text.length, T.MAX_TEXT_CHARS);
  // The whole thread stays under MAX_THREAD_CHARS, newest first.
  const big = Array.from({ length: 300 }, () => ({ hints: ["msg-left"], text: "y".repeat(T.MAX_TEXT_CHARS) }));
  const kept = threadFrom(big).messages;
  assert.ok(kept.reduce((sum, message) => sum + message.text.length, 0) <= T.MAX_THREAD_CHARS);
  assert.equal(kept.length, Math.floor(T.MAX_THREAD_CHARS / T.MAX_TEXT_CHARS));
  // What the reader sends, the worker accepts.
  assert.equal(threadRequest({ requestId: 1, thread: threadFrom(big), orderId: null }).ok, true);
});

test("the order is the address's, else the one order the page links to", () => {
  const page = "https://www.aliexpress.com/p/message/index.html?fromCode=order&orderId=8212313961591399&bizContext=orderDetail";
  assert.equal(orderIdFrom(page, []), "8212313961591399");
  const detail = (id) => `https://www.aliexpress.com/p/order/detail.html?orderId=${id}`;
  assert.equal(orderIdFrom("https://msg.aliexpress.com/msgDetail.htm?digest=ab12", [detail("8212313961591399")]), "8212313961591399");
  assert.equal(orderIdFrom("https://msg.aliexpress.com/msgDetail.htm", [detail("8212313961591399"), detail("8212313961591322")]), null);
  assert.equal(orderIdFrom("https://msg.aliexpress.com/msgDetail.htm?orderId=abc", [detail("12")]), null);
  assert.equal(orderIdFrom("not an address", ["also not"]), null);
});

// --- the worker's checks (background/messages.js) ----------------------------------------------

const GOOD = {
  type: C.MESSAGE.ANALYZE_THREAD,
  requestId: 3,
  orderId: "8212313961591399",
  thread: { messages: [{ sender: "seller", text: "Please confirm receipt", sent_at: "2026-11-28T10:05:00" }, { sender: "buyer", text: "No." }] },
};

test("a well-formed thread becomes the service's request body", () => {
  assert.deepEqual(threadRequest(GOOD), {
    ok: true,
    orderId: "8212313961591399",
    body: { messages: [{ sender: "seller", text: "Please confirm receipt", sent_at: "2026-11-28T10:05:00" }, { sender: "buyer", text: "No." }] },
  });
  assert.equal(threadRequest({ ...GOOD, orderId: null }).orderId, null);
  for (const sentAt of ["2026-11-28", "2026-11-28T10:05", "2026-11-28T02:05:00.000Z", null]) {
    assert.equal(threadRequest({ ...GOOD, thread: { messages: [{ sender: "seller", text: "x", sent_at: sentAt }] } }).ok, true, sentAt);
  }
});

test("anything else is refused, naming what is wrong", () => {
  const message = (changes) => ({ ...GOOD, thread: { messages: [{ ...GOOD.thread.messages[0], ...changes }] } });
  const cases = {
    "no requestId": [{ ...GOOD, requestId: undefined }, "requestId"],
    "a thread that is not an object": [{ ...GOOD, thread: [] }, "thread"],
    "an extra field in the thread": [{ ...GOOD, thread: { ...GOOD.thread, order: { status: "completed" } } }, "thread"],
    "no messages": [{ ...GOOD, thread: { messages: [] } }, "messages"],
    "messages not a list": [{ ...GOOD, thread: { messages: "hi" } }, "messages"],
    "too many messages": [{ ...GOOD, thread: { messages: Array(T.MAX_MESSAGES + 1).fill({ sender: "seller", text: "x" }) } }, `more than ${T.MAX_MESSAGES}`],
    "an unknown sender": [message({ sender: "admin" }), "messages[0].sender"],
    "an empty text": [message({ text: "  " }), "messages[0].text"],
    "a text that is not a string": [message({ text: 42 }), "messages[0].text"],
    "a text over the limit": [message({ text: "x".repeat(T.MAX_TEXT_CHARS + 1) }), "longer than"],
    "a time that is not one": [message({ sent_at: "yesterday" }), "messages[0].sent_at"],
    "a day that does not exist": [message({ sent_at: "2026-02-30" }), "messages[0].sent_at"],
    "a time with an offset (the reader writes UTC)": [message({ sent_at: "2026-11-28T10:05:00+08:00" }), "messages[0].sent_at"],
    "an extra field in a message": [message({ html: "<b>" }), "messages[0]"],
    "a message that is not an object": [{ ...GOOD, thread: { messages: [null] } }, "messages[0]"],
    "an order id that is not a number": [{ ...GOOD, orderId: "../../evidence" }, "orderId"],
    "an order id as a number": [{ ...GOOD, orderId: 8212313961591399 }, "orderId"],
  };
  for (const [name, [request, field]] of Object.entries(cases)) {
    const checked = threadRequest(request);
    assert.equal(checked.ok, false, name);
    assert.match(checked.message, /^Malformed analyzeThread message: /, name);
    assert.ok(checked.message.includes(field), `${name}: ${checked.message}`);
  }
  // A thread whose words together pass MAX_THREAD_CHARS, each message within its limit.
  const count = Math.ceil(T.MAX_THREAD_CHARS / T.MAX_TEXT_CHARS) + 1;
  const huge = { ...GOOD, thread: { messages: Array(count).fill({ sender: "seller", text: "x".repeat(T.MAX_TEXT_CHARS) }) } };
  assert.match(threadRequest(huge).message, /thread is longer than/);
  // Within every count, but too many bytes once escaped in JSON (a control character takes 6).
  const escaped = Array(Math.floor(T.MAX_THREAD_CHARS / T.MAX_TEXT_CHARS)).fill({ sender: "seller", text: "\u0001".repeat(T.MAX_TEXT_CHARS) });
  assert.match(threadRequest({ ...GOOD, thread: { messages: escaped } }).message, /too large to send/);
});

test("a thread the worker accepts stays under the size the service accepts", () => {
  // The worst case: every character escaped in JSON would be 6 bytes, but the reader's text is
  // page text; at 3 bytes a character (UTF-8) the largest accepted thread fits.
  assert.ok(T.MAX_THREAD_CHARS * 3 + T.MAX_MESSAGES * 100 <= C.MAX_REQUEST_BYTES);
});

test("the limits are the service's own (server/api/messages.py)", () => {
  const source = readFileSync(new URL("../../server/api/messages.py", import.meta.url), "utf8");
  const number = (name) => Number(new RegExp(`^${name} = ([\\d_]+)`, "m").exec(source)[1].replace(/_/g, ""));
  assert.equal(T.MAX_MESSAGES, number("MAX_MESSAGES"));
  assert.equal(T.MAX_TEXT_CHARS, number("MAX_TEXT"));
  assert.match(source, new RegExp(`"sent_at"\\), 40\\)|sent_at", ${T.MAX_SENT_AT_CHARS}\\)`));
});

test("the order's status and protection end come from the worker's copy of the orders", () => {
  const awaiting = { order_id: "1", status: "Awaiting delivery", awaiting_receipt: true, protection_ends: { ends_on: "2026-12-20", kind: "explicit" } };
  assert.deepEqual(orderContext(awaiting), { status: "awaiting_delivery", protection_ends: "2026-12-20" });
  assert.deepEqual(orderContext({ status: "Completed", awaiting_receipt: false, protection_ends: null }), { status: "completed", protection_ends: null });
  assert.deepEqual(orderContext({ status: "Concluído", awaiting_receipt: false }), { status: "completed", protection_ends: null });
  // A status in another language, on an order still on its way, is left out: the rules judge without it.
  assert.deepEqual(orderContext({ status: "Aguardando entrega", awaiting_receipt: true, protection_ends: { ends_on: "2026-12-20" } }), {
    status: null,
    protection_ends: "2026-12-20",
  });
  assert.equal(orderContext({ status: "Aguardando entrega", awaiting_receipt: true }), null);
  assert.equal(orderContext({ protection_ends: { ends_on: "2026-02-30" } }), null);
  assert.equal(orderContext(undefined), null);
});

test("only the MSG findings are shown, with a key that changes when they do", () => {
  const finding = (code, number) => ({ code, message: `${code} says why.`, evidence: { message_number: number } });
  const answer = { findings: [finding("MSG001", 2), finding("MSG003", 3), finding("PRC001", 1), { code: "MSG002" }, null] };
  const warning = warningFrom(answer);
  assert.deepEqual(warning.findings.map((f) => f.code), ["MSG001", "MSG003"]);
  assert.equal(warning.key, "MSG001:2,MSG003:3");
  assert.notEqual(warningFrom({ findings: [finding("MSG001", 2), finding("MSG003", 5)] }).key, warning.key);
  assert.deepEqual(warningFrom({ findings: [] }), { findings: [], key: "" });
  assert.deepEqual(warningFrom(null), { findings: [], key: "" });
});

test("the worker takes a thread only from the seller message pages the manifest names", () => {
  const manifest = JSON.parse(readFileSync(new URL("../manifest.json", import.meta.url), "utf8"));
  const matches = manifest.content_scripts.find((entry) => entry.js.includes("content/messages.js")).matches;
  assert.deepEqual(matches, ["*://msg.aliexpress.com/*", "*://*.aliexpress.com/p/message/*", "*://*.aliexpress.us/p/message/*"]);
  for (const address of [
    "https://msg.aliexpress.com/msgDetail.htm?digest=ab",
    "http://msg.aliexpress.com:8080/buyerMsgList.htm",
    "https://www.aliexpress.com/p/message/index.html?orderId=1",
    "https://aliexpress.com/p/message/index.html",
    "https://www.aliexpress.us/p/message/index.html",
  ]) {
    assert.equal(isMessagePage(address), true, address);
  }
  for (const address of [
    "https://www.aliexpress.com/item/1005006180026951.html",
    "https://www.aliexpress.com/p/order/detail.html?orderId=1",
    "https://www.aliexpress.com.evil.example/p/message/index.html",
    "https://evilaliexpress.com/p/message/index.html",
    "https://msg.aliexpress.com.evil.example/",
    "chrome-extension://x/p/message/index.html",
    "not an address",
    undefined,
  ]) {
    assert.equal(isMessagePage(address), false, String(address));
  }
});

test("the warning page is the only other page a web page may load, and only at the dynamic address", () => {
  const manifest = JSON.parse(readFileSync(new URL("../manifest.json", import.meta.url), "utf8"));
  const resources = manifest.web_accessible_resources.flatMap((entry) => entry.resources);
  assert.deepEqual(resources, [C.FRAME.PAGE, T.VIEW]);
  const script = manifest.content_scripts.find((entry) => entry.js.includes("content/messages.js"));
  assert.equal(script.js.at(-1), "content/messages.js");
  assert.ok(script.js.includes("content/timings.js")); // which makes the namespace in top-level documents only
});
