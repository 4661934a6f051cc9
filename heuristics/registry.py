"""The rule registry: every check is a function registered under a stable code.

Built-in rules register through the same decorator any plugin would use (datasette's
"dogfooding" of its own hooks). Codes are never reused: a retired rule keeps its code with
``status="removed"``. A rule is documented where it is written, in its docstring (as bandit's
and ruff's are): the rules page is built from the registry (server/rules_doc/).

Each family declares what its rules take (:data:`INPUTS`): a listing (``heuristics.analyze``)
or a seller message thread (``heuristics.analyze_thread``). An engine runs only the rules of
its input.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable

from .thresholds import DEFAULTS

# What a family's rules take, and the words the rules page gives it.
INPUTS = {
    "listing": "a listing (product page)",
    "thread": "a message thread with the seller",
}


@dataclass(frozen=True)
class Family:
    name: str
    judges: str  # what its rules look at, in a few words
    input: str = "listing"  # a key of INPUTS: what its rules are called with

    def __post_init__(self):
        if self.input not in INPUTS:
            raise ValueError(f"Family {self.name!r}: input {self.input!r} is not one of {sorted(INPUTS)}")


# In the order the rules page and the reports present them.
FAMILIES = {
    "SEL": Family("Seller", "the store's track record"),
    "REV": Family("Reviews", "what the reviews read show (ReviewMeta-style tests, an adjusted rating)"),
    "PRC": Family("Price", "the price paid against the listing's history, its variants and the genuine product"),
    "CNT": Family("Counterfeit and misleading listings", "listings whose details contradict their title"),
    "PRT": Family("Protection and badges", "AliExpress's own protections (reasons to trust)"),
    "SHP": Family("Shipping", "what shipping adds, tracking, delivery time"),
    "MSG": Family("Seller messages", "what the seller asks of the buyer in a message thread", input="thread"),
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

    @property
    def input(self) -> str:
        """What the rule is called with: its family's input ("listing" or "thread")."""
        return FAMILIES[self.family].input

    @property
    def documentation(self) -> str:
        """The rule's docstring (Markdown: **What.**, **Why.**, **Evidence.**, **Example.**), with
        each ``{threshold_name}`` replaced by the threshold's default, so the page never drifts
        from the code."""
        return inspect.cleandoc(self.check.__doc__ or "").format_map(DEFAULTS)


RULES: dict[str, Rule] = {}


def rule(code: str, title: str, *, since: str = "0.1", status: str = "stable"):
    """Register ``fn(subject, context)`` as the check for ``code`` (e.g. ``"SEL001"``); the subject
    is what the family takes: a listing, or a message thread for ``MSG``."""
    family = code[:3]
    if family not in FAMILIES or len(code) != 6 or not code[3:].isdigit():
        raise ValueError(f"Rule code {code!r} must be a family prefix {sorted(FAMILIES)} and 3 digits")

    def register(fn: Callable) -> Callable:
        if code in RULES:
            raise ValueError(f"Rule code {code} is already registered by {RULES[code].name}")
        RULES[code] = Rule(code, title, family, since, status, fn)
        return fn

    return register


def selected(select: tuple[str, ...] = ("",), ignore: tuple[str, ...] = (), input: str | None = None) -> list[Rule]:
    """The active rules whose code starts with one of ``select`` and none of ``ignore`` (flake8 style),
    and, given ``input``, that take it ("listing" or "thread")."""
    return [
        r
        for code, r in sorted(RULES.items())
        if r.status != "removed" and code.startswith(select) and not (ignore and code.startswith(ignore))
        and (input is None or r.input == input)
    ]
