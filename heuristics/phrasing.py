"""Numbers as a shopper reads them, so messages can quote a threshold instead of a copy of it,
and show money the way the currency is written."""

from __future__ import annotations

_FRACTIONS = {1 / 2: "half", 1 / 3: "a third", 1 / 4: "a quarter", 2 / 3: "two thirds", 3 / 4: "three quarters"}


def share_in_words(share: float) -> str:
    """0.5 → "half", 0.25 → "a quarter"; any other share as a percent ("40%")."""
    for fraction, words in _FRACTIONS.items():
        if abs(share - fraction) < 1e-9:
            return words
    return f"{share:.0%}"


# ISO 4217 minor units of the currencies that are not written with two decimals. Of those
# AliExpress sells in, the yen, the won, the Chilean peso and the dong have no minor unit; every
# other storefront currency (USD, EUR, GBP, RUB, BRL, PLN, ILS, TRY…) has two.
_MINOR_UNITS = {
    **dict.fromkeys(("JPY", "KRW", "CLP", "VND", "ISK", "PYG", "UGX", "XAF", "XOF", "XPF", "KMF", "RWF", "GNF",
                     "DJF", "BIF", "VUV"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}


def money_decimals(currency: str | None) -> int:
    """How many decimals ``currency`` is written with: its ISO 4217 minor unit, 2 when unknown."""
    return _MINOR_UNITS.get((currency or "").upper(), 2)


def money(amount: float, currency: str | None) -> str:
    """An amount as the currency writes it, with the code after: 3.8, "USD" → "3.80 USD";
    1234.5, "RUB" → "1,234.50 RUB"; 1500, "JPY" → "1,500 JPY". Without a currency, the amount
    alone with two decimals. Every rule message that shows money goes through here."""
    text = f"{amount:,.{money_decimals(currency)}f}"
    return f"{text} {currency}" if currency else text
