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
    # --- reviews (heuristics/reviews.py) ---
    Threshold("reviews_distribution_min", 30,
              "Fewer star ratings than this are too few to judge the shape of a distribution."),
    Threshold("reviews_perfect_share", 0.98,
              "A share of 5-star ratings this high is 'too perfect': real products with many buyers "
              "always collect some complaints (the fixtures' 494-review drill: 88.9% five stars)."),
    Threshold("reviews_perfect_min", 50, "Ratings needed before 'too perfect' is judged."),
    Threshold("reviews_flat_spread", 0.10,
              "Star shares all within this of each other are 'too uniform': genuine ratings form a J-curve."),
    Threshold("reviews_no_low_end_min", 300, "Ratings needed before the absence of any 1- or 2-star rating counts."),
    Threshold("reviews_shingle_words", 3, "Words per shingle when comparing texts."),
    Threshold("reviews_duplicate_min_words", 5, "Texts shorter than this are left to the stock-text test."),
    Threshold("reviews_near_duplicate_jaccard", 0.6, "Shingle overlap (Jaccard) at which two texts count as near-duplicates."),
    Threshold("reviews_shingle_max_postings", 50, "A shingle shared by more reviews than this is a stock phrase and pairs nothing."),
    Threshold("reviews_duplicate_share", 0.10, "Share of texts in near-duplicate groups that fails the test."),
    Threshold("reviews_burst_min", 10, "Dated reviews needed before bursts are judged."),
    Threshold("reviews_burst_p", 0.001,
              "A day's count is a burst when the sample's own daily rate would reach it by chance less often "
              "than this (ReviewMeta: '99.9% chance we would see 3 or fewer reviews on any given day')."),
    Threshold("reviews_burst_share", 0.20, "Share of reviews on burst days that fails the test."),
    Threshold("reviews_short_words", 3, "A text of fewer words than this is 'very short'."),
    Threshold("reviews_generic_min", 15, "Reviews with text needed before the stock-text share is judged."),
    Threshold("reviews_generic_share", 0.60, "Share of very short or stock texts that fails the test."),
    Threshold("reviews_country_min", 20, "Reviews naming a country needed before concentration is judged."),
    Threshold("reviews_country_share", 0.90, "Share from one country (not the viewer's) that fails the test."),
    Threshold("reviews_substantive_words", 5, "Words a review needs to be compared with the title."),
    Threshold("reviews_switch_min", 8, "Substantive reviews needed before a switched listing is judged."),
    Threshold("reviews_switch_share", 0.20,
              "When fewer substantive reviews than this share mention anything in the title, they describe "
              "another product."),
    Threshold("reviews_rating_only_min", 20, "Reviews needed before the rating-only share is judged."),
    Threshold("reviews_rating_only_share", 0.70, "Share of ratings without any text that fails the test."),
    Threshold("reviews_marked_share", 0.20, "Share of reviews AliExpress marks as imported or AI-written that is reported."),
    Threshold("reviews_weak_below", 20, "An adjusted rating resting on fewer reviews than this is weak."),
    Threshold("reviews_strong_from", 100, "An adjusted rating resting on this many reviews or more is strong."),
    Threshold("reviews_curated_share", 0.50,
              "When at least this share of the sample was hand-picked by AliExpress, conclusions from it are weak."),
    Threshold("reviews_adjusted_drop", 0.5, "Stars the adjusted rating must fall below the shown rating to be reported."),
    # --- price (heuristics/rules/price.py) ---
    Threshold("history_min_days", 35,
              "History shorter than this cannot judge a discount: CamelCamelCamel requires five weeks "
              "before it calls anything a good deal (research/ANCHORS.md §2)."),
    Threshold("fake_discount_margin", 0.95,
              "A 'was' price is unsupported when every recorded price stayed below this share of it."),
    Threshold("raise_before_sale_days", 30, "How far back a price rise before a 'sale' is looked for."),
    Threshold("raise_before_sale_share", 0.15, "A rise of at least this share before a sale counts."),
    Threshold("above_low_share", 0.25, "A current price this much above the recorded low is pointed out."),
    Threshold("above_low_days", 90, "The recorded low is taken over this many days."),
    Threshold("too_good_share", 0.5,
              "A branded product priced (with shipping) under this share of the genuine floor is too good to be true."),
    Threshold("bait_variant_share", 0.5,
              "A cheapest variant under this share of the next cheapest is far below all the others."),
    Threshold("capacity_usd_per_tb", 10.0,
              "No genuine flash storage sells below this many US dollars per terabyte (2025 street prices: "
              "the cheapest SSDs about $40/TB, microSD and USB drives $60-100/TB); a '16TB SSD' for $30 is $1.9/TB."),
    Threshold("capacity_hdd_usd_per_tb", 8.0,
              "The same floor for hard drives, whose cheapest genuine terabyte costs about $15."),
)

DEFAULTS = {t.name: t.default for t in THRESHOLDS}
