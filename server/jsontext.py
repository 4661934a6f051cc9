"""Decoding untrusted JSON in one place.

``json.loads`` raises more than ``JSONDecodeError`` on hostile input: ``ValueError`` for an
integer of over 4,300 digits, ``RecursionError`` for deep nesting; and it accepts ``NaN`` and
``Infinity``, which are not JSON and would come back out as invalid JSON. Every decode of
outside data goes through here and fails with :class:`NotJSON` and a reason.
"""

from __future__ import annotations

import json


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


def loads(text: str):
    """Decode a whole JSON document (a request, a feed, a saved file), nested at most MAX_DEPTH."""
    try:
        value = _DECODER.decode(text)
    except (ValueError, RecursionError) as exc:
        raise NotJSON(_reason(exc)) from None
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
