import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import "../lib/constants.js";

const C = globalThis.EMPTOR;

test("constants are frozen and complete", () => {
  assert.ok(Object.isFrozen(C));
  assert.equal(C.DEFAULT_SERVICE_URL, "http://127.0.0.1:8765");
});

test("every message type belongs to exactly one sender group", () => {
  const all = Object.values(C.MESSAGE).filter((type) => type !== C.MESSAGE.REPORT_UPDATED);
  for (const type of all) {
    const groups = [C.CONTENT_SCRIPT_MESSAGES.includes(type), C.EXTENSION_PAGE_MESSAGES.includes(type)];
    assert.equal(groups.filter(Boolean).length, 1, type);
  }
});

test("the page-world hook uses the same message tag and feed names", () => {
  // The hook runs in the page's world and cannot import lib/constants.js, so it repeats them.
  const hook = readFileSync(new URL("../content/page-hook.js", import.meta.url), "utf8");
  assert.match(hook, new RegExp(`const TAG = "${C.PAGE_MESSAGE_TAG}";`));
  for (const feed of C.BLOB_SOURCES.filter((source) => source.startsWith("mtop."))) {
    assert.ok(hook.includes(`"${feed}"`), feed);
  }
});

test("the service's blob sources match the extension's", () => {
  const server = readFileSync(new URL("../../server/marketplaces/aliexpress/__init__.py", import.meta.url), "utf8");
  for (const source of C.BLOB_SOURCES) assert.ok(server.includes(`"${source}"`), source);
});

test("the manifest and the service share a version", () => {
  const manifest = JSON.parse(readFileSync(new URL("../manifest.json", import.meta.url), "utf8"));
  const pyproject = readFileSync(new URL("../../pyproject.toml", import.meta.url), "utf8");
  assert.equal(manifest.version, /^version = "([^"]+)"/m.exec(pyproject)[1]);
});
