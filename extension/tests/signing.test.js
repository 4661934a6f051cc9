import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { answerSignature, authorization, isSignedAnswer, newNonce, sha256Hex } from "../background/signing.js";

// The worked example in docs/api.md; tests/test_pairing.py holds the service to the same numbers.
const VECTOR = JSON.parse(readFileSync(new URL("../../tests/fixtures/pairing/vector.json", import.meta.url), "utf8"));

test("a request is signed as the documented example", async () => {
  assert.equal(await sha256Hex(VECTOR.body), VECTOR.body_sha256);
  const header = await authorization({
    secret: VECTOR.secret,
    method: VECTOR.method,
    pathWithQuery: VECTOR.path_with_query,
    body: new TextEncoder().encode(VECTOR.body),
    ts: Number(VECTOR.ts),
    nonce: VECTOR.nonce,
  });
  assert.equal(header, VECTOR.authorization);
});

test("an answer is believed only with the service's signature", async () => {
  const answer = { secret: VECTOR.secret, nonce: VECTOR.nonce, status: VECTOR.response_status, body: VECTOR.response_body };
  assert.equal(await answerSignature(answer), VECTOR.response_signature);
  assert.equal(await isSignedAnswer({ ...answer, signature: VECTOR.response_signature }), true);
  assert.equal(await isSignedAnswer({ ...answer, signature: null }), false);
  assert.equal(await isSignedAnswer({ ...answer, signature: VECTOR.response_signature.slice(1) }), false);
  assert.equal(await isSignedAnswer({ ...answer, secret: "another secret entirely", signature: VECTOR.response_signature }), false);
  assert.equal(await isSignedAnswer({ ...answer, status: 201, signature: VECTOR.response_signature }), false);
  assert.equal(await isSignedAnswer({ ...answer, body: '{"ok":false}', signature: VECTOR.response_signature }), false);
});

test("nonces are 32 random hex characters", () => {
  const nonces = new Set(Array.from({ length: 100 }, newNonce));
  assert.equal(nonces.size, 100);
  for (const nonce of nonces) assert.match(nonce, /^[0-9a-f]{32}$/);
});
