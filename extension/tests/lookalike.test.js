import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { makeChecker, osa, safeTarget, typoKind } from "../lib/lookalike.js";

const data = JSON.parse(readFileSync(new URL("../lib/official-domains.json", import.meta.url), "utf8"));
const { check, skeleton } = makeChecker(data);

test("official hosts and their subdomains never warn", () => {
  for (const host of ["aliexpress.com", "www.aliexpress.com", "m.aliexpress.ru", "aliexpress.us", "ae01.alicdn.com",
    "intl.alipay.com", "retcode-us-west-1.arms.aliyuncs.com", "WWW.ALIEXPRESS.COM", "aliexpress.com."]) {
    const verdict = check(host);
    assert.equal(verdict.official, true, host);
    assert.equal(verdict.lookalike, false, host);
  }
});

test("unrelated sites never warn, shared hosting is not official as a whole", () => {
  for (const host of ["google.com", "express.com", "americanexpress.com", "globalpayments.com", "alibris.com",
    "aliyun.com", "xn--mnchen-3ya.de", "evil.aliyuncs.com", "akamaized.net"]) {
    const verdict = check(host);
    assert.equal(verdict.lookalike, false, host);
    assert.equal(verdict.official, false, host);
  }
});

test("each reason fires, naming the domain imitated and the home to go to", () => {
  const cases = {
    "aliexpress.shop": "other_tld",
    "aliexpress-sale.shop": "brand_keyword",
    "aliexpresdeals.com": "brand_keyword",
    "aliexpress.com.deals.top": "brand_subdomain",
    "ali.express.com": "split_brand",
    "aliexpres.com": "typo",
    "aliexespress.com": "typo",
    "xn--liexpress-41d.com": "homoglyph",
    "a1iexpress.com": "homoglyph",
  };
  for (const [host, code] of Object.entries(cases)) {
    const verdict = check(host);
    assert.equal(verdict.lookalike, true, host);
    assert.ok(verdict.reasons.some((reason) => reason.code === code), `${host}: ${JSON.stringify(verdict.reasons)}`);
    assert.equal(verdict.imitates, "aliexpress.com", host);
    assert.equal(verdict.home, "aliexpress.com", host);
  }
  assert.equal(check("aliexpresss.ru").imitates, "aliexpress.ru");
  assert.equal(check("alipau.com").imitates, "alipay.com");
});

test("punycode is decoded and said beside the reason", () => {
  const verdict = check("xn--liexpress-41d.com");
  assert.equal(verdict.unicode, "\u0251liexpress.com"); // a Latin alpha
  assert.deepEqual(verdict.reasons.map((reason) => reason.code), ["homoglyph", "punycode"]);
});

test("a label that is not valid punycode, which Chromium still opens, does not hide the others", () => {
  for (const host of ["xn--zz.aliexpress-login.shop", "xn--0.aliexpress-login.shop", "xn--99999999999.aliexpress-login.shop", "xn--.aliexpress-login.shop"]) {
    const verdict = check(host);
    assert.ok(verdict && verdict.lookalike, host);
    assert.equal(verdict.imitates, "aliexpress.com", host);
  }
  assert.equal(check("xn--zz.example.com").lookalike, false);
  assert.equal(check("a..aliexpress-login.shop"), null); // an empty label: not a host a browser opens
});

test("the fold maps confusables, diacritics and TR39's digits", () => {
  assert.equal(skeleton("\u0430l\u0456\u0435xpr\u0435ss"), "aliexpress");
  assert.equal(skeleton("a1iexpr\u00e9ss"), "aliexpress");
  assert.equal(skeleton("express"), "express");
});

test("the edit distance counts a swap of neighbours as one edit", () => {
  assert.equal(osa("ailexpress", "aliexpress"), 1);
  assert.equal(osa("aliexespress", "aliexpress"), 2);
  assert.equal(osa("", "abc"), 3);
  assert.match(typoKind("aliexprwss", "aliexpress"), /keyboard/);
  assert.match(typoKind("aliexpres", "aliexpress"), /omission/);
});

test("what is not a host name is not judged", () => {
  for (const host of ["", "localhost", "127.0.0.1", "[::1]", "a..com", null]) assert.equal(check(host), null, String(host));
});

test("the warning proceeds only to an http(s) address at the host that was judged", () => {
  assert.equal(safeTarget({ url: "http://aliexpress-sale.shop:8080/x?y=1", host: "aliexpress-sale.shop" }), "http://aliexpress-sale.shop:8080/x?y=1");
  assert.equal(safeTarget({ url: "javascript:alert(1)", host: "aliexpress-sale.shop" }), null);
  assert.equal(safeTarget({ url: "https://evil.example/", host: "aliexpress-sale.shop" }), null);
  assert.equal(safeTarget({ url: "https://aliexpress-sale.shop@evil.example/", host: "aliexpress-sale.shop" }), null);
  assert.equal(safeTarget({ url: "not an address", host: "x" }), null);
});

test("the vendored punycode is the pinned npm package's file, unchanged", () => {
  const vendored = readFileSync(new URL("../lib/vendor/punycode.js", import.meta.url));
  const published = readFileSync(new URL("../../node_modules/punycode/punycode.es6.js", import.meta.url));
  assert.ok(vendored.equals(published), "extension/lib/vendor/punycode.js differs from node_modules/punycode/punycode.es6.js");
  assert.match(vendored.toString(), /'version': '2\.3\.1'/);
});
