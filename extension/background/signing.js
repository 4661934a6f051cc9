/*
 * Pairing signatures (docs/api.md, "Pairing"): the extension proves it knows the shopper's secret
 * without sending it, and believes an answer only when the service proves the same. HMAC-SHA256
 * keyed by the secret's UTF-8 bytes, lowercase hex, fields joined by "\n". WebCrypto only, so the
 * service worker and the node tests run the same code.
 */

const encoder = new TextEncoder();

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The bytes a body is sent as: a string as UTF-8, bytes as they are, nothing as empty. */
function bytesOf(body) {
  if (body === undefined || body === null) return new Uint8Array(0);
  return typeof body === "string" ? encoder.encode(body) : body;
}

export async function sha256Hex(body) {
  return hex(await crypto.subtle.digest("SHA-256", bytesOf(body)));
}

async function hmacHex(secret, message) {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return hex(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
}

export function newNonce() {
  return hex(crypto.getRandomValues(new Uint8Array(16)));
}

/** The Authorization header for one request. `pathWithQuery` is exactly what goes on the wire. */
export async function authorization({ secret, method, pathWithQuery, body, ts, nonce }) {
  const bodyDigest = await sha256Hex(body);
  const sig = await hmacHex(secret, [method.toUpperCase(), pathWithQuery, String(ts), nonce, bodyDigest].join("\n"));
  return `Emptor-HMAC-SHA256 ts=${ts}, nonce=${nonce}, sig=${sig}`;
}

/** The signature the real service puts on its answer to the request that carried `nonce`. */
export async function answerSignature({ secret, nonce, status, body }) {
  return hmacHex(secret, [nonce, String(status), await sha256Hex(body)].join("\n"));
}

/** Whether `signature` (the X-Emptor-Signature header, or null) is the service's. Compared in
 * full whatever the mismatch, so the time taken says nothing about where it differs. */
export async function isSignedAnswer({ secret, nonce, status, body, signature }) {
  if (typeof signature !== "string") return false;
  const expected = await answerSignature({ secret, nonce, status, body });
  if (signature.length !== expected.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i++) difference |= expected.charCodeAt(i) ^ signature.charCodeAt(i);
  return difference === 0;
}
