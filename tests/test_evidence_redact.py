"""Redaction (issue 10): the buyer's name, street address, phones and e-mails are taken out of
order, tracking and checkout pages before they are saved, and only said to be, by kind and count.

The real order pages carry no personal data (their authors redacted or anonymised it), so the
rendered pages here are CONSTRUCTED: the real 2014 order page with fake personal data put where
its author's placeholders stand, and a checkout address block built on the class names scrapers'
code gives. The feeds are the real anonymised captures, whose fake address blocks stand where real
ones would."""

from __future__ import annotations

import json
import re

import pytest

from server.evidence import redact
from server.evidence.redact import redact_page, redaction_facts
from tests.support.fixtures import F2020
from tests.support.personal_data import FAKE, LEGACY, ORDERS, constructed_order_page


def test_each_kind_is_found_and_replaced_in_the_constructed_order_page():
    page = constructed_order_page()
    out, redactions = redact_page(page, "order")
    for value in FAKE.values():
        assert value not in out
    assert "Anna D\\u00f3ttir" not in out and "555 0199" not in out
    assert '<span  i18entitle=\'Contact Name\'  class="i18ncopy">[redacted: name]</span>' in out
    assert f'class="i18ncopy">{redact.marker("address")}</span>' in out
    assert f'class="i18ncopy ">{redact.marker("phone")}</span>' in out
    assert '"contactName":"[redacted: name]"' in out and '"country":"Iceland"' in out
    # The last line of the address (city, province, country) stays: it is where the parcel went.
    assert "Reykjavik, None, Iceland" in out
    # Name 2 (list, script); address 4 (street, line 2, zip, script's street); phone 4 (mobile, tel,
    # script, Fax empty); e-mail 3: the buyer's line and the seller's mailto link and its text.
    assert redactions == [{"kind": "name", "count": 2}, {"kind": "address", "count": 4},
                          {"kind": "phone", "count": 3}, {"kind": "email", "count": 3}]
    assert not any(value in json.dumps(redactions) for value in FAKE.values())


def test_the_order_page_keeps_its_order_number_tracking_number_prices_and_dates():
    out, _ = redact_page(constructed_order_page(), "order")
    for kept in ("62386252923552", "164732391969956", "RI002972278CN", "US $ 13.77", "2014-05-31 10:51:32",
                 "Shenzhen VIP Price Store Technology co.,Ltd.", "Full refund if product is not received in 60 days"):
        assert kept in out, kept
    assert out.count("62386252923552") == LEGACY.count("62386252923552")


def test_the_real_legacy_placeholders_are_redacted_as_what_they_stand_for():
    out, redactions = redact_page(LEGACY, "order")
    assert "REDACTED NAME" not in out and "0000000000" not in out and "000-000-0000" not in out
    assert {r["kind"] for r in redactions} == {"name", "address", "phone", "email"}


def test_a_constructed_checkout_address_block():
    """CONSTRUCTED: the checkout's .pl-address-item-container (its name from scrapers' code), with
    made-up inner markup: labels, class names, or nothing but the text's shape."""
    page = ('<html><body><div class="pl-address-item-container"><div class="pl-address-item-name">Jan Kowalski</div>'
            '<div class="row"><span>Phone:</span> <span>0048 601 234 567</span></div>'
            '<div>ul. Przykładowa 12/3</div><div>00-950 Warszawa, Poland</div>'
            '<div>jan.kowalski@poczta.example</div></div>'
            '<div class="pl-summary__item-pc">Total 123456789012 PLN 49.99</div></body></html>')
    out, redactions = redact_page(page, "checkout")
    for value in ("Jan Kowalski", "601 234 567", "Przykładowa", "Warszawa", "poczta.example"):
        assert value not in out
    assert "Total 123456789012 PLN 49.99" in out and "<span>Phone:</span>" in out
    assert redactions == [{"kind": "name", "count": 1}, {"kind": "address", "count": 2},
                          {"kind": "phone", "count": 1}, {"kind": "email", "count": 1}]


def test_a_listing_page_is_not_redacted():
    page = F2020.read_text(encoding="utf-8")
    assert redact_page(page, "listing") == (page, [])


def test_the_shopper_can_opt_out():
    page = constructed_order_page()
    assert redact_page(page, "order", redact=False) == (page, [])
    assert redaction_facts([], redacted=False) == {"redacted": False, "found": []}
    assert redaction_facts([{"kind": "phone", "count": 2}], redacted=True) == {
        "redacted": True, "found": [{"kind": "phone", "count": 2}]}


def test_an_unknown_page_kind_is_refused():
    with pytest.raises(ValueError, match="page kind"):
        redact_page("<html></html>", "receipt")


def _strings(value, found):
    if isinstance(value, dict):
        for item in value.values():
            _strings(item, found)
    elif isinstance(value, list):
        for item in value:
            _strings(item, found)
    elif isinstance(value, (str, int)) and not isinstance(value, bool):
        found.add(str(value))
    return found


def test_the_real_feeds_address_blocks_are_redacted_and_nothing_else():
    detail = (ORDERS / "mtop_order_detail_completed_2026_anon.json").read_text(encoding="utf-8")
    tracking = (ORDERS / "mtop_tracking_querydetail_2026_anon.json").read_text(encoding="utf-8")
    out, redactions = redact_page(detail, "order")
    address = json.loads(out)["data"]["data"]["detail_simple_order_info_component_111820"]["fields"]["addressVO"]
    assert address == {"contactName": "[redacted: name]", "countryCode": "BR", "detailAddress": "[redacted: address]",
                       "detailAddress2": "[redacted: address]", "fullPhoneNo": "[redacted: phone]",
                       "postCode": "[redacted: address]", "regionAddress": "Cidade Exemplo, Estado Exemplo, Brazil"}
    assert redactions == [{"kind": "name", "count": 1}, {"kind": "address", "count": 3}, {"kind": "phone", "count": 1}]
    out, redactions = redact_page(tracking, "tracking")
    receiver = json.loads(out)["data"]["module"]["logisticsReceiverInfo"]
    assert receiver["receiverInfoRichText"] == "<span>[redacted: name]</span>"  # the name wherever it recurs
    assert (receiver["phoneNumber"], receiver["zipCode"], receiver["city"]) == ("[redacted: phone]", "[redacted: address]",
                                                                             "Cidade Exemplo")
    assert "Comprador Exemplo" not in out and "11999999999" not in out
    assert "08008956794" in out  # the carrier's hotline is not the buyer's
    assert redactions == [{"kind": "name", "count": 2}, {"kind": "address", "count": 3}, {"kind": "phone", "count": 1}]


@pytest.mark.parametrize("name", ["mtop_order_list_2026_anon.json", "mtop_order_list_capture_2025.json",
                                  "mtop_refund_list_2026_anon.json", "mtop_order_detail_completed_2026_anon.json",
                                  "mtop_tracking_querydetail_2026_anon.json"])
def test_no_false_positives_on_the_real_feeds_numbers(name):
    """Order numbers, tracking numbers, prices, times in ms, image names (8K@60Hz, @2x) all stay:
    every string of the feed outside its address block is in the output unchanged."""
    text = (ORDERS / name).read_text(encoding="utf-8")
    out, redactions = redact_page(text, "order")
    before, after = _strings(json.loads(text), set()), _strings(json.loads(out), set())
    lost = before - after
    personal = {"Comprador Exemplo", "Rua Exemplo, 123", "Bairro Exemplo", "+55 11999999999", "00000-000",
                "11999999999", "<span>Comprador Exemplo</span>"}
    assert lost <= personal, sorted(lost - personal)[:5]
    numbers = set(re.findall(r"\d{8,}", text)) - {"11999999999"}
    assert numbers and all(out.count(number) == text.count(number) for number in numbers)
    if not lost:
        assert (out, redactions) == (text, [])
