"""Decoding untrusted JSON in one place, and encoding answers fast.

``json.loads`` raises more than ``JSONDecodeError`` on hostile input: ``ValueError`` for an
integer of over 4,300 digits, ``RecursionError`` for deep nesting; and it accepts ``NaN`` and
``Infinity``, which are not JSON and would come back out as invalid JSON. Every decode of
outside data goes through here and fails with :class:`NotJSON` and a reason.
"""

from __future__ import annotations

import dataclasses
import json
import re

import orjson


class NotJSON(ValueError):
    """The text is not (acceptable) JSON; the message says where or why."""


def _refuse_constant(name: str):
    raise NotJSON(f"{name} is not a JSON number")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def _reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at character {exc.pos}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).split("\n")[0]


# Real AliExpress data nests at most 12 levels (the 2022 _init_data_, the 2026 component feed, the
# order feeds), and a request wraps it in 3 more. Anything deeper is not a listing; refusing it
# here keeps it from code that recurses.
MAX_DEPTH = 64


def _walk(value):
    """Every value inside ``value``. Iterative: a deep value must not exhaust the stack here."""
    stack = [value]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _too_deep(value) -> bool:
    """Whether containers nest more than MAX_DEPTH levels (only containers are visited: this runs
    on every decoded request and feed)."""
    if not isinstance(value, (dict, list)):
        return False
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        for child in item.values() if isinstance(item, dict) else item:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
    return False


def unpaired_surrogate(value) -> bool:
    """Whether any string in a decoded value holds a lone surrogate (valid JSON escapes, but
    not text: it cannot be encoded as UTF-8 again)."""
    for item in _walk(value):
        if isinstance(item, str) and not item.isascii():
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(value):
    """``value`` with every lone surrogate in its strings replaced by U+FFFD, the replacement
    character: a page's own data can hold "\\ud800" escapes, which decode to text that cannot be
    encoded as UTF-8 again (an answer, a database row, a terminal). Lists, tuples, dicts and
    dataclasses are cleaned in place or rebuilt; a string that is ASCII or encodes is returned
    as it is, so the common case costs one check per string."""
    if isinstance(value, str):
        if value.isascii():
            return value
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return _LONE_SURROGATE.sub("\ufffd", value)
        return value
    if isinstance(value, dict):
        cleaned = {without_lone_surrogates(key): without_lone_surrogates(item) for key, item in value.items()}
        unchanged = all(k is key and v is item for (k, v), (key, item) in zip(cleaned.items(), value.items()))
        return value if unchanged else cleaned
    if isinstance(value, (list, tuple)):
        cleaned = [without_lone_surrogates(item) for item in value]
        if all(a is b for a, b in zip(cleaned, value)):
            return value
        return cleaned if isinstance(value, list) else tuple(cleaned)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            current = getattr(value, field.name)
            cleaned = without_lone_surrogates(current)
            if cleaned is not current:
                object.__setattr__(value, field.name, cleaned)
        return value
    return value


def dumps_fast(value, fallback=None) -> bytes:
    """UTF-8 JSON by orjson (a report in a tenth of the time ``json`` takes; keys in the order the
    code built them), or by ``fallback`` (``json.dumps``, text as it is, by default) for what
    orjson cannot encode: an integer beyond 64 bits, an object a Flask encoder knows."""
    try:
        return orjson.dumps(value)
    except TypeError:
        encoded = (fallback or (lambda v: json.dumps(v, ensure_ascii=False)))(value)
        return encoded.encode("utf-8") if isinstance(encoded, str) else encoded


def loads(text: str):
    """Decode a whole JSON document (a request, a feed, a saved file), nested at most MAX_DEPTH."""
    try:
        value = _DECODER.decode(text)
    except (ValueError, RecursionError) as exc:
        raise NotJSON(_reason(exc)) from None
    if _too_deep(value):
        raise NotJSON(f"it is nested more than {MAX_DEPTH} levels deep")
    return value


class NotUTF8(NotJSON):
    """The bytes are not UTF-8; ``position`` is the first bad byte."""

    def __init__(self, position: int):
        super().__init__(f"byte {position} is not UTF-8")
        self.position = position


class LoneSurrogate(NotJSON):
    """Valid JSON holding a lone surrogate escape (\\ud800 alone), which is not text."""


def loads_body(raw: bytes):
    """Decode a request body: the UTF-8 bytes of one JSON document, nested at most MAX_DEPTH,
    without NaN, Infinity or lone surrogates.

    orjson reads the bytes in one pass (UTF-8 check, decoding and parsing: 2.1 ms for a 1 MB
    rendered page, where decoding, ``json`` and the surrogate check took 5.2 ms together in the
    same run; docs/performance.md, "Over HTTP"). When it refuses a body, the standard library reads it
    again only to name the problem: :class:`NotUTF8`, :class:`LoneSurrogate` or :class:`NotJSON`.
    """
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as fast:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NotUTF8(exc.start) from None
        value = loads(text)  # raises NotJSON with the standard library's reason
        if unpaired_surrogate(value):
            raise LoneSurrogate("a string holds an unpaired surrogate escape (\\ud800…), which is not text") from None
        raise NotJSON(_reason(fast)) from None  # what only orjson refuses: a number beyond a double's range
    if _too_deep(value):
        raise NotJSON(f"it is nested more than {MAX_DEPTH} levels deep")
    return value


def raw_decode(text: str, start: int):
    """Decode the JSON value that starts at ``start``; returns ``(value, end)``. Used for the data
    embedded in a page, which the extractors read only at fixed paths, never recursively."""
    try:
        return _DECODER.raw_decode(text, start)
    except (ValueError, RecursionError) as exc:
        raise NotJSON(_reason(exc)) from None
