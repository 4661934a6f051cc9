/* The privacy shield's controls, used by the popup and the options page (docs/extension.md,
 * "Tracker blocking"). The blocking itself is the browser's: static declarativeNetRequest rulesets
 * built by `emptor rules build` (rules/*.json) and, for lists the shopper imports and per-site
 * pauses, dynamic rules. Nothing here sees a request; the popup asks the browser which rules
 * matched on the current tab (getMatchedRules, allowed for the tab the shopper pointed emptor at by
 * activeTab) and names their companies from rules/rules-meta.json.
 *
 * Dynamic rule ids: imported rules 1..IMPORTED_MAX_ID (what `emptor rules import` numbers);
 * per-site pauses above PAUSE_BASE_ID, one stable id per site. */
(function (root) {
  "use strict";

  const TRACKER_RULESETS = Object.freeze(["trackers", "trackers-everywhere", "marketplace-telemetry"]);
  const OPTIONAL_RULESETS = Object.freeze({ everywhere: "trackers-everywhere", telemetry: "marketplace-telemetry" });
  const IMPORT_FORMAT = "emptor-imported-rules/1"; // server/trackers.py IMPORT_FORMAT
  const IMPORTED_MAX_ID = 30000; // Chrome 121+'s dynamic block/allow rules; server/trackers.py MAX_DYNAMIC_RULES_CHROME
  const PAUSE_BASE_ID = 1000000;
  // Above every static rule (server/trackers.py ALLOW_PRIORITY is 1000): a paused site loads all.
  const PAUSE_PRIORITY = 2000;
  const MARKETPLACE_DOMAINS = Object.freeze(["aliexpress.com", "aliexpress.us", "aliexpress.ru"]);
  const IMPORTED_ACTIONS = new Set(["block", "allow"]);
  const IMPORTED_PRIORITIES = new Set([1, 2, 3]); // server/trackers.py IMPORT_PRIORITIES
  // The shopper's choice ({on, everywhere, telemetry}) in chrome.storage.local, which the tracker
  // rulesets follow: the browser keeps the enabled rulesets itself, but puts them back to the
  // manifest's defaults when a new version is installed, so the worker applies this record again
  // then (restoreChoice).
  const CHOICE_KEY = "shieldChoice";
  const CHOICE_LOCK = "emptor-shield-choice";

  /** The site a pause applies to: the marketplace's domain for any of its hosts, else the host
   * without a leading "www.". */
  function siteOf(url) {
    let host;
    try {
      host = new URL(url).hostname.toLowerCase();
    } catch {
      return null;
    }
    if (!host) return null;
    const marketplace = MARKETPLACE_DOMAINS.find((domain) => host === domain || host.endsWith(`.${domain}`));
    return marketplace || host.replace(/^www\./, "");
  }

  /** A stable id for a site's pause rule (FNV-1a of its name, above PAUSE_BASE_ID). */
  function pauseRuleId(site) {
    let hash = 0x811c9dc5;
    for (const char of site) {
      hash ^= char.charCodeAt(0);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return PAUSE_BASE_ID + (hash % 1000000000);
  }

  /** The dynamic rule that pauses blocking on `site`: every request of its pages allowed. */
  function pauseRule(site) {
    return {
      id: pauseRuleId(site),
      priority: PAUSE_PRIORITY,
      action: { type: "allowAllRequests" },
      condition: { requestDomains: [site], resourceTypes: ["main_frame", "sub_frame"] },
    };
  }

  /** The rules of a file `emptor rules import` wrote, checked: an Error naming what is wrong. */
  function importedRules(document) {
    if (!document || document.format !== IMPORT_FORMAT || !Array.isArray(document.rules)) {
      throw new Error("This is not a rules file made by `emptor rules import`.");
    }
    if (document.rules.length > IMPORTED_MAX_ID) throw new Error(`The file holds more than ${IMPORTED_MAX_ID} rules.`);
    const ids = new Set();
    for (const rule of document.rules) {
      // Below the never-blocked hosts (priority 1000) and the pauses, and never the page itself:
      // a file handed to the shopper, not made by `emptor rules import`, may not break checkout.
      const ok = rule && Number.isInteger(rule.id) && rule.id >= 1 && rule.id <= IMPORTED_MAX_ID && !ids.has(rule.id) &&
        rule.action && IMPORTED_ACTIONS.has(rule.action.type) && IMPORTED_PRIORITIES.has(rule.priority) &&
        rule.condition && typeof rule.condition === "object" && !Array.isArray(rule.condition) &&
        !(Array.isArray(rule.condition.resourceTypes) && rule.condition.resourceTypes.includes("main_frame"));
      if (!ok) throw new Error(`Rule ${JSON.stringify(rule).slice(0, 80)} is not a block or allow rule of the file's form.`);
      ids.add(rule.id);
    }
    return document.rules;
  }

  /** Matched rules (getMatchedRules) by company, most first: [{company, count}]. */
  function byCompany(matched, meta) {
    const counts = new Map();
    for (const { rule } of matched) {
      const about = meta.rules[rule.rulesetId] && meta.rules[rule.rulesetId][String(rule.ruleId)];
      if (!about) continue; // an allow rule, a clean link, an imported rule: not a tracker of the data
      counts.set(about[0], (counts.get(about[0]) || 0) + 1);
    }
    return [...counts].map(([company, count]) => ({ company, count })).sort((a, b) => b.count - a.count || a.company.localeCompare(b.company));
  }

  // --- the browser's side (chrome.declarativeNetRequest) ---------------------------------------

  /** A stored choice as the shopper made it, or null: anything else under the key (an old or a
   * foreign value) is not a choice, and the browser's rulesets are believed instead. */
  function asChoice(value) {
    if (!value || typeof value !== "object" || Array.isArray(value)) return null;
    const { on, everywhere, telemetry } = value;
    if (![on, everywhere, telemetry].every((flag) => typeof flag === "boolean")) return null;
    return { on, everywhere, telemetry };
  }

  async function savedChoice() {
    return asChoice((await chrome.storage.local.get(CHOICE_KEY))[CHOICE_KEY]);
  }

  async function state() {
    const enabled = await chrome.declarativeNetRequest.getEnabledRulesets();
    const dynamic = await chrome.declarativeNetRequest.getDynamicRules();
    const live = {
      on: enabled.includes("trackers"),
      everywhere: enabled.includes(OPTIONAL_RULESETS.everywhere),
      telemetry: enabled.includes(OPTIONAL_RULESETS.telemetry),
    };
    return {
      ...live,
      // What the shopper chose, the options included while switched off (they come back with the switch).
      choice: (await savedChoice()) || live,
      imported: dynamic.filter((rule) => rule.id <= IMPORTED_MAX_ID).length,
      paused: dynamic.filter((rule) => rule.id > PAUSE_BASE_ID).map((rule) => rule.condition.requestDomains[0]),
    };
  }

  /** The rulesets a choice turns on and off: none of the tracker ones when switched off, else the
   * main one and the options chosen. */
  function applyChoice(choice) {
    const enable = choice.on ? ["trackers", ...Object.entries(OPTIONAL_RULESETS).filter(([name]) => choice[name]).map(([, id]) => id)] : [];
    const disable = TRACKER_RULESETS.filter((id) => !enable.includes(id));
    return chrome.declarativeNetRequest.updateEnabledRulesets({ enableRulesetIds: enable, disableRulesetIds: disable });
  }

  /** `work` with no other emptor page (the popup, the options page, the worker's restore) reading
   * or changing the choice in between: a Web Lock, shared by the extension's pages and its worker
   * (node, in the unit tests, has none). */
  function holdingTheChoice(work) {
    return globalThis.navigator && navigator.locks ? navigator.locks.request(CHOICE_LOCK, work) : work();
  }

  /** Change the choice: read it, change it, keep it, apply it. The record is the one source of
   * truth; the rulesets follow it. */
  function changeChoice(change) {
    return holdingTheChoice(async () => {
      const now = (await savedChoice()) || (await state()).choice;
      const next = asChoice({ ...now, ...change(now) });
      await chrome.storage.local.set({ [CHOICE_KEY]: next });
      await applyChoice(next);
      return next;
    });
  }

  /** The global switch. The options stay in the choice while switched off and come back with it;
   * `options` ({everywhere, telemetry}) sets them as well. */
  function setBlocking(on, options) {
    return changeChoice(() => ({ ...pickOptions(options), on: Boolean(on) }));
  }

  /** An option ("everywhere", "telemetry"): kept in the choice, in force while blocking is on. */
  function setOption(name, on) {
    if (!(name in OPTIONAL_RULESETS)) return Promise.reject(new Error(`not an option: ${name}`));
    return changeChoice(() => ({ [name]: Boolean(on) }));
  }

  function pickOptions(options) {
    const picked = {};
    for (const name of Object.keys(OPTIONAL_RULESETS)) if (options && name in options) picked[name] = Boolean(options[name]);
    return picked;
  }

  /** After the browser has put the rulesets back to their defaults (a new version installed, or a
   * browser that reinstalls an extension loaded from a folder at each start): the shopper's last
   * choice again. Nothing when the shopper never chose (the defaults are the choice). */
  function restoreChoice() {
    return holdingTheChoice(async () => {
      const choice = await savedChoice();
      if (choice) await applyChoice(choice);
      return choice;
    });
  }

  async function setPaused(site, paused) {
    const rule = pauseRule(site);
    return chrome.declarativeNetRequest.updateDynamicRules({ removeRuleIds: [rule.id], addRules: paused ? [rule] : [] });
  }

  /** Replace the imported rules with `rules` (an empty list removes them). */
  async function replaceImported(rules) {
    const old = (await chrome.declarativeNetRequest.getDynamicRules()).filter((rule) => rule.id <= IMPORTED_MAX_ID);
    return chrome.declarativeNetRequest.updateDynamicRules({ removeRuleIds: old.map((rule) => rule.id), addRules: rules });
  }

  /** The tab's blocked trackers by company, or null when the browser does not tell (a browser
   * without getMatchedRules, or a tab the shopper has not pointed emptor at). */
  async function blockedOnTab(tabId) {
    // One reference, checked: Firefox's web-ext lint data lists getMatchedRules as unsupported.
    const getMatchedRules = chrome.declarativeNetRequest.getMatchedRules;
    if (typeof getMatchedRules !== "function") return null;
    const [{ rulesMatchedInfo }, meta] = await Promise.all([
      getMatchedRules.call(chrome.declarativeNetRequest, { tabId }),
      fetch(chrome.runtime.getURL("rules/rules-meta.json")).then((answer) => answer.json()),
    ]);
    return byCompany(rulesMatchedInfo, meta);
  }

  root.emptorShield = Object.freeze({
    TRACKER_RULESETS, IMPORT_FORMAT, IMPORTED_MAX_ID, PAUSE_BASE_ID, PAUSE_PRIORITY, CHOICE_KEY,
    siteOf, pauseRuleId, pauseRule, importedRules, byCompany, asChoice,
    state, setBlocking, setOption, restoreChoice, setPaused, replaceImported, blockedOnTab,
  });
})(globalThis);
