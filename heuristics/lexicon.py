"""Words the rules look for, in the languages AliExpress serves.

Structured ids come first where the data has them (AliExpress attribute ids are the same in
every language); words are the fallback for pages and fields without ids. Every list is
matched case-insensitively on word boundaries, except for scripts written without spaces.
Sources (docs/sources.md, "Storefront domains"): the 16 storefront languages of AliExpress's
language switcher, and the 2020 Hebrew fixture (attribute 200000649, value 349885 "משומש").
"""

from __future__ import annotations

import bisect
import functools
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

# --- brands and what an item fits ----------------------------------------------------------

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


# A brand named after these words is what the item fits, not what it is ("case for iPhone 15",
# "for Makita 18V battery"), and so is every brand of a list they open ("para iPhone, Samsung,
# Xiaomi, Huawei", "for X / Y / Z"). In the storefront languages.
COMPATIBILITY_WORDS = (
    # English
    "for", "compatible with", "compatible for", "compatible", "fits", "fit for", "fits for", "replacement for",
    "works with", "suitable for", "designed for", "made for",
    # Spanish, Portuguese
    "para", "compatible con", "apto para", "apta para", "adecuado para", "válido para", "valido para",
    "compatível com", "compativel com", "adequado para", "serve para",
    # French, German, Italian, Dutch
    "pour", "compatible avec", "adapté à", "adapté pour", "adaptée à", "für", "kompatibel mit", "passend für",
    "geeignet für", "per", "compatibile con", "adatto per", "adatto a", "voor", "geschikt voor", "compatibel met",
    # Russian, Ukrainian, Polish
    "для", "подходит для", "совместим с", "совместимый с", "совместима с", "сумісний з", "do", "dla",
    "kompatybilny z", "pasuje do",
    # Hebrew ("ל" is written before the brand, often with a hyphen: "ל-iPhone")
    "עבור", "ל", "תואם ל", "תואם", "תואמת", "מתאים ל", "מתאים",
    # Arabic, Vietnamese, Thai
    "لـ", "متوافق مع", "cho", "tương thích với", "สำหรับ",
)

# The same meaning written after the brand: Turkish postpositions ("iPhone 15 için", "Samsung ile
# uyumlu"), Korean and Japanese suffixes ("iPhone 15용", "iPhone 15 対応"), and the adjective
# after the name ("iPhone-compatible").
COMPATIBILITY_AFTER = (
    "için", "uyumlu", "uygun", "호환", "호환용", "전용", "対応", "用", "専用", "compatible", "kompatibel",
    "compatível", "compatibile",
)
_COMPATIBILITY_SUFFIXES = ("용", "호환", "用", "対応", "専用")

# Words that join the items of a list of brands or models.
LIST_JOINERS = (
    "and", "or", "y", "o", "e", "ou", "et", "und", "oder", "ed", "en", "и", "или", "та", "i", "lub",
    "oraz", "ve", "veya", "ile", "ו", "או", "및", "과", "와", "と", "và", "hoặc", "และ", "หรือ", "و", "أو",
)

# After "for" these say who the item is for, not what it fits ("Shoes for Men Nike Air").
AUDIENCE_WORDS = (
    "men", "man", "women", "woman", "male", "female", "mens", "womens", "ladies", "lady", "gentlemen", "unisex",
    "boys", "boy", "girls", "girl", "kids", "kid", "children", "child", "baby", "babies", "teens", "teen", "adults",
    "adult", "father", "mother", "dad", "mom", "mum", "husband", "wife", "boyfriend", "girlfriend", "him", "her",
    "family", "friends", "lovers", "couple", "couples", "gift", "gifts", "party", "wedding", "christmas",
    "hombre", "hombres", "mujer", "mujeres", "niño", "niña", "niños", "niñas", "bebé", "papá", "mamá", "regalo",
    "homem", "homens", "mulher", "mulheres", "criança", "crianças", "meninos", "meninas", "bebê", "presente",
    "homme", "hommes", "femme", "femmes", "enfant", "enfants", "garçon", "garçons", "fille", "filles", "cadeau",
    "herren", "damen", "männer", "frauen", "kinder", "jungen", "mädchen", "geschenk", "uomo", "donna",
    "bambini", "bambino", "bambina", "мужчин", "женщин", "детей", "мальчиков", "девочек", "подарок", "подарка",
    "mężczyzn", "kobiet", "dzieci", "prezent", "erkek", "kadın", "çocuk", "hediye", "גברים", "נשים", "ילדים",
    "גבר", "אישה", "תינוק", "מתנה",
)

# Parts of a model name that do not count as other words in a list item ("iPhone 15 Pro Max").
MODEL_WORDS = (
    "pro", "max", "plus", "ultra", "mini", "lite", "se", "note", "series", "edge", "fe", "air", "neo", "prime",
    "xr", "xs", "gen", "generation", "watch", "buds", "pad", "tab", "phone", "smart", "fold", "flip",
)

# Other device and tool brands a list of what an item fits names ("para iPhone, Samsung, Xiaomi").
DEVICE_BRANDS = (
    "xiaomi", "redmi", "poco", "honor", "oppo", "vivo", "realme", "oneplus", "motorola", "moto", "nokia", "lg",
    "google", "pixel", "lenovo", "asus", "meizu", "zte", "tecno", "infinix", "tcl", "alcatel", "blackview",
    "doogee", "ulefone", "umidigi", "oukitel", "cubot", "dell", "hp", "acer", "msi", "microsoft", "kindle",
    "fitbit", "amazfit", "dji", "ryobi", "worx", "einhell", "parkside", "hilti", "black+decker", "ipod", "imac",
    "macbook", "oculus",
)

_COMPAT_PHRASES: dict[str, list[tuple[str, ...]]] = {}
for _phrase in sorted({tuple(normalize(p).split()) for p in COMPATIBILITY_WORDS}, key=len, reverse=True):
    _COMPAT_PHRASES.setdefault(_phrase[-1], []).append(_phrase)
_COMPAT_AFTER = frozenset(normalize(w) for w in COMPATIBILITY_AFTER)
_JOINERS = frozenset(normalize(w) for w in LIST_JOINERS)
_AUDIENCE = frozenset(normalize(w) for w in AUDIENCE_WORDS)
_MODEL_WORDS = frozenset(normalize(w) for w in MODEL_WORDS)
_BRAND_WORDS = frozenset(
    [w for b in FAMOUS_BRANDS for w in normalize(b).split()] + [normalize(b) for b in DEVICE_BRANDS]
)
_CLAIM_WORDS = frozenset(normalize(w) for w in NEW_OR_ORIGINAL_WORDS if " " not in w)
# A list item is a brand and its model ("Samsung Galaxy S24"), perhaps with a device noun
# ("Apple Watch band"): more other words than this and the list has ended.
_LIST_ITEM_WORDS = 3
# How far around a brand a list is looked for, in words and separators: no real list of models
# is longer, and a hostile title of thousands of brands stays linear.
_LIST_REACH = 80
_TOKEN = re.compile(
    r"(?P<stop>\s[-–—:]\s|[.!?;](?:\s|$)|\s[-–—]$|^[-–—]\s)"
    r"|(?P<sep>[,/&+|、，・()\[\]{}])"
    r"|(?P<word>[^\W_]+(?:['’.+-][^\W_]+)*)"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    """``(kind, normalized word)`` of ``text``: kinds "word", "sep" (a list separator) and "stop"
    (where a phrase ends: " - ", ". ")."""
    return [(m.lastgroup, normalize(m.group(0)).strip()) for m in _TOKEN.finditer(text)]


@functools.lru_cache(maxsize=4)
def _spans(text: str) -> tuple[list[tuple[str, str]], list[int], list[int]]:
    """The tokens of a whole title with where each starts and ends, worked out once per title
    however many brands it names."""
    matches = list(_TOKEN.finditer(text))
    tokens = [(m.lastgroup, normalize(m.group(0)).strip()) for m in matches]
    return tokens, [m.start() for m in matches], [m.end() for m in matches]


def _around(text: str, start: int, end: int):
    """The tokens before ``start`` and after ``end``, nearest last and first, within reach. A word
    running into the name ("ל-iPhone") contributes its part outside it."""
    tokens, starts, ends = _spans(text)
    i = bisect.bisect_right(ends, start)
    before = tokens[max(0, i - _LIST_REACH) : i]
    if i < len(tokens) and starts[i] < start:
        before = before + _tokens(text[starts[i] : start])
    j = bisect.bisect_left(starts, end)
    after = tokens[j : j + _LIST_REACH]
    if j > 0 and ends[j - 1] > end:
        after = _tokens(text[end : ends[j - 1]]) + after
    return before, after


def _is_free(word: str) -> bool:
    """A word that belongs to a model name rather than to another phrase: numbers, sizes
    ("18V", "2.0Ah"), single letters, "Pro", "Max"…"""
    return any(c.isdigit() for c in word) or len(word) == 1 or word in _MODEL_WORDS


def _compat_before(tokens) -> bool | None:
    """Walk back from a brand: True when a compatibility word opens the list the brand is in,
    False when a claim ("Original Apple") or the phrase's end comes first, None otherwise."""
    words = 0
    for j in range(len(tokens) - 1, -1, -1):
        kind, word = tokens[j]
        if kind == "stop":
            return None
        if kind == "sep":
            words = 0
            continue
        for phrase in _COMPAT_PHRASES.get(word, ()):
            if tokens[max(0, j + 1 - len(phrase)) : j + 1] == [("word", w) for w in phrase]:
                following = tokens[j + 1] if j + 1 < len(tokens) else None
                return not (following and following[0] == "word" and following[1] in _AUDIENCE)
        if word in _CLAIM_WORDS:
            return False
        if word in _JOINERS or word in _BRAND_WORDS:
            words = 0
        elif not _is_free(word):
            words += 1
            if words > _LIST_ITEM_WORDS:
                return None
    return None


def _compat_after(tokens) -> bool:
    """Walk forward from a brand to a compatibility word written after it ("iPhone 15 için")."""
    words = 0
    for kind, word in tokens:
        if kind == "stop":
            return False
        if kind == "sep":
            words = 0
            continue
        if word in _COMPAT_AFTER or word.endswith(_COMPATIBILITY_SUFFIXES):
            return True
        if word in _CLAIM_WORDS:
            return False
        if word in _JOINERS or word in _BRAND_WORDS:
            words = 0
        elif not _is_free(word):
            words += 1
            if words > _LIST_ITEM_WORDS:
                return False
    return False


def compatibility_before(text: str, start: int, end: int | None = None) -> bool:
    """Whether the name at ``text[start:end]`` is what an item fits rather than what it is: it
    follows "for", "para", "для", "compatible with"… directly or as one item of the list those
    words open ("para iPhone, Samsung, Xiaomi y Huawei", "for X / Y / Z"), or comes before a
    word that means the same ("iPhone 15 için", "iPhone 15 対応"). A claim word in the way
    ("for kids Original Apple …") or "for" naming people ("for Men Nike") ends the list.
    ``end`` defaults to the end of the famous brand (or word) at ``start``."""
    if end is None:
        match = _BRAND.match(text, start) or re.compile(r"\w+").match(text, start)
        end = match.end() if match else start
    before, after = _around(text, start, end)
    verdict = _compat_before(before)
    return verdict if verdict is not None else _compat_after(after)


def compatibility_brands(title: str | None) -> list[str]:
    """The famous brands a title names only as what the item fits."""
    title = title or ""
    return [m.group(1) for m in _BRAND.finditer(title) if compatibility_before(title, m.start(), m.end())]


# --- variants: accessories, quantities, warehouses -----------------------------------------

# Variant names that are an accessory or a part, not the product ("Case only", "Hat", "Box"): in
# the storefront languages, with the common inflections ("без коробки").
ACCESSORY_WORDS = (
    # English
    "case", "cover", "cable", "charger", "adapter", "box", "empty box", "gift box", "packaging", "package",
    "strap", "band", "sticker", "film", "screen protector", "protector", "bag", "pouch", "manual", "shell",
    "housing", "holder", "stand", "mount", "bracket", "remote", "remote control", "charging case",
    "charging cable", "hat", "cap", "cloak", "cape", "hood", "scarf", "glove", "gloves", "lid", "clip",
    "lanyard", "chain", "accessory", "accessories", "spare part", "spare parts", "part", "parts", "refill",
    "refills", "brush head", "brush heads", "ear tips", "tips", "chuck", "keychain", "insoles",
    # Spanish
    "funda", "carcasa", "cable", "cargador", "adaptador", "caja", "embalaje", "correa", "pegatina", "película",
    "protector de pantalla", "bolsa", "estuche", "soporte", "mando", "sombrero", "gorro", "gorra", "capa",
    "capucha", "bufanda", "guantes", "tapa", "repuesto", "repuestos", "accesorio", "accesorios",
    # Portuguese
    "capinha", "cabo", "carregador", "caixa", "embalagem", "pulseira", "adesivo", "bolsa", "suporte",
    "controle", "chapéu", "boné", "capuz", "luvas", "tampa", "peças de reposição", "acessório",
    "acessórios",
    # French
    "étui", "coque", "housse", "câble", "chargeur", "adaptateur", "boîte", "emballage", "bracelet", "sangle",
    "autocollant", "sac", "pochette", "support", "télécommande", "chapeau", "casquette", "bonnet", "cape",
    "capuche", "écharpe", "gants", "couvercle", "pièces de rechange", "accessoire", "accessoires",
    # German
    "hülle", "schutzhülle", "kabel", "ladegerät", "ladekabel", "netzteil", "adapter", "karton", "verpackung",
    "armband", "riemen", "aufkleber", "folie", "schutzfolie", "tasche", "halter", "halterung", "ständer",
    "fernbedienung", "hut", "mütze", "umhang", "kapuze", "schal", "handschuhe", "deckel", "ersatzteil",
    "ersatzteile", "zubehör",
    # Italian
    "custodia", "cover", "cavo", "caricatore", "caricabatterie", "scatola", "imballaggio", "cinturino",
    "adesivo", "pellicola", "borsa", "supporto", "telecomando", "cappello", "berretto", "mantello",
    "cappuccio", "sciarpa", "guanti", "coperchio", "ricambio", "ricambi", "accessorio", "accessori",
    # Russian, Ukrainian
    "чехол", "чехла", "кабель", "кабеля", "провод", "зарядка", "зарядки", "зарядное", "адаптер", "коробка",
    "коробки", "упаковка", "упаковки", "ремешок", "ремешка", "плёнка", "пленка", "плёнки", "пленки",
    "наклейка", "сумка", "держатель", "подставка", "пульт", "шапка", "шляпа", "кепка", "плащ", "накидка",
    "капюшон", "шарф", "перчатки", "крышка", "запчасть", "запчасти", "аксессуар", "аксессуары", "чохол",
    "коробку",
    # Hebrew
    "מגן", "כיסוי", "כבל", "מטען", "מתאם", "קופסה", "קופסא", "אריזה", "רצועה", "מדבקה", "תיק", "נרתיק",
    "מעמד", "שלט", "כובע", "גלימה", "ברדס", "צעיף", "כפפות", "מכסה", "אביזר", "אביזרים",
    # Polish
    "etui", "kabel", "ładowarka", "ładowarki", "adapter", "pudełko", "pudełka", "opakowanie", "opakowania",
    "pasek", "naklejka", "folia", "torba", "uchwyt", "podstawka", "pilot", "kapelusz", "czapka", "peleryna",
    "kaptur", "szalik", "rękawiczki", "pokrywka", "część", "części", "akcesoria",
    # Turkish
    "kılıf", "kablo", "şarj aleti", "adaptör", "kutu", "kutusu", "ambalaj", "kayış", "kordon", "çıkartma",
    "çanta", "tutucu", "stand", "kumanda", "şapka", "bere", "pelerin", "kapüşon", "atkı", "eldiven", "kapak",
    "yedek parça", "aksesuar",
    # Dutch
    "hoesje", "hoes", "oplader", "doos", "verpakking", "riem", "tas", "houder", "hoed", "muts",
    # Korean, Japanese (written without spaces: matched inside words)
    "케이스", "케이블", "충전기", "어댑터", "박스", "상자", "스트랩", "필름", "파우치", "거치대", "리모컨",
    "모자", "망토", "부품", "ケース", "カバー", "ケーブル", "充電器", "アダプター", "箱", "ストラップ", "フィルム",
    "ポーチ", "スタンド", "リモコン", "帽子", "マント", "部品", "付属品",
)

# "Only the cable", "solo", "nur": the variant is just the part it names.
ONLY_WORDS = (
    "only", "just", "solo", "sólo", "solamente", "únicamente", "apenas", "somente", "só", "seulement",
    "uniquement", "seul", "seule", "nur", "soltanto", "только", "лишь", "тільки",
    "лише", "tylko", "wyłącznie", "sadece", "yalnızca", "yalnız", "רק", "alleen", "のみ", "だけ", "単品", "단품",
)

# "Sin batería", "without earbuds": the variant lacks part of the product. "No" counts only before
# a word ("No Battery"), never in "No.1".
WITHOUT_WORDS = (
    "without", "w/o", "sin", "sem", "sans", "ohne", "senza", "без", "bez", "ללא", "בלי", "zonder", "no",
)
# The same, written after what is left out ("電池なし", "배터리 없음", "pil hariç").
WITHOUT_AFTER = ("なし", "無し", "없음", "미포함", "hariç", "olmadan", "yok")

# "With a case", "+ cable": the variant includes the part as well as the product.
# Not "plus" or the Polish "z": "iPhone 15 Plus Case", "Galaxy Z Flip Case" are cases.
WITH_WORDS = ("with", "w/", "con", "com", "avec", "mit", "с", "со", "עם", "ze", "ile", "met", "+", "&")

_ACCESSORY = _pattern(ACCESSORY_WORDS)
_ONLY = _pattern(ONLY_WORDS)
_WITHOUT = _pattern(WITHOUT_WORDS)
_WITHOUT_AFTER = _pattern(WITHOUT_AFTER)
# A with/without word, then at most one other word, right before a noun ("with charging case").
_WITH_BEFORE = re.compile(
    r"(?:(?:^|(?<=[\s(]))(?:" + "|".join(re.escape(normalize(w)) for w in sorted(WITH_WORDS, key=len, reverse=True))
    + r")|[+&])\s*(?:[^\W\d_]+\s+)?$"
)
_WITHOUT_BEFORE = re.compile(r"(?:^|(?<=[\s(]))(?:" + _WITHOUT.pattern + r")\s*(?:[^\W\d_]+\s+)?$")
_WORD_FOLLOWS = re.compile(r"\s+[^\W\d_]")


def accessory_words(text: str | None) -> list[str]:
    """The words of ``text`` that make it an accessory or a part rather than the product:
    accessory nouns ("case", "funda", "чехол", "hat"), "only" words ("only", "solo", "nur") and
    "without" words ("sin", "without", "без"). A noun the variant has *besides* the product
    ("with box", "+ cable") or *lacks* ("no box", "sin caja", "箱なし") does not count, nor does
    the "without" word before or after it: "Watch without box" is the watch."""
    if not text:
        return []
    text = normalize(text)
    found, excused = set(), set()  # excused: where a "without" word only leaves out an accessory
    for match in _ACCESSORY.finditer(text):
        before, after = text[: match.start()], text[match.end() :]
        without = _WITHOUT_BEFORE.search(before)
        if without:
            excused.add(without.start())
            continue
        rest = after.lstrip()
        if _WITHOUT_AFTER.match(rest):
            excused.add(len(text) - len(rest))
            continue
        if not _WITH_BEFORE.search(before):
            found.add(match.group(0))
    found.update(match.group(0) for match in _ONLY.finditer(text))
    for match in _WITHOUT.finditer(text):
        if match.start() in excused or (match.group(0) == "no" and not _WORD_FOLLOWS.match(text, match.end())):
            continue  # "no box"; "No.1", "no 5"
        found.add(match.group(0))
    found.update(match.group(0) for match in _WITHOUT_AFTER.finditer(text) if match.start() not in excused)
    return sorted(found)


# "1 PC", "4 PCS", "Pack of 2", "3 pares", "5шт", "2個": how many of the item a variant is. A
# count after "with" or "+" ("Green With 105pcs") is of what comes with the item, not the item.
QUANTITY_UNITS = (
    "pcs", "pc", "pce", "pces", "piece", "pieces", "pack", "packs", "pk", "pair", "pairs", "set", "sets", "unit",
    "units", "count", "unidad", "unidades", "uds", "ud", "pieza", "piezas", "pzs", "pz", "par", "pares",
    "peça", "peças", "pçs", "pç", "pièce", "pièces", "paire", "paires", "lot", "stück", "stk", "stck", "paar",
    "pezzo", "pezzi", "paia", "шт", "штук", "штуки", "штука", "пар", "пары", "пара", "sztuk", "sztuki", "szt",
    "pary", "adet", "parça", "çift", "יחידות", "יח", "זוגות", "stuks", "개", "개입", "팩", "켤레", "個", "個入り",
    "枚", "本", "点", "組", "足", "セット",
)
_UNITS = "|".join(re.escape(normalize(u)) for u in sorted(QUANTITY_UNITS, key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?<![\w.,])(\d{{1,4}})\s*-?\s*(?:{_UNITS})(?![^\W\d_])"
    rf"|(?<!\w)(?:pack|set|lot|box|paquete|lote|pacote|kit|packung|набор)\s+(?:of|de|von|di|из|z)\s+(\d{{1,4}})(?!\w)"
)


def quantity(text: str | None) -> int | None:
    """How many of the item a variant name says it is ("4 PCS" → 4), or None when it says none."""
    if not text:
        return None
    text = normalize(text)
    for match in _QUANTITY.finditer(text):
        if _WITH_BEFORE.search(text[: match.start()]):
            continue
        count = int(match.group(1) or match.group(2))
        if count > 0:
            return count
    return None


# Where a variant ships from, when a seller wrote it into the variant's name rather than the
# "Ships From" property: full country names and "warehouse" words (never two-letter codes: "US
# Plug" and "UK Plug" are different items).
WAREHOUSE_WORDS = (
    "ships from", "ship from", "shipped from", "warehouse", "local warehouse", "overseas warehouse",
    "china", "spain", "france", "russia", "russian federation", "poland", "germany", "czech republic", "italy",
    "united states", "united kingdom", "turkey", "brazil", "israel", "belgium", "australia",
    "envío desde", "enviado desde", "almacén", "armazém", "entrepôt", "expédié de", "lager", "versand aus",
    "magazzino", "spedito da", "magazyn", "wysyłka z", "depo", "склад", "отправка из", "מחסן", "창고", "倉庫",
    "españa", "espanha", "espagne", "spanien", "spagna", "hiszpania", "i̇spanya", "испания", "ספרד",
    "chine", "cina", "chiny", "çin", "китай", "סין", "中国", "중국", "rusia", "rússia", "russie", "russland",
    "rosja", "rusya", "россия", "רוסיה", "francia", "frança", "frankreich", "francja", "fransa", "франция",
    "polonia", "pologne", "polen", "polska", "польша", "alemania", "alemanha", "allemagne", "deutschland",
    "niemcy", "almanya", "германия",
)
_WAREHOUSE = _pattern(WAREHOUSE_WORDS)
_PUNCTUATION = re.compile(r"[\W_]+")


def item_key(name: str | None) -> str:
    """A variant's name without where it ships from, to tell one item sold from two warehouses
    ("Red / China", "Red / Spain") from two items."""
    return " ".join(_PUNCTUATION.sub(" ", _WAREHOUSE.sub(" ", normalize(name or ""))).split())


# --- seller messages (the MSG family) ------------------------------------------------------

# What a seller writes to have the buyer confirm receipt (which ends the buyer protection and
# releases the payment), in the storefront languages (en, es, pt, fr, de, ru, he at least). The
# negated forms a seller uses to say the opposite ("не подтверждайте", "אל תאשר") are listed too, so
# that the negation before them is read (NEGATION_BEFORE).
CONFIRM_RECEIPT_WORDS = (
    "confirm receipt", "confirm the receipt", "confirm delivery", "confirm the delivery", "confirm the order",
    "confirm your order", "confirm order received", "confirm received", "confirm you received",
    "confirm that you received", "confirm you have received", "confirm the goods received",
    "confirmar la recepción", "confirme la recepción", "confirmar recibido", "confirme el recibo",
    "confirmar el pedido", "confirme el pedido", "confirmar la entrega", "confirme la entrega",
    "confirmar o recebimento", "confirme o recebimento", "confirmar recebimento", "confirmar o pedido",
    "confirme o pedido", "confirmar a entrega", "confirme a entrega",
    "confirmer la réception", "confirmez la réception", "confirmer la commande", "confirmez la commande",
    "confirmer la livraison", "confirmez la livraison",
    "empfang bestätigen", "bestätigen sie den empfang", "erhalt bestätigen", "bestätigen sie den erhalt",
    "bestellung bestätigen", "bestätigen sie die bestellung", "lieferung bestätigen",
    "подтвердите получение", "подтвердить получение", "подтверждайте получение", "подтвердите заказ",
    "подтвердить заказ", "подтверждайте заказ", "подтвердите доставку",
    "אשר קבלה", "לאשר קבלה", "אשרו קבלה", "תאשר קבלה", "תאשרו קבלה", "לאשר את קבלת", "אשר את קבלת",
    "לאשר את ההזמנה", "אשר את ההזמנה", "תאשר את ההזמנה",
)

# Words that, right before a request, turn it into its opposite ("please don't confirm
# receipt", "no need to close the dispute"); a few fillers may stand between them and the verb.
NEGATION_BEFORE = (
    "don't", "do not", "dont", "never", "not", "no need to", "no", "não", "nao", "ne", "nicht", "не",
    "не надо", "не нужно", "אל", "לא", "אין צורך",
)
NEGATION_FILLERS = ("please", "yet", "to", "por favor", "ainda", "todavía", "encore", "bitte", "пока", "ещё", "еще",
                    "עדיין", "בבקשה")
# German puts "nicht" after the request: "bestätigen Sie den Empfang nicht".
NEGATION_AFTER = ("nicht", "noch nicht")

# A request to confirm once the item is there is no early request ("once you receive it,
# please confirm receipt").
AFTER_RECEIPT_WORDS = (
    "after you receive", "after you get", "once you receive", "once you get", "when you receive", "when you get",
    "after receiving", "after it arrives", "when it arrives", "once it arrives", "only after", "until you",
    "if you have received", "if you received", "if you got",
    "cuando reciba", "cuando lo reciba", "después de recibir", "cuando llegue", "hasta que", "si ha recibido",
    "quando receber", "depois de receber", "quando chegar", "até receber", "se você recebeu",
    "après réception", "quand vous recevez", "lorsque vous recevez", "après avoir reçu", "quand vous aurez reçu",
    "si vous avez reçu", "nach erhalt", "sobald sie", "wenn sie die ware erhalten", "wenn sie erhalten", "erst",
    "после получения", "когда получите", "как получите", "если вы получили",
    "אחרי שתקבל", "אחרי שתקבלו", "כשתקבל", "כשתקבלו", "לאחר קבלת", "עד שתקבל", "אם קיבלת",
)

# Paying outside the platform: channels AliExpress cannot refund or trace.
OFF_PLATFORM_PAYMENT_WORDS = (
    "bank transfer", "wire transfer", "bank account", "western union", "moneygram", "money gram",
    "friends and family", "paypal f&f", "gift card", "gift cards", "steam card", "itunes card", "google play card",
    "bitcoin", "btc", "usdt", "crypto", "cryptocurrency", "ethereum", "binance",
    "transferencia bancaria", "cuenta bancaria", "tarjeta de regalo",
    "transferência bancária", "conta bancária", "pix", "cartão presente", "vale-presente",
    "virement", "virement bancaire", "compte bancaire", "carte cadeau",
    "überweisung", "banküberweisung", "bankkonto", "geschenkkarte",
    "банковский перевод", "перевод на карту", "переведите на карту", "номер карты", "подарочная карта",
    "биткоин", "криптовалюта",
    "העברה בנקאית", "חשבון בנק", "כרטיס מתנה", "ביטקוין", "פייבוקס",
)

# Talking outside the platform: apps where the conversation leaves AliExpress's record. Phone
# numbers and e-mail addresses are found by their form (heuristics/rules/messages.py).
OFF_PLATFORM_CONTACT_WORDS = (
    "whatsapp", "whats app", "wa.me", "telegram", "t.me", "wechat", "we chat", "viber", "skype", "line id",
    "instagram", "facebook messenger", "signal app",
    "微信", "вотсап", "ватсап", "вацап", "телеграм", "телеграмм", "вайбер", "וואטסאפ", "ווטסאפ", "טלגרם",
)

# Asking the buyer to give up a dispute.
CLOSE_DISPUTE_WORDS = (
    "close the dispute", "close dispute", "close your dispute", "cancel the dispute", "cancel dispute",
    "cancel your dispute", "withdraw the dispute", "withdraw your dispute", "cancel the claim", "close the claim",
    "close the case", "cancel the refund request", "cancel your refund request",
    "cerrar la disputa", "cierre la disputa", "cancelar la disputa", "cancele la disputa", "retirar la disputa",
    "retire la disputa", "cerrar el reclamo",
    "fechar a disputa", "feche a disputa", "cancelar a disputa", "cancele a disputa", "encerrar a disputa",
    "encerre a disputa",
    "fermer le litige", "fermez le litige", "annuler le litige", "annulez le litige", "clore le litige",
    "retirer le litige", "retirez le litige",
    "streitfall schließen", "schließen sie den streitfall", "streitfall abbrechen", "brechen sie den streitfall ab",
    "streitfall zurückziehen", "ziehen sie den streitfall zurück",
    "закройте спор", "закрыть спор", "отмените спор", "отменить спор", "закройте диспут", "отмените диспут",
    "לסגור את המחלוקת", "סגור את המחלוקת", "סגרו את המחלוקת", "לבטל את המחלוקת", "בטל את המחלוקת",
    "בטלו את המחלוקת",
)

# Asking for a good rating.
POSITIVE_FEEDBACK_WORDS = (
    "positive feedback", "good feedback", "positive review", "good review", "5 star", "5 stars", "5-star",
    "five star", "five stars",
    "comentario positivo", "valoración positiva", "buena opinión", "5 estrellas", "cinco estrellas",
    "feedback positivo", "avaliação positiva", "5 estrelas", "cinco estrelas",
    "avis positif", "évaluation positive", "commentaire positif", "5 étoiles",
    "positive bewertung", "gute bewertung", "5 sterne", "fünf sterne",
    "положительный отзыв", "хороший отзыв", "5 звезд", "5 звёзд", "пять звезд",
    "משוב חיובי", "ביקורת חיובית", "5 כוכבים", "חמישה כוכבים",
)

# What a seller promises in exchange.
PROMISE_WORDS = (
    "refund", "full refund", "partial refund", "money back", "resend", "send again", "send you a new", "reship",
    "coupon", "compensation", "compensate", "discount", "gift",
    "reembolso", "reembolsar", "reenviar", "reenvío", "cupón", "compensación", "descuento", "regalo",
    "reenvio", "cupom", "compensação", "desconto", "brinde",
    "rembourser", "remboursement", "renvoyer", "réexpédier", "bon de réduction", "dédommagement",
    "réduction", "cadeau",
    "rückerstattung", "erstatten", "zurückerstatten", "erneut senden", "neu senden", "gutschein",
    "entschädigung", "rabatt", "geschenk",
    "верну деньги", "вернем деньги", "вернём деньги", "возврат", "компенсацию", "компенсация",
    "отправим снова", "отправлю снова", "вышлем новый", "купон", "скидку", "скидка", "подарок",
    "החזר", "החזר כספי", "נשלח שוב", "אשלח שוב", "קופון", "פיצוי", "הנחה", "מתנה",
)
