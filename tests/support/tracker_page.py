"""A constructed marketplace page that asks for known tracker hosts and the checkout and payment
hosts, served with every request it causes recorded (tests/browser/test_tracker_blocking.py).

The browser maps each host below to 127.0.0.1 (browser.py, HOST_RULES), so a request the
extension's rules let through reaches :class:`TrackerSite`, which records its host and path, and
a blocked one never arrives. Hosts are real addresses of the trackers' own services (each is
under a domain of server/data/trackers/trackers.tsv, which the test checks), and of the payment
and 3-D Secure providers of server/data/trackers/checkout-allow.tsv.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from .served import Served

# Trackers seen on the most sites in WhoTracks.Me's 2019 data, one address of each (35).
# Google Analytics, DoubleClick's stats., Facebook's, Bing's and Pinterest's pixels are left out
# here: their domains are HSTS-preloaded, so Chromium never asks for their http:// addresses, blocked
# or not (test_chromium_matches_every_rule_as_the_build_expects checks their rules instead).
TRACKER_HOSTS = (
    "cm.g.doubleclick.net", "s0.2mdn.net", "static.ads-twitter.com", "pagead2.googlesyndication.com",
    "www.googleadservices.com", "ib.adnxs.com", "static.criteo.net", "sb.scorecardresearch.com",
    "fastlane.rubiconproject.com", "bam.nr-data.net", "dpm.demdex.net", "ads.pubmatic.com", "u.openx.net",
    "match.adsrvr.org", "dsum-sec.casalemedia.com", "track.adform.net", "x.bidswitch.net", "c.amazon-adsystem.com",
    "s7.addthis.com", "mc.yandex.ru", "static.hotjar.com", "pixel.quantserve.com", "cdn.taboola.com", "sc-static.net",
    "cdn.mxpnl.com", "api.segment.io", "cdn.krxd.net", "tags.bluekai.com", "sync.teads.tv", "ced.sascdn.com",
    "www.smartadserver.com", "ad.360yield.com", "z.moatads.com", "ap.lijit.com", "bh.contextweb.com",
)
# Checkout, payment and 3-D Secure hosts that must always load (checkout-allow.tsv), and
# AliExpress's own API gateway and image CDN.
ALLOWED_HOSTS = (
    "icashier.alipay.com", "www.paypalobjects.com", "m.stripe.network",
    "checkoutshopper-live.adyen.com", "centinelapi.cardinalcommerce.com", "includes.ccdc02.com", "secure5.arcot.com",
    "retcode-us-west-1.arms.aliyuncs.com", "acs.aliexpress.com", "ae01.alicdn.com",
)
# A site that is neither a marketplace nor a payment provider, and a host on it that only a list
# the shopper imports blocks.
OTHER_SITE = "news.example.net"
IMPORTED_HOST = "beacon.example.net"
# Allowed too, but HSTS-preloaded: Chromium turns their http:// addresses into https://, which
# the local server does not speak, so the test asks the browser's rule matcher about them instead
# (declarativeNetRequest.testMatchOutcome).
PRELOADED_ALLOWED_HOSTS = ("www.paypal.com", "js.stripe.com", "hooks.stripe.com", "api.braintreegateway.com")
# What --host-resolver-rules needs for them (the AliExpress and alicdn hosts are mapped already).
MAPPED_HOSTS = tuple(h for h in TRACKER_HOSTS + ALLOWED_HOSTS + (OTHER_SITE, IMPORTED_HOST)
                     if not h.endswith((".aliexpress.com", ".alicdn.com")))

PAGE_PATH = "/emptor-shield/page.html"
CHECKOUT_PATH = "/p/trade/confirm.html"
GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
KINDS = ("fetch", "img", "script")


def page_html(port: int, run: str) -> bytes:
    """The page: one request to each host (by fetch, <img> or <script> in turn), then, once every
    one has settled, each outcome in the root element's data-settled (what the test waits for)."""
    requests = [{"host": host, "kind": KINDS[i % len(KINDS)],
                 "url": f"http://{host}:{port}/emptor-shield/{run}/{host}." + ("js" if KINDS[i % 3] == "script" else "gif")}
                for i, host in enumerate(TRACKER_HOSTS + ALLOWED_HOSTS + (IMPORTED_HOST,))]
    script = """
const requests = %s;
function load({ url, kind }) {
  if (kind === "fetch") return fetch(url, { mode: "no-cors", cache: "no-store" }).then(() => "loaded");
  return new Promise((resolve, reject) => {
    const node = document.createElement(kind);
    node.onload = () => resolve("loaded");
    node.onerror = () => reject(new Error("failed"));
    node.src = url;
    document.body.append(node);
  });
}
Promise.allSettled(requests.map(load)).then((outcomes) => {
  const settled = {};
  outcomes.forEach((outcome, i) => { settled[requests[i].host] = outcome.status === "fulfilled" ? "loaded" : "failed"; });
  document.documentElement.dataset.settled = JSON.stringify(settled);
});
""" % json.dumps(requests)
    head = "<!doctype html><html><head><title>constructed shield page</title></head>"
    return f"{head}<body><script>{script}</script></body></html>".encode()


class TrackerSite(Served):
    """A real HTTP server on 127.0.0.1: the page at :data:`PAGE_PATH` (and at the checkout's
    address), a GIF or an empty script for anything else, and ``seen``: every (host, path)."""

    def __init__(self):
        site = self
        self.seen: list[tuple[str, str]] = []
        self.pages: dict[str, bytes] = {}
        self._lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
                path = self.path
                with site._lock:
                    site.seen.append((host, path))
                page = site.pages.get(urlsplit(path).path)
                if page is not None:
                    body, kind = page, "text/html; charset=utf-8"
                elif path.endswith(".js"):
                    body, kind = b"/* constructed */", "text/javascript"
                else:
                    body, kind = GIF, "image/gif"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

        super().__init__(Handler)

    def hosts_seen(self, run: str) -> set[str]:
        with self._lock:
            return {host for host, path in self.seen if path.startswith(f"/emptor-shield/{run}/")}

    def paths_seen(self, host: str) -> list[str]:
        with self._lock:
            return [path for seen_host, path in self.seen if seen_host == host]

