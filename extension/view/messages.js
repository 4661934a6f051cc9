/*
 * emptor's warning on a seller message page (view/messages.html), which content/messages.js embeds
 * over the page when the service's MSG rules found something in the thread. An extension-origin
 * document: the message page cannot read it.
 *
 * What to show comes only from the service worker, over the port this page opens
 * (background/messages.js; the worker knows from the port's sender which tab it is in): the MSG
 * findings, each with its message, which names what the seller asked and why it matters. This
 * page has no window "message" listener: nothing a page script posts is read. Closing the
 * warning goes back on the same port; the worker tells the tab's content script to take the frame
 * away.
 *
 * The root's data-state says what it shows, for tests and tools: "empty" or "warning".
 */
(function () {
  "use strict";

  const C = globalThis.EMPTOR;
  const lib = globalThis.emptorLib;
  const rootElement = document.documentElement;
  const section = document.querySelector(".warning");
  const list = document.querySelector(".findings");
  const close = document.querySelector(".close");

  const { el } = lib;

  function findingItem(finding, serviceUrl) {
    const code = typeof finding.code === "string" ? finding.code : "";
    const link = el("a", { class: "code", href: lib.ruleLink(serviceUrl, code), target: "_blank", rel: "noopener noreferrer", text: code });
    const grade = [
      typeof finding.severity === "string" ? `${finding.severity} severity` : null,
      typeof finding.confidence === "string" ? `${finding.confidence} confidence` : null,
    ].filter(Boolean);
    const meta = el("span", { class: "meta", text: grade.length ? ` ${grade.join(", ")}` : "" });
    return el("li", { class: "finding", "data-code": code }, link, meta, el("div", { text: String(finding.message) }));
  }

  function render(state) {
    const findings = state && Array.isArray(state.findings) ? state.findings.filter((finding) => finding && typeof finding.message === "string") : [];
    const serviceUrl = (state && typeof state.serviceUrl === "string" && state.serviceUrl) || C.DEFAULT_SERVICE_URL;
    list.replaceChildren(...findings.map((finding) => findingItem(finding, serviceUrl)));
    section.hidden = findings.length === 0;
    rootElement.setAttribute("data-state", findings.length ? "warning" : "empty");
  }

  // What to show comes from the worker alone, over the port (lib/worker-port.js).
  const worker = lib.stayConnected({ portName: C.THREAD.PORT_NAME, messageType: C.MESSAGE.THREAD_WARNING, onState: render });

  function dismiss() {
    worker.send({ type: C.THREAD.DISMISS });
  }

  close.addEventListener("click", dismiss);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") dismiss();
  });
})();
