"""Japanese house style (spelling consistency within one article): each rule its own check id, minor.

- ``width``: digits and Latin letters written sometimes full-width (２０２４, ＮＡＴＯ) and
  sometimes half-width (2024, NATO) in one article. Many style books write a single digit
  or letter full-width and longer runs half-width (１人, 2024年, Ａ社, NATO), so runs of one
  character and longer runs are judged apart: within each group and each script (digits,
  letters), when both widths occur and one is settled (``min_usual`` runs, the other at most
  ``max_share`` of them), the other is reported. A number counts as one run (0.35, １，０００).
  Runs inside URLs, e-mails and placeholders do not count.
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

from ..lang.ja import HIRAGANA
from ..lang.mecab import morphs
from ..records import Flag, Severity
from .base import Article, Check
from .tags import protected_spans

RUN = re.compile(r"[0-9０-９]+(?:[.,．，][0-9０-９]+)*|[A-Za-zＡ-Ｚａ-ｚ]+")
FULL = re.compile(r"[０-９Ａ-Ｚａ-ｚ]")
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
        split_single: bool = True  # judge one-character runs (１人, Ａ社) apart from longer runs
        min_usual: int = 3  # runs in the article's usual width before the other width is reported
        max_share: float = 0.25  # ... and the other width's share of the runs at most this

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        if not article.document_level:
            return []
        groups: dict[tuple[str, bool], list[tuple[str, int, int, int]]] = {}
        for i, seg in enumerate(article.segments):
            codes = protected_spans(seg.tgt)
            for m in RUN.finditer(seg.tgt):
                if any(s < m.end() and m.start() < e for s, e in codes):
                    continue
                full = bool(FULL.match(m.group()))
                if full != all(FULL.match(c) for c in m.group()):
                    continue  # a run mixing widths (Ｇ7) is a typo of another kind
                script = "digits" if m.group()[0] in "0123456789０１２３４５６７８９" else "letters"
                single = self.params.split_single and len(m.group()) == 1
                groups.setdefault((script, single), []).append(
                    ("full-width" if full else "half-width", i, m.start(), m.end()))
        out = []
        for (script, single), items in sorted(groups.items()):
            odd, usual = _minority(items, self.params.min_usual, self.params.max_share)
            what = ("single " if single else "") + script if self.params.split_single else script
            for width, i, s, e in odd:
                tgt = article.segments[i].tgt
                msg = f"「{tgt[s:e]}」 is {width}; elsewhere the article writes {what} {usual}."
                out.append((i, self.flag("tgt", tgt, s, e, msg)))
        return out


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
