"""Run the registered rules on a listing (or, for the ``MSG`` family, a seller message thread)
and add up their findings.

The engine, not the rules, fills in each finding's code and weight and isolates failures: a
rule that raises is reported in ``errors`` and the others still run (bandit's ``run_tests``).
Once every rule has run, each reason to trust is limited to what the risks it covers add
(:func:`heuristics.scoring.limit_trust`), so the score is still the sum of the weights shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Callable, Hashable, Mapping

from . import rules as _builtin_rules  # noqa: F401  (registers the built-in rules)
from . import scoring
from .model import Finding, Kind, Listing, ListingHistory, MessageThread, Reference, ReviewSet
from .registry import selected
from .review_tests import ReviewAnalysis, analyze_reviews
from .thresholds import DEFAULTS


@dataclass(frozen=True)
class RuleContext:
    """What a rule may know besides the listing: the moment it is judged at, its thresholds,
    the reviews read, the listing's recorded history and the reference tables."""

    now: dt.datetime
    thresholds: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType(DEFAULTS))
    reviews: ReviewSet | None = None
    history: ListingHistory | None = None
    reference: Reference = field(default_factory=Reference)
    listing: Listing | None = None
    thread: MessageThread | None = None
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def today(self) -> dt.date:
        return self.now.date()

    def once(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()``, worked out once per verdict however many rules ask for ``key``."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def review_analysis(self) -> ReviewAnalysis | None:
        """The review tests, run once per verdict however many rules read them."""
        if "reviews" not in self._memo:
            self._memo["reviews"] = (
                analyze_reviews(self.reviews, self.listing, self.thresholds) if self.reviews and self.listing else None
            )
        return self._memo["reviews"]


@dataclass(frozen=True)
class Verdict:
    score: int
    level: str
    findings: list[Finding]
    trust: list[Finding]
    errors: list[dict[str, str]]
    rules_run: list[str]
    reviews: ReviewAnalysis | None = None


def analyze(
    listing: Listing,
    now: dt.datetime,
    *,
    reviews: ReviewSet | None = None,
    history: ListingHistory | None = None,
    reference: Reference | None = None,
    select: tuple[str, ...] = ("",),
    ignore: tuple[str, ...] = (),
    thresholds: Mapping[str, Any] | None = None,
    debug: bool = False,
) -> Verdict:
    """Judge ``listing`` as of ``now`` (a saved page is judged at its capture time).

    :param reviews: the review feed pages read for the listing, if any.
    :param history: what was recorded about the listing before this page, if anything.
    :param reference: the price-floor and exchange-rate tables.
    :param debug: re-raise a failing rule's exception instead of recording it (for tests).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    context = RuleContext(
        now=now,
        thresholds=MappingProxyType({**DEFAULTS, **(thresholds or {})}),
        reviews=reviews,
        history=history,
        reference=reference or Reference(),
        listing=listing,
    )
    active = selected(select, ignore, input="listing")
    findings, errors = _run(active, listing, context, debug)
    ordered = sorted(scoring.limit_trust(findings), key=lambda f: (-abs(f.weight), f.code))
    risks = [f for f in ordered if f.kind is Kind.RISK]
    reasons_to_trust = [f for f in ordered if f.kind is Kind.TRUST]
    total = scoring.score(f.weight for f in ordered)
    try:
        review_analysis = context.review_analysis
    except Exception as exc:  # reported like a failing rule; the verdict stands without it
        if debug:
            raise
        errors.append({"code": "reviews", "message": f"{type(exc).__name__}: {exc}"})
        review_analysis = None
    return Verdict(
        score=total,
        level=scoring.level(total),
        findings=risks,
        trust=reasons_to_trust,
        errors=errors,
        rules_run=[r.code for r in active],
        reviews=review_analysis,
    )


def analyze_thread(
    thread: MessageThread,
    now: dt.datetime,
    *,
    select: tuple[str, ...] = ("",),
    ignore: tuple[str, ...] = (),
    thresholds: Mapping[str, Any] | None = None,
    debug: bool = False,
) -> Verdict:
    """Judge a message thread with the seller as of ``now``: only the rules whose family takes a
    thread (``MSG``) run. The verdict has the listing's shape: the score is the sum of the
    findings' weights (clamped to 0-100) and the level follows from it.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    context = RuleContext(
        now=now,
        thresholds=MappingProxyType({**DEFAULTS, **(thresholds or {})}),
        thread=thread,
    )
    active = selected(select, ignore, input="thread")
    findings, errors = _run(active, thread, context, debug)
    ordered = sorted(scoring.limit_trust(findings), key=lambda f: (-abs(f.weight), f.code))
    total = scoring.score(f.weight for f in ordered)
    return Verdict(
        score=total,
        level=scoring.level(total),
        findings=[f for f in ordered if f.kind is Kind.RISK],
        trust=[f for f in ordered if f.kind is Kind.TRUST],
        errors=errors,
        rules_run=[r.code for r in active],
    )


def _run(active, subject, context: RuleContext, debug: bool) -> tuple[list[Finding], list[dict[str, str]]]:
    """Each rule's findings on ``subject``, stamped with its code and weight, and the rules that failed."""
    findings: list[Finding] = []
    errors: list[dict[str, str]] = []
    for rule in active:
        try:
            produced = rule.check(subject, context)
            for finding in _as_list(produced):
                if not isinstance(finding, Finding):
                    raise TypeError(f"returned {type(finding).__name__}, not a Finding")
                findings.append(_stamp(finding, rule.code))
        except Exception as exc:  # one broken rule never sinks the verdict
            if debug:
                raise
            errors.append({"code": rule.code, "message": f"{type(exc).__name__}: {exc}"})
    return findings, errors


def _as_list(produced) -> list:
    if produced is None:
        return []
    if isinstance(produced, Finding):
        return [produced]
    return list(produced)


def _stamp(finding: Finding, code: str) -> Finding:
    return replace(
        finding,
        code=code,
        weight=scoring.weight(finding.kind, finding.severity, finding.confidence),
    )
