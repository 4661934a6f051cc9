/* The options page: the service address (loopback only), the pairing code `emptor pair` prints,
 * how many days before buyer protection ends emptor warns, whether the panel may take
 * screenshots (an optional permission), and whether saved order and checkout pages keep the
 * buyer's name and address. */
(function () {
  "use strict";

  const C = globalThis.EMPTOR;
  const { normalizeServiceUrl, warnDaysSetting } = globalThis.emptorLib;
  const D = C.DEADLINES;
  const daysRange = { min: D.WARN_DAYS_MIN, max: D.WARN_DAYS_MAX, fallback: D.WARN_DAYS_DEFAULT };
  const form = document.getElementById("settings");
  const message = document.getElementById("message");

  function say(text, kind) {
    message.textContent = text;
    message.className = kind;
  }

  async function load() {
    const stored = await chrome.storage.local.get([C.STORAGE_KEYS.SERVICE_URL, C.STORAGE_KEYS.TOKEN, D.WARN_DAYS_KEY]);
    form.warnDays.value = String(warnDaysSetting(stored[D.WARN_DAYS_KEY], daysRange));
    form.serviceUrl.value = stored[C.STORAGE_KEYS.SERVICE_URL] || C.DEFAULT_SERVICE_URL;
    form.token.value = stored[C.STORAGE_KEYS.TOKEN] || "";
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const checked = normalizeServiceUrl(form.serviceUrl.value);
    if (!checked.ok) {
      say(checked.message, "error");
      return;
    }
    const code = form.token.value.replace(/\s+/g, "");
    if (code && code.length < C.MIN_PAIRING_CODE_CHARS) {
      say(`That code is too short: emptor pair prints ${C.MIN_PAIRING_CODE_CHARS} characters or more.`, "error");
      return;
    }
    const days = Number(form.warnDays.value);
    if (!/^\d+$/.test(form.warnDays.value.trim()) || days < D.WARN_DAYS_MIN || days > D.WARN_DAYS_MAX) {
      say(`Warn me: a whole number of days from ${D.WARN_DAYS_MIN} to ${D.WARN_DAYS_MAX}.`, "error");
      return;
    }
    await chrome.storage.local.set({ [C.STORAGE_KEYS.SERVICE_URL]: checked.url, [C.STORAGE_KEYS.TOKEN]: code, [D.WARN_DAYS_KEY]: days });
    form.serviceUrl.value = checked.url;
    form.token.value = code;
    await check("Saved. ");
  });

  /** Ask the service worker to have the service prove it knows the code (a signed challenge). */
  async function check(prefix = "") {
    say(`${prefix}Checking…`, "");
    const status = await chrome.runtime.sendMessage({ type: C.MESSAGE.GET_SERVICE_STATUS });
    if (!status) say(`${prefix}The extension did not answer.`, "error");
    else if (status.state === "ok") say(`${prefix}Paired with emptor ${status.version} at ${status.serviceUrl}.`, "ok");
    else if (status.state === "service-down") say(`${prefix}No answer from ${status.serviceUrl}. ${C.START_SERVICE_HINT}`, "error");
    else say(`${prefix}${status.message}`, "error");
    document.body.dataset.pairing = status ? status.state : "error";
  }

  document.getElementById("test").addEventListener("click", () => check());

  // The optional screenshot permission (docs/extension.md, "Permissions"): asked for only here,
  // from the shopper's click (the browser asks the shopper to confirm), and withdrawn the same way.
  const screenshotButton = document.getElementById("screenshot-permission");
  const screenshotState = document.getElementById("screenshot-state");
  const SCREENSHOTS = { origins: [...C.EVIDENCE.SCREENSHOT_ORIGINS] };

  async function showScreenshotPermission() {
    const granted = await chrome.permissions.contains(SCREENSHOTS);
    document.body.dataset.screenshots = granted ? "allowed" : "not-allowed";
    screenshotButton.textContent = granted ? "Stop screenshots from emptor's panel" : "Allow screenshots when I save from emptor's panel";
    screenshotState.textContent = granted
      ? "Allowed: Save evidence in emptor's panel saves a screenshot of the page with it."
      : "Not allowed: Save evidence in emptor's panel saves the page and the facts without a screenshot.";
    screenshotState.className = granted ? "ok" : "";
  }

  screenshotButton.addEventListener("click", async () => {
    // permissions.request must be called in the click's own task (before any await), or the
    // browser refuses it for want of a user gesture.
    const change = document.body.dataset.screenshots === "allowed" ? chrome.permissions.remove(SCREENSHOTS) : chrome.permissions.request(SCREENSHOTS);
    try {
      await change;
    } catch (error) {
      screenshotState.textContent = `The browser refused: ${error.message}`;
      screenshotState.className = "error";
      return;
    }
    await showScreenshotPermission();
  });
  // Granted or withdrawn elsewhere too (the browser's extension settings).
  chrome.permissions.onAdded.addListener(showScreenshotPermission);
  chrome.permissions.onRemoved.addListener(showScreenshotPermission);
  showScreenshotPermission();

  // Redaction of saved order and checkout pages (docs/extension.md, "Account pages"): on by
  // default, so the setting stored is the opt-out; it applies from the next save.
  const keepPersonalData = document.getElementById("keepPersonalData");
  const personalDataState = document.getElementById("personal-data-state");
  chrome.storage.local.get(C.EVIDENCE.KEEP_PERSONAL_DATA_KEY).then((stored) => {
    keepPersonalData.checked = stored[C.EVIDENCE.KEEP_PERSONAL_DATA_KEY] === true;
  });
  keepPersonalData.addEventListener("change", async () => {
    await chrome.storage.local.set({ [C.EVIDENCE.KEEP_PERSONAL_DATA_KEY]: keepPersonalData.checked });
    personalDataState.textContent = keepPersonalData.checked
      ? "Saved: your name and address stay in order and checkout pages you save from now on."
      : "Saved: your name and address are taken out of order and checkout pages you save from now on.";
    personalDataState.className = "ok";
  });

  load();
})();
