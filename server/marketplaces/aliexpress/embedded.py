"""Find the product data AliExpress embeds in its pages' scripts, without parsing the HTML tree.

A listing page is mostly one big script. Locating the assignment by string search and decoding
only the JSON value after it takes a few milliseconds; building a tree of the whole page first
would cost ten times more (docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ... import jsontext
from ...jsontext import NotJSON

# Where 2024+ pages declare their template (client-rendered shell, Choice template): the one
# script the extension keeps when it serialises a page (extension/lib/constants.js, PRODUCT_PAGE).
TEMPLATE_VARIABLE = "window._d_c_"
_TEMPLATE = re.escape(TEMPLATE_VARIABLE)

_RUN_PARAMS = re.compile(r"window\.runParams\s*=\s*\{")
_INIT_DATA = re.compile(r"_init_data_\s*=\s*\{")
_VIEW_NAME = re.compile(_TEMPLATE + r"\.viewName\s*=\s*['\"](\w+)['\"]")
_IS_CSR = re.compile(_TEMPLATE + r"\.isCSR\s*=\s*true")
_DC_DATA = re.compile(_TEMPLATE + r"\.DCData\s*=\s*\{")
# The callback's name and its opening parenthesis; the payload runs to the last ")". Read with
# string methods, not one pattern: a pattern spanning the payload backtracked over whitespace,
# taking 114 s on "cb(" and 5,000 spaces (found by tests/test_properties.py).
_JSONP_CALL = re.compile(r"\s*[\w$.]+\s*\(")


def _jsonp_payload(text: str) -> str | None:
    """The argument of ``callback(...)`` with an optional ";", or None if ``text`` is not JSONP."""
    call = _JSONP_CALL.match(text)
    if not call:
        return None
    end = text.rstrip()
    if end.endswith(";"):
        end = end[:-1].rstrip()
    if not end.endswith(")") or len(end) <= call.end():
        return None
    return end[call.end():-1]
_APACHE_ID = re.compile(r"ali_apache_id=(?:[\d]+(?:\.|%2e)){4}(\d{13})(?:\.|%2e)", re.IGNORECASE)


@dataclass
class EmbeddedData:
    run_params: dict | None = None  # runParams.data, when it has content
    run_params_empty: bool = False  # "window.runParams = { };": a 2024+ client-rendered shell
    init_data: dict | None = None  # _init_data_ = {data: {hierarchy, data, global}}
    view_name: str | None = None  # window._d_c_.viewName: newDetail | choiceDetail | h5Detail
    is_csr: bool = False
    dc_data: dict | None = None
    apache_time_ms: int | None = None


def _value_after(text: str, start: int):
    """Decode the JS object literal that starts at ``start`` (a "{").

    AliExpress writes ``{ data: {...JSON...}, csrfToken: '…' }``: the outer object is
    JavaScript, the ``data`` value is JSON. Returns the decoded value of the whole object if it
    is JSON, else of its ``data`` member wrapped as ``{"data": …}``, else None.
    """
    try:
        return jsontext.raw_decode(text, start)[0]
    except NotJSON:
        pass
    inner = start + 1
    while inner < len(text) and text[inner].isspace():
        inner += 1
    if text.startswith("data", inner):
        colon = text.find(":", inner)
        value_start = colon + 1
        while value_start < len(text) and text[value_start].isspace():
            value_start += 1
        try:
            return {"data": jsontext.raw_decode(text, value_start)[0]}
        except NotJSON:
            return None
    if text.startswith("}", inner):
        return {}
    return None


def _search(pattern: re.Pattern, html: str, anchor: str | int):
    """``pattern.search`` starting at the first ``anchor`` (a string, or a position found
    already): str.find skips a megabyte of markup several times faster than the regex engine."""
    start = html.find(anchor) if isinstance(anchor, str) else anchor
    return pattern.search(html, start) if start >= 0 else None


def find(html: str) -> EmbeddedData:
    found = EmbeddedData()
    match = _search(_RUN_PARAMS, html, "window.runParams")
    if match:
        value = _value_after(html, match.end() - 1)
        data = value.get("data") if isinstance(value, dict) else None
        if isinstance(data, dict) and data:
            found.run_params = data
        elif value == {}:
            found.run_params_empty = True
    match = _search(_INIT_DATA, html, "_init_data_")
    if match:
        value = _value_after(html, match.end() - 1)
        if isinstance(value, dict) and isinstance(value.get("data"), dict):
            found.init_data = value
    client_rendered = html.find(TEMPLATE_VARIABLE + ".")
    match = _search(_VIEW_NAME, html, client_rendered)
    if match:
        found.view_name = match.group(1)
    found.is_csr = bool(_search(_IS_CSR, html, client_rendered))
    match = _search(_DC_DATA, html, client_rendered)
    if match:
        value = _value_after(html, match.end() - 1)
        found.dc_data = value if isinstance(value, dict) else None
    match = _search(_APACHE_ID, html, "ali_apache_id=")
    if match:
        found.apache_time_ms = int(match.group(1))
    return found


def decode_body(body):
    """A blob body as JSON: parsed already, a JSON string, or JSONP text such as ``mtopjsonp3({...})``.

    :raises NotJSON: naming where decoding failed, for truncated or foreign bodies.
    """
    if not isinstance(body, str):
        return body
    text = body.strip()
    try:
        return jsontext.loads(text)
    except NotJSON as exc:
        first_error = exc
    payload = _jsonp_payload(text)
    if payload is not None:
        try:
            return jsontext.loads(payload)
        except NotJSON as exc:
            raise NotJSON(f"the JSONP payload is not valid JSON ({exc})") from None
    raise NotJSON(f"not JSON or JSONP ({first_error})")


_PUNISH_PATH = "/_____tmd_____/punish"
# The longest address before the punish path that is read (real ones are about 60 characters).
_PUNISHED_URL_MAX = 2048
_NOT_IN_URL = frozenset("\"'<> \t\n\r\f\v")
_X5SEC_TIME = re.compile(r"x5secdata=[0-9a-z]*?(1[5-9]\d{8})a-")


def punished_url(html: str | None) -> str | None:
    """The address the anti-bot page stands in for (its iframe points at ``//<url>/_____tmd_____/punish``).

    Read backwards from the punish path to the first character that cannot be in an address,
    then forwards to the first "//": linear, where a pattern searching for the "//" first took
    seconds on a run of slashes (found by tests/test_properties.py).
    """
    end = (html or "").find(_PUNISH_PATH)
    if end < 0:
        return None
    start = end
    while start > 0 and end - start < _PUNISHED_URL_MAX and html[start - 1] not in _NOT_IN_URL:
        start -= 1
    address = html[start:end]
    scheme_end = address.find("//")
    if scheme_end < 0 or scheme_end + 2 == len(address):
        return None
    return "https:" + address[scheme_end:]


def punish_time(html: str | None):
    """When the punish page was served: ``x5secdata`` carries epoch seconds before "a-" (F2507p)."""
    match = _X5SEC_TIME.search(html or "")
    return dt.datetime.fromtimestamp(int(match.group(1)), tz=dt.timezone.utc) if match else None
