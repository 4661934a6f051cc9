"""The shipped reference tables (server/data/*.json), loaded once and handed to the rules.

The rules are pure and never read files; this module does it for them and checks the tables
before use, so a broken edit to a data file fails at start-up with a clear message.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from heuristics.model import PriceFloor, Reference

DATA = Path(__file__).parent / "data"


class BadReferenceData(ValueError):
    """A shipped reference table is malformed."""


@lru_cache(maxsize=1)
def load() -> Reference:
    floors_doc = json.loads((DATA / "price_floors.json").read_text(encoding="utf-8"))
    rates_doc = json.loads((DATA / "exchange_rates.json").read_text(encoding="utf-8"))
    floors = []
    for entry in floors_doc["floors"]:
        for pattern in entry["patterns"]:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise BadReferenceData(f"price_floors.json {entry['key']}: bad pattern {pattern!r}: {exc}") from None
        if not entry["floor_usd"] > 0 or not entry["source"]:
            raise BadReferenceData(f"price_floors.json {entry['key']}: a floor needs a positive price and a source")
        floors.append(
            PriceFloor(
                entry["key"],
                entry["brand"],
                entry["product"],
                tuple(entry["patterns"]),
                float(entry["floor_usd"]),
                entry["source"],
            )
        )
    rates = {code: float(rate) for code, rate in rates_doc["usd_per_unit"].items()}
    if any(not re.fullmatch(r"[A-Z]{3}", code) or rate <= 0 for code, rate in rates.items()):
        raise BadReferenceData("exchange_rates.json: every rate needs an ISO code and a positive value")
    return Reference(
        price_floors=tuple(floors), usd_per_unit=rates, rates_date=rates_doc["date"], rates_source=rates_doc["about"]
    )
