"""Repetition: a stuttered word or phrase (「…と述べたと述べた」, "to to").

Japanese is compared on MeCab tokens first, so a repeat of whole words is judged as words.
Legitimate reduplication is left alone: 々 forms (人々, 次々) are single tokens, short kana
units (ゴロゴロ, ますます, いろいろ) and numerals (一つ一つ, １０００) are skipped, and a
repeat must contain a content word.

A second pass looks at characters: a stutter often restarts in the middle of a word
(「明らかにしたらかにした」, 「やっていないっていない」), so its halves are not whole tokens and
the word pass cannot see it. Any immediate repeat of ``min_chars`` or more characters is
reported unless (a) its three edges all fall on token boundaries (then the word pass has
already judged it, reduplication rules included), (b) both copies lie inside one token
(ンゴロンゴロ, ちょくちょく: a word that is itself doubled), (c) the unit is itself a
repeat of something shorter (！！！！！！, ーーーーーー), (d) it holds fewer than
``min_chars`` letters (punctuation and spaces do not count) or no Japanese at all, or (e) it
holds a list mark 、・ or a sentence end 。！？ (a list of names shares parts:
「マディヤ・プラデーシュ州、ウルタ・プラデーシュ州、ウルタラカンド州」 repeats
「・プラデーシュ州、ウルタ」 by chance).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lang.ja import HIRAGANA, KATAKANA, is_ja
from ..lang.mecab import Token, tokens
from ..records import Flag, Severity
from .base import Article, Check

CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "副詞", "代名詞", "連体詞"}
KANA_ONLY = re.compile(f"^[{HIRAGANA}{KATAKANA}]+$")
NUMERAL = re.compile(r"^[0-9０-９〇一二三四五六七八九十百千万億兆]+$")
SENTENCE_END = {"。", "！", "？", "!", "?", "\n"}
# names in a list share parts (マディヤ・プラデーシュ州、ウルタ・プラデーシュ州); a sentence end is no stutter
LIST_MARK = re.compile(r"[、・,，。！？!?]")

# English doubled words that are sometimes grammatical ("had had", "that that", "is is").
EN_SOMETIMES = {"had", "that", "is", "bye", "very", "really", "so", "no", "yes", "ha", "far", "many", "knock"}
EN_REPEAT = re.compile(r"\b([A-Za-z]+(?:[ '-][A-Za-z]+){0,3})(\s+\1)\b", re.IGNORECASE)


def _legit_unit(unit: tuple[Token, ...]) -> bool:
    """True for a unit whose doubling is ordinary Japanese (reduplication, numbers, symbols)."""
    text = "".join(t.surface for t in unit)
    if not any(t.pos in CONTENT_POS for t in unit):
        return True
    if any(t.surface in SENTENCE_END for t in unit):
        return True
    counter = len(unit) <= 2 and all(t.pos in ("名詞", "接尾辞") for t in unit)
    if NUMERAL.match(text) or (counter and NUMERAL.match(unit[0].surface)):
        return True  # １０００, 一つ一つ, 二人二人
    if all(t.pos in ("副詞", "感動詞") for t in unit):
        return True  # もっともっと, まだまだ, はいはい: emphatic
    if len(unit) == 2 and unit[0].pos == "形容詞" and unit[1].surface == "て":
        return True  # 暑くて暑くて: emphatic
    if len(text) <= 2 and KANA_ONLY.match(text):
        return True  # ますます, いろいろ, ドンドン, ゴロゴロ
    return bool(len(text) <= 4 and re.match(f"^[{KATAKANA}]+$", text))  # ニャーニャー


def _letters(unit: str) -> int:
    return sum(1 for c in unit if c.isalnum() or is_ja(c))


def _periodic(unit: str) -> bool:
    """True when ``unit`` is itself a repeat of a shorter string (ーーー, ！！！！, ははは)."""
    n = len(unit)
    return any(n % p == 0 and unit == unit[:p] * (n // p) for p in range(1, n // 2 + 1))


def _char_repeat(text: str, i: int, lo: int, hi: int, edges: set[int], token_of: dict[int, int]) -> int | None:
    """Length of the longest reportable immediate repeat starting at ``i``, or None."""
    first, top = text[i], min(hi, (len(text) - i) // 2)
    if first not in text[i + lo : i + top + 1]:
        return None  # no copy can start at i + n for any n: the loop below would find none
    for n in range(top, lo - 1, -1):
        if text[i + n] != first or text[i : i + n] != text[i + n : i + 2 * n]:
            continue
        unit = text[i : i + n]
        if {i, i + n, i + 2 * n} <= edges:
            return None  # whole words: the word pass's call
        if token_of.get(i) is not None and token_of.get(i) == token_of.get(i + 2 * n - 1):
            return None  # one token holds both copies: a doubled word
        if _periodic(unit) or _letters(unit) < lo or not any(is_ja(c) for c in unit) or LIST_MARK.search(unit):
            return None
        return n
    return None


class Repetition(Check):
    id = "repetition"
    category = "fluency/repetition"
    severity = Severity.MAJOR
    description = "A word or phrase written twice in a row (a stutter)."

    @dataclass(frozen=True)
    class Params:
        max_tokens: int = 8  # longest repeated unit looked for, in MeCab tokens
        min_chars: int = 3  # shortest repeat across word boundaries, in letters
        max_chars: int = 24  # longest repeat across word boundaries, in characters

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        out: list[tuple[int, Flag]] = []
        for i, seg in enumerate(article.segments):
            out += [(i, f) for f in self.japanese(seg.tgt)]
            out += [(i, f) for f in self.english(seg.src)]
        return out

    def japanese(self, text: str) -> list[Flag]:
        toks = [t for t in tokens(text) if t.surface.strip()]
        surf = [t.surface for t in toks]
        flags: list[Flag] = []
        i = 0
        while i < len(toks):
            hit = None
            for n in range(min(self.params.max_tokens, (len(toks) - i) // 2), 0, -1):
                if surf[i] != surf[i + n] or surf[i : i + n] != surf[i + n : i + 2 * n]:
                    continue
                a, b = toks[i : i + n], toks[i + n : i + 2 * n]
                if a[-1].end != b[0].start or _legit_unit(tuple(a)):
                    continue
                hit = (a[0].start, b[-1].end, text[a[0].start : a[-1].end], n)
                break
            if hit is None:
                i += 1
                continue
            start, end, unit, n = hit
            msg = f"「{unit}」 is written twice in a row."
            flags.append(self.flag("tgt", text, start, end, msg, suggestion=unit))
            i += 2 * n
        return sorted(flags + self.characters(text, toks, flags), key=lambda f: f.start)

    def characters(self, text: str, toks: list[Token], found: list[Flag]) -> list[Flag]:
        """Immediate repeats that cut across word boundaries (see the module docstring)."""
        edges = {t.start for t in toks} | {t.end for t in toks}
        token_of = {}
        for k, t in enumerate(toks):
            for c in range(t.start, t.end):
                token_of[c] = k
        lo, hi = self.params.min_chars, self.params.max_chars
        taken = [(f.start, f.end) for f in found]
        flags: list[Flag] = []
        i = 0
        while i < len(text):
            n = _char_repeat(text, i, lo, hi, edges, token_of)
            if n is None or any(s < i + 2 * n and i < e for s, e in taken):
                i += 1
                continue
            unit = text[i : i + n]
            msg = f"「{unit}」 is written twice in a row (a stutter that restarts inside a word)."
            flags.append(self.flag("tgt", text, i, i + 2 * n, msg, suggestion=unit))
            taken.append((i, i + 2 * n))
            i += 2 * n
        return flags

    def english(self, text: str) -> list[Flag]:
        flags = []
        for m in EN_REPEAT.finditer(text):
            unit = m.group(1)
            if unit[0].isdigit():
                continue
            note = " (sometimes grammatical)" if unit.lower() in EN_SOMETIMES else ""
            msg = f'"{unit}" is written twice in a row{note}.'
            minor = Severity.MINOR
            flags.append(self.flag("src", text, m.start(), m.end(), msg, suggestion=unit, severity=minor))
        return flags
