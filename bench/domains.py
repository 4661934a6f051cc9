"""The lookalike-domain check (`make bench`): recall on dnstwist's permutations of the official
domains, false warnings on real domains, and the time of one check.

- Recall: every permutation dnstwist 20250130's Fuzzer makes of the protected official domains
  (server/data/official_domains.json's ``brands``: aliexpress.com/.us/.ru/.fr/.ge, alipay.com),
  generated offline (no DNS), by family; its TLD swap is given every single-label ICANN suffix of
  the Public Suffix List snapshot tldextract bundles. A permutation that is itself official
  (aliexpress.com swapped to .us) is left out; one that is not a valid host name (IDNA 2008
  refuses some of dnstwist's characters) is counted apart, as refused.
- False warnings: the 2,315 registrable domains WhoTracks.Me saw in April 2019
  (bench/data/whotracksme-2019-04-domains.txt, bench/data/SOURCE.md), which include the official
  ones (counted apart) and other Alibaba domains the inventory does not list (aliyun.com,
  aliapp.org), and NEAR_MISSES: real sites whose names are close to the brands.
- Real scam hosts from a public blocklist (bench/data/SOURCE.md): every name of its 2024-04-06
  list that carries a brand, by group, and every name of its 2024-04-18 list that starts with
  "al", by what a person reads it as imitating. Those imitating AliExpress should be warned, those
  imitating other brands or nothing should not be called AliExpress, and Alibaba's name is not
  protected (reported, not judged).
- Speed: each check of all the above, as server/domains.py's ``check`` (parsing included), µs.

Figures go into docs/performance.md ("Lookalike domains").
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import dnstwist  # noqa: E402
from run import machine  # noqa: E402

from server import domains  # noqa: E402
from server.problems import Problem  # noqa: E402
from tests.support.scam_hosts import AL_RUN, BRAND_NAMES, scam_hosts  # noqa: E402

REAL = ROOT / "bench" / "data" / "whotracksme-2019-04-domains.txt"
# Real, unrelated sites one might expect a careless check to flag: a shared word ("express"), the
# same first letters ("ali", "alib"), another payment company.
NEAR_MISSES = [
    "express.com", "express.co.uk", "americanexpress.com", "aexp.com", "expressvpn.com", "alibris.com",
    "alison.com", "allegro.pl", "aliyun.com", "alaskaair.com", "globalpayments.com", "paypal.com", "alpari.com",
    "ali.com", "alice.it", "all.com", "expedia.com", "fedex.com", "dhl.com", "alibabacloud.com", "allianz.com", "alitalia.com",
]


def icann_tlds() -> list[str]:
    return sorted({suffix for suffix in domains._extractor().tlds if "." not in suffix})


def permutations() -> dict[str, list[str]]:
    """dnstwist's permutations of each protected domain, by family, official ones left out."""
    lists = domains.official()
    tlds = icann_tlds()
    by_family: dict[str, set[str]] = defaultdict(set)
    for brand in lists.brands:
        for domain in brand.domains:
            fuzzer = dnstwist.Fuzzer(domain, tld_dictionary=tlds)
            fuzzer.generate()
            for item in fuzzer.domains:
                if item["fuzzer"] != "*original":
                    by_family[item["fuzzer"]].add(item["domain"])
    for family in by_family:
        by_family[family] = {d for d in by_family[family] if not _official(d)}
    return {family: sorted(found) for family, found in sorted(by_family.items())}


def _official(host: str) -> bool:
    try:
        return domains.check(host).official
    except Problem:
        return False


def timed(host: str) -> tuple[str, float]:
    start = time.perf_counter()
    try:
        verdict = domains.check(host)
        outcome = "official" if verdict.official else "lookalike" if verdict.lookalike else "quiet"
    except Problem:
        outcome = "refused"
    return outcome, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-missed", type=int, default=10, help="print this many missed permutations per family")
    args = parser.parse_args()
    domains.check("warm.example.com")  # loads the lists, the suffix list and the skeleton table
    times: list[float] = []
    print(f"Machine: {machine()}; dnstwist {dnstwist.__version__}")
    print("\nRecall on dnstwist permutations of the official domains")
    print(f"{'family':<14} {'count':>6} {'warned':>7} {'refused':>8} {'recall':>8}")
    total = Counter()
    for family, hosts in permutations().items():
        outcomes = Counter()
        missed = []
        for host in hosts:
            outcome, seconds = timed(host)
            times.append(seconds)
            outcomes[outcome] += 1
            if outcome == "quiet":
                missed.append(host)
        valid = len(hosts) - outcomes["refused"]
        recall = outcomes["lookalike"] / valid if valid else 1.0
        print(f"{family:<14} {len(hosts):>6} {outcomes['lookalike']:>7} {outcomes['refused']:>8} {recall:>8.2%}")
        if missed and args.show_missed:
            print("    missed:", ", ".join(missed[: args.show_missed]))
        total.update({"count": len(hosts), "warned": outcomes["lookalike"], "refused": outcomes["refused"]})
    valid = total["count"] - total["refused"]
    print(f"{'all':<14} {total['count']:>6} {total['warned']:>7} {total['refused']:>8} {total['warned'] / valid:>8.2%}")

    print("\nFalse warnings on real domains")
    for name, hosts in (("WhoTracks.Me 2019-04", REAL.read_text(encoding="utf-8").split()), ("near misses", NEAR_MISSES)):
        outcomes = Counter()
        warned = []
        for host in hosts:
            outcome, seconds = timed(host)
            times.append(seconds)
            outcomes[outcome] += 1
            if outcome == "lookalike":
                warned.append(host)
        judged = len(hosts) - outcomes["official"] - outcomes["refused"]
        print(f"{name}: {len(hosts)} domains, {outcomes['official']} official, {outcomes['refused']} refused, "
              f"{len(warned)} of {judged} others warned ({len(warned) / judged:.2%})"
              + (f": {', '.join(warned)}" if warned else ""))

    for title, path in (("every brand name of the 2024-04-06 list, by group", BRAND_NAMES),
                        ("every name starting \"al\" of the 2024-04-18 list, by what it imitates", AL_RUN)):
        print(f"\nReal scam hosts from a public blocklist: {title}")
        by_group: dict[str, list[str]] = defaultdict(list)
        for host, group in scam_hosts(path):
            by_group[group].append(host)
        for group, hosts in by_group.items():
            warned, quiet = [], []
            for host in hosts:
                outcome, seconds = timed(host)
                times.append(seconds)
                (warned if outcome == "lookalike" else quiet).append(host)
            print(f"{group:<22} {len(hosts):>4} hosts, {len(warned):>3} warned"
                  + (f"; warned: {', '.join(warned[:6])}" if warned and group != "aliexpress" else "")
                  + (f"; not warned: {', '.join(quiet[:6])}" if quiet and group == "aliexpress" else ""))

    times.sort()
    print(f"\nOne check: {len(times)} checks, mean {statistics.fmean(times) * 1e6:.0f} µs, "
          f"p50 {times[len(times) // 2] * 1e6:.0f} µs, p99 {times[int(len(times) * 0.99)] * 1e6:.0f} µs, "
          f"max {times[-1] * 1e3:.1f} ms")
    # The longest host a check accepts (253 characters), brand-like in every label: the most work
    # the fuzzy search inside labels can be made to do.
    longest = ".".join([("aliexpres-" * 7)[:63]] * 3) + "." + "b" * 57 + ".com"
    rounds = [timed(longest)[1] for _ in range(200)]
    print(f"Longest host ({len(longest)} characters, brand-like labels): median {statistics.median(rounds) * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
