/*
 * Lookalike shops (issue 11): every top-level navigation to an http(s) address is judged by the
 * extension's own check (lib/lookalike.js) before the page loads; a host that imitates AliExpress
 * is replaced by the warning page (view/lookalike.html) at once. The address never leaves the
 * browser: only a host the local check flags is asked about at the paired service
 * (GET /domain-check, which knows the Public Suffix List and the full Unicode confusables table),
 * and the service's answer decides; when the service is down, unpaired or refuses the host, the
 * local check decides alone.
 *
 * The warning page reads its record (the address, the host, the verdict) from
 * chrome.storage.session, which only the extension's own pages and worker can read or write; its
 * address carries a random id and nothing else, so no web page can make it proceed anywhere.
 */
import "../lib/constants.js";
import { makeChecker } from "../lib/lookalike.js";
import { service } from "./service-client.js";

const C = globalThis.EMPTOR;
const L = C.LOOKALIKE;

let checker = null;
async function localCheck() {
  if (!checker) {
    checker = fetch(chrome.runtime.getURL("lib/official-domains.json"))
      .then((response) => response.json())
      .then(makeChecker);
  }
  return checker;
}

// tabId -> {url, at}: the navigation last warned about at its start in that tab, until its commit
// (one use: judgeNavigation).
const recent = new Map();
// The tabs closed this session (ids are not reused within one), checked synchronously before each
// write of a warning's record: a record written after forgetLookalikeTab's removal would keep the
// address past its tab (docs/privacy.md). A write issued before the tab is marked closed comes
// before forgetLookalikeTab's own read (storage calls run in order), which then removes it.
const closedTabs = new Set();

export async function openedAnyway(host) {
  const key = L.OPENED_ANYWAY_PREFIX + host;
  return (await chrome.storage.session.get(key))[key] === true;
}

/** The service's verdict on a host the local check flagged, or the local one with why the service
 * did not answer. */
async function decide(host, local) {
  try {
    const answer = await service.domainCheck(host);
    return { ...local, lookalike: answer.lookalike === true, imitates: answer.imitates || local.imitates,
      reasons: Array.isArray(answer.reasons) ? answer.reasons : local.reasons, unicode: answer.unicode || local.unicode, source: "service" };
  } catch (error) {
    // Down, unpaired, not our service, or the host refused: the local check alone.
    return { ...local, source: "extension", serviceProblem: error.message };
  }
}

async function allowForSession(host) {
  await chrome.storage.session.set({ [L.OPENED_ANYWAY_PREFIX + host]: true });
}

/** One webNavigation event (onBeforeNavigate or onCommitted). The warning replaces the page as
 * soon as the local check flags the host, before the shop's page can load; the service's answer
 * then updates the warning's record, and when the service (which knows the Public Suffix List and
 * every confusable) clears the host, the warning page opens the address itself (view/lookalike.js). */
export async function judgeNavigation({ tabId, frameId, url }, event = "before") {
  if (frameId !== 0 || !(tabId >= 0)) return null;
  let address;
  try {
    address = new URL(url);
  } catch {
    return null;
  }
  if (address.protocol !== "http:" && address.protocol !== "https:") return null;
  const host = address.hostname;
  const local = (await localCheck()).check(host);
  if (!local || !local.lookalike) return null;
  if (await openedAnyway(host)) return null;
  if (event === "committed") {
    // The same navigation, warned at its start, may still commit before the warning replaces it:
    // once, and only that one. Every new navigation (a Back press onto a redirector, an opener
    // setting the address again) is judged afresh.
    const last = recent.get(tabId);
    recent.delete(tabId);
    if (last && last.url === url && Date.now() - last.at < L.REPEAT_MS) return null;
  } else {
    recent.set(tabId, { url, at: Date.now() });
  }
  const id = crypto.randomUUID();
  const key = L.RECORD_PREFIX + id;
  const record = { tabId, url, host, at: Date.now() };
  if (closedTabs.has(tabId)) return null;
  await chrome.storage.session.set({ [key]: { ...record, verdict: { ...local, source: "extension", pending: true } } });
  try {
    await chrome.tabs.update(tabId, { url: chrome.runtime.getURL(`${L.VIEW}?id=${id}`) });
  } catch (error) {
    await chrome.storage.session.remove(key); // the tab closed first: nothing to warn, nothing to keep
    throw error;
  }
  const verdict = await decide(host, local);
  if (!verdict.lookalike) await allowForSession(host); // the service cleared it: not again this session
  // The tab may have closed while the service was asked: its record is gone and stays gone.
  if (closedTabs.has(tabId)) return verdict;
  await chrome.storage.session.set({ [key]: { ...record, verdict, cleared: !verdict.lookalike } });
  return verdict;
}

/** A closed tab's warnings are of no more use: their records go (the hosts opened anyway stay
 * for the session). */
export async function forgetLookalikeTab(tabId) {
  closedTabs.add(tabId);
  recent.delete(tabId);
  const all = await chrome.storage.session.get(null);
  const gone = Object.keys(all).filter((key) => key.startsWith(L.RECORD_PREFIX) && all[key] && all[key].tabId === tabId);
  if (gone.length) await chrome.storage.session.remove(gone);
}

export function watchNavigations() {
  const judge = (event) => (details) =>
    judgeNavigation(details, event).catch((error) => console.warn("emptor: lookalike check failed", error.message));
  chrome.webNavigation.onBeforeNavigate.addListener(judge("before"));
  // A redirect to a lookalike host is seen only when it commits.
  chrome.webNavigation.onCommitted.addListener(judge("committed"));
}
