"""The extension's speed in real Chromium (`make bench`): main-thread time of the content script,
time from the page's load event to the first verdict badge, and what is sent for large pages.

Pages are the real saved fixture pages and the 1 MB and 2 MB pages of bench/run.py, served at
real-looking addresses; the service is the real Flask app on 127.0.0.1. The content script times
its own synchronous blocks (serialising the page in slices, rendering the badge) and the first
verdict after the page's load event, and hands them to the service worker (not to the page's
performance timeline, which the page could read) when the debug setting this script turns on
(EMPTOR.DEBUG_TIMINGS_KEY) asks it to; this script asks the worker for them as the extension's
own pages would (getTimings).
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import MEGABYTE, built_page, machine  # noqa: E402

from server import create_app  # noqa: E402
from tests.support.browser import extension_browser, find_chromium, wait_for_state  # noqa: E402
from tests.support.fixture_site import FixtureSite  # noqa: E402
from tests.support.live_server import LiveServer, RequestRecorder  # noqa: E402

PAGES = [
    ("2020 Hebrew listing (rendered)", "he.aliexpress.com", "/item/32993251330.html"),
    ("2022 US listing (server HTML)", "www.aliexpress.us", "/item/3256803382674519.html"),
    ("2024 client-rendered shell", "es.aliexpress.com", "/item/1005006180026951.html"),
    ("2025 removed item (rendered)", "de.aliexpress.com", "/item/1005008204179129.html"),
    ("built 1 MB page", "he.aliexpress.com", "/item/1000000000001.html"),
    ("built 2 MB page", "he.aliexpress.com", "/item/1000000000002.html"),
]

PAGE_BYTES = "() => new Blob([document.documentElement.outerHTML]).size"


def timings_of(browser, page) -> dict:
    """The content script's timings for the page's first verdict (sent just after it shows)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        answer = browser.ask_worker({"type": "getTimings"}, about=page)
        if answer.get("ok") and answer.get("timings"):
            return answer["timings"]
        time.sleep(0.05)
    raise RuntimeError(f"no timings reported for {page.url}")


def measure(runs: int) -> dict:
    chromium = find_chromium()
    if not chromium:
        raise SystemExit("emptor: Chromium not found; the extension benchmark needs Debian's chromium.")
    routes = {
        "/item/1000000000001.html": lambda: built_page(1 * MEGABYTE).encode(),
        "/item/1000000000002.html": lambda: built_page(2 * MEGABYTE).encode(),
    }
    results = {}
    with tempfile.TemporaryDirectory() as data:
        app = create_app({"DATA_DIR": data, "DATABASE": Path(data) / "emptor.db"})
        recorder = RequestRecorder(app.wsgi_app)
        app.wsgi_app = recorder
        with FixtureSite(routes=routes) as site, LiveServer(app) as service, extension_browser(chromium) as browser:
            for label, host, path in PAGES:
                rows = []
                for _ in range(runs):
                    # A settings change forgets cached answers: every run asks the service.
                    browser.configure(service.url, service.secret, debug_timings=True)
                    recorder.analyze_requests.clear()
                    page = browser.new_page()
                    page.goto(site.url(host, path), wait_until="load")
                    wait_for_state(page, timeout=20)  # the frame shows a verdict (or says why it cannot)
                    timing = timings_of(browser, page)
                    timing["pageBytes"] = page.evaluate(PAGE_BYTES)
                    sent = recorder.analyze_requests[0] if recorder.analyze_requests else {}
                    timing["json_bytes"] = sent.get("json_bytes")
                    rows.append(timing)
                    browser.close_pages()
                results[label] = rows
    return results


def summarise(results: dict) -> list[dict]:
    summary = []
    for label, rows in results.items():
        # The page-world capture (copying runParams or a feed) is work on the page's main thread
        # too; its total stands in as one block, an upper bound on any single copy.
        blocks = [row["blocks"] + [["capture", row["captureMs"]]] for row in rows]
        longest = [max(duration for _, duration in row_blocks) for row_blocks in blocks]
        total = [sum(duration for _, duration in row_blocks) for row_blocks in blocks]
        after_load = [row["firstVerdictAfterLoadMs"] for row in rows if row["firstVerdictAfterLoadMs"] is not None]
        last = rows[-1]
        summary.append({
            "page": label,
            "longest_block_ms": statistics.median(longest),
            "longest_block_max_ms": max(longest),
            "main_thread_total_ms": statistics.median(total),
            "badge_after_load_ms": statistics.median(after_load) if after_load else None,
            "page_kb": last["pageBytes"] / 1024,
            "sent_json_kb": (last["json_bytes"] or 0) / 1024,
        })
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request would bury the table
    print(f"machine: {machine()}\n")
    summary = summarise(measure(args.runs))
    print(f"{'page':34} {'longest block':>13} {'(max)':>7} {'all blocks':>10} {'badge after load':>16} "
          f"{'page KB':>8} {'sent KB':>8}")
    for row in summary:
        after = f"{row['badge_after_load_ms']:.0f} ms" if row["badge_after_load_ms"] is not None else "-"
        print(
            f"{row['page']:34} {row['longest_block_ms']:10.1f} ms {row['longest_block_max_ms']:5.1f} ms "
            f"{row['main_thread_total_ms']:7.1f} ms "
            f"{after:>16} {row['page_kb']:8.0f} {row['sent_json_kb']:8.0f}"
        )
    fixtures = [
        row["badge_after_load_ms"]
        for row in summary
        if not row["page"].startswith("built") and row["badge_after_load_ms"] is not None
    ]
    print(f"\nfirst badge after the load event, p50 over the fixture pages: {statistics.median(fixtures):.0f} ms")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "pages": summary}, indent=2))


if __name__ == "__main__":
    main()
