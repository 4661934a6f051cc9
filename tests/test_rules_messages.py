"""Numbers in a message agree with its evidence, and money reads as its currency writes it
(issue 9: "a delivery finding said 72 days while its evidence said 44"; "3.80 USD", not "3.8 USD").

The check (tests/support/message_numbers.py) runs on every firing case of every rule: the rows of
tests/test_rules.py CASES that fire, and every test named ``test_<code>_fires…`` in
tests/test_rules*.py, run here with ``heuristics.analyze`` recording each finding they make; and on
every rule over the real pages. A new rule's firing test is checked without being listed here.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

import heuristics
from heuristics.phrasing import money
from tests.support.fixtures import F2020, F2209, F2212, F2607, F2607_DOM
from tests.support.message_numbers import misformatted_money, unexplained_numbers
from tests.support.rule_cases import CASES, gen_c, real

HERE = Path(__file__)
RULES = HERE.parent.parent / "heuristics" / "rules"
FIRES = re.compile(r"^def (test_([a-z]{3}\d{3})_fires\w*)\(([^)]*)\)", re.MULTILINE)
FIRING_TESTS = [
    (path.stem, name, code.upper(), arguments)
    for path in sorted(HERE.parent.glob("test_rules*.py"))
    if path != HERE
    for name, code, arguments in FIRES.findall(path.read_text(encoding="utf-8"))
]
FIRING_CASES = [(code, factory, why) for code, fires, factory, why in CASES if fires]


def problems(findings) -> list[str]:
    found = []
    for finding in findings:
        for number in unexplained_numbers(finding.message, finding.evidence):
            found.append(f"{finding.code}: {number!r} in {finding.message!r} is not in its evidence {finding.evidence}")
        for amount in misformatted_money(finding.message):
            found.append(f"{finding.code}: {amount!r} in {finding.message!r} is not written as its currency is")
    return found


@pytest.fixture
def recorded(monkeypatch):
    """Every finding ``heuristics.analyze`` (or ``heuristics.analyze_thread``, for the rules that
    take a message thread) makes while the test runs."""
    findings = []

    def recording(analyze):
        def recorder(*args, **kwargs):
            verdict = analyze(*args, **kwargs)
            findings.extend(verdict.findings + verdict.trust)
            return verdict
        return recorder

    monkeypatch.setattr(heuristics, "analyze", recording(heuristics.analyze))
    monkeypatch.setattr(heuristics, "analyze_thread", recording(heuristics.analyze_thread))
    return findings


def calls(test):
    """The keyword arguments of each call pytest makes of ``test``: one call without any, or
    one per parameter set of its ``pytest.mark.parametrize``."""
    marks = [mark for mark in getattr(test, "pytestmark", []) if mark.name == "parametrize"]
    if not marks:
        return [{}]
    assert len(marks) == 1, f"{test.__name__}: one parametrize mark is all this check reads"
    names, rows = marks[0].args[:2]
    names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
    rows = [getattr(row, "values", row) for row in rows]
    return [dict(zip(names, row if len(names) > 1 else (row,))) for row in rows]


@pytest.mark.parametrize("module, name, code, arguments", FIRING_TESTS, ids=[t[1] for t in FIRING_TESTS])
def test_every_firing_test_s_messages_agree_with_their_evidence(module, name, code, arguments, recorded):
    test = getattr(importlib.import_module(f"tests.{module}"), name)
    for keywords in calls(test):
        assert set(keywords) == {re.split("[:=]", a)[0].strip() for a in arguments.split(",") if a.strip()}, (
            f"{name} takes arguments its parametrize mark does not give (fixtures): this check cannot run it"
        )
        test(**keywords)
        assert any(f.code == code for f in recorded), f"{name}{keywords} made no {code} finding for the check to read"
        assert problems(recorded) == []
        recorded.clear()


@pytest.mark.parametrize("code, factory, why", FIRING_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(FIRING_CASES)])
def test_every_firing_case_s_message_agrees_with_its_evidence(code, factory, why):
    listing, when = factory()
    verdict = heuristics.analyze(listing, when, select=(code,))
    assert verdict.findings + verdict.trust, why
    assert problems(verdict.findings + verdict.trust) == []


@pytest.mark.parametrize("path", [F2020, F2212, F2209, F2607, F2607_DOM], ids=lambda p: p.name)
def test_every_rule_on_the_real_pages(path):
    listing, when = real(path)
    verdict = heuristics.analyze(listing, when)
    assert problems(verdict.findings + verdict.trust) == []


def test_every_rule_has_a_firing_case_checked_here():
    checked = {code for code, _, _ in FIRING_CASES} | {code for _, _, code, _ in FIRING_TESTS}
    assert set(heuristics.RULES) - checked == set()


# --- the check itself -----------------------------------------------------------------------


def test_the_check_finds_the_issue_s_delivery_message():
    """F2212's real SHP003 finding agrees with its evidence; with the evidence the issue saw
    (44 days, the page's working days) the message's 72 is caught."""
    listing, when = real(F2212)
    finding = heuristics.analyze(listing, when, select=("SHP003",)).findings[0]
    assert "up to 72 days" in finding.message and unexplained_numbers(finding.message, finding.evidence) == []
    assert unexplained_numbers(finding.message, dict(finding.evidence, estimate_days=44)) == ["72"]


def test_the_check_finds_a_number_the_message_took_from_elsewhere():
    """PRC001 used to quote the page's discount without putting it in the evidence."""
    message = (
        'The "was" price of 7.40 USD was never charged in 630 days of history: the highest recorded price '
        "is 5.62 USD, so the 27% discount is against a price nobody paid."
    )
    evidence = {"original_price": 7.40, "current_price": 5.62, "highest_recorded": 5.62, "history_days": 630}
    assert unexplained_numbers(message, evidence) == ["27"]
    assert unexplained_numbers(message, dict(evidence, discount_percent=27.0)) == []


def test_the_check_accepts_derived_numbers_and_nothing_near_them():
    evidence = {"current_price": 6.50, "recorded_low": 4.90, "positive_rate": 86.6, "share": 2.2}
    assert unexplained_numbers("today's 6.50 USD is 33% more; 13.4 in 100; it adds 220%", evidence) == []
    assert unexplained_numbers("today's 6.50 USD is 35% more; 13.6 in 100; it adds 230%", evidence) == ["35", "13.6", "230"]


def test_the_check_finds_money_not_written_as_its_currency():
    assert misformatted_money("Shipping costs 3.8 USD on an item from 1.73 USD") == ["3.8 USD"]
    assert misformatted_money("Shipping costs 3.80 USD on an item from 1,500 JPY, at 1.17 USD per EUR") == []
    assert misformatted_money("1500.00 JPY, 2 EUR") == ["1500.00 JPY", "2 EUR"]


def test_money_is_written_as_its_currency_writes_it():
    assert money(3.8, "USD") == "3.80 USD"
    assert money(1234.5, "RUB") == "1,234.50 RUB"
    assert money(1500, "JPY") == "1,500 JPY"
    assert money(25000.4, "KRW") == "25,000 KRW"
    assert money(1.5, "KWD") == "1.500 KWD"
    assert money(2.5, None) == "2.50"


def test_no_rule_formats_money_by_hand():
    """Messages show money through heuristics.phrasing.money, never ``{price:g} {currency}``."""
    by_hand = re.compile(r"\{[^{}]*:(?:g|\.\d+f)\}\s*(?:\{[^{}]*currency[^{}]*\}|USD|EUR)(?! per \{)")
    for path in RULES.glob("*.py"):
        assert by_hand.findall(path.read_text(encoding="utf-8")) == [], path.name


def test_the_first_real_variant_messages_use_money():
    listing, when = gen_c()
    finding = heuristics.analyze(listing, when, select=("PRC005",)).findings[0]
    assert "4.47 USD" in finding.message and "24.97 USD" in finding.message
