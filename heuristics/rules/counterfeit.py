"""CNT: listings that say one thing in the title and another in the details."""

from __future__ import annotations

from .. import lexicon
from ..model import Confidence, Severity, risk
from ..registry import rule


def _condition_specs(listing):
    for spec in listing.specs:
        if spec.name_id in lexicon.CONDITION_ATTR_IDS or lexicon.is_condition_name(spec.name):
            yield spec


@rule("CNT001", "Used item sold as new or original")
def used_sold_as_new(listing, context):
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
