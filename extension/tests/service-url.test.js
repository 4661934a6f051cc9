import assert from "node:assert/strict";
import { test } from "node:test";

import "../lib/service-url.js";

const { normalizeServiceUrl } = globalThis.emptorLib;

test("loopback addresses are accepted and normalised", () => {
  assert.deepEqual(normalizeServiceUrl("http://127.0.0.1:8765"), { ok: true, url: "http://127.0.0.1:8765" });
  assert.deepEqual(normalizeServiceUrl(" http://localhost:9000/ "), { ok: true, url: "http://localhost:9000" });
  assert.deepEqual(normalizeServiceUrl("http://[::1]:8765"), { ok: true, url: "http://[::1]:8765" });
  assert.deepEqual(normalizeServiceUrl("https://127.0.0.2:8443"), { ok: true, url: "https://127.0.0.2:8443" });
});

test("anything that could leave the machine is refused", () => {
  for (const url of [
    "http://192.168.1.5:8765",
    "http://example.com:8765",
    "http://127.0.0.1.evil.example:8765",
    "http://localhost.evil.example",
    "ftp://127.0.0.1",
    "file:///etc/passwd",
    "http://user:pw@127.0.0.1:8765",
    "http://127.0.0.1:8765/api?x=1",
    "not a url",
    "",
  ]) {
    assert.equal(normalizeServiceUrl(url).ok, false, url);
  }
});
