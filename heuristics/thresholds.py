"""Every number a rule compares against, with the reason for it (datasette's SETTINGS shape).

A rule reads its thresholds from ``context.thresholds[name]``, so tests and users can tune them
without editing rules, and ``docs/rules.md`` is checked to mention every one.
"""

from __future__ import annotations

from collections import namedtuple

Threshold = namedtuple("Threshold", ("name", "default", "help"))

THRESHOLDS = (
    Threshold("seller_positive_rate_high", 90.0,
              "Positive-feedback percent below which a seller is a high risk. AliExpress shows "
              "most established stores at 95-99%; under 90% one buyer in ten was unhappy."),
    Threshold("seller_positive_rate_medium", 95.0,
              "Positive-feedback percent below which a seller is a medium risk."),
    Threshold("seller_feedback_few", 50,
              "Fewer ratings than this make the positive-feedback percent close to meaningless."),
    Threshold("seller_feedback_some", 200,
              "Fewer ratings than this still leave the positive-feedback percent noisy."),
    Threshold("store_age_days_high", 183,
              "A store younger than about six months has no track record."),
    Threshold("store_age_days_medium", 365,
              "A store younger than a year has a short track record."),
    Threshold("store_followers_few", 100,
              "Fewer followers than this mean few buyers came back to the store."),
    Threshold("buyer_protection_days_min", 60,
              "Buyer protection at least this long counts as a reason to trust: it covers the "
              "60-day delivery guarantee AliExpress gives most countries (research/ANCHORS.md §6)."),
    Threshold("shipping_share_low", 0.30,
              "Shipping that adds at least this share of the item price is worth pointing out."),
    Threshold("shipping_share_medium", 1.0,
              "Shipping that costs at least as much as the item is a medium finding."),
    Threshold("delivery_days_long", 30,
              "Delivery estimates longer than this are long, even for AliExpress Standard Shipping."),
    Threshold("delivery_days_very_long", 60,
              "Longer than AliExpress's own 60-day delivery guarantee for most countries "
              "(research/ANCHORS.md §6): the protection may lapse before the parcel arrives."),
    Threshold("commitment_days_max", 15,
              "A delivery promise this short or shorter is a real 'Commitment' (the on-time "
              "guarantees are 3/5/7/10 days, research/ANCHORS.md §6), not the ordinary 60-day ceiling."),
)

DEFAULTS = {t.name: t.default for t in THRESHOLDS}
