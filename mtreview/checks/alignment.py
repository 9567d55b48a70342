"""Omission and addition: beads with no counterpart on the other side."""

from __future__ import annotations

from ..records import Flag, Severity
from .base import Article, Check


class Omission(Check):
    id = "omission"
    category = "accuracy/omission"
    severity = Severity.MAJOR
    description = "A source sentence with no translation."

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        out = []
        for i, seg in enumerate(article.segments):
            if seg.src.strip() and not seg.tgt.strip():
                out.append((i, self.flag("src", seg.src, 0, len(seg.src), "This source sentence has no translation.")))
        return out


class Addition(Check):
    id = "addition"
    category = "accuracy/addition"
    severity = Severity.MAJOR
    description = "A target sentence with no source."

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        out = []
        for i, seg in enumerate(article.segments):
            if seg.tgt.strip() and not seg.src.strip():
                out.append((i, self.flag("tgt", seg.tgt, 0, len(seg.tgt), "This sentence has no counterpart in the source.")))
        return out
