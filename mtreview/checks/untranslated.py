"""Untranslated: English text left in the translation.

Names, acronyms and titles stay in Latin script in Japanese news (NATO, AP, iPhone,
COVID-19, "Financial Times", "Henry Samueli School of Engineering"): they are mostly
capitalised. A run of Latin words is reported only when it reads like English prose:
several lowercase words ("the city removed a monument"), or a run copied from the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lang.ja import fold_width
from ..records import Flag, Severity
from .base import Article, Check
from .boilerplate import debris_spans

WORD = r"[A-Za-z][A-Za-z'’\-]*"
TOKEN = r"[A-Za-z0-9][A-Za-z0-9'’\-]*"  # "23rd", "2021" inside an English clause
LATIN_RUN = re.compile(rf"{WORD}(?:[ ,.;:\-]+{TOKEN})*")
LOWER = re.compile(r"^[a-z][a-z'’\-]*$")
# lowercase words that belong inside names (School of Engineering and Applied Science, Centers for Disease
# Control, Abu Bakr al-Baghdadi)
NAME_PARTICLES = frozenset({"of", "the", "and", "for", "at", "on", "de", "la", "le", "du", "da", "di", "von",
                            "van", "der", "den", "al", "el", "bin", "ibn", "y"})


class Untranslated(Check):
    id = "untranslated"
    category = "accuracy/untranslated"
    severity = Severity.MAJOR
    description = "English words or clauses left untranslated in the Japanese text."

    @dataclass(frozen=True)
    class Params:
        min_lowercase: int = 3  # lowercase English words a run needs
        min_lowercase_share: float = 0.3  # ... and their share of the run's words
        min_copied_words: int = 5  # or: words of a run copied verbatim from the source (with 3 lowercase)
        min_copied_clause: int = 4  # or: words of a copied run with a lowercase word that is no name particle

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        out = []
        for i, seg in enumerate(article.segments):
            if seg.tgt.strip():
                out += [(i, f) for f in self.find(seg.tgt, seg.src)]
        return out

    def find(self, tgt: str, src: str = "") -> list[Flag]:
        flags = []
        folded = fold_width(tgt)
        debris = debris_spans(tgt)  # "return to top" is the boilerplate check's
        for m in LATIN_RUN.finditer(folded):
            if any(s < m.end() and m.start() < e for s, e in debris):
                continue
            words = re.findall(TOKEN, m.group())
            lower = [w for w in words if LOWER.match(w) and len(w) > 1]
            copied = len(m.group()) >= 12 and m.group() in fold_width(src)
            prose = len(lower) >= self.params.min_lowercase and (
                len(lower) / len(words) >= self.params.min_lowercase_share
            )
            # a long run copied verbatim from the source is a clause left in English (headline case too)
            long_copy = copied and len(words) >= self.params.min_copied_words and len(lower) >= 3
            # a shorter copied run is a clause when it has a word no name has (with, and, to, hitter)
            clause_copy = copied and len(words) >= self.params.min_copied_clause and any(
                w not in NAME_PARTICLES for w in lower)
            if not prose and not long_copy and not clause_copy:
                continue
            what = "copied from the source" if copied else "English"
            msg = f"Untranslated text ({what}): {len(words)} English words in the translation."
            flags.append(self.flag("tgt", tgt, m.start(), m.end(), msg))
        return flags
