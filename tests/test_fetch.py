"""The one fetch path: allowlisted https hosts, redirects checked, size and time capped.

Requests go to a real local HTTP server serving the captured pages; the host map only changes
where the connection goes, so the allowlist sees the real AliExpress addresses.
"""

from __future__ import annotations

import pytest

from server.fetch import make_fetcher
from server.problems import FetchFailed, Problem, TooLarge


@pytest.fixture
def fetcher(marketplace_server):
    with make_fetcher(host_map=marketplace_server, timeout=1.0) as client:
        yield client


def test_fetches_a_listing_page(fetcher):
    fetched = fetcher.get("https://he.aliexpress.com/item/32993251330.html")
    assert fetched.status == 200 and "window.runParams" in fetched.text


def test_follows_a_redirect_within_the_allowlist(fetcher):
    fetched = fetcher.get("https://www.aliexpress.com/item/302.html")
    assert fetched.final_url == "https://www.aliexpress.com/item/32993251330.html"


def test_a_redirect_to_the_punish_page_yields_the_punish_page(fetcher):
    fetched = fetcher.get("https://www.aliexpress.com/item/punished.html")
    assert "/_____tmd_____/punish" in fetched.final_url and "bx-pu-qrcode-wrap" in fetched.text


def test_refuses_a_redirect_off_the_allowlist(fetcher):
    with pytest.raises(FetchFailed) as raised:
        fetcher.get("https://www.aliexpress.com/redirect-off-site")
    assert raised.value.code == "redirect_off_allowlist"


@pytest.mark.parametrize(
    "url, code",
    [
        ("https://www.amazon.com/dp/B0C1", "unsupported_site"),
        ("http://www.aliexpress.com/item/1.html", "not_https"),
        ("https://aliexpress.com.evil.example/item/1.html", "unsupported_site"),
    ],
)
def test_refuses_addresses_off_the_allowlist(fetcher, url, code):
    with pytest.raises(Problem) as raised:
        fetcher.get(url)
    assert raised.value.code == code


def test_size_cap(fetcher):
    with pytest.raises(TooLarge):
        fetcher.get("https://www.aliexpress.com/item/9999999999.html")


def test_timeout(fetcher):
    with pytest.raises(FetchFailed) as raised:
        fetcher.get("https://www.aliexpress.com/item/8888888888.html")
    assert raised.value.code == "fetch_timeout"


def test_error_status(fetcher):
    with pytest.raises(FetchFailed) as raised:
        fetcher.get("https://www.aliexpress.com/item/5030000000.html")
    assert "HTTP 503" in raised.value.message


@pytest.mark.parametrize("target", ["http://10.0.0.8:80", "http://example.com:80"])
def test_the_client_refuses_a_host_map_that_leaves_the_machine(target):
    """The setting is checked when read (tests/test_config.py); the client checks it again."""
    with pytest.raises(ValueError, match="loopback"):
        make_fetcher(host_map={"www.aliexpress.com": target})
