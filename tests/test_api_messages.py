"""POST /api/v1/messages/analyze: a seller's messages judged by the MSG rules, over the real app.
No public capture of an AliExpress message thread exists: the threads are constructed, in the
words the MSG rules' documentation lists (docs/rules.md, "Seller messages")."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.api import assert_error

ENDPOINT = "/api/v1/messages/analyze"
SOON = (dt.date.today() + dt.timedelta(days=20)).isoformat()


def thread(*messages, **fields) -> dict:
    return {"messages": [{"sender": sender, "text": text} for sender, text in messages], **fields}


def test_a_seller_asking_to_confirm_receipt_before_delivery_is_high(client):
    body = thread(("seller", "Please confirm receipt now, the parcel will arrive soon"),
                  order={"status": "awaiting_delivery", "protection_ends": SOON})
    answer = client.post(ENDPOINT, json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    report = answer.get_json()
    assert [f["code"] for f in report["findings"]] == ["MSG001"]
    assert report["verdict"]["level"] in ("medium", "high")
    assert report["verdict"]["score"] == sum(f["weight"] for f in report["findings"])
    assert report["findings"][0]["family_name"] and report["findings"][0]["evidence"]["message_number"] == 1


def test_the_same_words_from_the_buyer_are_quiet(client):
    report = client.post(ENDPOINT, json=thread(("buyer", "Should I confirm receipt now?"),
                                               ("seller", "No, please wait until it arrives."))).get_json()
    assert report["findings"] == [] and report["verdict"]["score"] == 0


def test_paying_outside_the_platform(client):
    report = client.post(ENDPOINT, json=thread(("seller", "Pay by Western Union and I give you 20% discount"))).get_json()
    assert "MSG002" in [f["code"] for f in report["findings"]]


@pytest.mark.parametrize(("body", "field"), [
    ({"messages": []}, "messages"),
    ({"messages": [{"sender": "shop", "text": "hi"}]}, "messages[0].sender"),
    ({"messages": [{"sender": "seller", "text": ""}]}, "messages[0].text"),
    ({"messages": [{"sender": "seller", "text": "hi", "sent_at": "yesterday"}]}, "messages[0].sent_at"),
    ({"messages": [{"sender": "seller", "text": "hi", "extra": 1}]}, "messages[0]"),
    ({"messages": [{"sender": "seller", "text": "hi"}], "order": {"status": "lost"}}, "order.status"),
    ({"messages": [{"sender": "seller", "text": "hi"}], "order": {"protection_ends": "2026-02-30"}}, "order.protection_ends"),
    ({"messages": [{"sender": "seller", "text": "x" * 20_001}]}, "messages[0].text"),
])
def test_a_bad_thread_is_400_naming_the_field(client, body, field):
    error = assert_error(client.post(ENDPOINT, json=body), 400, "bad_thread")
    assert error["field"] == field


def test_an_unknown_field_and_an_unpaired_request(client):
    assert_error(client.post(ENDPOINT, json={**thread(("seller", "hi")), "html": "<p>"}), 400, "unknown_field")
    assert_error(client.post(ENDPOINT, json=thread(("seller", "hi")), signed=False), 401, "unpaired")
