"""Sentence splitting per language. Pure functions: Document -> list[Sentence].

First slice: simple punctuation rules; offsets always index Document.text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .config import SegmentConfig
from .records import Document, Sentence

_EN_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"“'‘(]?[A-Z0-9])")
_JA_BOUNDARY = re.compile(r"(?<=[。！？!?])[」』）)”’]*")


def _spans_en(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    chunk = text[start:end]
    for m in _EN_BOUNDARY.finditer(chunk):
        cut = start + m.start()
        # keep closing quotes with the sentence they close
        close = re.match(r"[\"'”’)]*", chunk[m.start():])
        cut += close.end() if close else 0
        out.append((pos, cut))
        pos = start + m.end()
    out.append((pos, end))
    return out


def _spans_ja(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    chunk = text[start:end]
    for m in _JA_BOUNDARY.finditer(chunk):
        cut = start + m.end()
        if cut > pos and cut < end:
            out.append((pos, cut))
            pos = cut
    out.append((pos, end))
    return out


SPLITTERS: dict[str, Callable[[str, int, int], list[tuple[int, int]]]] = {
    "en": _spans_en,
    "ja": _spans_ja,
}


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def split(doc: Document, config: SegmentConfig | None = None) -> list[Sentence]:
    """Split every block of ``doc`` into sentences, numbered from 0 in document order."""
    splitter = SPLITTERS[doc.lang]
    sents: list[Sentence] = []
    for bi, block in enumerate(doc.blocks):
        for a, b in splitter(doc.text, block.start, block.end):
            a, b = _trim(doc.text, a, b)
            if a < b:
                sents.append(Sentence(len(sents), a, b, doc.text[a:b], bi))
    return sents
