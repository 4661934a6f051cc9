import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { test } from "node:test";

import {
  CDN_HOSTS,
  LIMITS,
  allowedUrl,
  artifactName,
  decodeAttribute,
  fetchPageResources,
  imageType,
  pageResources,
  resourcesFacts,
} from "../background/page-resources.js";
import { evidenceRecord } from "../background/evidence-record.js";

const FIXTURES = new URL("../../tests/fixtures/", import.meta.url);
const page = (name) => readFileSync(new URL(`pages/${name}`, FIXTURES), "utf8");
const image = (name) => new Uint8Array(readFileSync(new URL(`images/${name}`, FIXTURES)));
const PAGE_2026 = "ali_1005010171981745_uk_GBP_renderedDOM_2026-07.html";
const PAGE_2020 = "ali_32993251330_he_runParams_2020-07.html";

test("the real 2026 listing: its 19 stylesheets, then its main image and gallery, nothing else", () => {
  const found = pageResources(page(PAGE_2026), "https://www.aliexpress.com/item/1005010171981745.html");
  assert.equal(found.stylesheets.length, 19);
  assert.ok(found.stylesheets.every((url) => url.startsWith("https://assets.aliexpress-media.com/")));
  // The protocol-relative one resolves against the page.
  assert.ok(found.stylesheets.includes("https://assets.aliexpress-media.com/g/ae-fe/pdp-pc/0.2.134/css/index.css"));
  // The magnifier's large image first, its address as the browser reads it (&amp; decoded).
  assert.equal(found.images[0], "https://ae-pic-a1.aliexpress-media.com/kf/S61704a82fde248eda5f3516b2edfa4f07.jpg?has_lang=1&ver=1_960x960q75.jpg_.avif");
  assert.equal(found.images.length, 13);
  assert.ok(found.images.every((url) => new URL(url).hostname === "ae-pic-a1.aliexpress-media.com"));
  // Not the recommendations beside it ("slider-card-item"), nor the category menu's icons.
  assert.ok(!found.images.some((url) => url.includes("S260a62764694491c9cd9452bbf8505d5y") || url.includes("27x27")));
  assert.deepEqual(found.leftOut, []);
});

test("the real 2020 listing: the footer's stylesheet on another host is left out, saying why", () => {
  const found = pageResources(page(PAGE_2020), "https://he.aliexpress.com/item/32993251330.html");
  assert.equal(found.images[0], "https://ae01.alicdn.com/kf/HTB1.DiLM7voK1RjSZFDq6xY3pXam/Apple-iPhone-SE-A9-Dual-Core-2GB-RAM-16.jpg");
  assert.equal(found.images.length, 6);
  assert.ok(found.stylesheets.every((url) => new URL(url).hostname === "assets.alicdn.com"));
  assert.deepEqual(found.leftOut, [
    { url: "https://i.alicdn.com/ae-footer/20190918153024/buyer/front/ae-footer.css", why: "not on AliExpress's own hosts" },
  ]);
});

const PAGE_URL = "https://www.aliexpress.com/item/1.html";

test("a page names anything: only http(s) on AliExpress's CDN or the page's own origin is fetched", () => {
  const html = [
    '<link rel="stylesheet" href="https://evil.example/a.css">',
    '<link rel="stylesheet" href="/own.css">',
    '<link rel="alternate stylesheet" href="https://assets.alicdn.com/alt.css">',
    '<link rel="preload" href="https://assets.alicdn.com/preload.css">',
    '<link rel="STYLESHEET" href="//assets.alicdn.com/a.css?x=1&amp;y=2#top">',
    '<link rel=stylesheet href=https://assets.alicdn.com/a.css?x=1&y=2>',
    '<img src="javascript:alert(1)"><img src="data:image/png;base64,AAAA"><img src="ftp://ae01.alicdn.com/a.jpg">',
    '<img src="https://user:pass@ae01.alicdn.com/a.jpg"><img src="https://ae01.alicdn.com.evil.example/a.jpg">',
    '<img src="https://aeis.alicdn.com/fingerprint.png"><img src="http://ae01.alicdn.com/kf/ok.jpg"><img src="">',
  ].join("");
  const found = pageResources(html, PAGE_URL);
  assert.deepEqual(found.stylesheets, ["https://www.aliexpress.com/own.css", "https://assets.alicdn.com/a.css?x=1&y=2"]);
  assert.deepEqual(found.images, ["http://ae01.alicdn.com/kf/ok.jpg"]);
  assert.deepEqual(found.leftOut.map((entry) => entry.url), [
    "https://evil.example/a.css",
    "javascript:alert(1)",
    "ftp://ae01.alicdn.com/a.jpg",
    "https://user:pass@ae01.alicdn.com/a.jpg",
    "https://ae01.alicdn.com.evil.example/a.jpg",
    "https://aeis.alicdn.com/fingerprint.png",
  ]);
  assert.ok(found.leftOut.every((entry) => entry.why === "not on AliExpress's own hosts"));
  assert.equal(allowedUrl("https://www.aliexpress.com:8443/x.css", PAGE_URL), false); // another origin
  assert.equal(allowedUrl("not a url", PAGE_URL), false);
  assert.ok(CDN_HOSTS.every((host) => allowedUrl(`https://${host}/x`, PAGE_URL)));
});

test("the counts are capped, and what is past a cap is left out, saying so", () => {
  const links = Array.from({ length: 40 }, (_, i) => `<link rel="stylesheet" href="https://assets.alicdn.com/${i}.css">`);
  const images = Array.from({ length: 30 }, (_, i) => `<img src="https://ae01.alicdn.com/kf/${i}.jpg">`);
  const found = pageResources(links.join("") + images.join("") + images.join(""), PAGE_URL); // each image twice
  assert.equal(found.stylesheets.length, LIMITS.MAX_STYLESHEETS);
  assert.equal(found.images.length, LIMITS.MAX_IMAGES);
  assert.equal(found.leftOut.length, 40 - LIMITS.MAX_STYLESHEETS + 30 - LIMITS.MAX_IMAGES); // repeats are one
  assert.equal(found.leftOut[0].why, `beyond the ${LIMITS.MAX_STYLESHEETS} stylesheets kept`);
  assert.equal(found.leftOut.at(-1).why, `beyond the ${LIMITS.MAX_IMAGES} images kept`);
});

test("tags inside a kept <style> or script are text, not elements; the gallery ends where its element does", () => {
  const html =
    '<style>.a::after{content:"<img src=https://ae01.alicdn.com/kf/in-style.jpg>"}</style>' +
    '<script>document.write("<img src=https://ae01.alicdn.com/kf/in-script.jpg>")</script>' +
    '<div class="images-view-wrap"><div><img src="https://ae01.alicdn.com/kf/g1.jpg"></div><img src="https://ae01.alicdn.com/kf/g2.jpg"></div>' +
    '<img src="https://ae01.alicdn.com/kf/logo.png">' +
    '<div class="magnifier-wrap"><img class="zoom" src="https://ae01.alicdn.com/kf/main.jpg"></div>';
  assert.deepEqual(pageResources(html, PAGE_URL).images, [
    "https://ae01.alicdn.com/kf/main.jpg",
    "https://ae01.alicdn.com/kf/g1.jpg",
    "https://ae01.alicdn.com/kf/g2.jpg",
  ]);
  // Without a gallery every image counts (a page emptor does not know the layout of).
  assert.deepEqual(pageResources('<p><img src="https://ae01.alicdn.com/kf/a.png"></p>', PAGE_URL).images, ["https://ae01.alicdn.com/kf/a.png"]);
});

test("attribute values are decoded as the browser reads them", () => {
  assert.equal(decodeAttribute("a&amp;b&quot;c&#39;d&#x41;&lt;&gt;&nbsp;&unknown;&#0;"), "a&b\"c'dA<>\u00a0&unknown;&#0;");
});

test("an image's type comes from its bytes: the real JPEG, PNG, GIF and WebP files", () => {
  assert.equal(imageType(image("python.jpg")), "image/jpeg");
  assert.equal(imageType(image("python.png")), "image/png");
  assert.equal(imageType(image("python.gif")), "image/gif");
  assert.equal(imageType(image("python.webp")), "image/webp");
  const avif = new Uint8Array([0, 0, 0, 0x1c, ...new TextEncoder().encode("ftypavif"), 0, 0, 0, 0]);
  assert.equal(imageType(avif), "image/avif");
  assert.equal(imageType(new TextEncoder().encode("<html>not an image</html>")), null);
  assert.equal(imageType(new Uint8Array(0)), null);
  assert.equal(artifactName("text/css", 2), "style-2.css");
  assert.equal(artifactName("image/webp", 1), "image-1.webp");
});

test("the record lists what was left out, bounded", () => {
  const leftOut = Array.from({ length: 30 }, (_, i) => ({ url: `https://evil.example/${"x".repeat(400)}${i}`, why: "not on AliExpress's own hosts" }));
  const facts = resourcesFacts({ resources: [{}, {}], leftOut });
  assert.equal(facts.kept, 2);
  assert.equal(facts.left_out, 30);
  assert.equal(facts.left_out_listed.length, LIMITS.LISTED_LEFT_OUT);
  assert.ok(facts.left_out_listed.every((entry) => entry.url.length === LIMITS.LISTED_URL_CHARS + 1 && entry.url.endsWith("…")));
  // No query string: on an order page it may carry the shopper's ids.
  const listed = resourcesFacts({
    resources: [],
    leftOut: [
      { url: "https://evil.example/pixel.gif?buyer=12345&email=a%40b.c#x", why: "not on AliExpress's own hosts" },
      { url: "javascript:alert(document.cookie)", why: "not on AliExpress's own hosts" },
      { url: "::", why: "not on AliExpress's own hosts" },
    ],
  }).left_out_listed.map((entry) => entry.url);
  assert.deepEqual(listed, ["https://evil.example/pixel.gif", "javascript:…", "(not an address)"]);
});

// --- fetching, from a real HTTP server on 127.0.0.1 (the page's own origin there) ----------------

const JPEG = image("python.jpg");
const BIG = 5 * 1024 * 1024 - 1000; // under the per-image cap; four of them pass the total's

function serve(routes) {
  const server = createServer((request, response) => {
    const route = routes[new URL(request.url, "http://x").pathname];
    if (!route) {
      response.writeHead(404).end("no");
      return;
    }
    route(request, response);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const body = (type, bytes, headers = {}) => (request, response) => {
  response.writeHead(200, { "Content-Type": type, ...headers });
  response.end(Buffer.from(bytes));
};

test("fetching: each resource checked and bounded, a failure costs that one and says why", async () => {
  const cookies = [];
  const server = await serve({
    "/look.css": (request, response) => {
      cookies.push(request.headers.cookie ?? null);
      body("text/css; charset=utf-8", new TextEncoder().encode("h1{color:red}"))(request, response);
    },
    "/script.css": body("application/javascript", new TextEncoder().encode("alert(1)")),
    "/photo.jpg": body("image/avif", JPEG), // the CDN's type is not trusted: the bytes are a JPEG
    "/page.jpg": body("image/jpeg", new TextEncoder().encode("<html>robot check</html>")),
    "/moved.jpg": (request, response) => response.writeHead(302, { Location: "https://evil.example/x.jpg" }).end(),
    "/huge.jpg": body("image/jpeg", new Uint8Array(LIMITS.MAX_IMAGE_BYTES + 1)),
    "/liar.jpg": body("image/jpeg", JPEG, { "Content-Length": String(LIMITS.MAX_IMAGE_BYTES + 1) }),
    "/slow.jpg": () => {}, // never answers
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  const html =
    `<link rel="stylesheet" href="/look.css"><link rel="stylesheet" href="/script.css"><link rel="stylesheet" href="/gone.css">` +
    ["photo", "page", "moved", "huge", "liar", "slow"].map((name) => `<img src="/${name}.jpg">`).join("") +
    '<img src="https://evil.example/x.jpg">';
  const started = Date.now();
  try {
    const { resources, leftOut } = await fetchPageResources(html, `${origin}/item/1.html`);
    assert.deepEqual(
      resources.map(({ name, url, mediaType, bytes }) => [name, url, mediaType, bytes.length]),
      [
        ["style-1.css", `${origin}/look.css`, "text/css", 13],
        ["image-1.jpg", `${origin}/photo.jpg`, "image/jpeg", JPEG.length],
      ],
    );
    assert.deepEqual(cookies, [null]);
    const why = Object.fromEntries(leftOut.map((entry) => [entry.url.replace(origin, ""), entry.why]));
    assert.deepEqual(why, {
      "https://evil.example/x.jpg": "not on AliExpress's own hosts",
      "/script.css": "it is application/javascript, not text/css",
      "/gone.css": "the server answered 404",
      "/page.jpg": "it is not a JPEG, PNG, GIF, WebP or AVIF image",
      "/moved.jpg": "it could not be fetched",
      "/huge.jpg": "larger than 5 MB",
      "/liar.jpg": "larger than 5 MB",
      "/slow.jpg": "it took too long",
    });
    assert.ok(Date.now() - started < LIMITS.FETCH_TIMEOUT_MS + 2000, "one slow resource holds the save no longer than its timeout");
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test("fetching: all the resources together stay within the total", async () => {
  const server = await serve(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`/big-${i}.jpg`, body("image/jpeg", Uint8Array.from({ length: BIG }, (_, j) => (j < 3 ? [0xff, 0xd8, 0xff][j] : 0)))])));
  const origin = `http://127.0.0.1:${server.address().port}`;
  try {
    const html = Array.from({ length: 5 }, (_, i) => `<img src="/big-${i}.jpg">`).join("");
    const { resources, leftOut } = await fetchPageResources(html, `${origin}/item/1.html`);
    const total = resources.reduce((sum, resource) => sum + resource.bytes.length, 0);
    assert.equal(resources.length, Math.floor(LIMITS.MAX_TOTAL_BYTES / BIG));
    assert.ok(total <= LIMITS.MAX_TOTAL_BYTES);
    assert.equal(leftOut.length, 5 - resources.length);
    assert.ok(leftOut.every((entry) => entry.why === "past the 16 MB kept for the page's look"));
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test("an account page's images are the shopper's own: its stylesheets only are fetched", async () => {
  const asked = [];
  const server = await serve({
    "/look.css": (request, response) => {
      asked.push(request.url);
      body("text/css", new TextEncoder().encode("p{}"))(request, response);
    },
    "/chat-photo.jpg": (request, response) => {
      asked.push(request.url);
      body("image/jpeg", JPEG)(request, response);
    },
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  try {
    const html = '<link rel="stylesheet" href="/look.css"><img src="/chat-photo.jpg">';
    const { resources, leftOut } = await fetchPageResources(html, `${origin}/p/message/index.html`, { images: false });
    assert.deepEqual(resources.map((resource) => resource.name), ["style-1.css"]);
    assert.deepEqual(leftOut, []);
    assert.deepEqual(asked, ["/look.css"]);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test("the record names each stylesheet and image with its address; the page and screenshot have no url key", () => {
  const sha = "a".repeat(64);
  const record = evidenceRecord({
    url: "https://www.aliexpress.com/item/1005010171981745.html",
    browserTime: "2026-12-01T12:00:00.000Z",
    userAgent: "test",
    basis: null,
    artifacts: [
      { name: "page.html", sha256: sha, media_type: "text/html" },
      { name: "screenshot.png", sha256: sha, media_type: "image/png" },
      { name: "style-1.css", sha256: sha, media_type: "text/css", url: "https://assets.alicdn.com/a.css" },
    ],
  });
  assert.deepEqual(record.artifacts.map((artifact) => Object.keys(artifact).sort().join(",")), [
    "media_type,name,sha256",
    "media_type,name,sha256",
    "media_type,name,sha256,url",
  ]);
  assert.equal(record.artifacts[2].url, "https://assets.alicdn.com/a.css");
});
