/*
 * The service must be on this machine: only loopback http(s) addresses are accepted, so a
 * changed setting can never send the pages a shopper views to another host.
 */
(function (root) {
  "use strict";

  const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

  function normalizeServiceUrl(text) {
    let url;
    try {
      url = new URL(String(text).trim());
    } catch {
      return { ok: false, message: "Not a valid address." };
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return { ok: false, message: "Use an http:// or https:// address." };
    }
    const host = url.hostname.toLowerCase();
    if (!LOOPBACK_HOSTS.has(host) && !/^127(\.\d{1,3}){3}$/.test(host)) {
      return { ok: false, message: "emptor only talks to a service on this machine (127.0.0.1 or localhost)." };
    }
    if (url.username || url.password || url.search || url.hash || (url.pathname && url.pathname !== "/")) {
      return { ok: false, message: "Give only the scheme, host and port, e.g. http://127.0.0.1:8765." };
    }
    return { ok: true, url: `${url.protocol}//${url.host}` };
  }

  root.emptorLib = Object.assign(root.emptorLib || {}, { normalizeServiceUrl });
})(globalThis);
