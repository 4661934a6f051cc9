/*
 * emptor's frames: the badge and the panel render in view/frame.html, which the content script
 * embeds in each listing (docs/extension.md, "The badge and the panel"). A frame learns what to
 * show only from here, over the port it opens: the port's sender says which tab it is in (the
 * browser sets it; the dispatcher checks it is emptor's frame page). The content script says what
 * its tab shows (showInFrame); it goes to every frame of that tab at once and is kept for a frame
 * that connects later, also in chrome.storage.session, since the browser stops an idle worker and
 * its memory with it.
 */
import "../lib/constants.js";

const C = globalThis.EMPTOR;
const STATE_KINDS = Object.freeze(["loading", "report", ...C.FAILURE_STATES]);
const isText = (value) => typeof value === "string";

/** Whether `state` is one the frame can draw: {kind: "loading"}, {kind: one of
 * EMPTOR.FAILURE_STATES, message} or {kind: "report", report, service} (pure: node --test). */
export function isFrameState(state) {
  if (!state || typeof state !== "object" || !STATE_KINDS.includes(state.kind)) return false;
  if (state.message !== undefined && state.message !== null && !isText(state.message)) return false;
  if (state.kind !== "report") return true;
  const report = state.report;
  return (
    Boolean(report) &&
    typeof report === "object" &&
    Boolean(report.page) &&
    isText(report.page.status) &&
    Boolean(report.verdict) &&
    typeof report.verdict === "object" &&
    Array.isArray(report.findings) &&
    Array.isArray(report.trust)
  );
}

/** One kind of emptor page embedded in tabs, and what each tab's pages of that kind show: the
 * frame (here), the seller-message warning (messages.js). Each state is sent as
 * {type, id, state} to the pages' ports, and kept under `${storagePrefix}:${tabId}` in
 * chrome.storage.session for a page that connects after the worker restarted. */
export function tabChannel({ type, storagePrefix }) {
  const portsByTab = new Map(); // tabId -> the ports of the pages of this kind in that tab
  const shownByTab = new Map(); // tabId -> {id, state}: what the tab's pages show
  const storageKey = (tabId) => `${storagePrefix}:${tabId}`;

  function send(port, shown) {
    try {
      port.postMessage({ type, id: shown.id, state: shown.state });
    } catch {
      // The page has gone; its disconnect removes the port.
    }
  }

  /** Show `state` in the pages of tab `tabId`, now and in any page that connects later. The
   * pages are sent it before anything is awaited, so states reach them in the order they were
   * given. */
  function show(tabId, state) {
    const shown = { id: crypto.randomUUID(), state };
    shownByTab.set(tabId, shown);
    for (const port of portsByTab.get(tabId) || []) send(port, shown);
    return chrome.storage.session.set({ [storageKey(tabId)]: shown }).catch((error) => {
      console.warn("emptor: could not keep what the tab's frame shows", error.message);
    });
  }

  /** A page connected (the caller has checked the sender): send it what its tab shows. */
  async function attach(port) {
    const tabId = port.sender.tab.id;
    if (!portsByTab.has(tabId)) portsByTab.set(tabId, new Set());
    portsByTab.get(tabId).add(port);
    port.onDisconnect.addListener(() => {
      const ports = portsByTab.get(tabId);
      if (!ports) return;
      ports.delete(port);
      if (!ports.size) portsByTab.delete(tabId);
    });
    if (shownByTab.has(tabId)) {
      send(port, shownByTab.get(tabId));
      return;
    }
    // A worker started afresh (for this very connection, perhaps): what the tab showed before.
    const stored = (await chrome.storage.session.get(storageKey(tabId)))[storageKey(tabId)];
    if (stored && !shownByTab.has(tabId)) {
      // (A state given meanwhile is newer, and was sent to this port already.)
      shownByTab.set(tabId, stored);
      send(port, stored);
    }
  }

  /** The tab closed or loads another page: what its pages showed is no longer what it shows.
   * Returns the storage key to remove along with the tab's other keys. */
  function forget(tabId) {
    shownByTab.delete(tabId);
    return storageKey(tabId);
  }

  return { show, attach, forget };
}

const frames = tabChannel({ type: C.MESSAGE.FRAME_STATE, storagePrefix: "frame" });

/** Show `state` in the frames of tab `tabId`, now and in any frame that connects later. */
export const showInTab = frames.show;
/** A frame connected (the dispatcher has checked the sender): send it what its tab shows. */
export const attachFrame = frames.attach;
/** The tab closed or loads another page: its frame state is no longer what it shows. Returns
 * the storage key to remove along with the tab's other keys. */
export const forgetFrameState = frames.forget;
