"""emptor's scoring rules: pure functions of a listing (standard library only, no I/O).

``analyze(listing, now)`` runs every registered rule and returns an explained verdict whose
score is exactly the sum of the weights of the findings it shows. ``analyze_thread(thread, now)``
judges a message thread with the seller the same way, with the rules that take a thread (``MSG``).
"""

from .engine import RuleContext, Verdict, analyze, analyze_thread
from .model import Confidence, Finding, Kind, Listing, Message, MessageThread, OrderContext, Severity, risk, trust
from .registry import FAMILIES, INPUTS, RULES, Rule, rule
from .thresholds import DEFAULTS, THRESHOLDS

__all__ = [
    "analyze", "analyze_thread", "RuleContext", "Verdict", "Confidence", "Finding", "Kind", "Listing",
    "Message", "MessageThread", "OrderContext", "Severity", "risk", "trust", "FAMILIES", "INPUTS", "RULES",
    "Rule", "rule", "DEFAULTS", "THRESHOLDS",
]
