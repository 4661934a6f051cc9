"""Numbers, money, counts and dates as marketplaces print them, in many locales.

Every function returns ``None`` for text it cannot read rather than guessing.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from heuristics.model import MAX_PRICE_ANY_UNIT

# Bounds of what a listing can show. Anything outside is a broken or hostile value, and is read
# as "not shown" rather than passed on to the rules (or out as invalid JSON).
# No amount on a page reaches this in any currency AliExpress prices in (heuristics/model.py says
# why); which prices are plausible in their own currency is Reference.plausible_price's to say.
MAX_AMOUNT = float(MAX_PRICE_ANY_UNIT)
MAX_COUNT = 10**12  # orders, ratings, followers
MAX_DAYS = 3650  # delivery and protection periods
ASCII_DIGITS = re.compile(r"[0-9]{1,20}")  # longer runs are no count or id AliExpress shows

_NUMBER = re.compile(r"\d[\d\s.,\u00a0\u202f']*")

# Longest symbols first so "US $" wins over "$" and "R$" over "$".
_CURRENCY_SYMBOLS = (
    ("US $", "USD"), ("US$", "USD"), ("CA $", "CAD"), ("C$", "CAD"), ("AU $", "AUD"), ("A$", "AUD"),
    ("NZ $", "NZD"), ("MX$", "MXN"), ("R$", "BRL"), ("руб", "RUB"), ("₽", "RUB"), ("€", "EUR"),
    ("£", "GBP"), ("￡", "GBP"), ("CN￥", "CNY"), ("CN¥", "CNY"),
    ("₪", "ILS"), ("₺", "TRY"), ("₩", "KRW"), ("zł", "PLN"), ("₹", "INR"),
    ("¥", "JPY"), ("$", "USD"),
)

_SYMBOL = "|".join(re.escape(symbol) for symbol, _ in _CURRENCY_SYMBOLS)  # longest first, as above
# An amount with its currency written before it ("￡1.00", "US $1.00") or after it ("1,00 €",
# "100 руб.", "1.00 USD").
_MONEY_TEXT = re.compile(rf"(?:(?:{_SYMBOL})\s?)?\d+(?:[.,]\d+)?(?:\s?(?:(?:{_SYMBOL})\.?|[A-Z]{{3}}\b))?")

# ISO 4217 codes AliExpress prices in (its currency switcher); matched as whole words only, so
# that "via DHL" is not read as a currency.
_ISO_CODES = frozenset(
    "USD EUR GBP RUB BRL PLN TRY KRW JPY CNY ILS CAD AUD NZD MXN CHF SEK NOK DKK CZK HUF UAH KZT "
    "INR SAR AED CLP COP PEN ARS THB VND IDR MYR PHP SGD HKD TWD ZAR NGN EGP MAD BYN RON BGN".split()
)

_PERCENT = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.,]\d+)?)\s*%?(?![\w.,])")

_SUFFIXES = {"k": 1_000, "m": 1_000_000, "万": 10_000, "тыс": 1_000, "mil": 1_000}


def finite(value) -> float | None:
    """A number as a finite float, or None (bools, strings, NaN, infinities, and integers too
    large for a float are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def sane_amount(value) -> float | None:
    """A price or cost that can be real: a finite number in 0..MAX_AMOUNT."""
    number = finite(value)
    return number if number is not None and 0 <= number <= MAX_AMOUNT else None


def parse_amount(text: str | None) -> float | None:
    """The first amount in ``text``: "€ 97,39" → 97.39, "US $1,234.56" → 1234.56, "1 234,56 руб." → 1234.56."""
    if not text:
        return None
    match = _NUMBER.search(text)
    if not match:
        return None
    return sane_amount(_to_float(match.group(0)))


def parse_amounts(text: str | None) -> list[float]:
    """All amounts in a range such as "€ 97,39 - 128,72"."""
    if not text:
        return []
    return [v for v in (sane_amount(_to_float(m.group(0))) for m in _NUMBER.finditer(text)) if v is not None]


def _to_float(raw: str) -> float | None:
    digits = re.sub(r"[\s\u00a0\u202f']", "", raw).rstrip(".,")
    if not digits or len(digits) > 32:
        return None
    last_dot, last_comma = digits.rfind("."), digits.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        decimal = "." if last_dot > last_comma else ","
    elif last_dot < 0 and last_comma < 0:
        decimal = ""
    else:
        separator = "." if last_dot >= 0 else ","
        # One separator followed by exactly three digits groups thousands ("1,234", "2.292",
        # "R$ 1.299"): no currency AliExpress sells in has three decimals. "97,39" and "0.125"
        # are decimals; several separators ("12,000,000", "1.234.567") always group thousands.
        groups = digits.split(separator)
        if len(groups) > 2 or (len(groups[1]) == 3 and groups[0] != "0"):
            decimal = ""
        else:
            decimal = separator
    for separator in {".", ","} - {decimal}:
        digits = digits.replace(separator, "")
    if decimal == ",":
        digits = digits.replace(",", ".")
    try:
        return float(digits)
    except ValueError:
        return None


def money_text(text: str | None) -> str | None:
    """The first amount in ``text`` as written, with its currency ("￡1.00", "1,00 €"), or None."""
    match = _MONEY_TEXT.search(text) if text else None
    return match.group(0).strip() if match else None


def currency_of(text: str | None) -> str | None:
    """The ISO code of the currency symbol in ``text``, or None when it shows none."""
    if not text:
        return None
    for symbol, code in _CURRENCY_SYMBOLS:
        if symbol in text:
            return code
    return next((code for code in re.findall(r"\b([A-Z]{3})\b", text) if code in _ISO_CODES), None)


def _sane_count(value) -> int | None:
    if isinstance(value, float):
        value = finite(value)
        value = None if value is None else int(round(value))
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= MAX_COUNT else None


def parse_count(text) -> int | None:
    """A displayed count: "70.5K" → 70500, "5,000+" → 5000, "10.000+ vendidos" → 10000,
    "2 חוות דעת" → 2, "1.2万" → 12000."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return _sane_count(text)
    if not isinstance(text, str):
        return None
    match = re.search(r"(\d[\d.,\s\u00a0]*)\s*(k|m|万|тыс|mil)?(?!\w)", text, re.IGNORECASE)
    if not match:
        return None
    number = match.group(1).strip()
    suffix = (match.group(2) or "").lower()
    if suffix:
        # "70.5K", "70,5 тыс": with a multiplier the separator is a decimal point.
        value = _to_float(number.replace(",", "."))
        return None if value is None else _sane_count(value * _SUFFIXES[suffix])
    compact = re.sub(r"[\s\u00a0]", "", number).rstrip(".,")
    if len(compact) > 24:
        return None
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+|\d+", compact):
        return _sane_count(int(re.sub(r"\D", "", compact)))
    value = _to_float(compact)
    return None if value is None else _sane_count(int(value))


def parse_percent(text) -> float | None:
    """"93.6%" → 93.6, "96.5" → 96.5, 97.2 → 97.2; None outside 0-100."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        value = finite(text)
    elif isinstance(text, str):
        # A percent is 1-3 digits with an optional fraction, standing alone ("93.6%",
        # "93.6% Positive feedback"); "1e400%" is not a percent.
        match = _PERCENT.search(text)
        value = _to_float(match.group(1)) if match else None
    else:
        return None
    return value if value is not None and 0 <= value <= 100 else None


def parse_rating(value) -> float | None:
    """An average star rating, 0-5 ("4.8", 4.8)."""
    if isinstance(value, str):
        match = _NUMBER.search(value)
        value = _to_float(match.group(0)) if match else None
    value = finite(value)
    return value if value is not None and 0 <= value <= 5 else None


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


def parse_english_date(text: str | None) -> dt.date | None:
    """"Aug 4, 2014", "September 9, 2016", "01 Jun 2023" → a date."""
    if not text:
        return None
    match = re.search(r"([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})", text)
    if match:
        month, day, year = match.group(1), match.group(2), match.group(3)
    else:
        match = re.search(r"(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})", text)
        if not match:
            return None
        day, month, year = match.group(1), match.group(2), match.group(3)
    number = _MONTHS.get(month.lower())
    if number is None:
        return None
    try:
        return dt.date(int(year), number, int(day))
    except ValueError:
        return None


def date_from_epoch_ms(value) -> dt.date | None:
    try:
        return dt.datetime.fromtimestamp(int(value) / 1000, tz=dt.timezone.utc).date()
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def next_date_from_day_month(text: str | None, after: dt.date) -> dt.date | None:
    """The delivery estimate a page shows without a year ("Mar 02", "Dec 26 - 31", "08/12").

    The year is the one that puts the date on or after ``after`` (the day the page was seen). In
    a range the later date counts. A numeric "08/12" reads as day/month or month/day; when both
    are valid dates the nearer one after ``after`` is taken: a delivery estimate is never months
    further away than it needs to be (F2020 shows "08/12" on 2020-07-09 for AliExpress Standard
    Shipping: 12 August, 34 days, not 8 December).
    """
    if not text:
        return None
    candidates: list[tuple[int, int]] = []
    named = re.findall(r"([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:\s*[-–]\s*(?:([A-Za-z]{3,9})\.?\s+)?(\d{1,2}))?", text)
    for month_name, day, end_month_name, end_day in named:
        month = _MONTHS.get(month_name.lower())
        if month is None:
            continue
        if end_day:
            month = _MONTHS.get((end_month_name or month_name).lower(), month)
            day = end_day
        candidates.append((month, int(day)))
    if not candidates:
        numeric = re.search(r"\b(\d{1,2})[/.](\d{1,2})\b", text)
        if numeric:
            a, b = int(numeric.group(1)), int(numeric.group(2))
            candidates = [(a, b), (b, a)]
    best = None
    for month, day in candidates:
        for year in (after.year, after.year + 1):
            try:
                candidate = dt.date(year, month, day)
            except ValueError:
                continue
            if candidate >= after:
                if best is None or (named and candidate > best) or (not named and candidate < best):
                    best = candidate
                break
    return best


_TRACE_ID = re.compile(r"^[0-9a-f]{8}(1[3-9]\d{11})")


def time_from_trace_id(trace_id) -> dt.datetime | None:
    """Alibaba trace ids embed the server time: 8 hex digits (the server's IP) then epoch ms.

    "2103399116715613719752379e7fca" → 2022-12-20T18:36:11.975Z (F2212's webEnv.traceId).
    """
    if not isinstance(trace_id, str):
        return None
    match = _TRACE_ID.match(trace_id)
    if not match:
        return None
    return dt.datetime.fromtimestamp(int(match.group(1)) / 1000, tz=dt.timezone.utc)


# "Free returns" as AliExpress words it in the languages of its storefronts (issue 9 lists the
# English, Spanish, French, German, Portuguese, Russian and Hebrew forms; the real 2026 English
# page says "Free returns within 90 days"). Matched anywhere in a service or shipping text.
_FREE_RETURN = re.compile(
    r"free\s+returns?|devoluci[oó]n(?:es)?\s+(?:gratis|gratuitas?)|retours?\s+gratuits?|"
    r"kostenlose\s+r[üu]ckgaben?|devolu[çc](?:[ãa]o|[õo]es)\s+(?:gr[aá]tis|gratuitas?)|"
    r"бесплатн\w*\s+возврат|החזר(?:ה|ות)?\s+(?:חינם|בחינם)|reso\s+gratuito|resi\s+gratuiti|"
    r"darmowy\s+zwrot|[üu]cretsiz\s+iade|gratis\s+retour|무료\s*반품|返品無料",
    re.IGNORECASE,
)

# A refund promised in the same words ("Refund if no delivery in 35 days", "Reembolso si no
# llega en 35 días").
_REFUND = re.compile(r"refund|reembols|rembours|erstatt|r[üu]ckerstatt|возврат\w* (?:денег|средств)|החזר כספי", re.IGNORECASE)
_DAYS = re.compile(r"(?<!\d)(\d{1,3})\s*(?:days?|d[ií]as|jours|tage?n?|дн\w*|ימים|giorni|dni|gün|일|日)", re.IGNORECASE)


def says_free_return(text: str | None) -> bool:
    return bool(text) and bool(_FREE_RETURN.search(text))


def refund_days(text: str | None) -> int | None:
    """The days in a refund promise ("Refund if no delivery in 35 days" → 35), or None when the
    text promises no refund or names no days."""
    if not text or not _REFUND.search(text):
        return None
    match = _DAYS.search(text)
    days = int(match.group(1)) if match else None
    return days if days and days <= MAX_DAYS else None

