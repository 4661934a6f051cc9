/* The popup: the current tab's verdict and whether the service is running. */
(function () {
  "use strict";

  const C = globalThis.EMPTOR;
  const { badgeContent } = globalThis.emptorLib;

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

  /** "Save evidence": the click on emptor's toolbar button granted activeTab for the listing, so
   * the worker can add a screenshot (background/evidence.js). */
  async function saveEvidence(tabId) {
    const button = document.getElementById("save-evidence");
    const status = document.getElementById("evidence-status");
    button.disabled = true;
    status.className = "muted";
    status.textContent = "Saving the page, a screenshot and the verdict…";
    document.body.dataset.evidence = "saving";
    let reply;
    try {
      reply = await chrome.runtime.sendMessage({ type: C.MESSAGE.SAVE_EVIDENCE, tabId });
    } catch (error) {
      reply = { ok: false, message: `Evidence not saved: the extension did not answer (${error.message}).` };
    }
    status.textContent = (reply && reply.message) || "Evidence not saved: the extension did not answer.";
    status.className = reply && reply.ok ? "saved" : "error";
    document.body.dataset.evidence = reply && reply.ok ? "saved" : "failed";
    if (reply && reply.ok) status.dataset.record = reply.record.id;
    button.disabled = false;
  }

  async function main() {
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
    }
  }

  main();
})();
