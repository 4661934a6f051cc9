/* The options page: the service address (loopback only) and an optional token. */
(function () {
  "use strict";

  const C = globalThis.EMPTOR;
  const { normalizeServiceUrl } = globalThis.emptorLib;
  const form = document.getElementById("settings");
  const message = document.getElementById("message");

  function say(text, kind) {
    message.textContent = text;
    message.className = kind;
  }

  async function load() {
    const stored = await chrome.storage.local.get([C.STORAGE_KEYS.SERVICE_URL, C.STORAGE_KEYS.TOKEN]);
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
    await chrome.storage.local.set({ [C.STORAGE_KEYS.SERVICE_URL]: checked.url, [C.STORAGE_KEYS.TOKEN]: form.token.value.trim() });
    form.serviceUrl.value = checked.url;
    say("Saved.", "ok");
  });

  document.getElementById("test").addEventListener("click", async () => {
    const status = await chrome.runtime.sendMessage({ type: C.MESSAGE.GET_SERVICE_STATUS });
    if (status && status.running) say(`Connected: emptor ${status.version} at ${status.serviceUrl}.`, "ok");
    else say(`No answer from ${status ? status.serviceUrl : "the service"}. ${C.START_SERVICE_HINT}`, "error");
  });

  load();
})();
