"""The dispute statement and the pack's report (issue 10): drafted from records saved by
server/evidence.save on real pages (the 2020 listing, judged by the real pipeline) and the real
order detail and tracking feeds. Linking that order to that listing's product is CONSTRUCTED: no
public capture holds a listing and its own order."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest

from server import evidence
from server.analysis import analyze
from server.analysis_request import PageInput
from server.evidence import Artifact, dispute, wacz
from server.evidence.redact import redact_page, redaction_facts
from server.marketplaces.aliexpress.orders import parse_order_detail, parse_tracking
from server.store import open_database
from tests.support.fixtures import F2020, FIXTURES, PAGE_URLS

NOW = dt.datetime(2026, 8, 20, 12, 0, tzinfo=dt.timezone.utc)
ORDERS = FIXTURES / "orders"
ORDER_ID = "8212313961591322"


@pytest.fixture
def saved(tmp_path):
    db = open_database(tmp_path / "emptor.db")
    page = F2020.read_text(encoding="utf-8")
    report = analyze(PageInput(html=page, url=PAGE_URLS[F2020.name]), now=NOW, capture="saved").report
    listing = evidence.save(db, tmp_path, kind="listing", url=PAGE_URLS[F2020.name], product_id="32993251330",
                            artifacts=[Artifact("page.html", page.encode(), "text/html")], facts=report,
                            now=dt.datetime(2026, 7, 14, 9, 30, tzinfo=dt.timezone.utc))
    detail_text = (ORDERS / "mtop_order_detail_completed_2026_anon.json").read_text(encoding="utf-8")
    redacted, found = redact_page(detail_text, "order")
    order = parse_order_detail(detail_text).orders[0]
    tracking = parse_tracking((ORDERS / "mtop_tracking_querydetail_2026_anon.json").read_text(encoding="utf-8")).orders[0]
    order.tracking = tracking.tracking
    order_record = evidence.save(
        db, tmp_path, kind="order", url=f"https://www.aliexpress.com/p/order/detail.html?orderId={ORDER_ID}",
        product_id="32993251330", order_id=ORDER_ID,
        artifacts=[Artifact("order-detail.json", redacted.encode(), "application/json")],
        facts={"order": dispute.order_facts(order), "redaction": redaction_facts(found, redacted=True)},
        now=dt.datetime(2026, 8, 1, 18, 0, tzinfo=dt.timezone.utc))
    yield db, tmp_path, listing, order_record, order
    db.close()


@pytest.mark.parametrize("reason", sorted(dispute.REASONS))
def test_a_statement_for_each_reason_cites_the_promise_the_order_and_the_artifacts(saved, reason):
    db, _, listing, order_record, order = saved
    text = dispute.draft_statement(reason, evidence.records(db), order, now=NOW)
    assert text.startswith(f"Dispute statement: {dispute.REASONS[reason]}\nOrder {ORDER_ID}.")
    # What was promised: the listing's own facts, as the pipeline read them.
    for promised in ("Seller: Summer Technology Co.,Ltd. (store 1392990)", "Price: 97.39 EUR to 128.72 EUR",
                     "Delivery: AliExpress Standard Shipping, free, delivery by 2020-08-12",
                     "Protections shown: buyer protection 90 days", "emptor's verdict then: high risk, score 72"):
        assert promised in text, promised
    # What happened: the order feed's status, dates and the tracking feed's package.
    for happened in ('Order 8212313961591322, status "Completed"', "Placed on 2026-07-15", "Shipped on 2026-07-16",
                     "Completed on 2026-07-28", "Tracking AA000000000BR with J&T Express; latest event: Delivered",
                     "the tracking shows a delivery"):
        assert happened in text, happened
    # The artifacts, by record id, name, SHA-256 prefix and capture time.
    for record in (listing, order_record):
        artifact = record["artifacts"][0]
        cited = f"saved {record['captured_at']}, record {record['id']}: {artifact['name']} (sha256 {artifact['sha256'][:16]}…"
        assert cited in text
    assert dispute.TERMS_CAVEAT in text and "The seller has 5 days to answer" in text
    assert "Buyer protection ends 2026-09-04 (15 days from today; as the order shows it" in text
    assert ("The tracking shows a delivery event" in text) == (reason == "not_received")


def test_the_order_comes_from_the_order_record_when_not_given(saved):
    db, *_ = saved
    assert dispute.draft_statement("damaged", evidence.records(db), now=NOW) == dispute.draft_statement(
        "damaged", evidence.records(db), saved[4], now=NOW)


def test_without_an_order_or_a_listing_the_statement_says_what_is_not_shown(saved):
    db, _, listing, _, _ = saved
    text = dispute.draft_statement("not_received", [listing], now=NOW)
    assert "No order is saved with this evidence" in text and "Buyer protection end: not shown" in text
    text = dispute.draft_statement("not_received", [], now=NOW)
    assert "No listing page is saved with this evidence" in text


def test_a_passed_deadline_and_an_unknown_reason():
    order = {"order_id": "1", "protection": {"ends_on": "2026-08-01", "kind": "computed", "basis": "ship + 60 days"}}
    assert "passed 19 days ago; computed: ship + 60 days" in dispute.deadline(order, NOW)
    with pytest.raises(ValueError, match="reason"):
        dispute.draft_statement("changed my mind", [], now=NOW)


def test_the_pack_report_has_the_timeline_promises_deadlines_verdict_redactions_and_statement(saved, tmp_path):
    db, data_dir, listing, order_record, _ = saved
    pack = wacz.export_pack(db, data_dir, tmp_path / "pack.wacz", order_id=ORDER_ID, now=NOW, reason="not_received")
    assert wacz.verify(pack.path).intact
    with zipfile.ZipFile(pack.path) as archive:
        report = archive.read(wacz.REPORT_PATH).decode()
    timeline = report[report.index("<h2>Timeline</h2>"):report.index("</section>", report.index("<h2>Timeline</h2>"))]
    order_of_events = ["2026-07-14T09:30:00Z", "2026-07-15</b> Order placed", "2026-07-16</b> Order shipped",
                       "2026-07-28</b> Order completed", "2026-08-01T18:00:00Z", "2026-09-04</b> Buyer protection ends"]
    positions = [timeline.index(event) for event in order_of_events]
    assert positions == sorted(positions)
    assert "<th>What the seller promised</th><th>What the order shows</th>" in report
    assert "Seller: Summer Technology Co.,Ltd. (store 1392990)" in report
    assert ("verdict at purchase time: high risk, score 72, as the listing saved 2026-07-14T09:30:00Z was judged "
            f"(record {listing['id']})") in report
    assert "Buyer protection ends 2026-09-04 (15 days from today" in report
    assert "Personal data redacted before saving: 1 name, 3 addresses, 1 phone." in report
    assert "<h2>Dispute statement (draft)</h2><pre>Dispute statement: Item not received" in report
    assert "<script" not in report


def test_the_report_escapes_what_records_hold(tmp_path):
    db = open_database(tmp_path / "emptor.db")
    hostile = "<script>alert(1)</script>"
    evidence.save(db, tmp_path, kind="listing", url="https://www.aliexpress.com/item/1.html", product_id="1",
                  artifacts=[Artifact("page.html", b"<html></html>", "text/html")],
                  facts={"listing": {"title": hostile, "seller": {"name": hostile}}, "verdict": {"level": hostile}},
                  now=NOW)
    evidence.save(db, tmp_path, kind="order", url="https://www.aliexpress.com/p/order/detail.html?orderId=2",
                  product_id="1", order_id="2", artifacts=[Artifact("page.html", b"<html></html>", "text/html")],
                  facts={"order": {"order_id": hostile, "status": hostile, "placed_on": hostile,
                                   "protection": {"ends_on": hostile}},
                         "redaction": {"redacted": True, "found": [{"kind": hostile, "count": 1}]}}, now=NOW)
    pack = wacz.export_pack(db, tmp_path, tmp_path / "pack.wacz", order_id="2", now=NOW, reason="counterfeit")
    with zipfile.ZipFile(pack.path) as archive:
        report = archive.read(wacz.REPORT_PATH).decode()
    assert "<script" not in report and "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    assert "Seller: &lt;script&gt;" in report and "not a date" in report
    db.close()


def test_an_unknown_reason_is_refused_before_anything_is_written(saved, tmp_path):
    db, data_dir, *_ = saved
    with pytest.raises(ValueError, match="reason"):
        wacz.export_pack(db, data_dir, tmp_path / "pack.wacz", order_id=ORDER_ID, now=NOW, reason="other")
    assert not (tmp_path / "pack.wacz").exists()
