"""emptor's scoring rules: pure functions of a listing (standard library only, no I/O).

``analyze(listing, now)`` runs every registered rule and returns an explained verdict whose
score is exactly the sum of the weights of the findings it shows.
"""

from .engine import RuleContext, Verdict, analyze
from .model import Confidence, Finding, Kind, Listing, Severity, risk, trust
from .registry import FAMILIES, RULES, Rule, rule
from .thresholds import DEFAULTS, THRESHOLDS

__all__ = [
    "analyze", "RuleContext", "Verdict", "Confidence", "Finding", "Kind", "Listing", "Severity",
    "risk", "trust", "FAMILIES", "RULES", "Rule", "rule", "DEFAULTS", "THRESHOLDS",
]
