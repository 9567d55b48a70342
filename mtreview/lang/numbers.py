"""Numbers, dates, times and amounts found in English and Japanese text, as values with spans.

Each ``Num`` carries every value the written form can mean (3 p.m. = 3 or 15; 令和3年 =
3 or 2021), a ``kind`` (``num`` or ``weekday``) and a strength: ``HARD`` for digits,
``WORD`` for number words, month and weekday names, ``WEAK`` for forms that are often
not numbers at all ("one", 一 in 統一). Only HARD target numbers are ever reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .en import MONTH_PATTERN, MONTHS, WEEKDAYS
from .ja import fold_width
from .mecab import tokens

HARD, WORD, WEAK = 2, 1, 0


@dataclass(frozen=True)
class Num:
    start: int
    end: int
    values: frozenset[float]
    kind: str = "num"
    strength: int = HARD


def _r(x: float) -> float:
    return round(x, 6)


# ---------------------------------------------------------------- English
_ONES = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
EN_UNITS = {w: k for k, w in enumerate(_ONES, 1)} | {w: 10 * k for k, w in enumerate(_TENS, 2)}
EN_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
             "lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7, "bn": 1e9, "m": 1e6, "mn": 1e6,
             "k": 1e3, "tn": 1e12}
EN_FRACTIONS = {"half": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4, "fourths": 4,
                "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10}
CURRENCY = ("$", "£", "€", "¥")
# capitalised words that may stand before a plain number (dates, sentence starts): not a name's number
NOT_NAME_BEFORE_NUMBER = set(MONTHS) | set(WEEKDAYS) | {
    "in", "on", "at", "by", "from", "since", "until", "to", "for", "of", "about", "around", "over", "nearly",
    "almost", "some", "the", "and", "only", "just", "more", "less", "than", "after", "before", "between",
    "under", "with", "all", "roughly", "approximately", "another", "those", "these", "top", "page",
    "no", "number", "sept",
}
DECADES = {w[:-1] + "ies": 10 * k for k, w in enumerate(_TENS, 2)}  # "fifties"
ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
            "ninth": 9, "tenth": 10}
MULTIPLES = {"both": 2, "twice": 2, "double": 2, "doubled": 2, "triple": 3, "tripled": 3, "quadruple": 4}
CLOCK_WORDS = {"midnight": (0.0, 12.0, 24.0), "noon": (12.0,), "midday": (12.0,)}
# words that stand for a number: 200周年, 10代, 過去5年
NUMBER_WORDS = {"bicentennial": 200, "bicentenary": 200, "centennial": 100, "centenary": 100,
                "half-century": 50, "half-decade": 5, "decade": 10, "teens": 10, "teenager": 10,
                "teenage": 10, "sevens": 7}  # rugby sevens = ７人制

EN_DIGITS = re.compile(
    r"(?:(?<![\w.,])|(?<=\bNo\.))(?:(?<=\d-)|(?<!-))(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?!\d|,\d)"
    r"(?:\s*(?:-\s*)?(hundred|thousand|million|billion|trillion|lakhs?|crores?|bn|mn|m|k|tn)\b)?"
    r"(?:\s*(a\.m\.|p\.m\.|am\b|pm\b))?"
    r"(?=$|[^\w]|st\b|nd\b|rd\b|th\b|s\b|km|kg|cm|mm|m\b|ml\b|mg\b|g\b|lbs?\b|oz\b|ft|mph|GW|MW|kW|GB|%)"
)
LETTER_DIGITS = re.compile(r"(?<=[A-Za-z])-?(\d+)(?![\d.,])|(?<![\w.,])(\d+)(?=[A-Z])")  # G7, 9R
EN_PHONE = re.compile(r"(?<![\w-])\d+(?:-\d+){2,}(?![\w-])")  # 090-8859-5928: a phone or code, not a number
EN_TIME = re.compile(r"\b(\d{1,2}):(\d{2})\b")
_WORD_NUM = "|".join(sorted(EN_UNITS, key=len, reverse=True))
EN_WORDS = re.compile(
    rf"\b(a|{_WORD_NUM})(?:-({_WORD_NUM}))?(?:\s+(hundred|thousand|million|billion|trillion))?\b"
    rf"(?:-(half|thirds?|quarters?|fourths?|fifths?|tenths?)\b)?",
    re.IGNORECASE,
)
EN_MONTH = re.compile(r"\b(" + MONTH_PATTERN + r")\b\.?", re.IGNORECASE)
EN_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")s?\b", re.IGNORECASE)
EN_MULTIPLE = re.compile(r"\b(" + "|".join(MULTIPLES) + r")\b", re.IGNORECASE)
EN_DECADE = re.compile(r"\b(" + "|".join(DECADES) + r")\b", re.IGNORECASE)
EN_ORDINAL = re.compile(r"\b(" + "|".join(ORDINALS) + r")\b", re.IGNORECASE)
# "one of the 34", "one for five", "one in three": a count, not a pronoun
EN_ONE_OF = re.compile(
    rf"\b(one)\s+(?:of|for|in|out of)\s+(?:the\s+|every\s+|its\s+|their\s+)?(?=\d|(?:{_WORD_NUM})\b)",
    re.IGNORECASE,
)
# "Coutinho and Umtiti have both": two named people (２名); "both age and gender" is no count
EN_BOTH_NAMED = re.compile(
    r"\b[A-Z][a-z]+ and [A-Z][a-z]+,? (?:(?:have|had|are|were|will|would|could|can)\s+)?(both)\b"
)
# "an hour", "a point": one unit; only ever a candidate for a Japanese number with that counter (1時間)
EN_A_UNIT = re.compile(r"\b(an?)\s+(?=(?:hour|day|week|month|year|minute|point|game|person|goal)\b)",
                       re.IGNORECASE)
# a month name that may be a word ("may", "march") is a month after these words
MONTH_CONTEXT = re.compile(r"\b(?:in|on|since|until|till|by|of|from|to|and|or|through|early|late|mid|"
                           r"last|next|this|end|between|during)[\s-]+$", re.IGNORECASE)
EN_DOZEN = re.compile(r"\ba dozen\b", re.IGNORECASE)
EN_NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)
EN_CLOCK = re.compile(r"\b(" + "|".join(CLOCK_WORDS) + r")\b", re.IGNORECASE)
EN_EVEN = re.compile(r"\b50 ?/ ?50\b|\bfifty-fifty\b", re.IGNORECASE)  # "a 50/50 chance" = 半々
# "Shodai and 3 others" counts Shodai too in Japanese: 正代ら４人
OTHERS = re.compile(r"\s+others?\b", re.IGNORECASE)


class _Found:
    """Numbers found so far; the first pattern to claim a stretch of text wins it."""

    def __init__(self) -> None:
        self.nums: list[Num] = []
        self.taken: list[tuple[int, int]] = []

    def block(self, start: int, end: int) -> None:
        self.taken.append((start, end))

    def add(self, n: Num) -> None:
        if any(s < n.end and n.start < e for s, e in self.taken):
            return
        self.block(n.start, n.end)
        self.nums.append(n)

    def in_order(self) -> list[Num]:
        return sorted(self.nums, key=lambda n: n.start)


def english_numbers(text: str) -> list[Num]:
    found = _Found()
    add = found.add

    for m in EN_PHONE.finditer(text):
        found.block(m.start(), m.end())
    for m in EN_EVEN.finditer(text):
        add(Num(m.start(), m.end(), frozenset({0.5, 50.0})))
    for m in EN_TIME.finditer(text):
        h, mi = int(m.group(1)), int(m.group(2))
        tail = text[m.end() : m.end() + 6].lower()
        hours = {h, h + 12} if "p.m" in tail or "pm" in tail else {h}
        add(Num(m.start(), m.start() + len(m.group(1)), frozenset(map(float, hours))))
        if mi:
            add(Num(m.end() - 2, m.end(), frozenset({float(mi)})))
        else:
            found.block(m.end() - 3, m.end())
    for m in EN_DIGITS.finditer(text):
        base = float(m.group(1).replace(",", "") + (m.group(2) or ""))
        scale = m.group(3)
        value = base * EN_SCALES[scale.lower()] if scale else base
        if scale and scale.lower() in ("m", "k") and text[m.start() - 1 : m.start()] not in CURRENCY:
            value = base  # "5 m" is metres unless it is money
        values = {value}
        if OTHERS.match(text, m.end()):
            values.add(value + 1)
        if m.group(4) and m.group(4).lower().startswith("p") and value < 12:
            values.add(value + 12)
        # "1st", "9th": Japanese often writes 一塁, 九回 (kanji inside a word): a word, not digits
        ordinal = re.match(r"st|nd|rd|th", text[m.end() : m.end() + 2]) and value <= 12
        # "Ligue 1", "Formula 1", "Apollo 11": a number that is part of a name
        before = re.search(r"\b([A-Z][a-z]+) $", text[max(0, m.start() - 20) : m.start()])
        named = before is not None and before.group(1).lower() not in NOT_NAME_BEFORE_NUMBER and not m.group(3)
        strength = WORD if ordinal or named else HARD
        add(Num(m.start(), m.end(), frozenset(_r(v) for v in values), strength=strength))
    for m in EN_ONE_OF.finditer(text):
        add(Num(m.start(1), m.end(1), frozenset({1.0}), strength=WORD))
    for m in EN_BOTH_NAMED.finditer(text):
        add(Num(m.start(1), m.end(1), frozenset({2.0}), strength=WORD))
    for m in EN_A_UNIT.finditer(text):
        add(Num(m.start(1), m.end(1), frozenset({1.0}), strength=WEAK))
    for m in EN_DOZEN.finditer(text):
        add(Num(m.start(), m.end(), frozenset({12.0}), strength=WORD))
    for m in EN_WORDS.finditer(text):
        first, second, scale, frac = (g.lower() if g else g for g in m.groups())
        if first == "a" and not (scale or frac):
            continue
        n = 1 if first == "a" else EN_UNITS[first]
        if second:
            if n % 10 or n < 20 or EN_UNITS[second] >= 10:
                continue  # "one-two" is not a number
            n += EN_UNITS[second]
        values = {_r(n / EN_FRACTIONS[frac])} if frac else {float(n * (EN_SCALES[scale] if scale else 1))}
        if not frac and OTHERS.match(text, m.end()):
            values.add(float(n + 1))
        weak = first in ("one", "a") and not scale and not frac
        add(Num(m.start(), m.end(), frozenset(values), strength=WEAK if weak else WORD))
    for m in EN_NUMBER_WORD.finditer(text):
        add(Num(m.start(), m.end(), frozenset({float(NUMBER_WORDS[m.group(1).lower()])}), strength=WORD))
    for m in EN_CLOCK.finditer(text):
        add(Num(m.start(), m.end(), frozenset(CLOCK_WORDS[m.group(1).lower()]), strength=WORD))
    for m in EN_ORDINAL.finditer(text):
        add(Num(m.start(), m.end(), frozenset({float(ORDINALS[m.group(1).lower()])}), strength=WEAK))
    for m in EN_DECADE.finditer(text):
        add(Num(m.start(), m.end(), frozenset({float(DECADES[m.group(1).lower()])}), strength=WORD))
    for m in EN_MONTH.finditer(text):
        word = m.group(1)
        after = text[m.end() : m.end() + 4]
        ambiguous = word.lower() in ("may", "march", "mar") or (
            len(word) <= 4 and not m.group().endswith(".") and word.lower() not in ("june", "july")
        )
        dated = re.match(r"\s*\d", after) or MONTH_CONTEXT.search(text, 0, m.start())
        if ambiguous and not (word[0].isupper() and dated):
            continue  # "may" the verb, "march" the noun, "Jan" without a date
        if not word[0].isupper():
            continue
        add(Num(m.start(), m.end(), frozenset({float(MONTHS[word.lower()])}), strength=WORD))
    for m in EN_WEEKDAY.finditer(text):
        if m.group()[0].isupper():
            add(Num(m.start(), m.end(), frozenset({float(WEEKDAYS[m.group(1).lower()])}), "weekday", WORD))
    for m in LETTER_DIGITS.finditer(text):  # COVID-19, G7, ATP1000: part of a name, may match only
        k = 1 if m.group(1) else 2
        add(Num(m.start(k), m.end(k), frozenset({float(m.group(k))}), strength=WEAK))
    for m in EN_MULTIPLE.finditer(text):
        add(Num(m.start(), m.end(), frozenset({float(MULTIPLES[m.group(1).lower()])}), strength=WEAK))
    return found.in_order()


# ---------------------------------------------------------------- Japanese
JA_UNIT = {"兆": 1e12, "億": 1e8, "千万": 1e7, "万": 1e4, "千": 1e3}
KANJI_DIGIT = {c: k for k, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
KANJI_SMALL = {"十": 10, "百": 100, "千": 1000}
JA_WEEKDAY = {"月": 1, "火": 2, "水": 3, "木": 4, "金": 5, "土": 6, "日": 7}
ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "大正": 1911}

JA_DIGITS = re.compile(
    r"(?<![A-Za-z\d.,])(?<![A-Za-z]-)(?:\d+(?:,\d{3})*(?:\.\d+)?(?: ?(?:千万|[兆億万千]))?)+(?![A-Za-z\d])"
)
JA_GROUP = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?) ?(千万|[兆億万千]?)")
JA_KANJI = re.compile(r"[〇一二三四五六七八九十百千]+[兆億万]?(?:[〇一二三四五六七八九十百千]+[万]?)*")
JA_FRACTION = re.compile(r"(\d+|[一二三四五六七八九十]+)分の(\d+|[一二三四五六七八九十]+)")
JA_WEEKDAY_RE = re.compile(r"([月火水木金土日])曜日?|(?<=[日\d][（(])([月火水木金土日])(?=[）)])")
JA_ERA = re.compile(r"(令和|平成|昭和|大正)(\d+|元)[)）]?年")
JA_SHORT_YEAR = re.compile(r"\d{2}(?:[～~〜\-－]\d{2})?(?:[(（](?:令和|平成|昭和|大正)\d+[)）])?年")
JA_WARI = re.compile(r"(\d+)割(?:(\d)分)?")
JA_EVEN = re.compile(r"半々|半分ずつ|五分五分")
JA_AROUND = {"アラサー": 30.0, "アラフォー": 40.0, "アラフィフ": 50.0, "アラカン": 60.0}  # "around 50"
JA_AROUND_RE = re.compile("|".join(JA_AROUND))
EVERY_NTH = re.compile(r"[^\d\s、。]?おき")  # ２台おき = every third (one in three)
# a year range written short: １８２５～６９年 = 1825-1869
JA_YEAR_FROM = re.compile(r"(\d{4})年?[～~〜\-－/／]$")
# letters and digits in one token (１１Ｒ, G7): Japanese script before the digits does not matter
JA_LETTER_DIGITS = re.compile(r"(?<=[A-Za-z])-?(\d+)(?![\d.,])|(?<![A-Za-z\d.,])(\d+)(?=[A-Z])")


def kanji_value(s: str) -> float | None:
    """Value of a kanji numeral such as 二十五, 三千, 一億二千万; None if it is not one."""
    total, section, digit = 0.0, 0.0, None
    for ch in s:
        if ch in KANJI_DIGIT:
            digit = (digit or 0) * 10 + KANJI_DIGIT[ch] if digit is not None else KANJI_DIGIT[ch]
        elif ch in KANJI_SMALL:
            section += (digit if digit is not None else 1) * KANJI_SMALL[ch]
            digit = None
        elif ch in JA_UNIT:
            total += (section + (digit or 0)) * JA_UNIT[ch]
            section, digit = 0.0, None
        else:
            return None
    return total + section + (digit or 0)


def _ja_value(s: str) -> float:
    total = 0.0
    for num, unit in JA_GROUP.findall(s):
        total += float(num.replace(",", "")) * (JA_UNIT[unit] if unit else 1)
    return total


def japanese_numbers(text: str) -> list[Num]:
    folded = fold_width(text).replace("，", ",").replace("．", ".")
    folded = re.sub(r"(?<=\d)・(?=\d)", ".", folded)  # １８２・４４ is a decimal in Japanese news
    short_years = {m.start() for m in JA_SHORT_YEAR.finditer(folded)}
    short_years |= {m.start() + 3 for m in JA_SHORT_YEAR.finditer(folded) if m.group()[2] in "～~〜-－"}
    found = _Found()
    add = found.add

    for m in JA_ERA.finditer(folded):
        n = 1 if m.group(2) == "元" else int(m.group(2))
        add(
            Num(
                m.start(),
                m.start() + len(m.group(1)) + len(m.group(2)),
                frozenset({float(n), float(n + ERAS[m.group(1)])}),
            )
        )
    for m in JA_FRACTION.finditer(folded):
        den = float(m.group(1)) if m.group(1).isdigit() else kanji_value(m.group(1))
        num = float(m.group(2)) if m.group(2).isdigit() else kanji_value(m.group(2))
        if den and num is not None:
            hard = m.group(1).isdigit()
            add(Num(m.start(), m.end(), frozenset({_r(num / den)}), strength=HARD if hard else WORD))
    for m in JA_EVEN.finditer(folded):
        add(Num(m.start(), m.end(), frozenset({0.5, 50.0}), strength=WORD))
    for m in JA_AROUND_RE.finditer(folded):
        add(Num(m.start(), m.end(), frozenset({JA_AROUND[m.group()]}), strength=WORD))
    for m in JA_WARI.finditer(folded):
        v = int(m.group(1)) * 10 + int(m.group(2) or 0)
        add(Num(m.start(), m.end(), frozenset({float(v)})))
    for m in JA_DIGITS.finditer(folded):
        s = m.group()
        value = _ja_value(s)
        values = {value}
        if "・" in text[m.start() : m.end()] and re.fullmatch(r"\d+\.\d+", s):
            values |= {float(x) for x in s.split(".")}  # ３・４８ may also be a time 3:48
        if EVERY_NTH.match(folded, m.end()):
            values.add(value + 1)
        if m.start() in short_years and value < 100:
            values |= {1900 + value, 2000 + value}  # １８年 = 2018, ０４～０５年
        since = JA_YEAR_FROM.search(folded, 0, m.start())
        if since and value < 100 and len(s) == 2:
            century = int(since.group(1)) // 100 * 100
            values.add(century + value + (100 if century + value < int(since.group(1)) else 0))
        if (
            text[m.end() : m.end() + 1] == "時"
            and text[max(0, m.start() - 2) : m.start()] == "午後"
            and value < 12
        ):
            values.add(value + 12)
        add(Num(m.start(), m.end(), frozenset(_r(v) for v in values)))
    for m in JA_WEEKDAY_RE.finditer(folded):
        day = m.group(1) or m.group(2)
        add(Num(m.start(), m.end(), frozenset({float(JA_WEEKDAY[day])}), "weekday", HARD))
    for m in JA_LETTER_DIGITS.finditer(folded):
        k = 1 if m.group(1) else 2
        add(Num(m.start(k), m.end(k), frozenset({float(m.group(k))}), strength=WEAK))
    kanji = list(JA_KANJI.finditer(folded))
    numeral_chars = set()
    if kanji:  # MeCab only when there is a kanji numeral to confirm
        numeral_chars = {k for t in tokens(text) if t.pos2 == "数詞" for k in range(t.start, t.end)}
    for m in kanji:
        v = kanji_value(m.group())
        if not all(k in numeral_chars for k in range(m.start(), m.end())):
            continue  # 三振, 統一, 一部: a kanji numeral inside a word
        if v is not None and v > 0:
            add(Num(m.start(), m.end(), frozenset({float(v)}), strength=WEAK))
    return found.in_order()
