"""The saved fixture files the tests read, and the addresses their pages were served at.

tests/fixtures/README.md says where each file comes from.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
PAGES = FIXTURES / "pages"
REVIEWS = FIXTURES / "reviews"

F2020 = PAGES / "ali_32993251330_he_runParams_2020-07.html"
F2212 = PAGES / "ali_3256803382674519_desktop_runParams_2022-12.html"
F2209 = PAGES / "ali_3256803246120444_initdata-newDetail_2022-09.json"
SHELL = PAGES / "ali_1005006180026951_desktop_es_CSRshell_2024-08.html"
NOT_FOUND = PAGES / "ali_1005008204179129_desktop_de_NOTFOUND_DCData_2025-10.html"
PUNISH = PAGES / "ali_1005008204179129_PUNISH_captcha_2025-07.html"
STORE = PAGES / "ali_store_4682001_desktop_2024-02.html"
# The first real generation D data (2026): the page's window._d_c_ as a listing tool dumped it,
# whose life-cycle event holds the mtop.aliexpress.pdp.pc.query components; and the same
# listing's rendered DOM as saved.
F2607 = PAGES / "ali_1005010171981745_uk_GBP_dcState-pdp_2026-07.json"
F2607_DOM = PAGES / "ali_1005010171981745_uk_GBP_renderedDOM_2026-07.html"
# A real eBay listing: a supported-looking page from a site emptor does not read.
EBAY = FIXTURES / "other" / "itm_298293090902_2026-07-09.html"

# Where each saved page was served (its own canonical link, og:url or punish iframe target).
PAGE_URLS = {
    F2020.name: "https://he.aliexpress.com/item/32993251330.html",
    F2212.name: "https://www.aliexpress.us/item/3256803382674519.html",
    F2209.name: "https://www.aliexpress.us/item/3256803246120444.html",
    SHELL.name: "https://es.aliexpress.com/item/1005006180026951.html",
    NOT_FOUND.name: "https://de.aliexpress.com/item/1005008204179129.html",
    PUNISH.name: "https://www.aliexpress.com/item/1005008204179129.html",
    STORE.name: "https://yufanmodel.aliexpress.com/store/4682001",
    F2607.name: "https://www.aliexpress.com/item/1005010171981745.html",
    F2607_DOM.name: "https://www.aliexpress.com/item/1005010171981745.html",
}


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def live_review_page(path: Path, page: int = 1, page_size: int = 20) -> dict:
    """Wrap a review capture in the live feed's envelope (fixtures/reviews/README.md)."""
    capture = json.loads(read_text(path))
    items = capture["reviews"]
    chunk = items[(page - 1) * page_size : page * page_size]
    total_pages = max(1, -(-len(items) // page_size))
    return {
        "data": {
            "evaViewList": chunk,
            "productEvaluationStatistic": capture["evaluation_stats"],
            "totalNum": capture["evaluation_stats"]["totalNum"],
            "totalPage": total_pages,
        }
    }
