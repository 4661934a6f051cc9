"""Every number a rule compares against, with the reason for it (datasette's SETTINGS shape).

A rule reads its thresholds from ``context.thresholds[name]``, so tests and users can tune them
without editing rules, and its messages quote the threshold rather than repeat its value. The
rules page (docs/rules.md, ``GET /rules``) lists every threshold with its default, the rules that
use it and its reason; rule docstrings name them as ``{threshold_name}``. Sources cited as
"docs/sources.md, ..." are described there with their public origin.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Threshold:
    name: str
    default: float | int
    used_by: tuple[str, ...]  # rule codes, or "adjusted rating" for the review weights
    help: str
    unit: str = ""  # how the default reads on the rules page: "%", "days", "USD/TB"…


THRESHOLDS = (
    # --- seller ---------------------------------------------------------------------------
    Threshold("seller_positive_rate_high", 90.0, ("SEL001",),
              "Positive-feedback percent below which a seller is a high risk. AliExpress shows most established "
              "stores at 95-99%; under 90% one buyer in ten was unhappy.", "%"),
    Threshold("seller_positive_rate_medium", 95.0, ("SEL001",),
              "Positive-feedback percent below which a seller is a medium risk.", "%"),
    Threshold("seller_feedback_few", 50, ("SEL001", "SEL002", "SEL003"),
              "Fewer ratings than this make the positive-feedback percent close to meaningless (and a store under a "
              "year old with fewer has no track record at all: SEL003 is then medium).", "ratings"),
    Threshold("seller_feedback_some", 200, ("SEL001", "SEL002"),
              "Fewer ratings than this still leave the positive-feedback percent noisy.", "ratings"),
    Threshold("store_age_days_high", 183, ("SEL003",), "A store younger than about six months has no track record.", "days"),
    Threshold("store_age_days_medium", 365, ("SEL003",), "A store younger than a year has a short track record.", "days"),
    Threshold("store_followers_few", 100, ("SEL004",), "Fewer followers than this mean few buyers came back to the store."),
    # --- protection and shipping ----------------------------------------------------------
    Threshold("buyer_protection_days_min", 60, ("PRT003",),
              "Buyer protection at least this long counts as a reason to trust: it covers the 60-day delivery "
              "guarantee AliExpress gives most countries (docs/sources.md, \"Buyer protection and delivery "
              "guarantees\").", "days"),
    Threshold("commitment_days_max", 15, ("PRT004",),
              "A delivery promise this short or shorter is a real 'Commitment' (the on-time guarantees are "
              "3/5/7/10 days, docs/sources.md), not the ordinary 60-day ceiling.", "days"),
    Threshold("shipping_share_low", 0.30, ("SHP001",),
              "Shipping that adds at least this share of the item price is worth pointing out."),
    Threshold("shipping_share_medium", 1.0, ("SHP001",), "Shipping that costs at least as much as the item is a medium finding."),
    Threshold("delivery_days_long", 30, ("SHP003",),
              "Delivery estimates longer than this are long, even for AliExpress Standard Shipping.", "days"),
    Threshold("delivery_guarantee_days", 60, ("SHP003",),
              "AliExpress's delivery guarantee for most countries (docs/sources.md, \"Buyer protection and delivery "
              "guarantees\"): an estimate past it may outlast the protection, so it is a medium finding.", "days"),
    # --- reviews (heuristics/review_tests.py runs the tests; heuristics/rules/reviews.py reports them)
    Threshold("reviews_distribution_min", 30, ("REV001",),
              "Fewer star ratings than this are too few to judge the shape of a distribution."),
    Threshold("reviews_perfect_share", 0.98, ("REV001",),
              "A share of 5-star ratings this high is 'too perfect': real products with many buyers always collect "
              "some complaints (the fixtures' 494-review drill: 88.9% five stars)."),
    Threshold("reviews_perfect_min", 50, ("REV001",), "Ratings needed before 'too perfect' is judged."),
    Threshold("reviews_flat_spread", 0.10, ("REV001",),
              "Star shares all within this of each other are 'too uniform': genuine ratings form a J-curve."),
    Threshold("reviews_no_low_end_min", 300, ("REV001",), "Ratings needed before the absence of any 1- or 2-star rating counts."),
    Threshold("reviews_shingle_words", 3, ("REV002",),
              "Words per shingle when comparing texts (ReviewMeta's phrase test compares phrases of three words or more)."),
    Threshold("reviews_duplicate_min_words", 5, ("REV002",), "Texts shorter than this are left to the stock-text test."),
    Threshold("reviews_near_duplicate_jaccard", 0.6, ("REV002",),
              "Shingle overlap (Jaccard) at which two texts count as near-duplicates."),
    Threshold("reviews_shingle_max_postings", 50, ("REV002",),
              "A shingle shared by more reviews than this is a stock phrase and pairs nothing."),
    Threshold("reviews_duplicate_share", 0.10, ("REV002",), "Share of texts in near-duplicate groups that fails the test."),
    Threshold("reviews_duplicate_min_flagged", 3, ("REV002",),
              "Copied texts needed before the test fails rather than warns: one copied pair can be one buyer's two orders."),
    Threshold("reviews_burst_min", 10, ("REV003",), "Dated reviews needed before bursts are judged."),
    Threshold("reviews_burst_day_min", 2, ("REV003",),
              "A day with fewer reviews than this is never a burst, whatever the daily rate."),
    Threshold("reviews_burst_p", 0.001, ("REV003",),
              "A day's count is a burst when the sample's own daily rate would reach it by chance less often than "
              "this (ReviewMeta: '99.9% chance we would see 3 or fewer reviews on any given day')."),
    Threshold("reviews_burst_share", 0.20, ("REV003",), "Share of reviews on burst days that fails the test."),
    Threshold("reviews_burst_min_flagged", 5, ("REV003",),
              "Reviews on burst days needed before the test fails rather than warns."),
    Threshold("reviews_short_words", 3, ("REV004",), "A text of fewer words than this is 'very short'."),
    Threshold("reviews_generic_min", 15, ("REV004",), "Reviews with text needed before the stock-text share is judged."),
    Threshold("reviews_generic_share", 0.60, ("REV004",), "Share of very short or stock texts that fails the test."),
    Threshold("reviews_country_min", 20, ("REV005",), "Reviews naming a country needed before concentration is judged."),
    Threshold("reviews_country_share", 0.90, ("REV005",), "Share from one country (not the viewer's) that fails the test."),
    Threshold("reviews_negative_follow_ups_many", 2, ("REV006",),
              "Negative follow-ups from this many buyers make the finding medium rather than low."),
    Threshold("reviews_negative_follow_ups_share", 0.3, ("REV006",),
              "A share of negative follow-ups this high makes the finding medium, however few there are."),
    Threshold("reviews_substantive_words", 5, ("REV007",), "Words a review needs to be compared with the title."),
    Threshold("reviews_switch_min", 8, ("REV007",), "Substantive reviews needed before a switched listing is judged."),
    Threshold("reviews_switch_title_words", 3, ("REV007",),
              "Distinct title words needed to compare reviews with the title: a shorter title names too little."),
    Threshold("reviews_title_word_letters", 4, ("REV007",),
              "Title words shorter than this ('for', 'set', sizes) are not compared with the reviews."),
    Threshold("reviews_variant_word_letters", 3, ("REV007",),
              "Variant words shorter than this are not compared with what buyers bought."),
    Threshold("reviews_stem_letters", 5, ("REV007",),
              "Words are compared by their first letters, a crude stem that works across inflected languages "
              "('switch' and 'switches' share 'switc'; 'отличный' and 'отлично' share 'отлич')."),
    Threshold("reviews_switch_share", 0.20, ("REV007",),
              "When fewer substantive reviews than this share mention anything in the title, they describe another product."),
    Threshold("reviews_switch_variant_share", 0.20, ("REV007",),
              "When fewer buyers than this share bought a variant this listing still has, the finding is highly confident."),
    Threshold("reviews_rating_only_min", 20, ("REV008",), "Reviews needed before the rating-only share is judged."),
    Threshold("reviews_rating_only_share", 0.70, ("REV008",), "Share of ratings without any text that fails the test."),
    Threshold("reviews_marked_share", 0.20, ("REV009",),
              "Share of reviews AliExpress marks as imported or AI-written that is reported."),
    Threshold("reviews_stock_text_weight", 0.5, ("adjusted rating", "REV010"),
              "What a very short or stock review counts for in the adjusted rating (ReviewMeta down-weights "
              "such reviews rather than dropping them)."),
    Threshold("reviews_weak_below", 20, ("adjusted rating", "REV010"),
              "An adjusted rating resting on fewer reviews than this is weak."),
    Threshold("reviews_strong_from", 100, ("adjusted rating", "REV010"),
              "An adjusted rating resting on this many reviews or more is strong."),
    Threshold("reviews_curated_share", 0.50, ("adjusted rating", "REV010"),
              "When at least this share of the sample was hand-picked by AliExpress, conclusions from it are weak."),
    Threshold("reviews_adjusted_drop", 0.5, ("REV010",),
              "Stars the adjusted rating must fall below the shown rating to be reported.", "stars"),
    # --- price (heuristics/rules/price.py) ------------------------------------------------
    Threshold("history_min_days", 35, ("PRC001",),
              "History shorter than this cannot judge a discount: CamelCamelCamel requires five weeks before it "
              "calls anything a good deal (docs/sources.md, \"Price history\").", "days"),
    Threshold("fake_discount_margin", 0.95, ("PRC001",),
              "A 'was' price is unsupported when every recorded price stayed below this share of it."),
    Threshold("raise_before_sale_days", 30, ("PRC002",), "How far back a price rise before a 'sale' is looked for.", "days"),
    Threshold("raise_before_sale_share", 0.15, ("PRC002",), "A rise of at least this share before a sale counts."),
    Threshold("raise_before_sale_tolerance", 0.03, ("PRC002",),
              "A 'sale' price less than this share below the price before the rise is no lower than it: prices "
              "recorded in another currency and converted by AliExpress wobble by a few percent."),
    Threshold("above_low_share", 0.25, ("PRC003",), "A current price this much above the recorded low is pointed out."),
    Threshold("above_low_days", 90, ("PRC003",), "The recorded low is taken over this many days.", "days"),
    Threshold("too_good_share", 0.5, ("PRC004",),
              "A branded product priced (with shipping) under this share of the genuine floor is too good to be true."),
    Threshold("bait_variant_share", 0.5, ("PRC005",),
              "A cheapest variant under this share of the next cheapest is far below all the others (per piece "
              "too, when the variants are quantities)."),
    Threshold("bait_accessory_share", 0.5, ("PRC005",),
              "An accessory or part variant under this share of the median price of the listing's items is a bait "
              "for the headline price; nearer the items' price it is just a cheaper option."),
    Threshold("bait_shared_min", 3, ("PRC005",),
              "A lowest price shared by this many items or more is a promotion (a new-user price), not one bait "
              "variant.", "items"),
    Threshold("bait_variant_others_min", 2, ("PRC005",),
              "Other distinct variant prices needed before one variant can be far below 'all the others'."),
    Threshold("bait_headline_tolerance", 0.01, ("PRC005",),
              "The headline price is the cheapest variant's when they differ by less than this share (rounding)."),
    # --- counterfeit and changed listings (heuristics/rules/counterfeit.py) ----------------
    Threshold("capacity_usd_per_tb", 10.0, ("CNT004",),
              "No genuine flash storage sells below this many US dollars per terabyte (2025 street prices: the "
              "cheapest SSDs about $40/TB, microSD and USB drives $60-100/TB); a '16TB SSD' for $30 is $1.9/TB.", "USD/TB"),
    Threshold("capacity_hdd_usd_per_tb", 8.0, ("CNT004",),
              "The same floor for hard drives, whose cheapest genuine terabyte costs about $15.", "USD/TB"),
    Threshold("capacity_min_tb", 0.25, ("CNT004",),
              "Capacities below this are not judged: small genuine cards cost more per terabyte than any floor, and "
              "a small size in a title is as often the device's memory as storage sold.", "TB"),
    Threshold("listing_title_similarity_min", 0.5, ("CNT005",),
              "A title sharing less than this share of its words with the one seen before is another product's."),
    Threshold("listing_images_shared_min", 0.5, ("CNT005",),
              "Photos sharing less than this share with those seen before show another product."),
)

DEFAULTS = {t.name: t.default for t in THRESHOLDS}
