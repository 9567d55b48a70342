"""Alignment artefacts: a 1-0 or 0-1 bead that a neighbouring bead seems to translate.

An aligner may leave a sentence on its own (1-0, 0-1) although its neighbour's other side
translates both (a 2-1 or 1-2 it missed), or leave a 1-0 beside a 0-1 that translates it.
Before such a bead is reported as a major omission or addition, the lone sentence is
joined to each neighbouring bead on its side (in document order) and the joined text is
compared with the neighbour's other side: when that is clearly more similar than the
neighbour's own pair, the neighbour explains the sentence and the bead is more likely
the aligner's mistake than the translator's. Needs ``Article.encode``; pure otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .base import Article

WORD = re.compile(r"\w")  # letters, digits, kana and kanji


@dataclass(frozen=True)
class Explained:
    """The neighbour ``other`` whose pair is ``own`` similar, and ``joined`` with the lone sentence."""

    other: int
    own: float
    joined: float

    def note(self, neighbour: str) -> str:
        """The message tail: ``neighbour`` (e.g. "The translation beside it may cover it too") and the evidence."""
        return (f" {neighbour} (with it, that bead's similarity is {self.joined:.2f} instead of {self.own:.2f}):"
                " possibly an alignment error.")


def has_words(text: str) -> bool:
    """False for a "sentence" of punctuation only (a stray quote mark or ！ the segmenter cut off)."""
    return bool(WORD.search(text))


def explained_skips(article: Article, side: str, min_sim: float, min_gain: float) -> dict[int, Explained]:
    """Segments with text on ``side`` only that a neighbouring segment seems to translate.

    ``side`` is "src" (1-0 beads, omissions) or "tgt" (0-1 beads, additions). For each
    neighbour with text on the other side, the lone text joined to the neighbour's text on
    ``side`` is compared with the neighbour's other side; the bead is explained when that
    similarity is at least ``min_sim`` and ``min_gain`` above the neighbour's own pair
    (0 for a neighbour with nothing on ``side``: a 0-1 beside a 1-0). Returns the best
    neighbour per explained segment.
    """
    if article.encode is None:
        return {}
    segs = article.segments
    other_side = "tgt" if side == "src" else "src"
    sep = " " if side == "src" else ""

    def text(k: int, which: str) -> str:
        return getattr(segs[k], which)

    jobs: list[tuple[int, int, str, str, str]] = []  # (lone, neighbour, joined, neighbour's own, other)
    for i in range(len(segs)):
        lone = text(i, side)
        if not lone.strip() or text(i, other_side).strip():
            continue
        for j in (i - 1, i + 1):
            if not 0 <= j < len(segs) or not text(j, other_side).strip():
                continue
            own = text(j, side)
            joined = sep.join(t for t in ((own, lone) if j < i else (lone, own)) if t.strip())
            jobs.append((i, j, joined, own, text(j, other_side)))
    if not jobs:
        return {}
    texts = sorted({t for _, _, joined, own, other in jobs for t in (joined, own, other) if t.strip()})
    vecs = article.encode(texts)
    row = {t: vecs[k] for k, t in enumerate(texts)}
    out: dict[int, Explained] = {}
    for i, j, joined, own, other in jobs:
        own_sim = float(row[own] @ row[other]) if own.strip() else 0.0
        joined_sim = float(row[joined] @ row[other])
        if joined_sim >= min_sim and joined_sim - own_sim >= min_gain:
            best = out.get(i)
            if best is None or joined_sim - own_sim > best.joined - best.own:
                out[i] = Explained(j, own_sim, joined_sim)
    return out
