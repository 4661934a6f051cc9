"""Personal data taken out of order, tracking and checkout pages before they are saved as evidence.

:func:`redact_page` is pure: it takes the page (rendered HTML, or an order feed's JSON/JSONP text)
and returns it with the buyer's name, street address, phone numbers and e-mail addresses replaced
by markers (``[redacted: phone]``), and what it replaced as ``[{"kind", "count"}]``, never the
values. The caller (API, CLI) decides: redaction is on unless the shopper opts out
(``redact=False``), and the caller records :func:`redaction_facts` in the record's facts so the
pack's report can say what was done. Listing and message pages are returned unchanged.

What is found, and where (docs/privacy.md, "Redaction", says what is missed):

1. **Labelled fields** of the address blocks in rendered markup: the legacy order page's
   ``#user-shipping`` list ("Contact Name", "Address" and its continuation lines but the last,
   which is "city, province, country", "Zip Code", "Mobile", "Tel", "Fax", "Email"), and the
   current site's order-detail ``.order-detail-info-item`` and checkout
   ``.pl-address-item-container`` blocks (names from scrapers' code; no capture shows their inner
   markup, so every text in them is redacted, its kind read from a label before it, else from a
   class name ("name", "phone"/"mobile"/"tel", "mail"), else from its shape, else "address").
2. **Address blocks in JSON**: in a feed (the detail's ``addressVO``, the tracking feed's
   ``logisticsReceiverInfo``, any object holding a contact name beside an address or phone) the
   name, street lines, postcode, phone and e-mail fields; city, region and country stay. In a
   page's embedded scripts, the same fields by their specific names (``contactName``,
   ``detailAddress``, ``fullPhoneNo`` …).
3. **Every other occurrence** of a value found by 1 or 2 (five characters or more), as it is
   written raw, HTML-escaped or JSON-escaped: the name repeated in ``receiverInfoRichText``, say.
4. **Patterns anywhere in the page**: e-mail addresses (not image names such as ``icon@2x.png``)
   and international phone numbers written with a leading ``+`` and 8 to 15 digits. Digit runs
   without a ``+`` (order numbers, tracking numbers, prices, a carrier's hotline) are left alone
   unless a label or a field name says they are a phone.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

from ..marketplaces.aliexpress.embedded import NotJSON, decode_body

PAGE_KINDS = ("listing", "order", "tracking", "checkout", "messages")
REDACTED_PAGES = ("order", "tracking", "checkout")
KINDS = ("name", "address", "phone", "email")
MIN_PROPAGATED = 5  # shorter values are replaced only where they were found (a "000" zip code)


def marker(kind: str) -> str:
    return f"[redacted: {kind}]"


def redaction_facts(redactions: list[dict] | None, *, redacted: bool) -> dict:
    """What a record's facts hold under ``"redaction"``: whether redaction ran and what it
    replaced (``redactions`` from :func:`redact_page`), for the pack's report."""
    return {"redacted": bool(redacted), "found": [dict(r) for r in (redactions or [])] if redacted else []}


# --- labels, field names, patterns ---------------------------------------------------------------

_LABELS = {
    "contact name": "name", "name": "name", "full name": "name", "recipient": "name", "contact": "name",
    "receiver": "name", "address": "address", "street": "address", "street address": "address",
    "zip code": "address", "zip": "address", "postcode": "address", "postal code": "address",
    "mobile": "phone", "tel": "phone", "phone": "phone", "phone number": "phone", "telephone": "phone",
    "fax": "phone", "email": "email", "e-mail": "email",
}
# Fields of a JSON address block (compared lowercased); city, province, region, country are kept.
_FIELDS = {
    **dict.fromkeys(("contactname", "receivername", "fullname", "buyername", "firstname", "lastname", "name"), "name"),
    **dict.fromkeys(("detailaddress", "detailaddress2", "address", "address1", "address2", "street", "street2",
                     "streetaddress", "addressline1", "addressline2", "postcode", "zipcode", "zip", "postalcode"),
                    "address"),
    **dict.fromkeys(("fullphoneno", "phonenumber", "phone", "phoneno", "mobile", "mobileno", "mobilephone", "tel",
                     "telephone", "fax"), "phone"),
    **dict.fromkeys(("email", "emailaddress", "buyeremail"), "email"),
}
_BLOCKS = {"addressvo", "logisticsreceiverinfo", "receiverinfo", "shippingaddress", "deliveryaddress",
           "receiveraddress", "buyeraddress", "mailingaddress", "addressinfo"}
# In a page's scripts only names that cannot mean anything else are read.
_SCRIPT_FIELDS = {"contactName": "name", "receiverName": "name", "detailAddress": "address",
                  "detailAddress2": "address", "fullPhoneNo": "phone", "mobileNo": "phone", "phoneNumber": "phone",
                  "postCode": "address", "zipCode": "address"}
_SCRIPT_FIELD = re.compile(r'"(' + "|".join(_SCRIPT_FIELDS) + r')"\s*:\s*"((?:[^"\\]|\\.)*)"')
_EMAIL = re.compile(r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.([A-Za-z]{2,24})(?![\w-])")
_FILE_ENDINGS = {"png", "jpg", "jpeg", "gif", "webp", "svg", "avif", "ico", "js", "css", "html", "htm", "json", "zip"}
# A "+", then digits and separators ending in a digit, at most 24 characters: bounded, so a page
# of "+" and long digit runs costs linear time (nested repeats here took seconds on 84 KB).
_PHONE = re.compile(r"(?<![\w+])\+\d[\d ().\-]{5,22}\d(?!\d)")
_PHONE_SHAPE = re.compile(r"^\+?[\d ()./\-]{7,}$")
# Containers of the buyer's address in rendered markup: (how to match a start tag, how their text
# is read). "labelled": every value follows its <label>; "block": any text, kind as above.
_LABELLED, _BLOCK = "labelled", "block"
_ITEMS = {"li", "div", "tr", "p", "dd", "dt"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _container(tag_id: str | None, classes: set[str]) -> str | None:
    if tag_id == "user-shipping" or "user-shipping" in classes:
        return _LABELLED
    if classes & {"order-detail-info-item", "pl-address-item-container"}:
        return _BLOCK
    return None


def _class_hint(classes: set[str]) -> str | None:
    joined = " ".join(sorted(classes)).lower()
    if "mail" in joined:
        return "email"
    if any(word in joined for word in ("phone", "mobile", "tel")):
        return "phone"
    if "name" in joined:
        return "name"
    return None


def _label(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split()).rstrip(":").strip().lower()


def _shape(text: str) -> str | None:
    if _EMAIL.fullmatch(text.strip()):
        return "email"
    digits = sum(c.isdigit() for c in text)
    if _PHONE_SHAPE.match(text.strip()) and digits >= 7:
        return "phone"
    return None


# --- rendered markup ------------------------------------------------------------------------------


class _Texts(HTMLParser):
    """Each text node inside an address container, with its place in the source."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        # tag, container, class hint, inside a <label>, the enclosing item (li, div, tr, p)
        self.stack: list[tuple[str, str | None, str | None, bool, int]] = []
        self.found: list[tuple[int, str | None, str | None, bool, int, int, str]] = []
        self.container_index = 0
        self.items = 0

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        parent = self.stack[-1] if self.stack else ("", None, None, False, 0)
        own = _container(values.get("id"), classes)
        container = parent[1]
        if own and not container:
            self.container_index += 1
            container = f"{own}#{self.container_index}"
        hint = (_class_hint(classes) or parent[2]) if container else None
        item = parent[4]
        if tag in _ITEMS:
            self.items += 1
            item = self.items
        if tag not in _VOID:
            self.stack.append((tag, container, hint, parent[3] or tag == "label", item))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if not self.stack or not self.stack[-1][1] or self.stack[-1][0] in ("script", "style"):
            return
        start = self._offset()
        end = self.source.find("<", start)
        end = len(self.source) if end < 0 else end
        _tag, container, hint, in_label, item = self.stack[-1]
        self.found.append((item, container, hint, in_label, start, end, data))


def _markup_fields(page: str) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, value) of every personal value in the page's address containers."""
    parser = _Texts(page)
    parser.feed(page)
    parser.close()
    spans: list[tuple[int, int, str, str]] = []
    by_container: dict[str, list] = {}
    for entry in parser.found:
        by_container.setdefault(entry[1], []).append(entry)
    for container, texts in by_container.items():
        labelled = container.startswith(_LABELLED)
        label: str | None = None  # the label the next value of the same item belongs to
        label_item = -1
        last: str | None = None  # the label of the value before
        continuation: list[tuple[int, int, str]] = []  # lines after "Address" with an empty label
        for item, _container, hint, in_label, start, end, data in texts:
            said = _label(data)
            if in_label or (said in _LABELS and data.strip().endswith(":")):
                label = said or ("address-continued" if last in ("address", "address-continued") else None)
                label_item = item
                continue
            if not data.strip():
                continue
            if item != label_item:  # a label names the value beside it, in its own item only
                label = None
            raw = page[start:end]
            lead, trail = len(raw) - len(raw.lstrip()), len(raw) - len(raw.rstrip())
            span = (start + lead, end - trail)
            value = " ".join(html.unescape(raw).split())
            last, label = label, None
            if last == "address-continued":
                continuation.append((*span, value))
                continue
            kind = _LABELS.get(last or "")
            if kind is None and not labelled:
                kind = _shape(value) or hint or "address"
            if kind is not None:
                spans.append((*span, kind, value))
        # The address's lines after the first, but its last (city, province, country): kept.
        spans += [(start, end, "address", value) for start, end, value in continuation[:-1]]
    return spans


# --- JSON ----------------------------------------------------------------------------------------


def _json_fields(value, parent_key: str = "", found=None) -> list[tuple[str, str, str]]:
    """(field, kind, value) of every personal field in the JSON's address blocks; a string that is
    itself JSON (a browser capture's bodies) is read too."""
    found = [] if found is None else found
    if isinstance(value, dict):
        keys = {key.lower() for key in value if isinstance(key, str)}
        names = {k for k in keys if _FIELDS.get(k) == "name"} - {"name"}
        is_block = parent_key.lower() in _BLOCKS or (names and keys & {k for k, v in _FIELDS.items() if v != "name"})
        for key, item in value.items():
            kind = _FIELDS.get(key.lower()) if is_block and isinstance(key, str) else None
            if kind and isinstance(item, str) and item.strip():
                found.append((key, kind, item))
            elif kind and isinstance(item, (int, float)) and not isinstance(item, bool) and kind == "phone":
                found.append((key, kind, str(item)))
            else:
                _json_fields(item, key if isinstance(key, str) else "", found)
    elif isinstance(value, list):
        for item in value:
            _json_fields(item, parent_key, found)
    elif isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
        try:
            _json_fields(json.loads(value), parent_key, found)
        except ValueError:
            pass
    return found


def _json_body(page: str):
    if page.lstrip()[:1] == "<":
        return None
    try:
        return decode_body(page)
    except NotJSON:
        return None


def _encodings(value: str) -> list[str]:
    once = json.dumps(value, ensure_ascii=False)[1:-1]
    forms = {value, html.escape(value, quote=False), html.escape(value), once, json.dumps(value)[1:-1],
             once.replace("/", "\\/"), json.dumps(once, ensure_ascii=False)[1:-1]}
    return sorted((form for form in forms if form), key=len, reverse=True)


def _field_spans(page: str, fields: list[tuple[str, str, str]]) -> list[tuple[int, int, str, str]]:
    spans = []
    for key, kind, value in fields:
        values = "|".join(re.escape(form) for form in _encodings(value))
        pattern = re.compile(r'(\\?")' + re.escape(key) + r'\1\s*:\s*\1(' + values + r')\1')
        spans += [(m.start(2), m.end(2), kind, value) for m in pattern.finditer(page)]
        # A number in the JSON (a phone written as digits) stands bare.
        if not spans or spans[-1][3] != value:
            bare = re.compile(r'"' + re.escape(key) + r'"\s*:\s*(' + re.escape(value) + r')(?![\d.])')
            spans += [(m.start(1), m.end(1), kind, value) for m in bare.finditer(page)]
    return spans


def _script_spans(page: str) -> list[tuple[int, int, str, str]]:
    spans = []
    for match in _SCRIPT_FIELD.finditer(page):
        if match.group(2).strip():
            try:
                value = json.loads(f'"{match.group(2)}"')
            except ValueError:
                value = match.group(2)
            spans.append((match.start(2), match.end(2), _SCRIPT_FIELDS[match.group(1)], value))
    return spans


# --- replacing -----------------------------------------------------------------------------------


def _replace_spans(page: str, spans) -> tuple[str, dict[str, int]]:
    counts: dict[str, int] = {}
    out, position = [], 0
    for start, end, kind, _value in sorted(set(spans)):
        if start < position:  # overlapping finds: the first wins
            continue
        out += [page[position:start], marker(kind)]
        counts[kind] = counts.get(kind, 0) + 1
        position = end
    out.append(page[position:])
    return "".join(out), counts


def _replace_pattern(page: str, pattern: re.Pattern, kind: str, counts: dict[str, int], keep=None) -> str:
    def substitute(match: re.Match) -> str:
        if keep is not None and keep(match):
            return match.group(0)
        counts[kind] = counts.get(kind, 0) + 1
        return marker(kind)
    return pattern.sub(substitute, page)


def _phone_digits(match: re.Match) -> bool:
    return not 8 <= sum(c.isdigit() for c in match.group(0)) <= 15


def redact_page(page: str, kind: str, *, redact: bool = True) -> tuple[str, list[dict]]:
    """``page`` (HTML or an order feed's JSON) with the buyer's personal data replaced by
    markers, and ``[{"kind": "name"|"address"|"phone"|"email", "count": n}]`` for what was
    replaced. Unchanged, with ``[]``, when ``redact`` is False (the shopper opted out) or for a
    listing or messages page.

    :raises ValueError: ``kind`` is not one of PAGE_KINDS.
    """
    if kind not in PAGE_KINDS:
        raise ValueError(f"the page kind must be one of {', '.join(PAGE_KINDS)}, not {kind!r}")
    if not isinstance(page, str):
        raise TypeError("the page must be text")
    if not redact or kind not in REDACTED_PAGES:
        return page, []
    body = _json_body(page)
    if body is not None:
        spans = _field_spans(page, _json_fields(body))
    else:
        spans = _markup_fields(page) + _script_spans(page)
    text, counts = _replace_spans(page, spans)
    # Each value found, wherever else it stands (longest first, so a street is not cut by a name).
    values: dict[str, str] = {}
    for _start, _end, found_kind, value in spans:
        if len(value.strip()) >= MIN_PROPAGATED and not (value.isdigit() and len(value) < 6):
            values.setdefault(value.strip(), found_kind)
    for value, found_kind in sorted(values.items(), key=lambda item: len(item[0]), reverse=True):
        forms = "|".join(re.escape(form) for form in _encodings(value))
        text = _replace_pattern(text, re.compile(r"(?<![\w])(?:" + forms + r")(?![\w])"), found_kind, counts)
    text = _replace_pattern(text, _EMAIL, "email", counts, keep=lambda m: m.group(1).lower() in _FILE_ENDINGS)
    text = _replace_pattern(text, _PHONE, "phone", counts, keep=_phone_digits)
    return text, [{"kind": k, "count": counts[k]} for k in KINDS if counts.get(k)]


def describe(redactions: list[dict]) -> str:
    """"2 names, 1 phone" for the report and the CLI; "nothing" for none."""
    parts = []
    for entry in redactions:
        count, kind = entry.get("count"), str(entry.get("kind"))
        parts.append(f"{count} {kind}{'' if count == 1 else ('es' if kind.endswith('ss') else 's')}")
    return ", ".join(parts) or "nothing"


__all__ = ["KINDS", "PAGE_KINDS", "REDACTED_PAGES", "describe", "marker", "redact_page", "redaction_facts"]
