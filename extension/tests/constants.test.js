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
  for (const type of Object.values(C.MESSAGE)) {
    const groups = [C.CONTENT_SCRIPT_MESSAGES, C.FRAME_MESSAGES, C.EXTENSION_PAGE_MESSAGES, C.WORKER_MESSAGES];
    assert.equal(groups.filter((group) => group.includes(type)).length, 1, type);
  }
});

test("the frame's two sizes fit the badge and leave the open panel room", () => {
  const { COLLAPSED, OPEN, INSET_PX, PAGE } = C.FRAME;
  assert.equal(COLLAPSED.width, OPEN.width); // opening only grows the frame downwards
  assert.ok(OPEN.height > COLLAPSED.height * 5);
  assert.ok(COLLAPSED.height - 2 * INSET_PX >= 30); // the badge's own height
  const manifest = JSON.parse(readFileSync(new URL("../manifest.json", import.meta.url), "utf8"));
  const resources = manifest.web_accessible_resources.flatMap((entry) => entry.resources);
  // The only files a page may load (the frame; the seller-message warning), only at the dynamic address.
  assert.deepEqual(resources, [PAGE, C.THREAD.VIEW]);
  assert.ok(manifest.web_accessible_resources.every((entry) => entry.use_dynamic_url === true));
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
