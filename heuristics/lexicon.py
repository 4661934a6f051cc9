"""Words the rules look for, in the languages AliExpress serves.

Structured ids come first where the data has them (AliExpress attribute ids are the same in
every language); words are the fallback for pages and fields without ids. Every list is
matched case-insensitively on word boundaries, except for scripts written without spaces.
Sources: the AliExpress language switcher (research/ALIEXPRESS_DOMAINS.tsv lists the 16
storefront languages) and the 2020 Hebrew fixture (attribute 200000649, value 349885 "משומש").
"""

from __future__ import annotations

import re
import unicodedata

# specsModule.props[].attrNameId of "Item Condition" (F2020: attrNameId 200000649 "מצב הפריט").
CONDITION_ATTR_IDS = frozenset({"200000649"})
# attrValueId of a used item (F2020: 349885 "משומש", Hebrew for "used").
USED_VALUE_IDS = frozenset({"349885"})

CONDITION_NAMES = (
    "condition", "item condition", "מצב הפריט", "מצב פריט", "condición", "estado del artículo",
    "zustand", "état", "состояние", "condição", "condizione", "stan", "durum", "conditie", "staat",
    "الحالة", "حالة المنتج", "상태", "状態", "tình trạng", "สภาพ",
)

USED_WORDS = (
    "used", "refurbished", "renewed", "reconditioned", "second hand", "second-hand", "pre-owned",
    "preowned", "משומש", "משומשת", "מחודש", "מחודשת", "יד שנייה", "usado", "usada",
    "reacondicionado", "reacondicionada", "segunda mano", "gebraucht", "generalüberholt",
    "occasion", "d'occasion", "reconditionné", "reconditionnée", "б/у", "подержанный",
    "восстановленный", "восстановленная", "seminovo", "recondicionado", "usato", "usata",
    "ricondizionato", "używany", "używana", "odnowiony", "kullanılmış", "ikinci el",
    "yenilenmiş", "gebruikt", "tweedehands", "مستعمل", "مجدد", "중고", "리퍼", "中古", "再生品",
    "đã qua sử dụng", "tân trang", "มือสอง",
)

NEW_OR_ORIGINAL_WORDS = (
    "original", "genuine", "authentic", "new", "brand new", "100% new", "מקורי", "מקורית", "חדש",
    "חדשה", "nuevo", "nueva", "genuino", "auténtico", "neu", "neue", "neuer", "originale", "neuf",
    "neuve", "authentique", "оригинал", "оригинальный", "оригинальная", "новый", "новая", "novo",
    "nova", "nuovo", "nuova", "oryginalny", "oryginalna", "nowy", "nowa", "orijinal", "yeni",
    "origineel", "nieuw", "أصلي", "جديد", "정품", "새제품", "純正", "正規品", "新品", "chính hãng",
    "ของแท้", "ของใหม่",
)

# "Like new" is an honest description of a used item, not a claim that it is new.
LIKE_NEW_PHRASES = (
    "like new", "as new", "como nuevo", "como nueva", "wie neu", "comme neuf", "comme neuve",
    "как новый", "как новая", "כמו חדש", "כמו חדשה", "come nuovo", "jak nowy", "yeni gibi",
    "zo goed als nieuw", "como novo", "새것 같은", "新品同様",
)

# Scripts written without spaces between words: match these as substrings.
_NO_SPACE_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI")


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _pattern(words) -> re.Pattern:
    spaced, unspaced = [], []
    for word in words:
        word = normalize(word)
        first = unicodedata.name(word[0], "")
        (unspaced if first.startswith(_NO_SPACE_SCRIPTS) else spaced).append(re.escape(word))
    parts = []
    if spaced:
        parts.append(r"(?<!\w)(?:" + "|".join(sorted(spaced, key=len, reverse=True)) + r")(?!\w)")
    if unspaced:
        parts.append("(?:" + "|".join(unspaced) + ")")
    return re.compile("|".join(parts))


_USED = _pattern(USED_WORDS)
_NEW = _pattern(NEW_OR_ORIGINAL_WORDS)
_LIKE_NEW = _pattern(LIKE_NEW_PHRASES)
_CONDITION_NAME = _pattern(CONDITION_NAMES)


def used_words(text: str) -> list[str]:
    return _USED.findall(normalize(text))


def new_or_original_claims(text: str) -> list[str]:
    return _NEW.findall(_LIKE_NEW.sub(" ", normalize(text)))


def is_condition_name(text: str) -> bool:
    return bool(_CONDITION_NAME.search(normalize(text)))
