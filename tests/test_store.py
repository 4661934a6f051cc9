"""Storage on real SQLite files: migrations, price history, listing facts, seller records."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from server import store
from server.marketplaces import MARKETPLACES, PageInput
from server.store.migrations import migrations
from tests.support.fixtures import F2212, PAGE_URLS, read_text

ALIEXPRESS = MARKETPLACES["aliexpress"]

UTC = dt.timezone.utc
SEEN = dt.datetime(2022, 12, 20, 18, 36, 11, tzinfo=UTC)


@pytest.fixture
def db(db_path):
    database = store.open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def listing():
    return ALIEXPRESS.extract(PageInput(url=PAGE_URLS[F2212.name], html=read_text(F2212))).listing


def test_migrations_apply_once_and_are_idempotent(db_path):
    first = store.open_database(db_path)
    applied = [m.name for m in migrations.applied(first)]
    first.close()
    again = store.open_database(db_path)
    assert [m.name for m in migrations.applied(again)] == applied == [
        "create_observation_tables", "create_evidence_records", "create_orders", "add_order_products"]
    assert set(again.table_names()) >= {"price_observations", "listing_facts", "seller_observations", "_sqlite_migrations"}
    assert migrations.pending(again) == []
    again.close()


def test_environment_chooses_the_database(tmp_path):
    from server import config

    in_data_dir = config.load({"EMPTOR_DATA_DIR": str(tmp_path / "data")})
    assert in_data_dir["DATABASE"] == str(tmp_path / "data" / "emptor.db")
    elsewhere = config.load({"EMPTOR_DATA_DIR": str(tmp_path / "data"), "EMPTOR_DATABASE": str(tmp_path / "elsewhere.db")})
    assert elsewhere["DATABASE"] == str(tmp_path / "elsewhere.db")


def test_prices_are_recorded_per_variant_with_their_context(db, listing):
    assert store.record(db, listing, SEEN) == 16
    rows = store.prices.series(db, "aliexpress", "1005003568989271")
    assert rows[0] == {"observed_at": "2022-12-20T18:36:11Z", "sku_id": None, "country": "US", "currency": "USD",
                       "price": 1.73, "original_price": 2.55}
    assert {r["sku_id"] for r in rows[1:]} == {v.sku_id for v in listing.variants}


def test_an_unchanged_price_within_the_hour_is_not_recorded_again(db, listing):
    store.record(db, listing, SEEN)
    assert store.record(db, listing, SEEN + dt.timedelta(minutes=30)) == 0
    assert store.record(db, listing, SEEN + dt.timedelta(hours=2)) == 16
    changed = copy.deepcopy(listing)
    changed.price.min = 1.99
    assert store.record(db, changed, SEEN + dt.timedelta(hours=2, minutes=5)) == 1


def test_listing_facts_start_a_new_row_only_when_something_changes(db, listing):
    store.record(db, listing, SEEN)
    store.record(db, listing, SEEN + dt.timedelta(days=3))
    facts = store.listings.history(db, "aliexpress", "1005003568989271")
    assert len(facts) == 1
    assert (facts[0]["first_seen"], facts[0]["last_seen"]) == ("2022-12-20T18:36:11Z", "2022-12-23T18:36:11Z")
    assert facts[0]["image_keys"][0] == "H41ed3b2161e74a6db634cac28805912bg"
    swapped = copy.deepcopy(listing)
    swapped.title = "Wireless Earbuds Pro"
    swapped.image_keys = ["Sdifferent"]
    store.record(db, swapped, SEEN + dt.timedelta(days=40))
    facts = store.listings.history(db, "aliexpress", "1005003568989271")
    assert [f["title"] for f in facts] == [listing.title, "Wireless Earbuds Pro"]


def test_seller_observations_follow_the_store(db, listing):
    store.record(db, listing, SEEN)
    later = copy.deepcopy(listing)
    later.seller.positive_rate = 84.0
    store.record(db, later, SEEN + dt.timedelta(days=30))
    rows = store.sellers.history(db, "aliexpress", "1101366561")
    assert [r["positive_rate"] for r in rows] == [86.6, 84.0]
    assert rows[0]["top_rated"] == 0 and rows[0]["followers"] == 1905


def test_a_listing_without_a_product_id_records_nothing(db, listing):
    listing.product_id = None
    listing.seller.store_id = None
    assert store.record(db, listing, SEEN) == 0
    assert db.table("price_observations").count == 0 and db.table("listing_facts").count == 0


def test_fifty_concurrent_writers_all_succeed(db_path, listing):
    """Issue 8: 50 writers at once got 3-6 % "database is locked". Each thread has its own
    connection, as the service's threads do; every write lands."""
    import threading

    store.open_database(db_path).close()
    failures, threads = [], []
    start = threading.Barrier(50)

    def writer(n):
        db = store.connect(db_path)
        try:
            start.wait()
            for k in range(4):
                priced = copy.deepcopy(listing)
                priced.price.min = 1 + n + k / 10
                store.record(db, priced, SEEN + dt.timedelta(hours=n * 4 + k))
        except Exception as exc:  # a failed write is the finding, whatever its type
            failures.append(repr(exc))
        finally:
            db.close()

    for n in range(50):
        threads.append(threading.Thread(target=writer, args=(n,)))
        threads[-1].start()
    for thread in threads:
        thread.join()
    assert failures == []
    db = store.open_database(db_path)
    try:
        assert db.execute("select count(*) from price_observations where sku_id is null").fetchone()[0] == 200
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()


def test_a_writer_of_another_process_that_keeps_the_lock_is_a_clear_busy_error(db_path, listing):
    """Another program (here another connection) holds the write lock past the busy timeout:
    the recording is refused as Busy (503), stores nothing, and is not a 500."""
    from server.problems import Busy

    store.open_database(db_path).close()
    holder = store.connect(db_path)
    holder.conn.execute("BEGIN IMMEDIATE")
    waiting = store.connect(db_path)
    waiting.execute("PRAGMA busy_timeout = 50")  # the service waits 30 s; the test need not
    try:
        with pytest.raises(Busy) as refused:
            store.record(waiting, listing, SEEN)
        assert refused.value.code == "database_busy"
    finally:
        holder.conn.rollback()
        holder.close()
    assert waiting.execute("select count(*) from price_observations").fetchone()[0] == 0
    waiting.close()
