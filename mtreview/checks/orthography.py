"""Japanese house style (spelling consistency within one article): each rule its own check id, minor.

- ``width``: digits and Latin letters written sometimes full-width (２０２４, ＮＡＴＯ) and
  sometimes half-width (2024, NATO) in one article. Only tokens of one class are compared,
  as Japanese typography sets each class its own way: single digits (１人), longer numbers
  (2024, 0.35, １，０００ are one token), the numbers of list items at the start of a line
  (（１）, 2), 3.), single letters (Ａ社), acronyms (NATO, ＩＣＵ) and words with
  lower-case letters (Yahoo, Ｍａｘ). Within a class, when both widths occur and one is
  settled (``min_usual`` tokens, the other at most ``max_share`` of them), the other is
  reported. Tokens whose width is fixed by their own kind are not counted: letters mixed
  with digits (G7, COVID-19, 5G, 10km, A320), letters joined by dots, slashes or colons
  (U.S., rt.com), letters that are part of a katakana word (Ｔシャツ, ビタミンC, Jリーグ), a
  unit after a number (5 kg, 100 MB), and URLs, e-mails and placeholders.
- ``variants``: one word spelt two ways in one article (子供 / 子ども, 出来る / できる,
  全て / すべて), from a small curated table of words whose spelling style books settle
  per house, compared on MeCab lemmas so inflected forms count (出来た, できない). Formal
  nouns whose kanji and kana forms differ in use (事 / こと, 時 / とき, 物 / もの) are
  deliberately absent. The rarer spelling is reported (a tie: the one used second).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..lang.ja import HIRAGANA, KATAKANA
from ..lang.mecab import morphs
from ..records import Flag, Severity
from .base import Article, Check
from .tags import protected_spans

ALNUM = "0-9A-Za-z０-９Ａ-Ｚａ-ｚ"
# a token: letters and digits, joined by the marks that join them inside one number or name
TOKEN = re.compile(rf"[{ALNUM}]+(?:[.,．，:：/／_\-‐－'’&＆][{ALNUM}]+)*")
NUMBER = re.compile(r"[0-9０-９]+(?:[.,．，][0-9０-９]+)*")  # a range (3-5) or a date (2024/10/1) is numbers
FULL = re.compile(r"[０-９Ａ-Ｚａ-ｚ]")
DIGIT = re.compile(r"[0-9０-９]")
LETTER = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")
KATAKANA_CHAR = re.compile(f"[{KATAKANA}]")
UNIT_BEFORE = re.compile(r"[0-9０-９][ 　]?$")  # 5 kg, 100 MB: the letters are a unit
HIRAGANA_TAIL = re.compile(f"[{HIRAGANA}]+$")

# MeCab (UniDic) lemma -> the words whose spelling varies; a spelling is told by its kanji
# part (the surface without trailing hiragana): 子供 "子供", 子ども "子", こども "".
VARIANT_LEMMAS = {
    "子供": "子供/子ども/こども",
    "出来る": "出来る/できる",
    "全て": "全て/すべて",
    "既に": "既に/すでに",
    "更に": "更に/さらに",
    "殆ど": "殆ど/ほとんど",
    "予め": "予め/あらかじめ",
    "様々": "様々/さまざま",
    "色々": "色々/いろいろ",
    "沢山": "沢山/たくさん",
    "宜しい": "宜しく/よろしく",
    "僅か": "僅か/わずか",
    "何故": "何故/なぜ",
    "是非": "是非/ぜひ",
    "又は": "又は/または",
    "但し": "但し/ただし",
    "即ち": "即ち/すなわち",
    "頃": "頃/ころ",
    "達": "達/たち",
    "貰う": "貰う/もらう",
    "易い": "易い/やすい",
    "無い": "無い/ない",
}
# a lemma is a variant word only in these parts of speech (達 the suffix, 無い the adjective)
VARIANT_POS = {"名詞", "動詞", "副詞", "形容詞", "形状詞", "接尾辞", "接続詞", "連体詞"}


def _tokens(text: str) -> list[tuple[int, int]]:
    """Spans of the tokens of ``text``; a token without letters is split into its numbers (3-5: 3 and 5)."""
    out = []
    for m in TOKEN.finditer(text):
        if LETTER.search(m.group()):
            out.append((m.start(), m.end()))
        else:
            out += [(m.start() + n.start(), m.start() + n.end()) for n in NUMBER.finditer(m.group())]
    return out


def width_class(text: str, start: int, end: int, split_single: bool = True) -> str | None:
    """The typographic class of the token ``text[start:end]`` (a ``TOKEN`` match) whose width is
    compared across the article; None for a token whose width is fixed by its kind or that
    mixes widths (Ｇ7: a typo of another kind)."""
    tok = text[start:end]
    chars = [c for c in tok if DIGIT.match(c) or LETTER.match(c)]
    full = [bool(FULL.match(c)) for c in chars]
    if any(full) != all(full):
        return None
    digits = sum(bool(DIGIT.match(c)) for c in chars)
    before, after = text[start - 1 : start], text[end : end + 1]
    if digits and digits < len(chars):
        return None  # a code or model name (G7, COVID-19, A320), a number with its unit (10km, 5G)
    if not digits:
        if len(chars) < len(tok) and re.search(r"[.．/／:：_]", tok):
            return None  # U.S., rt.com, a path
        if KATAKANA_CHAR.match(before) or KATAKANA_CHAR.match(after):
            return None  # part of a katakana word: Ｔシャツ, ビタミンC, Ｊリーグ
        if UNIT_BEFORE.search(text[max(0, start - 2) : start]) and len(chars) <= 4:
            return None  # a unit: 5 kg, 100 MB
        if len(chars) == 1:
            return "single letters" if split_single else "acronyms" if tok.isupper() else "words"
        return "acronyms" if tok.upper() == tok else "words"
    opened = bool(before) and before in "(（"
    if not text[: start - opened].rsplit("\n", 1)[-1].strip() and after and after in ")）.．":
        return "item numbers"  # a list item's number: (1) 返品先…, 2) 認証を…, 1. 申請…
    return "single digits" if digits == 1 and split_single else "digits"


def _minority(items: list[tuple[str, int, int, int]], min_usual: int = 1,
              max_share: float = 0.5) -> tuple[list[tuple[str, int, int, int]], str]:
    """Items (variant, segment, start, end) that use a rarer variant than the article's usual one, and the
    usual variant. A tie: the variant used first is the usual one. Nothing when the usual variant has fewer
    than ``min_usual`` items or the others more than ``max_share`` of them all (no settled usage)."""
    counts = Counter(v for v, *_ in items)
    if len(counts) < 2:
        return [], ""
    first = {v: k for k, (v, *_) in reversed(list(enumerate(items)))}
    usual = max(counts, key=lambda v: (counts[v], -first[v]))
    odd = [it for it in items if it[0] != usual]
    if counts[usual] < min_usual or len(odd) > max_share * len(items):
        return [], usual
    return odd, usual


class Width(Check):
    id = "width"
    category = "fluency/inconsistency"
    severity = Severity.MINOR
    description = "Digits or Latin letters written both full-width and half-width in one article."

    @dataclass(frozen=True)
    class Params:
        split_single: bool = True  # judge single digits and letters (１人, Ａ社) apart from longer tokens
        min_usual: int = 3  # runs in the article's usual width before the other width is reported
        max_share: float = 0.25  # ... and the other width's share of the runs at most this

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        if not article.document_level:
            return []
        groups: dict[str, list[tuple[str, int, int, int]]] = {}
        for i, seg in enumerate(article.segments):
            codes = protected_spans(seg.tgt)
            for start, end in _tokens(seg.tgt):
                if any(s < end and start < e for s, e in codes):
                    continue
                kind = width_class(seg.tgt, start, end, self.params.split_single)
                if kind is not None:
                    width = "full-width" if FULL.search(seg.tgt, start, end) else "half-width"
                    groups.setdefault(kind, []).append((width, i, start, end))
        out = []
        for kind, items in sorted(groups.items()):
            odd, usual = _minority(items, self.params.min_usual, self.params.max_share)
            for width, i, s, e in odd:
                tgt = article.segments[i].tgt
                msg = f"「{tgt[s:e]}」 is {width}; elsewhere the article writes {kind} {usual}."
                out.append((i, self.flag("tgt", tgt, s, e, msg)))
        return sorted(out, key=lambda f: (f[0], f[1].start))


class Variants(Check):
    id = "variants"
    category = "fluency/inconsistency"
    severity = Severity.MINOR
    description = "One word spelt two ways in one article (子供 / 子ども, 出来る / できる)."

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        if not article.document_level:
            return []
        groups: dict[str, list[tuple[str, int, int, int]]] = {}
        inflected: set[tuple[int, int]] = set()  # no suggestion: the usual spelling may be another form
        for i, seg in enumerate(article.segments):
            for m in morphs(seg.tgt) if seg.tgt.strip() else ():
                if m.lemma in VARIANT_LEMMAS and m.pos in VARIANT_POS:
                    spelling = HIRAGANA_TAIL.sub("", m.surface) or "(kana)"
                    groups.setdefault(m.lemma, []).append((spelling, i, m.start, m.end))
                    if m.pos in ("動詞", "形容詞"):
                        inflected.add((i, m.start))
        out = []
        for lemma, items in sorted(groups.items()):
            odd, _ = _minority(items)
            if not odd:
                continue
            usual_item = next(it for it in items if it not in odd)
            seg_text = article.segments[usual_item[1]].tgt
            usual_text = seg_text[usual_item[2] : usual_item[3]]
            for _, i, s, e in odd:
                tgt = article.segments[i].tgt
                msg = (f"「{tgt[s:e]}」 is spelt 「{usual_text}」 elsewhere in the article "
                       f"({VARIANT_LEMMAS[lemma]}).")
                fix = None if (i, s) in inflected else usual_text
                out.append((i, self.flag("tgt", tgt, s, e, msg, suggestion=fix)))
        return out
