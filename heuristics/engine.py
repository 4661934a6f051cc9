"""Run the registered rules on a listing and add up their findings.

The engine, not the rules, fills in each finding's code and weight and isolates failures: a
rule that raises is reported in ``errors`` and the others still run (bandit's ``run_tests``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Mapping

from . import rules as _builtin_rules  # noqa: F401  (registers the built-in rules)
from . import scoring
from .model import Finding, Kind, Listing
from .registry import selected
from .thresholds import DEFAULTS


@dataclass(frozen=True)
class RuleContext:
    """What a rule may know besides the listing: the moment it is judged at, and its thresholds."""

    now: dt.datetime
    thresholds: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType(DEFAULTS))

    @property
    def today(self) -> dt.date:
        return self.now.date()


@dataclass(frozen=True)
class Verdict:
    score: int
    level: str
    findings: list[Finding]
    trust: list[Finding]
    errors: list[dict[str, str]]
    rules_run: list[str]


def analyze(
    listing: Listing,
    now: dt.datetime,
    *,
    select: tuple[str, ...] = ("",),
    ignore: tuple[str, ...] = (),
    thresholds: Mapping[str, Any] | None = None,
    debug: bool = False,
) -> Verdict:
    """Judge ``listing`` as of ``now`` (a saved page is judged at its capture time).

    :param debug: re-raise a failing rule's exception instead of recording it (for tests).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    context = RuleContext(now=now, thresholds=MappingProxyType({**DEFAULTS, **(thresholds or {})}))
    findings: list[Finding] = []
    errors: list[dict[str, str]] = []
    active = selected(select, ignore)
    for rule in active:
        try:
            produced = rule.check(listing, context)
            for finding in _as_list(produced):
                if not isinstance(finding, Finding):
                    raise TypeError(f"returned {type(finding).__name__}, not a Finding")
                findings.append(_stamp(finding, rule.code))
        except Exception as exc:  # one broken rule never sinks the verdict
            if debug:
                raise
            errors.append({"code": rule.code, "error": f"{type(exc).__name__}: {exc}"})
    ordered = sorted(findings, key=lambda f: (-abs(f.weight), f.code))
    risks = [f for f in ordered if f.kind is Kind.RISK]
    reasons_to_trust = [f for f in ordered if f.kind is Kind.TRUST]
    total = scoring.score(f.weight for f in ordered)
    return Verdict(
        score=total,
        level=scoring.level(total),
        findings=risks,
        trust=reasons_to_trust,
        errors=errors,
        rules_run=[r.code for r in active],
    )


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
