/* The popup's shield section: the trackers the browser blocked on this tab, by company; a switch
 * for tracker blocking; a pause for this site (lib/shield.js). */
(function () {
  "use strict";

  const shield = globalThis.emptorShield;
  const section = document.getElementById("shield");

  function line(tag, content, className) {
    const node = document.createElement(tag);
    node.textContent = content;
    if (className) node.className = className;
    return node;
  }

  async function render() {
    const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
    const site = tab && tab.url ? shield.siteOf(tab.url) : null;
    const now = await shield.state();
    const children = [line("h2", "Trackers")];

    const toggle = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = "shield-on";
    box.checked = now.on;
    box.addEventListener("change", async () => {
      await shield.setBlocking(box.checked);
      render();
    });
    toggle.append(box, " Block trackers on AliExpress" + (now.choice.everywhere ? " and every site" : ""));
    children.push(toggle);

    if (now.on && tab && Number.isInteger(tab.id)) {
      let companies = null;
      try {
        companies = await shield.blockedOnTab(tab.id);
      } catch {
        companies = null; // no access to this tab's matches (the popup was not opened on it)
      }
      if (companies === null) children.push(line("p", "The browser tells what was blocked on a page when this popup is opened from the toolbar there.", "muted"));
      else if (!companies.length) children.push(line("p", "No tracker blocked on this page.", "muted"));
      else {
        const total = companies.reduce((sum, entry) => sum + entry.count, 0);
        children.push(line("p", `${total} tracker request${total === 1 ? "" : "s"} blocked on this page:`));
        const list = document.createElement("ul");
        list.id = "shield-companies";
        for (const { company, count } of companies) list.append(line("li", `${company}: ${count}`));
        children.push(list);
      }
    }
    if (site && /^https?:/.test(tab.url)) {
      const paused = now.paused.includes(site);
      const button = line("button", paused ? `Resume blocking on ${site}` : `Pause blocking on ${site}`);
      button.type = "button";
      button.id = "shield-pause";
      button.addEventListener("click", async () => {
        await shield.setPaused(site, !paused);
        render();
      });
      children.push(button);
      if (paused) children.push(line("p", "Paused: nothing is blocked on this site; reload the page for it to apply.", "muted"));
    }
    section.replaceChildren(...children);
    section.dataset.state = now.on ? "on" : "off";
  }

  render().catch((error) => section.replaceChildren(line("p", `Tracker blocking: ${error.message}`, "muted")));
})();
