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
    everywhere.checked = now.everywhere;
    telemetry.checked = now.telemetry;
    everywhere.disabled = telemetry.disabled = !now.on;
    say(`${now.on ? "Tracker blocking is on" : "Tracker blocking is off (the popup's switch)"}; ${now.imported} imported rule${now.imported === 1 ? "" : "s"}.`);
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

  show().catch((error) => say(error.message, "error"));
})();
