"""Compare the in-process analysis speed of this checkout with another commit, in one run.

    .venv/bin/python bench/against.py 2776c74

The two versions analyse the same pages in alternating rounds (a fresh interpreter each), so a
machine that is slower today than yesterday slows both alike: the ratio is what to read, not
the milliseconds (docs/performance.md). The other commit is checked out with `git worktree`
into a temporary directory and removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs inside each checkout, with that checkout first on sys.path.
MEASURE = r"""
import datetime as dt, json, statistics, sys, time
from pathlib import Path
sys.path[:0] = [".", "bench"]
from run import built_page
from server.analysis import analyze
from server.marketplaces import PageInput

now = dt.datetime.now(dt.timezone.utc)
url = "https://he.aliexpress.com/item/32993251330.html"
pages = {"2020 Hebrew page": Path("tests/fixtures/pages/ali_32993251330_he_runParams_2020-07.html").read_text(encoding="utf-8"),
         "built 1 MB page": built_page(1024 * 1024)}
medians = {}
for name, html in pages.items():
    for _ in range(5):
        analyze(PageInput(url=url, html=html), now=now)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        analyze(PageInput(url=url, html=html), now=now)
        times.append((time.perf_counter() - start) * 1000)
    medians[name] = statistics.median(times)
print(json.dumps(medians))
"""


def measure(checkout: Path, runs: int) -> dict:
    done = subprocess.run([sys.executable, "-c", MEASURE.replace("RUNS", str(runs))], cwd=checkout,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", help="the commit to compare with")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--runs", type=int, default=30, help="analyses per page in each round")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        other = Path(scratch) / "other"
        subprocess.run(["git", "worktree", "add", "--quiet", "--detach", str(other), args.ref], cwd=ROOT, check=True)
        try:
            rounds = {"other": [], "this": []}
            for _ in range(args.rounds):
                rounds["other"].append(measure(other, args.runs))
                rounds["this"].append(measure(ROOT, args.runs))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(other)], cwd=ROOT, check=True)
    print(f"analysis p50, median of {args.rounds} alternating rounds of {args.runs} runs")
    for page in rounds["this"][0]:
        before = statistics.median(r[page] for r in rounds["other"])
        after = statistics.median(r[page] for r in rounds["this"])
        print(f"  {page:18} {args.ref}: {before:6.2f} ms   this checkout: {after:6.2f} ms   ratio {after / before:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
