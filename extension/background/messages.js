/*
 * Seller message pages (issue 10; docs/extension.md, "Seller message pages"): the content script
 * (content/messages.js) sends the thread it read from the page (analyzeThread); this module checks
 * it, asks the service's MSG rules (POST /api/v1/messages/analyze), and hands the findings to
 * emptor's warning page (view/messages.html) over the port that page opens, never through the
 * page. The content script is told only whether there is something to show (and a key that
 * changes when the warning does), so that it can place the warning's frame or take it away.
 *
 * The thread is untrusted: a content script's message carries what a web page rendered, and the
 * page decides that. It is checked here field by field against what the service accepts
 * (EMPTOR.THREAD, tied to server/api/messages.py by extension/tests/messages.test.js), so that a
 * page cannot make the worker send the service a request it would refuse, or one of any size.
 */
import "../lib/constants.js";
import { ordersCopy } from "./deadlines.js";
import { isOwnFrame } from "./dispatch.js";
import { tabChannel } from "./frames.js";
import { service } from "./service-client.js";
import { readSettings } from "./settings.js";

const C = globalThis.EMPTOR;
const T = C.THREAD;
const SENDERS = Object.freeze(["seller", "buyer", "system"]);
const MESSAGE_FIELDS = Object.freeze(["sender", "text", "sent_at"]);
const THREAD_FIELDS = Object.freeze(["messages"]);
// What content/messages.js writes: a day, or a time to the second (milliseconds allowed), in UTC
// ("Z") or the page's own clock (no zone, as the page printed it). Python's
// datetime.fromisoformat, which the service uses, reads all of these.
const SENT_AT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?Z?)?$/;

const isPlainObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

function validSentAt(text) {
  const match = typeof text === "string" && text.length <= T.MAX_SENT_AT_CHARS ? SENT_AT.exec(text) : null;
  if (!match) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
}

function refuse(message) {
  return { ok: false, message: `Malformed analyzeThread message: ${message}` };
}

/** The request body for the service from a content script's analyzeThread message, and the order
 * id the page showed: {ok: true, body: {messages}, orderId} or {ok: false, message} naming what is
 * wrong (pure: node --test). */
export function threadRequest(request) {
  if (!isPlainObject(request) || !Number.isSafeInteger(request.requestId)) return refuse("no requestId.");
  const thread = request.thread;
  if (!isPlainObject(thread) || Object.keys(thread).some((key) => !THREAD_FIELDS.includes(key))) {
    return refuse("thread must be an object with messages only.");
  }
  const orderId = request.orderId === undefined ? null : request.orderId;
  if (orderId !== null && !(typeof orderId === "string" && T.ORDER_ID.test(orderId))) return refuse("orderId must be an order number.");
  const messages = thread.messages;
  if (!Array.isArray(messages) || messages.length === 0) return refuse("messages must be a non-empty list.");
  if (messages.length > T.MAX_MESSAGES) return refuse(`more than ${T.MAX_MESSAGES} messages.`);
  let characters = 0;
  const body = [];
  for (const [index, message] of messages.entries()) {
    const where = `messages[${index}]`;
    if (!isPlainObject(message) || Object.keys(message).some((key) => !MESSAGE_FIELDS.includes(key))) {
      return refuse(`${where} must be an object with sender, text and sent_at.`);
    }
    if (!SENDERS.includes(message.sender)) return refuse(`${where}.sender must be one of ${SENDERS.join(", ")}.`);
    if (typeof message.text !== "string" || !message.text.trim()) return refuse(`${where}.text must be a non-empty string.`);
    if (message.text.length > T.MAX_TEXT_CHARS) return refuse(`${where}.text is longer than ${T.MAX_TEXT_CHARS} characters.`);
    characters += message.text.length;
    if (characters > T.MAX_THREAD_CHARS) return refuse(`the thread is longer than ${T.MAX_THREAD_CHARS} characters.`);
    const sentAt = message.sent_at === undefined ? null : message.sent_at;
    if (sentAt !== null && !validSentAt(sentAt)) return refuse(`${where}.sent_at must be an ISO 8601 time.`);
    body.push(sentAt === null ? { sender: message.sender, text: message.text } : { sender: message.sender, text: message.text, sent_at: sentAt });
  }
  // Text the page escapes heavily in JSON (control characters take 6 bytes) could still pass the
  // service's limit on a request's size: measured, not assumed.
  if (new TextEncoder().encode(JSON.stringify(body)).length > C.MAX_REQUEST_BYTES) return refuse("the thread is too large to send.");
  return { ok: true, body: { messages: body }, orderId };
}

// The order's status as the order feeds print it (docs/sources.md, "Orders and deadlines"), in the
// words of the service's thread model (heuristics/model.py, ORDER_STATUSES). English only: a
// status in another language is left out, and the MSG rules then judge without it.
const STATUS_WORDS = [
  [/^awaiting (?:delivery|receipt)$/, "awaiting_delivery"],
  [/^awaiting (?:shipment|dispatch)$/, "awaiting_shipment"],
  [/^awaiting payment$/, "awaiting_payment"],
  [/^(?:completed|finished)$/, "completed"],
  [/^closed$/, "closed"],
  [/^in dispute$/, "in_dispute"],
];
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The `order` of a thread request from an order of the worker's copy of the service's orders
 * (background/deadlines.js): its status and protection end, or null when it says neither. */
export function orderContext(order) {
  if (!isPlainObject(order)) return null;
  const words = String(order.status || "").trim().toLowerCase().replace(/\s+/g, " ");
  let status = (STATUS_WORDS.find(([pattern]) => pattern.test(words)) || [null, null])[1];
  // The feed says the buyer confirmed receipt, or the order is over (docs/api.md, "Orders").
  if (!status && order.awaiting_receipt === false) status = "completed";
  const endsOn = isPlainObject(order.protection_ends) ? order.protection_ends.ends_on : null;
  const protectionEnds = typeof endsOn === "string" && ISO_DAY.test(endsOn) && validSentAt(endsOn) ? endsOn : null;
  if (!status && !protectionEnds) return null;
  return { status, protection_ends: protectionEnds };
}

/** Whether `address` is a seller message page: the manifest's matches for content/messages.js,
 * `*://msg.aliexpress.com/*` and `/p/message/*` on aliexpress.com and aliexpress.us (pure). */
export function isMessagePage(address) {
  let url;
  try {
    url = new URL(address);
  } catch {
    return false;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return false;
  if (url.hostname === "msg.aliexpress.com") return true;
  const onSite = ["aliexpress.com", "aliexpress.us"].some((site) => url.hostname === site || url.hostname.endsWith(`.${site}`));
  return onSite && url.pathname.startsWith("/p/message/");
}

/** What the warning shows from the service's answer: the MSG findings (a finding of another
 * family is not this page's to show) and a key that changes when they do (pure). */
export function warningFrom(answer) {
  const findings = (answer && Array.isArray(answer.findings) ? answer.findings : []).filter(
    (finding) => isPlainObject(finding) && typeof finding.code === "string" && finding.code.startsWith("MSG") && typeof finding.message === "string",
  );
  const key = findings.map((finding) => `${finding.code}:${(finding.evidence && finding.evidence.message_number) || ""}`).join(",");
  return { findings, key };
}

const views = tabChannel({ type: C.MESSAGE.THREAD_WARNING, storagePrefix: "threadWarning" });
// tabId -> {documentId, requestId} of the tab's latest thread: only its answer is shown.
const latestThread = new Map();

/** The content script's analyzeThread: judge the thread, keep the findings for the tab's warning
 * page, and answer {ok, show, key} (never the findings: they go to the warning page alone). */
export async function analyzeThread(request, sender) {
  // The content script runs in the top-level document only (content/timings.js).
  if (sender.frameId !== 0 || !isMessagePage(sender.url)) {
    return { ok: false, state: "error", message: "analyzeThread comes from a seller message page's own document only." };
  }
  const checked = threadRequest(request);
  if (!checked.ok) return { ok: false, state: "error", message: checked.message };
  const tabId = sender.tab.id;
  const who = { documentId: sender.documentId, requestId: request.requestId };
  latestThread.set(tabId, who);
  const body = { ...checked.body };
  if (checked.orderId) {
    const copy = await ordersCopy().catch(() => null);
    const order = copy && copy.orders.find((known) => known && known.order_id === checked.orderId);
    const context = orderContext(order);
    if (context) body.order = context;
  }
  const isLatest = () => {
    const latest = latestThread.get(tabId);
    return Boolean(latest) && latest.documentId === who.documentId && latest.requestId === who.requestId;
  };
  let warning;
  try {
    warning = warningFrom(await service.analyzeThread(body));
  } catch (error) {
    // Nothing is shown for a thread that was not judged: not even a warning about an earlier one.
    if (isLatest()) await views.show(tabId, { findings: [], serviceUrl: null });
    return { ok: false, state: "error", show: false, message: error.message };
  }
  if (!isLatest()) return { ok: true, show: false, stale: true };
  const { serviceUrl } = await readSettings();
  await views.show(tabId, { findings: warning.findings, serviceUrl });
  return { ok: true, show: warning.findings.length > 0, key: warning.key };
}

/** A port named EMPTOR.THREAD.PORT_NAME connected: if it is emptor's warning page embedded in a
 * tab (at exactly `viewUrls`), send it what its tab shows, and pass its "close" on to the tab's
 * content script. Anything else is left unanswered. Returns whether the port was taken. */
export function attachThreadView(port, { extensionId, viewUrls }) {
  if (!isOwnFrame(port.sender, { extensionId, frameUrls: viewUrls })) return false;
  const tabId = port.sender.tab.id;
  port.onMessage.addListener((message) => {
    if (!message || message.type !== T.DISMISS) return;
    chrome.tabs.sendMessage(tabId, { type: C.MESSAGE.CLOSE_THREAD_WARNING }, { frameId: 0 }).catch(() => {});
  });
  views.attach(port).catch((error) => console.warn("emptor: could not send the warning its state", error.message));
  return true;
}

/** The tab closed or loads another page. Returns the storage key to remove. */
export function forgetThreadWarning(tabId) {
  latestThread.delete(tabId);
  return views.forget(tabId);
}
