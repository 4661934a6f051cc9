"""POST /api/v1/messages/analyze: judge a message thread with a seller (docs/api.md, "Messages").

The MSG rules (heuristics/rules/messages.py) warn when a seller asks to confirm receipt early, to
pay or talk outside AliExpress, or to give up a dispute for a promise. Every value of a thread is
untrusted text from a page: it is validated field by field here, judged, and answered; nothing
of it is stored.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, jsonify

import heuristics
from heuristics.model import ORDER_STATUSES, SENDERS, Message, MessageThread, OrderContext

from ..problems import InvalidRequest
from ..report import finding
from ..timefmt import iso
from . import PREFIX
from .requestbody import json_object

bp = Blueprint("messages", __name__, url_prefix=PREFIX)

FIELDS = {"messages", "seller_name", "store_id", "order"}
ORDER_FIELDS = {"status", "protection_ends"}
MAX_MESSAGES = 2000  # a thread of years of daily messages; more is not a conversation
MAX_TEXT = 20_000  # characters of one message
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _text(value, field: str, limit: int, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidRequest("bad_thread", f"{field} must be {'a non-empty' if required else 'a'} string.", field=field)
    if len(value) > limit:
        raise InvalidRequest("bad_thread", f"{field} is longer than {limit:,} characters.", field=field)
    return value


def _message(index: int, item) -> Message:
    where = f"messages[{index}]"
    if not isinstance(item, dict) or set(item) - {"sender", "text", "sent_at"}:
        raise InvalidRequest("bad_thread", f"{where} must be an object with sender, text and sent_at.", field=where)
    if item.get("sender") not in SENDERS:
        raise InvalidRequest("bad_thread", f"{where}.sender must be one of {', '.join(SENDERS)}.", field=f"{where}.sender")
    sent_at = _text(item.get("sent_at"), f"{where}.sent_at", 40)
    if sent_at is not None:
        try:
            dt.datetime.fromisoformat(sent_at.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidRequest("bad_thread", f"{where}.sent_at must be an ISO 8601 time.", field=f"{where}.sent_at") from None
    return Message(item["sender"], _text(item.get("text"), f"{where}.text", MAX_TEXT, required=True), sent_at)


def _order(value) -> OrderContext | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - ORDER_FIELDS:
        raise InvalidRequest("bad_thread", "order must be an object with status and protection_ends.", field="order")
    status, ends = value.get("status"), value.get("protection_ends")
    if status is not None and status not in ORDER_STATUSES:
        raise InvalidRequest("bad_thread", f"order.status must be one of {', '.join(ORDER_STATUSES)}.", field="order.status")
    if ends is not None and not (isinstance(ends, str) and _DATE.fullmatch(ends) and _valid_date(ends)):
        raise InvalidRequest("bad_thread", "order.protection_ends must be a date, YYYY-MM-DD.", field="order.protection_ends")
    return OrderContext(status=status, protection_ends=ends)


def _valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def thread_from_request(body: dict) -> MessageThread:
    """The thread a request describes, or a problem naming the field that is wrong."""
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise InvalidRequest("unknown_field", f"Unknown field(s): {', '.join(unknown)}.", field=unknown[0])
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise InvalidRequest("bad_thread", "messages must be a non-empty list of {sender, text, sent_at}.", field="messages")
    if len(messages) > MAX_MESSAGES:
        raise InvalidRequest("bad_thread", f"A thread of more than {MAX_MESSAGES:,} messages is not judged.", field="messages")
    return MessageThread(
        messages=[_message(index, item) for index, item in enumerate(messages)],
        seller_name=_text(body.get("seller_name"), "seller_name", 200),
        store_id=_text(body.get("store_id"), "store_id", 40),
        order=_order(body.get("order")),
    )


@bp.post("/messages/analyze")
def analyze_messages():
    """Judge a thread: the MSG findings, the score (their sum) and the level, at the service's clock."""
    thread = thread_from_request(json_object())
    now = dt.datetime.now(dt.timezone.utc)
    verdict = heuristics.analyze_thread(thread, now)
    return jsonify({
        "verdict": {"level": verdict.level, "score": verdict.score, "judged_at": iso(now)},
        "findings": [finding(f) for f in verdict.findings],
        "errors": list(verdict.errors),
    })
