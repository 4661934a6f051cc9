"""The listing as the rules see it, and the findings they return.

Everything here is plain data (standard library only). The server's extractors fill a
:class:`Listing`; the rules read it; the report serialises it with :func:`as_dict`. A value the
page did not show is ``None`` (never 0 or False), so a rule can tell "no data" from "bad data".
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """How bad the finding is if it is true (bandit's first axis)."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3


class Confidence(enum.IntEnum):
    """How sure the rule is that the finding is true (bandit's second axis)."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3


class Kind(enum.Enum):
    RISK = "risk"
    TRUST = "trust"


@dataclass(frozen=True)
class Finding:
    """One explained reason. ``code`` and ``weight`` are filled in by the engine, never a rule."""

    kind: Kind
    severity: Severity
    confidence: Confidence
    message: str
    evidence: dict[str, Any]
    code: str = ""
    weight: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.name.lower(),
            "confidence": self.confidence.name.lower(),
            "message": self.message,
            "evidence": dict(self.evidence),
            "weight": self.weight,
        }


def risk(severity: Severity, confidence: Confidence, message: str, **evidence: Any) -> Finding:
    """A reason for caution; the engine gives it a positive weight."""
    return Finding(Kind.RISK, severity, confidence, message, evidence)


def trust(severity: Severity, confidence: Confidence, message: str, **evidence: Any) -> Finding:
    """A reason to trust the listing; the engine gives it a negative weight."""
    return Finding(Kind.TRUST, severity, confidence, message, evidence)


# --- the listing ---------------------------------------------------------------------------


@dataclass
class Locale:
    """Who the page was rendered for: the ship-to country, currency and language the shopper chose
    (AliExpress's own "ship to / language / currency" setting). Its prices depend on all three."""

    country: str | None = None
    currency: str | None = None
    language: str | None = None


@dataclass
class Price:
    """The headline price range. ``min``/``max`` are what the shopper pays (sale price when there
    is one); ``original_*`` is the seller's own "was" price."""

    currency: str | None = None
    min: float | None = None
    max: float | None = None
    original_min: float | None = None
    original_max: float | None = None
    discount_percent: float | None = None


@dataclass
class Variant:
    sku_id: str
    name: str | None = None
    price: float | None = None
    original_price: float | None = None
    stock: int | None = None
    ships_from: str | None = None
    image_key: str | None = None


@dataclass
class Shipping:
    method: str | None = None
    cost: float | None = None
    currency: str | None = None
    min_days: int | None = None
    max_days: int | None = None
    tracked: bool | None = None
    ships_from: str | None = None
    delivery_date: str | None = None  # YYYY-MM-DD, the estimate the page showed
    guaranteed_days: int | None = None  # "delivered within N days or refund"
    free_over: float | None = None  # the order total from which this option ships free, same currency
    deliverable: bool | None = None  # False: the page says this option cannot deliver to the shopper


@dataclass
class Spec:
    name: str
    value: str
    name_id: str | None = None
    value_id: str | None = None


@dataclass
class Seller:
    name: str | None = None
    store_id: str | None = None
    positive_rate: float | None = None  # percent, 0-100
    feedback_count: int | None = None  # the number of ratings the positive rate rests on
    followers: int | None = None
    opened: str | None = None  # YYYY-MM-DD
    top_rated: bool | None = None
    official: bool | None = None
    country: str | None = None


@dataclass
class Rating:
    average: float | None = None
    count: int | None = None
    histogram: dict[str, int] | None = None  # counts keyed "1".."5"


@dataclass
class DeliveryGuarantee:
    """AliExpress "Commitment": delivered within ``days`` (or by ``by_date``), or a compensation."""

    days: int | None = None
    by_date: str | None = None
    compensation: str | None = None


@dataclass
class Badges:
    choice: bool | None = None
    free_return: bool | None = None
    buyer_protection_days: int | None = None
    delivery_guarantee: DeliveryGuarantee | None = None


@dataclass
class Listing:
    marketplace: str
    product_id: str | None = None
    product_id_shown: str | None = None
    url: str | None = None
    title: str | None = None
    category_id: str | None = None
    locale: Locale = field(default_factory=Locale)
    price: Price = field(default_factory=Price)
    variants: list[Variant] = field(default_factory=list)
    shipping: list[Shipping] = field(default_factory=list)
    specs: list[Spec] = field(default_factory=list)
    seller: Seller = field(default_factory=Seller)
    rating: Rating = field(default_factory=Rating)
    orders: int | None = None
    badges: Badges = field(default_factory=Badges)
    image_keys: list[str] = field(default_factory=list)
    selected_sku_id: str | None = None
    # The seller's own description as the page rendered it (text only, at most DESCRIPTION_CHARS):
    # replica wording often hides there ("these are not original accessories", F2020).
    description: str | None = None


DESCRIPTION_CHARS = 5000


# --- reviews -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """A buyer's later addition to their review (``buyerAddFb…``)."""

    days: int | None
    text: str
    translation: str | None = None


@dataclass(frozen=True)
class Review:
    id: str
    rating: int | None  # 1..5 stars
    text: str  # the buyer's own words; "" for a rating without text
    translation: str | None = None  # the platform's translation for the viewer
    date: str | None = None  # YYYY-MM-DD
    country: str | None = None
    variant: str | None = None  # the variant bought, as the feed names it (skuInfo)
    images: int = 0
    follow_up: FollowUp | None = None
    selected: bool | None = None  # chosen and shown first by AliExpress
    ai_generated: bool | None = None  # marked aigc by AliExpress
    imported: bool | None = None  # thirdParty / independentSite / trendyol: from another site
    anonymous: bool | None = None
    buyer: str | None = None  # the masked name the feed shows ("M***r")


@dataclass
class ReviewSet:
    """The reviews emptor read for a listing, and the platform's own statistics for all of them."""

    reviews: list[Review] = field(default_factory=list)
    statistics: Rating | None = None  # productEvaluationStatistic: every review, not the sample
    pages: int = 0
    duplicates_dropped: int = 0
    source: str = "feed"  # "feed" (searchEvaluation.do) or "legacy-html" (productEvaluation.htm)


# --- history -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PricePoint:
    observed_at: str  # ISO 8601 UTC
    sku_id: str | None  # None: the listing's headline (lowest) price
    country: str | None
    currency: str | None
    price: float
    original_price: float | None


@dataclass(frozen=True)
class FactsSnapshot:
    first_seen: str
    last_seen: str
    title: str | None
    seller_name: str | None
    store_id: str | None
    image_keys: tuple[str, ...] = ()


@dataclass
class ListingHistory:
    """What emptor recorded about this listing before the page being judged."""

    prices: list[PricePoint] = field(default_factory=list)
    facts: list[FactsSnapshot] = field(default_factory=list)


# --- seller message threads (the MSG family) ------------------------------------------------

SENDERS = ("seller", "buyer", "system")

# An order's status as the thread page names it, in the words the MSG rules read. The first
# three are before delivery: the item has not reached the buyer.
NOT_DELIVERED_STATUSES = ("awaiting_payment", "awaiting_shipment", "awaiting_delivery")
DELIVERED_STATUSES = ("delivered", "completed")
ORDER_STATUSES = (*NOT_DELIVERED_STATUSES, *DELIVERED_STATUSES, "in_dispute", "closed")


@dataclass(frozen=True)
class Message:
    """One message of a thread. ``sender`` is "seller", "buyer" or "system" (the platform's own
    notices, such as its "confirm receipt" reminder); ``sent_at`` is ISO 8601, or None."""

    sender: str
    text: str
    sent_at: str | None = None


@dataclass
class OrderContext:
    """The order a thread is about, when the page shows it."""

    status: str | None = None  # one of ORDER_STATUSES
    protection_ends: str | None = None  # YYYY-MM-DD, the last day of the buyer protection


@dataclass
class MessageThread:
    """A conversation with a seller, as the MSG rules see it."""

    messages: list[Message] = field(default_factory=list)
    seller_name: str | None = None
    store_id: str | None = None
    order: OrderContext | None = None


# --- reference data ------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceFloor:
    """A widely counterfeited product and the price below which a genuine new one is not sold."""

    key: str
    brand: str
    product: str
    patterns: tuple[str, ...]  # regular expressions matched against the title
    floor_usd: float
    source: str


@dataclass(frozen=True)
class Reference:
    """Shipped reference tables (server/data/*.json), passed in so the rules stay free of I/O."""

    price_floors: tuple[PriceFloor, ...] = ()
    usd_per_unit: dict[str, float] = field(default_factory=dict)  # 1 unit of currency = x USD
    rates_date: str | None = None
    rates_source: str | None = None

    def to_usd(self, amount: float, currency: str | None) -> tuple[float, float] | None:
        """``(usd, rate)``, or None when the currency is not in the table."""
        if currency == "USD":
            return amount, 1.0
        rate = self.usd_per_unit.get(currency or "")
        return (amount * rate, rate) if rate else None

    def plausible_price(self, amount: float | None, currency: str | None) -> bool:
        """Whether ``amount`` can be what a listing costs: at least a cent, and at most
        MAX_PRICE_USD (in its currency when the table has it, else in any unit). Zero, negative,
        subnormal and astronomical amounts are a page's mistake or a forgery."""
        if amount is None or not MIN_PRICE <= amount <= MAX_PRICE_ANY_UNIT:
            return False
        converted = self.to_usd(amount, currency)
        return converted is None or converted[0] <= MAX_PRICE_USD


# The bounds of a price that can be real. A cent is the smallest price any currency AliExpress
# sells in is shown with; no listing costs 100,000 US dollars; and no currency's unit is worth so
# little that a real price reaches ten billion of it (the Vietnamese dong: 100,000 USD is about
# 2.6 billion VND, server/data/exchange_rates.json).
MIN_PRICE = 0.01
MAX_PRICE_USD = 100_000
MAX_PRICE_ANY_UNIT = 10_000_000_000


def as_dict(obj: Any) -> Any:
    """Serialise a model object to JSON-ready data (dataclasses.asdict keeps nested dicts)."""
    return dataclasses.asdict(obj)


def merge(primary: Any, secondary: Any) -> Any:
    """Fill the gaps of ``primary`` from ``secondary``, field by field, recursively.

    Structured page data is the primary source and the rendered DOM the secondary one, so a
    value the DOM shows (say "90-day buyer protection", where the data has only a template) is
    used without ever overriding the data.
    """
    if primary is None:
        return secondary
    if secondary is None or not dataclasses.is_dataclass(primary):
        return primary
    updates = {}
    for f in dataclasses.fields(primary):
        mine, theirs = getattr(primary, f.name), getattr(secondary, f.name)
        if mine is None or (isinstance(mine, (list, dict)) and not mine):
            updates[f.name] = theirs
        elif dataclasses.is_dataclass(mine):
            updates[f.name] = merge(mine, theirs)
    return dataclasses.replace(primary, **updates) if updates else primary
