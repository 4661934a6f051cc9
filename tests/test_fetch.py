"""The one fetch path: allowlisted https hosts, redirects checked, size and time capped.

Requests go to a real local HTTP server serving the captured pages; the host map only changes
where the connection goes, so the allowlist sees the real AliExpress addresses.
"""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest

from server.fetch import make_fetcher
from server.problems import FetchFailed, Problem, TooLarge
from tests.support.slow_site import SlowSite


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
        # The host map ignores ports, so each of these would load from the local server if allowed.
        ("https://www.aliexpress.com:8443/item/32993251330.html", "unsupported_site"),
        ("https://www.aliexpress.com:80/item/32993251330.html", "unsupported_site"),
        ("https://www.aliexpress.com:x/item/32993251330.html", "unsupported_site"),
    ],
)
def test_refuses_addresses_off_the_allowlist(fetcher, url, code):
    with pytest.raises(Problem) as raised:
        fetcher.get(url)
    assert raised.value.code == code


def test_an_address_naming_the_standard_port_loads(fetcher):
    fetched = fetcher.get("https://he.aliexpress.com:443/item/32993251330.html")
    assert fetched.status == 200 and "window.runParams" in fetched.text


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


# The overall deadline (docs/security.md "Fetching"). The real limit is 15 s; these tests use a
# short one so they stay quick, and the slow servers misbehave on that scale.
DEADLINE = 1.5
# Generous: a correct fetch ends within milliseconds of its deadline. It is tighter than the
# deadline itself, so a fetch whose per-read timeout restarted partway (the bug) cannot pass.
MARGIN = 1.0
SLOW_SITE = "https://www.aliexpress.com"


@pytest.fixture
def slow_site():
    with SlowSite() as site:
        yield site


@pytest.fixture
def deadline_fetcher(slow_site):
    with make_fetcher(host_map=slow_site.host_map, timeout=DEADLINE) as client:
        yield client


def _times_out(fetcher, path: str) -> FetchFailed:
    started = time.monotonic()
    with pytest.raises(FetchFailed) as raised:
        fetcher.get(SLOW_SITE + path)
    elapsed = time.monotonic() - started
    assert raised.value.code == "fetch_timeout"
    assert f"did not load within the {DEADLINE:g} s fetch limit" in raised.value.message
    assert elapsed < DEADLINE + MARGIN, f"the fetch gave up after {elapsed:.1f} s"
    return raised.value


def test_a_redirect_chain_of_slow_hops_stops_at_the_overall_deadline(deadline_fetcher, slow_site):
    """Each hop answers well within the deadline; five of them together do not."""
    problem = _times_out(deadline_fetcher, f"/chain?hops=5&delay={DEADLINE / 2}")
    assert "redirected to https://www.aliexpress.com/chain?hops=" in problem.message
    assert slow_site.hung_up.wait(5), "the server never saw the fetch hang up"


@pytest.mark.parametrize("delay", [0, 0.05])
def test_a_redirect_chain_that_fits_the_deadline_loads(deadline_fetcher, delay):
    fetched = deadline_fetcher.get(f"{SLOW_SITE}/chain?hops=5&delay={delay}")
    assert fetched.final_url == f"{SLOW_SITE}/page" and "the end of the road" in fetched.text


def test_a_body_that_trickles_forever_stops_at_the_deadline(deadline_fetcher, slow_site):
    """Every byte arrives long before a read would time out: only the overall deadline ends it."""
    _times_out(deadline_fetcher, "/trickle-body?bytes=100000&interval=0.1")
    assert slow_site.hung_up.wait(5), "the server never saw the fetch hang up"


def test_a_body_that_trickles_but_finishes_in_time_loads(deadline_fetcher):
    fetched = deadline_fetcher.get(f"{SLOW_SITE}/trickle-body?bytes=5&interval=0.05")
    assert fetched.text == "xxxxx"


def test_a_body_that_stalls_stops_at_the_deadline(deadline_fetcher, slow_site):
    """The headers come late in the deadline, then the body stops: the blocked read is cut off at
    the deadline, not a full read timeout after the headers."""
    _times_out(deadline_fetcher, f"/stall-body?delay={DEADLINE * 0.8}")
    assert slow_site.hung_up.wait(5), "the server never saw the fetch hang up"


@pytest.mark.parametrize("path", ["/no-headers", "/trickle-headers?interval=0.1"])
def test_headers_that_never_come_stop_at_the_deadline(deadline_fetcher, slow_site, path):
    _times_out(deadline_fetcher, path)
    assert slow_site.hung_up.wait(5), "the server never saw the fetch hang up"


def test_refuses_a_redirect_to_a_marketplace_host_on_another_port(deadline_fetcher):
    """The host map ignores ports, so the redirect would load from the local server if followed."""
    with pytest.raises(FetchFailed) as raised:
        deadline_fetcher.get(f"{SLOW_SITE}/redirect?to={quote('https://www.aliexpress.com:8443/page')}")
    assert raised.value.code == "redirect_off_allowlist"
    assert "redirected to https://www.aliexpress.com:8443/page" in raised.value.message


def test_follows_a_redirect_that_names_the_standard_port(deadline_fetcher):
    fetched = deadline_fetcher.get(f"{SLOW_SITE}/redirect?to={quote('https://www.aliexpress.com:443/page')}")
    assert fetched.final_url == "https://www.aliexpress.com:443/page" and "the end of the road" in fetched.text
