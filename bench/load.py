"""`make bench-load`: the real `emptor serve` under many busy tabs (issue 8's targets).

1. Sustained: 50 clients, as 50 busy tabs would be, each posting a real fixture page (signed,
   recording on) and pausing 1 s between its requests, for 60 s. Targets: 0 errors, p99 <= 250 ms.
   Each tab shows its own listing (the real 2022 page under its own product id) at a new price
   each time, so every request writes a price row. One product per tab keeps each history as
   long as a listing reloaded every second would make it; one product re-priced 5,000 times in
   a few minutes, which no shopper's browser records (one observation per page load), would
   measure the reading of a history no real listing has.
2. Burst: 200 requests at once. Target: every one answered within 10 s, 0 errors.
3. Closed loop: the 50 clients again without pausing, for 30 s: 0 errors; throughput and
   queueing (p50/p99) reported.
4. Memory: the resident memory of the service and all its processes (workers, forkserver)
   before, at its peak and after, once the service has been idle for a few seconds. Target:
   at most 50 MB more after the soak than before.

Figures go into docs/performance.md ("Under load") with the machine they came from. This is a
benchmark, not a test: nothing here fails on timing; it prints what it measured.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402
from run import JSON, Service, machine, p  # noqa: E402

from tests.support.fixtures import F2212, PAGE_URLS, read_text  # noqa: E402

ANALYZE = "/api/v1/analyze"
# The headline sale price in the real 2022 US listing's runParams; each request replaces it
# with a price no other request used, so each one records a row (the write path under load).
PRICE_FIELD = '"minActivityAmount":{"currency":"USD","formatedAmount":"US $1.73","value":1.73}'
PRICE_SLOT = "1.73"
PRODUCT_ID = "3256803382674519"  # the fixture's own id; each tab replaces it with its own


class Listing:
    """The request body of one tab's listing, encoded once as the browser does; each request
    only swaps the price in (a formatted price is always 4 characters here: 10.00-99.99)."""

    def __init__(self, html: str, product_id: str):
        assert PRICE_FIELD in html, "the fixture's price field moved: update PRICE_FIELD"
        page = html.replace(PRODUCT_ID, product_id).replace(PRICE_FIELD, PRICE_FIELD.replace(PRICE_SLOT, "{price}"))
        url = PAGE_URLS[F2212.name].replace(PRODUCT_ID, product_id)
        self._pieces = json.dumps({"url": url, "html": page}, ensure_ascii=False).encode().split(b"{price}")

    def body(self, cents: int) -> bytes:
        return f"{cents / 100:.2f}".encode().join(self._pieces)


def listings(html: str, count: int) -> list[Listing]:
    return [Listing(html, str(int(PRODUCT_ID) + tab)) for tab in range(count)]


def resident_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants (the workers and the forkserver)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total / 1024


@dataclass
class Results:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, started: float, response: httpx.Response | None, error: str | None = None) -> None:
        with self.lock:
            self.latencies_ms.append((time.perf_counter() - started) * 1000)
            if error or response is None or response.status_code != 200:
                self.errors.append(error or f"HTTP {response.status_code}: {response.text[:200]}")

    def summary(self, seconds: float) -> dict:
        ordered = sorted(self.latencies_ms)
        return {
            "requests": len(ordered), "errors": len(self.errors), "first_errors": self.errors[:3],
            "p50_ms": p(ordered, 0.5) if ordered else None, "p99_ms": p(ordered, 0.99) if ordered else None,
            "max_ms": max(ordered) if ordered else None, "per_second": len(ordered) / seconds,
        }


class Prices:
    """A new price for every request, shared by all the clients: 10.00 to 99.99, round and round."""

    def __init__(self):
        self._next = 1000
        self._lock = threading.Lock()

    def take(self) -> int:
        with self._lock:
            self._next = self._next + 1 if self._next < 9999 else 1000
            return self._next


def client(service: Service, listing: Listing, prices: Prices, results: Results, until: float, pause: float) -> None:
    with httpx.Client(timeout=60) as http:
        while time.monotonic() < until:
            body = listing.body(prices.take())
            started = time.perf_counter()
            try:
                results.add(started, service.post(http, ANALYZE, body, JSON))
            except httpx.HTTPError as exc:
                results.add(started, None, f"{type(exc).__name__}: {exc}")
            if pause:
                time.sleep(pause)


def phase(service, tabs: list[Listing], prices, seconds: float, pause: float) -> dict:
    results = Results()
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=client, args=(service, tab, prices, results, until, pause)) for tab in tabs]
    started = time.monotonic()
    for thread in threads:
        thread.start()
        time.sleep(pause / len(tabs) if pause else 0)  # tabs do not all fire in the same millisecond
    for thread in threads:
        thread.join()
    return results.summary(time.monotonic() - started)


def burst(service, tabs: list[Listing], prices, requests: int) -> dict:
    results = Results()
    gate = threading.Barrier(requests)

    def one(tab: Listing):
        body = tab.body(prices.take())
        with httpx.Client(timeout=60) as http:
            gate.wait()
            started = time.perf_counter()
            try:
                results.add(started, service.post(http, ANALYZE, body, JSON))
            except httpx.HTTPError as exc:
                results.add(started, None, f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=one, args=(tabs[n % len(tabs)],)) for n in range(requests)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results.summary(time.monotonic() - started)


class MemoryWatch:
    """Samples the service's resident memory every half second."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.5):
            self.peak = max(self.peak, resident_mb(self.pid))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def settle(pid: int, seconds: float = 5.0) -> float:
    """Resident memory once the service has been idle for ``seconds`` (workers that grew have
    been replaced by then)."""
    time.sleep(seconds)
    return resident_mb(pid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0, help="the sustained phase")
    parser.add_argument("--closed-seconds", type=float, default=30.0, help="the closed-loop phase")
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--threads", type=int, default=None, help="the service's threads (default: its own)")
    parser.add_argument("--one-listing", action="store_true",
                        help="every tab on the same listing: its history grows by every request (a worst case)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    tabs = listings(read_text(F2212), 1 if args.one_listing else args.clients) * (args.clients if args.one_listing else 1)
    prices = Prices()
    print(f"machine: {machine()}\n")
    with Service(**({"threads": args.threads} if args.threads else {})) as service:
        # Warm-up: imports done, every worker started (requests at once, or one worker would
        # answer them all), so that "before" is the service ready for work.
        warm_up = burst(service, tabs, prices, 8)
        assert warm_up["errors"] == 0, warm_up["first_errors"]
        before = settle(service.process.pid, 2)
        with MemoryWatch(service.process.pid) as watch:
            sustained = phase(service, tabs, prices, args.seconds, pause=1.0)
            print(f"sustained, {args.clients} clients pausing 1 s, {args.seconds:g} s: {sustained['requests']} requests, "
                  f"{sustained['errors']} errors, p50 {sustained['p50_ms']:.0f} ms, p99 {sustained['p99_ms']:.0f} ms, "
                  f"{sustained['per_second']:.1f}/s")
            spike = burst(service, tabs, prices, args.burst)
            print(f"burst of {args.burst} at once: {spike['errors']} errors, p50 {spike['p50_ms']:.0f} ms, "
                  f"slowest {spike['max_ms']:.0f} ms")
            closed = phase(service, tabs, prices, args.closed_seconds, pause=0)
            print(f"closed loop, {args.clients} clients, {args.closed_seconds:g} s: {closed['requests']} requests, "
                  f"{closed['errors']} errors, {closed['per_second']:.1f}/s, p50 {closed['p50_ms']:.0f} ms, "
                  f"p99 {closed['p99_ms']:.0f} ms")
        after = settle(service.process.pid)
        print(f"resident memory of the service and its workers: before {before:.0f} MB, peak {watch.peak:.0f} MB, "
              f"after {after:.0f} MB ({after - before:+.0f} MB)")
        for label, figures in (("sustained", sustained), ("burst", spike), ("closed loop", closed)):
            for error in figures["first_errors"]:
                print(f"  {label} error: {error}")
    if args.json:
        args.json.write_text(json.dumps({
            "machine": machine(), "sustained": sustained, "burst": spike, "closed_loop": closed,
            "memory_mb": {"before": before, "peak": watch.peak, "after": after},
        }, indent=2))


if __name__ == "__main__":
    main()
