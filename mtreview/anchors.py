"""Lexical anchors shared by an English sentence and its Japanese translation.

Numbers are normalised to one canonical string whatever their script ("１万５０００",
"15,000" and "15 thousand" all give "15000"; "July" gives "7", so "July 24" and "７月２４日"
share "7" and "24"). Latin-script words (names, acronyms) that the Japanese text keeps as they
are ("HSBC", "COVID") are anchors too. Pure functions, used by ``align``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

from .lang.en import FUNCTION_WORDS, MONTH_PATTERN, MONTHS

_MONTHS = {w: str(k) for w, k in MONTHS.items()}
_EN_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "m": 1e6, "bn": 1e9}
_JA_SCALE = {"千": 1e3, "万": 1e4, "億": 1e8, "兆": 1e12}
_EN_NUM = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)(?:\s*(thousand|million|billion|trillion|bn|m)\b)?", re.I)
_JA_NUM = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)(兆|億|万|千)?")
_MONTH_WORD = re.compile(r"\b(" + MONTH_PATTERN + r")\b\.?", re.I)
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9'&.-]*[A-Za-z0-9]")
_POSSESSIVE = re.compile(r"'s$")
# possessives and titles too: a Japanese text never keeps them in Latin script as a name
_STOP = FUNCTION_WORDS | {"his", "her", "their", "no", "mr", "ms"}


def _canon(value: float) -> str:
    return f"{value:.10g}"


def numbers(text: str, lang: str) -> set[str]:
    """Canonical numbers in ``text`` (digits in any width, scale words, English month names)."""
    text = unicodedata.normalize("NFKC", text)
    out: set[str] = set()
    if lang == "ja":
        pos = 0
        for m in _JA_NUM.finditer(text):
            if m.start() < pos:
                continue
            value = float(m.group(1).replace(",", ""))
            if m.group(2):  # 1万5000 = 15000, 3億2000万 = 320000000
                value *= _JA_SCALE[m.group(2)]
                tail = _JA_NUM.match(text, m.end())
                if tail and (not tail.group(2) or _JA_SCALE[tail.group(2)] < _JA_SCALE[m.group(2)]):
                    scale = _JA_SCALE[tail.group(2)] if tail.group(2) else 1
                    value += float(tail.group(1).replace(",", "")) * scale
                    pos = tail.end()
            out.add(_canon(value))
        return out
    for m in _EN_NUM.finditer(text):
        value = float(m.group(1).replace(",", ""))
        if m.group(2):
            value *= _EN_SCALE[m.group(2).lower()]
        out.add(_canon(value))
    for m in _MONTH_WORD.finditer(text):
        word = m.group(1)
        if word.lower() == "may" and word[0].islower():
            continue  # the verb
        if len(word) <= 4 and not word[0].isupper():
            continue
        out.add(_MONTHS[word.lower()])
    return out


def latin_words(text: str) -> set[str]:
    """Latin-script words (lower-cased, at least two letters, no possessive 's, not function words)."""
    text = unicodedata.normalize("NFKC", text)
    words = (_POSSESSIVE.sub("", w.lower()) for w in _LATIN.findall(text.replace("’", "'")))
    return {w for w in words if w not in _STOP}


# Punctuation that a translation keeps: a quotation (“…” / "…" ↔ 「…」 / 『…』 / “…”) and a
# question. Marked with a leading space so that no word or number can collide with them.
QUOTE, QUESTION = " quote", " question"
_EN_QUOTE = re.compile(r"[“”]|(?:^|\s)\"(?=\w)|(?<=[^\d\s])\"(?=\s|$|[,.;:!?])")
_JA_QUOTE = re.compile(r"[「」『』“”\"]")


def marks(text: str, lang: str) -> set[str]:
    """Punctuation anchors of ``text``: ``QUOTE`` for a quotation, ``QUESTION`` for a question.

    English apostrophes and single quotes are not quotations ('consequences' is rendered 「結果」
    as often as 結果); a Japanese question may end in か。 with no question mark, so only the
    mark itself counts on either side.
    """
    out = set()
    if (_JA_QUOTE if lang == "ja" else _EN_QUOTE).search(text):
        out.add(QUOTE)
    if "?" in text or (lang == "ja" and "？" in text):
        out.add(QUESTION)
    return out


@functools.lru_cache(maxsize=4096)
def _text_anchors(text: str, lang: str) -> tuple[frozenset[str], frozenset[str]]:
    """``numbers`` and ``latin_words`` of one text, kept: the aligner scores the same sentences again
    each time it has encoded more windows (``align._on_demand``)."""
    return frozenset(numbers(text, lang)), frozenset(latin_words(text))


def anchor_sets(src: Sequence[str], tgt: Sequence[str], punctuation: bool = False
                ) -> tuple[list[set[str]], list[set[str]]]:
    """Anchors of each English and Japanese text: numbers, plus Latin words the Japanese side uses,
    plus (``punctuation``) quotation and question marks."""
    src_found = [_text_anchors(s, "en") for s in src]
    tgt_found = [_text_anchors(t, "ja") for t in tgt]
    vocab = set().union(*(w for _, w in tgt_found)) if tgt_found else set()
    src_sets = [set(n) | (w & vocab) for n, w in src_found]
    tgt_sets = [set(n) | w for n, w in tgt_found]
    if punctuation:
        src_sets = [a | marks(s, "en") for a, s in zip(src_sets, src, strict=True)]
        tgt_sets = [a | marks(t, "ja") for a, t in zip(tgt_sets, tgt, strict=True)]
    return src_sets, tgt_sets
