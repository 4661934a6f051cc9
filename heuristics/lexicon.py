"""Words the rules look for, in the languages AliExpress serves.

Structured ids come first where the data has them (AliExpress attribute ids are the same in
every language); words are the fallback for pages and fields without ids. Every list is
matched case-insensitively on word boundaries, except for scripts written without spaces.
Sources (docs/sources.md, "Storefront domains"): the 16 storefront languages of AliExpress's
language switcher, and the 2020 Hebrew fixture (attribute 200000649, value 349885 "משומש").
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


# --- reviews -----------------------------------------------------------------------------

# Whole texts that say nothing about the product, in the languages the fixtures' reviews use
# (Russian, Ukrainian, English, Spanish, Portuguese, Hebrew) and the other storefront languages.
GENERIC_TEXTS = frozenset(normalize(t) for t in (
    "good", "very good", "ok", "okay", "nice", "great", "excellent", "perfect", "super", "thanks",
    "thank you", "all good", "everything is fine", "everything ok", "fast delivery", "good product",
    "good quality", "recommend", "i recommend", "as described", "all ok", "top", "cool", "👍",
    "отлично", "все отлично", "всё отлично", "хорошо", "супер", "спасибо", "рекомендую", "все ок",
    "всё ок", "класс", "норм", "нормально", "все хорошо", "всё хорошо", "доставка быстрая",
    "відмінно", "все добре", "дякую", "excelente", "muy bueno", "bueno", "gracias", "perfecto",
    "todo bien", "ótimo", "otimo", "bom", "perfeito", "obrigado", "gut", "sehr gut", "danke",
    "très bien", "parfait", "merci", "ottimo", "grazie", "çok iyi", "teşekkürler", "טוב", "מצוין",
    "תודה", "bardzo dobrze", "dziękuję", "좋아요", "最高",
))

_GENERIC_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


def is_generic(text: str) -> bool:
    """A whole text that is a stock phrase ("Отлично!", "good quality 👍")."""
    if not text:
        return False
    core = " ".join(_GENERIC_PUNCTUATION.sub(" ", normalize(text)).split())
    return core in GENERIC_TEXTS or normalize(text).strip() in GENERIC_TEXTS


# Follow-ups that report a failure, in the platform's English translation and in the buyers'
# own languages (the 2024-09 fixture: "After a certain time began to fail...").
NEGATIVE_FOLLOW_UP = (
    "stopped working", "stop working", "stops working", "no longer works", "doesn't work", "does not work",
    "not working", "broke", "broken", "began to fail", "started to fail", "failed", "defect", "defective",
    "died", "dead", "burned out", "burnt", "fell apart", "returned it", "refund", "not worth", "disappointed",
    "poor quality", "bad quality", "not the same", "fake", "marriage",  # "брак" is machine-translated as "marriage"
    "сломал", "сломался", "сломалась", "перестал", "перестала", "не работает", "брак", "отказал", "не советую",
    "не рекомендую", "развалил", "перестав", "не працює", "зламал", "dejó de funcionar", "no funciona",
    "se rompió", "defectuoso", "parou de funcionar", "quebrou", "não funciona", "funktioniert nicht",
    "kaputt", "ne fonctionne plus", "cassé", "הפסיק לעבוד", "לא עובד", "התקלקל", "nie działa", "zepsuł",
)
_NEGATIVE = _pattern(NEGATIVE_FOLLOW_UP)


def negative_follow_up(text: str) -> list[str]:
    return _NEGATIVE.findall(normalize(text)) if text else []


STOPWORDS = frozenset(normalize(w) for w in (
    "with", "from", "for", "and", "the", "this", "that", "new", "free", "shipping", "sale", "hot", "high",
    "quality", "original", "women", "men", "style", "fashion", "pcs", "piece", "pieces", "set", "lot",
    "best", "good", "mini", "portable", "universal", "pro", "plus", "max", "latest", "upgraded",
))


def is_stopword(token: str) -> bool:
    return token in STOPWORDS


# --- counterfeit wording -----------------------------------------------------------------

# Words sellers use for copies. "AAA" and "1:1" are AliExpress's own replica grades; the rest
# in the storefront languages (the 2020 Hebrew page's description: "זה הוא לא מקורי אביזרים",
# "these are not original accessories").
REPLICA_WORDS = (
    "replica", "1:1", "1 : 1", "aaa", "aaa+", "high copy", "copy", "clone", "original quality",
    "oem quality", "not original", "non original", "non-original", "mirror quality", "super fake",
    "לא מקורי", "העתק", "копия", "реплика", "не оригинал", "réplica", "replica", "copia", "cópia",
    "no original", "não original", "kopie", "replik", "nicht original", "réplique", "copie",
    "pas original", "replika", "kopya", "orijinal değil", "kopia", "nieoryginalny", "레플리카", "짝퉁",
    "コピー品", "レプリカ", "高仿", "复刻",
)
_REPLICA = _pattern(REPLICA_WORDS)


def replica_words(text: str | None) -> list[str]:
    return sorted(set(_REPLICA.findall(normalize(text)))) if text else []


# A brand named after these words is what the item fits, not what it is ("case for iPhone 15",
# "for Makita 18V battery").
COMPATIBILITY_WORDS = (
    "for", "compatible with", "compatible", "fits", "fit for", "replacement for", "works with", "suitable for",
    "para", "compatible con", "für", "kompatibel mit", "pour", "compatible avec", "для", "подходит для",
    "per", "compatibile con", "do", "için", "uyumlu", "עבור", "ל", "voor", "dla",
)


# Variant names that are an accessory or a part, not the product ("Case only", "Box only").
ACCESSORY_WORDS = (
    "case", "cover", "cable", "charger", "adapter", "box only", "only box", "empty box", "box", "strap", "band",
    "sticker", "film", "screen protector", "protector", "bag", "pouch", "manual", "shell", "housing", "holder",
    "stand", "remote only", "battery only", "charging cable", "only", "чехол", "кабель", "коробка", "ремешок",
    "плёнка", "пленка", "зарядка", "funda", "caja", "correa", "capa", "caixa", "pulseira", "hülle", "kabel",
    "étui", "câble", "boîte", "bracelet", "מגן", "כבל", "קופסה", "רצועה", "etui", "kılıf", "kutu",
)
_ACCESSORY = _pattern(ACCESSORY_WORDS)


def accessory_words(text: str | None) -> list[str]:
    return sorted(set(_ACCESSORY.findall(normalize(text)))) if text else []


# Brands most often copied on marketplaces (the price-floor table's brands and others:
# docs/sources.md, "Counterfeited brands"). A title naming one, from a store that is not the brand's, is a
# question worth asking, not proof.
FAMOUS_BRANDS = (
    "Apple", "iPhone", "AirPods", "iPad", "MacBook", "Samsung", "Galaxy", "Sony", "PlayStation", "DualSense",
    "Xbox", "Nintendo", "Dyson", "Bose", "Beats", "JBL", "Rolex", "Omega", "Cartier", "Casio", "G-Shock",
    "Ray-Ban", "Oakley", "Louis Vuitton", "Gucci", "Chanel", "Prada", "Hermès", "Hermes", "Dior", "Versace",
    "Nike", "Adidas", "Jordan", "New Balance", "The North Face", "Supreme", "Lego", "Makita", "DeWalt",
    "Milwaukee", "Bosch", "Metabo", "GoPro", "Canon", "Nikon", "SanDisk", "Kingston", "Samsung EVO",
    "Pandora", "Swarovski", "Michael Kors", "MAC", "Estée Lauder", "Huawei", "Google Pixel", "Garmin",
)
_BRAND = re.compile(r"(?<!\w)(" + "|".join(sorted((re.escape(b) for b in FAMOUS_BRANDS), key=len, reverse=True)) + r")(?!\w)")


def brand_mentions(title: str | None) -> list[tuple[str, int]]:
    """Famous brand names in a title (case-sensitive: "MAC" the brand, not "mac"), with positions."""
    return [(m.group(1), m.start()) for m in _BRAND.finditer(title or "")]


def compatibility_before(text: str, start: int) -> bool:
    """Whether the words just before ``start`` say what an item fits ("case for", "для")."""
    before = " " + " ".join(normalize(text[:start]).split()[-3:]) + " "
    return any(before.endswith(f" {word} ") for word in COMPATIBILITY_WORDS) or any(
        f" {word} " in before for word in COMPATIBILITY_WORDS if " " in word
    )
