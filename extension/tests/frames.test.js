import assert from "node:assert/strict";
import { test } from "node:test";

import "../lib/constants.js";
import { isFrameState } from "../background/frames.js";

const report = { page: { status: "ok" }, verdict: { level: "high", score: 72 }, findings: [], trust: [], coverage: { missing: [] } };

test("the states the content script shows reach the frame", () => {
  assert.ok(isFrameState({ kind: "loading" }));
  assert.ok(isFrameState({ kind: "report", report, service: null }));
  for (const kind of globalThis.EMPTOR.FAILURE_STATES) assert.ok(isFrameState({ kind, message: "Why." }), kind);
  assert.ok(isFrameState({ kind: "error", message: null }));
});

test("anything else is refused before it reaches the frame", () => {
  for (const state of [null, undefined, "report", {}, { kind: "verdict" }, { kind: "toString" }, { kind: "error", message: 3 }]) {
    assert.equal(isFrameState(state), false, JSON.stringify(state));
  }
  assert.equal(isFrameState({ kind: "report" }), false);
  assert.equal(isFrameState({ kind: "report", report: { ...report, page: null } }), false);
  assert.equal(isFrameState({ kind: "report", report: { ...report, findings: "CNT001" } }), false);
  assert.equal(isFrameState({ kind: "report", report: { ...report, verdict: undefined } }), false);
});
