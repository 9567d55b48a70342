"""Japanese script facts: character classes, width folding, the share of Japanese in a text,
and the words that show where a sentence ends (polite endings, openers, particles, quotation pairs).

Every function is pure and keeps character offsets (``fold_width`` maps one character to
one character so spans stay valid). The character classes are regex fragments (for use
inside ``[...]``), built from the Unicode blocks below.
"""

from __future__ import annotations

import re

HIRAGANA = r"\u3041-\u3096"  # ぁ..ゖ (letters only)
KATAKANA = r"\u30a1-\u30fa\u30fc"  # ァ..ヺ and the prolonged sound mark ー
KATAKANA_DOT = r"\u30fb"  # ・ (nakaguro), joins the parts of a foreign name
KANJI = r"\u4e00-\u9fff"  # CJK unified ideographs
ITERATION = r"\u3005\u3006"  # 々 〆

# Japanese letters (hiragana, katakana incl. ー, kanji, 々〆): what the checks call Japanese.
JA_CHAR = f"{HIRAGANA}{KATAKANA}{KANJI}{ITERATION}"
JA_RE = re.compile(f"[{JA_CHAR}]")
KATAKANA_RUN = re.compile(f"[{KATAKANA}{KATAKANA_DOT}]+")

# Japanese script in the broad sense, for telling a Japanese text from an English one: the
# whole kana blocks (with ゛゜ゝゞ・ヽヾ), CJK extension A and half-width katakana too. Wider than
# JA_CHAR on purpose: a document written in old or half-width forms is still Japanese.
JA_SCRIPT = r"\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f"

# Kana (with half-width katakana) against Han characters: Japanese prose is about 40% kana, so a text
# of many Han characters and next to no kana is Chinese (simplified or traditional), not Japanese.
_KANA_RE = re.compile(f"[{HIRAGANA}{KATAKANA}\uff66-\uff9f]")
_HAN_RE = re.compile(r"[\u3400-\u9fff]")
CHINESE_MIN_HAN = 30  # fewer Han characters (a name, a kanji-only headline) say nothing
CHINESE_MAX_KANA = 0.02  # kana per Han character, at most


def looks_chinese(text: str) -> bool:
    """True for Chinese: at least ``CHINESE_MIN_HAN`` Han characters with almost no kana."""
    han = len(_HAN_RE.findall(text))
    return han >= CHINESE_MIN_HAN and len(_KANA_RE.findall(text)) <= CHINESE_MAX_KANA * han


# Full-width ASCII (U+FF01..U+FF5E) -> ASCII, one character for one character.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold_width(text: str) -> str:
    """Full-width ASCII letters, digits and signs to half-width; same length as ``text``."""
    return text.translate(_WIDTH)


def is_ja(ch: str) -> bool:
    return bool(JA_RE.match(ch))


def ja_ratio(text: str) -> float:
    """Share of non-space characters that are Japanese script."""
    chars = [c for c in text if not c.isspace()]
    return sum(1 for c in chars if is_ja(c)) / len(chars) if chars else 0.0

# Finite polite predicate endings: a clause that ends in one of these is a finished sentence
# even when its 。 is missing (chat, captions, a dropped stop). Longest first for a regex.
# The ます forms follow a verb's continuative stem, which ends in an い- or え-row kana or is a
# one-kanji stem (見ます, 来ます); a kanji before a bare ます is a plain verb (励ます, 増す, 冷ます).
MASU_ENDINGS = ("ませんでした", "ませんでしょう", "ましょう", "ました", "ません", "ます")
MASU_STEM_KANA = "いきしちにひみりぎじびぴえけせてねへめれげぜでべぺ"
MASU_STEM_KANJI = "見出来寝居得経着似煮"
COPULA_ENDINGS = ("でした", "でしょう", "です", "ください")
# Hiragana words that open a sentence (demonstratives, conjunctions, greetings): after a polite
# ending they start a new one; any other hiragana (が か ね よ の と し ...) continues the clause.
SENTENCE_OPENERS = ("この", "その", "あの", "どの", "これ", "それ", "あれ", "こちら", "そちら", "また",
                    "でも", "しかし", "ただ", "なお", "さて", "まあ", "はい", "いいえ", "ありがとう",
                    "すみません", "もし", "いかが", "うち", "まず", "よろしく", "どうぞ", "ぜひ")

# -- Sentence boundaries (``segment.py``) ---------------------------------------------------
# Kana that end a plain (not polite) predicate: past た, dictionary forms す る う, adjective い,
# copula だ, final particles ね よ か, ん (のだ/んです). A quotation that ends in one is a whole
# sentence only before a number or an opening word ("…気持ちが入った」１ボール").
PLAIN_PREDICATE_KANA = "たすいるだうねよんか"
# Quoting particles besides と itself: after a closing quotation they continue the sentence
# (「…。」と述べた, 「…」って).
QUOTING_PARTICLES = ("って", "っ", "など", "なんて", "との", "とか")
# Words that start with と but are not the quoting particle: conjunctions and adverbs that open a
# new sentence (。というわけで / 。ところが / 。とはいえ / 。とにかく).
TO_WORDS = ("というわけ", "というのも", "ところが", "ところで", "とはいえ", "とにかく", "ともかく", "とりあえず",
            "とても")
# The word a news site's name ends in ("Yahoo!ニュース"): a web page title ends after it.
NEWS_SITE_WORD = "ニュース"
# Quotation marks and brackets, opener -> closer; QUOTE_MARKS are the quotations among them.
QUOTE_PAIRS = {"「": "」", "『": "』", "（": "）", "(": ")", "〔": "〕", "【": "】", "［": "］", "《": "》",
               "〈": "〉"}
QUOTE_MARKS = "「『"
# Marks that open and close alike: the seed pairs “…“ and ”…“, so each toggles one quotation.
SYMMETRIC_QUOTES = frozenset('“”"')
# A news photo caption ends in a note in brackets: the credit (（提供）, （ＡＰ＝共同）), where the
# person stands (（右）), a note on the photo (（写真の一部を加工しています）) or a page reference
# (（10面に結果）); the note closes the caption, and the next sentence starts after it.
CAPTION_CREDITS = ("提供", "共同", "時事", "ロイター", "ＡＰ", "AP", "ＡＦＰ", "AFP", "ＥＰＡ", "EPA")
POSITION_LABELS = ("右", "左", "中央", "中", "手前", "奥", "前列", "後列")
PHOTO_NOTE_WORDS = ("写真", "撮影", "資料")
# Marks that open a section, a subheading or a score line in news pages ("■投稿を解析…", "◆山口俊と…",
# "○アスレチックス7x－3エンゼルス●"): a page title ends before one. Used inside ``[...]``.
SECTION_MARKS = "●○■□◆◇▼▽▲△★☆"
