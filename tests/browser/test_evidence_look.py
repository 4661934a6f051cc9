"""The saved page keeps its look (issue 10), in Chromium with the extension, against the real
service: saving evidence of a listing stores its <style> blocks in the page, and its stylesheets
and product images, fetched by the service worker from AliExpress's CDN and from the listing's own
origin, as artifacts carrying their addresses; the exported pack holds each as a WARC response
at that address, and verifies.

The listing is the real 2020 page (tests/fixtures/pages) with, labelled here, a constructed
addition: one <style> block, a stylesheet on the CDN (assets.alicdn.com), one on the listing's own
host, one elsewhere (evil.example), and two product images in its gallery on the CDN
(ae01.alicdn.com). The browser maps *.alicdn.com to the fixture site (tests/support/browser.py,
HOST_RULES), which serves them. The page's own gallery images are at the CDN's real https
addresses, where nothing answers here: each is left out, and the record says so.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from warcio.archiveiterator import ArchiveIterator

from server.evidence import store as evidence_store
from server.evidence import wacz
from tests.support.browser import open_listing, save_from_popup
from tests.support.fixtures import F2020, ROOT

PRODUCT = "32993251330"
LISTING_PATH = "/item/look-32993251330.html"  # a path of its own: the shared routes stay as they are
IMAGES = ROOT / "tests" / "fixtures" / "images"
CSS = b".emptor-look-title{color:rgb(1, 2, 3)}\n"
OWN_CSS = b".emptor-look-own{color:rgb(4, 5, 6)}\n"
INLINE_STYLE = "<style id=emptor-look-inline>.emptor-look-inline{color:rgb(7, 8, 9)}</style>"


def addition(port: int) -> tuple[bytes, bytes]:
    """What is added to the real page's <head> and the start of its <body> (constructed)."""
    head = (f'{INLINE_STYLE}<link rel="stylesheet" href="http://assets.alicdn.com:{port}/look/index.css">'
            '<link rel="stylesheet" href="/look/own.css">'
            '<link rel="stylesheet" href="https://evil.example/track.css">')
    body = (f'<div class="images-view-wrap emptor-look-gallery"><img src="http://ae01.alicdn.com:{port}/kf/look-1.jpg">'
            f'<img src="http://ae01.alicdn.com:{port}/kf/look-2.png"></div>')
    return head.encode(), body.encode()


@pytest.fixture
def look_site(site, monkeypatch):
    head, body = addition(site.port)
    page = F2020.read_bytes().replace(b"</head>", head + b"</head>", 1)
    at = page.index(b">", page.index(b"<body")) + 1
    page = page[:at] + body + page[at:]
    routes = {
        LISTING_PATH: lambda: page,
        "/look/index.css": (CSS, "text/css"),
        "/look/own.css": (OWN_CSS, "text/css; charset=utf-8"),
        "/kf/look-1.jpg": ((IMAGES / "python.jpg").read_bytes(), "image/jpeg"),
        "/kf/look-2.png": ((IMAGES / "python.png").read_bytes(), "image/png"),
    }
    for path, route in routes.items():
        monkeypatch.setitem(site.routes, path, route)
    yield site


def test_saved_evidence_keeps_the_page_s_styles_stylesheets_and_images_and_the_pack_replays_them(emptor, look_site,
                                                                                               service):
    listing = open_listing(emptor, look_site, "he.aliexpress.com", LISTING_PATH)
    # The browser itself drew the page with the CDN's stylesheet (the address the worker fetches).
    assert listing.evaluate("() => [...document.styleSheets].some((s) => (s.href || '').includes('alicdn.com'))")
    _, _, record_id = save_from_popup(emptor)
    record = service.http.get(f"/api/v1/evidence/{record_id}").json()
    port = look_site.port
    css_url = f"http://assets.alicdn.com:{port}/look/index.css"
    own_url = f"http://he.aliexpress.com:{port}/look/own.css"
    jpeg_url = f"http://ae01.alicdn.com:{port}/kf/look-1.jpg"
    png_url = f"http://ae01.alicdn.com:{port}/kf/look-2.png"
    resources = {a["url"]: a for a in record["artifacts"] if "url" in a}
    assert {url: (a["name"], a["media_type"]) for url, a in resources.items()} == {
        css_url: ("style-1.css", "text/css"), own_url: ("style-2.css", "text/css"),
        jpeg_url: ("image-1.jpg", "image/jpeg"), png_url: ("image-2.png", "image/png"),
    }
    data_dir = service.data_dir
    assert evidence_store.read_artifact(data_dir, resources[css_url]["sha256"]) == CSS
    assert evidence_store.read_artifact(data_dir, resources[jpeg_url]["sha256"]) == (IMAGES / "python.jpg").read_bytes()

    # The page keeps its <style> blocks (an analysis's serialisation drops them) and its links.
    [page] = [a for a in record["artifacts"] if a["name"] == "page.html"]
    html = evidence_store.read_artifact(data_dir, page["sha256"]).decode()
    assert INLINE_STYLE.replace("id=emptor-look-inline", 'id="emptor-look-inline"') in html
    assert css_url in html and "emptor-look-gallery" in html

    # What was left out, and why: the page's own gallery at the CDN's real (unreachable) https
    # addresses, and the stylesheet on a host not AliExpress's.
    said = record["facts"]["page_resources"]
    assert said["kept"] == 4
    why = {entry["url"]: entry["why"] for entry in said["left_out_listed"]}
    assert why["https://evil.example/track.css"] == "not on AliExpress's own hosts"
    gallery = [url for url in why if url.startswith("https://ae01.alicdn.com/kf/HTB")]
    assert gallery and all(why[url] == "it could not be fetched" for url in gallery)
    assert said["left_out"] == len(said["left_out_listed"])

    exported = service.http.post("/api/v1/evidence/export", json={"product_id": PRODUCT})
    assert exported.status_code == 201, exported.text
    pack_path = exported.json()["path"]
    with zipfile.ZipFile(pack_path) as pack:
        warc = pack.read(wacz.WARC_PATH)
        index = pack.read(wacz.INDEX_PATH).decode()
    answers = {entry.rec_headers.get_header("WARC-Target-URI"): (entry.http_headers.get_header("Content-Type"),
                                                                entry.content_stream().read())
               for entry in ArchiveIterator(io.BytesIO(warc)) if entry.rec_type == "response"}
    assert answers[css_url] == ("text/css", CSS)
    assert answers[own_url] == ("text/css", OWN_CSS)
    assert answers[jpeg_url] == ("image/jpeg", (IMAGES / "python.jpg").read_bytes())
    assert answers[png_url] == ("image/png", (IMAGES / "python.png").read_bytes())
    assert "com,alicdn,assets:" in index and "/look/index.css" in index
    checked = service.http.post("/api/v1/evidence/verify", json={"path": pack_path}).json()
    assert checked["intact"] is True, checked["problems"]
