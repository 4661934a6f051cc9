/*
 * What the panel calls the report's fields, in words: one table of labels and units for the
 * findings' evidence keys and the report's coverage fields (issue 9, "What the shopper reads").
 * Data only; lib/verdict-view.js formats with it, and falls back to readable words for a key that
 * is not here (a rule the service added later), so the panel never shows a raw key.
 *
 * An evidence entry is {label, kind, unit, suffix, values, fields, items, itemLabel}, all optional
 * but the label:
 * - kind: how the value reads. "money" (an amount in the report's currency: 3.80 USD), "usd" (an
 *   amount in US dollars), "rate" (US dollars per unit of the report's currency), "percent" (a
 *   number that is a percentage already: 94.5 → 94.5%), "share" (a fraction: 0.25 → 25%), "date"
 *   (an ISO date or time, shown as its date), "yes-no", "quoted" (words from the page, in quotes),
 *   "hidden" (a number for programs, such as a variant's id, or the currency every amount already
 *   names). Without a kind, the value reads as it is: numbers with thousands separators.
 * - unit: a noun after a number, made plural when the number is not 1 ("day" → "35 days").
 * - suffix: words after the value ("a day", "to the price").
 * - values: words for the few values that are names rather than words ("delivery_date").
 * - fields: entries for the known keys of an object value (shown as a labelled list);
 *   items: the entry for each of its other keys, or for each element of a list, labelled by
 *   itemLabel ("{key}" is the key, "{n}" the element's position).
 * EVIDENCE_BY_RULE refines an entry for one rule, where the same key means something more precise
 * (a rule's "threshold" is a percentage, a count of ratings or a number of days).
 */
(function (root) {
  "use strict";

  const WORDS_FOUND_IN = {
    title: { label: "In the title", kind: "quoted" },
    variants: { label: "In the variants", kind: "quoted" },
    specifications: { label: "In the specifications", kind: "quoted" },
    description: { label: "In the description", kind: "quoted" },
  };

  const EVIDENCE = {
    // Seller
    positive_rate: { label: "Positive feedback", kind: "percent" },
    feedback_count: { label: "Store ratings" },
    followers: { label: "Store followers" },
    opened: { label: "Store opened", kind: "date" },
    age_days: { label: "Store age", unit: "day" },
    judged_on: { label: "Judged on", kind: "date" },
    top_rated: { label: "Top-rated seller", kind: "yes-no" },
    store_name: { label: "Store" },
    threshold: { label: "Threshold" },
    threshold_days: { label: "Threshold", unit: "day" },

    // Shipping
    shipping_cost: { label: "Shipping", kind: "money" },
    item_price: { label: "Item price", kind: "money" },
    method: { label: "Shipping method" },
    tracked: { label: "Tracked", kind: "yes-no" },
    estimate_days: { label: "Estimated delivery", unit: "day" },
    max_days: { label: "Longest delivery time shown", unit: "day" },
    delivery_date: { label: "Delivery date shown", kind: "date" },
    ships_from: { label: "Ships from" },
    more_than_item: { label: "Costs more than the item", kind: "yes-no" },
    free_over: { label: "Free shipping on orders from", kind: "money" },
    country: { label: "Ship-to country" },
    options: { label: "Delivery options shown" },
    deliverable_options: { label: "Options that deliver to you" },

    // Protection and badges
    choice: { label: "AliExpress Choice", kind: "yes-no" },
    free_return: { label: "Free returns", kind: "yes-no" },
    buyer_protection_days: { label: "Buyer protection", unit: "day" },
    days: { label: "Days", unit: "day" },
    by_date: { label: "Delivery guaranteed by", kind: "date" },
    compensation: { label: "Compensation if late" },
    // What a reason to trust may take off the score (docs/rules.md, "What a reason to trust
    // offsets"): the risks it answers, the findings shown above whose weight it took off (by their
    // codes), and its own weight when less of it was used.
    covers: { label: "Protects against" },
    offsets: { label: "Takes weight off" },
    limited_from: { label: "Its full weight", unit: "point" },

    // Counterfeit and misleading listings
    title_words: { label: "Words in the title", kind: "quoted" },
    condition_name: { label: "Specification" },
    condition_value: { label: "Condition given" },
    condition_value_id: { label: "Condition id", kind: "hidden" },
    words: { label: "Copy words found", fields: WORDS_FOUND_IN, items: { kind: "quoted" } },
    brands: { label: "Brands named" },
    compatible_with: { label: "Named as what it fits" },
    variant: { label: "Variant" },
    claimed_tb: { label: "Claimed capacity", suffix: "TB" },
    price: { label: "Price", kind: "money" },
    usd_per_tb: { label: "Price per terabyte", kind: "usd" },
    threshold_usd_per_tb: { label: "Genuine storage costs at least", kind: "usd", suffix: "per terabyte" },
    usd_per_unit: { label: "Exchange rate", kind: "rate" },
    rates_date: { label: "Exchange rates of", kind: "date" },
    changes: {
      label: "What changed",
      fields: {
        seller: { label: "Store", fields: { was: { label: "Before" }, now: { label: "Now" } } },
        title: {
          label: "Title",
          fields: { was: { label: "Before" }, now: { label: "Now" }, similarity: { label: "Words in common", kind: "share" } },
        },
        images: {
          label: "Photos",
          fields: { shared: { label: "Kept", unit: "photo" }, was: { label: "Before", unit: "photo" }, now: { label: "Now", unit: "photo" } },
        },
      },
    },
    last_seen: { label: "Last seen", kind: "date" },
    reviews: { label: "Reviews" },

    // Price
    original_price: { label: "\u201cWas\u201d price", kind: "money" },
    current_price: { label: "Price now", kind: "money" },
    discount_percent: { label: "Discount claimed", kind: "percent" },
    highest_recorded: { label: "Highest recorded price", kind: "money" },
    history_days: { label: "Price history", unit: "day" },
    observations: { label: "Prices recorded" },
    since: { label: "Recorded since", kind: "date" },
    price_before_rise: { label: "Price before the rise", kind: "money" },
    before_rise_on: { label: "Before the rise, on", kind: "date" },
    raised_to: { label: "Raised to", kind: "money" },
    raised_on: { label: "Raised on", kind: "date" },
    window_days: { label: "Period checked", unit: "day" },
    recorded_low: { label: "Lowest recorded price", kind: "money" },
    low_on: { label: "Lowest on", kind: "date" },
    product: { label: "Genuine product" },
    matched: { label: "Matched in the title", kind: "quoted" },
    price_paid: { label: "Price with shipping", kind: "money" },
    shipping: { label: "Shipping", kind: "money" },
    usd: { label: "In US dollars", kind: "usd" },
    genuine_floor_usd: { label: "Genuine one sells from", kind: "usd" },
    share_of_floor: { label: "Share of the genuine price", kind: "share" },
    floor_source: { label: "Genuine price from" },
    sku_id: { label: "Variant id", kind: "hidden" },
    variant_price: { label: "Variant price", kind: "money" },
    variants_at_price: { label: "Variants at that price" },
    accessory_words: { label: "Accessory words", kind: "quoted" },
    items_median_price: { label: "Median price of the other items", kind: "money" },
    items_compared: { label: "Items compared" },
    next_cheapest: { label: "Next cheapest", kind: "money" },
    next_cheapest_variant: { label: "Next cheapest variant" },
    median_variant_price: { label: "Median variant price", kind: "money" },
    quantity: { label: "Pieces" },
    unit_price: { label: "Price per piece", kind: "money" },
    lowest_other_unit_price: { label: "Lowest price per piece of the others", kind: "money" },
    currency: { label: "Currency", kind: "hidden" },

    // Reviews (the review tests' evidence, which their findings repeat)
    basis: { label: "Based on" },
    count: { label: "Ratings counted" },
    shares: { label: "Ratings by stars", items: { kind: "share" }, itemLabel: "{key}-star" },
    pattern: { label: "Pattern" },
    with_text: { label: "Reviews with text" },
    duplicated: { label: "Copied texts" },
    groups: { label: "Groups of copies" },
    largest_group: { label: "Largest group" },
    compared_pairs: { label: "Pairs compared" },
    dated: { label: "Dated reviews" },
    per_day: { label: "Usual rate", suffix: "a day" },
    burst_limit: { label: "Busy-day limit", unit: "review" },
    burst_days: { label: "Busy days", items: { unit: "review" } },
    short_or_stock: { label: "Short or stock texts" },
    top_country: { label: "Most reviews from" },
    countries: { label: "Reviews by country", items: { unit: "review" } },
    viewer_country: { label: "Page shown for" },
    with_country: { label: "Reviews naming a country" },
    follow_ups: { label: "Follow-ups" },
    negative: { label: "Follow-ups reporting a problem" },
    examples: {
      label: "Examples",
      itemLabel: "Example {n}",
      items: {
        fields: {
          rating: { label: "Stars" },
          days_later: { label: "Added", unit: "day", suffix: "later" },
          text: { label: "Text", kind: "quoted" },
        },
      },
    },
    substantive: { label: "Reviews long enough to check" },
    mentioning_title: { label: "Mentioning the title" },
    variant_match_share: { label: "Bought a variant still listed", kind: "share" },
    without_text: { label: "Stars without text" },
    selected_by_aliexpress: { label: "Chosen by AliExpress" },
    imported_from_other_sites: { label: "Imported from other sites" },
    ai_generated: { label: "Marked AI-written" },
    anonymous: { label: "Anonymous" },
    imported_or_generated_share: { label: "Imported or AI-written", kind: "share" },
    shown_rating: { label: "Rating shown", unit: "star" },
    adjusted_rating: { label: "Adjusted rating", unit: "star" },
    drop: { label: "Drop", unit: "star" },
    rests_on: { label: "Reviews it rests on" },
    strength: { label: "Strength of the evidence" },
    share: { label: "Share", kind: "share" },

    // Seller messages (a message thread, not a listing)
    message_number: { label: "Message", suffix: "of the thread" },
    sent_at: { label: "Sent on", kind: "date" },
    words_found: { label: "Words found", kind: "quoted" },
    also_in: { label: "Also in messages" },
    order_status: {
      label: "Order status",
      values: {
        awaiting_payment: "awaiting payment",
        awaiting_shipment: "awaiting shipment",
        awaiting_delivery: "awaiting delivery",
        in_dispute: "in dispute",
      },
    },
    protection_ends: { label: "Buyer protection ends", kind: "date" },
    protection_days_left: { label: "Protection left", unit: "day" },
    asks: { label: "Asks", kind: "quoted" },
    promises: { label: "Promises", kind: "quoted" },
  };

  const EVIDENCE_BY_RULE = {
    SEL001: { threshold: { label: "Flagged below", kind: "percent" } },
    SEL002: { threshold: { label: "Flagged below", unit: "rating" } },
    SEL003: { threshold_days: { label: "Flagged when younger than" } },
    SEL004: { threshold: { label: "Flagged below", unit: "follower" } },
    SHP001: { share: { label: "Shipping adds", suffix: "to the price" } },
    SHP003: {
      basis: { label: "Estimate from", values: { max_days: "the longest delivery time shown", delivery_date: "the delivery date shown" } },
      threshold_days: { label: "Flagged above" },
    },
    PRT003: { threshold: { label: "Counts from", unit: "day" } },
    PRT004: { days: { label: "Delivery guaranteed within" }, threshold_days: { label: "Counts up to" } },
    PRC004: { threshold: { label: "Flagged below", kind: "share", suffix: "of the genuine price" } },
    PRC005: { threshold: { label: "Flagged below", kind: "share", suffix: "of the others' price" } },
    CNT005: { reviews: { label: "Reviews kept" } },
    REV002: { share: { label: "Share copied" } },
    REV003: { days: { label: "Period covered" }, share: { label: "Share on busy days" } },
    REV004: { share: { label: "Share short or stock" } },
    REV005: { share: { label: "Share from that country" } },
    REV007: { share: { label: "Share mentioning the title" }, title_words: { label: "Title words compared", kind: null } },
    REV008: { reviews: { label: "Reviews read" }, share: { label: "Share without text" } },
    REV009: { reviews: { label: "Reviews read" } },
    REV010: { threshold: { label: "Flagged from a drop of", unit: "star" } },
  };

  // The report's coverage fields (docs/api.md, "coverage"), as "Not found on this page: …" names them.
  const COVERAGE = {
    title: "title",
    "locale.country": "ship-to country",
    "locale.currency": "currency",
    "locale.language": "language",
    "price.min": "price",
    "price.original_min": "original price",
    variants: "variants",
    shipping: "shipping options",
    specs: "specifications",
    "seller.name": "store name",
    "seller.store_id": "store number",
    "seller.positive_rate": "store's positive feedback",
    "seller.feedback_count": "number of store ratings",
    "seller.followers": "store followers",
    "seller.opened": "store opening date",
    "seller.top_rated": "top-rated seller mark",
    "rating.average": "average rating",
    "rating.count": "number of ratings",
    "rating.histogram": "ratings by stars",
    orders: "number of orders",
    "badges.choice": "Choice badge",
    "badges.free_return": "free returns",
    "badges.buyer_protection_days": "buyer protection",
    "badges.delivery_guarantee": "delivery guarantee",
    image_keys: "photos",
  };

  function deepFreeze(value) {
    if (value && typeof value === "object") {
      for (const inner of Object.values(value)) deepFreeze(inner);
      Object.freeze(value);
    }
    return value;
  }

  root.EMPTOR_LABELS = deepFreeze({ EVIDENCE, EVIDENCE_BY_RULE, COVERAGE });
})(globalThis);
