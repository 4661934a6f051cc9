/* The user's settings, read from chrome.storage.local on every use (never stale after a change). */
import "../lib/constants.js";
import "../lib/service-url.js";

const { DEFAULT_SERVICE_URL, STORAGE_KEYS } = globalThis.EMPTOR;
const { normalizeServiceUrl } = globalThis.emptorLib;

export async function readSettings() {
  let stored = {};
  try {
    stored = await chrome.storage.local.get([STORAGE_KEYS.SERVICE_URL, STORAGE_KEYS.TOKEN]);
  } catch (error) {
    console.warn("emptor: could not read settings, using defaults", error);
  }
  const checked = stored[STORAGE_KEYS.SERVICE_URL] ? normalizeServiceUrl(stored[STORAGE_KEYS.SERVICE_URL]) : null;
  if (checked && !checked.ok) {
    console.warn(`emptor: ignoring serviceUrl ${stored[STORAGE_KEYS.SERVICE_URL]}: ${checked.message}`);
  }
  const token = typeof stored[STORAGE_KEYS.TOKEN] === "string" ? stored[STORAGE_KEYS.TOKEN].trim() : "";
  return { serviceUrl: checked && checked.ok ? checked.url : DEFAULT_SERVICE_URL, token };
}
