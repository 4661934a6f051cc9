"""The rule registry: every check is a function registered under a stable code.

Built-in rules register through the same decorator any plugin would use (datasette's
"dogfooding" of its own hooks). Codes are never reused: a retired rule keeps its code with
``status="removed"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

FAMILIES = {
    "SEL": "Seller",
    "REV": "Reviews",
    "PRC": "Price",
    "CNT": "Counterfeit and misleading listings",
    "PRT": "Protection and badges",
    "SHP": "Shipping",
}


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    family: str
    since: str
    status: str
    check: Callable

    @property
    def name(self) -> str:
        return self.check.__name__


RULES: dict[str, Rule] = {}


def rule(code: str, title: str, *, since: str = "0.1", status: str = "stable"):
    """Register ``fn(listing, context)`` as the check for ``code`` (e.g. ``"SEL001"``)."""
    family = code[:3]
    if family not in FAMILIES or len(code) != 6 or not code[3:].isdigit():
        raise ValueError(f"Rule code {code!r} must be a family prefix {sorted(FAMILIES)} and 3 digits")

    def register(fn: Callable) -> Callable:
        if code in RULES:
            raise ValueError(f"Rule code {code} is already registered by {RULES[code].name}")
        RULES[code] = Rule(code, title, family, since, status, fn)
        return fn

    return register


def selected(select: tuple[str, ...] = ("",), ignore: tuple[str, ...] = ()) -> list[Rule]:
    """The active rules whose code starts with one of ``select`` and none of ``ignore`` (flake8 style)."""
    return [
        r
        for code, r in sorted(RULES.items())
        if r.status != "removed" and code.startswith(select) and not (ignore and code.startswith(ignore))
    ]
