/*
 * The only code that talks to the emptor service. Every call has a timeout, every request is
 * signed with the pairing secret and every answer's signature is checked (signing.js, docs/api.md
 * "Pairing"): an answer the service did not sign is never shown. Before a page is sent, the
 * service is asked to prove itself with a signed challenge (at least once a minute and after any
 * failure), so a program that took the port while emptor was not running never receives a page.
 */
import "../lib/constants.js";
import { authorization, isSignedAnswer, newNonce } from "./signing.js";
import { readSettings } from "./settings.js";

const C = globalThis.EMPTOR;
const { API_PREFIX, ANALYZE_TIMEOUT_MS, HEALTH_TIMEOUT_MS, HISTORY_TIMEOUT_MS, PAIRING_CHECK_INTERVAL_MS } = C;

export class ServiceDown extends Error {}

/** No pairing code is saved, or the service refused the one saved (401). */
export class NotPaired extends Error {}

/** Something answered without the pairing secret's signature: not the shopper's emptor. */
export class NotOurService extends Error {}

export class ServiceError extends Error {
  constructor(status, body) {
    super((body && body.message) || `The service answered HTTP ${status}.`);
    this.status = status;
    this.code = body && body.code;
    this.field = body && body.field;
  }
}

// The service that last proved it knows the secret, and when; forgotten on any failure.
let confirmed = { at: 0, serviceUrl: null, token: null };

export function forgetConfirmation() {
  confirmed = { at: 0, serviceUrl: null, token: null };
}

// What a 401 means to the shopper. The 401 itself is not signed (docs/api.md), so only its code
// picks one of these sentences: its own text is never shown.
const REFUSALS = {
  stale_request: "The service refused the request because this computer's clock is more than two minutes off.",
  replayed_request: "The service refused a repeated request; reload the page.",
};

function notPaired(serviceUrl, code) {
  return new NotPaired(REFUSALS[code] || `The emptor service at ${serviceUrl} does not accept this browser's pairing code. ${C.PAIR_HINT}`);
}

/** One request. `json` is sent as JSON; `raw` ({bytes, contentType, headers}) as its bytes,
 * unchanged (an evidence artifact): either way the signature covers exactly the bytes sent. */
async function call(path, { method = "GET", json, raw, timeoutMs, settings }) {
  const { serviceUrl, token } = settings;
  if (!token) throw new NotPaired(`This browser is not paired with the emptor service yet. ${C.PAIR_HINT}`);
  const url = new URL(serviceUrl + API_PREFIX + path);
  const headers = {};
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    // Not compressed: on the loopback a megabyte costs nothing to send, while gzip cost the
    // service 2.4-3.4 ms to inflate a 1 MB page (docs/performance.md, "Over HTTP") and the worker
    // as much to compress it.
    body = new TextEncoder().encode(JSON.stringify(json));
  } else if (raw !== undefined) {
    headers["Content-Type"] = raw.contentType;
    Object.assign(headers, raw.headers || {});
    body = raw.bytes;
  }
  const nonce = newNonce();
  headers.Authorization = await authorization({
    secret: token,
    method,
    pathWithQuery: url.pathname + url.search, // what fetch puts on the wire
    body,
    ts: Math.floor(Date.now() / 1000),
    nonce,
  });
  let response;
  let bytes;
  try {
    response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs), credentials: "omit", cache: "no-store" });
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    forgetConfirmation();
    throw new ServiceDown(`No answer from the emptor service at ${serviceUrl} (${error.name}).`);
  }
  if (response.status === 401) {
    forgetConfirmation();
    let code = null;
    try {
      code = JSON.parse(new TextDecoder().decode(bytes)).code;
    } catch {
      // not JSON: the generic sentence below
    }
    throw notPaired(serviceUrl, code);
  }
  const signature = response.headers.get("X-Emptor-Signature");
  if (!(await isSignedAnswer({ secret: token, nonce, status: response.status, body: bytes, signature }))) {
    forgetConfirmation();
    throw new NotOurService(
      `The program answering at ${serviceUrl} is not your emptor service: it does not know your pairing code, ` +
        "so nothing from this page was sent to it. Stop it and start emptor (make run), or check the code in emptor's options.",
    );
  }
  let parsed;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new ServiceError(response.status, { message: `The service at ${serviceUrl} did not answer with JSON.` });
  }
  if (!response.ok) throw new ServiceError(response.status, parsed);
  return parsed;
}

/** The signed challenge: the service proves it knows the secret before it is sent anything. */
async function confirm(settings, { fresh = false } = {}) {
  const recent = Date.now() - confirmed.at < PAIRING_CHECK_INTERVAL_MS;
  if (!fresh && recent && confirmed.serviceUrl === settings.serviceUrl && confirmed.token === settings.token) return null;
  const answer = await call("/pairing", { timeoutMs: HEALTH_TIMEOUT_MS, settings });
  if (!answer || answer.paired !== true) throw new NotOurService(`The service at ${settings.serviceUrl} did not confirm the pairing.`);
  confirmed = { at: Date.now(), serviceUrl: settings.serviceUrl, token: settings.token };
  return answer;
}

async function confirmedCall(path, options) {
  const settings = await readSettings();
  await confirm(settings);
  return call(path, { ...options, settings });
}

export const service = {
  analyze: (request) => confirmedCall("/analyze", { method: "POST", json: request, timeoutMs: ANALYZE_TIMEOUT_MS }),
  /** {paired, service, version}, asked afresh (the popup and the options page). */
  pairing: async () => confirm(await readSettings(), { fresh: true }),
  /** Evidence (issue 10): one artifact's bytes, then the record naming them (docs/api.md). */
  evidenceArtifact: ({ bytes, mediaType, name, headers = {} }) =>
    confirmedCall("/evidence/artifacts", {
      method: "POST",
      raw: { bytes, contentType: mediaType, headers: { ...headers, "X-Emptor-Artifact-Name": name } },
      timeoutMs: C.EVIDENCE.UPLOAD_TIMEOUT_MS,
    }),
  saveEvidence: (record) => confirmedCall("/evidence", { method: "POST", json: record, timeoutMs: C.EVIDENCE.UPLOAD_TIMEOUT_MS }),
  /** A seller message thread judged by the MSG rules: {verdict, findings, errors} (docs/api.md,
   * "POST /api/v1/messages/analyze"); nothing of it is stored. */
  analyzeThread: (thread) => confirmedCall("/messages/analyze", { method: "POST", json: thread, timeoutMs: ANALYZE_TIMEOUT_MS }),
  /** Every stored order, soonest protection end first (docs/api.md, "Orders"). */
  orders: () => confirmedCall("/orders", { timeoutMs: C.DEADLINES.ORDERS_TIMEOUT_MS }),
  /** One order feed's answer, as an order page received it: the orders it shows, stored. */
  recordOrderFeed: (feed) => confirmedCall("/orders", { method: "POST", json: feed, timeoutMs: C.DEADLINES.ORDERS_TIMEOUT_MS }),
  /** The old site's rendered order detail page, read the same way. */
  recordOrderPage: (html) =>
    confirmedCall("/orders", {
      method: "POST",
      raw: { bytes: new TextEncoder().encode(html), contentType: "text/html; charset=utf-8", headers: {} },
      timeoutMs: C.DEADLINES.ORDERS_TIMEOUT_MS,
    }),
  /** The live evidence records, newest first, without their facts. */
  evidence: () => confirmedCall("/evidence", { timeoutMs: C.DEADLINES.ORDERS_TIMEOUT_MS }),
  /** Write the evidence pack of one product or one order in the service's data directory:
   * {path, records, artifacts, fingerprint, created}. `which` is {product_id} or {order_id}. */
  /** Show the exports folder in the shopper's file manager: {path, opener}. */
  openExportsFolder: () => confirmedCall("/evidence/open-folder", { method: "POST", json: {}, timeoutMs: C.DEADLINES.ORDERS_TIMEOUT_MS }),
  exportEvidence: (which) => confirmedCall("/evidence/export", { method: "POST", json: which, timeoutMs: C.DEADLINES.EXPORT_TIMEOUT_MS }),
  /** Issue 11: does a host imitate AliExpress? Only a host the extension's own check flagged is
   * asked about, and only the host name, never the address (background/lookalike.js). */
  domainCheck: (host) => confirmedCall(`/domain-check?domain=${encodeURIComponent(host)}`, { timeoutMs: C.LOOKALIKE.CHECK_TIMEOUT_MS }),
  history: (marketplace, productId) =>
    confirmedCall(`/products/${encodeURIComponent(marketplace)}/${encodeURIComponent(productId)}/history`, {
      timeoutMs: HISTORY_TIMEOUT_MS,
    }),
};
