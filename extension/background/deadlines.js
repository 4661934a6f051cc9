/*
 * Buyer-protection warnings (issue 10; docs/extension.md, "Deadlines"). The worker keeps a copy of
 * the service's orders (GET /api/v1/orders, with each order's protection end) in
 * chrome.storage.local, refreshed when the worker starts and on an alarm every few hours; on each
 * alarm it checks the copy, not the service, and raises one notification per order and deadline
 * within the shopper's "warn me N days before" (remembered, so none is raised twice). So the
 * warning comes even when the service is not running.
 */
import "../lib/constants.js";
import "../lib/deadlines.js";
import { service } from "./service-client.js";

const C = globalThis.EMPTOR;
const D = C.DEADLINES;
const { dueWarnings, keptWarnings, localDay, warnDaysSetting, warningText } = globalThis.emptorLib;

/** The copy: {orders, fetchedAt (ISO)}, or null before the first refresh (and after a change of
 * service or pairing: forgetService). */
export async function ordersCopy() {
  const stored = await chrome.storage.local.get(D.COPY_KEY);
  const copy = stored[D.COPY_KEY];
  return copy && Array.isArray(copy.orders) ? copy : null;
}

export async function warnDays() {
  const stored = await chrome.storage.local.get(D.WARN_DAYS_KEY);
  return warnDaysSetting(stored[D.WARN_DAYS_KEY], { min: D.WARN_DAYS_MIN, max: D.WARN_DAYS_MAX, fallback: D.WARN_DAYS_DEFAULT });
}

/** Ask the service for every order and keep the copy. Throws what the service client throws
 * (the copy is then left as it was). */
export async function refreshOrders() {
  const answer = await service.orders();
  const copy = { orders: Array.isArray(answer.orders) ? answer.orders : [], fetchedAt: new Date().toISOString() };
  await chrome.storage.local.set({ [D.COPY_KEY]: copy });
  return copy;
}

/** Raise the warnings due today from the copy; returns the keys raised. */
export async function checkDeadlines({ now = new Date() } = {}) {
  const copy = await ordersCopy();
  if (!copy) return [];
  const today = localDay(now);
  const stored = await chrome.storage.local.get(D.WARNED_KEY);
  const warned = keptWarnings(stored[D.WARNED_KEY], today);
  const raised = [];
  for (const due of dueWarnings(copy.orders, { today, warnDays: await warnDays(), warned })) {
    const { title, message } = warningText(due);
    try {
      await chrome.notifications.create(D.NOTIFICATION_PREFIX + due.key, {
        type: "basic",
        iconUrl: chrome.runtime.getURL("icons/icon-128.png"),
        title,
        message,
        priority: 1,
      });
    } catch (error) {
      console.warn("emptor: could not raise a deadline warning", error.message);
      continue; // not remembered: the next check tries again
    }
    warned[due.key] = now.toISOString();
    raised.push(due.key);
  }
  await chrome.storage.local.set({ [D.WARNED_KEY]: warned });
  return raised;
}

/** Another service, or the same with a new pairing, may hold other orders: its predecessor's copy
 * must not warn of them, even while the new one does not answer. */
export async function forgetService() {
  await chrome.storage.local.remove([D.COPY_KEY, C.ACCOUNT.CHECKOUTS_KEY]); // its checkouts were saved there too
}

/** What the alarm does: refresh the copy if the service answers, then warn from the copy. */
export async function onDeadlineAlarm() {
  try {
    await refreshOrders();
  } catch (error) {
    console.info("emptor: orders not refreshed, warning from the copy:", error.message);
  }
  return checkDeadlines();
}

/** The periodic alarm, made when missing. */
export async function ensureDeadlineAlarm() {
  if (!(await chrome.alarms.get(D.ALARM))) await chrome.alarms.create(D.ALARM, { periodInMinutes: D.ALARM_MINUTES });
}

/** At the worker's start: make sure the alarm exists (the browser may drop alarms when it
 * restarts), and refresh the copy and check it when the copy is older than a few minutes (an
 * idle worker starts again often). */
export async function startDeadlines() {
  await ensureDeadlineAlarm();
  const copy = await ordersCopy();
  if (copy && Date.now() - Date.parse(copy.fetchedAt) < D.REFRESH_ON_START_MS) return;
  await onDeadlineAlarm();
}
