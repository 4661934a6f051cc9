"""The extension's lookalike check (`make bench`): the time node takes to judge one host with
extension/lib/lookalike.js, the check the service worker runs on every top-level navigation.

The hosts are bench/domains.py's: dnstwist's permutations of the official domains (as the browser
hands them over: ASCII, punycode), the 2,315 real domains of
bench/data/whotracksme-2019-04-domains.txt and their ``www.`` hosts, and the near misses; the
lookalikes (which return at the first reason) and the rest (which are compared in full) are
timed apart. Figures go into docs/performance.md ("Lookalike domains, in the extension").
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import domains as bench_domains  # noqa: E402
from run import machine  # noqa: E402

from server import domains  # noqa: E402
from server.problems import Problem  # noqa: E402

# Each host judged once after a warm-up of the first 2,000 (the JIT's), one timing a host.
TIMER = """
import { readFileSync } from "node:fs";
import { makeChecker } from "./extension/lib/lookalike.js";
const started = performance.now();
const checker = makeChecker(JSON.parse(readFileSync("extension/lib/official-domains.json", "utf8")));
const setupMs = performance.now() - started;
const hosts = readFileSync(0, "utf8").split("\\n").filter(Boolean);
for (const host of hosts.slice(0, 2000)) checker.check(host);
const times = { lookalike: [], other: [] };
for (const host of hosts) {
  const start = performance.now();
  const verdict = checker.check(host);
  times[verdict && verdict.lookalike ? "lookalike" : "other"].push((performance.now() - start) * 1000);
}
process.stdout.write(JSON.stringify({ setupMs, times, node: process.version }));
"""


def ascii_host(host: str) -> str | None:
    try:
        return domains.parse_host(host)[0]
    except Problem:
        return None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    node = shutil.which("node")
    if not node:
        sys.exit("node is needed (make install-js)")
    real = [line.strip() for line in bench_domains.REAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    hosts = [h for family in bench_domains.permutations().values() for h in family]
    hosts += real + [f"www.{h}" for h in real] + bench_domains.NEAR_MISSES
    ascii_hosts = [h for h in map(ascii_host, hosts) if h]
    out = subprocess.run([node, "--input-type=module", "-e", TIMER], cwd=ROOT, input="\n".join(ascii_hosts),
                         check=True, capture_output=True, text=True).stdout
    result = json.loads(out)
    print(f"Machine: {machine()}; node {result['node']}")
    print(f"Loading the data: {result['setupMs']:.1f} ms")
    for kind, times in result["times"].items():
        print(f"{kind}: {len(times):,} hosts, p50 {percentile(times, 0.5):.1f} µs, "
              f"mean {sum(times) / len(times):.1f} µs, p99 {percentile(times, 0.99):.1f} µs, max {max(times):.0f} µs")


if __name__ == "__main__":
    main()
