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


def loads(text: str):
    """Decode a whole JSON document."""
    try:
        return _DECODER.decode(text)
    except (ValueError, RecursionError) as exc:
        raise NotJSON(_reason(exc)) from None


def raw_decode(text: str, start: int):
    """Decode the JSON value that starts at ``start``; returns ``(value, end)``."""
    try:
        return _DECODER.raw_decode(text, start)
    except (ValueError, RecursionError) as exc:
        raise NotJSON(_reason(exc)) from None


def unpaired_surrogate(value, _depth: int = 0) -> bool:
    """Whether any string in a decoded value holds a lone surrogate (valid JSON escapes, but
    not text: it cannot be encoded as UTF-8 again)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(unpaired_surrogate(k) or unpaired_surrogate(v, _depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(unpaired_surrogate(v, _depth + 1) for v in value)
    return False
