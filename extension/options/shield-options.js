/* The options page's tracker-blocking settings: the every-site and telemetry rulesets, and the
 * rules imported from a file `emptor rules import` wrote (lib/shield.js). The browser keeps the
 * enabled rulesets and the dynamic rules itself. */
(function () {
  "use strict";

  const shield = globalThis.emptorShield;
  const status = document.getElementById("shield-state");
  const everywhere = document.getElementById("shield-everywhere");
  const telemetry = document.getElementById("shield-telemetry");
  const picker = document.getElementById("shield-import");

  function say(text, kind) {
    status.textContent = text;
    status.className = kind || "";
  }

  async function show() {
    const now = await shield.state();
    // The choice, not the rulesets: it changes first (lib/shield.js changeChoice), and its change is what wakes this page.
    const { choice } = now;
    everywhere.checked = choice.everywhere;
    telemetry.checked = choice.telemetry;
    everywhere.disabled = telemetry.disabled = !choice.on;
    say(`${choice.on ? "Tracker blocking is on" : "Tracker blocking is off (the popup's switch)"}; ${now.imported} imported rule${now.imported === 1 ? "" : "s"}.`);
    status.dataset.imported = String(now.imported);
  }

  for (const [box, name] of [[everywhere, "everywhere"], [telemetry, "telemetry"]]) {
    box.addEventListener("change", () => shield.setOption(name, box.checked).then(show, (error) => say(error.message, "error")));
  }

  picker.addEventListener("change", async () => {
    const [file] = picker.files;
    if (!file) return;
    try {
      const rules = shield.importedRules(JSON.parse(await file.text()));
      await shield.replaceImported(rules);
      await show();
      say(`Imported ${rules.length} rule${rules.length === 1 ? "" : "s"} from ${file.name}.`, "ok");
    } catch (error) {
      say(`${file.name}: ${error instanceof SyntaxError ? "not a JSON file" : error.message}`, "error");
    } finally {
      picker.value = "";
    }
  });

  document.getElementById("shield-remove").addEventListener("click", () =>
    shield.replaceImported([]).then(show, (error) => say(error.message, "error")));

  // The popup's switch changes the choice while this page is open: show it, so that no box offers
  // what the switch has just turned off.
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && shield.CHOICE_KEY in changes) show().catch((error) => say(error.message, "error"));
  });

  show().catch((error) => say(error.message, "error"));
})();
