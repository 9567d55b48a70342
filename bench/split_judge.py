"""A learned judge of the cuts that ``refine.split_glued`` proposes: features, model, candidates.

An experiment of issue 11 (round 8), measured by ``bench/fit_split_cuts.py``; it did not pay on
every set (``bench/results/align_learned.txt``), so the library keeps its hand formula and this
code stays in ``bench/``.

``refine.split_glued`` cuts a bead whose one side holds more sentences than the other (a headline
glued to the text, a quotation kept whole on one side): each candidate cut is scored by a
hand-weighted formula and the best one kept above a margin. Here the candidates are judged by a
logistic regression over general features of the cut (``FEATURES``): how well each half matches
its own half and not the other (the four cosines, and the halves' mean against the whole bead's),
the length fit of both halves, numbers and Latin names shared by the matching halves more than
by the crossed ones, what ends the left text and starts the right one on each side (an end mark,
a closing or opening bracket, a colon, a capital, the Japanese word classes), whether each side's
cut is one the hand rules know (``refine``, ``refine_heads``), where the cut ranks among the
bead's candidates, the bead's length against the document's sentences, a title-case left half,
and whether the bead opens a paragraph. ``judge``: the best candidate of a bead is cut when its
probability exceeds the threshold; ``place``: the formula decides which beads are cut, the model
where.

A job is ``(bead index, EN cut, JA cut, typical, (EN left, EN right, JA left, JA right))``, a
cut ``(k, offset)``: before sentence k of the bead's side, plus offset characters into it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mtreview import refine, refine_heads
from mtreview.anchors import anchor_sets
from mtreview.records import Bead, Sentence

LENGTH_SIGMA = 0.35  # spread of a half's log(JA/EN chars) around the document's ratio (refine's)
_ENDS = "。！？.!?"
_CLOSERS = "」』）】〕”’)]\"'"
_OPENERS = "「『【〔“‘([\""

FEATURES = (
    "gain", "match", "worst", "cross", "lift", "length_z2", "length_worst", "typical", "ja_searched",
    "short_en", "short_ja", "anchors", "en_end", "en_closer", "en_colon", "en_upper", "en_lower", "en_shape",
    "en_rule", "ja_end", "ja_closer", "ja_open", "ja_latin", "ja_shape", "ja_rule", "ja_left_noun",
    "ja_left_predicate", "ja_left_particle", "ja_right_name", "ja_right_strong", "ja_right_noun", "rank", "behind",
    "n_candidates", "bead_cos", "bead_size", "opens_block", "bead_long", "en_title", "left_share",
)


@dataclass(frozen=True)
class CutModel:
    """Logistic regression over standardised ``features``; a cut is kept above ``threshold``."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    bias: float
    threshold: float
    embedder: str  # the encoder whose cosines the model was fitted on

    def prob(self, x: np.ndarray) -> np.ndarray:
        z = ((np.asarray(x, dtype=np.float64) - self.mean) / self.scale) @ self.coef + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def judge(self, jobs: Sequence[tuple], vec: dict[str, np.ndarray], mu: float, beads: Sequence[Bead],
              src: Sequence[Sentence], tgt: Sequence[Sentence]) -> dict[int, int]:
        """Bead index -> the index of its most probable cut, where that exceeds the threshold."""
        return choose(jobs, self.prob(features(jobs, vec, mu, beads, src, tgt)), self.threshold)

    def place(self, jobs: Sequence[tuple], vec: dict[str, np.ndarray], mu: float, beads: Sequence[Bead],
              src: Sequence[Sentence], tgt: Sequence[Sentence]) -> dict[int, int]:
        """Bead index -> the index of its most probable cut (every bead with a job)."""
        return choose(jobs, self.prob(features(jobs, vec, mu, beads, src, tgt)), -math.inf)


def _edge(left: str, right: str) -> tuple[str, str]:
    left, right = left.rstrip(), right.lstrip()
    return left[-1:], right[:1]


def _title(text: str) -> float:
    """The share of words that start with a capital (a headline or a title in title case)."""
    words = [w for w in text.split() if w[:1].isalpha()]
    return sum(w[0].isupper() for w in words) / len(words) if words else 0.0


def _dice(a: set[str], b: set[str]) -> float:
    return 2.0 * len(a & b) / (len(a) + len(b)) if a or b else 0.0


def _shape(ids: Sequence[int], cut: refine.SideCut, sents: Sequence[Sentence], ends) -> float:
    """1 when the cut lies inside a sentence at one of ``ends(text)``'s offsets."""
    k, off = cut
    return float(off > 0 and off in ends(sents[ids[k]].text))


def _rule(ids: Sequence[int], cut: refine.SideCut, sents: Sequence[Sentence], places) -> float:
    """1 at a sentence boundary or at one of the hand rules' ``places(text)``."""
    k, off = cut
    return float(off == 0 or off in places(sents[ids[k]].text))


def ja_places(text: str) -> list[int]:
    """The hand rules' Japanese places: ``refine.boundaries`` and ``refine_heads.ja_head_ends``."""
    return sorted({off for off, _ in refine.boundaries(text)} | set(refine_heads.ja_head_ends(text)))


def _ja_words(ids: Sequence[int], cut: refine.SideCut, sents: Sequence[Sentence]) -> list[float]:
    """The word classes on both sides of a Japanese cut inside a sentence (zeros at a sentence boundary)."""
    k, off = cut
    if off == 0:
        return [0.0] * 6
    tokens = refine._tokens(sents[ids[k]].text)
    left = next((t for t in reversed(tokens) if t.end <= off), None)
    right = next((t for t in tokens if t.start >= off), None)
    if left is None or right is None:
        return [0.0] * 6
    return [float(left.pos[0] == "名詞"), float(left.pos[0] in ("動詞", "形容詞", "助動詞")),
            float(left.pos[0] == "助詞"), float(right.pos[1] == "固有名詞"),
            float(right.pos[0] in ("代名詞", "連体詞", "接続詞")), float(right.pos[0] == "名詞")]


def features(jobs: Sequence[tuple], vec: dict[str, np.ndarray], mu: float, beads: Sequence[Bead],
             src: Sequence[Sentence], tgt: Sequence[Sentence]) -> np.ndarray:
    """One row of ``FEATURES`` per job ``(bead index, EN cut, JA cut, typical, (EN left, EN right,
    JA left, JA right))`` (``refine.cut_jobs``, ``head_jobs``); ``vec`` holds the pieces' unit
    vectors (and the whole bead sides' for ``head_jobs``), ``mu`` the document's log(JA/EN chars)."""
    rows = []
    typical_len = float(np.median([len(s.text) for s in src])) if src else 1.0
    for bi, en_cut, ja_cut, typical, (le, re_, lj, rj) in jobs:
        cl, cr = float(vec[le] @ vec[lj]), float(vec[re_] @ vec[rj])
        xl, xr = float(vec[le] @ vec[rj]), float(vec[re_] @ vec[lj])
        zl = (math.log((len(lj) + 10.0) / (len(le) + 10.0)) - mu) / LENGTH_SIGMA
        zr = (math.log((len(rj) + 10.0) / (len(re_) + 10.0)) - mu) / LENGTH_SIGMA
        (a_le, a_re), (a_lj, a_rj) = anchor_sets([le, re_], [lj, rj])
        en_l, en_r = _edge(le, re_)
        ja_l, ja_r = _edge(lj, rj)
        bead = beads[bi]
        first = bead.src_ids[0]
        rows.append([
            (cl + cr - xl - xr) / 2, (cl + cr) / 2, min(cl, cr), max(xl, xr), (cl + cr) / 2 - bead.score,
            (zl * zl + zr * zr) / 2, max(zl * zl, zr * zr), float(typical),
            float(len(bead.src_ids) > len(bead.tgt_ids)),
            math.log1p(min(len(le), len(re_))), math.log1p(min(len(lj), len(rj))),
            _dice(a_le, a_lj) + _dice(a_re, a_rj) - _dice(a_le, a_rj) - _dice(a_re, a_lj),
            float(en_l in ".!?"), float(en_l in _CLOSERS), float(en_l in ":;"), float(en_r.isupper()),
            float(en_r.islower()), _shape(bead.src_ids, en_cut, src, refine_heads.en_head_ends),
            _rule(bead.src_ids, en_cut, src, en_places),
            float(ja_l in _ENDS), float(ja_l in _CLOSERS), float(ja_r in _OPENERS),
            float(ja_r.isascii() and ja_r.isalnum()),
            _shape(bead.tgt_ids, ja_cut, tgt, refine_heads.ja_head_ends), _rule(bead.tgt_ids, ja_cut, tgt, ja_places),
            *_ja_words(bead.tgt_ids, ja_cut, tgt),
            0.0, 0.0, 0.0, bead.score, float(len(bead.src_ids) + len(bead.tgt_ids)),
            float(first == 0 or src[first - 1].block != src[first].block),
            math.log((len(le) + len(re_) + 1.0) / (typical_len + 1.0)), _title(le), len(lj) / max(1, len(lj) + len(rj)),
        ])
    x = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))
    by_bead: dict[int, list[int]] = {}
    for r, job in enumerate(jobs):
        by_bead.setdefault(job[0], []).append(r)
    for rs in by_bead.values():
        g = x[rs, 0]
        order = np.argsort(-g, kind="stable")
        x[np.asarray(rs)[order], FEATURES.index("rank")] = np.arange(len(rs))
        x[rs, FEATURES.index("behind")] = g.max() - g
        x[rs, FEATURES.index("n_candidates")] = math.log(len(rs))
    return x


def choose(jobs: Sequence[tuple], probs: np.ndarray, threshold: float) -> dict[int, int]:
    """Bead index -> the job index of its most probable cut, for beads whose best exceeds ``threshold``."""
    best: dict[int, int] = {}
    for r, job in enumerate(jobs):
        bi = job[0]
        if probs[r] > threshold and (bi not in best or probs[r] > probs[best[bi]]):
            best[bi] = r
    return best


def en_places(text: str) -> list[int]:
    """The hand rules' English places: stops, colons, lower-case stops, words before a capital (``refine``)."""
    return sorted({*refine.en_stops(text), *refine.en_heads(text), *refine.en_lower_stops(text),
                   *refine.en_colons(text)})


def cut_jobs(src: Sequence[Sentence], tgt: Sequence[Sentence], beads: Sequence[Bead], config: refine.RefineConfig
             ) -> tuple[list[tuple], float]:
    """Every candidate cut that ``refine.split_glued`` scores, as jobs, and the document's log(JA/EN chars)."""
    mu = math.log((sum(len(t.text) for t in tgt) + 10.0) / (sum(len(s.text) for s in src) + 10.0))
    jobs = []
    for bi, en_cut, ja_cut, typical in refine._candidates(src, tgt, beads, mu, config):
        bead = beads[bi]
        pieces = (*refine._halves([src[i].text for i in bead.src_ids], en_cut, " "),
                  *refine._halves([tgt[j].text for j in bead.tgt_ids], ja_cut, ""))
        jobs.append((bi, en_cut, ja_cut, typical, pieces))
    return jobs, mu


def formula(jobs: Sequence[tuple], vec: dict[str, np.ndarray], mu: float, config: refine.RefineConfig
            ) -> dict[int, int]:
    """The hand formula's choice (what ``refine.split_glued`` cuts): bead index -> job index."""
    best: dict[int, tuple[float, int]] = {}
    for k, (bi, _, _, typical, (le, re_, lj, rj)) in enumerate(jobs):
        z = [(math.log((len(ja) + 10.0) / (len(en) + 10.0)) - mu) / config.length_sigma
             for en, ja in ((le, lj), (re_, rj))]
        value = ((float(vec[le] @ vec[lj]) + float(vec[re_] @ vec[rj]) - float(vec[le] @ vec[rj])
                  - float(vec[re_] @ vec[lj])) / 2
                 - config.length_weight * (z[0] ** 2 + z[1] ** 2) / 2 + config.typical_bonus * typical)
        if value > config.margin and (bi not in best or value > best[bi][0]):
            best[bi] = (value, k)
    return {bi: k for bi, (_, k) in best.items()}


def job_cuts(jobs: Sequence[tuple], chosen: dict[int, int], vec: dict[str, np.ndarray]) -> dict:
    """``refine.apply_cuts``' argument for the chosen job (bead index -> job index) of each bead."""
    out = {}
    for bi, k in chosen.items():
        _, e, j, _, (le, re_, lj, rj) = jobs[k]
        out[bi] = (e, j, float(vec[le] @ vec[lj]), float(vec[re_] @ vec[rj]))
    return out
