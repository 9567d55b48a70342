"""Repetition: a stuttered word or phrase (「…と述べたと述べた」, "to to").

Japanese is compared on MeCab tokens, so a repeat is a repeat of whole words, never a
character accident. Legitimate reduplication is left alone: 々 forms (人々, 次々) are
single tokens, short kana units (ゴロゴロ, ますます, いろいろ) and numerals (一つ一つ,
１０００) are skipped, and a repeat must contain a content word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lang.ja import HIRAGANA, KATAKANA
from ..lang.mecab import Token, tokens
from ..records import Flag, Severity
from .base import Article, Check

CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "副詞", "代名詞", "連体詞"}
KANA_ONLY = re.compile(f"^[{HIRAGANA}{KATAKANA}]+$")
NUMERAL = re.compile(r"^[0-9０-９〇一二三四五六七八九十百千万億兆]+$")
SENTENCE_END = {"。", "！", "？", "!", "?", "\n"}

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


class Repetition(Check):
    id = "repetition"
    category = "fluency/repetition"
    severity = Severity.MAJOR
    description = "A word or phrase written twice in a row (a stutter)."

    @dataclass(frozen=True)
    class Params:
        max_tokens: int = 8  # longest repeated unit looked for, in MeCab tokens

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
