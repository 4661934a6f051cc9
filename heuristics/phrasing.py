"""Numbers as a shopper reads them, so messages can quote a threshold instead of a copy of it."""

from __future__ import annotations

_FRACTIONS = {1 / 2: "half", 1 / 3: "a third", 1 / 4: "a quarter", 2 / 3: "two thirds", 3 / 4: "three quarters"}


def share_in_words(share: float) -> str:
    """0.5 → "half", 0.25 → "a quarter"; any other share as a percent ("40%")."""
    for fraction, words in _FRACTIONS.items():
        if abs(share - fraction) < 1e-9:
            return words
    return f"{share:.0%}"
