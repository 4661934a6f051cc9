"""AliExpress: turn a listing page (HTML and/or captured product feeds) into a listing.

Order of work (research/ALIEXPRESS_ANATOMY.md §5): triage the page, read the embedded or
captured product data, fill what it lacks from the rendered DOM, and only then decide whether
there is a product to judge.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from heuristics.model import Context, Listing, merge

from ...errors import BadInput
from .. import Blob, Extraction, PageInput
from . import dom, embedded, generations, hosts, reviews
from .shared import as_dict

BLOB_SOURCES = (
    "runParams",
    "_init_data_",
    "mtop.aliexpress.pdp.pc.query",
    "mtop.aliexpress.itemdetail.pc.asyncPCDetail",
    "mtop.aliexpress.itemdetail.msite",
)

# Signs of the anti-bot "punish" page (ANATOMY §0.1, F2507p).
_PUNISH_MARKERS = ("/_____tmd_____/punish", "x5secdata=", "bx-pu-qrcode-wrap")
# An mtop feed answering with a captcha instead of data (the punish page's API form).
_MTOP_BLOCKED = ("FAIL_SYS_USER_VALIDATE", "RGV587_ERROR")

REVIEW_FEED_URL = "https://feedback.aliexpress.com/pc/searchEvaluation.do"
REVIEW_PAGE_SIZE = 20  # larger sizes are truncated by the feed (ANATOMY §2.2)


def _is_punish(text: str | None) -> bool:
    return bool(text) and any(marker in text for marker in _PUNISH_MARKERS)


def _mtop_blocked(body) -> bool:
    ret = body.get("ret") if isinstance(body, dict) else None
    return isinstance(ret, list) and any(isinstance(r, str) and r.startswith(_MTOP_BLOCKED) for r in ret)


def _has_modules(data: dict) -> bool:
    return any(key.endswith("Module") for key in data)


def _has_components(data: dict) -> bool:
    return any(key.endswith("Component") for key in data)


class AliExpress:
    name = "aliexpress"
    blob_sources = BLOB_SOURCES

    def owns_host(self, host: str) -> bool:
        return hosts.is_site_host(host)

    # --- reading captured blobs ---

    def _read_blob(self, index: int, blob: Blob) -> tuple[generations.Partial | None, bool]:
        """Returns the partial listing the blob holds and whether it was an anti-bot answer."""
        if blob.source not in BLOB_SOURCES:
            raise BadInput(
                "unknown_blob_source",
                f"data[{index}].source is {blob.source!r}; expected one of {', '.join(BLOB_SOURCES)}.",
                status=422,
                field=f"data[{index}]",
            )
        try:
            body = embedded.decode_body(blob.body)
        except embedded.NotJSON as exc:
            raise BadInput("bad_blob", f"data[{index}] ({blob.source}): {exc}.", status=422, field=f"data[{index}]") from None
        if not isinstance(body, dict):
            raise BadInput(
                "bad_blob",
                f"data[{index}] ({blob.source}): expected a JSON object, got {type(body).__name__}.",
                status=422,
                field=f"data[{index}]",
            )
        if _mtop_blocked(body):
            return None, True
        if blob.source == "runParams":
            data = body.get("data") if isinstance(body.get("data"), dict) else body
            if _has_modules(data):
                return generations.from_modules(data), False
            if _has_components(data):
                return generations.from_components(data), False
            return None, False
        if blob.source == "_init_data_":
            init = body if isinstance(as_dict(body.get("data")).get("data"), dict) else {"data": body}
            return generations.from_new_detail(init), False
        data = as_dict(body.get("data"))
        if blob.source == "mtop.aliexpress.pdp.pc.query":
            result = as_dict(data.get("result"))
            return (generations.from_pdp_result(result) if result else None), False
        if blob.source == "mtop.aliexpress.itemdetail.pc.asyncPCDetail":
            inner = as_dict(data.get("data"))
            return (generations.from_components(inner, source=blob.source) if inner else None), False
        # msite (mobile): payload at data (ANATOMY §0.6); no public capture shows its keys, so it
        # is read with whichever shape its blocks match.
        if _has_components(data):
            return generations.from_components(data, source=blob.source), False
        if as_dict(data.get("result")):
            return generations.from_pdp_result(data["result"], source=blob.source), False
        return None, False

    # --- the whole page ---

    def extract(self, page: PageInput) -> Extraction:
        set_aside: list[dict] = []
        extraction = self._extract(page, set_aside)
        extraction.errors.extend(set_aside)
        return extraction

    def _extract(self, page: PageInput, set_aside: list[dict]) -> Extraction:
        partials: list[generations.Partial] = []
        blocked = False
        url_product = hosts.global_product_id(hosts.product_id_from_url(page.url))
        for index, blob in enumerate(page.blobs):
            partial, was_blocked = self._read_blob(index, blob)
            blocked = blocked or was_blocked
            if partial is None or not partial.has_product():
                continue
            blob_product = hosts.global_product_id(partial.listing.product_id_shown)
            if url_product and blob_product != url_product:
                # Captured data about another product (a page that changed listing without a
                # reload, or a script posting data of its own) must not be judged as this one;
                # nor may data that names no product at all.
                described = f"describes product {blob_product}" if blob_product else "names no product"
                set_aside.append(
                    {
                        "code": "data",
                        "error": f"data[{index}] ({blob.source}) {described}, "
                        f"not the page's product {url_product}; it was ignored.",
                    }
                )
                continue
            partials.append(partial)

        found = embedded.EmbeddedData()
        reading = None
        page_url = page.url
        own_url = None
        meta_language = None
        html_usable = page.html is not None
        if page.html is not None:
            if _is_punish(page.html) or _is_punish(page.url):
                return self._blocked(page)
            tree = dom.parse(page.html)
            own_url = dom.meta_url(tree, base=page.url)
            own_product = hosts.global_product_id(hosts.product_id_from_url(own_url))
            if url_product and own_product and own_product != url_product:
                # The page still shows another listing (a page that moved to this address
                # without a reload and has not rendered the new product): judging it would
                # judge the other product under this one's id.
                set_aside.append(
                    {
                        "code": "html",
                        "error": f"The page's own address names product {own_product}, not {url_product}: "
                        "it still shows another listing, so its content was ignored.",
                    }
                )
                html_usable = False
        if html_usable:
            found = embedded.find(page.html)
            if found.run_params:
                reader = generations.from_modules if _has_modules(found.run_params) else generations.from_components
                partials.append(reader(found.run_params))
            if found.init_data:
                partials.append(generations.from_new_detail(found.init_data))
            partials = [p for p in partials if p.has_product()]
            page_url = page_url or own_url
            meta_language = dom.context_from_meta(tree).language
            served = _served(partials, found)
            reading = dom.read(tree, self._hints(partials, served or page.received_at))
        elif _is_punish(page.url):
            return self._blocked(page)
        else:
            served = _served(partials, found)

        if reading is not None and reading.not_found or any(p.available is False for p in partials):
            return self._empty(page, "not_found", page_url, own_url, served, partials)
        if not partials and (reading is None or reading.layout is None):
            if blocked:
                return self._blocked(page)
            # A 2024+ shell, or captured feeds that held no product: the product data is missing.
            has_shell = (
                found.run_params_empty or found.is_csr or found.dc_data is not None or bool(page.blobs) or not html_usable
            )
            status = "no_data" if has_shell and hosts.is_product_path(page_url) else "not_product"
            return self._empty(page, status, page_url, own_url, served, partials)

        listing = Listing(marketplace=self.name)
        for partial in partials:
            listing = merge(listing, partial.listing)
        if reading is not None and reading.layout:
            listing = merge(listing, reading.listing)
        shown = listing.product_id_shown or hosts.product_id_from_url(page_url)
        listing = merge(
            Listing(
                marketplace=self.name,
                product_id=hosts.global_product_id(shown),
                product_id_shown=shown,
                url=page_url,
                selected_sku_id=page.selected_sku_id,
                context=Context(country=_country_of_site(page_url), language=meta_language),
            ),
            listing,
        )
        if found.view_name == "choiceDetail" and listing.badges.choice is None:
            listing.badges.choice = True  # the Choice-specific template (ANATOMY §1.5)
        sources = [p.source for p in partials] + ([reading.layout] if reading is not None and reading.layout else [])
        return Extraction(
            status="ok",
            listing=listing,
            generation=partials[0].generation if partials else reading.layout,
            captured_at=served,
            sources=sources,
            own_url=own_url,
        )

    def _hints(self, partials, served: dt.datetime | None) -> dom.PageHints:
        i18n: dict[str, str] = {}
        for partial in partials:
            i18n = {**partial.i18n, **i18n}
        free = i18n.get("FREE_SHIPPING", "").strip()
        return dom.PageHints(
            free_shipping=[free] if free else [],
            to_via_template=i18n.get("TO_VIA"),
            seen_on=served.date() if served else None,
        )

    def _empty(self, page: PageInput, status: str, page_url, own_url, served, partials) -> Extraction:
        shown = next((p.listing.product_id_shown for p in partials if p.listing.product_id_shown), None)
        shown = shown or hosts.product_id_from_url(page_url)
        return Extraction(
            status=status,
            listing=Listing(
                marketplace=self.name,
                product_id=hosts.global_product_id(shown),
                product_id_shown=shown,
                url=page_url,
            ),
            captured_at=served,
            own_url=own_url,
        )

    def _blocked(self, page: PageInput) -> Extraction:
        shown = hosts.product_id_from_url(page.url) or _punished_product_id(page.html)
        return Extraction(
            status="blocked",
            listing=Listing(
                marketplace=self.name,
                product_id=hosts.global_product_id(shown),
                product_id_shown=shown,
                url=page.url,
            ),
            captured_at=embedded.punish_time(page.html),
            own_url=embedded.punished_url(page.html),
        )

    # --- addresses ---

    def url_from_html(self, html: str) -> str | None:
        if _is_punish(html):
            return embedded.punished_url(html)
        return dom.meta_url(dom.parse(html))

    def blob_from_capture(self, text: str) -> Blob | None:
        """Recognise a saved product feed (``emptor scan FILE.json``) by its shape: a runParams
        object, an ``_init_data_`` object, or an mtop response as JSON or as captured JSONP.

        :raises BadInput: the text is not JSON or JSONP.
        """
        try:
            value = embedded.decode_body(text)
        except embedded.NotJSON as exc:
            raise BadInput("not_json", f"is not valid JSON or JSONP: {exc}.") from None
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
        if _has_components(as_dict(data.get("data"))):
            return Blob("mtop.aliexpress.itemdetail.pc.asyncPCDetail", value)
        return None

    def review_feed_urls(self, listing: Listing, pages: int) -> list[str]:
        if not listing.product_id:
            return []
        params = {
            "productId": listing.product_id,
            "lang": _feed_language(listing.context.language),
            "country": listing.context.country or "US",
            "pageSize": REVIEW_PAGE_SIZE,
            "filter": "all",
            "sort": "complex_default",
        }
        return [f"{REVIEW_FEED_URL}?{urlencode({**params, 'page': n})}" for n in range(1, pages + 1)]

    parse_review_pages = staticmethod(reviews.parse_pages)
    global_product_id = staticmethod(hosts.global_product_id)


def _feed_language(language: str | None) -> str:
    return {"he": "iw_IL"}.get(language or "", f"{language}_{language.upper()}" if language and language != "en" else "en_US")


def _country_of_site(url: str | None) -> str | None:
    """aliexpress.us serves US prices and aliexpress.ru Russian ones; the .com hosts serve any."""
    host = hosts.host_or_none(url)
    if host and hosts.is_site_host(host):
        return {"us": "US", "ru": "RU"}.get(host.rsplit(".", 1)[-1])
    return None


def _served(partials, found: embedded.EmbeddedData) -> dt.datetime | None:
    """When the page was served: the earliest trace-id time in its data, else the aplus script's."""
    times = [p.served_at for p in partials if p.served_at]
    return min(times) if times else _ms(found.apache_time_ms)


def _ms(value: int | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(value / 1000, tz=dt.timezone.utc) if value else None


def _punished_product_id(html: str | None) -> str | None:
    return hosts.product_id_from_url(embedded.punished_url(html)) if html else None


MARKETPLACE = AliExpress()

__all__ = ["MARKETPLACE", "AliExpress", "BLOB_SOURCES"]
