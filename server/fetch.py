"""The one way emptor fetches anything: an httpx client limited to marketplace hosts.

Rules every fetch follows: https only, hosts on the marketplaces' allowlist only (checked again
at every redirect), explicit timeouts, a size cap enforced while reading, and cookies that live
only as long as one scan's client. ``httpx.HTTPError`` is caught here and nowhere else.

Tests map marketplace hosts to a local server with ``host_map`` (the TEST_HOST_MAP setting,
``EMPTOR_TEST_HOST_MAP`` for the CLI): the allowlist still sees the real https address; only the
connection goes to 127.0.0.1. server/config.py accepts only loopback targets, so the map cannot
send a fetch off the machine.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from . import config
from .marketplaces import for_url
from .problems import FetchFailed, Problem, TooLarge, UnreadableInput

USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
)


@dataclass(frozen=True)
class Fetched:
    url: str  # the address asked for
    final_url: str  # after redirects
    status: int
    text: str


class _HostMapTransport(httpx.BaseTransport):
    """Sends requests for mapped hosts to a loopback server (tests only), keeping the Host header."""

    def __init__(self, host_map: dict[str, str]):
        self._inner = httpx.HTTPTransport()
        self._targets = {host: httpx.URL(target) for host, target in host_map.items()}
        # Checked when the setting is read (server/config.py); checked again where it is used,
        # because a map that left the machine would send a shopper's fetches elsewhere.
        for target in self._targets.values():
            if not _is_loopback(target.host):
                raise ValueError(f"a test host map may only point at loopback addresses, not {target.host!r}")

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        target = self._targets.get(request.url.host)
        if target is not None:
            request.url = request.url.copy_with(scheme=target.scheme, host=target.host, port=target.port)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class Fetcher:
    def __init__(self, client: httpx.Client, max_bytes: int, timeout: float):
        self._client = client
        self._max_bytes = max_bytes
        self._timeout = timeout

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str) -> Fetched:
        """Fetch ``url`` following at most ``MAX_REDIRECTS`` allowlisted redirects, all within
        one overall deadline (httpx's read timeout alone restarts with every byte received).

        :raises Problem: the address is not an allowlisted https marketplace address.
        :raises FetchFailed: network error, timeout, error status or a redirect off the list.
        :raises TooLarge: the body exceeds the size cap.
        """
        _check_allowed(url)
        deadline = time.monotonic() + self._timeout
        current = url
        for _ in range(config.MAX_REDIRECTS + 1):
            try:
                with self._client.stream("GET", current) as response:
                    if response.is_redirect:
                        target = urljoin(current, response.headers.get("location", ""))
                        try:
                            _check_allowed(target)
                        except Problem:
                            raise FetchFailed(
                                "redirect_off_allowlist", f"{url} redirected to {target}, which emptor does not fetch from."
                            ) from None
                        current = target
                        continue
                    if response.status_code >= 400 and response.status_code != 404:
                        raise FetchFailed("fetch_status", f"{current} answered HTTP {response.status_code}.")
                    body = self._read_capped(response, current, deadline)
                    return Fetched(url=url, final_url=current, status=response.status_code, text=_decode(response, body))
            except httpx.TimeoutException:
                raise self._timed_out(current) from None
            except httpx.HTTPError as exc:
                raise FetchFailed("fetch_failed", f"could not fetch {current}: {exc}.") from None
        raise FetchFailed("too_many_redirects", f"{url} redirected more than {config.MAX_REDIRECTS} times.")

    def _timed_out(self, url: str) -> FetchFailed:
        return FetchFailed("fetch_timeout", f"{url} did not answer within {self._timeout:g} s.")

    def _read_capped(self, response: httpx.Response, url: str, deadline: float) -> bytes:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self._max_bytes:
            raise TooLarge(
                "fetch_too_large",
                f"{url} is {int(declared) / config.MEGABYTE:.1f} MB; the limit is {self._max_bytes // config.MEGABYTE} MB.",
            )
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self._max_bytes:
                raise TooLarge("fetch_too_large", f"{url} is larger than the {self._max_bytes // config.MEGABYTE} MB limit.")
            if time.monotonic() > deadline:
                raise self._timed_out(url)
            chunks.append(chunk)
        return b"".join(chunks)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _decode(response: httpx.Response, body: bytes) -> str:
    encoding = response.charset_encoding or "utf-8"
    try:
        return body.decode(encoding, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _check_allowed(url: str) -> None:
    if not url.lower().startswith("https://"):
        raise UnreadableInput("not_https", f"{url} is not an https address; emptor only fetches over https.")
    for_url(url)  # raises NotAnAddress or UnsupportedSite for hosts outside the allowlist


def make_fetcher(
    *,
    timeout: float = config.FETCH_TIMEOUT_SECONDS,
    max_bytes: int = config.MAX_FETCH_BYTES,
    host_map: dict[str, str] | None = None,
) -> Fetcher:
    """The client factory. ``host_map`` is the TEST_HOST_MAP setting (empty in real use)."""
    client = httpx.Client(
        timeout=httpx.Timeout(timeout, connect=config.FETCH_CONNECT_TIMEOUT_SECONDS),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, "Accept-Language": "en-US,en;q=0.8"},
        transport=_HostMapTransport(host_map) if host_map else None,
        trust_env=False,  # no proxies or .netrc from the environment
    )
    return Fetcher(client, max_bytes, timeout)
