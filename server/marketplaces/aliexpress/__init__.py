"""AliExpress: turn a listing page (HTML and/or captured product feeds) into a listing.

Extraction runs in three steps (docs/sources.md, "AliExpress page generations"):

1. **Read** everything the page offers, each source on its own: the captured data blobs, the
   data embedded in the page's scripts, and the rendered DOM. Each reading is partial.
2. **Triage**: decide from those readings what the page is (a listing, an anti-bot check, a
   removed item, a shell that has not loaded its data, or not a product page at all).
3. **Merge** the partial readings of a listing into one, the structured data first and the DOM
   filling what it lacks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from heuristics.model import Listing, Locale, merge

from ..base import Blob, Extraction, PageInput
from ..problems import BadBlob, NotAFeed
from . import dom, embedded, generations, hosts, review_pages
from .shared import NAME, as_dict, as_list, cannot_deliver_words, locale_of_language, new_listing

# Signs of the anti-bot "punish" page (docs/sources.md, "The anti-bot page"); the extension stops
# waiting for a product when it sees them (extension/lib/constants.js, PRODUCT_PAGE).
PUNISH_MARKERS = ("/_____tmd_____/punish", "x5secdata=", "bx-pu-qrcode-wrap")
# An mtop feed answering with a captcha instead of data (the punish page's API form).
_MTOP_BLOCKED = ("FAIL_SYS_USER_VALIDATE", "RGV587_ERROR")

REVIEW_FEED_URL = "https://feedback.aliexpress.com/pc/searchEvaluation.do"
REVIEW_PAGE_SIZE = 20  # larger sizes are truncated by the feed (docs/sources.md, "The review feed")

# What a page status means, in the words the shopper reads (the CLI and the extension show them).
STATUS_EXPLANATIONS = {
    "blocked": "AliExpress showed a robot check instead of the listing, so emptor could not read it.",
    "not_found": "This item has been removed from sale.",
    "no_data": "The page has not loaded its product data yet.",
    "not_product": "This page is not a product listing.",
}
# Why a page with product data was not judged when the data names no product (docs/api.md, "errors").
_NO_PRODUCT_ID = {
    "code": "no_product_id",
    "message": "The product data names no product id, nor does the page's address, so emptor cannot tell "
    "which listing it describes; it was not judged.",
}


def _is_punish(text: str | None) -> bool:
    return bool(text) and any(marker in text for marker in PUNISH_MARKERS)


def _mtop_blocked(body) -> bool:
    ret = body.get("ret") if isinstance(body, dict) else None
    return isinstance(ret, list) and any(isinstance(r, str) and r.startswith(_MTOP_BLOCKED) for r in ret)


def _has_modules(data: dict) -> bool:
    return any(key.endswith("Module") for key in data)


def _has_components(data: dict) -> bool:
    return any(key.endswith("Component") for key in data)


def _dc_components(value: dict) -> dict | None:
    """The product components a saved ``window._d_c_`` holds: the object itself, or a tool's dump
    of it (``{"window_key": "_d_c_", "state": {…}}``); the components are the data of its
    life-cycle events (the real 2026 capture: one RENDER event)."""
    state = as_dict(value.get("state")) if value.get("window_key") == "_d_c_" else value
    for event in as_list(state.get("lifeCycleEventList")):
        data = as_dict(as_dict(event).get("data"))
        if "GLOBAL_DATA" in data:
            return data
    return None


# --- reading captured blobs: one reader per source the browser captures ----------------------


def _from_run_params(body: dict):
    data = body.get("data") if isinstance(body.get("data"), dict) else body
    if _has_modules(data):
        return generations.from_modules(data)
    if _has_components(data):
        return generations.from_components(data)
    return None


def _from_init_data(body: dict):
    init = body if isinstance(as_dict(body.get("data")).get("data"), dict) else {"data": body}
    return generations.from_new_detail(init)


def _from_pdp_query(body: dict):
    result = as_dict(as_dict(body.get("data")).get("result"))
    return generations.from_pdp_result(result) if result else None


def _from_async_detail(body: dict):
    inner = as_dict(as_dict(body.get("data")).get("data"))
    return generations.from_components(inner, source="mtop.aliexpress.itemdetail.pc.asyncPCDetail") if inner else None


def _from_msite(body: dict):
    """The mobile feed keeps its payload at ``data``; no public capture shows its keys, so it is
    read with whichever shape its blocks match."""
    data = as_dict(body.get("data"))
    if _has_components(data):
        return generations.from_components(data, source="mtop.aliexpress.itemdetail.msite")
    if as_dict(data.get("result")):
        return generations.from_pdp_result(data["result"], source="mtop.aliexpress.itemdetail.msite")
    return None


_BLOB_READERS = {
    "runParams": _from_run_params,
    "_init_data_": _from_init_data,
    "mtop.aliexpress.pdp.pc.query": _from_pdp_query,
    "mtop.aliexpress.itemdetail.pc.asyncPCDetail": _from_async_detail,
    "mtop.aliexpress.itemdetail.msite": _from_msite,
}
# The page variables and feeds emptor reads; extension/content/page-hook.js captures the same
# (tests/test_extension_contract.py ties the two).
BLOB_SOURCES = tuple(_BLOB_READERS)


def _decode_blob(index: int, blob: Blob) -> dict:
    """The blob's body as a JSON object; :class:`BadBlob` naming it when it is not one."""
    where = f"data[{index}]"
    try:
        body = embedded.decode_body(blob.body)
    except embedded.NotJSON as exc:
        raise BadBlob(f"{where} ({blob.source}): {exc}.", field=where) from None
    if not isinstance(body, dict):
        raise BadBlob(f"{where} ({blob.source}): expected a JSON object, got {type(body).__name__}.", field=where)
    return body


# --- step 1: what the page offers --------------------------------------------------------------


@dataclass
class _Readings:
    """Everything read from one page, before deciding what the page is."""

    page_url: str | None
    partials: list[generations.Partial] = field(default_factory=list)
    dom: dom.DomReading | None = None
    embedded: embedded.EmbeddedData = field(default_factory=embedded.EmbeddedData)
    own_url: str | None = None  # the page's canonical address
    language: str | None = None  # <html lang>
    header: Locale = field(default_factory=Locale)  # the 2024+ header's ship-to/language/currency setting
    served: dt.datetime | None = None
    served_from: str | None = None  # where ``served`` was read (docs/api.md, "page.captured_from")
    punished: bool = False  # the page is the anti-bot check (found by string search: once per page)
    feed_blocked: bool = False  # a captured feed answered with a robot check
    html_ignored: bool = False  # the HTML shows another listing than the address
    set_aside: list[dict] = field(default_factory=list)


def _served(partials, found: embedded.EmbeddedData) -> tuple[dt.datetime | None, str | None]:
    """When the page was served, and from what: the best source its data carries (a trace id
    before a current-time field; the earliest time of that source), else the aplus script's id."""
    ranked = [p for p in partials if p.served_at]
    if ranked:
        best = min(generations.CAPTURE_TIME_SOURCES.index(p.served_from) for p in ranked)
        return min((p.served_at, p.served_from) for p in ranked
                   if generations.CAPTURE_TIME_SOURCES.index(p.served_from) == best)
    if found.apache_time_ms:
        return dt.datetime.fromtimestamp(found.apache_time_ms / 1000, tz=dt.timezone.utc), "aplus_id"
    return None, None


def _hints(partials, served: dt.datetime | None) -> dom.PageHints:
    """The page's own words (its i18n maps) that help read its rendered DOM."""
    i18n: dict[str, str] = {}
    for partial in partials:
        i18n = {**partial.i18n, **i18n}
    free = i18n.get("FREE_SHIPPING", "").strip()
    return dom.PageHints(
        free_shipping=[free] if free else [],
        to_via_template=i18n.get("TO_VIA"),
        cannot_deliver=cannot_deliver_words(i18n),
        seen_on=served.date() if served else None,
    )


def _read_blobs(page: PageInput, url_product: str | None, readings: _Readings) -> None:
    for index, blob in enumerate(page.blobs):
        if blob.source not in _BLOB_READERS:
            # Set aside, not refused: any script on a listing page can post "captured" data under a
            # name of its own, and a refusal would cost the extension a whole request per name.
            readings.set_aside.append({
                "code": "data",
                "message": f"data[{index}].source is {blob.source[:100]!r}, which emptor does not read "
                f"(it reads {', '.join(BLOB_SOURCES)}); it was ignored.",
                "field": f"data[{index}]",
            })
            continue
        body = _decode_blob(index, blob)
        if _mtop_blocked(body):
            readings.feed_blocked = True
            continue
        partial = _BLOB_READERS[blob.source](body)
        if partial is None or not partial.has_product():
            continue
        blob_product = hosts.global_product_id(partial.listing.product_id_shown)
        if url_product and blob_product != url_product:
            # Captured data about another product (a page that changed listing without a
            # reload, or a script posting data of its own) must not be judged as this one;
            # nor may data that names no product at all.
            described = f"describes product {blob_product}" if blob_product else "names no product"
            readings.set_aside.append({
                "code": "data",
                "message": f"data[{index}] ({blob.source}) {described}, not the page's product {url_product}; it was ignored.",
                "field": f"data[{index}]",
            })
            continue
        readings.partials.append(partial)


def _read_html(page: PageInput, url_product: str | None, readings: _Readings) -> None:
    tree = dom.parse(page.html)
    readings.own_url = dom.meta_url(tree, base=page.url)
    own_product = hosts.global_product_id(hosts.product_id_from_url(readings.own_url))
    if url_product and own_product and own_product != url_product:
        # The page still shows another listing (a page that moved to this address without a
        # reload and has not rendered the new product): judging it would judge the other
        # product under this one's id.
        readings.set_aside.append({
            "code": "html",
            "message": f"The page's own address names product {own_product}, not {url_product}: "
            "it still shows another listing, so its content was ignored.",
        })
        readings.html_ignored = True
        return
    found = readings.embedded = embedded.find(page.html)
    if found.run_params:
        reader = generations.from_modules if _has_modules(found.run_params) else generations.from_components
        readings.partials.append(reader(found.run_params))
    if found.init_data:
        readings.partials.append(generations.from_new_detail(found.init_data))
    readings.partials = [p for p in readings.partials if p.has_product()]
    readings.page_url = readings.page_url or readings.own_url
    readings.language = dom.locale_from_meta(tree).language
    readings.header = dom.locale_from_header(tree)
    readings.served, readings.served_from = _served(readings.partials, found)
    readings.dom = dom.read(tree, _hints(readings.partials, readings.served or page.received_at))


def _read(page: PageInput) -> _Readings:
    readings = _Readings(page_url=page.url)
    url_product = hosts.global_product_id(hosts.product_id_from_url(page.url))
    _read_blobs(page, url_product, readings)
    readings.punished = _is_punish(page.html) or _is_punish(page.url)
    if page.html is not None and not readings.punished:
        _read_html(page, url_product, readings)
    if readings.dom is None:  # no HTML was read: the blobs alone say when the page was served
        readings.served, readings.served_from = _served(readings.partials, readings.embedded)
    return readings


# --- step 2: what the page is --------------------------------------------------------------


def _triage(page: PageInput, readings: _Readings) -> str:
    """``ok`` (a listing to judge), ``blocked``, ``not_found``, ``no_data`` or ``not_product``."""
    if readings.punished:
        return "blocked"
    rendered = readings.dom
    if (rendered is not None and rendered.not_found) or any(p.available is False for p in readings.partials):
        return "not_found"
    if readings.partials or (rendered is not None and rendered.layout is not None):
        return "ok"
    if readings.feed_blocked:
        return "blocked"
    # A 2024+ shell, or captured feeds that held no product: the product data is missing.
    found = readings.embedded
    has_shell = (
        found.run_params_empty
        or found.is_csr
        or found.dc_data is not None
        or bool(page.blobs)
        or page.html is None
        or readings.html_ignored
        or _cut_off(page.html)
    )
    return "no_data" if has_shell and hosts.is_product_path(readings.page_url) else "not_product"


def _cut_off(html: str | None) -> bool:
    """A page that opens ``<html>`` and never closes it was cut off (a saved file, a partial
    download): at a product's address its data is missing, not absent (a browser's serialised
    page always closes it)."""
    if not html:
        return False
    return "<html" in html[:4096].lower() and "</html>" not in html[-4096:].lower()


# --- step 3: one listing from the partial readings -----------------------------------------


def _merged_listing(page: PageInput, readings: _Readings) -> Listing:
    listing = new_listing()
    for partial in readings.partials:
        listing = merge(listing, partial.listing)
    if readings.dom is not None and readings.dom.layout:
        listing = merge(listing, readings.dom.listing)
    shown = listing.product_id_shown or hosts.product_id_from_url(readings.page_url)
    defaults = new_listing(shown, url=readings.page_url, selected_sku_id=page.selected_sku_id)
    listing = merge(defaults, listing)
    listing.locale = merge(listing.locale, _page_locale(readings))  # the product data says it first
    if readings.embedded.view_name == "choiceDetail" and listing.badges.choice is None:
        listing.badges.choice = True  # the Choice-specific template (docs/sources.md, "Choice")
    return listing


def _page_locale(readings: _Readings) -> Locale:
    """Whom the page was rendered for, from what the page says outside its product data (which
    says it first, when it does): the header's ship-to setting, then ``<html lang>``, the site
    code in ``window._d_c_``, and the storefront's address (es.aliexpress.com is Spanish)."""
    header = readings.header
    site_code = as_dict(as_dict(readings.embedded.dc_data).get("extParams")).get("site")
    return Locale(
        country=header.country or _country_of_site(readings.page_url),
        currency=header.currency,
        language=(header.language or readings.language or hosts.language_of_site_code(site_code)
                  or hosts.language_of_host(readings.page_url)),
    )


def _country_of_site(url: str | None) -> str | None:
    """aliexpress.us serves US prices and aliexpress.ru Russian ones; the .com hosts serve any."""
    host = hosts.host_or_none(url)
    if host and hosts.is_site_host(host):
        return {"us": "US", "ru": "RU"}.get(host.rsplit(".", 1)[-1])
    return None


def _blocked(page: PageInput) -> Extraction:
    shown = hosts.product_id_from_url(page.url) or hosts.product_id_from_url(embedded.punished_url(page.html))
    served = embedded.punish_time(page.html)
    return Extraction(
        status="blocked",
        listing=new_listing(shown, url=page.url),
        captured_at=served,
        captured_from="punish_token" if served else None,
        own_url=embedded.punished_url(page.html),
    )


def _unjudged(status: str, readings: _Readings) -> Extraction:
    shown = next((p.listing.product_id_shown for p in readings.partials if p.listing.product_id_shown), None)
    shown = shown or hosts.product_id_from_url(readings.page_url)
    return Extraction(
        status=status,
        listing=new_listing(shown, url=readings.page_url, locale=_page_locale(readings)),
        captured_at=readings.served,
        captured_from=readings.served_from,
        own_url=readings.own_url,
    )


class AliExpress:
    name = NAME
    blob_sources = BLOB_SOURCES

    def owns_host(self, host: str) -> bool:
        return hosts.is_site_host(host)

    def extract(self, page: PageInput) -> Extraction:
        readings = _read(page)
        status = _triage(page, readings)
        if status == "blocked":
            extraction = _blocked(page)
        elif status != "ok":
            extraction = _unjudged(status, readings)
        else:
            rendered = readings.dom.layout if readings.dom is not None else None
            listing = _merged_listing(page, readings)
            if listing.product_id is None:
                # A listing that names no product (a saved feed stripped of its ids, a rendered
                # page without its address) cannot be told from any other: it has no history
                # and no review feed, and a verdict on it would be a verdict on nobody knows what.
                extraction = _unjudged("no_data", readings)
                extraction.errors.append(dict(_NO_PRODUCT_ID))
            else:
                extraction = Extraction(
                    status="ok",
                    listing=listing,
                    generation=readings.partials[0].generation if readings.partials else rendered,
                    captured_at=readings.served,
                    captured_from=readings.served_from,
                    sources=[p.source for p in readings.partials] + ([rendered] if rendered else []),
                    own_url=readings.own_url,
                )
        extraction.errors.extend(readings.set_aside)
        return extraction

    def explain_status(self, status: str) -> str | None:
        return STATUS_EXPLANATIONS.get(status)

    # --- addresses ---

    def url_from_html(self, html: str) -> str | None:
        if _is_punish(html):
            return embedded.punished_url(html)
        return dom.meta_url(dom.parse(html))

    def blob_from_capture(self, text: str) -> Blob | None:
        """Recognise a saved product feed (``emptor scan FILE.json``) by its shape: a runParams
        object, an ``_init_data_`` object, an mtop response as JSON or as captured JSONP, or the
        2024+ page's ``window._d_c_`` as saved after the page loaded (the components of the
        ``mtop.aliexpress.pdp.pc.query`` result in ``lifeCycleEventList[].data``).

        :raises NotAFeed: the text is not JSON or JSONP.
        """
        try:
            value = embedded.decode_body(text)
        except embedded.NotJSON as exc:
            raise NotAFeed(f"is not valid JSON or JSONP: {exc}.") from None
        if not isinstance(value, dict):
            return None
        api = value.get("api")
        if isinstance(api, str) and api in BLOB_SOURCES:
            return Blob(api, value)
        data = as_dict(value.get("data"))
        if isinstance(data.get("hierarchy"), dict) and isinstance(data.get("data"), dict):
            return Blob("_init_data_", value)
        if _has_modules(data) or _has_components(data):
            return Blob("runParams", value)
        if _has_modules(value) or _has_components(value):
            return Blob("runParams", {"data": value})
        if "GLOBAL_DATA" in as_dict(data.get("result")):
            return Blob("mtop.aliexpress.pdp.pc.query", value)
        components = _dc_components(value)
        if components is not None:
            return Blob("mtop.aliexpress.pdp.pc.query", {"data": {"result": components}})
        if _has_components(as_dict(data.get("data"))):
            return Blob("mtop.aliexpress.itemdetail.pc.asyncPCDetail", value)
        return None

    def review_feed_urls(self, listing: Listing, pages: int) -> list[str]:
        """The first ``pages`` pages of the listing's review feed; no more than the reviews the page
        says it has fill, so a listing without reviews costs no request."""
        if not listing.product_id:
            return []
        if listing.rating.count is not None:
            pages = min(pages, -(-listing.rating.count // REVIEW_PAGE_SIZE))
        params = {
            "productId": listing.product_id,
            "lang": locale_of_language(listing.locale.language),
            "country": listing.locale.country or "US",
            "pageSize": REVIEW_PAGE_SIZE,
            "filter": "all",
            "sort": "complex_default",
        }
        return [f"{REVIEW_FEED_URL}?{urlencode({**params, 'page': n})}" for n in range(1, pages + 1)]

    parse_review_pages = staticmethod(review_pages.parse_pages)
    global_product_id = staticmethod(hosts.global_product_id)


__all__ = ["AliExpress", "BLOB_SOURCES", "PUNISH_MARKERS", "REVIEW_FEED_URL"]
