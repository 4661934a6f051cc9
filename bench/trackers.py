"""Tracker blocking (`make bench`): the share of tracker requests the shipped rulesets block on a
marketplace page, weighted by how many sites each tracker reaches, and the checkout requests they
block (must be 0). Figures go into docs/performance.md ("Tracker blocking").

The sample: one request to each domain of each tracker WhoTracks.Me measured in April 2019 (its
``trackers.csv``), from an AliExpress listing, as a script; a tracker's weight is the number of the
10,000 most visited sites it was seen on (``site_reach_top10k``), split evenly over its domains.
Each request is judged by server/trackers.py's ``decide``, the rule choice Chromium makes (tied to
Chromium's own matcher by tests/browser/test_tracker_blocking.py, on every domain of the data).

The checkout sample: every host and page of checkout-allow.tsv, as script, XHR, image and frame
requests, from the checkout page, a listing and another site, with the tracker, telemetry and
clean-link rulesets on.

The comparison with Ghostery's TrackerDB (npm ``@ghostery/trackerdb``, pinned in the Makefile and
unpacked by ``make bench`` under bench/.trackerdb for this benchmark only: its CC BY-NC-SA licence
does not fit an MIT project, so nothing of it is shipped, installed with the tools or copied): the
same weighted sample judged by TrackerDB's own domains of the same four categories, and
TrackerDB's domains of those categories (its current data; it has no reach figures, so
unweighted) judged by emptor's rulesets, which shows what the 2019 data no longer knows.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import machine  # noqa: E402

from server import trackers  # noqa: E402

LISTING = "https://www.aliexpress.com/item/1005003568989271.html"
CHECKOUT = "https://www.aliexpress.com/p/trade/confirm.html?objectId=1005003568989271"
KINDS = ("script", "xmlhttprequest", "image", "sub_frame")
TRACKERDB = ROOT / "bench" / ".trackerdb" / "package" / "dist" / "trackerdb.json"  # unpacked by `make bench`


def blocked_by_rules(rules: list[dict]):
    def blocks(domain: str) -> bool:
        decided = trackers.decide(rules, f"https://{domain}/t.js", "script", LISTING)
        return bool(decided and decided["action"]["type"] == "block")
    return blocks


def load_trackerdb() -> dict[str, str]:
    """TrackerDB's domains of the blocked categories, each with its category."""
    if not TRACKERDB.exists():
        sys.exit(f"{TRACKERDB.relative_to(ROOT)} is missing: `make bench` unpacks it from npm (Makefile, TRACKERDB)")
    data = json.loads(TRACKERDB.read_text(encoding="utf-8"))
    categories = {domain: data["patterns"][pattern]["category"] for domain, pattern in data["domains"].items()}
    return {domain.lower(): category for domain, category in categories.items() if category in trackers.BLOCKED_CATEGORIES}


def blocked_by_trackerdb(listed: dict[str, str]):
    """A domain blocker: the domain or any parent of it is listed (how TrackerDB's ``||domain^`` reads)."""
    def blocks(domain: str) -> bool:
        labels = domain.split(".")
        return any(".".join(labels[start:]) in listed for start in range(len(labels) - 1))
    return blocks


def tracker_sample(blocks) -> dict:
    """Weighted and plain shares blocked by ``blocks(domain)``, by category, over every measured tracker."""
    weight, blocked = defaultdict(float), defaultdict(float)
    count, count_blocked = defaultdict(int), defaultdict(int)
    for tracker in trackers.load_whotracksme():
        if not tracker.domains or not tracker.sites_top10k:
            continue
        share = tracker.sites_top10k / len(tracker.domains)
        for domain in tracker.domains:
            hit = blocks(domain)
            for key in (tracker.category, "all"):
                weight[key] += share
                count[key] += 1
                if hit:
                    blocked[key] += share
                    count_blocked[key] += 1
    return {key: {"weighted": blocked[key] / weight[key], "weight": weight[key], "weight_blocked": blocked[key],
                  "requests": count[key], "blocked": count_blocked[key]} for key in weight}


def in_blocked_categories(shares: dict) -> tuple[int, int, float]:
    """Requests, blocked requests, and the weighted share over the four blocked categories."""
    figures = [shares[c] for c in trackers.BLOCKED_CATEGORIES if c in shares]
    weighted = sum(f["weight_blocked"] for f in figures) / sum(f["weight"] for f in figures)
    return sum(f["requests"] for f in figures), sum(f["blocked"] for f in figures), weighted


def trackerdb_sample(listed: dict[str, str], blocks) -> dict:
    """TrackerDB's own domains of the blocked categories, by category: how many emptor blocks."""
    count, hit, missed = defaultdict(int), defaultdict(int), defaultdict(list)
    for domain, category in sorted(listed.items()):
        blocked = blocks(domain)
        for key in (category, "all"):
            count[key] += 1
            hit[key] += blocked
            if not blocked:
                missed[key].append(domain)
    return {key: {"domains": count[key], "blocked": hit[key], "missed_examples": missed[key][:8]} for key in count}


def checkout_sample(rules: list[dict]) -> tuple[int, int, list[str]]:
    requests = blocked = 0
    failures = []
    for row in trackers.read_tsv(trackers.DATA / "checkout-allow.tsv"):
        if row["host"] == "*":
            urls = [f"https://www.aliexpress.com{row['path']}", f"https://www.aliexpress.us{row['path']}"]
        else:
            urls = [f"https://{row['host']}/", f"https://sub.{row['host']}/pay"]
        for url in urls:
            for kind in KINDS:
                for page in (CHECKOUT, LISTING, "https://example.org/"):
                    requests += 1
                    decided = trackers.decide(rules, url, kind, page)
                    if decided and decided["action"]["type"] == "block":
                        blocked += 1
                        failures.append(f"{kind} {url} from {page}")
    return requests, blocked, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    print(f"machine: {machine()}\n")
    started = time.perf_counter()
    default = trackers.load_rules(("allow-checkout", "trackers", "clean-links"))
    everything = trackers.load_rules(("allow-checkout", "trackers", "marketplace-telemetry", "clean-links"))
    shares = tracker_sample(blocked_by_rules(default))
    print(f"tracker requests from an AliExpress listing, default rulesets ({trackers.SOURCE}):")
    print(f"{'category':22} {'requests':>8} {'blocked':>8} {'share':>7} {'weighted by sites':>18}")
    for category, figures in sorted(shares.items(), key=lambda item: -item[1]["requests"]):
        share = figures["blocked"] / figures["requests"]
        print(f"{category:22} {figures['requests']:8} {figures['blocked']:8} {share:7.1%} {figures['weighted']:18.1%}")
    total, blocked_total, weighted = in_blocked_categories(shares)
    print(f"\nin the blocked categories: {blocked_total} of {total} requests, {weighted:.1%} weighted by sites")
    listed = load_trackerdb()
    ghostery = tracker_sample(blocked_by_trackerdb(listed))
    g_total, g_blocked, g_weighted = in_blocked_categories(ghostery)
    print(f"the same sample judged by Ghostery's TrackerDB ({len(listed)} domains of the same categories): "
          f"{g_blocked} of {g_total} requests, {g_weighted:.1%} weighted by sites")
    current = trackerdb_sample(listed, blocked_by_rules(default))
    print("\nTrackerDB's domains of the blocked categories, judged by emptor's default rulesets:")
    print(f"{'category':22} {'domains':>8} {'blocked':>8} {'share':>7}  not blocked, for example")
    for category, figures in sorted(current.items(), key=lambda item: -item[1]["domains"]):
        print(f"{category:22} {figures['domains']:8} {figures['blocked']:8} {figures['blocked'] / figures['domains']:7.1%}  "
              f"{', '.join(figures['missed_examples'][:4])}")
    # The every-site ruleset judges third parties, which the simple matcher does not: its rules
    # are the trackers ruleset's without the initiator condition, so its share on any site is the
    # same as the marketplace figure above.
    requests, blocked, failures = checkout_sample(everything)
    print(f"\ncheckout, payment, 3-D Secure and sign-in requests (all rulesets on but every-site): {requests}, "
          f"blocked: {blocked}")
    for failure in failures[:20]:
        print(f"  BLOCKED {failure}")
    print(f"\n({time.perf_counter() - started:.1f} s)")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "trackers": shares, "trackerdb_on_sample": ghostery,
                                         "trackerdb_domains": current, "checkout_requests": requests,
                                         "checkout_blocked": blocked}, indent=1), encoding="utf-8")
    if blocked:
        sys.exit(1)


if __name__ == "__main__":
    main()
