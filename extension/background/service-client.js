/*
 * The only code that talks to the emptor service. Every call has a timeout; a service that does
 * not answer is reported as "service-down" so the badge can say how to start it.
 */
import "../lib/constants.js";
import { readSettings } from "./settings.js";

const { API_PREFIX, ANALYZE_TIMEOUT_MS, HEALTH_TIMEOUT_MS, HISTORY_TIMEOUT_MS } = globalThis.EMPTOR;

export class ServiceDown extends Error {}

export class ServiceError extends Error {
  constructor(status, body) {
    super((body && body.message) || `The service answered HTTP ${status}.`);
    this.status = status;
    this.code = body && body.code;
    this.field = body && body.field;
  }
}

async function gzip(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function call(path, { method = "GET", json, timeoutMs }) {
  const { serviceUrl, token } = await readSettings();
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    // A rendered listing is 1-2 MB of HTML that compresses about 8:1 (docs/performance.md).
    if (typeof CompressionStream === "function") {
      body = await gzip(JSON.stringify(json));
      headers["Content-Encoding"] = "gzip";
    } else {
      body = JSON.stringify(json);
    }
  }
  let response;
  try {
    response = await fetch(serviceUrl + API_PREFIX + path, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
      credentials: "omit",
      cache: "no-store",
    });
  } catch (error) {
    throw new ServiceDown(`No answer from the emptor service at ${serviceUrl} (${error.name}).`);
  }
  let parsed = null;
  try {
    parsed = await response.json();
  } catch {
    throw new ServiceError(response.status, { message: `The service at ${serviceUrl} did not answer with JSON.` });
  }
  if (!response.ok) throw new ServiceError(response.status, parsed);
  return parsed;
}

export const service = {
  analyze: (request) => call("/analyze", { method: "POST", json: request, timeoutMs: ANALYZE_TIMEOUT_MS }),
  health: () => call("/health", { timeoutMs: HEALTH_TIMEOUT_MS }),
  history: (marketplace, productId) =>
    call(`/products/${encodeURIComponent(marketplace)}/${encodeURIComponent(productId)}/history`, {
      timeoutMs: HISTORY_TIMEOUT_MS,
    }),
};
