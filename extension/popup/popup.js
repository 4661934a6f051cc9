/* The popup: the current tab's verdict, the orders' buyer-protection deadlines (the worker's copy),
 * the saved evidence with an Export per product or order, and whether the service is running. */
(function () {
  "use strict";

  const C = globalThis.EMPTOR;
  const { badgeContent, deadlineLine, localDay, ordersByDeadline } = globalThis.emptorLib;

  function text(tag, content, className) {
    const node = document.createElement(tag);
    node.textContent = content;
    if (className) node.className = className;
    return node;
  }

  function showService(status) {
    const section = document.getElementById("service");
    if (status.state === "ok") {
      const lines = [text("p", `Your emptor service ${status.version} is running at ${status.serviceUrl}.`, "muted")];
      if (!status.versionMatches) lines.push(text("p", `This extension is ${status.extensionVersion}: update whichever is older.`));
      section.replaceChildren(...lines);
    } else if (status.state === "service-down") {
      section.replaceChildren(
        text("p", `The emptor service is not answering at ${status.serviceUrl}.`),
        text("p", C.START_SERVICE_HINT, "muted"),
      );
    } else {
      section.replaceChildren(text("p", status.message || "emptor could not reach its service."));
    }
    section.dataset.state = status.state;
  }

  function showVerdict(answer) {
    if (!answer) return;
    const state = answer.ok ? { kind: "report", report: answer.report } : { kind: answer.state, message: answer.message };
    const content = badgeContent(state);
    const children = [text("p", content.label, `level ${content.level}`), text("p", content.detail)];
    if (answer.ok && answer.report.findings.length) {
      const list = document.createElement("ul");
      for (const finding of answer.report.findings.slice(0, 3)) list.append(text("li", `${finding.code}: ${finding.message}`));
      children.push(list);
    }
    document.getElementById("verdict").replaceChildren(...children);
  }

  /** What emptor did on the tab's account page (background/account-pages.js): the orders an
   * order page's feed showed, or the checkout saved as evidence of what was promised. */
  function showAccount(account) {
    const section = document.getElementById("account");
    if (!account) return;
    const lines = [];
    if (account.checkout && account.checkout.recordId) {
      const { recordId, capturedAt, again, screenshot } = account.checkout;
      lines.push(text("p", again
        ? `emptor saved this checkout (product and variant) when you first reached it, as evidence record ${recordId.slice(0, 12)}.`
        : `emptor saved this checkout page as evidence of what was promised at purchase (record ${recordId.slice(0, 12)}, ${serviceTime(capturedAt)}${screenshot ? ", with a screenshot" : ", no screenshot"}).`));
      section.dataset.checkout = "saved";
    } else if (account.checkout && account.checkout.failed) {
      lines.push(text("p", `emptor could not save this checkout: ${account.checkout.failed}`, "error"));
      section.dataset.checkout = "failed";
    }
    if (Array.isArray(account.orders) && account.orders.length) {
      const dated = account.orders.filter((order) => order.protection_ends).length;
      lines.push(text("p", `Read ${account.orders.length} order${account.orders.length === 1 ? "" : "s"} from this page` +
        (dated ? `; ${dated} with a buyer-protection end (below).` : "; this page shows no protection end (an order's detail page does)."), "muted"));
    }
    section.replaceChildren(...lines);
    section.hidden = lines.length === 0;
  }

  /** "Save evidence": the click on emptor's toolbar button granted activeTab for the listing, so
   * the worker can add a screenshot (background/evidence.js). */
  async function saveEvidence(tabId) {
    const button = document.getElementById("save-evidence");
    const status = document.getElementById("evidence-status");
    const fullPage = document.getElementById("whole-page").checked;
    const progress = document.getElementById("capture-progress");
    button.disabled = true;
    status.className = "muted";
    status.textContent = fullPage ? "Saving the page, screenshots of the whole page and the verdict…" : "Saving the page, a screenshot and the verdict…";
    document.body.dataset.evidence = "saving";
    // The worker says how far a whole page's screenshots are (about two a second, the most the
    // browser allows): "capture 3 of 7".
    const onProgress = (message, sender) => {
      if (!fromWorker(sender) || !message || message.type !== C.MESSAGE.CAPTURE_PROGRESS || message.tabId !== tabId) return;
      progress.hidden = false;
      progress.max = message.of;
      progress.value = message.capture;
      status.textContent = `Capturing the whole page: capture ${message.capture} of ${message.of}…`;
    };
    if (fullPage) chrome.runtime.onMessage.addListener(onProgress);
    let reply;
    try {
      reply = await chrome.runtime.sendMessage({ type: C.MESSAGE.SAVE_EVIDENCE, tabId, fullPage });
    } catch (error) {
      reply = { ok: false, message: `Evidence not saved: the extension did not answer (${error.message}).` };
    }
    chrome.runtime.onMessage.removeListener(onProgress);
    progress.hidden = true;
    status.textContent = (reply && reply.message) || "Evidence not saved: the extension did not answer.";
    status.className = reply && reply.ok ? "saved" : "error";
    document.body.dataset.evidence = reply && reply.ok ? "saved" : "failed";
    if (reply && reply.ok) {
      status.dataset.record = reply.record.id;
      // The list below shows the record just saved.
      chrome.runtime.sendMessage({ type: C.MESSAGE.LIST_EVIDENCE }).then(showEvidence, (error) => showEvidence({ ok: false, message: error.message }));
    }
    button.disabled = false;
  }

  /** The orders the worker's copy holds, by deadline: the open ones soonest first, then the
   * ended or received ones, greyed. */
  function showDeadlines(reply) {
    const section = document.getElementById("deadlines");
    const children = [section.querySelector("h2")];
    if (!reply || !reply.ok) {
      children.push(text("p", (reply && reply.message) || "The extension did not answer.", "muted"));
      section.replaceChildren(...children);
      return;
    }
    const { listed, undated } = ordersByDeadline(reply.orders, localDay());
    if (!listed.length) {
      children.push(text("p", reply.orders.length ? "No order with a known protection end." : "No orders yet: emptor learns them from your AliExpress order pages.", "muted"));
    } else {
      const list = document.createElement("ul");
      for (const item of listed) {
        const line = text("li", deadlineLine(item), item.state === "due" && item.daysLeft <= reply.warnDays ? "due soon" : item.state);
        line.dataset.orderId = item.order.order_id;
        line.dataset.state = item.state;
        list.append(line);
      }
      children.push(list);
    }
    if (undated) children.push(text("p", `${undated} more order${undated === 1 ? "" : "s"} without a known protection end.`, "muted"));
    children.push(text("p", `Warning ${reply.warnDays} day${reply.warnDays === 1 ? "" : "s"} before each ends (Settings).`, "muted"));
    if (reply.stale) children.push(text("p", `As last read${reply.fetchedAt ? ` (${reply.fetchedAt.slice(0, 16).replace("T", " ")} UTC)` : ""}: ${reply.stale}`, "muted"));
    section.replaceChildren(...children);
  }

  /** "2026-09-08T10:00:00Z" as "2026-09-08 10:00 UTC". */
  function serviceTime(iso) {
    return typeof iso === "string" ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "";
  }

  /** The saved evidence, newest first, grouped under its order or product, each with "Export". */
  function showEvidence(reply) {
    const section = document.getElementById("saved-evidence");
    const children = [section.querySelector("h2")];
    if (!reply || !reply.ok) {
      children.push(text("p", (reply && reply.message) || "The extension did not answer.", "muted"));
      section.replaceChildren(...children);
      return;
    }
    if (!reply.records.length) {
      children.push(text("p", "No evidence saved yet.", "muted"));
      section.replaceChildren(...children);
      return;
    }
    const subjects = new Map(); // in the order of their newest record
    for (const record of reply.records) {
      const subject = record.order_id ? `order:${record.order_id}` : record.product_id ? `product:${record.product_id}` : `record:${record.id}`;
      if (!subjects.has(subject)) subjects.set(subject, []);
      subjects.get(subject).push(record);
    }
    const list = document.createElement("ul");
    for (const [subject, records] of subjects) {
      const [kind, id] = [subject.slice(0, subject.indexOf(":")), subject.slice(subject.indexOf(":") + 1)];
      const head = text("li", kind === "order" ? `Order ${id}` : kind === "product" ? `Product ${id}` : "Not tied to a product or order", "subject");
      head.dataset.subject = subject;
      if (kind !== "record") {
        const button = text("button", "Export");
        button.type = "button";
        button.className = "export";
        button.addEventListener("click", () => exportPack(kind === "order" ? { orderId: id } : { productId: id }, button));
        head.append(button);
      }
      list.append(head);
      for (const record of records) {
        const line = text("li", `${record.kind} · ${serviceTime(record.captured_at)} · ${record.id.slice(0, 12)}`, "record");
        line.dataset.record = record.id;
        list.append(line);
      }
    }
    children.push(list);
    section.replaceChildren(...children);
  }

  /** "Export": the service writes the pack into its own data directory (a service worker cannot
   * download a large file); the popup says where, and offers to copy the path. */
  async function exportPack(which, button) {
    const section = document.getElementById("export");
    const status = document.getElementById("export-status");
    const path = document.getElementById("export-path");
    section.hidden = false;
    status.className = "muted";
    status.textContent = "Writing the evidence pack…";
    path.textContent = "";
    document.getElementById("copy-path").hidden = true;
    document.getElementById("open-folder").hidden = true;
    document.body.dataset.export = "writing";
    button.disabled = true;
    let reply;
    try {
      reply = await chrome.runtime.sendMessage({ type: C.MESSAGE.EXPORT_EVIDENCE, ...which });
    } catch (error) {
      reply = { ok: false, message: `the extension did not answer (${error.message})` };
    }
    button.disabled = false;
    if (reply && reply.ok) {
      const { records, artifacts } = reply.pack;
      status.className = "";
      status.textContent =
        `Your emptor service wrote the evidence pack (${records} record${records === 1 ? "" : "s"}, ${artifacts} file${artifacts === 1 ? "" : "s"}) ` +
        "on this computer. Open it from there, or attach it to your dispute:";
      path.textContent = reply.pack.path;
      document.getElementById("copy-path").hidden = false;
      document.getElementById("open-folder").hidden = false;
      document.body.dataset.export = "written";
    } else {
      status.className = "error";
      status.textContent = `No pack written: ${(reply && reply.message) || "the extension did not answer."}`;
      document.body.dataset.export = "failed";
    }
  }

  /** "Open folder": the service shows its exports folder in the file manager (an extension
   * cannot open a local folder); when it cannot, the path is there to copy. */
  async function openFolder() {
    const status = document.getElementById("export-status");
    let reply;
    try {
      reply = await chrome.runtime.sendMessage({ type: C.MESSAGE.OPEN_EXPORTS_FOLDER });
    } catch (error) {
      reply = { ok: false, message: `the extension did not answer (${error.message})` };
    }
    document.body.dataset.folder = reply && reply.ok ? "opened" : "failed";
    if (!(reply && reply.ok)) {
      status.className = "error";
      status.textContent = `The folder was not opened: ${(reply && reply.message) || "the extension did not answer."}`;
    }
  }

  async function copyPath() {
    const path = document.getElementById("export-path");
    try {
      await navigator.clipboard.writeText(path.textContent);
      document.getElementById("copy-path").textContent = "Copied";
    } catch {
      // No clipboard: select the path so that Ctrl+C copies it.
      getSelection().selectAllChildren(path);
    }
  }

  // Only the background's progress messages are believed (a content script can message the popup
  // too, and so can emptor's pages embedded in a tab): this extension's, from no tab. (Chromium
  // names its service worker as the sender's address, Firefox its generated background page.)
  const fromWorker = (sender) => sender.id === chrome.runtime.id && !sender.tab && String(sender.url).startsWith(chrome.runtime.getURL(""));

  async function main() {
    document.getElementById("copy-path").addEventListener("click", copyPath);
    document.getElementById("open-folder").addEventListener("click", openFolder);
    chrome.runtime.sendMessage({ type: C.MESSAGE.GET_DEADLINES }).then(showDeadlines, (error) => showDeadlines({ ok: false, message: error.message }));
    chrome.runtime.sendMessage({ type: C.MESSAGE.LIST_EVIDENCE }).then(showEvidence, (error) => showEvidence({ ok: false, message: error.message }));
    document.getElementById("open-options").addEventListener("click", (event) => {
      event.preventDefault();
      chrome.runtime.openOptionsPage();
    });
    const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
    document.getElementById("save-evidence").addEventListener("click", () => saveEvidence(tab ? tab.id : -1));
    const reply = await chrome.runtime.sendMessage({ type: C.MESSAGE.GET_TAB_VERDICT, tabId: tab ? tab.id : -1 });
    if (reply && reply.ok) {
      showService(reply.service);
      showVerdict(reply.answer);
      showAccount(reply.account);
    }
  }

  main();
})();
