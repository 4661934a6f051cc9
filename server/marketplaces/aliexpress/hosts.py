"""AliExpress's own hosts and product ids.

Storefront domains: docs/sources.md, "Storefront domains" (every host seen on captured pages).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Registrable domains that serve AliExpress pages (storefronts and their language subdomains).
SITE_DOMAINS = ("aliexpress.com", "aliexpress.us", "aliexpress.ru")

# The US site shows product ids as aliases equal to the global id plus 2^51
# (docs/sources.md, "Product ids": verified on 3256805753560521 ↔ 1005005939875273
# and 2255800741121659 ↔ 4000927436411).
US_ALIAS_OFFSET = 2**51

# Product ids are 11 to 16 digits (docs/sources.md, "Product ids"); anything else, including non-ASCII digits
# that str.isdigit() accepts, is not a product id.
_PRODUCT_ID = re.compile(r"[0-9]{1,17}")
_ITEM_PATH = re.compile(r"/item/(?:[^/]*/)?(\d{8,17})\.html")
_LEGACY_STORE_PRODUCT_PATH = re.compile(r"/store/product/[^/]+/\d+_(\d{8,17})\.html")


def host_or_none(url: str | None) -> str | None:
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:
        return None
    return host.lower().rstrip(".") if host else None


def is_site_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in SITE_DOMAINS)


# The language storefronts: the subdomain is the page's language (every captured page's
# language switcher lists them: docs/sources.md, "Storefront domains").
LANGUAGE_STOREFRONTS = frozenset("de es fr it nl pl pt ru tr th vi ko ja ar he id".split())
# The site code a 2024+ page carries in ``window._d_c_.DCData.extParams.site``, where it names a
# language: "esp" on es.aliexpress.com (F2408), "deu" on de. (F2510nf); generation A pages carry
# the same codes as ``storeModule.siteType``: "isr" on he. (F2020), "usa" on www.aliexpress.us
# (F2212). "glo", the global site, names none. Only codes seen on captured pages are listed.
SITE_LANGUAGES = {"esp": "es", "deu": "de", "isr": "he", "usa": "en"}


def language_of_host(url: str | None) -> str | None:
    """The language a storefront address names: es.aliexpress.com → "es", aliexpress.ru → "ru"."""
    host = host_or_none(url)
    if not host or not is_site_host(host):
        return None
    labels = host.split(".")
    if labels[-2:] == ["aliexpress", "ru"]:
        return "ru"
    return labels[0] if len(labels) >= 3 and labels[0] in LANGUAGE_STOREFRONTS else None


def language_of_site_code(code) -> str | None:
    return SITE_LANGUAGES.get(code.strip().lower()) if isinstance(code, str) else None


def product_id_from_url(url: str | None) -> str | None:
    """The product id as the address shows it (www/de./m./h5. hosts, legacy store paths)."""
    if not url:
        return None
    path = urlsplit(url if "//" in url else "//" + url).path
    match = _ITEM_PATH.search(path) or _LEGACY_STORE_PRODUCT_PATH.search(path)
    return match.group(1) if match else None


def global_product_id(shown) -> str | None:
    """Normalise a shown id to the global one, so that history is keyed the same on every site."""
    if shown is None:
        return None
    text = str(shown).strip()
    if not _PRODUCT_ID.fullmatch(text):
        return None
    number = int(text)
    if number >= US_ALIAS_OFFSET:
        number -= US_ALIAS_OFFSET
    return str(number)


def is_product_path(url: str | None) -> bool:
    return product_id_from_url(url) is not None
