/*
 * Firefox with emptor installed, driven by puppeteer-core over WebDriver BiDi, for the Python
 * tests (tests/support/firefox.py starts this script and is its only caller). Playwright cannot
 * drive a stock Firefox, so this thin shim is in Node; the service, the fixture site and the
 * proxy stay in Python, started once, as for Chromium.
 *
 * Protocol: one JSON object a line on stdin, {id, op, ...}; one a line on stdout for each,
 * {id, value} or {id, error}. Pages and frames are named by handles this script hands out.
 * Commands run one at a time, in order.
 */
import readline from "node:readline";
import puppeteer from "puppeteer-core";

let browser = null;
let origin = null; // moz-extension://<uuid>, fixed by the extensions.webextensions.uuids pref
const handles = new Map();
let nextHandle = 1;
let chromeWindow = null; // the browser window's own (privileged) browsing context

function keep(page, context) {
  const handle = `h${nextHandle++}`;
  handles.set(handle, { page, context });
  return handle;
}

function target(handle) {
  const found = handles.get(handle);
  if (!found) throw new Error(`no page or frame ${handle}`);
  return found;
}

function send(method, params) {
  return browser.connection.send(method, params).then((answer) => answer.result);
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/* Evaluated through BiDi itself (script.evaluate in the frame's browsing context), not through
 * puppeteer's Frame: Firefox sends no navigation events for a moz-extension: document, so
 * puppeteer still takes emptor's frame for the about:blank it started as. The value comes back
 * as JSON. */
async function evaluate(context, fn, args) {
  const expression = `(async () => JSON.stringify(await (${fn})(...${JSON.stringify(args || [])}) ?? null))()`;
  const answer = await send("script.evaluate", { expression, target: { context }, awaitPromise: true, resultOwnership: "none" });
  if (answer.type === "exception") throw new Error(`${answer.exceptionDetails.text}\n${JSON.stringify(answer.exceptionDetails.stackTrace)}`);
  return JSON.parse(answer.result.value);
}

function findContext(contexts, test) {
  for (const context of contexts || []) {
    if (test(context)) return context;
    const inside = findContext(context.children, test);
    if (inside) return inside;
  }
  return null;
}

/* The frame at the extension page `path` inside `context`, as the browser's own tree of browsing
 * contexts has it (with its real address), asked again until the deadline, as
 * tests/support/browser.py's emptor_frame does: a frame attaches, then navigates, in the
 * browser's own time. */
async function waitForFrame(context, path, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { contexts } = await send("browsingContext.getTree", { root: context });
    const found = findContext(contexts[0]?.children, (candidate) => {
      const [scheme, rest] = candidate.url.split("://");
      return scheme === "moz-extension" && rest.slice(rest.indexOf("/")).split(/[?#]/)[0] === path;
    });
    if (found) return found.context;
    if (Date.now() > deadline) {
      const urls = [];
      findContext(contexts, (candidate) => urls.push(candidate.url) && false);
      throw new Error(`no frame at ${path} within ${timeoutMs} ms: frames ${urls.join(", ")}`);
    }
    await pause(50);
  }
}

/* Uncaught errors, in the browser's own console service, whose script is the extension's: its
 * background, its pages and frames, and its content scripts. BiDi reports no log entry from an
 * extension's documents, so the listener is registered in the browser window's privileged
 * scope (BiDi's Firefox-only "moz:scope": "chrome", allowed by --remote-allow-system-access).
 * console.error calls are not seen this way: they stay in the process that made them.
 * Left out: Firefox's own note that an API call's promise was rejected after its document closed
 * (ExtensionCommon's "Promise rejected after context unloaded", reported for the document, not
 * thrown into it): a tab closed while emptor's frame awaited the worker (the price history) says
 * so, and no script of the closed document can see or handle it. */
const LISTEN_FOR_ERRORS = `(() => {
  globalThis.emptorErrors = [];
  Services.console.registerListener({ observe(message) {
    if (!(message instanceof Ci.nsIScriptError) || message.flags & (Ci.nsIScriptError.warningFlag | Ci.nsIScriptError.infoFlag)) return;
    if (message.errorMessage.startsWith("Promise rejected after context unloaded")) return;
    if (String(message.sourceName).startsWith(ORIGIN)) globalThis.emptorErrors.push(message.sourceName + ":" + message.lineNumber + ": " + message.errorMessage);
  } });
})()`;

async function inChrome(expression) {
  const answer = await send("script.evaluate", { expression, target: { context: chromeWindow }, awaitPromise: true, resultOwnership: "none" });
  if (answer.type === "exception") throw new Error(answer.exceptionDetails.text);
  return answer.result.value;
}

const COMMANDS = {
  async launch({ firefox, extension, prefs, headless }) {
    browser = await puppeteer.launch({
      browser: "firefox",
      executablePath: firefox,
      headless,
      // Lets BiDi install an extension (webExtension.install) and reach the browser window's
      // privileged scope (LISTEN_FOR_ERRORS).
      args: ["--remote-allow-system-access"],
      extraPrefsFirefox: prefs,
    });
    const id = await browser.installExtension(extension);
    const uuids = JSON.parse(prefs["extensions.webextensions.uuids"]);
    origin = `moz-extension://${uuids[id]}`;
    const { contexts } = await send("browsingContext.getTree", { "moz:scope": "chrome" });
    chromeWindow = contexts[0].context;
    await inChrome(LISTEN_FOR_ERRORS.replace("ORIGIN", JSON.stringify(origin)));
    // Firefox's process id: Puppeteer starts it in a process group of its own, which the harness
    // ends itself should this driver have to be killed.
    const browserProcess = browser.process();
    return { id, origin, version: await browser.version(), pid: browserProcess ? browserProcess.pid : null };
  },

  /* An extension page (options/options.html), opened in a tab of its own. page.goto to a
   * moz-extension: address never sees its navigation events; BiDi's own navigate does. */
  async extensionPage({ path }) {
    const page = await browser.newPage();
    const context = page.mainFrame().browsingContext;
    await context.navigate(`${origin}/${path}`, "complete");
    return keep(page, context.id);
  },

  /* A new tab at `url`, once it has loaded; with `load` false, once the navigation has started
   * (for a navigation the extension may send elsewhere, such as to its own warning page). */
  async open({ url, timeoutMs, load }) {
    const page = await browser.newPage();
    const context = page.mainFrame().browsingContext;
    if (load) {
      await page.goto(url, { waitUntil: "load", timeout: timeoutMs });
    } else {
      try {
        await context.navigate(url, "none");
      } catch (error) {
        // The extension may replace the navigation before Firefox answers the command (its
        // warning page, a cleaned link): the tab then shows where it went, which the test reads.
        if (!/NS_BINDING_ABORTED|interrupted an unfinished navigation/.test(String(error && error.message))) throw error;
      }
    }
    return keep(page, context.id);
  },

  /* The address the tab or frame shows now, as the browser has it (puppeteer's own is stale
   * after a move to a moz-extension: page). */
  async address({ on }) {
    const { contexts } = await send("browsingContext.getTree", { root: target(on).context, maxDepth: 0 });
    return contexts[0].url;
  },

  async frame({ on, path, timeoutMs }) {
    const { page, context } = target(on);
    return keep(page, await waitForFrame(context, path, timeoutMs));
  },

  /* `fn` is a function's source, called with `args` (JSON) in the page's or frame's own world. */
  async evaluate({ on, fn, args }) {
    return evaluate(target(on).context, fn, args);
  },

  async waitFor({ on, selector, timeoutMs }) {
    const { context } = target(on);
    const deadline = Date.now() + timeoutMs;
    while (!(await evaluate(context, "(selector) => document.querySelector(selector) !== null", [selector]))) {
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${selector}`);
      await pause(50);
    }
    return true;
  },

  async closePage({ on }) {
    const { page } = target(on);
    for (const [handle, value] of handles) {
      if (value.page === page) handles.delete(handle);
    }
    if (!page.isClosed()) await page.close();
    return true;
  },

  async errors({ clear }) {
    return JSON.parse(await inChrome(`(() => {
      const seen = JSON.stringify(globalThis.emptorErrors);
      if (${Boolean(clear)}) globalThis.emptorErrors.length = 0;
      return seen;
    })()`));
  },

  async close() {
    if (browser) await browser.close();
    browser = null;
    return true;
  },
};

async function run(request) {
  const command = COMMANDS[request.op];
  if (!command) return { id: request.id, error: `unknown command ${request.op}` };
  try {
    return { id: request.id, value: (await command(request)) ?? null };
  } catch (error) {
    return { id: request.id, error: String(error && error.stack ? error.stack : error) };
  }
}

// The temporary profile is removed only when the browser closes: close it however this ends.
async function shutDown() {
  try {
    if (browser) await browser.close();
  } finally {
    process.exit(0);
  }
}
process.on("SIGTERM", shutDown);

const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on("line", (line) => {
  if (!line.trim()) return;
  queue = queue.then(async () => {
    let request;
    try {
      request = JSON.parse(line);
    } catch {
      process.stdout.write(`${JSON.stringify({ id: null, error: `not JSON: ${line.slice(0, 80)}` })}\n`);
      return;
    }
    process.stdout.write(`${JSON.stringify(await run(request))}\n`);
  });
});
lines.on("close", () => queue.then(shutDown));
