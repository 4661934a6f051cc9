"""What an extractor refuses, each with its one code (server/problems.py has the kinds)."""

from __future__ import annotations

from ..problems import InvalidRequest, UnreadableInput


class NotAnAddress(InvalidRequest):
    """A page address that is not an absolute http(s) address with a host."""

    code = "bad_url"


class UnsupportedSite(UnreadableInput):
    """An address on a site no marketplace here reads."""

    code = "unsupported_site"


class PageFromOtherSite(UnreadableInput):
    """A page whose own canonical address is on another site than the one it was sent as."""

    code = "page_from_other_site"


class NoAddress(UnreadableInput):
    """A saved page sent without an address that names none itself."""

    code = "no_url"


class BadBlob(UnreadableInput):
    """Captured data that does not decode as JSON or JSONP, or is not a JSON object."""

    code = "bad_blob"


class BadReviewPage(UnreadableInput):
    """A review page that is not one of the marketplace's review feed pages."""

    code = "bad_review_page"


class NotAnOrderFeed(UnreadableInput):
    """Data given to an order reader that is not the order feed or page it reads (another feed, a
    robot check, a garbled or truncated capture); the message names what was expected."""

    code = "not_an_order_feed"


class NotAFeed(UnreadableInput):
    """A saved file that is not JSON or JSONP (``emptor scan FILE.json``)."""

    code = "not_json_file"
