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
import gzip
import json
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
from server.pairing import authorization_header  # noqa: E402

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


BENCH_SECRET = "emptor-bench-secret-" + "0" * 16


class Service:
    """The real `emptor serve` process (waitress) on loopback, with its own temporary data
    directory and a known pairing secret; :meth:`post` signs as the extension does."""

    def __init__(self, threads: int = 4, extra_env: dict | None = None):
        self.port = free_port()
        self.tmp = tempfile.TemporaryDirectory()
        env = {**os.environ, "EMPTOR_DATA_DIR": self.tmp.name, "EMPTOR_TOKEN": BENCH_SECRET, **(extra_env or {})}
        env.pop("EMPTOR_DATABASE", None)
        emptor = Path(sys.executable).with_name("emptor")
        self.process = subprocess.Popen([str(emptor), "serve", "--port", str(self.port), "--threads", str(threads)],
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

    def post(self, client: httpx.Client, path: str, body: bytes, headers: dict) -> httpx.Response:
        """A signed POST: a fresh nonce and a SHA-256 of the body per request, as the extension does."""
        authorization, _ = authorization_header(BENCH_SECRET, "POST", path, body)
        return client.post(self.url + path, content=body, headers={**headers, "Authorization": authorization})

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(30)
        self.tmp.cleanup()


ANALYZE = "/api/v1/analyze"
JSON = {"Content-Type": "application/json"}


def request_body(html: str) -> bytes:
    """Encoded once, as the browser does: JSON as UTF-8 (JSON.stringify leaves non-ASCII text as
    it is), not compressed (extension/background/service-client.js)."""
    return json.dumps({"url": BASE_URL, "html": html}, ensure_ascii=False).encode()


def http_against_in_process(html: str, runs: int) -> dict:
    """The same page analysed in-process and over HTTP, alternately in one loop so that the
    machine's ups and downs fall on both alike, and parsed whole by BeautifulSoup. The HTTP
    path's own cost (the connection, reading and checking the signed request, decoding it, the
    hop to a worker process, encoding and signing the answer) is the ratio of the first two
    (target: at most 1.3x, issue 8). A third timing starts in-process from the request's bytes
    (what the worker does, decoding included), which separates the JSON decoding from the rest."""
    from server import analysis_request, store

    body = request_body(html)
    page = PageInput(url=BASE_URL, html=html)
    in_process_samples, from_bytes_samples, http_samples = [], [], []
    with tempfile.TemporaryDirectory() as data:
        db = store.open_database(Path(data) / "in-process.db")

        def in_process():
            """What the endpoint does between reading the request and writing the answer: the
            analysis, with the listing's history from the database, and its recording."""
            result = analyze(page, now=dt.datetime.now(dt.timezone.utc),
                             load_history=lambda marketplace, product: store.load_history(db, marketplace, product))
            store.record(db, result.extraction.listing, result.judged_at)

        def from_bytes():
            """The same from the request body: decoding, validation, analysis, the report encoded."""
            now = dt.datetime.now(dt.timezone.utc)
            outcome = analysis_request.run(body, "", limit=len(body), now=now,
                                           load_history=lambda marketplace, product: store.load_history(db, marketplace, product))
            store.record(db, outcome.to_record, now)

        with Service() as service, httpx.Client(timeout=30) as client:
            for _ in range(3):  # warm-up: the first request records, later ones find the same prices
                in_process()
                from_bytes()
                service.post(client, ANALYZE, body, JSON).raise_for_status()
            for _ in range(runs):
                start = time.perf_counter()
                in_process()
                in_process_samples.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                from_bytes()
                from_bytes_samples.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                service.post(client, ANALYZE, body, JSON).raise_for_status()
                http_samples.append((time.perf_counter() - start) * 1000)
        db.close()
    soup_samples = timed(lambda: BeautifulSoup(html, "lxml"), max(5, runs // 5))
    figures = {"in_process_p50_ms": p(in_process_samples, 0.5), "from_bytes_p50_ms": p(from_bytes_samples, 0.5),
               "http_p50_ms": p(http_samples, 0.5),
               "http_p99_ms": p(http_samples, 0.99), "bs4_p50_ms": p(soup_samples, 0.5), "body_bytes": len(body)}
    figures["http_over_in_process"] = figures["http_p50_ms"] / figures["in_process_p50_ms"]
    figures["http_over_from_bytes"] = figures["http_p50_ms"] / figures["from_bytes_p50_ms"]
    figures["bs4_over_in_process"] = figures["bs4_p50_ms"] / figures["in_process_p50_ms"]
    return figures


def request_decoding(html: str, runs: int) -> dict:
    """What reading the 1 MB request costs the service: gzip (which the extension no longer
    sends), the standard library's decoding with the lone-surrogate check it needs, and orjson."""
    from server import jsontext

    body = request_body(html)
    packed = gzip.compress(body)

    def stdlib():
        jsontext.unpaired_surrogate(jsontext.loads(body.decode("utf-8")))

    return {"gunzip_p50_ms": p(timed(lambda: gzip.decompress(packed), runs), 0.5),
            "stdlib_p50_ms": p(timed(stdlib, runs), 0.5),
            "orjson_p50_ms": p(timed(lambda: jsontext.loads_body(body), runs), 0.5)}


def history_cost(runs: int, sizes=(0, 100, 1000, 5000)) -> list[dict]:
    """The 2022 US page analysed with its listing's price history read from the database, as the
    service does, after ``size`` observations were recorded for it (a new price every hour: each
    one a row). Every observation is read for each analysis (PRC001 looks at the whole history),
    so this is what a long-watched listing costs."""
    import dataclasses

    from server import store

    html = (ROOT / "tests" / "fixtures" / "pages" / "ali_3256803382674519_desktop_runParams_2022-12.html").read_text("utf-8")
    page = PageInput(url="https://www.aliexpress.us/item/3256803382674519.html", html=html)
    listing = analyze(page, now=NOW).extraction.listing
    rows = []
    with tempfile.TemporaryDirectory() as data:
        db = store.open_database(Path(data) / "history.db")
        recorded = 0
        for size in sizes:
            while recorded < size:
                recorded += 1
                priced = dataclasses.replace(listing, variants=[],
                                             price=dataclasses.replace(listing.price, min=1 + recorded / 100))
                store.record(db, priced, NOW - dt.timedelta(hours=size + 1 - recorded))
            samples = timed(lambda: analyze(page, now=NOW, load_history=lambda m, p: store.load_history(db, m, p)), runs)
            rows.append({"observations": size, "p50_ms": p(samples, 0.5)})
        db.close()
    return rows


def nested(depth: int) -> str:
    return "<html><body>" + "<div>" * depth + "x" + "</div>" * depth + "</body></html>"


def budgets() -> dict:
    """What the analysis budget (issue 8) costs and saves, on the real `emptor serve` with its
    default limits (server/config.py): the parser's time on nested markup, which grows with the
    square of the depth; how long the service takes to refuse a page of too many elements, a
    page too complex for its processor-time budget and JSON nested too deep; and the largest
    page a request can carry, built from real listing markup, analysed within the budget."""
    from server.config import MAX_MARKUP_TAGS, MAX_REQUEST_BYTES

    figures = {"parse_nested_ms": {}}
    for depth in (5_000, 10_000, 20_000):
        markup = nested(depth)
        figures["parse_nested_ms"][depth] = p(timed(lambda: LexborHTMLParser(markup).body, 3), 0.5)
    largest = built_page(MAX_REQUEST_BYTES)
    while len(request_body(largest)) > MAX_REQUEST_BYTES:  # JSON's escapes make the body longer than the page
        largest = built_page(len(largest.encode()) - (len(request_body(largest)) - MAX_REQUEST_BYTES) - 64 * 1024)
    figures["largest_page_kb"], figures["largest_page_tags"] = len(largest.encode()) // 1024, largest.count("<")
    cases = {
        "too_many_elements": request_body("<html><body>" + "<a>" * (MAX_MARKUP_TAGS + 1) + "</body></html>"),
        "page_too_complex": request_body(nested(40_000)),
        "deep_json": b'{"url": "' + BASE_URL.encode() + b'", "data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "largest_page": request_body(largest),
    }
    with Service() as service, httpx.Client(timeout=60) as client:
        service.post(client, ANALYZE, request_body(BASE_PAGE.read_text(encoding="utf-8")), JSON).raise_for_status()
        for name, body in cases.items():
            start = time.perf_counter()
            response = service.post(client, ANALYZE, body, JSON)
            elapsed = (time.perf_counter() - start) * 1000
            code = "ok" if response.status_code == 200 else response.json().get("code")
            figures[name] = {"status": response.status_code, "code": code, "ms": elapsed}
    return figures


def throughput_http(html: str, seconds: float, clients: int = 4) -> float:
    body = request_body(html)
    done = 0
    lock = threading.Lock()
    with Service() as service:
        stop = time.monotonic() + seconds

        def hammer():
            nonlocal done
            with httpx.Client(timeout=30) as client:
                while time.monotonic() < stop:
                    service.post(client, ANALYZE, body, JSON).raise_for_status()
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


def throughput_in_process(html: str, seconds: float) -> float:
    analyze(PageInput(url=BASE_URL, html=html), now=NOW)  # warm-up
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        analyze(PageInput(url=BASE_URL, html=html), now=NOW)
        done += 1
    return done / (time.perf_counter() - start)


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

    history = history_cost(max(20, args.runs // 2))
    print("\n2022 US page with its recorded price history: " + "; ".join(
        f"{row['observations']:,} observations p50 {row['p50_ms']:.1f} ms" for row in history))

    one_mb = built_page(1 * MEGABYTE)
    http = http_against_in_process(one_mb, max(40, args.runs))
    print(f"\n1 MB page, in one loop: in-process p50 {http['in_process_p50_ms']:.1f} ms; POST {ANALYZE} (signed, "
          f"{http['body_bytes'] // 1024} KB of JSON) p50 {http['http_p50_ms']:.1f} ms, p99 {http['http_p99_ms']:.1f} ms "
          f"= {http['http_over_in_process']:.2f}x in-process; BeautifulSoup parse alone {http['bs4_p50_ms']:.1f} ms "
          f"= {http['bs4_over_in_process']:.1f}x")
    print(f"  in-process from the request's bytes (decoding included) p50 {http['from_bytes_p50_ms']:.1f} ms: "
          f"HTTP = {http['http_over_from_bytes']:.2f}x that")
    decoding = request_decoding(one_mb, args.runs)
    print(f"reading that request: orjson {decoding['orjson_p50_ms']:.2f} ms; the standard library with the "
          f"surrogate check {decoding['stdlib_p50_ms']:.2f} ms; inflating it from gzip {decoding['gunzip_p50_ms']:.2f} ms")

    throughput = {"http_4_clients": throughput_http(one_mb, args.seconds),
                  "in_process_1_thread": throughput_in_process(one_mb, args.seconds)}
    print(f"analyses/s of the 1 MB page: HTTP {throughput['http_4_clients']:.1f}/s (4 client threads, 4 service threads), "
          f"in-process one thread {throughput['in_process_1_thread']:.1f}/s "
          f"({throughput['http_4_clients'] / throughput['in_process_1_thread']:.2f}x)")

    limits = budgets()
    print("\nbudgets: Lexbor parse of nested <div>s " + ", ".join(
        f"{depth:,} deep {ms:.0f} ms" for depth, ms in limits["parse_nested_ms"].items()))
    print(f"  largest page a request carries: {limits['largest_page_kb']:,} KB of real listing markup, "
          f"{limits['largest_page_tags']:,} tags")
    for name in ("too_many_elements", "page_too_complex", "deep_json", "largest_page"):
        case = limits[name]
        print(f"  {name}: HTTP {case['status']} {case['code']} in {case['ms']:.0f} ms")

    if args.json:
        args.json.write_text(
            json.dumps(
                {"machine": machine(), "pages": rows, "reviews": reviews, "http": http, "decoding": decoding,
                 "throughput": throughput, "history": history, "budgets": limits}, indent=2
            )
        )


if __name__ == "__main__":
    main()
