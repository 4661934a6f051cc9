"""The one way emptor fetches anything: an httpx client limited to marketplace hosts.

Rules every fetch follows: https only, hosts on the marketplaces' allowlist only and on the
standard https port (checked again at every redirect), one overall deadline for the whole fetch,
a size cap enforced while reading, and cookies that live only as long as one scan's client.
``httpx.HTTPError`` is caught here and nowhere else.

Tests map marketplace hosts to a local server with ``host_map`` (the TEST_HOST_MAP setting,
``EMPTOR_TEST_HOST_MAP`` for the CLI): the allowlist still sees the real https address; only the
connection goes to 127.0.0.1. server/config.py accepts only loopback targets, so the map cannot
send a fetch off the machine.
"""

from __future__ import annotations

import ipaddress
import ssl
import time
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import urljoin

import httpcore
import httpx

from . import config
from .marketplaces import for_url
from .marketplaces.problems import UnsupportedSite
from .problems import FetchFailed, Problem, TooLarge, UnreadableInput

USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
)

# When the fetch under way in this thread must end (time.monotonic()); None outside a fetch.
_fetch_deadline: ContextVar[float | None] = ContextVar("fetch_deadline", default=None)


@dataclass(frozen=True)
class Fetched:
    url: str  # the address asked for
    final_url: str  # after redirects
    status: int
    text: str


def _within_deadline(timeout: float | None, expired: type[httpcore.TimeoutException]) -> float | None:
    """``timeout`` cut down to the time left before the fetch deadline; raises ``expired`` once none is left."""
    deadline = _fetch_deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the fetch deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake ends by the fetch deadline.

    httpcore fixes a request's read timeout when the request starts and applies it afresh to each
    read, so without this a server that trickles its headers, or stalls late in a body, could hold
    a fetch well past the deadline.
    """

    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _within_deadline(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _within_deadline(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> "_DeadlineStream":
        timeout = _within_deadline(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self):
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options=None) -> _DeadlineStream:
        timeout = _within_deadline(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._sockets.connect_tcp(host, port, timeout, local_address, socket_options))


def _deadline_transport() -> httpx.HTTPTransport:
    """httpx's own transport, on connections that honour the fetch deadline."""
    ssl_context = httpx.create_ssl_context(trust_env=False)
    transport = httpx.HTTPTransport(verify=ssl_context, trust_env=False)
    # httpx offers no public way to choose the network backend (encode/httpx#3180), so its pool is
    # replaced by one with httpx's default settings on the deadline backend. Checked rather than
    # assumed: a renamed attribute would otherwise silently drop the deadline.
    if not isinstance(getattr(transport, "_pool", None), httpcore.ConnectionPool):
        raise RuntimeError("this httpx version keeps its connection pool elsewhere; server/fetch.py needs updating")
    transport._pool = httpcore.ConnectionPool(
        ssl_context=ssl_context,
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=_DeadlineBackend(),
    )
    return transport


class _HostMapTransport(httpx.BaseTransport):
    """Sends requests for mapped hosts to a loopback server (tests only), keeping the Host header."""

    def __init__(self, host_map: dict[str, str]):
        self._inner = _deadline_transport()
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
        """Fetch ``url`` following at most ``MAX_REDIRECTS`` allowlisted redirects, all within one
        overall deadline: connecting, waiting for headers and reading every hop's body included.

        :raises Problem: the address is not an allowlisted https marketplace address.
        :raises FetchFailed: network error, timeout, error status or a redirect off the list.
        :raises TooLarge: the body exceeds the size cap.
        """
        _check_allowed(url)
        deadline = time.monotonic() + self._timeout
        token = _fetch_deadline.set(deadline)
        try:
            return self._follow(url, deadline)
        finally:
            _fetch_deadline.reset(token)

    def _follow(self, url: str, deadline: float) -> Fetched:
        current = url
        for _ in range(config.MAX_REDIRECTS + 1):
            try:
                with self._client.stream("GET", current, timeout=self._hop_timeout(url, current, deadline)) as response:
                    if response.is_redirect:
                        current = _redirect_target(url, current, response)
                        continue
                    if response.status_code >= 400 and response.status_code != 404:
                        raise FetchFailed("fetch_status", f"{current} answered HTTP {response.status_code}.")
                    body = self._read_capped(response, url, current, deadline)
                    return Fetched(url=url, final_url=current, status=response.status_code, text=_decode(response, body))
            except httpx.TimeoutException:
                raise self._timed_out(url, current) from None
            except httpx.HTTPError as exc:
                raise FetchFailed("fetch_failed", f"could not fetch {current}: {exc}.") from None
        raise FetchFailed("too_many_redirects", f"{url} redirected more than {config.MAX_REDIRECTS} times.")

    def _hop_timeout(self, url: str, current: str, deadline: float) -> httpx.Timeout:
        left = deadline - time.monotonic()
        if left <= 0:
            raise self._timed_out(url, current)
        return httpx.Timeout(left, connect=min(config.FETCH_CONNECT_TIMEOUT_SECONDS, left))

    def _timed_out(self, url: str, current: str) -> FetchFailed:
        via = "" if current == url else f" (it had redirected to {current})"
        return FetchFailed("fetch_timeout", f"{url} did not load within the {self._timeout:g} s fetch limit{via}.")

    def _read_capped(self, response: httpx.Response, url: str, current: str, deadline: float) -> bytes:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self._max_bytes:
            raise TooLarge(
                "fetch_too_large",
                f"{current} is {int(declared) / config.MEGABYTE:.1f} MB; the limit is {self._max_bytes // config.MEGABYTE} MB.",
            )
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self._max_bytes:
                raise TooLarge("fetch_too_large", f"{current} is larger than the {self._max_bytes // config.MEGABYTE} MB limit.")
            if time.monotonic() > deadline:
                raise self._timed_out(url, current)
            chunks.append(chunk)
        return b"".join(chunks)


def _redirect_target(url: str, current: str, response: httpx.Response) -> str:
    target = urljoin(current, response.headers.get("location", ""))
    try:
        _check_allowed(target)
    except Problem:
        raise FetchFailed("redirect_off_allowlist", f"{url} redirected to {target}, which emptor does not fetch from.") from None
    return target


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
    if not _on_standard_port(url):
        raise UnsupportedSite(f"{url} names another port; emptor fetches marketplace pages only from the standard https port.")


def _on_standard_port(url: str) -> bool:
    # Read as httpx reads it, since httpx makes the connection; it drops an explicit default port.
    # A marketplace host answers on 443 only, so another port is some other service on that host.
    try:
        return httpx.URL(url).port is None
    except httpx.InvalidURL:
        return False


def make_fetcher(
    *,
    timeout: float = config.FETCH_TIMEOUT_SECONDS,
    max_bytes: int = config.MAX_FETCH_BYTES,
    host_map: dict[str, str] | None = None,
) -> Fetcher:
    """The client factory. ``timeout`` is the overall deadline of each ``get``, redirects included;
    ``host_map`` is the TEST_HOST_MAP setting (empty in real use)."""
    client = httpx.Client(
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, "Accept-Language": "en-US,en;q=0.8"},
        transport=_HostMapTransport(host_map) if host_map else _deadline_transport(),
        trust_env=False,  # no proxies or .netrc from the environment
    )
    return Fetcher(client, max_bytes, timeout)
