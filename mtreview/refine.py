"""Alignment refinement: split a Japanese sentence that holds two English ones with no boundary mark.

A headline, a caption or a dateline without final punctuation runs into the next sentence when a
document has no paragraph breaks (「…南軍記念碑を撤去バージニア州バージニア・ビーチ -- …」). English
has capitals and datelines to split on; Japanese has none, so the aligner makes a 2-1 bead. For
every bead with more English than Japanese sentences, this step tries to cut one Japanese sentence
of the bead at a MeCab morpheme boundary that could end a headline and start a sentence (see
``boundaries``), pairing the English sentences before the cut with the Japanese text before it:

    gain = (cos(EN1, JA1) + cos(EN2, JA2) - cos(EN1, JA2) - cos(EN2, JA1)) / 2   # each part matches
                                                                              # its own, not the other
           - length_weight * (z1**2 + z2**2) / 2   # z: log(JA/EN chars) of a part vs the document's ratio
           + typical_bonus * typical               # 」| before the cut, or a name / 「 after it

The best cut of a bead is kept when its gain exceeds ``margin``. Only beads with more English
than Japanese sentences are searched, and only cuts whose length is near what the English guide
predicts (JA chars ~ EN chars x the document's ratio), so the step costs one encoder call per
document.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .records import Bead, Sentence

log = logging.getLogger(__name__)

Encode = Callable[[Sequence[str]], np.ndarray]

# a headline ends on a content word or a closing bracket ...
_END_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞", "接尾辞", "代名詞", "助動詞"})
_END_PARTICLES = frozenset("もへかで")  # 「…へ」「…も」「…か」 headline endings
_CLOSERS = frozenset("」』）】〕”’)]")
# ... and a sentence starts on a noun, a prefix, an opening bracket or a number
_START_POS = frozenset({"名詞", "接頭辞", "代名詞", "連体詞", "接続詞"})
_OPENERS = frozenset("「『【〔“‘[")  # not （: a parenthesis continues the sentence
_STRONG_START = frozenset({"代名詞", "連体詞", "接続詞"})  # これは / この / ただし
# 「８|回」「判定|する」「入場|時」 do not start a sentence
_NO_START = frozenset({"助数詞", "助数詞可能", "非自立可能", "副詞可能"})


@dataclass(frozen=True)
class RefineConfig:
    """Knobs of the split search (mirrored by ``AlignConfig.split_*`` fields)."""

    margin: float = 0.1  # least gain of a kept cut
    length_weight: float = 0.1
    length_sigma: float = 0.35
    max_log_ratio: float = 1.0  # cuts whose JA/EN length ratio is this far (log) from the guide are skipped
    typical_bonus: float = 0.15  # added for a closing bracket before the cut or a name after it
    min_chars: int = 4  # shortest Japanese piece


@functools.lru_cache(maxsize=1)
def _tagger():
    import fugashi

    return fugashi.Tagger()


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    surface: str
    pos: tuple[str, str, str]  # UniDic pos1, pos2, pos3
    form: str  # conjugation form (終止形-一般 ...), "*" for words that do not conjugate
    unknown: bool


def _tokens(text: str) -> list[_Token]:
    out, pos = [], 0
    for w in _tagger()(text):
        start = text.find(w.surface, pos)
        if start < 0:
            continue
        pos = start + len(w.surface)
        f = w.feature
        out.append(_Token(start, pos, w.surface, (f.pos1, f.pos2, f.pos3), f.cForm or "*", bool(w.is_unk)))
    return out


def _can_end(t: _Token, nxt: _Token) -> bool:
    """A headline, caption or quotation may end on ``t`` when ``nxt`` starts a sentence."""
    if t.surface[-1] in _CLOSERS or t.surface[-1].isdigit():
        return True
    if t.pos[0] == "助詞":  # 「…へ」「…も」; 「…で」 only before これ / この / ただし
        return t.surface in _END_PARTICLES and (t.surface != "で" or nxt.pos[0] in _STRONG_START)
    if t.pos[0] in ("動詞", "形容詞", "助動詞"):
        return t.form.startswith("終止形")  # 撃たれる|, not 冷やし|中華
    return t.pos[0] in _END_POS and t.surface[-1] not in "、，・"


def _can_start(t: _Token) -> bool:
    """A sentence may start on this token."""
    if t.surface[0] in _OPENERS or t.surface[0].isdigit() or t.surface[0].isascii():
        return t.surface[0] not in "()-"
    return t.pos[0] in _START_POS and t.pos[1] not in _NO_START and t.pos[2] not in _NO_START


def _katakana(ch: str) -> bool:
    return "\u30a0" <= ch <= "\u30ff"


def _compound(left: _Token, right: _Token) -> bool:
    """Two common nouns that read as one compound (データ|登録, デモ|参加者), or a name split in two."""
    if left.unknown or right.unknown or (_katakana(left.surface[-1]) and _katakana(right.surface[0])):
        return True  # ディー|ニー
    if right.pos[0] == "名詞" and len(right.surface) == 1:
        return True  # 三重|県, 治療|法
    if left.pos[0] != "名詞" or right.pos[0] != "名詞" or right.pos[1] == "固有名詞":
        return False
    return left.pos[2] != "サ変可能" and left.pos[1] != "固有名詞"  # 撤去|バージニア, 開始|全国


def _typical(left: _Token, right: _Token) -> bool:
    """A typical headline / caption / quotation end: a closing bracket, or a name or dateline next."""
    return (left.surface[-1] in _CLOSERS or right.surface[0] in _OPENERS or right.pos[1] == "固有名詞"
            or (right.surface[0].isascii() and right.surface[0].isalpha()))


def boundaries(text: str) -> list[tuple[int, bool]]:
    """Offsets in ``text`` between two morphemes where one sentence may end and the next begin,
    each with whether the boundary is a typical one (see ``_typical``)."""
    tokens = _tokens(text)
    out = []
    for left, right in itertools.pairwise(tokens):
        if _can_end(left, right) and _can_start(right) and not _compound(left, right):
            out.append((right.start, _typical(left, right)))
    return out


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)


def split_glued(src: Sequence[Sentence], tgt: Sequence[Sentence], beads: Sequence[Bead], encode: Encode,
                config: RefineConfig | None = None) -> tuple[list[Sentence], list[Bead]]:
    """Cut Japanese sentences of beads with more English sentences; returns new ``tgt`` and beads.

    Target sentences are renumbered in document order; a cut sentence becomes two sentences with
    offsets into the same document text. Beads keep their order; a split bead becomes two.
    """
    config = config or RefineConfig()
    src_chars = sum(len(s.text) for s in src)
    tgt_chars = sum(len(t.text) for t in tgt)
    mu = math.log((tgt_chars + 10.0) / (src_chars + 10.0))
    jobs = []  # (bead index, k English sentences left, JA sentence id, offset in it)
    texts: list[str] = []
    index: dict[str, int] = {}

    def want(t: str) -> int:
        if t not in index:
            index[t] = len(texts)
            texts.append(t)
        return index[t]

    for bi, bead in enumerate(beads):
        a, b = len(bead.src_ids), len(bead.tgt_ids)
        if a < 2 or b < 1 or a <= b:
            continue
        en = [src[i].text for i in bead.src_ids]
        ja = [tgt[j].text for j in bead.tgt_ids]
        want(" ".join(en))
        want("".join(ja))
        for k in range(1, a):
            left_en, right_en = " ".join(en[:k]), " ".join(en[k:])
            guide = len(left_en) * math.exp(mu)
            for jj, sent in enumerate(ja):
                for cut, typical in boundaries(sent):
                    left_ja = "".join(ja[:jj]) + sent[:cut].rstrip()
                    right_ja = sent[cut:].lstrip() + "".join(ja[jj + 1 :])
                    if min(len(left_ja.strip()), len(right_ja.strip())) < config.min_chars:
                        continue
                    if abs(math.log((len(left_ja) + 5.0) / (guide + 5.0))) > config.max_log_ratio:
                        continue
                    jobs.append((bi, k, bead.tgt_ids[jj], cut, typical, left_en, right_en, left_ja, right_ja))
                    for t in (left_en, right_en, left_ja, right_ja):
                        want(t)
    if not jobs:
        return list(tgt), list(beads)
    emb = np.asarray(encode(texts), dtype=np.float32)
    emb /= np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-9)

    def z(en: str, ja: str) -> float:
        return (math.log((len(ja) + 10.0) / (len(en) + 10.0)) - mu) / config.length_sigma

    best: dict[int, tuple[float, tuple]] = {}
    for job in jobs:
        bi, k, tid, cut, typical, le, re_, lj, rj = job
        cl, cr = _cos(emb[index[le]], emb[index[lj]]), _cos(emb[index[re_]], emb[index[rj]])
        xl, xr = _cos(emb[index[le]], emb[index[rj]]), _cos(emb[index[re_]], emb[index[lj]])
        value = ((cl + cr - xl - xr) / 2 - config.length_weight * (z(le, lj) ** 2 + z(re_, rj) ** 2) / 2
                 + config.typical_bonus * typical)
        if value > config.margin and (bi not in best or value > best[bi][0]):
            best[bi] = (value, (k, tid, cut, cl, cr, value))
    return _apply(tgt, beads, {bi: v[1] for bi, v in best.items()})


def _apply(tgt: Sequence[Sentence], beads: Sequence[Bead], cuts: dict[int, tuple]) -> tuple[list[Sentence],
                                                                                          list[Bead]]:
    """Rebuild the target sentences and beads with the chosen cuts."""
    at = {c[1]: c[2] for c in cuts.values()}
    gain = {c[1]: c[5] for c in cuts.values()}
    new_ids: dict[int, tuple[int, ...]] = {}
    out: list[Sentence] = []
    for t in tgt:
        if t.id in at:
            cut = at[t.id]
            left = t.text[:cut].rstrip()
            rest = t.text[cut:]
            right = rest.lstrip()
            rs = t.start + cut + (len(rest) - len(right))
            out.append(Sentence(len(out), t.start, t.start + len(left), left, t.block))
            out.append(Sentence(len(out), rs, t.end, right, t.block))
            new_ids[t.id] = (len(out) - 2, len(out) - 1)
            log.debug("split target sentence %d at %d (gain %.4f): %r | %r", t.id, cut, gain[t.id], left[-20:],
                      right[:20])
        else:
            out.append(Sentence(len(out), t.start, t.end, t.text, t.block))
            new_ids[t.id] = (len(out) - 1,)
    result: list[Bead] = []
    for bi, bead in enumerate(beads):
        ids = tuple(n for j in bead.tgt_ids for n in new_ids[j])
        if bi not in cuts:
            result.append(Bead(bead.src_ids, ids, bead.score))
            continue
        k, tid, _, cl, cr, _ = cuts[bi]
        split_at = ids.index(new_ids[tid][1])
        result.append(Bead(bead.src_ids[:k], ids[:split_at], round(cl, 6)))
        result.append(Bead(bead.src_ids[k:], ids[split_at:], round(cr, 6)))
    return out, result
