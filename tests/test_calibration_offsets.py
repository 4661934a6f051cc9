"""What a reason to trust offsets (issue 9): the map, the engine's limit, its order and what the
report says about it; and the weights the issue's outcomes rest on, over every value that
decides them rather than one example each.

Listings here are synthetic (only the fields a rule reads); the real and constructed cases are
tests/test_calibration.py's table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import heuristics
from heuristics import scoring
from heuristics.model import Badges, Confidence, DeliveryGuarantee, Kind, Listing, Price, Seller, Severity, Variant, risk, trust
from heuristics.registry import RULES, rule

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 7, 18, tzinfo=UTC)
EVERY_PROTECTION = Badges(choice=True, free_return=True, buyer_protection_days=90,
                          delivery_guarantee=DeliveryGuarantee(days=10, compensation="US $1.00"))


def stamped(kind, severity, confidence, code, **evidence):
    finding = (risk if kind is Kind.RISK else trust)(severity, confidence, f"{code} says so.", **evidence)
    return dataclasses.replace(finding, code=code, weight=scoring.weight(kind, severity, confidence))


def R(code, severity=Severity.LOW, confidence=Confidence.HIGH):  # noqa: N802
    return stamped(Kind.RISK, severity, confidence, code)


def T(code, severity=Severity.MEDIUM, confidence=Confidence.HIGH):  # noqa: N802
    return stamped(Kind.TRUST, severity, confidence, code)


# --- the map -------------------------------------------------------------------------------------


def test_every_reason_to_trust_says_what_it_offsets():
    """A new protection must decide what it covers: the built-in reasons to trust are the PRT
    family and the store's standing (SEL005, SEL006)."""
    assert set(scoring.OFFSETS) == {code for code in RULES if code.startswith("PRT")} | {"SEL005", "SEL006"}
    assert all(offset.remedies and offset.why for offset in scoring.OFFSETS.values())


def test_only_delivery_and_not_as_described_risks_are_ever_offset():
    covered = {code for key in scoring.REMEDIED for code in scoring.REMEDIED[key].codes}
    assert covered <= set(RULES)
    assert all(code[:3] in ("SHP", "REV") for code in covered)
    # never a weak seller, a price (a bait price among them), a counterfeit sign, a switched
    # listing's reviews or a shipping charge
    assert not covered & {"SHP001", "REV007"}


@pytest.mark.parametrize("code, covers", [
    ("PRT004", {"SHP002", "SHP003"}),
    ("PRT002", {f"REV{n:03d}" for n in range(1, 11)} - {"REV007"}),
    ("SEL006", {f"REV{n:03d}" for n in range(1, 11)} - {"REV007"}),
    ("PRT001", {"SHP002", "SHP003"} | {f"REV{n:03d}" for n in range(1, 11)} - {"REV007"}),
    ("PRT003", {"SHP002", "SHP003"} | {f"REV{n:03d}" for n in range(1, 11)} - {"REV007"}),
    ("SEL005", {"SHP002", "SHP003"} | {f"REV{n:03d}" for n in range(1, 11)} - {"REV007"}),
])
def test_what_each_reason_to_trust_covers(code, covers):
    assert set(scoring.covered_codes(code)) == covers


# --- the limit ----------------------------------------------------------------------------------


def test_a_reason_to_trust_takes_off_no_more_than_the_risks_it_covers_add():
    findings = scoring.limit_trust([R("SHP003"), T("PRT004"), R("SEL001", Severity.HIGH)])
    guarantee = findings[1]
    assert (guarantee.weight, guarantee.evidence["offsets"], guarantee.evidence["limited_from"]) == (-8, ["SHP003"], -16)
    assert guarantee.evidence["covers"] == ["a late or lost parcel"]
    assert guarantee.message.endswith("It takes off 8 of its 16, all that is left to offset of SHP003.")
    assert findings[0] == R("SHP003") and findings[2] == R("SEL001", Severity.HIGH)  # risks are untouched


def test_a_reason_to_trust_that_fits_keeps_its_weight_and_its_message():
    (reason, _) = scoring.limit_trust([T("PRT004", Severity.LOW, Confidence.MEDIUM), R("SHP003")])
    assert (reason.weight, reason.message, reason.evidence["offsets"]) == (-6, "PRT004 says so.", ["SHP003"])
    assert "limited_from" not in reason.evidence


def test_the_narrowest_reason_offsets_first_and_a_risk_is_never_offset_twice():
    """Choice covers a late parcel too, but the delivery guarantee is made for it: it goes first,
    and Choice offsets what the guarantee left (the reviews)."""
    findings = scoring.limit_trust([T("PRT001"), T("PRT004"), R("SHP003"), R("REV004", Severity.MEDIUM)])
    weights = {f.code: f.weight for f in findings}
    assert (weights["PRT004"], weights["PRT001"]) == (-8, -16)
    choice = findings[0]
    assert choice.evidence["offsets"] == ["REV004"] and "limited_from" not in choice.evidence


def test_among_equally_narrow_reasons_the_heavier_goes_first():
    findings = scoring.limit_trust([T("PRT002", Severity.LOW), T("SEL006", Severity.MEDIUM, Confidence.MEDIUM),
                                    R("REV005", Severity.MEDIUM)])
    assert [(f.code, f.weight) for f in findings[:2]] == [("PRT002", -4), ("SEL006", -12)]


def test_a_reason_with_nothing_left_to_offset_says_which_reason_took_it():
    findings = scoring.limit_trust([T("PRT001"), T("PRT004"), R("SHP003")])
    assert findings[0].weight == 0
    assert findings[0].message.endswith("It takes nothing more off the score: SHP003 is already offset by PRT004.")


def test_a_reason_with_no_risk_it_covers_says_so():
    (reason,) = scoring.limit_trust([T("PRT003", Severity.LOW)])
    assert (reason.weight, reason.evidence["offsets"], reason.evidence["limited_from"]) == (0, [], -8)
    assert reason.message.endswith(
        "It takes nothing off the score: no risk it answers (a late or lost parcel or an item not as described) was found here.")


@pytest.fixture
def temporary_rule():
    added = []

    def register(code, title, fn):
        rule(code, title)(fn)
        added.append(code)

    yield register
    for code in added:
        RULES.pop(code, None)


def test_a_reason_to_trust_no_one_mapped_offsets_nothing(temporary_rule):
    temporary_rule("PRT998", "Unmapped", lambda listing, context: trust(Severity.HIGH, Confidence.HIGH, "Trust me."))
    verdict = heuristics.analyze(Listing("aliexpress", seller=Seller(positive_rate=80.0)), NOW, select=("PRT998", "SEL001"))
    (reason,) = verdict.trust
    assert reason.weight == 0 and reason.message.endswith("it answers none of the risks emptor weighs.")
    assert verdict.score == 32


RISK_CODES = ["SEL001", "SEL003", "PRC005", "CNT001", "REV007", "SHP001", "SHP002", "SHP003", "REV001", "REV006", "REV010"]
TRUST_CODES = sorted(scoring.OFFSETS)
LEVELS = st.sampled_from(list(Severity))
SURENESS = st.sampled_from(list(Confidence))


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(RISK_CODES), LEVELS, SURENESS), max_size=6, unique_by=lambda t: t[0]),
    st.lists(st.tuples(st.sampled_from(TRUST_CODES), LEVELS, SURENESS), max_size=6, unique_by=lambda t: t[0]),
)
def test_offsets_never_exceed_what_the_covered_risks_add(risks, reasons):
    findings = [R(code, s, c) for code, s, c in risks] + [T(code, s, c) for code, s, c in reasons]
    limited = scoring.limit_trust(findings)
    assert [f.code for f in limited] == [f.code for f in findings]
    by_risk = {f.code: f.weight for f in limited if f.kind is Kind.RISK}
    for before, after in zip(findings, limited):
        if after.kind is Kind.RISK:
            assert after == before
            continue
        assert before.weight <= after.weight <= 0
        assert set(after.evidence["offsets"]) <= set(scoring.covered_codes(after.code)) & set(by_risk)
    # The reasons together never take off more than the risks they cover add.
    covered = {code for f in limited if f.kind is Kind.TRUST for code in scoring.covered_codes(f.code)}
    assert -sum(f.weight for f in limited if f.kind is Kind.TRUST) <= sum(w for c, w in by_risk.items() if c in covered)
    # So the risks no reason covers always count in full.
    uncovered = sum(w for c, w in by_risk.items() if c not in covered)
    assert sum(f.weight for f in limited) >= uncovered


# --- the weights the outcomes rest on ------------------------------------------------------------


@pytest.mark.parametrize("count", [None, 0, 10, 49, 50, 120, 199, 200, 7065])
@pytest.mark.parametrize("rate", [60.0, 86.6, 89.9])
def test_a_store_below_90_percent_is_medium_with_every_protection_whatever_its_rating_count(rate, count):
    seller = Seller(positive_rate=rate, feedback_count=count, top_rated=True)
    listing = Listing("aliexpress", seller=seller, badges=EVERY_PROTECTION)
    verdict = heuristics.analyze(listing, NOW, debug=True)
    assert sum(f.weight for f in verdict.findings if f.code.startswith("SEL")) >= 25
    assert verdict.level in ("medium", "high")


@pytest.mark.parametrize("age_days", [0, 30, 182, 183, 200, 364])
@pytest.mark.parametrize("count", [0, 12, 49])
def test_a_store_under_a_year_without_ratings_is_medium_with_every_protection(age_days, count):
    opened = (NOW - dt.timedelta(days=age_days)).date().isoformat()
    listing = Listing("aliexpress", seller=Seller(opened=opened, feedback_count=count), badges=EVERY_PROTECTION)
    verdict = heuristics.analyze(listing, NOW, debug=True)
    assert {"SEL002", "SEL003"} <= {f.code for f in verdict.findings}
    assert verdict.level in ("medium", "high")


def test_a_store_under_a_year_with_enough_ratings_stays_a_low_finding():
    opened = (NOW - dt.timedelta(days=200)).date().isoformat()
    listing = Listing("aliexpress", seller=Seller(opened=opened, feedback_count=500))
    (finding,) = heuristics.analyze(listing, NOW, select=("SEL003",), debug=True).findings
    assert (finding.severity, finding.weight) == (Severity.LOW, 8)


def test_the_three_together_are_high_with_every_protection():
    """The lightest of each: a store just below 90% on 49 ratings, opened 200 days before, and
    the variant-gap bait (24, PRC005's lighter test)."""
    weak = Listing("aliexpress", title="TWS Wireless Earbuds", seller=Seller(positive_rate=89.9, feedback_count=49,
                   opened=(NOW - dt.timedelta(days=200)).date().isoformat()), badges=EVERY_PROTECTION,
                   price=Price(currency="USD", min=1.99, max=29.99),
                   variants=[Variant("1", "White", 1.99), Variant("2", "Black", 24.99), Variant("3", "Pink", 29.99)])
    verdict = heuristics.analyze(weak, NOW, debug=True)
    assert {"SEL001", "SEL002", "SEL003", "PRC005"} <= {f.code for f in verdict.findings}
    assert verdict.level == "high"
