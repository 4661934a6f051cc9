"""The engine: scores are sums of shown weights, failures are isolated, time is an argument."""

from __future__ import annotations

import ast
import datetime as dt
import sys
from pathlib import Path

import pytest

import heuristics
from heuristics import scoring
from heuristics.model import Badges, Confidence, Listing, Seller, Severity, risk
from heuristics.registry import RULES, rule

UTC = dt.timezone.utc
NOW = dt.datetime(2024, 1, 1, tzinfo=UTC)
HEURISTICS = Path(heuristics.__file__).parent


@pytest.fixture
def temporary_rule():
    """Register a rule for one test and always unregister it (datasette's temporary plugin)."""
    added = []

    def register(code, title, fn):
        rule(code, title)(fn)
        added.append(code)

    yield register
    for code in added:
        RULES.pop(code, None)


def test_score_is_exactly_the_sum_of_the_weights_shown():
    listing = Listing("aliexpress", seller=Seller(positive_rate=86.0, feedback_count=12, followers=3, top_rated=True),
                      badges=Badges(choice=True, free_return=True))
    verdict = heuristics.analyze(listing, NOW)
    weights = [f.weight for f in verdict.findings + verdict.trust]
    assert verdict.score == max(0, min(100, sum(weights)))
    # A reason to trust with no risk it covers on the listing (here only the seller's) is shown
    # with 0: it takes nothing off (docs/rules.md, "What a reason to trust offsets").
    assert all(f.weight > 0 for f in verdict.findings) and all(f.weight <= 0 for f in verdict.trust)


def test_reasons_to_trust_never_take_the_score_below_zero():
    """They take off no more than the risks they cover add, so with no risk they take off nothing
    (until issue 9 they summed to −64 here and the score was clamped at 0)."""
    listing = Listing("aliexpress", seller=Seller(top_rated=True, official=True, name="X Official Store"),
                      badges=Badges(choice=True, free_return=True, buyer_protection_days=90))
    verdict = heuristics.analyze(listing, NOW)
    assert len(verdict.trust) == 5 and sum(f.weight for f in verdict.trust) == 0
    assert (verdict.score, verdict.level) == (0, "low")


def test_a_crashing_rule_is_reported_and_the_others_still_run(temporary_rule):
    def explode(listing, context):
        raise ZeroDivisionError("boom")

    temporary_rule("SEL999", "Broken on purpose", explode)
    listing = Listing("aliexpress", seller=Seller(positive_rate=80.0))
    verdict = heuristics.analyze(listing, NOW)
    assert {"code": "SEL999", "message": "ZeroDivisionError: boom"} in verdict.errors
    assert "SEL001" in {f.code for f in verdict.findings}
    with pytest.raises(ZeroDivisionError):
        heuristics.analyze(listing, NOW, debug=True)


def test_a_rule_returning_the_wrong_type_is_an_error(temporary_rule):
    temporary_rule("SEL998", "Returns a string", lambda listing, context: "oops")
    verdict = heuristics.analyze(Listing("aliexpress"), NOW)
    assert verdict.errors == [{"code": "SEL998", "message": "TypeError: returned str, not a Finding"}]


def test_the_engine_fills_code_and_weight(temporary_rule):
    temporary_rule("CNT998", "Always", lambda listing, context: risk(Severity.MEDIUM, Confidence.LOW, "always", n=1))
    finding = next(f for f in heuristics.analyze(Listing("aliexpress"), NOW).findings if f.code == "CNT998")
    assert finding.weight == round(scoring.SEVERITY_POINTS[Severity.MEDIUM] * scoring.CONFIDENCE_FACTOR[Confidence.LOW])


def test_select_and_ignore_by_code_prefix():
    listing = Listing("aliexpress", seller=Seller(positive_rate=80.0, followers=2))
    assert {f.code for f in heuristics.analyze(listing, NOW, select=("SEL",), ignore=("SEL004",)).findings} == {"SEL001"}


def test_codes_are_unique_and_well_formed():
    with pytest.raises(ValueError):
        rule("SEL001", "duplicate")(lambda listing, context: None)
    with pytest.raises(ValueError):
        rule("XYZ001", "bad family")
    assert all(len(code) == 6 and code[:3] in heuristics.FAMILIES for code in RULES)


@pytest.mark.parametrize(
    "score, level", [(None, "unknown"), (0, "low"), (24, "low"), (25, "medium"), (49, "medium"), (50, "high"), (100, "high")]
)
def test_level_thresholds(score, level):
    assert scoring.level(score) == level


def test_now_must_be_timezone_aware():
    with pytest.raises(ValueError):
        heuristics.analyze(Listing("aliexpress"), dt.datetime(2024, 1, 1))


def test_thresholds_can_be_tuned_per_call():
    listing = Listing("aliexpress", seller=Seller(positive_rate=96.0))
    assert heuristics.analyze(listing, NOW).findings == []
    tuned = heuristics.analyze(listing, NOW, thresholds={"seller_positive_rate_medium": 97.0})
    assert [f.code for f in tuned.findings] == ["SEL001"]


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield (node.module or "").split(".")[0], node.lineno


def test_heuristics_is_pure_standard_library():
    """heuristics/ imports nothing outside the standard library and does no I/O."""
    files = sorted(HEURISTICS.rglob("*.py"))
    assert files
    forbidden_calls = {"open", "input", "exec", "eval", "__import__"}
    io_modules = {"os", "io", "socket", "subprocess", "urllib", "http", "sqlite3", "pathlib", "shutil", "requests"}
    for path in files:
        for module, line in _imports(path):
            assert module in sys.stdlib_module_names, f"{path.name}:{line} imports {module}, not standard library"
            assert module not in io_modules, f"{path.name}:{line} imports {module}, an I/O module"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in forbidden_calls, f"{path.name}:{node.lineno} calls {node.func.id}()"


def test_purity_check_would_catch_a_forbidden_import(tmp_path):
    offender = tmp_path / "bad.py"
    offender.write_text("import flask\nfrom bs4 import BeautifulSoup\nimport httpx\nimport sqlite_utils\n")
    assert [m for m, _ in _imports(offender) if m not in sys.stdlib_module_names] == ["flask", "bs4", "httpx", "sqlite_utils"]
