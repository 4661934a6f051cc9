"""Numbers, money, counts and dates as marketplaces print them."""

from __future__ import annotations

import datetime as dt

import pytest

from server import textparse


@pytest.mark.parametrize(
    "text, value",
    [("€ 97,39", 97.39), ("US $1.73 - 4.05", 1.73), ("US $1,234.56", 1234.56), ("1 234,56 руб.", 1234.56),
     ("R$ 99,90", 99.9), ("€1.234,56", 1234.56), ("12,000", 12000.0), ("$3.80", 3.8), ("no price", None), ("", None),
     ("R$ 1.299", 1299.0), ("0.125", 0.125), ("$99999999999", None)],
)
def test_parse_amount(text, value):
    assert textparse.parse_amount(text) == value


def test_parse_amounts_of_a_range():
    assert textparse.parse_amounts("€ 97,39 - 128,72") == [97.39, 128.72]


@pytest.mark.parametrize(
    "text, code",
    [("US $1.73", "USD"), ("€ 97,39", "EUR"), ("R$ 99,90", "BRL"), ("1 234 руб.", "RUB"), ("12.00 PLN", "PLN"),
     ("Free shipping via DHL", None), ("Delivery: Oct 04", None)],
)
def test_currency_of(text, code):
    assert textparse.currency_of(text) == code


@pytest.mark.parametrize(
    "text, money",
    [("￡1.00 coupon code if delayed", "￡1.00"), ("US $1.00 coupon if delayed", "US $1.00"),
     ("1,00 € Gutschein bei Verspätung", "1,00 €"), ("100 руб. купон", "100 руб."), ("1.00 USD coupon", "1.00 USD"),
     ("coupon R$5 if late", "R$5"), ("No coupon", None), (None, None)],
)
def test_money_text_keeps_the_amount_as_written(text, money):
    assert textparse.money_text(text) == money


@pytest.mark.parametrize(
    "text, value",
    [("70.5K", 70500), ("61.2K", 61200), ("5,000+", 5000), ("2 חוות דעת", 2), ("494 Reviews", 494),
     ("1,905", 1905), ("1.2万", 12000), ("2,000+ sold", 2000), (70532, 70532), ("none", None),
     ("10.000+ vendidos", 10000), ("2.292", 2292), ("1 234 отзыва", 1234), ("70,5 тыс", 70500),
     (1e400, None), (float("nan"), None), (-3, None), ("9" * 60, None)],
)
def test_parse_count(text, value):
    assert textparse.parse_count(text) == value


@pytest.mark.parametrize(
    "value, percent",
    [("93.6%", 93.6), ("93.6% משוב חיובי", 93.6), ("96.5", 96.5), (97.2, 97.2), ("193%", None), ("1e400%", None),
     (float("inf"), None), (10**400, None), (True, None), ("nan%", None)],
)
def test_parse_percent_refuses_impossible_values(value, percent):
    assert textparse.parse_percent(value) == percent


@pytest.mark.parametrize(
    "text, date",
    [("Aug 4, 2014", dt.date(2014, 8, 4)), ("September 9, 2016", dt.date(2016, 9, 9)), ("01 Jun 2023", dt.date(2023, 6, 1)),
     ("Foo 4, 2014", None)],
)
def test_parse_english_date(text, date):
    assert textparse.parse_english_date(text) == date


@pytest.mark.parametrize(
    "text, after, expected",
    [
        ("Mar 02", dt.date(2022, 12, 20), dt.date(2023, 3, 2)),  # into next year
        ("Oct 19", dt.date(2022, 9, 25), dt.date(2022, 10, 19)),
        ("Dec 26 - 31", dt.date(2025, 12, 24), dt.date(2025, 12, 31)),  # a range: the later day
        ("Mar. 31 – Apr. 09", dt.date(2025, 3, 20), dt.date(2025, 4, 9)),
        ("08/12", dt.date(2020, 7, 9), dt.date(2020, 8, 12)),  # F2020: the nearer reading
        ("25/12", dt.date(2020, 7, 9), dt.date(2020, 12, 25)),  # only one valid reading
        ("Delivery soon", dt.date(2020, 7, 9), None),
    ],
)
def test_next_date_from_day_month(text, after, expected):
    assert textparse.next_date_from_day_month(text, after) == expected


def test_time_from_trace_id():
    assert textparse.time_from_trace_id("2103399116715613719752379e7fca") == dt.datetime(
        2022, 12, 20, 18, 36, 11, 975000, tzinfo=dt.timezone.utc)
    assert textparse.time_from_trace_id("not-a-trace") is None
