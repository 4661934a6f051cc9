"""The interface every marketplace implements, and the values that cross it.

A marketplace knows its hosts, turns a page (HTML and/or captured data blobs) into a
:class:`~heuristics.model.Listing` with a page status, and knows where its review feed lives.
The rest of the service never looks inside a marketplace's pages. Nothing here imports a web
framework: the command line and the benchmarks use extractors without one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

from heuristics.model import Listing

from .problems import NotAnAddress


@dataclass(frozen=True)
class Blob:
    """Product data the browser captured: ``source`` names the feed, ``body`` is JSON or raw text."""

    source: str
    body: Any


@dataclass
class PageInput:
    url: str | None = None
    html: str | None = None
    blobs: list[Blob] = field(default_factory=list)
    review_pages: list[Any] = field(default_factory=list)
    selected_sku_id: str | None = None
    # When emptor received the page: the reference for dates the page prints without a year
    # ("delivery by Oct 04") when the page itself carries no capture time.
    received_at: dt.datetime | None = None


@dataclass
class Extraction:
    status: str
    listing: Listing
    generation: str | None = None
    captured_at: dt.datetime | None = None
    # Where captured_at was read: "trace_id", "current_time", "server_time", "aplus_id" or
    # "punish_token" (docs/api.md, "page.captured_from").
    captured_from: str | None = None
    sources: list[str] = field(default_factory=list)
    # The address the page gives itself (canonical link, og:url, or the page an anti-bot check
    # stands in for), so a page from another site sent under a marketplace URL can be refused.
    own_url: str | None = None
    # Input that was read but set aside (``{"code", "message", "field"?}``), reported in the report's errors.
    errors: list[dict] = field(default_factory=list)


class Marketplace(Protocol):
    name: str
    blob_sources: tuple[str, ...]

    def owns_host(self, host: str) -> bool: ...

    def extract(self, page: PageInput) -> Extraction: ...

    def explain_status(self, status: str) -> str | None:
        """What a page status other than ``ok`` means, in one sentence for the shopper."""

    def url_from_html(self, html: str) -> str | None: ...

    def blob_from_capture(self, text: str) -> Blob | None: ...

    def review_feed_urls(self, listing: Listing, pages: int) -> list[str]: ...

    def global_product_id(self, shown: str) -> str | None: ...

    def parse_review_pages(self, pages: list) -> Any: ...


def host_of(url: str) -> str:
    """The host of an absolute http(s) address; :class:`NotAnAddress` for anything else."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if not host or parts.scheme not in ("http", "https"):
        raise NotAnAddress(f"{url!r} is not an absolute http(s) address.")
    return host.lower().rstrip(".")
