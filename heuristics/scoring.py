"""The one place where findings become numbers.

``weight = points[severity] * factor[confidence]``, positive for risks and negative for reasons
to trust; a reason to trust then takes off no more than the risks it answers add on the listing
(:func:`limit_trust`); ``score = clamp(sum(weights), 0, 100)``; the level comes from the score.
The numbers are documented, with the reference cases they were calibrated on, in docs/rules.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .model import Confidence, Finding, Kind, Severity

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


# --- what a reason to trust offsets (issue 9, "Calibrated levels") ----------------------------


@dataclass(frozen=True)
class Remedied:
    """A kind of harm a protection can make good, and the risk findings that warn of it."""

    words: str  # how a message and the evidence name it
    codes: tuple[str, ...]


# The harms the marketplace's protections (and a store's standing) answer. Everything else is
# offset by nothing: a weak seller (SEL…), the price the shopper pays (PRC…: a bait headline, a
# discount never given, a price too low to be genuine), a counterfeit or misleading listing (CNT…,
# and REV007, reviews of another product: a switched listing, CNT005's twin), and what shipping
# costs (SHP001: a charge is paid whatever happens). A rule added later is offset by nothing
# until it is named here.
REMEDIED = {
    "delivery": Remedied("a late or lost parcel", ("SHP002", "SHP003")),
    "not_as_described": Remedied(
        "an item not as described",
        ("REV001", "REV002", "REV003", "REV004", "REV005", "REV006", "REV008", "REV009", "REV010"),
    ),
}


@dataclass(frozen=True)
class Offset:
    """What one reason to trust offsets, and why (the rules page's "What a reason to trust offsets")."""

    remedies: tuple[str, ...]  # keys of REMEDIED
    why: str


OFFSETS = {
    "PRT004": Offset(("delivery",), "a late parcel is compensated, one not delivered by the promise refunded"),
    "PRT002": Offset(("not_as_described",), "an item that disappoints goes back at no cost"),
    "SEL006": Offset(("not_as_described",), "the brand's own store sells the item the brand describes"),
    "PRT001": Offset(("delivery", "not_as_described"),
                     "Choice's service standard is faster delivery with a guarantee, and free returns where offered"),
    "PRT003": Offset(("delivery", "not_as_described"),
                     "a refund if the item does not arrive or is not as described"),
    "SEL005": Offset(("delivery", "not_as_described"),
                     "AliExpress grants the status for ratings and service: delivery on time, few disputes"),
}


def covered_codes(code: str) -> tuple[str, ...]:
    """The risk codes the reason to trust ``code`` can offset (none for a code not in OFFSETS)."""
    offset = OFFSETS.get(code)
    return tuple(c for key in offset.remedies for c in REMEDIED[key].codes) if offset else ()


def offset_order(finding: Finding) -> tuple:
    """Which reason to trust offsets first: the narrowest (the one remedy made for the harm: a
    delivery guarantee before Choice for a late parcel), then the heavier, then by code."""
    return (len(covered_codes(finding.code)), finding.weight, finding.code)


def limit_trust(findings: list[Finding]) -> list[Finding]:
    """Each reason to trust, its weight limited to what is left to offset of the risks it covers.

    Risks are offset in the order they are shown (heaviest first, then by code); reasons to trust
    take their turn in :func:`offset_order`, so two that cover one risk never both take it off in
    full. Each reason to trust gets evidence: ``offsets`` (the codes it takes weight off), the
    harms it ``covers`` and, when its weight was limited, ``limited_from`` (its own weight); a
    reason limited to nothing says why in its message.
    """
    risks = sorted((f for f in findings if f.kind is Kind.RISK), key=lambda f: (-f.weight, f.code))
    left = {id(f): f.weight for f in risks}
    offset_by: dict[int, list[str]] = {id(f): [] for f in risks}
    limited = {}
    for reason in sorted((f for f in findings if f.kind is Kind.TRUST), key=offset_order):
        covered = set(covered_codes(reason.code))
        room, offsets = -reason.weight, []
        for risk in risks:
            if room > 0 and risk.code in covered and left[id(risk)] > 0:
                taken = min(room, left[id(risk)])
                left[id(risk)] -= taken
                room -= taken
                offsets += [] if risk.code in offsets else [risk.code]
                offset_by[id(risk)].append(reason.code)
        already = {r.code: offset_by[id(r)] for r in risks if r.code in covered and r.code not in offsets}
        limited[id(reason)] = _limited(reason, reason.weight + room, offsets, already)
    return [limited.get(id(f), f) for f in findings]


def _limited(reason: Finding, capped: int, offsets: list[str], already: dict[str, list[str]]) -> Finding:
    """``reason`` with its limited weight, the evidence of what it offsets, and, when it takes off
    less than its own weight, a sentence saying so."""
    harms = [REMEDIED[key].words for key in OFFSETS[reason.code].remedies] if reason.code in OFFSETS else []
    message = reason.message
    if capped == 0 and already:
        codes = sorted(already)
        by = sorted({code for codes_by in already.values() for code in codes_by})
        message += (f" It takes nothing more off the score: {_joined(codes)} {'is' if len(codes) == 1 else 'are'} "
                    f"already offset by {_joined(by)}.")
    elif capped == 0 and harms:
        message += f" It takes nothing off the score: no risk it answers ({_either(harms)}) was found here."
    elif capped == 0:
        message += " It takes nothing off the score: it answers none of the risks emptor weighs."
    elif capped != reason.weight:
        message += f" It takes off {-capped} of its {-reason.weight}, all that is left to offset of {_joined(offsets)}."
    evidence = {**reason.evidence, "offsets": offsets, "covers": harms}
    if capped != reason.weight:
        evidence["limited_from"] = reason.weight
    return replace(reason, weight=capped, message=message, evidence=evidence)


def _joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
