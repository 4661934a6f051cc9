"""The rule tests' cases: real listings extracted from the fixtures, copied with one field
changed where a rule needs a value no fixture shows (each case says so), and CASES: every rule's
firing and non-firing case, which tests/test_rules.py runs and tests/test_rules_messages.py
checks the messages of."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt

import heuristics
from heuristics.model import Listing
from server.marketplaces import MARKETPLACES, Blob, PageInput

from .constructed import gen_c_run_params
from .fixtures import F2020, F2209, F2212, PAGE_URLS, read_text

ALIEXPRESS = MARKETPLACES["aliexpress"]

UTC = dt.timezone.utc


def _real(path):
    if path.suffix == ".json":
        blob = ALIEXPRESS.blob_from_capture(read_text(path))
        extraction = ALIEXPRESS.extract(PageInput(url=PAGE_URLS[path.name], blobs=[blob]))
    else:
        extraction = ALIEXPRESS.extract(PageInput(url=PAGE_URLS[path.name], html=read_text(path)))
    return extraction.listing, extraction.captured_at


_CACHE = {}


def real(path) -> tuple[Listing, dt.datetime]:
    if path not in _CACHE:
        _CACHE[path] = _real(path)
    listing, when = _CACHE[path]
    return copy.deepcopy(listing), when


def gen_c() -> tuple[Listing, dt.datetime]:
    extraction = ALIEXPRESS.extract(
        PageInput(url="https://www.aliexpress.com/item/4000927436411.html", blobs=[Blob("runParams", gen_c_run_params())])
    )
    return extraction.listing, dt.datetime(2024, 1, 10, tzinfo=UTC)


def codes(listing, when, prefix):
    verdict = heuristics.analyze(listing, when, select=(prefix,), debug=True)
    return {f.code for f in verdict.findings + verdict.trust}


def changed(base, **changes):
    """A real listing with some fields changed (synthetic variation of real data)."""
    listing, when = base
    for dotted, value in changes.items():
        target = listing
        *path, name = dotted.split("__")
        for part in path:
            target = getattr(target, part)
        setattr(target, name, value)
    return listing, when


def case(base, **changes):
    return lambda: changed(base(), **changes) if changes else base()


def untracked_f2212():
    """Synthetic: F2212 with its "Seller's Shipping Method" made untracked."""
    listing, when = real(F2212)
    listing.shipping[0].tracked = False
    return listing, when


def unreachable_f2212(*, another_option: bool = False):
    """Constructed: F2212 with its default option showing the page's own "Can not deliver" (its
    shipping i18n map's words), optionally beside a second option that can deliver."""
    listing, when = real(F2212)
    listing.shipping[0].deliverable = False
    if another_option:
        listing.shipping.append(dataclasses.replace(listing.shipping[0], deliverable=None, method="AliExpress Standard Shipping"))
    return listing, when


F12 = lambda: real(F2212)  # noqa: E731
F20 = lambda: real(F2020)  # noqa: E731
F09 = lambda: real(F2209)  # noqa: E731

CASES = [
    # (code, fires?, listing factory, why)
    ("SEL001", True, case(F12), "real: 86.6% positive (F2212)"),
    ("SEL001", True, case(F20), "real: 93.6% positive (F2020), medium"),
    ("SEL001", False, case(gen_c), "96.8% positive (Gen C store)"),
    ("SEL002", True, case(F12, seller__feedback_count=31), "synthetic: 31 ratings"),
    ("SEL002", False, case(F12), "real: 1528 ratings"),
    ("SEL003", True, case(F12, seller__opened="2022-09-01"), "synthetic: opened 3.5 months before capture"),
    ("SEL003", False, case(F12), "real: opened 2019-12-09, 3 years before capture"),
    ("SEL004", True, case(F12, seller__followers=37), "synthetic: 37 followers"),
    ("SEL004", False, case(F12), "real: 1,905 followers"),
    ("SEL005", True, case(gen_c), "Gen C: topRatedSeller true (real 2024-01 value)"),
    ("SEL005", False, case(F12), "real: topRatedSeller false"),
    ("SEL006", True, case(F12, seller__name="PATUOPRO Official Store", seller__official=True), "real name of the 2024-09 store"),
    ("SEL006", False, case(F12), "real: Car Accessories Zone Store"),
    ("PRT001", True, case(F12, badges__choice=True), "synthetic: no fixture is a Choice listing"),
    ("PRT001", False, case(F12), "real: choiceProduct false"),
    ("PRT002", True, case(F12, badges__free_return=True), "synthetic: free return"),
    ("PRT002", False, case(F12), "real: no free return shown"),
    ("PRT003", True, case(F20), "real: 90-day buyer protection rendered (F2020)"),
    ("PRT003", False, case(F12), "real: only the {day} template (F2212)"),
    ("PRT004", True, case(F09), "real: guaranteed within 60 days (F2209)"),
    ("PRT004", False, case(F20), "real: no delivery guarantee in F2020"),
    ("SHP001", True, case(F12), "real: $3.80 shipping on a $1.73 item"),
    ("SHP001", False, case(F09), "real: $3.73 on $13.36 (28%)"),
    ("SHP002", True, case(untracked_f2212), "synthetic: untracked option"),
    ("SHP002", False, case(F12), "real: tracking visible"),
    ("SHP003", True, case(F12), "real: 44 days"),
    ("SHP003", False, case(F09), "real: 24 days"),
    ("SHP004", True, unreachable_f2212, "constructed: the default and only option cannot deliver"),
    ("SHP004", False, case(F12), "real: the option delivers"),
    ("CNT001", True, case(F20), "real: title 'מקורי' (original), condition 'משומש' (used)"),
    ("CNT001", False, case(F12), "real: no condition spec"),
]
