/*
 * The saved page's look (issue 10; docs/extension.md, "Saving evidence"): the listing's
 * stylesheets and its product images (the gallery and the main image), fetched by the service
 * worker from AliExpress's own hosts so that the pack replays the page as the shopper saw it. Each
 * becomes an artifact that carries its original address (server/evidence/resources.py), which the
 * pack writes as a web-archive response at that address.
 *
 * The page is untrusted: it can name any address, any number of them, and what comes back can be
 * anything. So only http(s) addresses on the hosts below or on the page's own origin are fetched,
 * without the shopper's cookies, without following redirects, a bounded number of them and of
 * bytes, and each must be the type it is kept as. A resource that fails costs that one resource;
 * the record says which were left out and why.
 *
 * The first part is pure (node --test extension/tests/page-resources.test.js); fetchPageResources
 * does the fetching.
 */

// AliExpress's CDN hosts that serve a listing's stylesheets and product images, as the captured
// listings use them (tests/fixtures/pages: 2020-2026): images on ae01/ae03/ae04.alicdn.com and
// ae-pic-a1.aliexpress-media.com, stylesheets on assets.alicdn.com, g.alicdn.com and
// assets.aliexpress-media.com. The same hosts are the manifest's host_permissions. Not the
// anti-bot hosts (aeis., aeu.alicdn.com) nor any other Alibaba host.
export const CDN_HOSTS = Object.freeze([
  "ae01.alicdn.com",
  "ae03.alicdn.com",
  "ae04.alicdn.com",
  "ae-pic-a1.aliexpress-media.com",
  "assets.alicdn.com",
  "g.alicdn.com",
  "assets.aliexpress-media.com",
]);

export const LIMITS = Object.freeze({
  // The 2026 listing (tests/fixtures/pages/ali_1005010171981745_uk_GBP_renderedDOM_2026-07.html)
  // links 19 stylesheets; 32 leaves room for a heavier page and stops a page naming thousands.
  MAX_STYLESHEETS: 32,
  // A listing's gallery holds six images in every capture (imagePathList, 2024-2026), shown as
  // thumbnails beside one large image: the 2026 page's gallery has 13 <img> (the large one, 11
  // thumbnails, a video's icon); 16 keeps them all.
  MAX_IMAGES: 16,
  // What the service accepts for each (server/evidence/resources.py, LIMITS): 2 MB a stylesheet,
  // 5 MB an image.
  MAX_STYLESHEET_BYTES: 2 * 1024 * 1024,
  MAX_IMAGE_BYTES: 5 * 1024 * 1024,
  // All of them together: no more than the page itself may be (EVIDENCE.MAX_PAGE_BYTES).
  MAX_TOTAL_BYTES: 16 * 1024 * 1024,
  // Chromium opens at most six connections to one host over HTTP/1.1
  // (net/socket/client_socket_pool_manager.cc, g_max_sockets_per_group): more gains nothing.
  CONCURRENCY: 6,
  // Uploads to the service at once: each waits on the service's disk flush (fsync), so one after
  // another 32 of them took seconds; the service answers on four threads (server/config.py,
  // SERVE_THREADS), of which this leaves one for the rest.
  UPLOADS: 3,
  // One slow resource, and all of them: a save waits at most this long for the page's look.
  FETCH_TIMEOUT_MS: 5000,
  TOTAL_TIMEOUT_MS: 10000,
  // How many left-out addresses the record lists (it counts them all), each cut to this length.
  LISTED_LEFT_OUT: 20,
  LISTED_URL_CHARS: 300,
});

// Class names of the elements holding a listing's gallery and main image, as the captured pages
// name them: "magnifier-image", "images-view-…" (2020-2022), "main-image--…", "image-view-v2--…",
// "slider--…", "magnifier--…" (2025-2026; not "slider-card-item", the recommendations). The main
// image is the magnifier's, kept first.
const GALLERY_CLASS = /^(main-image|image-view|images-view|magnifier|slider--|gallery)/i;
const MAIN_CLASS = /^magnifier/i;
const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
// Elements whose content is text, not tags (a kept <style>'s CSS, a kept script).
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "noscript"]);
const TOKEN = /<!--[\s\S]*?-->|<(\/?)([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
const ATTRIBUTE = /([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>`]+)))?/g;
const ENTITIES = { amp: "&", quot: '"', apos: "'", lt: "<", gt: ">", nbsp: "\u00a0" };

/** An attribute's value as the browser reads it (the entities a serialiser writes decoded). */
export function decodeAttribute(value) {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (match, name) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
    }
    return ENTITIES[name.toLowerCase()] ?? match;
  });
}

function attributesOf(text) {
  const attributes = new Map();
  for (const [, name, double, single, bare] of text.matchAll(ATTRIBUTE)) {
    const key = name.toLowerCase();
    if (!attributes.has(key)) attributes.set(key, decodeAttribute(double ?? single ?? bare ?? ""));
  }
  return attributes;
}

/** Whether `url` may be fetched for a page at `pageUrl`: http(s), on a CDN host or the page's own
 * origin. */
export function allowedUrl(url, pageUrl) {
  let address, page;
  try {
    address = new URL(url);
    page = new URL(pageUrl);
  } catch {
    return false;
  }
  if (address.protocol !== "https:" && address.protocol !== "http:") return false;
  if (address.username || address.password) return false;
  return CDN_HOSTS.includes(address.hostname) || address.origin === page.origin;
}

function resolved(raw, pageUrl) {
  const value = (raw || "").trim();
  if (!value) return null;
  try {
    const url = new URL(value, pageUrl);
    url.hash = "";
    return url.href;
  } catch {
    return null;
  }
}

/**
 * The resources worth keeping of a page serialised as `html` (the content script's snapshot with
 * its styles) at `pageUrl`: {stylesheets, images, leftOut}. `stylesheets`: every
 * <link rel=stylesheet>'s address; `images`: the <img> addresses inside the gallery and main image
 * (elements whose class begins as GALLERY_CLASS says), or every <img> when the page has no such
 * element; each list without repeats, in page order, allowed (allowedUrl) and cut to its cap.
 * `leftOut`: [{url, why}] for each address not kept.
 */
export function pageResources(html, pageUrl) {
  const stylesheets = [];
  const main = [];
  const gallery = [];
  const anywhere = [];
  const leftOut = [];
  const stack = []; // open elements: whether each is (inside) the gallery
  let rawUntil = null; // the closing tag of the raw-text element being skipped
  for (const match of String(html).matchAll(TOKEN)) {
    const [whole, closing, tagName, rest] = match;
    if (!tagName) continue; // a comment
    const name = tagName.toLowerCase();
    if (rawUntil) {
      if (closing && name === rawUntil) rawUntil = null;
      continue;
    }
    if (closing) {
      const at = stack.map((entry) => entry.name).lastIndexOf(name);
      if (at >= 0) stack.length = at;
      continue;
    }
    const attributes = attributesOf(rest);
    const classes = (attributes.get("class") || "").split(/\s+/);
    const parent = stack.length > 0 ? stack[stack.length - 1] : { gallery: false, main: false };
    const inGallery = parent.gallery || classes.some((token) => GALLERY_CLASS.test(token));
    const inMain = parent.main || classes.some((token) => MAIN_CLASS.test(token));
    if (name === "link") {
      const rel = (attributes.get("rel") || "").toLowerCase().split(/\s+/);
      const url = resolved(attributes.get("href"), pageUrl);
      if (rel.includes("stylesheet") && !rel.includes("alternate") && url) stylesheets.push(url);
    } else if (name === "img") {
      const url = resolved(attributes.get("src"), pageUrl);
      if (url && !url.startsWith("data:")) (inMain ? main : inGallery ? gallery : anywhere).push(url);
    }
    if (RAW_TEXT.has(name)) rawUntil = name;
    else if (!VOID.has(name) && !whole.endsWith("/>")) stack.push({ name, gallery: inGallery, main: inMain });
  }
  const keep = (urls, cap, what) => {
    const kept = [];
    for (const url of new Set(urls)) {
      if (!allowedUrl(url, pageUrl)) leftOut.push({ url, why: "not on AliExpress's own hosts" });
      else if (kept.length >= cap) leftOut.push({ url, why: `beyond the ${cap} ${what} kept` });
      else kept.push(url);
    }
    return kept;
  };
  return {
    stylesheets: keep(stylesheets, LIMITS.MAX_STYLESHEETS, "stylesheets"),
    images: keep(main.length || gallery.length ? [...main, ...gallery] : anywhere, LIMITS.MAX_IMAGES, "images"),
    leftOut,
  };
}

const SIGNATURES = [
  ["image/jpeg", (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ["image/png", (b) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((byte, i) => b[i] === byte)],
  ["image/gif", (b) => ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a"],
  ["image/webp", (b) => ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP"],
  ["image/avif", (b) => ascii(b, 4, 8) === "ftyp" && ["avif", "avis"].includes(ascii(b, 8, 12))],
];

function ascii(bytes, from, to) {
  return String.fromCharCode(...bytes.subarray(from, to));
}

/** The image type `bytes` begin as (JPEG, PNG, GIF, WebP, AVIF: the service's signatures,
 * server/evidence/resources.py), or null. The bytes decide, not the server's Content-Type. */
export function imageType(bytes) {
  const found = SIGNATURES.find(([, matches]) => matches(bytes));
  return found ? found[0] : null;
}

const EXTENSIONS = { "text/css": "css", "image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp", "image/avif": "avif" };

/** The artifact's name: style-1.css, image-3.webp… (plain names, unique in the record). */
export function artifactName(mediaType, number) {
  return `${mediaType === "text/css" ? "style" : "image"}-${number}.${EXTENSIONS[mediaType]}`;
}

/** An address as the record lists it: without its query or fragment, which on an order page may
 * carry the shopper's ids (the record is not redacted as the page is), cut to LISTED_URL_CHARS. */
function listedAddress(url) {
  let address;
  try {
    const parsed = new URL(url);
    address = parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.origin + parsed.pathname : parsed.protocol + "…";
  } catch {
    address = "(not an address)";
  }
  return address.length > LIMITS.LISTED_URL_CHARS ? address.slice(0, LIMITS.LISTED_URL_CHARS) + "…" : address;
}

/** What the record's facts say of the page's resources: how many were kept, and which were left
 * out and why (the first LISTED_LEFT_OUT, each address as listedAddress gives it). */
export function resourcesFacts({ resources, leftOut }) {
  return {
    kept: resources.length,
    left_out: leftOut.length,
    left_out_listed: leftOut.slice(0, LIMITS.LISTED_LEFT_OUT).map(({ url, why }) => ({ url: listedAddress(url), why })),
  };
}

// --- fetching ------------------------------------------------------------------------------------

class LeftOut extends Error {}

/** The body of `response`, refused as soon as it passes `cap` bytes or the shared budget. */
async function boundedBody(response, cap, budget) {
  const declared = Number(response.headers.get("Content-Length"));
  if (declared > cap) throw new LeftOut(`larger than ${cap / 1024 / 1024} MB`);
  const reader = response.body.getReader();
  const chunks = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      budget.used += value.length;
      if (size > cap) throw new LeftOut(`larger than ${cap / 1024 / 1024} MB`);
      if (budget.used > LIMITS.MAX_TOTAL_BYTES) throw new LeftOut(`past the ${LIMITS.MAX_TOTAL_BYTES / 1024 / 1024} MB kept for the page's look`);
      chunks.push(value);
    }
  } catch (error) {
    budget.used -= size;
    reader.cancel().catch(() => {});
    throw error;
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

async function fetchOne(url, kind, budget, deadline, fetchImpl) {
  const remaining = deadline - Date.now();
  if (remaining <= 0) throw new LeftOut(`not fetched within ${LIMITS.TOTAL_TIMEOUT_MS / 1000} s`);
  let response;
  try {
    // No cookies: a stylesheet or an image needs none, and the CDN learns nothing of the shopper.
    // No redirects: where one leads is not on the list.
    response = await fetchImpl(url, {
      credentials: "omit",
      redirect: "error",
      signal: AbortSignal.timeout(Math.min(LIMITS.FETCH_TIMEOUT_MS, remaining)),
    });
  } catch (error) {
    throw new LeftOut(error && error.name === "TimeoutError" ? "it took too long" : "it could not be fetched");
  }
  if (response.status !== 200) {
    response.body?.cancel().catch(() => {});
    throw new LeftOut(`the server answered ${response.status}`);
  }
  const declaredType = (response.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
  if (kind === "stylesheet" && declaredType !== "text/css") {
    response.body?.cancel().catch(() => {});
    throw new LeftOut(`it is ${declaredType || "of no type"}, not text/css`);
  }
  const cap = kind === "stylesheet" ? LIMITS.MAX_STYLESHEET_BYTES : LIMITS.MAX_IMAGE_BYTES;
  let bytes;
  try {
    bytes = await boundedBody(response, cap, budget);
  } catch (error) {
    if (error instanceof LeftOut) throw error;
    throw new LeftOut(error && error.name === "TimeoutError" ? "it took too long" : "it could not be read whole");
  }
  if (bytes.length === 0) throw new LeftOut("it is empty");
  const mediaType = kind === "stylesheet" ? "text/css" : imageType(bytes);
  if (!mediaType) {
    budget.used -= bytes.length;
    throw new LeftOut("it is not a JPEG, PNG, GIF, WebP or AVIF image");
  }
  return { url, mediaType, bytes };
}

/**
 * Fetch the resources pageResources finds in `html` (at `pageUrl`), CONCURRENCY at a time,
 * within the limits above. Resolves to {resources: [{name, url, mediaType, bytes}], leftOut:
 * [{url, why}]}, the stylesheets first, then the images, in page order; never rejects (each
 * failure is one entry of leftOut). `fetchImpl`: the fetch to use (the worker's own by default);
 * `images`: false for the stylesheets only.
 */
export async function fetchPageResources(html, pageUrl, { fetchImpl = globalThis.fetch.bind(globalThis), images = true } = {}) {
  const found = pageResources(html, pageUrl);
  if (!images) found.images = []; // not left out: not wanted (an account page's are the shopper's own)
  const wanted = [
    ...found.stylesheets.map((url) => ({ url, kind: "stylesheet" })),
    ...found.images.map((url) => ({ url, kind: "image" })),
  ];
  const outcomes = new Array(wanted.length);
  const budget = { used: 0 };
  const deadline = Date.now() + LIMITS.TOTAL_TIMEOUT_MS;
  let next = 0;
  async function worker() {
    while (next < wanted.length) {
      const at = next++;
      const { url, kind } = wanted[at];
      try {
        outcomes[at] = await fetchOne(url, kind, budget, deadline, fetchImpl);
      } catch (error) {
        outcomes[at] = { url, why: error instanceof LeftOut ? error.message : "it could not be fetched" };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(LIMITS.CONCURRENCY, wanted.length) }, worker));
  const resources = [];
  const leftOut = [...found.leftOut];
  const numbers = { style: 0, image: 0 };
  for (const outcome of outcomes) {
    if (!outcome.bytes) leftOut.push(outcome);
    else {
      const number = ++numbers[outcome.mediaType === "text/css" ? "style" : "image"];
      resources.push({ ...outcome, name: artifactName(outcome.mediaType, number) });
    }
  }
  return { resources, leftOut };
}
