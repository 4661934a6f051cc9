"""emptor's benchmarks (`make bench`): analysis speed on real pages, over HTTP, and throughput.

Everything compared is measured in the same run on the same machine, and reported as ratios
next to the absolute figures (docs/performance.md). Pages:

- every real page fixture in tests/fixtures/pages;
- a 1 MB and a 2 MB page built from real markup: the 2020 listing page (406 KB, 1,371
  elements) with the real 2025 recommendations block of the removed-item page (85 KB, 1,028
  elements) appended until the target size. The 1 MB page has about 8,500 elements, the size
  of a rendered 2024+ product page with its recommendations.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402
from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from server.analysis import analyze  # noqa: E402
from server.marketplaces import (  # noqa: E402
    MARKETPLACES,  # noqa: E402
    Blob,
    PageInput,
)

ALIEXPRESS = MARKETPLACES["aliexpress"]

PAGES = ROOT / "tests" / "fixtures" / "pages"
BASE_PAGE = PAGES / "ali_32993251330_he_runParams_2020-07.html"
RECOMMENDATIONS_FROM = PAGES / "ali_1005008204179129_desktop_de_NOTFOUND_DCData_2025-10.html"
BASE_URL = "https://he.aliexpress.com/item/32993251330.html"
NOW = dt.datetime(2026, 11, 26, tzinfo=dt.timezone.utc)
MEGABYTE = 1024 * 1024


def built_page(target_bytes: int) -> str:
    page = BASE_PAGE.read_text(encoding="utf-8")
    tree = LexborHTMLParser(RECOMMENDATIONS_FROM.read_text(encoding="utf-8"))
    block = tree.css_first('[class*="recommend-platform--wrap"]').html
    copies = max(0, (target_bytes - len(page.encode())) // len(block.encode()))
    end = page.rindex("</body>")
    return page[:end] + block * copies + page[end:]


def page_input(html: str | None, url: str, blob: str | None = None) -> PageInput:
    """What the extension sends: the page's address with its html (or, for a saved feed, the feed)."""
    if blob is not None:
        return PageInput(url=url, blobs=[Blob("_init_data_", blob)])
    return PageInput(url=url, html=html)


def timed(fn, runs: int) -> list[float]:
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def in_process(runs: int) -> list[dict]:
    cases = [(path.name, path) for path in sorted(PAGES.iterdir())]
    cases += [("built 1 MB page", built_page(1 * MEGABYTE)), ("built 2 MB page", built_page(2 * MEGABYTE))]
    rows = []
    for name, source in cases:
        text = source if isinstance(source, str) else source.read_text(encoding="utf-8")
        is_feed = isinstance(source, Path) and source.suffix == ".json"
        html = None if is_feed else text
        # The address is known before timing starts, as it is for the extension's requests.
        url = "https://www.aliexpress.us/item/3256803246120444.html" if is_feed else (ALIEXPRESS.url_from_html(text) or BASE_URL)
        analysis = timed(lambda: analyze(page_input(html, url, text if is_feed else None), now=NOW), runs)
        row = {"page": name, "kb": round(len(text.encode()) / 1024),
               "elements": len(LexborHTMLParser(html).css("*")) if html else None,
               "analysis_p50_ms": p(analysis, 0.5), "analysis_p99_ms": p(analysis, 0.99)}
        if html:
            soup = timed(lambda: BeautifulSoup(html, "lxml"), max(5, runs // 5))
            row["bs4_p50_ms"] = p(soup, 0.5)
            row["bs4_over_analysis"] = row["bs4_p50_ms"] / row["analysis_p50_ms"]
        rows.append(row)
    return rows


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Service:
    """The real `emptor serve` process on loopback, with its own temporary database."""

    def __init__(self, workers: int):
        self.port = free_port()
        self.tmp = tempfile.TemporaryDirectory()
        env = {**os.environ, "EMPTOR_DATA_DIR": self.tmp.name}
        emptor = Path(sys.executable).with_name("emptor")
        self.process = subprocess.Popen([str(emptor), "serve", "--port", str(self.port), "--workers", str(workers)],
                                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("emptor serve did not start")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(10)
        self.tmp.cleanup()


def request_body(html: str) -> bytes:
    return json.dumps({"url": BASE_URL, "html": html}).encode()


def over_http(html: str, runs: int) -> dict:
    body = request_body(html)
    headers = {"Content-Type": "application/json"}
    with Service(workers=1) as service, httpx.Client(timeout=30) as client:
        samples = timed(
            lambda: client.post(service.url + "/api/v1/analyze", content=body, headers=headers).raise_for_status(), runs
        )
    return {"http_p50_ms": p(samples, 0.5), "http_p99_ms": p(samples, 0.99)}


def throughput_http(html: str, workers: int, seconds: float, clients: int = 4) -> float:
    body = request_body(html)
    done = 0
    lock = threading.Lock()
    with Service(workers=workers) as service:
        stop = time.monotonic() + seconds

        def hammer():
            nonlocal done
            with httpx.Client(timeout=30) as client:
                while time.monotonic() < stop:
                    client.post(service.url + "/api/v1/analyze", content=body,
                                headers={"Content-Type": "application/json"}).raise_for_status()
                    with lock:
                        done += 1

        start = time.monotonic()
        threads = [threading.Thread(target=hammer) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return done / (time.monotonic() - start)


def review_sample(size: int):
    """``size`` reviews from the real captures (206 distinct reviews), repeated under new ids:
    every text has two or three copies, the duplicate test's worst case."""
    import dataclasses

    from server.marketplaces.aliexpress.review_pages import parse_pages

    pool = []
    feed_statistics = None
    for capture in sorted((ROOT / "tests" / "fixtures" / "reviews").glob("reviews_1005006717259012_*.json")):
        parsed = parse_pages([json.loads(capture.read_text(encoding="utf-8"))])
        pool.extend(parsed.reviews)
        feed_statistics = feed_statistics or parsed.statistics  # the product's own star split
    reviews = [dataclasses.replace(pool[i % len(pool)], id=str(10**16 + i)) for i in range(size)]
    return reviews, feed_statistics, len(pool)


def review_tests(runs: int, size: int = 500) -> dict:
    from heuristics import DEFAULTS
    from heuristics.model import Listing, Locale, ReviewSet
    from heuristics.review_tests import analyze_reviews

    reviews, feed_statistics, distinct = review_sample(size)
    review_set = ReviewSet(reviews=reviews, statistics=feed_statistics, pages=size // 20)
    listing = Listing(
        "aliexpress",
        title="10mm Electric Brushless Drill 2-Speed Cordless Drill Screwdriver For Makita 18V Battery",
        locale=Locale(country="US"),
    )
    samples = timed(lambda: analyze_reviews(review_set, listing, DEFAULTS), runs)
    return {"reviews": size, "distinct": distinct, "p50_ms": p(samples, 0.5), "p99_ms": p(samples, 0.99)}


def _analyze_one(html: str) -> None:
    analyze(PageInput(url=BASE_URL, html=html), now=NOW)


def throughput_in_process(html: str, workers: int, count: int) -> float:
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map(_analyze_one, [html] * workers)  # warm-up
        start = time.perf_counter()
        pool.map(_analyze_one, [html] * count, chunksize=1)
        return count / (time.perf_counter() - start)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=6.0, help="duration of each throughput run")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    print(f"machine: {machine()}\n")
    rows = in_process(args.runs)
    print(f"{'page':62} {'KB':>5} {'elements':>8} {'p50 ms':>7} {'p99 ms':>7} {'bs4 p50':>8} {'bs4/ours':>8}")
    for row in rows:
        bs4 = f"{row['bs4_p50_ms']:8.1f} {row['bs4_over_analysis']:7.1f}x" if "bs4_p50_ms" in row else f"{'-':>8} {'-':>8}"
        elements = row["elements"] if row["elements"] is not None else "-"
        print(f"{row['page']:62} {row['kb']:5} {elements:>8} {row['analysis_p50_ms']:7.2f} {row['analysis_p99_ms']:7.2f} {bs4}")

    reviews = review_tests(max(20, args.runs // 2))
    print(f"\nreview tests on {reviews['reviews']} reviews ({reviews['distinct']} distinct real reviews, repeated): "
          f"p50 {reviews['p50_ms']:.1f} ms, p99 {reviews['p99_ms']:.1f} ms")

    one_mb = built_page(1 * MEGABYTE)
    http = over_http(one_mb, max(20, args.runs // 2))
    print(f"\nPOST /api/v1/analyze, 1 MB page, loopback: p50 {http['http_p50_ms']:.1f} ms, p99 {http['http_p99_ms']:.1f} ms")

    throughput = {}
    for workers in (1, 2):
        throughput[f"http_{workers}"] = throughput_http(one_mb, workers, args.seconds)
        throughput[f"pool_{workers}"] = throughput_in_process(one_mb, workers, count=200)
    print("analyses/s of the 1 MB page:")
    for workers in (1, 2):
        print(f"  {workers} worker(s): HTTP {throughput[f'http_{workers}']:.1f}/s (4 client threads), "
              f"in-process pool {throughput[f'pool_{workers}']:.1f}/s")
    print(f"  two workers / one: HTTP {throughput['http_2'] / throughput['http_1']:.2f}x, "
          f"in-process {throughput['pool_2'] / throughput['pool_1']:.2f}x")

    if args.json:
        args.json.write_text(
            json.dumps(
                {"machine": machine(), "pages": rows, "reviews": reviews, "http": http, "throughput": throughput}, indent=2
            )
        )


if __name__ == "__main__":
    main()
