"""CNT: listings that say one thing in the title and another in the details."""

from __future__ import annotations

import re

from .. import lexicon
from ..model import Confidence, Severity, risk
from ..phrasing import money
from ..registry import rule


def _condition_specs(listing):
    for spec in listing.specs:
        if spec.name_id in lexicon.CONDITION_ATTR_IDS or lexicon.is_condition_name(spec.name):
            yield spec


@rule("CNT001", "Used item sold as new or original")
def used_sold_as_new(listing, context):
    """**What.** The title claims the item is original or new while the specifications give its
    condition as used or refurbished.

    **Why.** Refurbished and used phones sold as "Original" are among the commonest AliExpress
    complaints. The condition is found by attribute id (`200000649`, "Item Condition") where the
    data has it and by its name in the page's language otherwise; the words are matched in the
    storefront languages (`heuristics/lexicon.py`). "Like new" is not a claim of new.

    **Evidence.** `title_words`, `condition_name`, `condition_value`, `condition_value_id`.

    **Example.** F2020: "The title says "מקורי" but the specifications give the condition as
    "משומש": the item is used or refurbished." high / high, +32.
    """
    if not listing.title:
        return None
    for spec in _condition_specs(listing):
        used = lexicon.used_words(spec.value)
        if not used and spec.value_id not in lexicon.USED_VALUE_IDS:
            continue
        claims = lexicon.new_or_original_claims(listing.title)
        if not claims:
            return None
        return risk(
            Severity.HIGH,
            Confidence.HIGH,
            f"The title says \"{claims[0]}\" but the specifications give the condition as "
            f"\"{spec.value}\": the item is used or refurbished.",
            title_words=sorted(set(claims)),
            condition_name=spec.name,
            condition_value=spec.value,
            condition_value_id=spec.value_id,
        )
    return None


@rule("CNT002", "Replica wording")
def replica_wording(listing, context):
    """**What.** The title, the variants, the specifications or the description use the words
    sellers use for copies: "1:1", "replica", "AAA", "high copy", "original quality", "not
    original", in the storefront languages (`heuristics/lexicon.py` REPLICA_WORDS: "לא מקורי",
    "копия", "réplica"…).

    **Why.** A copy described honestly in the small print is still not what the title sells.

    **Evidence.** `words`: the words found, by place. High severity when in the offer itself
    (title, variants, specifications), medium when only in the description.

    **Example.** F2020's description: "על אביזרים: זה הוא לא מקורי אביזרים" ("about the
    accessories: these are not original accessories"): medium / high, +16.
    """
    places = {
        "title": listing.title,
        "variants": " | ".join(v.name for v in listing.variants if v.name),
        "specifications": " | ".join(f"{s.name}: {s.value}" for s in listing.specs),
        "description": listing.description,
    }
    found = {place: lexicon.replica_words(text) for place, text in places.items()}
    found = {place: words for place, words in found.items() if words}
    if not found:
        return None
    in_offer = [place for place in found if place != "description"]
    first_place = in_offer[0] if in_offer else "description"
    quote = found[first_place][0]
    return risk(
        Severity.HIGH if in_offer else Severity.MEDIUM,
        Confidence.HIGH,
        f"The {first_place} says \"{quote}\": sellers use such words for copies"
        + (", here in the small print of the description." if not in_offer else "."),
        words=found,
    )


@rule("CNT003", "Brand sold by a store that is not the brand's")
def brand_in_other_store(listing, context):
    """**What.** The title names a brand that is often copied (Apple, Samsung, Dyson, Rolex…), and
    the store is neither an official store nor named after it. A brand the title names as what the
    item fits does not count: after "for", "compatible with", "apto para", "para", "pour", "für",
    "kompatibel mit", "compatível com", "для", "עבור", "תואם ל"…, or before "için", "uyumlu",
    "対応", "용", and so does every brand of the list those words open, joined by commas, slashes,
    "and", "y", "e", "et", "und", "и", "&" ("Funda para iPhone, Samsung, Xiaomi y Huawei"). A claim
    word ("Original Apple …") or "for" naming people ("for Men Nike") ends such a list. The words
    are in `heuristics/lexicon.py` (COMPATIBILITY_WORDS, COMPATIBILITY_AFTER, LIST_JOINERS).

    **Why.** Brands sell on AliExpress through "<Brand> Official Store"; others selling the brand
    itself need a second look. A case or a charger *for* an iPhone is no claim to be Apple's.
    Low confidence: resellers of genuine goods exist.

    **Evidence.** `brands` (named as the item), `store_name`, `compatible_with` (brands named
    only as what the item fits, not counted).

    **Example.** F2020: "Original Apple iPhone SE" from Summer Technology Co.,Ltd.: medium / low, +8.
    The real drill title "… Power Tools For Makita 18V Battery" names Makita as what it fits: quiet.
    """
    title, seller = listing.title, listing.seller
    if not title or seller.official or not seller.name:
        return None
    store = lexicon.normalize(seller.name)
    claimed, fits = [], []
    for brand, start in lexicon.brand_mentions(title):
        if lexicon.compatibility_before(title, start, start + len(brand)):
            fits.append(brand)
        elif lexicon.normalize(brand) not in store:
            claimed.append(brand)
    if not claimed:
        return None
    return risk(
        Severity.MEDIUM,
        Confidence.LOW,
        f"The title names {claimed[0]}, but the seller, {seller.name}, is not {claimed[0]}'s own store: "
        "check that the item is genuine (brands sell through \"… Official Store\").",
        brands=sorted(set(claimed)),
        store_name=seller.name,
        compatible_with=sorted(set(fits)),
    )


_CAPACITY = re.compile(r"(\d+(?:[.,]\d+)?)\s*(tb|gb)\b", re.IGNORECASE)
# Words that name storage, in the storefront languages ("disco duro", "флешка").
_STORAGE_WORDS = (
    "ssd", "hdd", "hard (?:disk|drive)", "flash ?drive", "pen ?drive", "u ?disk", "usb (?:stick|drive|flash)",
    "memory (?:card|stick)", "micro ?sd", "sd card", "tf card", r"m\.2", "nvme", "external drive", "disco duro",
    "pendrive", "флешка", "накопитель",
)
_STORAGE = re.compile(rf"\b({'|'.join(_STORAGE_WORDS)})\b", re.IGNORECASE)


def _terabytes(text: str) -> float | None:
    sizes = [float(n.replace(",", ".")) / (1 if unit.lower() == "tb" else 1000) for n, unit in _CAPACITY.findall(text or "")]
    return max(sizes) if sizes else None


@rule("CNT004", "Impossible storage capacity for the price")
def fake_capacity(listing, context):
    """**What.** A flash drive, SSD, memory card or hard drive whose claimed capacity costs less
    than {capacity_usd_per_tb:g} US dollars per terabyte ({capacity_hdd_usd_per_tb:g} for hard
    drives), per variant where variants name capacities; capacities under
    {capacity_min_tb:g} TB are not judged.

    **Why.** Fake-capacity drives are AliExpress's best-known scam: the firmware reports 2 or 16 TB,
    the chip holds 32 or 64 GB, and files written past that are lost. Genuine flash storage costs
    about 40 USD per terabyte and more (2025 street prices), so the threshold leaves a wide margin.

    **Evidence.** `variant`, `claimed_tb`, `price`, `currency`, `usd_per_tb`, the rate used, the
    threshold.

    **Example.** "16TB SSD" for 29.99 USD: 1.87 USD per TB, high / high, +32.
    """
    title, t = listing.title or "", context.thresholds
    if not _STORAGE.search(title):
        return None
    if any(re.search(rf"\b{word}\b", title, re.IGNORECASE) for word in ("enclosure", "reader", "adapter", "hub", "dock")):
        return None  # a box or reader that "supports up to 16TB" holds no storage itself
    hard_drive = bool(re.search(r"\b(hdd|hard (?:disk|drive)|disco duro)\b", title, re.IGNORECASE))
    floor = t["capacity_hdd_usd_per_tb"] if hard_drive else t["capacity_usd_per_tb"]
    candidates = [(v.name, v.price) for v in listing.variants if v.price is not None and _terabytes(v.name or "")]
    candidates = [(name, price, _terabytes(name)) for name, price in candidates]
    if not candidates and listing.price.min is not None and _terabytes(title):
        candidates = [(None, listing.price.min, _terabytes(title))]
    worst = None
    for name, price, terabytes in candidates:
        converted = context.reference.to_usd(price, listing.price.currency)
        if converted is None or terabytes < t["capacity_min_tb"]:
            continue
        per_tb = converted[0] / terabytes
        if per_tb < floor and (worst is None or per_tb < worst[3]):
            worst = (name, price, terabytes, per_tb, converted[1])
    if worst is None:
        return None
    name, price, terabytes, per_tb, rate = worst
    size = f"{terabytes:g} TB" if terabytes >= 1 else f"{terabytes * 1000:g} GB"
    return risk(
        Severity.HIGH,
        Confidence.HIGH,
        f"{size} of {'hard-drive' if hard_drive else 'flash'} storage for {money(price, listing.price.currency)} is "
        f"{money(per_tb, 'USD')} per terabyte; genuine storage starts at about {money(floor, 'USD')}. Fake-capacity "
        "drives report a size they do not have and lose what is written past their real one.",
        variant=name,
        claimed_tb=terabytes,
        price=price,
        currency=listing.price.currency,
        usd_per_tb=round(per_tb, 2),
        usd_per_unit=rate,
        rates_date=context.reference.rates_date,
        threshold_usd_per_tb=floor,
    )


def _title_similarity(a: str | None, b: str | None) -> float:
    left, right = set(lexicon.normalize(a or "").split()), set(lexicon.normalize(b or "").split())
    return len(left & right) / len(left | right) if left | right else 1.0


@rule("CNT005", "Listing changed since last seen")
def listing_changed(listing, context):
    """**What.** Since emptor last saw this listing, its seller, its title (less than
    {listing_title_similarity_min:.0%} of the words in common) or most of its photos (less than
    {listing_images_shared_min:.0%} shared) changed.

    **Why.** Stores build ratings on one product and then swap it under the same address, keeping
    the reviews (docs/sources.md, "Listing substitution").

    **Evidence.** `changes` (what was, what is), `last_seen`, `reviews`.

    **Example.** A listing seen on 2025-03-20 as a "Mini Wireless Drill" that is now "Wireless
    Earbuds Pro" with the same 36 reviews: high / medium, +24.
    """
    history, t = context.history, context.thresholds
    if not history or not history.facts:
        return None
    earlier = [snapshot for snapshot in history.facts if snapshot.last_seen <= context.now.strftime("%Y-%m-%dT%H:%M:%SZ")]
    if not earlier:
        return None
    last = max(earlier, key=lambda s: s.last_seen)
    changes = {}
    # A store is the same when either its number or its name is: one store can show two numbers
    # (Shop120565 Store is /store/120565 in 2023 and /store/1100574830 in 2024, same name).
    same_id = last.store_id and listing.seller.store_id and last.store_id == listing.seller.store_id
    same_name = (
        last.seller_name and listing.seller.name and lexicon.normalize(last.seller_name) == lexicon.normalize(listing.seller.name)
    )
    if (last.store_id or last.seller_name) and (listing.seller.store_id or listing.seller.name) and not (same_id or same_name):
        changes["seller"] = {
            "was": f"{last.seller_name} ({last.store_id})",
            "now": f"{listing.seller.name} ({listing.seller.store_id})",
        }
    similarity = _title_similarity(last.title, listing.title)
    if last.title and listing.title and similarity < t["listing_title_similarity_min"]:
        changes["title"] = {"was": last.title, "now": listing.title, "similarity": round(similarity, 2)}
    if last.image_keys and listing.image_keys:
        shared = set(last.image_keys) & set(listing.image_keys)
        if len(shared) < t["listing_images_shared_min"] * min(len(last.image_keys), len(listing.image_keys)):
            changes["images"] = {"shared": len(shared), "was": len(last.image_keys), "now": len(listing.image_keys)}
    if not changes:
        return None
    strong = "seller" in changes or "title" in changes
    reviews = listing.rating.count
    return risk(
        Severity.HIGH if strong else Severity.MEDIUM,
        Confidence.MEDIUM if strong else Confidence.LOW,
        f"Since {last.last_seen[:10]} this listing changed its {', '.join(changes)}"
        + (f", while keeping its {reviews} reviews: they were written about what it sold before." if reviews else "."),
        changes=changes,
        last_seen=last.last_seen,
        reviews=reviews,
    )
