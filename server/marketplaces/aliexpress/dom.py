"""Read a listing from the page's rendered DOM, in the two layouts AliExpress has used.

- 2019-2022 "detail-ui" pages: stable class names (``h1.product-title-text``,
  ``.product-price-value``, ``.positive-fdbk``…), seen in F2020.
- 2024+ "pdp-pc" pages: ``data-pl`` attributes and CSS-module classes
  ``<block>--<element>--<hash>`` whose hash changes each release, so they are matched by prefix
  (``[class*="price--currentPriceText"]``). Selectors: docs/sources.md, "AliExpress page generations".

The DOM is the secondary source: it fills what the embedded data leaves out (the 2020 page's
rendered "90-day buyer protection", where the data holds only a template) and is the only
source when the browser sends a rendered page whose scripts were removed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from heuristics.model import (
    DESCRIPTION_CHARS,
    MIN_PRICE,
    Badges,
    DeliveryGuarantee,
    Listing,
    Locale,
    Price,
    Rating,
    Shipping,
    Spec,
)

from ... import textparse
from .shared import CANNOT_DELIVER_WORDS, image_keys, language_from_locale, new_listing, new_seller, says_cannot_deliver
from .shared import protection_days as shared_protection_days

# "Free shipping" as AliExpress prints it in its storefront languages; the page's own
# i18n string (shippingModule.i18nMap.FREE_SHIPPING) is tried first when the data carries it.
FREE_SHIPPING_WORDS = (
    "free shipping", "free delivery", "envío gratis", "kostenloser versand", "gratis versand",
    "livraison gratuite", "бесплатная доставка", "frete grátis", "spedizione gratuita",
    "darmowa wysyłka", "ücretsiz kargo", "gratis verzending", "שילוח חינם", "משלוח חינם",
    "شحن مجاني", "무료 배송", "送料無料", "miễn phí vận chuyển", "จัดส่งฟรี", "gratis ongkir",
)

_STORE_ID = re.compile(r"/store/(\d+)")

# The product title of each layout: what says which layout a page is (the extension waits for the
# same elements, and places its badge above them: extension/lib/constants.js, PRODUCT_PAGE).
TITLE_SELECTORS = {"dom-2020": "h1.product-title-text", "dom-2024": '[data-pl="product-title"]'}
# A removed item's page (2024+): "Sorry, the page you requested can not be found".
NOT_FOUND_SELECTOR = '[class*="not-found--wrap"]'


@dataclass
class PageHints:
    """Strings in the page's own language, taken from the embedded data's i18n maps."""

    free_shipping: list[str] = field(default_factory=list)
    to_via_template: str | None = None  # "to {countryName} via {companyName}"
    cannot_deliver: tuple[str, ...] = CANNOT_DELIVER_WORDS  # the page's words for "cannot deliver"
    seen_on: dt.date | None = None  # the day the page was served, to date "Mar 02"


@dataclass
class DomReading:
    layout: str | None  # "dom-2020", "dom-2024" or None when no product is rendered
    listing: Listing
    not_found: bool = False


def _text(node) -> str | None:
    if node is None:
        return None
    text = " ".join(node.text(separator=" ").split())
    return text or None


def _first(tree, *selectors):
    for selector in selectors:
        node = tree.css_first(selector)
        if node is not None:
            return node
    return None


def _store_id(href: str | None) -> str | None:
    match = _STORE_ID.search(href or "")
    return match.group(1) if match else None


def parse(html: str) -> LexborHTMLParser:
    return LexborHTMLParser(html)


def read(tree: LexborHTMLParser, hints: PageHints) -> DomReading:
    if tree.css_first(NOT_FOUND_SELECTOR) is not None:
        return DomReading(layout=None, listing=new_listing(), not_found=True)
    for layout, title in TITLE_SELECTORS.items():
        if tree.css_first(title) is not None:
            return DomReading(layout=layout, listing=_READERS[layout](tree, hints))
    return DomReading(layout=None, listing=new_listing())


def _description(tree) -> str | None:
    """The seller's description as rendered (``#product-description``), as text, cut to size.

    Its own style and script blocks are not text (and the extension does not send them), so
    they are dropped from a copy of the block before reading it."""
    node = tree.css_first("#product-description")
    if node is None:
        return None
    block = LexborHTMLParser(node.html)
    block.strip_tags(["script", "style"])
    text = _text(block.body)
    return text[:DESCRIPTION_CHARS] if text else None


def _price(current_text: str | None, original_text: str | None, discount_text: str | None, currency: str | None) -> Price:
    current = [amount for amount in textparse.parse_amounts(current_text) if amount >= MIN_PRICE]
    original = [amount for amount in textparse.parse_amounts(original_text) if amount >= MIN_PRICE]
    discount = textparse.parse_amount(discount_text)
    return Price(
        currency=textparse.currency_of(current_text) or currency,
        min=current[0] if current else None,
        max=current[-1] if current else None,
        original_min=original[0] if original else None,
        original_max=original[-1] if original else None,
        discount_percent=discount,
    )


def _fold(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").casefold().split())


def _is_free(text: str, hints: PageHints) -> bool:
    folded = _fold(text)
    return any(_fold(word) in folded for word in (*hints.free_shipping, *FREE_SHIPPING_WORDS) if word)


def _method_from(info_text: str | None, hints: PageHints) -> str | None:
    if not info_text:
        return None
    if hints.to_via_template and "{companyName}" in hints.to_via_template:
        pattern = re.escape(hints.to_via_template)
        pattern = pattern.replace(re.escape("{countryName}"), ".+?").replace(re.escape("{companyName}"), "(?P<company>.+)")
        match = re.search(pattern, info_text)
        if match:
            return match.group("company").strip()
    match = re.search(r"\bvia\s+(.+)$", info_text, re.IGNORECASE)
    return match.group(1).strip() if match else None


def _shipping(price_text, info_text, delivery_text, currency, hints: PageHints) -> list[Shipping]:
    if not (price_text or info_text or delivery_text):
        return []
    cost = None
    if price_text:
        amount = textparse.parse_amount(price_text)
        cost = amount if amount is not None else (0.0 if _is_free(price_text, hints) else None)
    delivery = (
        textparse.next_date_from_day_month(delivery_text, hints.seen_on) if delivery_text and hints.seen_on else None
    )
    return [
        Shipping(
            method=_method_from(info_text, hints),
            cost=cost,
            currency=(textparse.currency_of(price_text) if cost else None) or currency,
            delivery_date=delivery.isoformat() if delivery else None,
            deliverable=False if says_cannot_deliver((price_text, info_text, delivery_text), hints.cannot_deliver) else None,
        )
    ]


def _read_2020(tree, hints: PageHints) -> Listing:
    current = _text(_first(tree, ".product-price-current .product-price-value", '[itemprop="price"]'))
    price = _price(
        current,
        _text(_first(tree, ".product-price-original .product-price-value", ".product-price-del .product-price-value")),
        _text(tree.css_first(".product-price-original .product-price-mark")),
        None,
    )
    store_link = _first(tree, "h3.store-name a", ".shop-name a", ".store-name a")
    followers = _text(tree.css_first(".num-followers i"))
    protection_days = None
    for block in tree.css(".buyer-pretection-info"):
        icon = block.css_first("use")
        href = (icon.attributes.get("xlink:href") or icon.attributes.get("href") or "") if icon else ""
        if href.endswith("icon-BP"):
            protection_days = shared_protection_days(_text(block.css_first(".buyer-pretection-title")))
            break
    # A free-returns line in the rendered shipping or protection blocks, in the page's language.
    # F2020's "החזר מקומי תוך 15 ימים" (local return within 15 days) does not say free: not read as it.
    service_texts = [_text(node) for node in tree.css(".product-shipping, .buyer-pretection-info")]
    free_return = True if any(textparse.says_free_return(text) for text in service_texts) else None
    return new_listing(
        title=_text(tree.css_first(TITLE_SELECTORS["dom-2020"])),
        price=price,
        shipping=_shipping(
            _text(tree.css_first(".product-shipping-price")),
            _text(tree.css_first(".product-shipping-info")),
            _text(tree.css_first(".product-shipping-delivery")),
            price.currency,
            hints,
        ),
        seller=new_seller(
            _text(store_link),
            store_id=_store_id(store_link.attributes.get("href") if store_link else None),
            positive_rate=textparse.parse_percent(_text(_first(tree, ".positive-fdbk", '[data-role="positive-feedback"] i'))),
            followers=textparse.parse_count(followers or _text(tree.css_first(".follower-num"))),
            top_rated=True if tree.css_first(".top-rated-seller") is not None else None,
        ),
        rating=Rating(
            average=textparse.parse_amount(_text(tree.css_first(".overview-rating-average"))),
            count=textparse.parse_count(_text(tree.css_first(".product-reviewer-reviews"))),
        ),
        orders=textparse.parse_count(_text(tree.css_first(".product-reviewer-sold"))),
        badges=Badges(buyer_protection_days=protection_days, free_return=free_return),
        image_keys=image_keys([img.attributes.get("src") for img in tree.css(".images-view-item img")]),
        description=_description(tree),
    )


def _services_2024(tree) -> Badges:
    """The Choice tag and the service panel beside the price (``shipping--item`` blocks, in the
    site's language): free returns ("Free returns within 90 days") and the delivery promise
    ("Refund if no delivery in 35 days", "￡1.00 coupon code if delayed"), as F2607dom renders them."""
    free_return, guarantee = None, None
    for item in tree.css('[class*="shipping--item"]'):
        title = _text(item.css_first('[class*="shipping--title"]'))
        lines = [text for text in (_text(node) for node in item.css('[class*="shipping--descText"]')) if text]
        if any(textparse.says_free_return(text) for text in (title, *lines)):
            free_return = True
        days = next((days for text in lines if (days := textparse.refund_days(text))), None)
        if days is not None and guarantee is None:
            paid = next((text for text in lines if textparse.currency_of(text) and not textparse.refund_days(text)), None)
            guarantee = DeliveryGuarantee(days=days, compensation=textparse.money_text(paid))
    # The Choice tag beside the store's name: F2607dom's is the image its own feed names as
    # GLOBAL_DATA.globalData.choiceIcon (F2607), on a listing whose service blocks say ONLY_CHOICE.
    choice = True if tree.css_first('[class*="store-info--choiceTag"]') is not None else None
    return Badges(choice=choice, free_return=free_return, delivery_guarantee=guarantee)


def _read_2024(tree, hints: PageHints) -> Listing:
    current = _text(
        _first(tree, '[class*="price--currentPriceText"]', '[class*="price-default--current"]', '[class*="price-kr--current"]')
    )
    price = _price(
        current,
        _text(
            _first(tree, '[class*="price--originalText"]', '[class*="price-default--original"]', '[class*="price-kr--original"]')
        ),
        _text(tree.css_first('[class*="price--discount"]')),
        None,
    )
    store_link = tree.css_first('a[data-pl="store-name"]')
    store_numbers = [_text(node) for node in tree.css('[class*="store-info"] strong')]
    positive = next((t for t in store_numbers if t and "%" in t), None)
    followers = next((t for t in store_numbers if t and "%" not in t), None)
    specs = []
    for prop in tree.css('[class*="specification--prop"]'):
        name, value = (
            _text(prop.css_first('[class*="specification--title"]')),
            _text(prop.css_first('[class*="specification--desc"]')),
        )
        if name and value:
            specs.append(Spec(name, value))
    price_line = delivery_line = unreachable_line = None
    for line in filter(None, (_text(node) for node in tree.css(".dynamic-shipping-line"))):
        if says_cannot_deliver([line], hints.cannot_deliver):
            unreachable_line = unreachable_line or line
        elif price_line is None and (textparse.currency_of(line) or _is_free(line, hints)):
            price_line = line
        elif delivery_line is None and hints.seen_on and textparse.next_date_from_day_month(line, hints.seen_on):
            delivery_line = line
    sold = _text(tree.css_first('[class*="reviewer--sold"]'))
    rating_text = _text(tree.css_first('[class*="reviewer--rating"]'))
    return new_listing(
        title=_text(tree.css_first(TITLE_SELECTORS["dom-2024"])),
        price=price,
        shipping=_shipping(price_line, unreachable_line, delivery_line, price.currency, hints),
        specs=specs,
        seller=new_seller(
            _text(store_link),
            store_id=_store_id(store_link.attributes.get("href") if store_link else None),
            positive_rate=textparse.parse_percent(positive),
            followers=textparse.parse_count(followers),
        ),
        rating=Rating(
            average=textparse.parse_amount(rating_text),
            count=textparse.parse_count(_text(tree.css_first('[class*="reviewer--reviews"]'))),
        ),
        orders=textparse.parse_count(sold),
        badges=_services_2024(tree),
        image_keys=image_keys([img.attributes.get("src") for img in tree.css('[class*="slider--img"] img')]),
        description=_description(tree),
    )


_READERS = {"dom-2020": _read_2020, "dom-2024": _read_2024}


def meta_url(tree: LexborHTMLParser, base: str | None = None) -> str | None:
    """The page's own absolute address: its canonical link, else its og:url. A relative or
    scheme-less address is resolved against ``base`` (or https); one that is not an http(s)
    address with a host is ignored."""
    for selector, attribute in (('link[rel="canonical"]', "href"), ('meta[property="og:url"]', "content")):
        node = tree.css_first(selector)
        value = node.attributes.get(attribute) if node is not None else None
        if not value:
            continue
        try:
            absolute = urljoin(base or "https://", value.strip())
            parts = urlsplit(absolute)
        except ValueError:
            continue
        if parts.scheme in ("http", "https") and parts.hostname:
            return absolute
    return None


def locale_from_meta(tree: LexborHTMLParser) -> Locale:
    html_node = tree.css_first("html")
    language = html_node.attributes.get("lang") if html_node is not None else None
    return Locale(language=language_from_locale(language))


_FLAG = re.compile(r"country-flag")
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")


def locale_from_header(tree: LexborHTMLParser) -> Locale:
    """The shopper's own "ship to / language / currency" setting as the 2024+ header shows it: a
    flag whose class names the country (``country-flag-y2023 UK``), then "EN/" and "GBP" (F2607dom,
    F2510nf). The most direct statement of whom the page was rendered for."""
    menu = tree.css_first('[class*="ship-to--menuItem"]')
    if menu is None:
        return Locale()
    country = None
    flag = menu.css_first('[class*="country-flag"]')
    if flag is not None:
        classes = (flag.attributes.get("class") or "").split()
        if any(_FLAG.match(name) for name in classes):
            country = next((name for name in classes if _COUNTRY_CODE.fullmatch(name)), None)
    language = _text(menu.css_first('[class*="ship-to--small"]'))
    currency = _text(menu.css_first("b"))
    return Locale(
        country=country,
        currency=currency if currency and textparse.currency_of(currency) == currency else None,
        language=language_from_locale(language.rstrip("/ ").lower()) if language else None,
    )

