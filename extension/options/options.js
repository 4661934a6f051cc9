/* The options page: the service address (loopback only), the pairing code `emptor pair` prints,
 * and how many days before buyer protection ends emptor warns. */
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

  load();
})();
