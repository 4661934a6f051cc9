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

  async function main() {
    document.getElementById("open-options").addEventListener("click", (event) => {
      event.preventDefault();
      chrome.runtime.openOptionsPage();
    });
    const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
    const reply = await chrome.runtime.sendMessage({ type: C.MESSAGE.GET_TAB_VERDICT, tabId: tab ? tab.id : -1 });
    if (reply && reply.ok) {
      showService(reply.service);
      showVerdict(reply.answer);
    }
  }

  main();
})();
