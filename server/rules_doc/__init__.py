"""The rules page, built from the rule registry: docs/rules.md and ``GET /rules`` are both this.

Each rule's section is its docstring (:attr:`heuristics.registry.Rule.documentation`); the
tables of families, levels and thresholds come from the code that defines them; the few parts
that are prose about the whole (introduction, scoring, the calibration cases, how reviews and
prices are compared) are the Markdown files beside this module, shipped inside the package so
an installed emptor serves the page too. ``python -m server.rules_doc docs/rules.md`` (``make
docs``) writes the page; a test fails when the committed file is stale.
"""

from __future__ import annotations

import re
import textwrap
from functools import lru_cache
from importlib import resources

from markdown_it import MarkdownIt

from heuristics import FAMILIES, INPUTS, RULES, THRESHOLDS
from heuristics.model import Confidence, Severity
from heuristics.scoring import CONFIDENCE_FACTOR, LEVELS, OFFSETS, REMEDIED, SEVERITY_POINTS, covered_codes
from heuristics.thresholds import DEFAULTS

_RULE_CODE = re.compile(r"[A-Z]{3}\d{3}\b")


def _section(name: str) -> str:
    """A hand-written section, with ``{threshold}`` and scoring names replaced by their values."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return text.format_map({**DEFAULTS, **_scoring_numbers(), **_tables()}).rstrip() + "\n"


def _scoring_numbers() -> dict:
    numbers = {f"points_{s.name.lower()}": SEVERITY_POINTS[s] for s in Severity}
    numbers.update({f"factor_{c.name.lower()}": CONFIDENCE_FACTOR[c] for c in Confidence})
    return numbers


def _table(head: tuple[str, ...], rows) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _families_table() -> str:
    """Each family, with what its rules take (a listing or a message thread) and what they judge."""
    rows = [(family.name, f"`{code}…`", INPUTS[family.input], family.judges) for code, family in FAMILIES.items()]
    return _table(("Family", "Codes", "Takes", "What it judges"), rows)


def _levels_table() -> str:
    rows = []
    for (name, low), upper in zip(LEVELS, [bound for _, bound in LEVELS[1:]] + [101]):
        rows.append((f"{low}-{upper - 1}", f"`{name}`"))
    rows.append(("(no score)", "`unknown`: the page was blocked, removed, empty or not a product, so nothing was judged"))
    return _table(("Score", "Level"), rows)


def _default(threshold) -> str:
    value = f"{threshold.default:g}"
    return f"{value} {threshold.unit}".replace(" %", "%").strip()


def _thresholds_table() -> str:
    rows = [(f"`{t.name}`", _default(t), ", ".join(t.used_by), t.help) for t in THRESHOLDS]
    return _table(("Threshold", "Default", "Used by", "Why"), rows)


def _offsets_table() -> str:
    """Each reason to trust, narrowest first (as the engine takes them), with what it offsets."""
    rows = []
    for code in sorted(OFFSETS, key=lambda code: (len(covered_codes(code)), code)):
        offset = OFFSETS[code]
        harms = "; ".join(f"{REMEDIED[key].words} ({_code_runs(REMEDIED[key].codes)})" for key in offset.remedies)
        rows.append((f"{code} {RULES[code].title}", harms, offset.why))
    return _table(("Reason to trust", "Offsets", "Why"), rows)


def _code_runs(codes) -> str:
    """``REV001, REV002, REV003, REV005`` as ``REV001–REV003, REV005`` (three in a row or more)."""
    runs: list[list[str]] = []
    for code in codes:
        if runs and code[:3] == runs[-1][-1][:3] and int(code[3:]) == int(runs[-1][-1][3:]) + 1:
            runs[-1].append(code)
        else:
            runs.append([code])
    return ", ".join(", ".join(run) if len(run) < 3 else f"{run[0]}–{run[-1]}" for run in runs)


def _tables() -> dict:
    return {"levels_table": _levels_table(), "thresholds_table": _thresholds_table(), "offsets_table": _offsets_table()}


def _reflow(text: str, width: int = 100) -> str:
    """Re-wrap each plain paragraph, whose lines the threshold values made ragged; lists, tables
    and code blocks are left as they are written."""
    paragraphs = text.split("\n\n")
    return "\n\n".join(
        paragraph if paragraph.lstrip().startswith(("- ", "* ", "|", "```", "    ")) or paragraph[:2].rstrip(".").isdigit()
        else textwrap.fill(" ".join(paragraph.split()), width)
        for paragraph in paragraphs
    )


def _rule_sections() -> list[str]:
    order = list(FAMILIES)
    rules = sorted((rule for rule in RULES.values() if rule.status != "removed"), key=lambda r: (order.index(r.family), r.code))
    return [f"## {rule.code} {rule.title}\n\n{_reflow(rule.documentation)}\n" for rule in rules]


@lru_cache(maxsize=1)
def markdown() -> str:
    """The whole rules page as Markdown (what docs/rules.md holds)."""
    parts = [
        _section("introduction.md"),
        _families_table() + "\n",
        _section("scoring.md"),
        _section("calibration.md"),
        _section("thresholds.md"),
        _section("reviews.md"),
        _section("price.md"),
        _section("messages.md"),
        *_rule_sections(),
    ]
    return "\n".join(parts)


def _anchor_rule_codes(state) -> None:
    """Give each heading that starts with a rule code that code as its id: ``/rules#SEL001``."""
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        if token.type == "heading_open":
            match = _RULE_CODE.match(tokens[index + 1].content)
            if match:
                token.attrSet("id", match.group(0))


def _renderer() -> MarkdownIt:
    # "html": False escapes any markup in the text instead of passing it through.
    renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
    renderer.core.ruler.push("anchor_rule_codes", _anchor_rule_codes)
    return renderer


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>emptor rules</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
:root {{ color-scheme: light dark; }}
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }}
h2 {{ margin-top: 2.5rem; border-top: 1px solid #8884; padding-top: 1rem; }}
:target {{ background: #ffd54f44; }}
code {{ font-size: 0.9em; }} table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #8886; padding: 0.2rem 0.5rem; }}
</style></head><body>
{body}
</body></html>"""


@lru_cache(maxsize=1)
def html() -> str:
    """The rules page as a standalone HTML document."""
    return _PAGE.format(body=_renderer().render(markdown()))
