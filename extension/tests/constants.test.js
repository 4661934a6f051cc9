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

test("the page-world hook uses the same message tag", () => {
  // The hook runs in the page's world and cannot import lib/constants.js, so it repeats the tag.
  // (Its source names are tied to the service's by tests/test_extension_contract.py.)
  const hook = readFileSync(new URL("../content/page-hook.js", import.meta.url), "utf8");
  assert.match(hook, new RegExp(`const TAG = "${C.PAGE_MESSAGE_TAG}";`));
});

test("the content script's files load in order, with the namespace maker first and the starter last", () => {
  const manifest = JSON.parse(readFileSync(new URL("../manifest.json", import.meta.url), "utf8"));
  const files = manifest.content_scripts.find((script) => script.js.includes("content/schedule.js")).js;
  assert.equal(files[0], "lib/constants.js");
  assert.ok(files.indexOf("content/timings.js") < files.indexOf("content/capture.js"));
  assert.equal(files.at(-1), "content/schedule.js");
});

test("the manifest and the service share a version", () => {
  const manifest = JSON.parse(readFileSync(new URL("../manifest.json", import.meta.url), "utf8"));
  const pyproject = readFileSync(new URL("../../pyproject.toml", import.meta.url), "utf8");
  assert.equal(manifest.version, /^version = "([^"]+)"/m.exec(pyproject)[1]);
});
