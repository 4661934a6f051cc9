import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import "../lib/shield.js";

const shield = globalThis.emptorShield;
const manifest = JSON.parse(readFileSync(new URL("../manifest.json", import.meta.url), "utf8"));
const allow = JSON.parse(readFileSync(new URL("../rules/allow-checkout.json", import.meta.url), "utf8"));

test("a pause covers the whole marketplace, else the site without www.", () => {
  assert.equal(shield.siteOf("https://de.aliexpress.com/item/1.html"), "aliexpress.com");
  assert.equal(shield.siteOf("https://www.aliexpress.us/"), "aliexpress.us");
  assert.equal(shield.siteOf("https://www.example.org/a"), "example.org");
  assert.equal(shield.siteOf("not an address"), null);
});

test("a site's pause rule has one stable id above the imported rules and outranks every static rule", () => {
  const rule = shield.pauseRule("aliexpress.com");
  assert.equal(rule.id, shield.pauseRuleId("aliexpress.com"));
  assert.notEqual(rule.id, shield.pauseRuleId("aliexpress.us"));
  assert.ok(rule.id > shield.PAUSE_BASE_ID && rule.id < 2 ** 31);
  assert.ok(rule.priority > Math.max(...allow.map((r) => r.priority)));
  assert.deepEqual(rule.action, { type: "allowAllRequests" });
});

test("an imported file is checked before the browser gets it", () => {
  const good = { format: shield.IMPORT_FORMAT, rules: [{ id: 1, priority: 1, action: { type: "block" }, condition: { requestDomains: ["a.example"] } }] };
  assert.equal(shield.importedRules(good).length, 1);
  assert.throws(() => shield.importedRules({ rules: [] }), /not a rules file/);
  const redirect = { ...good, rules: [{ id: 1, action: { type: "redirect" }, condition: {} }] };
  assert.throws(() => shield.importedRules(redirect), /not a block or allow rule/);
  const twice = { ...good, rules: [good.rules[0], good.rules[0]] };
  assert.throws(() => shield.importedRules(twice), /not a block or allow rule/);
  const pauseId = { ...good, rules: [{ ...good.rules[0], id: shield.PAUSE_BASE_ID + 1 }] };
  assert.throws(() => shield.importedRules(pauseId), /not a block or allow rule/);
  // above the never-blocked hosts, or on the page itself: a file not made by `emptor rules import`
  const outranking = { ...good, rules: [{ ...good.rules[0], priority: 1000 }] };
  assert.throws(() => shield.importedRules(outranking), /not a block or allow rule/);
  const page = { ...good, rules: [{ ...good.rules[0], condition: { requestDomains: ["a.example"], resourceTypes: ["main_frame"] } }] };
  assert.throws(() => shield.importedRules(page), /not a block or allow rule/);
});

test("matched rules are counted by company, allow and unknown rules left out", () => {
  const meta = { rules: { trackers: { 11: ["Google", "advertising", "doubleclick.net"], 12: ["Criteo", "advertising", "criteo.com"],
    13: ["Google", "site_analytics", "google-analytics.com"] } } };
  const matched = [11, 12, 13, 13, 99].map((ruleId) => ({ rule: { ruleId, rulesetId: "trackers" } }));
  matched.push({ rule: { ruleId: 11, rulesetId: "allow-checkout" } });
  assert.deepEqual(shield.byCompany(matched, meta), [{ company: "Google", count: 3 }, { company: "Criteo", count: 1 }]);
});

test("the switch knows every tracker ruleset the manifest declares", () => {
  const declared = manifest.declarative_net_request.rule_resources.map((r) => r.id);
  for (const id of shield.TRACKER_RULESETS) assert.ok(declared.includes(id), id);
});

test("only a stored choice of three booleans is a choice; anything else under the key is ignored", () => {
  assert.deepEqual(shield.asChoice({ on: false, everywhere: true, telemetry: false }), { on: false, everywhere: true, telemetry: false });
  assert.deepEqual(shield.asChoice({ on: true, everywhere: false, telemetry: false, extra: 1 }), { on: true, everywhere: false, telemetry: false });
  for (const stored of [undefined, null, true, "on", [], {}, { everywhere: true }, { on: "false", everywhere: false, telemetry: false }]) {
    assert.equal(shield.asChoice(stored), null, JSON.stringify(stored));
  }
});
