"""The one place where findings become numbers.

``weight = points[severity] * factor[confidence]``, positive for risks and negative for reasons
to trust; ``score = clamp(sum(weights), 0, 100)``; the level comes from the score. The numbers
are documented, with the reference cases they were calibrated on, in docs/rules.md.
"""

from __future__ import annotations

from .model import Confidence, Kind, Severity

SEVERITY_POINTS = {Severity.LOW: 8, Severity.MEDIUM: 16, Severity.HIGH: 32}
CONFIDENCE_FACTOR = {Confidence.LOW: 0.5, Confidence.MEDIUM: 0.75, Confidence.HIGH: 1.0}

# Score bands: [0, 25) low, [25, 50) medium, [50, 100] high.
LEVELS = (("low", 0), ("medium", 25), ("high", 50))


def weight(kind: Kind, severity: Severity, confidence: Confidence) -> int:
    points = round(SEVERITY_POINTS[severity] * CONFIDENCE_FACTOR[confidence])
    return points if kind is Kind.RISK else -points


def score(weights) -> int:
    return max(0, min(100, sum(weights)))


def level(value: int | None) -> str:
    if value is None:
        return "unknown"
    name = LEVELS[0][0]
    for candidate, lower_bound in LEVELS:
        if value >= lower_bound:
            name = candidate
    return name
