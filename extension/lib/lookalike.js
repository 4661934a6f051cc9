/*
 * Does a host name imitate an official AliExpress domain? The extension's own copy of the
 * service's check (server/domains.py), run on every top-level navigation before the address
 * leaves the browser; pure (no chrome.* here), so node --test runs it and
 * tests/test_lookalike_extension.py holds its answers to the service's over a corpus.
 *
 * The data is lib/official-domains.json (tools/official_domains.py writes it from the service's
 * lists): official registrable domains and exact hosts, the brands, and `confusable_letters`, the
 * characters whose Unicode TR39 skeleton (diacritics removed) is ASCII letters or digits.
 *
 * What it does without the service's two libraries:
 * - No Public Suffix List (tldextract's snapshot is 200 kB and changes monthly): every label but
 *   the last is judged, the same tests the service applies to the registrable name and to the
 *   labels left of it. A label inside a multi-label suffix (co.uk, github.io) is judged too,
 *   which changes nothing unless a suffix itself spells a brand; the reason's name may differ
 *   (brand_subdomain for aliexpress.github.io, where the service says other_tld), the verdict
 *   does not. A host that ends in no public suffix (aliexpress.lan) is judged here and refused
 *   by the service (docs/extension.md, "Lookalike shops", lists the differences).
 * - No full TR39 skeleton (disarm): the character table folds a character to the ASCII letters
 *   of its skeleton (а to a, ß to ss), one character at a time.
 */
import { toUnicode } from "./vendor/punycode.js";

// The numbers of server/domains.py, with the sources cited there: one edit for names of 5
// letters or more (Chrome's lookalike check), two for 10 or more (dnstwist's plural family), and
// fuzzy matching inside longer words only for names of 8 or more.
export const MAX_EDITS = 1;
export const MIN_LENGTH_FOR_EDITS = 5;
export const MAX_EDITS_LONG = 2;
export const MIN_LENGTH_FOR_TWO_EDITS = 10;
export const MIN_LENGTH_FOR_FUZZY_PARTS = 8;
// TR39's digit classes, the only ASCII characters whose skeleton differs (server/domains.py
// skeleton(); the data's table holds non-ASCII characters only).
const ASCII_CONFUSABLES = { 0: "o", 1: "l" };
const VOWELS = new Set("aeiou");
// Letters spaced out with hyphens, which no edit distance reaches (server/domains.py SPACED_OUT).
const SPACED_OUT = "hyphens between its letters";
// The three keyboard layouts dnstwist's replacement fuzzer uses (qwerty, qwertz, azerty).
const KEYBOARDS = [
  ["1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm"],
  ["1234567890-", "qwertzuiop", "asdfghjkl", "yxcvbnm"],
  ["1234567890-", "azertyuiop", "qsdfghjklm", "wxcvbn"],
];

// Edits are counted by characters, as rapidfuzz counts them: a character beyond the BMP is two
// UTF-16 units, so a string holding one is split into characters (the rest, nearly every host, is
// used as it is: splitting every label made the check 1.5 times slower).
const SURROGATE = /[\uD800-\uDFFF]/;
function characters(text) {
  return SURROGATE.test(text) ? Array.from(text) : text;
}

/** Optimal string alignment distance (the service's rapidfuzz OSA): edits, with a swap of two
 * neighbours counted as one. Written out here because the extension has no bundler and the
 * strings are at most 63 characters (a label). */
export function osa(first, second) {
  return distance(characters(first), characters(second));
}

/** osa() of two strings or arrays of characters, as they are. */
function distance(a, b) {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = Array.from({ length: rows }, (_, i) => {
    const row = new Array(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j += 1) d[0][j] = j;
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

function neighbours(a, b) {
  return KEYBOARDS.some((rows) =>
    rows.some((row, r) => {
      const i = row.indexOf(a);
      if (i < 0) return false;
      for (let rr = Math.max(r - 1, 0); rr < Math.min(r + 2, rows.length); rr += 1) {
        if (b !== a && rows[rr].slice(Math.max(i - 1, 0), i + 2).includes(b)) return true;
      }
      return false;
    }),
  );
}

/** How `seen` is one edit from `name`, in dnstwist's family names (server/domains.py typo_kind). */
export function typoKind(seenText, nameText) {
  if (osa(seenText, nameText) > 1) return "two letters changed, added or left out";
  const seen = Array.from(seenText); // only for a host already judged a typo: not on the hot path
  const name = Array.from(nameText);
  if (seen.length === name.length - 1) return "a letter left out (omission)";
  if (seen.length === name.length + 1) {
    let i = 0;
    while (i < name.length && seen[i] === name[i]) i += 1;
    const added = seen[i];
    if (added === "-") return "a hyphen added (hyphenation)";
    if ((i > 0 && seen[i - 1] === added) || seen[i + 1] === added) return "a letter doubled (repetition)";
    return "a letter added (insertion)";
  }
  const diffs = name.map((_, i) => i).filter((i) => seen[i] !== name[i]);
  if (diffs.length === 2) return "two letters swapped (transposition)";
  const a = name[diffs[0]];
  const b = seen[diffs[0]];
  if (VOWELS.has(a) && VOWELS.has(b)) return `a vowel changed, '${a}' to '${b}' (vowel swap)`;
  if (neighbours(a, b)) return `'${a}' typed as the key next to it, '${b}' (keyboard typo)`;
  const bits = (a.codePointAt(0) ^ b.codePointAt(0)).toString(2).replace(/0/g, "").length;
  if (bits === 1) return `'${a}' changed to '${b}', one bit apart (bitsquatting)`;
  return `'${a}' changed to '${b}' (replacement)`;
}

function editsAllowed(brand) {
  if (brand.length >= MIN_LENGTH_FOR_TWO_EDITS) return MAX_EDITS_LONG;
  return brand.length >= MIN_LENGTH_FOR_EDITS ? MAX_EDITS : 0;
}

/**
 * The checker for one copy of the data (lib/official-domains.json, parsed).
 * `check(host)` takes the host as the browser gives it (ASCII, punycode for international
 * names) and answers {domain, unicode, official, lookalike, imitates, brand, home, reasons}, the
 * service's answer's shape plus the brand's name and home; null for a host it cannot read.
 */
export function makeChecker(data) {
  const registrable = data.registrable;
  const hosts = new Set(data.hosts);
  const table = data.confusable_letters;
  const brands = data.brands;

  function skeleton(text) {
    let out = "";
    for (const char of text.normalize("NFD").replace(/\p{M}/gu, "")) {
      out += ASCII_CONFUSABLES[char] || table[char] || char;
    }
    return out.toLowerCase();
  }

  function match(label, brand) {
    if (label === brand) return { how: "exact" };
    const folded = skeleton(label);
    if (folded === brand) return { how: "homoglyph" };
    const edits = editsAllowed(brand);
    const chars = characters(folded);
    if (edits && Math.abs(chars.length - brand.length) <= edits && distance(chars, brand) <= edits) {
      // eslint-disable-next-line no-control-regex
      const plain = /^[\x00-\x7f]*$/.test(label);
      return { how: !plain && folded !== label ? "homoglyph+typo" : "typo", detail: typoKind(folded, brand) };
    }
    if (folded.includes("-") && folded.replaceAll("-", "") === brand) return { how: "typo", detail: SPACED_OUT };
    return null;
  }

  function parts(label, brand) {
    const folded = skeleton(label);
    if (folded.includes(brand)) return { how: label.includes(brand) ? "exact" : "homoglyph" };
    for (const part of label.split("-")) {
      if (!part || part === label) continue;
      const found = match(part, brand);
      if (found) return found;
    }
    if (brand.length >= MIN_LENGTH_FOR_FUZZY_PARTS) {
      const chars = characters(folded);
      for (const width of [brand.length - 1, brand.length + 1]) {
        for (let start = 0; start + width <= chars.length; start += 1) {
          const piece = chars.slice(start, start + width);
          if (distance(piece, brand) <= MAX_EDITS) {
            return { how: "typo", detail: typoKind(typeof piece === "string" ? piece : piece.join(""), brand) };
          }
        }
      }
    }
    if (folded.includes("-") && folded.replaceAll("-", "").includes(brand)) return { how: "typo", detail: SPACED_OUT };
    return null;
  }

  function spelled(found, label, brand) {
    if (found.how === "exact") return `“${brand}”`;
    if (found.how === "homoglyph") return `“${label}”, which looks like “${brand}”`;
    return `“${label}”, “${brand}” with ${found.detail}`;
  }

  function reasonsFor(labels, brand) {
    // Every label but the last (always a suffix) is judged: see the module's comment.
    const judged = labels.slice(0, -1);
    const last = judged.length - 1;
    for (let i = 0; i < judged.length; i += 1) {
      const label = judged[i];
      const whole = match(label, brand.name);
      const rest = labels.slice(i + 1).join(".");
      if (whole && whole.how === "exact") {
        const code = i === last ? "other_tld" : "brand_subdomain";
        return [{ code, message: `“${brand.name}” stands to the left of ${rest}, which AliExpress does not use: its sites are ${brand.domains.join(", ")}.` }];
      }
      if (whole && whole.how === "homoglyph") {
        return [{ code: "homoglyph", message: `“${label}” is written with characters that look like “${brand.name}” but are not the same letters.` }];
      }
      if (whole) {
        const reasons = [{ code: "typo", message: `“${label}” is “${brand.name}” with ${whole.detail}.` }];
        if (whole.how.startsWith("homoglyph")) reasons.unshift({ code: "homoglyph", message: `“${label}” mixes in characters that look like Latin letters.` });
        return reasons;
      }
      const inner = parts(label, brand.name);
      if (inner) {
        const code = i === last ? "brand_keyword" : "brand_subdomain";
        return [{ code, message: `${labels.slice(i).join(".")} puts ${spelled(inner, label, brand.name)} beside other words; AliExpress's own sites are ${brand.domains.join(", ")}.` }];
      }
    }
    // ali.express.com: the name cut by a dot (dnstwist's subdomain family).
    for (let start = 0; start < judged.length - 1; start += 1) {
      for (let end = start + 2; end <= judged.length; end += 1) {
        const joined = judged.slice(start, end).join("");
        if (joined.length > brand.name.length + 1) break;
        if (skeleton(joined) === brand.name) {
          return [{ code: "split_brand", message: `“${judged.slice(start, end).join(".")}” is “${brand.name}” cut by a dot.` }];
        }
      }
    }
    return [];
  }

  function isOfficial(host) {
    return hosts.has(host) || registrable.some((d) => host === d || host.endsWith("." + d));
  }

  function imitated(brand, labels) {
    const tld = labels[labels.length - 1];
    return brand.domains.find((d) => d.slice(d.indexOf(".") + 1) === tld) || brand.home;
  }

  function check(rawHost) {
    if (typeof rawHost !== "string") return null;
    const host = rawHost.toLowerCase().replace(/\.$/, "");
    if (!host || host.length > 253 || !host.includes(".") || /^[\d.]+$/.test(host) || host.includes(":")) return null;
    if (host.split(".").some((label) => !label)) return null;
    // Label by label: Chromium resolves an ASCII host whose "xn--" label is not valid punycode
    // (whatwg/url issues 760 and 821), so one such label must not hide the others; it is judged
    // as it is written.
    const labels = host.split(".").map((label) => {
      if (!label.startsWith("xn--")) return label;
      try {
        return toUnicode(label) || label;
      } catch {
        return label;
      }
    });
    const unicode = labels.join(".");
    const verdict = { domain: host, unicode, official: false, lookalike: false, imitates: null, brand: null, home: null, reasons: [] };
    if (isOfficial(host)) return { ...verdict, official: true };
    for (const brand of brands) {
      const reasons = reasonsFor(labels, brand);
      if (reasons.length) {
        if (host.split(".").some((label) => label.startsWith("xn--"))) {
          reasons.push({ code: "punycode", message: `The address is written ${host} (punycode): the browser may show it as ${unicode}.` });
        }
        return { ...verdict, lookalike: true, imitates: imitated(brand, labels), brand: brand.name, home: brand.home, reasons };
      }
    }
    return verdict;
  }

  return { check, skeleton, isOfficial };
}

/** Where "open it anyway" may go: the warning's recorded address, only if it is http(s) at the
 * host that was judged (the record is the worker's, but the page checks before it navigates). */
export function safeTarget(record) {
  try {
    const url = new URL(record.url);
    if ((url.protocol === "http:" || url.protocol === "https:") && url.hostname === record.host) return url.href;
  } catch {
    // not an address: nothing to open
  }
  return null;
}
