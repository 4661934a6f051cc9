"""The real 2026 order feeds (tests/fixtures/orders/) and an order CONSTRUCTED from them whose
protection ends on a chosen day: the real Completed detail as an order still on its way, with the
list feed's own CONFIRM_GOODS button, no completion date and no ``global.orderStatus``. Shared by
the orders API tests and the extension's deadline tests."""

from __future__ import annotations

import copy
import datetime as dt
import json

from .fixtures import FIXTURES

ORDER_FIXTURES = FIXTURES / "orders"
DETAIL = json.loads((ORDER_FIXTURES / "mtop_order_detail_completed_2026_anon.json").read_text(encoding="utf-8"))
LIST = json.loads((ORDER_FIXTURES / "mtop_order_list_2026_anon.json").read_text(encoding="utf-8"))
TRACKING = json.loads((ORDER_FIXTURES / "mtop_tracking_querydetail_2026_anon.json").read_text(encoding="utf-8"))
REAL_ID = "8212313961591322"


def english(day: dt.date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def awaiting(order_id: str, refund_on: dt.date) -> dict:
    """CONSTRUCTED: the real Completed detail as an order still on its way whose protection ends
    on ``refund_on``."""
    body = copy.deepcopy(DETAIL)
    confirm = next(b for c in LIST["data"]["data"].values() if c["tag"] == "pc_om_list_order"
                   for b in c["fields"]["buttons"] if b["type"] == "CONFIRM_GOODS")
    placed = english(refund_on - dt.timedelta(days=40))
    for component in body["data"]["data"].values():
        fields = component["fields"]
        if component["tag"] == "detail_order_status_block":
            fields["title"] = "Awaiting delivery"
            fields["orderId"] = order_id
            fields["buttonVOList"] = [confirm]
        elif component["tag"] == "detail_simple_order_info_component":
            fields.pop("orderEndTime", None)
            fields.update(tradeOrderId=order_id, orderCreatTime=placed, payTime=placed, orderShipTime=placed)
        elif component["tag"] == "detail_service_progress_bar":
            fields["nodes"][-1]["time"] = english(refund_on)
        elif component["tag"] == "detail_order_services":
            fields["data"][0]["content"] = fields["data"][0]["content"].replace("Sep 4, 2026", english(refund_on))
    body["data"]["global"].pop("orderStatus")
    return body
