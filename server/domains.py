"""Does a host name imitate an official marketplace domain? (issue 11, "Lookalike and phishing warnings")

One implementation for every path: ``GET /api/v1/domain-check`` (server/api/domains.py), ``emptor
check-domain`` (server/cli.py) and the benchmark (bench/domains.py). The official lists are
server/data/official_domains.json, built by tools/official_domains.py from the domain inventory
(server/data/aliexpress_domains.tsv); the extension carries a copy of the same lists.

How a host is read: one host name, not an address (:func:`parse_host` refuses a URL, an IP
literal, a port, spaces and control characters, each with a sentence saying what to send);
IDNA 2008 with UTS #46 mapping (the ``idna`` package) for the Unicode and punycode forms; the
Public Suffix List's bundled snapshot (tldextract, never fetched, private suffixes such as
``blogspot.com`` included so that each customer's site is its own registrable domain) for the
registrable domain.

What makes a lookalike, each a reason with a code (the same families dnstwist generates, and the
match types of Chrome's lookalike interstitial, components/lookalikes/core/lookalike_url_util.h):

- ``homoglyph``: the name's TR39 skeleton (Unicode confusables, via disarm; diacritics removed
  first, as Chrome's IDN spoof checker does) is a protected name's, but the name is not;
- ``punycode``: said beside another reason when the imitating name is an internationalised one,
  which the browser shows in Unicode;
- ``typo``: one edit from a protected name (optimal string alignment distance, rapidfuzz), named
  by its kind: a letter left out, added, doubled, swapped with its neighbour, replaced by a key
  next to it, a vowel for a vowel, a flipped bit, a hyphen; or the name spaced out with hyphens
  (``a-l-i-e-x-p-r-e-s-s``);
- ``brand_keyword``: the protected name, or a typo or homoglyph of it, with other words in the
  registrable name (``aliexpress-sale.shop``);
- ``brand_subdomain``: the same in a label to the left of another registrable domain
  (``aliexpress.com.deals.top``);
- ``split_brand``: the name cut by a dot (``ali.express.com``);
- ``other_tld``: the exact name under a suffix the brand does not use (``aliexpress.shop``).

An official host (a registrable domain of the list, any host under it, or an exact host of the
list on shared hosting) is never a lookalike. Shared hosting (``aliyuncs.com``, ``akamaized.net``)
is never trusted as a whole.
"""

from __future__ import annotations

import ipaddress
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import idna
import tldextract
from disarm import skeleton_key
from rapidfuzz.distance import OSA

from .problems import InvalidRequest

DATA_FILE = Path(__file__).with_name("data") / "official_domains.json"

# RFC 1035 section 2.3.4: at most 63 octets a label, 255 octets a name on the wire, which is 253
# characters of dotted text.
MAX_LABEL = 63
MAX_NAME = 253
# A typo is one edit away. Chrome's lookalike check uses the same distance for its top domains
# (lookalike_url_util.cc, IsLikelyEditDistanceFalsePositive/kMinE2LDLengthForEditDistance: names
# of 5 characters or more), and one edit covers every dnstwist family but the homoglyph one,
# which the skeleton handles.
MAX_EDITS = 1
MIN_LENGTH_FOR_EDITS = 5
# Two edits for names of 10 characters or more (aliexpress): dnstwist's plural family
# (aliexespress) and two ASCII look-alike letters (aiicxpress) are two edits away, and no real
# domain of the benchmark's lists is within two of "aliexpress" (docs/performance.md,
# "Lookalike domains"). Chrome allows no more than one; a 10-letter name leaves more room.
MAX_EDITS_LONG = 2
MIN_LENGTH_FOR_TWO_EDITS = 10
# Fuzzy matching inside a longer name (``aliexpresdeals``) only for names long enough that one
# edit within them rarely lands on an ordinary word: "alipay" is one edit from the "alpay" of
# "globalpayments" (docs/performance.md, "Lookalike domains", counts the false warnings).
MIN_LENGTH_FOR_FUZZY_PARTS = 8

_WHITESPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
# WHATWG URL, "ends in a number checker": a host whose last label is digits or 0x-hex is an IPv4
# address to a browser (0x7f000001, 2130706433, 0177.0.0.1, 127.1).
_NUMERIC_LABEL = re.compile(r"(?:[0-9]+|0x[0-9a-f]*)", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_VOWELS = set("aeiou")
# The three layouts dnstwist's replacement fuzzer uses (qwerty, qwertz, azerty), row by row.
_KEYBOARDS = (
    ("1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm"),
    ("1234567890-", "qwertzuiop", "asdfghjkl", "yxcvbnm"),
    ("1234567890-", "azertyuiop", "qsdfghjklm", "wxcvbn"),
)


class BadDomain(InvalidRequest):
    """The text is not one host name (the request's ``domain``)."""

    def __init__(self, code: str, message: str, field: str | None = "domain"):
        super().__init__(code, message, field=field)


@dataclass(frozen=True)
class Reason:
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class Verdict:
    domain: str  # the host as checked: lower case, ASCII (punycode)
    unicode: str  # as a browser may show it
    official: bool
    lookalike: bool
    imitates: str | None
    reasons: tuple[Reason, ...] = field(default=())

    def as_dict(self) -> dict:
        return {"domain": self.domain, "unicode": self.unicode, "official": self.official,
                "lookalike": self.lookalike, "imitates": self.imitates,
                "reasons": [reason.as_dict() for reason in self.reasons]}


@dataclass(frozen=True)
class Brand:
    name: str
    home: str
    domains: tuple[str, ...]


@dataclass(frozen=True)
class Official:
    registrable: frozenset[str]
    hosts: frozenset[str]
    never_trusted: frozenset[str]
    brands: tuple[Brand, ...]
    suffixes: dict[str, frozenset[str]]  # brand name -> the suffixes it uses


@lru_cache(maxsize=1)
def official() -> Official:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    brands = tuple(Brand(b["name"], b["home"], tuple(b["domains"])) for b in data["brands"])
    return Official(frozenset(data["registrable"]), frozenset(data["hosts"]), frozenset(data["never_trusted"]),
                    brands, {b.name: frozenset(d.split(".", 1)[1] for d in b.domains) for b in brands})


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # No cache directory and no list addresses: the snapshot bundled with tldextract, never a
    # download (tldextract's TLDExtract docstring: "To disable HTTP requests, set this to an
    # empty sequence"; cache_dir=None writes nothing).
    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), include_psl_private_domains=True)


def skeleton(text: str) -> str:
    """What ``text`` looks like: diacritics removed (NFD, combining marks dropped), then the
    UTS #39 skeleton with its digit classes (1 and l, 0 and o), lower case."""
    bare = "".join(char for char in unicodedata.normalize("NFD", text) if not unicodedata.combining(char))
    return skeleton_key(bare, digit_policy="tr39").lower()


# ---------------------------------------------------------------------------------------------
# Reading the input


def _looks_like_url(text: str) -> str | None:
    """The host of an address given instead of a host name, or None when ``text`` is not one."""
    scheme = _SCHEME.match(text)
    # "host:443" matches the scheme pattern too (a scheme may hold dots): digits after the colon are a port.
    if text.startswith("//") or (scheme and not text[scheme.end():].isdigit()):
        from urllib.parse import urlsplit

        try:
            return urlsplit(text if scheme else "http:" + text).hostname or ""
        except ValueError:
            return ""
    if any(char in text for char in "/?#@"):
        return text.split("@")[-1].split("/")[0].split("?")[0].split("#")[0]
    return None


def _ip_literal(text: str) -> bool:
    candidate = text.strip("[]")
    try:
        ipaddress.ip_address(candidate)
        return True
    except ValueError:
        pass
    last = text.rstrip(".").rsplit(".", 1)[-1]
    return bool(_NUMERIC_LABEL.fullmatch(last))


def parse_host(text) -> tuple[str, str]:
    """``(ascii, unicode)`` forms of one host name, lower case, without a final dot.

    :raises BadDomain: with a sentence naming what is wrong (``missing_domain``, ``domain_is_url``,
        ``domain_is_ip``, ``bad_domain``).
    """
    if not isinstance(text, str) or not text.strip():
        raise BadDomain("missing_domain", "Give a host name to check, such as aliexpress.com.")
    if len(text) > 4 * MAX_NAME:  # refused before any work: no host name is this long in any form
        raise BadDomain("bad_domain", f"The host name is {len(text):,} characters long; a host name has at most {MAX_NAME}.")
    if _WHITESPACE_OR_CONTROL.search(text):
        raise BadDomain("bad_domain", "The host name holds spaces or control characters; send the host name alone.")
    host = _looks_like_url(text)
    if host is not None:
        hint = f" ({host})" if host else ""
        raise BadDomain("domain_is_url", f"This is an address, not a host name: send its host alone{hint}, "
                                       "without scheme, user, path or query.")
    if _ip_literal(text):
        raise BadDomain("domain_is_ip", "This is an IP address, not a host name: only names can imitate a shop's domain.")
    if ":" in text:
        raise BadDomain("domain_is_url", "This host name carries a port; send the host name alone.")
    name = text[:-1] if text.endswith(".") else text
    try:
        ascii_name = idna.encode(name, uts46=True).decode("ascii")
        unicode_name = idna.decode(ascii_name)
    except idna.IDNAError as exc:
        raise BadDomain("bad_domain", f"This is not a valid host name: {_idna_words(exc)}.") from None
    except UnicodeError:
        raise BadDomain("bad_domain", "This is not a valid host name: a label is empty or too long.") from None
    _check_lengths(ascii_name)
    return ascii_name, unicode_name


def _idna_words(exc: Exception) -> str:
    words = str(exc).strip().rstrip(".") or type(exc).__name__
    return words[0].lower() + words[1:]


def _check_lengths(ascii_name: str) -> None:
    if len(ascii_name) > MAX_NAME:
        raise BadDomain("bad_domain", f"The host name is {len(ascii_name)} characters long in ASCII; the limit is {MAX_NAME}.")
    for label in ascii_name.split("."):
        if not label:
            raise BadDomain("bad_domain", "The host name has an empty label (two dots in a row, or a dot first).")
        if len(label) > MAX_LABEL:
            raise BadDomain("bad_domain", f"A label of the host name is {len(label)} characters long; the limit is {MAX_LABEL}.")


# ---------------------------------------------------------------------------------------------
# Judging


def is_official(ascii_name: str, registrable: str) -> bool:
    lists = official()
    if ascii_name in lists.hosts:
        return True
    under = any(ascii_name == d or ascii_name.endswith("." + d) for d in lists.registrable)
    return under and registrable not in lists.never_trusted


def _neighbours(a: str, b: str) -> bool:
    for rows in _KEYBOARDS:
        for r, row in enumerate(rows):
            i = row.find(a)
            if i < 0:
                continue
            for rr in range(max(r - 1, 0), min(r + 2, len(rows))):
                if b in rows[rr][max(i - 1, 0): i + 2] and b != a:
                    return True
    return False


def typo_kind(seen: str, name: str) -> str:
    """How ``seen`` is one edit from ``name``, in the words of dnstwist's families (or, two edits
    away, that it is)."""
    if OSA.distance(seen, name) > 1:
        return "two letters changed, added or left out"
    if len(seen) == len(name) - 1:
        return "a letter left out (omission)"
    if len(seen) == len(name) + 1:
        i = next((i for i in range(len(name)) if seen[i] != name[i]), len(name))
        added = seen[i]
        if added == "-":
            return "a hyphen added (hyphenation)"
        if (i > 0 and seen[i - 1] == added) or (i + 1 < len(seen) and seen[i + 1] == added):
            return "a letter doubled (repetition)"
        return "a letter added (insertion)"
    diffs = [i for i in range(len(name)) if seen[i] != name[i]]
    if len(diffs) == 2:
        return "two letters swapped (transposition)"
    a, b = name[diffs[0]], seen[diffs[0]]
    if a in _VOWELS and b in _VOWELS:
        return f"a vowel changed, {a!r} to {b!r} (vowel swap)"
    if _neighbours(a, b):
        return f"{a!r} typed as the key next to it, {b!r} (keyboard typo)"
    if bin(ord(a) ^ ord(b)).count("1") == 1:
        return f"{a!r} changed to {b!r}, one bit apart (bitsquatting)"
    return f"{a!r} changed to {b!r} (replacement)"


def _edits_allowed(brand: str) -> int:
    if len(brand) >= MIN_LENGTH_FOR_TWO_EDITS:
        return MAX_EDITS_LONG
    return MAX_EDITS if len(brand) >= MIN_LENGTH_FOR_EDITS else 0


# Letters spaced out with hyphens (a-l-i-e-x-p-r-e-s-s.com), which no edit distance reaches: the
# brand once the hyphens are taken out. One hyphen is dnstwist's hyphenation, an edit of one.
SPACED_OUT = "hyphens between its letters"


@dataclass
class _Match:
    how: str  # "exact", "homoglyph", "typo"
    detail: str = ""


def _match(label: str, brand: str) -> _Match | None:
    """How a whole label (or part of one) stands for ``brand``."""
    if label == brand:
        return _Match("exact")
    folded = skeleton(label)
    if folded == brand:
        return _Match("homoglyph")
    edits = _edits_allowed(brand)
    if edits and OSA.distance(folded, brand, score_cutoff=edits) <= edits:
        plain = label.isascii()
        return _Match("homoglyph+typo" if not plain and folded != label else "typo", typo_kind(folded, brand))
    if "-" in folded and folded.replace("-", "") == brand:
        return _Match("typo", SPACED_OUT)
    return None


def _parts(label: str, brand: str) -> _Match | None:
    """The brand inside a longer label, with other words: whole, in a hyphen-separated part, or
    (for long names) one edit from a stretch of it."""
    folded = skeleton(label)
    if brand in folded:
        return _Match("exact" if brand in label else "homoglyph")
    for part in (p for p in label.split("-") if p and p != label):
        found = _match(part, brand)
        if found:
            return found
    if len(brand) >= MIN_LENGTH_FOR_FUZZY_PARTS:
        for width in (len(brand) - 1, len(brand) + 1):
            for start in range(0, len(folded) - width + 1):
                piece = folded[start: start + width]
                if OSA.distance(piece, brand, score_cutoff=MAX_EDITS) <= MAX_EDITS:  # one edit only, inside words
                    return _Match("typo", typo_kind(piece, brand))
    if "-" in folded and brand in folded.replace("-", ""):
        return _Match("typo", SPACED_OUT)
    return None


def _spelled(match: _Match, label: str, brand: str) -> str:
    if match.how == "exact":
        return f"“{brand}”"
    if match.how == "homoglyph":
        return f"“{label}”, which looks like “{brand}”"
    return f"“{label}”, “{brand}” with {match.detail}"


def _label_reasons(unicode_label: str, suffix: str, brand: Brand, suffixes: frozenset[str]) -> list[Reason]:
    registrable = f"{unicode_label}.{suffix}"
    whole = _match(unicode_label, brand.name)
    if whole and whole.how == "exact":
        if suffix in suffixes:
            return []
        return [Reason("other_tld", f"{registrable} is {brand.name} under .{suffix}, which AliExpress does not use: "
                                    f"its sites are {', '.join(brand.domains)}.")]
    if whole and whole.how == "homoglyph":
        return [Reason("homoglyph", f"“{unicode_label}” is written with characters that look like “{brand.name}” "
                                    f"but are not the same letters.")]
    if whole:
        reasons = [Reason("typo", f"“{unicode_label}” is “{brand.name}” with {whole.detail}.")]
        if whole.how.startswith("homoglyph"):
            reasons.insert(0, Reason("homoglyph", f"“{unicode_label}” mixes in characters that look like Latin letters."))
        return reasons
    inner = _parts(unicode_label, brand.name)
    if inner:
        return [Reason("brand_keyword", f"{registrable} puts {_spelled(inner, unicode_label, brand.name)} "
                                        f"beside other words; AliExpress's own sites are {', '.join(brand.domains)}.")]
    return []


def _subdomain_reasons(sub_labels: list[str], registrable: str, brand: Brand) -> list[Reason]:
    for label in sub_labels:
        found = _match(label, brand.name) or _parts(label, brand.name)
        if found:
            return [Reason("brand_subdomain", f"{_spelled(found, label, brand.name)} stands to the left of "
                                              f"{registrable}, which is the site you would be on.")]
    return []


def _split_reasons(labels: list[str], brand: Brand) -> list[Reason]:
    """``ali.express.com``: the name cut by a dot (dnstwist's subdomain family)."""
    for start in range(len(labels) - 1):
        for end in range(start + 2, len(labels) + 1):
            joined = "".join(labels[start:end])
            if len(joined) > len(brand.name) + 1:
                break
            if skeleton(joined) == brand.name:
                return [Reason("split_brand", f"“{'.'.join(labels[start:end])}” is “{brand.name}” cut by a dot.")]
    return []


def _imitated(brand: Brand, suffix: str) -> str:
    return next((d for d in brand.domains if d.split(".", 1)[1] == suffix), brand.home)


def check(text) -> Verdict:
    """Judge one host name (see the module's docstring for the reasons).

    :raises BadDomain: ``text`` is not one host name.
    """
    ascii_name, unicode_name = parse_host(text)
    parts = _extractor().extract_str(ascii_name)
    if parts.suffix and not parts.domain and parts.is_private:
        # A private suffix itself (akamaized.net, github.io): its registrable domain is the ICANN one.
        parts = _extractor().extract_str(ascii_name, include_psl_private_domains=False)
    if not parts.suffix or not parts.domain:
        raise BadDomain("no_public_suffix", f"{unicode_name} does not end in a public suffix (a top-level domain "
                                          "such as .com or .co.uk), so it is not a name on the internet.")
    registrable = f"{parts.domain}.{parts.suffix}"
    if is_official(ascii_name, registrable):
        return Verdict(ascii_name, unicode_name, True, False, None)
    lists = official()
    unicode_labels = unicode_name.split(".")
    suffix_count = parts.suffix.count(".") + 1
    sub_labels = unicode_labels[: -suffix_count - 1]
    domain_label = unicode_labels[-suffix_count - 1]
    suffix = ".".join(unicode_labels[-suffix_count:])
    for brand in lists.brands:
        reasons = _label_reasons(domain_label, suffix, brand, lists.suffixes[brand.name])
        reasons += _subdomain_reasons(sub_labels, registrable, brand)
        if not reasons:
            reasons = _split_reasons(sub_labels + [domain_label], brand)
        if reasons:
            if "xn--" in ascii_name:
                reasons.append(Reason("punycode", f"The address is written {ascii_name} (punycode): the browser "
                                                  f"may show it as {unicode_name}."))
            return Verdict(ascii_name, unicode_name, False, True, _imitated(brand, parts.suffix), tuple(reasons))
    return Verdict(ascii_name, unicode_name, False, False, None)
