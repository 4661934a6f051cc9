"""The long fuzz run (`make fuzz`): the properties of tests/test_properties.py on many more
random examples, with each example's time.

    .venv/bin/python bench/fuzz.py [--examples 2000] [--seconds 1800] [--seed N] [--target NAME ...]

For every target: examples run, what they came to (a report, a documented problem, an error
answer), crashes (property violations; must be 0), hits of the bugs already pinned by xfail
regression tests (tests/support/fuzzing.py, KNOWN_BUGS), the slowest example with its time and
size, and how many examples went over their time budget (each over budget is timed twice and
keeps its better time; an in-process example is stopped after --example-seconds). Budgets are
figures, not a pass mark: the run fails (exit 1) only when a property fails, and then prints
hypothesis's minimal failing example (a recipe: ``case.build()`` rebuilds the input) and its
traceback. Each seed is random unless given, and printed so that a run can be repeated.
"""

from __future__ import annotations

import argparse
import functools
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402

from server import create_app  # noqa: E402
from tests.support import fuzzing  # noqa: E402
from tests.support.pairing import TEST_SECRET, SignedClient  # noqa: E402

MEGABYTE = 1024 * 1024


@dataclass
class Target:
    name: str
    strategy: object
    build: object  # case -> the input (not timed)
    run: object  # input -> outcome (timed)
    in_process: bool  # can be stopped by an alarm (the API's analyses may run in worker processes)
    # Time budget of one example: fixed part + per MB of input. The performance targets are
    # p50s (docs/performance.md: 15 ms in-process and 25 ms over HTTP for a 1 MB page, 150 ms for
    # the review tests on 500 reviews); a single hostile input may take ten times as long on a
    # loaded machine before it counts as over budget.
    budget_ms: float
    budget_ms_per_mb: float

    def budget_for(self, size: int) -> float:
        return self.budget_ms + self.budget_ms_per_mb * size / MEGABYTE

    def limited_run(self, built, seconds: float) -> str:
        """The run, stopped after ``seconds`` (then over budget, outcome ``timeout``)."""
        if not (self.in_process and fuzzing.CAN_LIMIT_TIME):
            return self.run(built)
        try:
            with fuzzing.time_limit(seconds):
                return self.run(built)
        except fuzzing.SlowInput:
            return "timeout"


@dataclass
class Stats:
    examples: int = 0
    crashes: int = 0
    over_budget: int = 0
    outcomes: Counter = field(default_factory=Counter)
    slowest_ms: float = 0.0
    slowest_size: int = 0
    slowest_case: str = ""
    over_budget_cases: list = field(default_factory=list)  # (ms, size, case) of the first few
    failure: str = ""


def paired_client(data_dir: Path):
    app = create_app({"TESTING": True, "DATABASE": data_dir / "fuzz.db", "DATA_DIR": data_dir, "TOKEN": TEST_SECRET,
                      "DEBUG_RULES": True, "PROPAGATE_UNEXPECTED": True})
    app.test_client_class = SignedClient
    return app.test_client()


def targets(client) -> list[Target]:
    api = functools.partial(fuzzing.api_outcome, client)
    return [
        Target("extract/mutated-pages", fuzzing.mutated_pages, _build, fuzzing.extract_outcome, True, 100, 150),
        Target("extract/spliced-json", fuzzing.spliced_pages, _build, fuzzing.extract_outcome, True, 100, 150),
        Target("analyze/any-page", fuzzing.any_pages, _build, fuzzing.analyze_outcome, True, 150, 150),
        Target("analyze/attributes-markup", fuzzing.markup_pages, _build, fuzzing.analyze_outcome, True, 150, 150),
        Target("reviews/parse", fuzzing.any_reviews, _build, fuzzing.reviews_outcome, True, 50, 150),
        Target("reviews/analyze", fuzzing.any_reviews, fuzzing.with_reviews, fuzzing.analyze_outcome, True, 1500, 150),
        Target("api/analyze", fuzzing.api_cases, _build, api, False, 250, 250),
    ]


def _build(case):
    return case.build()


def _record(target: Target, stats: Stats, case, built, elapsed_ms: float, outcome: str) -> None:
    stats.examples += 1
    stats.outcomes[outcome.split(":", 2)[0] if outcome.startswith("ok") else outcome] += 1
    if elapsed_ms <= min(stats.slowest_ms, target.budget_ms):
        return
    size = fuzzing.input_size(built)
    if elapsed_ms > target.budget_for(size):
        stats.over_budget += 1
        if len(stats.over_budget_cases) < 3:
            stats.over_budget_cases.append((elapsed_ms, size, repr(case)))
    if elapsed_ms > stats.slowest_ms:
        stats.slowest_ms, stats.slowest_size, stats.slowest_case = elapsed_ms, size, repr(case)


def warm_up(client) -> None:
    """Every seed once, unmutated, so that no example's time includes loading tables or caches."""
    for name in fuzzing.PAGE_SEEDS:
        assert fuzzing.check_analyze(fuzzing.PageCase(name)).startswith("ok:"), name
    for name in fuzzing.REVIEW_SEEDS:
        assert fuzzing.check_analyze_with_reviews(fuzzing.ReviewCase(name)).startswith("ok:"), name
    assert fuzzing.check_api(client, fuzzing.ApiCase(fuzzing.PageCase("A-2022-us"))) == "ok:ok"


def _timed(target: Target, built, limit: float) -> tuple[float, str]:
    start = time.perf_counter()
    outcome = target.limited_run(built, limit)
    return (time.perf_counter() - start) * 1000, outcome


def run_round(target: Target, stats: Stats, examples: int, seed: int, limit: float) -> bool:
    """One hypothesis run of ``examples`` examples; False when a property failed."""

    @settings(max_examples=examples, derandomize=False, database=None, deadline=None, print_blob=False,
              phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck))
    @hypothesis_seed(seed)
    @given(target.strategy)
    def prop(case):
        built = target.build(case)
        elapsed_ms, outcome = _timed(target, built, limit)
        if outcome != "timeout" and elapsed_ms > target.budget_for(fuzzing.input_size(built)):
            # Over budget: timed again, so that a pause of the machine (another process, the
            # collector, a worker starting) is not taken for the input's own cost.
            elapsed_ms = min(elapsed_ms, _timed(target, target.build(case), limit)[0])
        _record(target, stats, case, built, elapsed_ms, outcome)

    try:
        prop()
    except Exception as exc:  # hypothesis has shrunk it and printed the falsifying example
        stats.crashes += 1
        stats.failure = "".join(traceback.format_exception(exc, limit=-8))
        return False
    return True


def run_target(target: Target, examples: int, seconds: float, seed: int, chunk: int, limit: float) -> Stats:
    stats = Stats()
    deadline = time.monotonic() + seconds
    round_seed = seed
    while stats.examples < examples and time.monotonic() < deadline:
        if not run_round(target, stats, min(chunk, examples - stats.examples), round_seed, limit):
            break
        round_seed += 1
    return stats


def _table(results: list[tuple[Target, Stats]]) -> None:
    header = f"{'target':28} {'examples':>8} {'crashes':>7} {'known':>5} {'over budget':>11} {'slowest':>10} {'its size':>9}"
    print(header + "  outcomes")
    for target, stats in results:
        known = sum(count for outcome, count in stats.outcomes.items() if outcome.startswith("known:"))
        outcomes = ", ".join(f"{name} {count}" for name, count in stats.outcomes.most_common(6))
        print(f"{target.name:28} {stats.examples:>8} {stats.crashes:>7} {known:>5} {stats.over_budget:>11} "
              f"{stats.slowest_ms:>7.1f} ms {stats.slowest_size / 1024:>6.0f} KB  {outcomes}")
    print()
    budgets = (f"{target.name} {target.budget_ms:.0f} + {target.budget_ms_per_mb:.0f}/MB" for target, _ in results)
    print("budgets (ms per example): " + ", ".join(budgets))
    for bug in fuzzing.KNOWN_BUGS:
        print(f"known {bug.id}: pinned by tests/test_properties.py::{bug.regression_test}")
    print(f"runs of '/' and whitespace are cut to {fuzzing.SLOW_RUN_CAP:,} characters (SLOW_RUN_CAP)")
    print()
    for target, stats in results:
        print(f"slowest {target.name}: {stats.slowest_case[:400]}")
    for target, stats in results:
        for elapsed_ms, size, case in stats.over_budget_cases:
            print(f"over budget {target.name}: {elapsed_ms:.0f} ms, {size / 1024:.0f} KB: {case[:400]}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=2000, help="examples per target (default 2000)")
    parser.add_argument("--seconds", type=float, default=1800, help="time for the whole run, shared by the targets")
    parser.add_argument("--seed", type=int, default=None, help="the first seed (default: random; printed to repeat a run)")
    parser.add_argument("--target", action="append", help="run only these targets (repeatable)")
    parser.add_argument("--chunk", type=int, default=100, help="examples per hypothesis run (each run starts a new seed)")
    parser.add_argument("--example-seconds", type=float, default=20,
                        help="stop an in-process example after this long and count it over budget (default 20)")
    parser.add_argument("--slow-run-cap", type=int, default=20_000,
                        help="longest run of the characters with pinned slow readings (tests/support/fuzzing.py SLOW_RUN_CAP)")
    args = parser.parse_args(argv)
    fuzzing.SLOW_RUN_CAP = args.slow_run_cap
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    with tempfile.TemporaryDirectory(prefix="emptor-fuzz-") as data_dir:
        client = paired_client(Path(data_dir))
        chosen = [t for t in targets(client) if not args.target or t.name in args.target]
        if not chosen:
            parser.error(f"no target named {args.target}")
        warm_up(client)
        print(f"emptor fuzz: up to {args.examples} examples per target, {args.seconds:.0f} s in all, seed {seed}")
        print(f"(repeat with: bench/fuzz.py --seed {seed} --examples {args.examples})\n")
        results = []
        started = time.monotonic()
        for index, target in enumerate(chosen):
            share = (args.seconds - (time.monotonic() - started)) / (len(chosen) - index)
            results.append((target, run_target(target, args.examples, share, seed, args.chunk, args.example_seconds)))
    _table(results)
    failed = [(target, stats) for target, stats in results if stats.crashes]
    for target, stats in failed:
        print(f"\nFAILED {target.name} (minimal example printed above by hypothesis):\n{stats.failure}")
    total = sum(stats.examples for _, stats in results)
    print(f"\n{total} examples in {time.monotonic() - started:.0f} s; crashes: {sum(s.crashes for _, s in results)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
