"""CONSTRUCTED account pages for the browser tests (issue 10), served by the fixture site.

No public capture of the 2022+ order page's or checkout's markup exists (docs/sources.md), only of
the order feeds. The order detail page is a shell that, as the real one does, asks the mtop
gateway for ``mtop.aliexpress.trade.buyer.order.detail`` and renders what it gets (the tests serve
it the REAL 2026 capture). The checkout page is built from the element names public code gives for
/p/trade/confirm.html (the address block, the order total, the place-order button), with a
made-up buyer (BUYER).
"""

from __future__ import annotations

import json

from .order_cases import DETAIL

DETAIL_FEED_PATH = "/h5/mtop.aliexpress.trade.buyer.order.detail/1.0/"
BUYER = {"name": "Dana Testbuyer", "street": "12 Fixture Lane", "phone": "+44 7700 900123"}  # made up

ORDER_DETAIL_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Order details</title></head>
<body><div id="root">Loading…</div>
<script>
  // As the 2022+ order page does, it asks the mtop gateway for the order (docs/sources.md); here
  // on the page's own host, which the fixture site is (the real gateway, acs.aliexpress.com,
  // answers cross-origin requests, which the fixture site does not).
  const orderId = new URL(location.href).searchParams.get("orderId");
  const data = encodeURIComponent(JSON.stringify({ tradeOrderId: orderId, channel: "tracking" }));
  fetch(`{path}?jsv=2.5.1&appKey=12574478&type=originaljson&data=${data}`)
    .then((response) => response.json())
    .then((answer) => {
      const root = document.getElementById("root");
      root.innerHTML = '<h1 class="order-block-title"></h1><div class="order-detail-info-item"><span>{name}</span>'
        + '<span>{street}</span><span>{phone}</span></div>';
      root.querySelector("h1").textContent = "Order " + orderId + ": " + answer.ret[0];
    });
</script></body></html>"""

CHECKOUT_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Place order</title></head>
<body><div id="root">Loading…</div>
<script>
  // Rendered after a moment, as the client-rendered confirm page is.
  setTimeout(() => {
    document.getElementById("root").innerHTML =
      '<div class="pl-address-item-container"><span class="name">{name}</span><span>{street}</span>'
      + '<span class="phone">{phone}</span></div>'
      + '<div class="pl-summary__item-pc">Subtotal €51.30</div>'
      + '<div class="pl-order-toal-container__item">Total €51.30</div>'
      + '<button class="place-order-primary-btn">Place order</button>';
  }, 50);
</script></body></html>"""


def _filled(template: str, **values) -> bytes:
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template.encode("utf-8")



ORDER_DETAIL_PATH = "/p/order/detail.html"
CHECKOUT_PATH = "/p/trade/confirm.html"


def serve_account_pages(site) -> list[str]:
    """Serve the order detail shell, its feed (the real detail capture) and the checkout on
    ``site``; the paths added, for the caller to remove."""
    site.routes[ORDER_DETAIL_PATH] = lambda: _filled(ORDER_DETAIL_PAGE, path=DETAIL_FEED_PATH, **BUYER)
    site.routes[CHECKOUT_PATH] = lambda: _filled(CHECKOUT_PAGE, **BUYER)
    site.routes[DETAIL_FEED_PATH] = (json.dumps(DETAIL).encode("utf-8"), "application/json;charset=UTF-8")
    return [ORDER_DETAIL_PATH, CHECKOUT_PATH, DETAIL_FEED_PATH]
