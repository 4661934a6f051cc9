/*
 * The lookalike warning (view/lookalike.html). Everything it shows and the one address it may open
 * besides the brand's home come from the worker's record (background/lookalike.js) in
 * chrome.storage.session, found by the random id in this page's address; the address is checked
 * again here (http or https, the host that was judged) before it is opened.
 */
import { safeTarget } from "../lib/lookalike.js";

const L = globalThis.EMPTOR.LOOKALIKE;
// How the brands of lib/official-domains.json are written in a sentence.
const BRAND_NAMES = { aliexpress: "AliExpress", alipay: "Alipay" };

function brandName(name) {
  return BRAND_NAMES[name] || name.charAt(0).toUpperCase() + name.slice(1);
}

function render(record, target) {
  const { verdict, host } = record;
  const brand = brandName(verdict.brand || "aliexpress");
  const home = `https://${verdict.home || "aliexpress.com"}/`;
  document.title = `Warning: this is not ${brand} (emptor)`;
  document.getElementById("title").textContent = `This is not ${brand}`;
  document.getElementById("host").textContent = verdict.unicode && verdict.unicode !== host ? `${verdict.unicode} (${host})` : host;
  document.getElementById("imitates").textContent = verdict.imitates;
  const list = document.getElementById("reasons");
  list.replaceChildren(...(verdict.reasons || []).map((reason) => {
    const item = document.createElement("li");
    item.textContent = reason.message;
    item.dataset.code = reason.code;
    return item;
  }));
  const go = document.getElementById("go");
  go.textContent = `Go to ${verdict.home}`;
  go.href = home;
  go.onclick = (event) => {
    event.preventDefault();
    location.replace(home);
  };
  document.getElementById("meta").textContent = verdict.pending
    ? "Checked on this computer by the extension; asking your emptor service too. The address was not sent anywhere."
    : verdict.source === "service"
      ? "Checked on this computer by the extension and your emptor service. The address was not sent anywhere else."
      : "Checked on this computer by the extension (your emptor service did not answer). The address was not sent anywhere.";
  document.getElementById("proceed-host").textContent = host;
  document.getElementById("proceed").onclick = async (event) => {
    event.preventDefault();
    // Once asked, not again this session: the shopper is not sent round in a loop.
    await chrome.storage.session.set({ [L.OPENED_ANYWAY_PREFIX + host]: true });
    location.replace(target);
  };
  document.documentElement.dataset.source = verdict.pending ? "pending" : verdict.source;
  document.documentElement.dataset.state = "warning";
}

function expired() {
  document.querySelector("main.warning").hidden = true;
  document.querySelector("main.expired").hidden = false;
  document.documentElement.dataset.state = "expired";
}

/** The worker's record, as it is now and whenever the service's answer updates it. */
function update(record) {
  const target = record && safeTarget(record);
  if (!target) return expired();
  // The service cleared the host the extension's own check flagged: open it as asked.
  if (record.cleared) return location.replace(target);
  render(record, target);
}

async function show() {
  const id = new URLSearchParams(location.search).get("id") || "";
  if (!id) return expired();
  const key = L.RECORD_PREFIX + id;
  // The service's answer may change the record while it is being read: a change seen first is
  // newer than what the read returns, which must not draw over it.
  let changed = false;
  chrome.storage.session.onChanged.addListener((changes) => {
    if (!(key in changes)) return;
    changed = true;
    update(changes[key].newValue);
  });
  const stored = (await chrome.storage.session.get(key))[key];
  if (!changed) update(stored);
  document.getElementById("go").focus();
}

show();
