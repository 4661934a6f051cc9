"""Does a finding's message say only what its evidence says? (issue 9: "a delivery finding said
72 days while its evidence said 44").

Every number a message shows must be one of its evidence's numbers as shown (to the decimals
the message gives), or a number written inside one of its evidence's texts (a quoted variant
name, a date), or follow from evidence numbers in one of the few ways messages derive numbers:

- a percent's complement (86.6 → "13.4 buyers in 100"), terabytes as gigabytes (0.5 → "500 GB")
  and days as months (110 → "3 months");
- before a "%" only: a share as a percent (0.14 → "14%") and how much one evidence number is
  above or below another (6.50 against 4.90 → "33% more").

Nothing else ("in 100" is wording): a number the message computed some other way, or took from the listing without
putting it in the evidence, is reported. Money must also be written as the currency writes it
(heuristics.phrasing.money: "3.80 USD", never "3.8 USD").
"""

from __future__ import annotations

import itertools
import math
import re

from heuristics.phrasing import money_decimals

# A number as messages write it: "1,234.50", "3.80", "72", "2023" (of 2023-03-02).
NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
# Numbers that are wording, not data: "13.4 buyers in 100".
WORDING = re.compile(r"\b(?:in|per|out of) 100\b")
# Money as messages write it: an amount, then an ISO 4217 code. "1.17 USD per EUR" is a rate.
MONEY = re.compile(r"(?<![\w.,])(\d[\d,]*(?:\.\d+)?) ([A-Z]{3})\b(?! per [A-Z]{3}\b)")
CURRENCIES = frozenset(
    "USD EUR GBP RUB UAH BRL PLN ILS TRY KRW JPY CAD AUD NZD MXN CLP COP PEN CHF SEK NOK DKK CZK HUF RON BGN "
    "INR SAR AED KZT BYN SGD HKD VND THB IDR MYR PHP ZAR NGN EGP MAD KWD BHD".split()
)


def _shown(token: str) -> tuple[float, int]:
    """A number token's value and the decimals it is shown with."""
    plain = token.replace(",", "")
    decimals = len(plain.split(".")[1]) if "." in plain else 0
    return float(plain), decimals


def _walk(value):
    """Every leaf of an evidence value (dict keys included: REV003 keys its burst days by date)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(key)
            yield from _walk(item)
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            yield from _walk(item)
    else:
        yield value


def evidence_values(evidence: dict) -> tuple[list[float], set[float]]:
    """The evidence's numbers, and the numbers written inside its texts."""
    numbers, in_texts = [], set()
    for leaf in _walk(evidence):
        if isinstance(leaf, bool) or leaf is None:
            continue
        if isinstance(leaf, (int, float)):
            if math.isfinite(leaf):
                numbers.append(float(leaf))
        else:
            in_texts.update(_shown(token)[0] for token in NUMBER.findall(str(leaf)))
    return numbers, in_texts


def _candidates(numbers: list[float], percent: bool):
    for value in numbers:
        yield from (value, 100 - value, value * 1000, value / 30, math.floor(value / 30))
    if percent:
        yield from (value * 100 for value in numbers)
        for a, b in itertools.permutations(numbers, 2):
            if b:
                yield abs(a / b - 1) * 100


def _agrees(value: float, decimals: int, candidate: float) -> bool:
    """Whether ``candidate`` shown with ``decimals`` decimals reads ``value``."""
    return abs(candidate - value) <= 0.5 * 10**-decimals + 1e-9


def unexplained_numbers(message: str, evidence: dict) -> list[str]:
    """The numbers of ``message`` that its evidence neither gives nor derives."""
    numbers, in_texts = evidence_values(evidence)
    message = WORDING.sub("", message)
    plain, percents = list(_candidates(numbers, False)), list(_candidates(numbers, True))
    missing = []
    for match in NUMBER.finditer(message):
        value, decimals = _shown(match.group(0))
        candidates = percents if message.startswith("%", match.end()) else plain
        if value in in_texts or any(_agrees(value, decimals, c) for c in candidates):
            continue
        missing.append(match.group(0))
    return missing


def misformatted_money(message: str) -> list[str]:
    """Amounts of money in ``message`` not written with their currency's decimals."""
    wrong = []
    for amount, code in MONEY.findall(message):
        if code in CURRENCIES and _shown(amount)[1] != money_decimals(code):
            wrong.append(f"{amount} {code}")
    return wrong
