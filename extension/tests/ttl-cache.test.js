import assert from "node:assert/strict";
import { test } from "node:test";

import "../lib/ttl-cache.js";

const { TtlCache } = globalThis.emptorLib;

test("entries expire after the time limit", () => {
  let now = 1000;
  const cache = new TtlCache({ ttlMs: 60, maxEntries: 10, now: () => now });
  cache.set("a", 1);
  now += 59;
  assert.equal(cache.get("a"), 1);
  now += 2;
  assert.equal(cache.get("a"), undefined);
});

test("the oldest entries go first when the cache is full", () => {
  const cache = new TtlCache({ ttlMs: 1e9, maxEntries: 2 });
  cache.set("a", 1);
  cache.set("b", 2);
  cache.set("a", 3); // refreshed: now the newest
  cache.set("c", 4);
  assert.equal(cache.get("b"), undefined);
  assert.equal(cache.get("a"), 3);
  assert.equal(cache.get("c"), 4);
});
